//! The plan: which units (job × matrix cell) run or are skipped, why, and what each waits for.

use std::collections::HashSet;

use indexmap::IndexMap;

use super::cells;
use super::events::UnitId;
use super::toolchain::Selected;
use super::when::{evaluate, LazyChanges, Verdict};
use crate::diagnostic::did_you_mean;
use crate::model::{Cell, Pipeline};
use crate::provider::RunContext;
use crate::spec::NeedsResult;

/// One job for one matrix cell.
#[derive(Debug, Clone)]
pub(crate) struct Unit {
    pub job: String,
    pub cell: Cell,
    /// `test` or `test (3.12, linux)`.
    pub label: String,
    /// Units that must finish first (every cell of every selected need).
    pub needs: Vec<UnitId>,
    pub verdict: Verdict,
    /// Display names of the job's steps.
    pub steps: Vec<String>,
    /// Each step's whole command and whether a step-level `when` skips it (decided here, as
    /// the executor will decide it: same context, same changed files), for the dry run and
    /// the JSON plan event. Empty for a unit that does not run.
    pub step_plan: Vec<StepPlan>,
    /// The toolchain versions selected for it, or why it cannot run (`toolchain.rs`).
    pub toolchain: Result<Selected, String>,
    /// What the scheduler must respect beyond the needs.
    pub policy: Policy,
}

/// One step of a unit that runs, as the plan shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct StepPlan {
    /// The whole command, every line.
    pub run: String,
    /// Why the step's own `when` skips it; `None`: it runs (when its turn comes).
    pub skip: Option<String>,
}

/// How the scheduler treats a unit besides its needs (from its job's keys).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Policy {
    /// Whether its failure stops the run (the job's `fail_fast`, default true).
    pub fail_fast: bool,
    /// The job's concurrency group: no two units of one group run at once.
    pub group: Option<String>,
    /// Whether its failure is allowed (`allow_failure` covers its cell): reported as
    /// `failed-allowed`, it stops nothing and satisfies its dependents.
    pub allow_failure: bool,
    /// How its needs must have ended for it to run (`when.needs`).
    pub after: NeedsResult,
    /// A manual job nobody asked for: skipped, and its skip does not let dependents run.
    pub manual_unrun: bool,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            fail_fast: true,
            group: None,
            allow_failure: false,
            after: NeedsResult::Success,
            manual_unrun: false,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Plan {
    pub units: Vec<Unit>,
}

impl Plan {
    pub(crate) fn runnable(&self) -> usize {
        self.units
            .iter()
            .filter(|u| matches!(u.verdict, Verdict::Run(_)))
            .count()
    }
}

/// What the user asked for on the command line.
pub(crate) struct Selection<'a> {
    pub jobs: &'a [String],
    pub no_deps: bool,
    pub matrix: &'a [String],
    /// `--cell`: one matrix cell, as JSON.
    pub cell: Option<&'a str>,
}

/// The rule when a CI run names no event cigen knows (docs/contracts.md, Event detection):
/// jobs and steps with `when.event` are skipped, and the run says so once, loudly, naming
/// them and `--event`. `None` when an event is known or nothing planned asks for one.
pub(crate) fn unknown_event_warning(p: &Pipeline, plan: &Plan, ctx: &RunContext) -> Option<String> {
    if !ctx.ci || ctx.event.is_some() {
        return None;
    }
    let mut gated: Vec<&str> = Vec::new();
    for u in &plan.units {
        let Some(j) = p.jobs.get(&u.job) else {
            continue;
        };
        let asks = j.when.event.is_some()
            || j.steps
                .iter()
                .any(|s| s.when.as_ref().is_some_and(|w| w.event.is_some()));
        if asks && !gated.contains(&j.name.as_str()) {
            gated.push(&j.name);
        }
    }
    if gated.is_empty() {
        return None;
    }
    Some(format!(
        "this CI run names no event cigen recognises (GitHub: GITHUB_EVENT_NAME, GitLab: \
         CI_PIPELINE_SOURCE), so every `when.event` condition is false: {} skipped; pass \
         --event push|pull_request|tag|schedule|manual to say which event this is",
        gated
            .iter()
            .map(|j| format!("`{j}`"))
            .collect::<Vec<_>>()
            .join(", ")
    ))
}

