//! The plan: which units (job × matrix cell) run or are skipped, why, and what each waits for.

use std::collections::HashSet;

use indexmap::IndexMap;

use super::events::UnitId;
use super::when::{evaluate, LazyChanges, Verdict};
use crate::diagnostic::did_you_mean;
use crate::model::{Cell, Job, Pipeline};
use crate::provider::RunContext;

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
}

fn parse_filters(raw: &[String]) -> Result<IndexMap<String, String>, String> {
    let mut out = IndexMap::new();
    for r in raw {
        let (k, v) = r.split_once('=').ok_or_else(|| {
            format!("--matrix `{r}` must be KEY=VALUE (an empty VALUE selects cells without KEY)")
        })?;
        if k.is_empty() {
            return Err(format!("--matrix `{r}` has no key"));
        }
        out.insert(k.to_string(), v.to_string());
    }
    Ok(out)
}

/// Cells of `job` that pass the filters. Filters on keys the job's matrix lacks do not apply.
fn cells(job: &Job, filters: &IndexMap<String, String>) -> Vec<Cell> {
    let Some(m) = &job.matrix else {
        return job.cells();
    };
    m.cells
        .iter()
        .filter(|c| {
            filters.iter().filter(|(k, _)| m.has_key(k)).all(|(k, v)| {
                if v.is_empty() {
                    !c.values.contains_key(k)
                } else {
                    c.values.get(k) == Some(v)
                }
            })
        })
        .cloned()
        .collect()
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
    let filters = parse_filters(sel.matrix)?;
    for k in filters.keys() {
        let used = p
            .jobs
            .values()
            .filter(|j| chosen.contains(j.name.as_str()))
            .any(|j| j.matrix.as_ref().is_some_and(|m| m.has_key(k)));
        if !used {
            return Err(format!(
                "--matrix {k}=…: no selected job has a matrix key `{k}`"
            ));
        }
    }
    let mut plan = Plan::default();
    let mut units_of: IndexMap<&str, Vec<UnitId>> = IndexMap::new();
    for (name, job) in &p.jobs {
        if !chosen.contains(name.as_str()) {
            continue;
        }
        let cells = cells(job, &filters);
        if cells.is_empty() {
            let all: Vec<_> = job.cells().iter().map(|c| c.id.clone()).collect();
            return Err(format!(
                "no matrix cell of `{name}` matches the --matrix filters (cells: {})",
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
        let verdict = evaluate(&job.when, ctx, changes);
        let ids = units_of.entry(name.as_str()).or_default();
        for cell in cells {
            let label = if cell.values.is_empty() {
                name.clone()
            } else {
                format!("{name} ({})", cell.label())
            };
            ids.push(plan.units.len());
            plan.units.push(Unit {
                job: name.clone(),
                cell,
                label,
                needs: needs.clone(),
                verdict: verdict.clone(),
                steps: job.steps.iter().map(|s| s.name.clone()).collect(),
            });
        }
    }
    Ok(plan)
}

/// The plan as text for `--dry-run`: one line per unit with its reason.
pub(crate) fn render(plan: &Plan, p: &Pipeline) -> String {
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
        if matches!(u.verdict, Verdict::Run(_)) {
            if let Some(job) = p.jobs.get(&u.job) {
                for s in &job.steps {
                    out.push_str(&format!("        - {}\n", s.name));
                }
            }
        }
    }
    out
}
