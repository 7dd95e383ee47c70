//! A job-level `if:` for a job's `when.event`, so GitHub does not start a runner (and its
//! setup, downloads and attestations) for an event the job never runs on. cigen still checks
//! the same condition itself when it runs; this only saves the runner. The mapping agrees with
//! how `cigen run` reads GitHub's event (`run::context`): a tag push is `tag`, not `push`.

use crate::model::Job;
use crate::spec::Event;

fn event_expr(e: Event) -> &'static str {
    match e {
        Event::Push => "(github.event_name == 'push' && github.ref_type != 'tag')",
        Event::Tag => "github.ref_type == 'tag'",
        Event::PullRequest => {
            "github.event_name == 'pull_request' || github.event_name == 'merge_group'"
        }
        Event::Schedule => "github.event_name == 'schedule'",
        Event::Manual => {
            "github.event_name == 'workflow_dispatch' || github.event_name == 'repository_dispatch'"
        }
    }
}

/// The expression, or `None` when the job runs on every event. Other conditions (branch,
/// changed files) stay with cigen: a required check must still report on those events.
pub(super) fn job_condition(j: &Job) -> Option<String> {
    events_condition(j.when.event.as_ref()?)
}

/// GitHub event names that alone decide an event (all but push and tag, which read the ref).
fn event_names(e: Event) -> &'static [&'static str] {
    match e {
        Event::PullRequest => &["pull_request", "merge_group"],
        Event::Schedule => &["schedule"],
        Event::Manual => &["workflow_dispatch", "repository_dispatch"],
        Event::Push | Event::Tag => &[],
    }
}

/// Above this length the event-name comparisons are folded into one `contains(...)`, so the
/// generated `if:` line stays readable (and under yamllint's line limit) with many events.
const LONG_CONDITION: usize = 150;

fn events_condition(events: &[Event]) -> Option<String> {
    if events.is_empty() {
        return None;
    }
    let chained = events
        .iter()
        .map(|e| event_expr(*e))
        .collect::<Vec<_>>()
        .join(" || ");
    if chained.len() <= LONG_CONDITION {
        return Some(chained);
    }
    let mut parts: Vec<String> = events
        .iter()
        .filter(|e| matches!(e, Event::Push | Event::Tag))
        .map(|e| event_expr(*e).to_string())
        .collect();
    let names: Vec<String> = events
        .iter()
        .flat_map(|e| event_names(*e))
        .map(|n| format!("\"{n}\""))
        .collect();
    if !names.is_empty() {
        parts.push(format!(
            "contains(fromJSON('[{}]'), github.event_name)",
            names.join(",")
        ));
    }
    Some(parts.join(" || "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_become_one_expression() {
        assert_eq!(events_condition(&[]), None);
        assert_eq!(
            events_condition(&[Event::Tag]).as_deref(),
            Some("github.ref_type == 'tag'")
        );
        assert_eq!(
            events_condition(&[Event::Schedule, Event::Manual]).as_deref(),
            Some("github.event_name == 'schedule' || github.event_name == 'workflow_dispatch' || github.event_name == 'repository_dispatch'")
        );
        assert_eq!(
            events_condition(&[Event::Push]).as_deref(),
            Some("(github.event_name == 'push' && github.ref_type != 'tag')")
        );
        assert_eq!(
            events_condition(&[Event::Push, Event::PullRequest, Event::Schedule, Event::Manual]).as_deref(),
            Some("(github.event_name == 'push' && github.ref_type != 'tag') || contains(fromJSON('[\"pull_request\",\"merge_group\",\"schedule\",\"workflow_dispatch\",\"repository_dispatch\"]'), github.event_name)")
        );
    }
}