/// Selects jobs, adds needs, picks cells and evaluates conditions.
pub(crate) fn build(
    p: &Pipeline,
    sel: &Selection<'_>,
    ctx: &RunContext,
    changes: &LazyChanges,
) -> Result<Plan, String> {
    for j in sel.jobs {
        if !p.jobs.contains_key(j) {
            let hint = did_you_mean(j, p.jobs.keys().map(String::as_str))
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            return Err(format!(
                "unknown job `{j}`{hint}; `cigen list` shows the jobs"
            ));
        }
    }
    let mut chosen: HashSet<&str> = if sel.jobs.is_empty() {
        p.jobs.keys().map(String::as_str).collect()
    } else {
        sel.jobs.iter().map(String::as_str).collect()
    };
    if !sel.no_deps {
        // Jobs are in topological order, so walking backwards reaches needs after dependents.
        for (name, job) in p.jobs.iter().rev() {
            if chosen.contains(name.as_str()) {
                chosen.extend(job.needs.iter().map(String::as_str));
            }
        }
    }
    // Manual jobs run when asked for: named, or needed by a named job.
    let asked = |name: &str| !sel.jobs.is_empty() && chosen.contains(name);
    let filters = cells::parse_filters(sel.matrix)?;
    let exact = sel.cell.map(cells::parse_cell).transpose()?;
    for k in filters.keys() {
        let used = p
            .jobs
            .values()
            .filter(|j| chosen.contains(j.name.as_str()))
            .any(|j| j.matrix.as_ref().is_some_and(|m| m.has_key(k)));
        if !used {
            return Err(format!(
                "--matrix {k}: no selected job has a matrix key `{k}`"
            ));
        }
    }
    let mut plan = Plan::default();
    let mut units_of: IndexMap<&str, Vec<UnitId>> = IndexMap::new();
    for (name, job) in &p.jobs {
        if !chosen.contains(name.as_str()) {
            continue;
        }
        let cells = cells::select(job, &filters, exact.as_ref());
        if cells.is_empty() {
            let all: Vec<_> = job.cells().iter().map(|c| c.id.clone()).collect();
            return Err(format!(
                "no matrix cell of `{name}` matches {} (cells: {})",
                cells::describe(&filters, sel.cell),
                all.join("; ")
            ));
        }
        let needs: Vec<UnitId> = job
            .needs
            .iter()
            .filter_map(|n| units_of.get(n.as_str()))
            .flatten()
            .copied()
            .collect();
        let ids = units_of.entry(name.as_str()).or_default();
        for cell in cells {
            let label = if cell.values.is_empty() {
                name.clone()
            } else {
                format!("{name} ({})", cell.label())
            };
            // Per cell: `when.matrix` looks at the cell's values.
            let manual_unrun = job.manual && !asked(name);
            let allow_failure = job.allow_failure.allows(&cell);
            let verdict = match super::platform::other_os(job, &cell) {
                Some(reason) => Verdict::Skip(reason),
                None if manual_unrun => Verdict::Skip(format!(
                    "manual job: runs only when asked for (`cigen run {name}`)"
                )),
                None => evaluate(&job.when, ctx, &cell, changes),
            };
            // A job of remote steps only (`check` allows no steps then) has nothing to run
            // here: say so instead of a bare "passed".
            let verdict = match verdict {
                Verdict::Run(None) if job.steps.is_empty() => Verdict::Run(Some(
                    "no steps of its own: its remote steps run only in CI".into(),
                )),
                v => v,
            };
            // What the executor will decide for each step of a unit that runs (a step's
            // `when.matrix` looks at the cell too).
            let step_plan: Vec<StepPlan> = match verdict {
                Verdict::Run(_) => job
                    .steps
                    .iter()
                    .map(|s| StepPlan {
                        run: s.run.clone(),
                        skip: match s.when.as_ref().map(|w| evaluate(w, ctx, &cell, changes)) {
                            Some(Verdict::Skip(reason)) => Some(reason),
                            _ => None,
                        },
                    })
                    .collect(),
                Verdict::Skip(_) => Vec::new(),
            };
            ids.push(plan.units.len());
            plan.units.push(Unit {
                job: name.clone(),
                cell,
                label,
                needs: needs.clone(),
                verdict,
                steps: job.steps.iter().map(|s| s.name.clone()).collect(),
                step_plan,
                toolchain: Ok(Selected::default()),
                policy: Policy {
                    fail_fast: job.fail_fast,
                    group: job.concurrency.clone(),
                    allow_failure,
                    after: job.after,
                    manual_unrun,
                },
            });
        }
    }
    Ok(plan)
}

