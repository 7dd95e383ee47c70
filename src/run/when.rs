//! Evaluating `when` conditions (ci, provider, branch, event, schedule, base, repository,
//! matrix, not, changed) into run or skip, with a reason.

use std::sync::OnceLock;

use indexmap::IndexMap;

use super::changes::Changes;
use crate::model::{Cell, When};
use crate::provider::{event_name, provider_name, RunContext};
use crate::spec::Event;

/// The decision for a job or step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Runs; the reason says why when a condition was involved.
    Run(Option<String>),
    Skip(String),
}

/// Changed files, computed at most once and only when some condition asks.
pub(crate) struct LazyChanges {
    cell: OnceLock<Changes>,
    compute: Box<dyn Fn() -> Changes + Send + Sync>,
    /// `--force`: `changed:` conditions pass without looking at any file.
    forced: bool,
}

impl LazyChanges {
    pub(crate) fn new(compute: impl Fn() -> Changes + Send + Sync + 'static) -> Self {
        LazyChanges {
            cell: OnceLock::new(),
            compute: Box::new(compute),
            forced: false,
        }
    }

    /// With `forced`, every `changed:` condition runs its job (`--force`).
    pub(crate) fn forced(mut self, forced: bool) -> Self {
        self.forced = forced;
        self
    }

    pub(crate) fn get(&self) -> &Changes {
        self.cell.get_or_init(|| (self.compute)())
    }
}

/// Whether `cell` has one of the listed values for every key.
fn cell_matches(wanted: &IndexMap<String, Vec<String>>, cell: &Cell) -> bool {
    wanted
        .iter()
        .all(|(k, vs)| cell.values.get(k).is_some_and(|v| vs.contains(v)))
}

