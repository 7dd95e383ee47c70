//! Rule: a job (or step) whose `when` can never hold: an `event` that no trigger starts the
//! pipeline for, `ci`/`provider` conditions that contradict each other (warnings), or a
//! `branch`/`changed`/`base`/`repository` list of `!` exclusions alone (an error).

use super::{whens, Context};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::YamlPath;
use crate::spec::{Event, Glob, Provider, Triggers, When};

pub(crate) const UNREACHABLE_EVENT: Code = Code::new("unreachable-event");
pub(crate) const CONTRADICTORY_WHEN: Code = Code::new("contradictory-when");
pub(crate) const EXCLUSIONS_ONLY: Code = Code::new("exclusions-only");

/// The codes this rule reports.
pub(super) const CODES: &[Code] = &[UNREACHABLE_EVENT, CONTRADICTORY_WHEN, EXCLUSIONS_ONLY];

/// `when.branch` and `when.changed` give `!` one meaning: it excludes from what the other
/// patterns select. A list of exclusions alone selects nothing, so it is refused where it
/// is written, with the pattern that makes it mean what it surely means.
fn exclusions_only(
    what: &str,
    key: &str,
    globs: &[&Glob],
    path: YamlPath,
    out: &mut Vec<Diagnostic>,
) {
    if globs.is_empty() || !globs.iter().all(|g| g.as_str().starts_with('!')) {
        return;
    }
    let written: Vec<String> = globs
        .iter()
        .map(|g| format!("\"{}\"", g.as_str()))
        .collect();
    out.push(
        Diagnostic::error(
            EXCLUSIONS_ONLY,
            format!("{what}: `when.{key}` only excludes, so it never matches"),
        )
        // A dotted key (`not.base`) is a nested one.
        .at(key.split('.').fold(path, |p, k| p.key(k)))
        .with_label("`!` excludes from what the other patterns select; nothing is selected here")
        .with_help(format!(
            "select everything first, then exclude: `{}: [\"**\", {}]`",
            key.rsplit('.').next().unwrap_or(key),
            written.join(", ")
        )),
    );
}

/// Whether some trigger starts the pipeline for `event` in CI. Empty `triggers` mean every
/// push (branches and tags) and every pull request, as the generated outputs do.
pub(crate) fn triggered(t: &Triggers, event: Event) -> bool {
    if t.is_empty() {
        return matches!(event, Event::Push | Event::Tag | Event::PullRequest);
    }
    match event {
        Event::Push => t
            .push
            .as_ref()
            .is_some_and(|p| !p.branches.is_empty() || p.tags.is_empty()),
        // A push filter with only branches does not fire for tags (GitHub and GitLab alike).
        Event::Tag => t
            .push
            .as_ref()
            .is_some_and(|p| !p.tags.is_empty() || p.branches.is_empty()),
        Event::PullRequest => t.pull_request.is_some(),
        Event::Schedule => !t.schedule.is_empty(),
        Event::Manual => t.manual,
    }
}

fn fix(event: Event) -> &'static str {
    match event {
        Event::Push => "add `push:` under `triggers:`",
        Event::Tag => "add tag patterns, e.g. `triggers: { push: { tags: [\"v*\"] } }`",
        Event::PullRequest => "add `pull_request: {}` under `triggers:`",
        Event::Schedule => "add a cron line under `triggers.schedule`",
        Event::Manual => "add `manual: true` under `triggers:`",
    }
}

fn name(event: Event) -> &'static str {
    match event {
        Event::Push => "push",
        Event::Tag => "tag",
        Event::PullRequest => "pull_request",
        Event::Schedule => "schedule",
        Event::Manual => "manual",
    }
}

fn one(cx: &Context<'_>, what: &str, w: &When, path: YamlPath, out: &mut Vec<Diagnostic>) {
    if let Some(b) = &w.branch {
        exclusions_only(what, "branch", &b.to_vec(), path.clone(), out);
    }
    for (key, globs) in [("base", &w.base), ("repository", &w.repository)] {
        if let Some(g) = globs {
            exclusions_only(what, key, &g.to_vec(), path.clone(), out);
        }
    }
    // Under `not`, a list of exclusions alone selects nothing, so it never skips.
    if let Some(n) = &w.not {
        for (key, globs) in [("base", &n.base), ("repository", &n.repository)] {
            if let Some(g) = globs {
                exclusions_only(what, &format!("not.{key}"), &g.to_vec(), path.clone(), out);
            }
        }
    }
    let changed: Vec<&Glob> = w.changed.iter().collect();
    exclusions_only(what, "changed", &changed, path.clone(), out);
    if let Some(events) = &w.event {
        let events = events.to_vec();
        // Events are CI-only, so `ci: false` (local runs) already makes the job a no-op in CI.
        if w.ci != Some(false)
            && !events.is_empty()
            && !events.iter().any(|e| triggered(&cx.spec.triggers, **e))
        {
            let list = events
                .iter()
                .map(|e| format!("`{}`", name(**e)))
                .collect::<Vec<_>>()
                .join(", ");
            out.push(
                Diagnostic::warning(UNREACHABLE_EVENT, format!("{what} runs only on {list} events, but no trigger starts the pipeline for them"))
                    .at(path.key("event"))
                    .with_label("never happens in CI")
                    .with_help(fix(*events[0])),
            );
        }
    }
    if let Some(providers) = &w.provider {
        let providers = providers.to_vec();
        let contradiction = match w.ci {
            Some(true) => providers.iter().all(|p| **p == Provider::Local),
            Some(false) => providers.iter().all(|p| **p != Provider::Local),
            None => false,
        };
        if contradiction && !providers.is_empty() {
            out.push(
                Diagnostic::warning(CONTRADICTORY_WHEN, format!("{what} can never run: `ci` and `provider` exclude each other"))
                    .at(path.key("provider"))
                    .with_help("`provider: local` means a laptop (`ci: false`); `github`/`gitlab` mean CI (`ci: true`)"),
            );
        }
    }
}

pub fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for (job, j) in &cx.spec.jobs {
        for (of, w, at) in whens(job, j) {
            one(cx, &of.describe(job), w, at, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::PushTrigger;

    fn glob(text: &str) -> Glob {
        serde_json::from_value(serde_json::json!(text)).unwrap()
    }

    #[test]
    fn events_and_triggers() {
        let none = Triggers::default();
        assert!(triggered(&none, Event::Tag) && !triggered(&none, Event::Schedule));
        let branches = Triggers {
            push: Some(PushTrigger {
                branches: vec![glob("main")],
                tags: vec![],
            }),
            ..Triggers::default()
        };
        assert!(triggered(&branches, Event::Push) && !triggered(&branches, Event::Tag));
        let tags = Triggers {
            push: Some(PushTrigger {
                branches: vec![],
                tags: vec![glob("v*")],
            }),
            ..Triggers::default()
        };
        assert!(!triggered(&tags, Event::Push) && triggered(&tags, Event::Tag));
    }
}
