//! A job-level `if:` for a job's `when.event` (and a `when.base` or `when.repository` of
//! plain names, and their `when.not` forms), so
//! GitHub does not start a runner (and its setup, downloads and attestations) for an event
//! the job never runs on. cigen still checks the same condition itself when it runs; this
//! only saves the runner, except for a job of remote steps only, where it is the only gate. The mapping agrees with
//! how `cigen run` reads GitHub's event (`crate::provider`): a tag push is `tag`, not `push`.
//!
//! GitHub skips every job that needs a skipped job unless the job has a condition of its own.
//! A job skipped by its `when` satisfies its dependents everywhere else (cigen run, GitLab),
//! so every job below an event-gated one runs when no ancestor failed and the run was not
//! cancelled: `!failure() && !cancelled()` (`failure()` looks at every ancestor, so a job
//! below a failure is still skipped, as everywhere).

use std::collections::{HashMap, HashSet};

use crate::model::{Job, Pipeline};
use crate::spec::{Event, NeedsResult};

/// What a job below an event-gated job adds: skipped needs are fine, failed or cancelled
/// ones are not.
const TOLERATE_SKIPPED_NEEDS: &str = "!failure() && !cancelled()";

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

/// The expression, or `None` when the job runs on every event and nothing above it can be
/// skipped by GitHub. Other conditions (branch, changed files) stay with cigen: a required
/// check must still report on those events.
pub(super) fn job_condition(p: &Pipeline, below: &BelowGate<'_>, j: &Job) -> Option<String> {
    let own = own_condition(j);
    // `when.needs` replaces GitHub's implicit `success()`; `!cancelled()` rather than
    // `always()`, so a cancelled run does not start it (as locally and on GitLab).
    let status = match j.after {
        NeedsResult::Always => Some("!cancelled()".to_string()),
        NeedsResult::Failure => Some("failure()".to_string()),
        NeedsResult::Success if below.0.contains(j.name.as_str()) => {
            // A manual need nobody ran holds its dependents back (locally too), also where
            // the skips of other gated needs are tolerated.
            let manual: Vec<String> = j
                .needs
                .iter()
                .filter(|n| p.jobs.get(n.as_str()).is_some_and(|m| m.manual))
                .map(|n| format!("needs.{n}.result == 'success'"))
                .collect();
            Some(
                std::iter::once(TOLERATE_SKIPPED_NEEDS.to_string())
                    .chain(manual)
                    .collect::<Vec<_>>()
                    .join(" && "),
            )
        }
        NeedsResult::Success => None,
    };
    match (status, own) {
        (Some(s), Some(e)) => Some(format!("{s} && ({e})")),
        (s, e) => s.or(e),
    }
}

/// Whether GitHub may skip the job by its own `if:` while cigen counts the skip as one that
/// lets dependents run (an event gate, `when.needs: failure`): jobs below it then tolerate
/// skipped needs. A manual job's skip is not such a one: what needs it stays skipped.
fn gates(j: &Job) -> bool {
    j.after != NeedsResult::Success || own_event_condition(j).is_some()
}

/// The job's own gate: its event conditions, and a manual run for a manual job.
fn own_condition(j: &Job) -> Option<String> {
    let manual = j.manual.then(|| event_expr(Event::Manual).to_string());
    match (own_event_condition(j), manual) {
        (Some(e), Some(m)) => Some(format!("({e}) && ({m})")),
        (e, m) => e.or(m),
    }
}

