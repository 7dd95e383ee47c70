//! A GitHub job's `runs-on`: its labels, or, for a job that picks runners per matrix cell
//! (`runs-on.cells`), `${{ matrix.cigen-runs-on }}` with each cell's labels written into its
//! `strategy.matrix.include` row, as a hand-written workflow would. The user never writes
//! `${{ }}` (check refuses it); cigen writes this one from typed keys.

use crate::contract::GITHUB_RUNNER_KEY;
use crate::model::{Job, WorkflowOutput};

/// The job's labels when every cell runs in one place.
pub(super) fn labels(t: &WorkflowOutput, j: &Job) -> Vec<String> {
    j.runs_on
        .github
        .as_ref()
        .map(|r| r.to_vec().into_iter().cloned().collect())
        .unwrap_or_else(|| t.runs_on.clone())
}

/// Per-cell runners: the `runs-on` expression (without `${{ }}`) and, per cell of the
/// matrix in order, the value of its `cigen-runs-on` key. One label per cell is written as
/// it is; when some cell has several, every cell holds a JSON list that `fromJSON` reads.
/// `None` for a job whose cells all run in one place.
pub(super) fn per_cell(t: &WorkflowOutput, j: &Job) -> Option<(String, Vec<String>)> {
    let m = j.matrix.as_ref().filter(|_| j.runner_per_cell())?;
    let fallback = labels(t, j);
    let per_cell: Vec<Vec<String>> = m
        .cells
        .iter()
        .map(|c| {
            j.cell_runner(c)
                .and_then(|(_, r)| r.github.as_ref())
                .map(|g| g.to_vec().into_iter().cloned().collect())
                .unwrap_or_else(|| fallback.clone())
        })
        .collect();
    if per_cell.iter().all(|l| l.len() == 1) {
        let values = per_cell.into_iter().map(|mut l| l.remove(0)).collect();
        return Some((format!("matrix.{GITHUB_RUNNER_KEY}"), values));
    }
    let values = per_cell
        .into_iter()
        .map(|l| serde_json::Value::from(l).to_string())
        .collect();
    Some((format!("fromJSON(matrix.{GITHUB_RUNNER_KEY})"), values))
}