/// The plan as text for `--dry-run`: one line per unit with its reason, then each step of a
/// unit that runs with its whole command (every line, indented) and, when a step-level `when`
/// skips it, why.
pub(crate) fn render(plan: &Plan) -> String {
    let width = plan
        .units
        .iter()
        .map(|u| u.label.chars().count())
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    let skipped = plan.units.len() - plan.runnable();
    out.push_str(&format!(
        "plan: {} unit(s), {} to run, {skipped} skipped\n",
        plan.units.len(),
        plan.runnable()
    ));
    for u in &plan.units {
        let (word, reason) = match &u.verdict {
            Verdict::Run(r) => ("run ", r.clone()),
            Verdict::Skip(r) => ("skip", Some(r.clone())),
        };
        let needs: Vec<&str> = {
            let mut v: Vec<&str> = u
                .needs
                .iter()
                .map(|n| plan.units[*n].job.as_str())
                .collect();
            v.dedup();
            v
        };
        let mut line = format!("  {word}  {:<width$}", u.label);
        if let Some(r) = reason {
            line.push_str(&format!("  {r}"));
        }
        if !needs.is_empty() {
            line.push_str(&format!("  [after {}]", needs.join(", ")));
        }
        out.push_str(line.trim_end());
        out.push('\n');
        for (name, step) in u.steps.iter().zip(&u.step_plan) {
            render_step(&mut out, name, step);
        }
    }
    out
}

/// `- name`, a step-level skip in brackets, then the command's lines indented under it. A
/// step without a name of its own is named by its first line (cut short in logs): here that
/// line is the heading, whole, and the rest of the command follows.
fn render_step(out: &mut String, name: &str, step: &StepPlan) {
    let lines: Vec<&str> = step
        .run
        .lines()
        .skip_while(|l| l.trim().is_empty())
        .collect();
    let end = lines.len()
        - lines
            .iter()
            .rev()
            .take_while(|l| l.trim().is_empty())
            .count();
    let lines = &lines[..end];
    let unnamed = lines.first().is_some_and(|first| {
        let first = first.trim();
        first == name
            || name
                .strip_suffix('…')
                .is_some_and(|cut| first.starts_with(cut))
    });
    let (head, body): (&str, &[&str]) = match lines {
        [first, rest @ ..] if unnamed => (first.trim(), rest),
        _ => (name, lines),
    };
    out.push_str(&format!("        - {head}"));
    if let Some(why) = &step.skip {
        out.push_str(&format!("  [skip: {why}]"));
    }
    out.push('\n');
    for l in body {
        let l = l.trim_end();
        if l.is_empty() {
            out.push('\n');
        } else {
            out.push_str(&format!("            {l}\n"));
        }
    }
}