/// The job's own event gate: its `when.event`, not its `when.not.event`, its `when.base`
/// and `when.repository` when they name branches and repositories outright, and the
/// `when.schedule` of a job no `cigen run` decides.
fn own_event_condition(j: &Job) -> Option<String> {
    let wanted = j.when.event.as_deref().and_then(events_condition);
    let unwanted = j
        .when
        .not
        .as_ref()
        .and_then(|n| n.event.as_deref())
        .and_then(events_condition)
        .map(|e| format!("!({e})"));
    let events = match (wanted, unwanted) {
        (Some(w), Some(u)) => Some(format!("({w}) && {u}")),
        (w, u) => w.or(u),
    };
    let parts: Vec<String> = [
        events,
        base_condition(j),
        repository_condition(j),
        schedule_condition(j),
        not_base_condition(j),
        not_repository_condition(j),
        not_schedule_condition(j),
    ]
    .into_iter()
    .flatten()
    .collect();
    match parts.len() {
        0 => None,
        1 => parts.into_iter().next(),
        _ => Some(
            parts
                .iter()
                .map(|p| format!("({p})"))
                .collect::<Vec<_>>()
                .join(" && "),
        ),
    }
}

/// `field op 'value'` for each value, joined by `join` (` || ` or ` && `).
fn compare(field: &str, op: &str, values: &[String], join: &str) -> String {
    values
        .iter()
        .map(|v| format!("{field} {op} '{v}'"))
        .collect::<Vec<_>>()
        .join(join)
}

/// Crons that can be quoted in a condition, or `None` (cron lines hold no glob, but a quote
/// would end the string).
fn quotable(crons: &[String]) -> Option<&[String]> {
    (!crons.is_empty() && !crons.iter().any(|c| c.contains('\''))).then_some(crons)
}

/// `when.schedule` of a job of remote steps only, which no `cigen run` decides: GitHub's
/// payload names the workflow's cron line, which cigen writes with single spaces
/// (`model::cron_text`), as `when.schedule` holds it. A job cigen runs is left to cigen, which
/// also knows `CIGEN_SCHEDULE` (a runner whose payload names no cron).
fn schedule_condition(j: &Job) -> Option<String> {
    if !remote_only(j) {
        return None;
    }
    let crons = quotable(j.when.schedule.as_ref()?)?;
    Some(format!(
        "github.event_name != 'schedule' || {}",
        compare("github.event.schedule", "==", crons, " || ")
    ))
}

/// `when.base` of plain branch names: a pull request into another branch does not start a
/// runner. Only `pull_request` runs are filtered, as `cigen run` filters them; GitHub
/// compares text without case, so this never skips what cigen would run (cigen still
/// decides).
fn base_condition(j: &Job) -> Option<String> {
    let texts = plain_names(&j.when.base.as_ref()?.texts)?;
    Some(format!(
        "github.event_name != 'pull_request' || {}",
        compare("github.base_ref", "==", texts, " || ")
    ))
}

/// `when.repository` as `github.repository` comparisons, when every pattern is a plain
/// `owner/name` (globs and exclusions stay with cigen). A fork guard must hold on GitHub
/// even where no `cigen run` decides it: a job of remote steps only (a trusted-publishing
/// action) has none, and would otherwise run in every fork.
fn repository_condition(j: &Job) -> Option<String> {
    let texts = plain_names(&j.when.repository.as_ref()?.texts)?;
    Some(compare("github.repository", "==", texts, " || "))
}

/// Whether no `cigen run` decides the job on GitHub (remote steps only): its `if:` is then
/// the only gate.
fn remote_only(j: &Job) -> bool {
    j.steps.is_empty() && j.outputs.is_empty()
}

/// Patterns written as plain names (no glob, exclusion, quote or escape), or `None`.
fn plain_names(texts: &[String]) -> Option<&[String]> {
    let plain =
        |t: &String| !t.is_empty() && !t.contains(['*', '?', '[', ']', '{', '}', '!', '\'', '\\']);
    (!texts.is_empty() && texts.iter().all(plain)).then_some(texts)
}

/// `when.not.repository` of plain `owner/name`s: GitHub's `!=` ignores case, as `cigen run`
/// matches repositories, so the `if:` agrees with cigen everywhere (a fork-only job).
fn not_repository_condition(j: &Job) -> Option<String> {
    let texts = plain_names(&j.when.not.as_ref()?.repository.as_ref()?.texts)?;
    Some(compare("github.repository", "!=", texts, " && "))
}

