//! A workflow's `on:` → the events it runs on, its filters, and what the spec's `triggers`
//! cannot say; then the union of every workflow's triggers for the one spec.

use serde_yaml::Value;

use super::model::{scalar_text, string_list};
use crate::import::events::EventSet;
use crate::import::typed;
use crate::spec::{Event, PullRequestTrigger, PushTrigger, Triggers};

/// A list filter: `None` means everything, `Some(vec![])` nothing.
pub(crate) type Filter = Option<Vec<String>>;

/// What one workflow's `on:` says, in cigen's terms.
#[derive(Debug, Clone, Default)]
pub(crate) struct On {
    pub(crate) events: EventSet,
    /// `(branches, tags)` of `push`, when the workflow runs on pushes.
    pub(crate) push: Option<(Filter, Filter)>,
    /// Target branches of `pull_request`, when it runs on pull requests.
    pub(crate) pull_request: Option<Filter>,
    pub(crate) schedule: Vec<String>,
    pub(crate) manual: bool,
    /// `paths` filters shared by its events, as `when.changed` globs.
    pub(crate) changed: Vec<String>,
    /// `(feature, message)` the spec cannot express.
    pub(crate) lost: Vec<(&'static str, String)>,
    pub(crate) notes: Vec<(&'static str, String)>,
}

fn list(cfg: &Value, key: &str) -> Option<Vec<String>> {
    cfg.get(key).and_then(string_list)
}

/// `paths`/`paths-ignore` of one event as `changed` globs (`None`: no path filter).
fn paths(cfg: &Value) -> Option<Vec<String>> {
    if let Some(p) = list(cfg, "paths") {
        return Some(p);
    }
    list(cfg, "paths-ignore").map(|ignore| {
        let mut v = vec!["**".to_string()];
        v.extend(ignore.into_iter().map(|p| format!("!{p}")));
        v
    })
}

/// Reads `on:`.
pub(crate) fn read(on: Option<&Value>) -> On {
    let mut out = On::default();
    let events: Vec<(String, Value)> = match on {
        None => {
            out.lost
                .push(("trigger", "the workflow has no `on:`".into()));
            return out;
        }
        Some(Value::Mapping(m)) => m
            .iter()
            .filter_map(|(k, v)| scalar_text(k).map(|k| (k, v.clone())))
            .collect(),
        Some(v) => string_list(v)
            .unwrap_or_default()
            .into_iter()
            .map(|e| (e, Value::Null))
            .collect(),
    };
    let mut path_filters: Vec<Option<Vec<String>>> = Vec::new();
    for (name, cfg) in events {
        match name.as_str() {
            "push" => {
                let branches = list(&cfg, "branches");
                let tags = list(&cfg, "tags");
                for key in ["branches-ignore", "tags-ignore"] {
                    if cfg.get(key).is_some() {
                        out.lost.push(("trigger-filter", format!("`push.{key}`: the spec's push filters cannot exclude; pushes to those refs now start the pipeline too")));
                    }
                }
                // GitHub: with only one of the two lists, the other kind of ref never triggers.
                let (b, t) = match (branches, tags) {
                    (None, None) => (None, None),
                    (Some(b), None) => (Some(b), Some(vec![])),
                    (None, Some(t)) => (Some(vec![]), Some(t)),
                    (Some(b), Some(t)) => (Some(b), Some(t)),
                };
                let ignores = |k| cfg.get(k).is_some();
                let b = if ignores("branches-ignore") { None } else { b };
                let t = if ignores("tags-ignore") { None } else { t };
                if b.as_ref().is_none_or(|v| !v.is_empty()) {
                    out.events.insert(Event::Push);
                }
                if t.as_ref().is_none_or(|v| !v.is_empty()) {
                    out.events.insert(Event::Tag);
                }
                path_filters.push(paths(&cfg));
                out.push = Some((b, t));
            }
            "pull_request" => {
                let mut b = list(&cfg, "branches");
                if cfg.get("branches-ignore").is_some() {
                    out.lost.push(("trigger-filter", "`pull_request.branches-ignore`: the spec's filters cannot exclude; pull requests to those branches now start the pipeline too".into()));
                    b = None;
                }
                if let Some(types) = list(&cfg, "types") {
                    let default = ["opened", "synchronize", "reopened"];
                    if !types.iter().all(|t| default.contains(&t.as_str())) {
                        out.lost.push(("trigger-filter", format!("`pull_request.types: [{}]`: the pipeline starts on the default pull request activity (opened, synchronize, reopened)", types.join(", "))));
                    }
                }
                out.events.insert(Event::PullRequest);
                path_filters.push(paths(&cfg));
                out.pull_request = Some(b);
            }
            "schedule" => {
                if let Value::Sequence(items) = &cfg {
                    for i in items {
                        if let Some(c) = i.get("cron").and_then(scalar_text) {
                            out.schedule.push(c);
                        }
                    }
                }
                out.events.insert(Event::Schedule);
            }
            "workflow_dispatch" => {
                if cfg.get("inputs").is_some() {
                    out.lost.push(("trigger-input", "`workflow_dispatch.inputs`: a manual run takes no inputs; read settings from env variables instead".into()));
                }
                out.manual = true;
                out.events.insert(Event::Manual);
            }
            "merge_group" => out.lost.push(("trigger", "`merge_group`: the generated workflow does not start for merge queues".into())),
            "pull_request_target" => out.lost.push(("trigger", "`pull_request_target`: cigen never generates it (it runs fork code with secrets); the jobs run on `pull_request` only if that is also a trigger".into())),
            other => out.lost.push(("trigger", format!("`{other}`: the spec has no such trigger"))),
        }
    }
    // Path filters become a job condition only when every filtered event agrees.
    let filtered: Vec<&Vec<String>> = path_filters.iter().flatten().collect();
    if let Some(first) = filtered.first() {
        if filtered.iter().all(|f| f == first) && filtered.len() == path_filters.len() {
            out.changed = (*first).clone();
            out.notes.push(("paths", "`paths` filters became `when.changed`: the job starts and is skipped quickly when nothing relevant changed, so required checks still report".into()));
        } else {
            out.lost.push((
                "trigger-filter",
                "`paths` filters that differ between events: the jobs run on every change".into(),
            ));
        }
    }
    out
}

/// Union of two filters (`None` wins: everything).
fn union(a: &Filter, b: &Filter) -> Filter {
    match (a, b) {
        (Some(x), Some(y)) => {
            let mut v = x.clone();
            v.extend(y.iter().filter(|i| !x.contains(i)).cloned());
            Some(v)
        }
        _ => None,
    }
}

/// The spec's triggers: every workflow's, folded; filters that are not valid globs go to
/// `rejected`.
pub(crate) fn fold(all: &[&On], rejected: &mut Vec<String>) -> Triggers {
    let mut push: Option<(Filter, Filter)> = None;
    let mut pr: Option<Filter> = None;
    let mut t = Triggers::default();
    for on in all {
        if let Some((b, tg)) = &on.push {
            push = Some(match push {
                None => (b.clone(), tg.clone()),
                Some((pb, pt)) => (union(&pb, b), union(&pt, tg)),
            });
        }
        if let Some(b) = &on.pull_request {
            pr = Some(match pr {
                None => b.clone(),
                Some(p) => union(&p, b),
            });
        }
        for c in &on.schedule {
            if !t.schedule.contains(c) {
                t.schedule.push(c.clone());
            }
        }
        t.manual |= on.manual;
    }
    // The spec lists branches and tags; an empty list there means "not this kind" only when
    // the other list is given, so "every branch" is written `**` where needed.
    let all = || vec!["**".to_string()];
    let (branches, tags) = match push {
        None => (None, None),
        Some((None, None)) => (Some(vec![]), Some(vec![])),
        Some((None, t)) => (Some(all()), Some(t.unwrap_or_default())),
        Some((Some(b), None)) => (Some(b), Some(all())),
        Some((Some(b), Some(t))) if b.is_empty() && t.is_empty() => (None, None),
        Some((Some(b), Some(t))) => (Some(b), Some(t)),
    };
    if let (Some(b), Some(tg)) = (branches, tags) {
        t.push = Some(PushTrigger {
            branches: typed::globs(&b, rejected),
            tags: typed::globs(&tg, rejected),
        });
    }
    t.pull_request = pr.map(|b| PullRequestTrigger {
        branches: typed::globs(&b.unwrap_or_default(), rejected),
    });
    t
}

/// Branches of a push filter, for comparing a workflow with the folded triggers.
pub(crate) fn push_branches(t: &Triggers) -> Filter {
    t.push
        .as_ref()
        .map(|p| {
            let b = typed::texts(&p.branches);
            if b.is_empty() && p.tags.is_empty() || b == ["**"] {
                None
            } else {
                Some(b)
            }
        })
        .unwrap_or(Some(vec![]))
}

/// Target branches of the pull request trigger.
pub(crate) fn pr_branches(t: &Triggers) -> Filter {
    t.pull_request
        .as_ref()
        .map(|p| (!p.branches.is_empty()).then(|| typed::texts(&p.branches)))
        .unwrap_or(Some(vec![]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn on(yaml: &str) -> On {
        let v: Value = serde_yaml::from_str(yaml).unwrap();
        read(Some(&v))
    }

    #[test]
    fn reads_events_and_filters() {
        let ci = on("push: {branches: [main]}\npull_request:\nworkflow_dispatch:\n");
        assert_eq!(ci.events.names(), "push, pull_request, manual");
        let release = on("push:\n  tags: ['v*']\n");
        assert_eq!(release.events.names(), "tag");
        let all = on("[push, pull_request]");
        assert_eq!(all.events.names(), "push, pull_request, tag");
        let nightly = on("schedule:\n  - cron: '0 3 * * *'\n");
        assert_eq!(nightly.schedule, ["0 3 * * *"]);
        let t = fold(&[&ci, &release, &nightly], &mut vec![]);
        let p = t.push.clone().unwrap();
        assert_eq!(
            (typed::texts(&p.branches), typed::texts(&p.tags)),
            (vec!["main".to_string()], vec!["v*".to_string()])
        );
        assert!(t.pull_request.is_some() && t.manual);
        assert_eq!(push_branches(&t), Some(vec!["main".to_string()]));
        let docs = on(
            "push: {branches: [main], paths: ['docs/**']}\npull_request: {paths: ['docs/**']}\n",
        );
        assert_eq!(docs.changed, ["docs/**"]);
        let ignored = on("push: {paths-ignore: ['*.md']}\n");
        assert_eq!(ignored.changed, ["**", "!*.md"]);
        let odd = on("release: {types: [published]}\npull_request_target:\n");
        assert_eq!(odd.lost.len(), 2);
        let t = fold(&[&all, &release], &mut vec![]);
        assert_eq!(t.push.unwrap(), PushTrigger::default());
    }
}
