//! Rule: `when.schedule` and `when.not.schedule` name crons of `triggers.schedule` (a typo would skip the job on
//! every schedule, silently), and `when.schedule` / `when.base` filter an event the job can
//! run on (a filter of an event the job's own `when.event` excludes does nothing), and that a
//! job no `cigen run` decides on GitHub (remote steps only) names branches and repositories
//! its job-level `if:` can compare.

use super::{whens, Context, WhenOf};
use crate::diagnostic::{did_you_mean, Code, Diagnostic};
use crate::model::cron_text;
use crate::source::YamlPath;
use crate::spec::{Event, OneOrMany, When};

pub(crate) const UNKNOWN_SCHEDULE: Code = Code::new("unknown-schedule");
pub(crate) const FILTER_NEVER_APPLIES: Code = Code::new("filter-never-applies");
pub(crate) const FILTER_NOT_GATED: Code = Code::new("filter-not-gated");

/// The codes this rule reports.
pub(super) const CODES: &[Code] = &[UNKNOWN_SCHEDULE, FILTER_NEVER_APPLIES, FILTER_NOT_GATED];

/// A job of remote steps only runs no `cigen run` on GitHub: its `when.base` and
/// `when.repository` hold there only through the job-level `if:`, which compares plain names
/// (`generate/github/condition.rs`); a glob or an exclusion would let it run everywhere.
fn not_gated(job: &str, w: &When, path: &YamlPath, out: &mut Vec<Diagnostic>) {
    let not = w.not.as_ref();
    for (key, globs) in [
        ("base", &w.base),
        ("repository", &w.repository),
        ("not.base", &not.and_then(|n| n.base.clone())),
        ("not.repository", &not.and_then(|n| n.repository.clone())),
    ] {
        let Some(g) = globs else { continue };
        let plain =
            |t: &str| !t.is_empty() && !t.contains(['*', '?', '[', ']', '{', '}', '!', '\'', '\\']);
        if g.to_vec().iter().all(|x| plain(x.as_str())) {
            continue;
        }
        out.push(
            Diagnostic::warning(
                FILTER_NOT_GATED,
                format!("job `{job}` has only remote steps, so on GitHub and Forgejo no `cigen run` decides its `when.{key}`, and its `if:` can compare plain names only"),
            )
            .at_key(key.split('.').fold(path.clone(), |p, k| p.key(k)))
            .with_label("not checked on GitHub and Forgejo")
            .with_help(format!("name the {} outright (`when: {}`), or give the job a step", if key.ends_with("base") { "branches" } else { "repositories" }, match key.strip_prefix("not.") {
                Some(k) => format!("{{ not: {{ {k}: [a, b] }} }}"),
                None => format!("{{ {key}: [a, b] }}"),
            })),
        );
    }
}

/// The path of item `i` of a one-or-many value at `path`.
fn item<T>(v: &OneOrMany<T>, path: &YamlPath, i: usize) -> YamlPath {
    match v {
        OneOrMany::One(_) => path.clone(),
        OneOrMany::Many(_) => path.index(i),
    }
}

fn one(cx: &Context<'_>, what: &str, w: &When, path: YamlPath, out: &mut Vec<Diagnostic>) {
    let known: Vec<String> = cx
        .spec
        .triggers
        .schedule
        .iter()
        .map(|c| cron_text(c))
        .collect();
    let negated = w.not.as_ref().and_then(|n| n.schedule.as_ref());
    let given = [
        (&w.schedule, path.key("schedule"), false),
        (&negated.cloned(), path.key("not").key("schedule"), true),
    ];
    for (crons, at, not) in given {
        let Some(crons) = crons else { continue };
        for (i, c) in crons.to_vec().into_iter().enumerate() {
            if known.contains(&cron_text(c)) {
                continue;
            }
            let help = if known.is_empty() {
                "add the cron line under `triggers.schedule`, or remove the condition".to_string()
            } else {
                match did_you_mean(c, cx.spec.triggers.schedule.iter().map(String::as_str)) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!(
                        "the schedules are {}",
                        cx.spec
                            .triggers
                            .schedule
                            .iter()
                            .map(|c| format!("`{c}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                }
            };
            out.push(
                Diagnostic::error(
                    UNKNOWN_SCHEDULE,
                    if not {
                        format!("{what} skips the schedule `{c}`, which `triggers.schedule` does not have")
                    } else {
                        format!("{what} runs only on the schedule `{c}`, which `triggers.schedule` does not have")
                    },
                )
                .at(item(crons, &at, i))
                .with_label(if not {
                    "no such schedule: it skips nothing"
                } else {
                    "no such schedule: every scheduled run would skip it"
                })
                .with_help(help),
            );
        }
    }
    let events: Option<Vec<Event>> = w
        .event
        .as_ref()
        .map(|e| e.to_vec().into_iter().copied().collect());
    let filters = [
        ("schedule", w.schedule.is_some(), Event::Schedule),
        ("base", w.base.is_some(), Event::PullRequest),
        ("not.schedule", negated.is_some(), Event::Schedule),
        (
            "not.base",
            w.not.as_ref().is_some_and(|n| n.base.is_some()),
            Event::PullRequest,
        ),
    ];
    for (key, given, event) in filters {
        if !given || events.as_ref().is_none_or(|e| e.contains(&event)) {
            continue;
        }
        let name = crate::provider::event_name(event);
        out.push(
            Diagnostic::warning(
                FILTER_NEVER_APPLIES,
                format!("{what}: `when.{key}` filters `{name}` runs, which `when.event` excludes"),
            )
            .at_key(key.split('.').fold(path.clone(), |p, k| p.key(k)))
            .with_label("filters nothing")
            .with_help(format!(
                "`when.{key}` narrows `{name}` runs only; add `{name}` to `when.event`, or remove `when.{key}`"
            )),
        );
    }
}

pub fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for (job, j) in &cx.spec.jobs {
        for (of, w, at) in whens(job, j) {
            one(cx, &of.describe(job), w, at.clone(), out);
            if matches!(of, WhenOf::Job) && j.steps.is_empty() && j.outputs.is_empty() {
                not_gated(job, w, &at, out);
            }
        }
    }
}
