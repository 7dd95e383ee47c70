//! `cigen import` from GitHub Actions: every `.github/workflows/*.yml` folds into one spec.
//! Triggers are united; a job from a workflow that runs on fewer events than the union is
//! gated by `when.event` (plus `manual` where it ran on pushes or pull requests, so a laptop —
//! a manual run — still runs it).

mod actions;
mod caches;
mod condition;
mod expression;
mod job;
mod job_keys;
mod matrix;
mod model;
mod results;
mod runners;
mod services;
mod steps;
mod triggers;

use std::path::Path;

use indexmap::IndexMap;
use serde_yaml::Value;

use super::events::EventSet;
use super::expr::Scope;
use super::report::Kind;
use super::typed;
use super::{Draft, ImportError};
use crate::spec::{Event, When};

pub(crate) use actions::ToolUse;

/// The workflow directory, relative to the project root.
pub(crate) const WORKFLOWS: &str = ".github/workflows";

/// The workflow files, sorted, as paths relative to `root`.
pub(crate) fn workflow_files(root: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(root.join(WORKFLOWS))
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            (name.ends_with(".yml") || name.ends_with(".yaml"))
                .then(|| format!("{WORKFLOWS}/{name}"))
        })
        .collect();
    v.sort();
    v
}

/// Reads one YAML file into a value with merge keys (`<<: *anchor`) applied.
pub(crate) fn read_yaml(root: &Path, rel: &str) -> Result<Value, ImportError> {
    let text = std::fs::read_to_string(root.join(rel)).map_err(|e| ImportError {
        message: format!("cannot read {rel}: {e}"),
    })?;
    let mut v: Value = serde_yaml::from_str(&text).map_err(|e| ImportError::yaml(rel, &e))?;
    v.apply_merge().map_err(|e| ImportError::yaml(rel, &e))?;
    Ok(v)
}

struct Source {
    rel: String,
    stem: String,
    raw: Value,
    wf: model::Workflow,
    on: triggers::On,
}

fn read(root: &Path, rel: &str) -> Result<Source, ImportError> {
    let raw = read_yaml(root, rel)?;
    let wf: model::Workflow = serde_yaml::from_value(raw.clone()).map_err(|e| ImportError {
        message: format!("{rel}: not a GitHub Actions workflow: {e}"),
    })?;
    let on = triggers::read(wf.on.as_ref());
    let stem = Path::new(rel)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(Source {
        rel: rel.to_string(),
        stem,
        raw,
        wf,
        on,
    })
}

/// Imports the given workflow files into `draft`.
pub(crate) fn import(root: &Path, files: &[String], draft: &mut Draft) -> Result<(), ImportError> {
    let sources: Vec<Source> = files
        .iter()
        .map(|f| read(root, f))
        .collect::<Result<_, _>>()?;
    let ons: Vec<&triggers::On> = sources.iter().map(|s| &s.on).collect();
    let mut rejected = Vec::new();
    let union = triggers::fold(&ons, &mut rejected);
    for r in rejected {
        draft.report.add(
            Kind::Lost,
            None,
            "trigger-filter",
            "on".to_string(),
            format!("branch or tag filter `{r}` is not a glob cigen reads; it was left out"),
        );
    }
    let union_events = ons
        .iter()
        .fold(EventSet::default(), |a, o| a.union(o.events));
    draft.spec.triggers = union.clone();
    draft.spec.name = sources
        .iter()
        .find(|s| s.stem == "ci")
        .or(sources.first())
        .and_then(|s| s.wf.name.clone());
    for s in &sources {
        draft.report.sources.push(s.rel.clone());
        workflow_items(s, &union, draft);
        // Spec names for this workflow's jobs, before converting (needs refer to them).
        let mut id_map = IndexMap::new();
        for (id, j) in &s.wf.jobs {
            if j.uses.is_some() {
                draft.report.add(Kind::Lost, None, "reusable-workflow", format!("{}: jobs.{id}", s.rel), format!("job `{id}` calls the reusable workflow `{}`; import that workflow's jobs instead", j.uses.as_deref().unwrap_or_default()));
                continue;
            }
            id_map.insert(id.clone(), draft.job_name(id, &s.stem));
        }
        for (id, j) in &s.wf.jobs {
            let Some(name) = id_map.get(id).cloned() else {
                continue;
            };
            let raw_job = s
                .raw
                .get("jobs")
                .and_then(|js| js.get(id.as_str()))
                .cloned()
                .unwrap_or(Value::Null);
            let mut cx = job::JobCx {
                name: &name,
                origin: format!("{}: jobs.{id}", s.rel),
                scope: Scope {
                    jobs: id_map.clone(),
                    ..Scope::default()
                },
                found: Default::default(),
                report: &mut draft.report,
                root,
            };
            let mut c = job::convert(&mut cx, j, &raw_job, &s.wf, &id_map);
            gate(&mut cx, &mut c, &s.on, &union, union_events);
            draft.tools.insert(name.clone(), c.tools);
            if !c.remote.is_empty() {
                draft.github_setup.insert(name.clone(), c.remote);
            }
            if !c.post.is_empty() {
                draft.github_post.insert(name.clone(), c.post);
            }
            if !c.carried.is_empty() {
                draft.carried.insert(name.clone(), c.carried);
            }
            draft.spec.jobs.insert(name, c.job);
        }
    }
    Ok(())
}

