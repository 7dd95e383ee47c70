//! A GitLab job's runner tags: the job's (or the target's), or, for a job whose cells pick
//! their runners (`runs-on.cells`), `${CIGEN_RUNNER_TAG_<n>}` tags that each cell of
//! `parallel: matrix` fills with its own tags (GitLab expands matrix variables in `tags`).

use crate::generate::GenerateError;
use crate::model::{Cell, GitlabOutput, Job};

/// The per-cell variable holding a cell's `n`-th tag (from 1).
fn tag_var(n: usize) -> String {
    format!("CIGEN_RUNNER_TAG_{n}")
}

/// The job's tags when every cell runs in one place.
fn job_tags(t: &GitlabOutput, j: &Job) -> Vec<String> {
    match j.runs_on.gitlab.as_ref() {
        Some(r) => r.to_vec().into_iter().cloned().collect(),
        None => t.tags.clone(),
    }
}

/// The `tags:` of a job, and per cell (in `cells` order) the variables that fill them.
pub(super) struct Tags {
    pub(super) tags: Vec<String>,
    pub(super) cell_vars: Vec<Vec<(String, String)>>,
}

/// The `tags:` of the job, and per cell (in `cells` order) the variables that fill them.
pub(super) fn tags(t: &GitlabOutput, j: &Job, cells: &[Cell]) -> Result<Tags, GenerateError> {
    let fallback = job_tags(t, j);
    if !j.runner_per_cell() {
        return Ok(Tags {
            tags: fallback,
            cell_vars: vec![Vec::new(); cells.len()],
        });
    }
    let per_cell: Vec<Vec<String>> = cells
        .iter()
        .map(|c| {
            j.cell_runner(c)
                .and_then(|(_, r)| r.gitlab.as_ref())
                .map(|g| g.to_vec().into_iter().cloned().collect())
                .unwrap_or_else(|| fallback.clone())
        })
        .collect();
    let n = per_cell.first().map_or(0, Vec::len);
    if let Some((c, tags)) = cells.iter().zip(&per_cell).find(|(_, t)| t.len() != n) {
        // `check` refuses this first (rule `runner-cells`); kept so no template sees it.
        return Err(GenerateError::user(format!(
            "jobs.{}.runs-on.cells: cell {} has {} GitLab tags and the first cell {n}: GitLab fills one list of tags from each cell's variables, so every cell needs as many",
            j.name,
            c.label(),
            tags.len()
        )));
    }
    let tags = (1..=n).map(|i| format!("${{{}}}", tag_var(i))).collect();
    let vars = per_cell
        .into_iter()
        .map(|tags| {
            tags.into_iter()
                .enumerate()
                .map(|(i, tag)| (tag_var(i + 1), tag))
                .collect()
        })
        .collect();
    Ok(Tags {
        tags,
        cell_vars: vars,
    })
}