/// `when.not.base` of plain branch names, for a job no `cigen run` decides only: GitHub's
/// `!=` ignores case while branch names do not, so on a job cigen runs this `if:` could skip
/// a pull request into `Main` that `cigen run` (case-sensitive, as git) would run.
fn not_base_condition(j: &Job) -> Option<String> {
    if !remote_only(j) {
        return None;
    }
    let texts = plain_names(&j.when.not.as_ref()?.base.as_ref()?.texts)?;
    Some(format!(
        "github.event_name != 'pull_request' || ({})",
        compare("github.base_ref", "!=", texts, " && ")
    ))
}

/// `when.not.schedule` of a job no `cigen run` decides, as `schedule_condition` (a job cigen
/// runs is left to cigen, which also knows `CIGEN_SCHEDULE`).
fn not_schedule_condition(j: &Job) -> Option<String> {
    if !remote_only(j) {
        return None;
    }
    let crons = quotable(j.when.not.as_ref()?.schedule.as_ref()?)?;
    Some(format!(
        "github.event_name != 'schedule' || ({})",
        compare("github.event.schedule", "!=", crons, " && ")
    ))
}

/// The jobs with a transitive need that has a job-level `if:` of its own, found for all jobs
/// at once: each job is decided once from its direct needs (the closure of every job would
/// be quadratic in a long chain).
pub(super) struct BelowGate<'p>(HashSet<&'p str>);

impl<'p> BelowGate<'p> {
    pub(super) fn new(p: &'p Pipeline) -> Self {
        let gated: HashSet<&str> = p
            .jobs
            .values()
            .filter(|j| gates(j))
            .map(|j| j.name.as_str())
            .collect();
        // Depth first, a job decided after its needs; a cycle (refused by check) ends the walk.
        let mut decided: HashMap<&str, bool> = HashMap::new();
        let mut open: HashSet<&str> = HashSet::new();
        for start in p.jobs.keys() {
            let mut stack = vec![(start.as_str(), false)];
            while let Some((n, needs_done)) = stack.pop() {
                if decided.contains_key(n) {
                    continue;
                }
                let Some(job) = p.jobs.get(n) else {
                    decided.insert(n, false);
                    continue;
                };
                if needs_done {
                    let below = job.needs.iter().any(|d| {
                        gated.contains(d.as_str()) || decided.get(d.as_str()) == Some(&true)
                    });
                    decided.insert(n, below);
                    open.remove(n);
                } else if open.insert(n) {
                    stack.push((n, true));
                    for d in &job.needs {
                        if !decided.contains_key(d.as_str()) && !open.contains(d.as_str()) {
                            stack.push((d.as_str(), false));
                        }
                    }
                }
            }
        }
        BelowGate(
            decided
                .into_iter()
                .filter(|(_, b)| *b)
                .map(|(n, _)| n)
                .collect(),
        )
    }
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

    fn pipeline(yaml: &str) -> Pipeline {
        let path = std::path::Path::new("cigen.yaml");
        match crate::compile::load_str(path, yaml, std::path::Path::new(".")) {
            Ok(l) => l.pipeline,
            Err(_) => panic!("not a valid spec:\n{yaml}"),
        }
    }

    #[test]
    fn jobs_below_an_event_gate_tolerate_skipped_needs_only() {
        let p = pipeline(
            "version: 1\ntriggers: { push: {}, manual: true }\njobs:\n  build:\n    steps: [\"true\"]\n  release:\n    needs: [build]\n    when: { event: manual }\n    steps: [\"true\"]\n  publish:\n    needs: [release]\n    steps: [\"true\"]\n  announce:\n    needs: [publish]\n    when: { event: manual }\n    steps: [\"true\"]\n",
        );
        let below = BelowGate::new(&p);
        let cond = |job: &str| job_condition(&p, &below, &p.jobs[job]);
        assert_eq!(cond("build"), None);
        assert_eq!(
            cond("release").as_deref(),
            Some("github.event_name == 'workflow_dispatch' || github.event_name == 'repository_dispatch'")
        );
        assert_eq!(
            cond("publish").as_deref(),
            Some("!failure() && !cancelled()")
        );
        assert_eq!(
            cond("announce").as_deref(),
            Some("!failure() && !cancelled() && (github.event_name == 'workflow_dispatch' || github.event_name == 'repository_dispatch')")
        );
    }