/// Pipeline-level items of one workflow: its triggers, concurrency, run name, unknown keys.
fn workflow_items(s: &Source, union: &crate::spec::Triggers, draft: &mut Draft) {
    let origin = |at: &str| format!("{}: {at}", s.rel);
    for (feature, msg) in &s.on.lost {
        draft
            .report
            .add(Kind::Lost, None, feature, origin("on"), msg.clone());
    }
    for (feature, msg) in &s.on.notes {
        draft
            .report
            .add(Kind::Note, None, feature, origin("on"), msg.clone());
    }
    if !s.on.schedule.is_empty() && union.schedule.iter().any(|c| !s.on.schedule.contains(c)) {
        draft.report.add(
            Kind::Note,
            None,
            "schedule",
            origin("on.schedule"),
            format!(
                "the spec has one list of schedules: the jobs of {} run on scheduled runs of {} only (`when.schedule`)",
                s.rel,
                s.on.schedule
                    .iter()
                    .map(|c| format!("`{c}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
    }
    if let Some(Some(b)) = &s.on.pull_request {
        if Some(b) != triggers::pr_branches(union).as_ref() {
            draft.report.add(Kind::Note, None, "trigger-filter", origin("on.pull_request"), format!("{} runs on pull requests into {}: its jobs get `when.base` (the spec's triggers are shared, so on pull requests into other branches they start and skip)", s.rel, b.join(", ")));
        }
    }
    if s.wf.concurrency.is_some() {
        draft.report.add(Kind::Note, None, "concurrency", origin("concurrency"), "workflow concurrency: the generated workflow has its own group (a newer push to a pull request cancels the older run)");
    }
    if s.wf.run_name.is_some() {
        draft.report.add(
            Kind::Note,
            None,
            "run-name",
            origin("run-name"),
            "`run-name`: the generated workflow shows GitHub's default run title",
        );
    }
    if let Some(d) = &s.wf.defaults {
        for k in d.other.keys() {
            draft.report.add(
                Kind::Lost,
                None,
                "unknown-key",
                origin(&format!("defaults.{k}")),
                format!("`defaults.{k}` has no equivalent"),
            );
        }
    }
    for k in s.wf.other.keys() {
        draft.report.add(
            Kind::Lost,
            None,
            "unknown-key",
            origin(k),
            format!("workflow key `{k}` has no equivalent"),
        );
    }
}

/// Conditions from the workflow's triggers and the job's own `if:`.
fn gate(
    cx: &mut job::JobCx<'_>,
    c: &mut job::Converted,
    on: &triggers::On,
    union: &crate::spec::Triggers,
    union_events: EventSet,
) {
    let mut events = job::condition_events(c, on.events);
    if events.is_empty() {
        cx.add(
            Kind::Lost,
            "condition",
            "if",
            "the job's condition allows none of its workflow's events; it is not gated",
        );
        events = on.events;
    }
    let mut when = c.job.when.take().unwrap_or_default();
    // `when.not.event` names only events the job could run on; excluding all of them is no
    // condition the spec should carry.
    let excluded = c
        .condition
        .as_ref()
        .and_then(|c| c.not_events)
        .map(|n| n.intersect(events))
        .unwrap_or_default();
    if !excluded.is_empty() && events.minus(excluded).is_empty() {
        cx.add(
            Kind::Lost,
            "condition",
            "if",
            "the job's condition excludes every event of its workflow; it is not gated",
        );
    }
    if let Some(n) = when.not.as_mut() {
        n.event = if events.minus(excluded).is_empty() {
            None
        } else {
            excluded.to_when()
        };
    }
    if when.not.as_ref() == Some(&crate::spec::Not::default()) {
        when.not = None;
    }
    if events != union_events {
        let mut gated = events;
        if events.contains(Event::Push) || events.contains(Event::PullRequest) {
            gated.insert(Event::Manual);
            if !events.contains(Event::Manual) {
                let file = cx.origin.split(": ").next().unwrap_or_default().to_string();
                cx.report.add(Kind::Note, None, "manual", format!("{file}: on"), format!("the jobs of {file} are gated to its events ({}) plus `manual`, so a local run (a manual event) still runs them", on.events.names()));
            }
        }
        // Gating that adds back every event of the union is no gating.
        if gated != union_events {
            when.event = gated.to_when();
        }
    }
    let mut branches = c.condition.as_ref().and_then(|c| c.branches.clone());
    // A narrower push filter than the union's is a branch condition when the job runs only
    // on branch pushes; otherwise the spec cannot say it.
    if let Some((b, _)) = &on.push {
        if *b != triggers::push_branches(union) && on.events.contains(Event::Push) {
            let only_push =
                events.minus(EventSet::of(&[Event::Manual])) == EventSet::of(&[Event::Push]);
            match (only_push, b, branches.is_none()) {
                (true, Some(b), true) => branches = Some(b.clone()),
                _ => cx.add(Kind::Lost, "trigger-filter", "", format!("its workflow runs on pushes to {}; the spec's triggers are shared, so the job also runs on pushes to other branches", b.as_ref().map(|b| b.join(", ")).unwrap_or_else(|| "any branch".into()))),
            }
        }
    }
    let mut rejected = Vec::new();
    if let Some(b) = branches.filter(|b| !b.is_empty()) {
        when.branch = typed::branch(&b, &mut rejected);
    }
    // The workflow's own schedules and pull request targets, where the shared triggers
    // have more: `when.schedule` and `when.base` filter only their own event's runs.
    let live = events.minus(excluded);
    if live.contains(Event::Schedule)
        && when.schedule.is_none()
        && !on.schedule.is_empty()
        && union.schedule.iter().any(|c| !on.schedule.contains(c))
    {
        when.schedule = Some(match on.schedule.as_slice() {
            [one] => crate::spec::OneOrMany::One(one.clone()),
            many => crate::spec::OneOrMany::Many(many.to_vec()),
        });
    }
    if let Some(Some(b)) = &on.pull_request {
        if live.contains(Event::PullRequest)
            && when.base.is_none()
            && Some(b) != triggers::pr_branches(union).as_ref()
        {
            when.base = typed::branch(b, &mut rejected);
        }
    }
    if !on.changed.is_empty() {
        when.changed = typed::globs(&on.changed, &mut rejected);
    }
    for r in rejected {
        cx.add(
            Kind::Lost,
            "condition",
            "",
            format!("`{r}` is not a glob cigen reads; the condition was left out"),
        );
    }
    if *when != When::default() {
        c.job.when = Some(when);
    }
}