fn describe_cells(wanted: &IndexMap<String, Vec<String>>) -> String {
    wanted
        .iter()
        .map(|(k, vs)| format!("{k}={}", vs.join("|")))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The first condition of `when.not` that holds, as the skip reason.
fn not_reason(not: &When, ctx: &RunContext, cell: &Cell) -> Option<String> {
    if not
        .provider
        .as_ref()
        .is_some_and(|p| p.contains(&ctx.provider))
    {
        return Some(format!(
            "not run on {} (when.not.provider)",
            provider_name(ctx.provider)
        ));
    }
    if let Some(patterns) = &not.branch {
        if let Some(br) = ctx.branch.as_deref().filter(|b| patterns.selects(b)) {
            return Some(format!("not run on branch {br} (when.not.branch)"));
        }
    }
    if let (Some(events), Some(ev)) = (&not.event, ctx.event) {
        if events.contains(&ev) {
            return Some(format!(
                "not run on {} events (when.not.event)",
                event_name(ev)
            ));
        }
    }
    // Same sources and the same event scoping as `when.schedule` / `when.base`: a cron only
    // on scheduled runs, a target branch only on pull requests; unknown values never skip.
    if let (Some(crons), Some(c), Some(Event::Schedule)) = (&not.schedule, &ctx.schedule, ctx.event)
    {
        if crons.contains(c) {
            return Some(format!("not run on the schedule `{c}` (when.not.schedule)"));
        }
    }
    if let (Some(patterns), Some(Event::PullRequest)) = (&not.base, ctx.event) {
        if let Some(b) = ctx.base_branch.as_deref().filter(|b| patterns.selects(b)) {
            return Some(format!("not run on pull requests into {b} (when.not.base)"));
        }
    }
    if let Some(patterns) = &not.repository {
        if let Some(r) = ctx.repository.as_deref().filter(|r| patterns.selects(r)) {
            return Some(format!(
                "not run in the repository {r} (when.not.repository)"
            ));
        }
    }
    if let Some(m) = not.matrix.as_ref().filter(|m| cell_matches(m, cell)) {
        return Some(format!(
            "not run for cells with {} (when.not.matrix)",
            describe_cells(m)
        ));
    }
    None
}

/// `when.schedule`, `when.base` (each filters runs of its own event only) and
/// `when.repository`: the skip reason of the first that fails.
fn event_filters(when: &When, ctx: &RunContext) -> Option<String> {
    if let Some(crons) = when
        .schedule
        .as_ref()
        .filter(|_| ctx.event == Some(Event::Schedule))
    {
        let quoted = |cs: &[String]| {
            cs.iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match &ctx.schedule {
            Some(c) if crons.contains(c) => {}
            Some(c) => {
                return Some(format!(
                    "runs only on the schedule {} (this run is `{c}`)",
                    quoted(crons)
                ))
            }
            None => {
                return Some(format!(
                    "runs only on the schedule {} (this scheduled run names no cron: set {} in the schedule, or pass --schedule)",
                    quoted(crons),
                    crate::contract::SCHEDULE_VAR
                ))
            }
        }
    }
    if let Some(patterns) = when
        .base
        .as_ref()
        .filter(|_| ctx.event == Some(Event::PullRequest))
    {
        let hit = ctx
            .base_branch
            .as_deref()
            .is_some_and(|b| patterns.selects(b));
        if !hit {
            let here = ctx
                .base_branch
                .as_deref()
                .map(|b| format!("this one is into {b}"))
                .unwrap_or_else(|| "this one names no target branch: pass --base-branch".into());
            return Some(format!(
                "runs only on pull requests into {} ({here})",
                patterns.texts.join(", ")
            ));
        }
    }
    if let Some(patterns) = &when.repository {
        let hit = ctx
            .repository
            .as_deref()
            .is_some_and(|r| patterns.selects(r));
        if !hit {
            let here = ctx
                .repository
                .as_deref()
                .map(|r| format!("this is {r}"))
                .unwrap_or_else(|| {
                    "no repository known here: no `origin` remote, pass --repository".into()
                });
            return Some(format!(
                "runs only in the repository {} ({here})",
                patterns.texts.join(", ")
            ));
        }
    }
    None
}

/// Checks every given condition, in a fixed order; the first that fails is the skip reason.
/// `cell` is the unit's matrix cell (empty for a job without matrix).
pub(crate) fn evaluate(
    when: &When,
    ctx: &RunContext,
    cell: &Cell,
    changes: &LazyChanges,
) -> Verdict {
    match when.ci {
        Some(true) if !ctx.ci => return Verdict::Skip("runs only in CI (when.ci: true)".into()),
        Some(false) if ctx.ci => return Verdict::Skip("runs only locally (when.ci: false)".into()),
        _ => {}
    }
    if let Some(wanted) = &when.provider {
        if !wanted.contains(&ctx.provider) {
            let names: Vec<_> = wanted.iter().map(|p| provider_name(*p)).collect();
            return Verdict::Skip(format!(
                "runs only on {} (this is {})",
                names.join(", "),
                provider_name(ctx.provider)
            ));
        }
    }
    if let Some(patterns) = &when.branch {
        let hit = ctx.branch.as_deref().is_some_and(|br| patterns.selects(br));
        if !hit {
            let here = ctx
                .branch
                .as_deref()
                .map(|b| format!("this is {b}"))
                .unwrap_or_else(|| "no branch here".into());
            return Verdict::Skip(format!(
                "runs only on branch {} ({here})",
                patterns.texts.join(", ")
            ));
        }
    }
    if let Some(wanted) = &when.event {
        if !ctx.event.is_some_and(|ev| wanted.contains(&ev)) {
            let names: Vec<_> = wanted.iter().map(|e| event_name(*e)).collect();
            let here = ctx
                .event
                .map(|e| format!("this run is {}", event_name(e)))
                .unwrap_or_else(|| "this CI run names no event cigen recognises".into());
            return Verdict::Skip(format!("runs only on {} events ({here})", names.join(", ")));
        }
    }
    if let Some(reason) = event_filters(when, ctx) {
        return Verdict::Skip(reason);
    }
    if let Some(m) = &when.matrix {
        if !cell_matches(m, cell) {
            let here = if cell.values.is_empty() {
                "no matrix cell".to_string()
            } else {
                format!("this cell is {}", cell.label())
            };
            return Verdict::Skip(format!(
                "runs only for cells with {} ({here})",
                describe_cells(m)
            ));
        }
    }
    if let Some(reason) = when.not.as_ref().and_then(|n| not_reason(n, ctx, cell)) {
        return Verdict::Skip(reason);
    }
    if let Some(patterns) = &when.changed {
        if changes.forced {
            return Verdict::Run(Some("--force: changed files not checked".into()));
        }
        return match changes.get() {
            Changes::Unknown { reason } => {
                Verdict::Run(Some(format!("{reason}; running to be safe")))
            }
            Changes::Known { base, files } => {
                let mut hits = files.iter().filter(|f| patterns.selects(f));
                match hits.next() {
                    Some(f) => {
                        let more = hits.count();
                        let extra = if more > 0 {
                            format!(" and {more} more")
                        } else {
                            String::new()
                        };
                        Verdict::Run(Some(format!("changed: {f}{extra}")))
                    }
                    None => Verdict::Skip(format!("no relevant changes (compared with {base})")),
                }
            }
        };
    }
    Verdict::Run(None)
}