    #[test]
    fn plain_repositories_gate_the_job_globs_stay_with_cigen() {
        let p = pipeline(
            "version: 1\ntriggers: { push: {}, manual: true }\njobs:\n  publish:\n    when: { event: manual, repository: [org/a, org/b] }\n    steps: [\"true\"]\n  after:\n    needs: [publish]\n    steps: [\"true\"]\n  forks:\n    when: { repository: \"org/*\" }\n    steps: [\"true\"]\n",
        );
        let below = BelowGate::new(&p);
        let cond = |job: &str| job_condition(&p, &below, &p.jobs[job]);
        assert_eq!(
            cond("publish").as_deref(),
            Some("(github.event_name == 'workflow_dispatch' || github.event_name == 'repository_dispatch') && (github.repository == 'org/a' || github.repository == 'org/b')")
        );
        assert_eq!(cond("after").as_deref(), Some("!failure() && !cancelled()"));
        assert_eq!(cond("forks"), None);
    }

    #[test]
    fn negated_events_gate_the_job_and_its_dependents() {
        let p = pipeline(
            "version: 1\njobs:\n  build:\n    when: { not: { event: [tag, schedule] } }\n    steps: [\"true\"]\n  both:\n    when: { event: [push, tag], not: { event: tag } }\n    steps: [\"true\"]\n  after:\n    needs: [build]\n    steps: [\"true\"]\n",
        );
        let below = BelowGate::new(&p);
        let cond = |job: &str| job_condition(&p, &below, &p.jobs[job]);
        assert_eq!(
            cond("build").as_deref(),
            Some("!(github.ref_type == 'tag' || github.event_name == 'schedule')")
        );
        assert_eq!(
            cond("both").as_deref(),
            Some("((github.event_name == 'push' && github.ref_type != 'tag') || github.ref_type == 'tag') && !(github.ref_type == 'tag')")
        );
        assert_eq!(cond("after").as_deref(), Some("!failure() && !cancelled()"));
    }

    #[test]
    fn plain_targets_and_repositories_gate_the_job() {
        let p = pipeline(
            "version: 1\ntriggers: { push: {}, pull_request: {}, manual: true }\njobs:\n  a:\n    when: { base: [main, dev], repository: acme/x }\n    steps: [\"true\"]\n  b:\n    when: { event: manual, base: \"release/*\", repository: [\"**\", \"!acme/x\"] }\n    steps: [\"true\"]\n  c:\n    needs: [a]\n    steps: [\"true\"]\n",
        );
        let below = BelowGate::new(&p);
        let cond = |job: &str| job_condition(&p, &below, &p.jobs[job]);
        assert_eq!(
            cond("a").as_deref(),
            Some("(github.event_name != 'pull_request' || github.base_ref == 'main' || github.base_ref == 'dev') && (github.repository == 'acme/x')")
        );
        // Globs and exclusions stay with cigen.
        assert_eq!(
            cond("b").as_deref(),
            Some("github.event_name == 'workflow_dispatch' || github.event_name == 'repository_dispatch'")
        );
        assert_eq!(cond("c").as_deref(), Some("!failure() && !cancelled()"));
    }

    #[test]
    fn negated_targets_repositories_and_schedules() {
        let p = pipeline(
            "version: 1\ntriggers: { push: {}, pull_request: {}, schedule: [\"0 3 * * *\"] }\njobs:\n  fork:\n    when: { not: { repository: [acme/x, acme/y], base: main, schedule: \"0 3 * * *\" } }\n    steps: [\"true\"]\n  remote:\n    when: { not: { base: [main, dev], schedule: \"0 3 * * *\", repository: \"acme/*\" } }\n    steps: []\n  after:\n    needs: [fork]\n    steps: [\"true\"]\ntargets:\n  github:\n    setup:\n      remote: [{ uses: \"pypa/gh-action-pypi-publish@dc37677b2e1c63e2034f94d8a5b11f265b73ba33\" }]\n",
        );
        let below = BelowGate::new(&p);
        let cond = |job: &str| job_condition(&p, &below, &p.jobs[job]);
        // A job cigen runs: only the repository (same case rule on both sides).
        assert_eq!(
            cond("fork").as_deref(),
            Some("github.repository != 'acme/x' && github.repository != 'acme/y'")
        );
        assert_eq!(
            cond("remote").as_deref(),
            Some("(github.event_name != 'pull_request' || (github.base_ref != 'main' && github.base_ref != 'dev')) && (github.event_name != 'schedule' || (github.event.schedule != '0 3 * * *'))")
        );
        assert_eq!(cond("after").as_deref(), Some("!failure() && !cancelled()"));
    }

    #[test]
    fn schedules_gate_only_jobs_without_cigen_run() {
        let p = pipeline(
            "version: 1\ntriggers: { push: {}, schedule: [\"0  3 * * *\", \"0 4 * * 1\"] }\njobs:\n  runs:\n    when: { schedule: \"0 3 * * *\" }\n    steps: [\"true\"]\n  remote:\n    when: { schedule: [\"0  3 * * *\"] }\n    steps: []\ntargets:\n  github:\n    setup:\n      remote: [{ uses: \"pypa/gh-action-pypi-publish@dc37677b2e1c63e2034f94d8a5b11f265b73ba33\" }]\n",
        );
        let below = BelowGate::new(&p);
        let cond = |job: &str| job_condition(&p, &below, &p.jobs[job]);
        assert_eq!(cond("runs"), None);
        assert_eq!(
            cond("remote").as_deref(),
            Some("github.event_name != 'schedule' || github.event.schedule == '0 3 * * *'")
        );
    }

    #[test]
    fn needs_results_and_manual_jobs() {
        let p = pipeline(
            "version: 1\ntriggers: { push: {}, manual: true }\njobs:\n  build:\n    steps: [\"true\"]\n  report:\n    needs: [build]\n    when: { needs: always, event: push }\n    steps: [\"true\"]\n  notify:\n    needs: [build]\n    when: { needs: failure }\n    steps: [\"true\"]\n  after-notify:\n    needs: [notify]\n    steps: [\"true\"]\n  deploy:\n    needs: [build]\n    manual: true\n    steps: [\"true\"]\n  smoke:\n    needs: [deploy]\n    steps: [\"true\"]\n  both:\n    needs: [deploy, notify]\n    steps: [\"true\"]\n",
        );
        let below = BelowGate::new(&p);
        let cond = |job: &str| job_condition(&p, &below, &p.jobs[job]);
        let dispatch = "github.event_name == 'workflow_dispatch' || github.event_name == 'repository_dispatch'";
        assert_eq!(
            cond("report").as_deref(),
            Some("!cancelled() && ((github.event_name == 'push' && github.ref_type != 'tag'))")
        );
        assert_eq!(cond("notify").as_deref(), Some("failure()"));
        // A `failure` job skipped because nothing failed lets its dependents run.
        assert_eq!(
            cond("after-notify").as_deref(),
            Some("!failure() && !cancelled()")
        );
        assert_eq!(cond("deploy").as_deref(), Some(dispatch));
        // Below a manual job only: GitHub's own rule skips it with the manual job.
        assert_eq!(cond("smoke"), None);
        // Below a manual job and a gate: the manual need must have run.
        assert_eq!(
            cond("both").as_deref(),
            Some("!failure() && !cancelled() && needs.deploy.result == 'success'")
        );
    }

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
