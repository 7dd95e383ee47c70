//! How a GitHub job's result counts → the spec: job-level `continue-on-error` →
//! `allow_failure` (a matrix value → the cells with that value), and the status functions of a
//! job's `if:` → `when.needs`.

use super::condition::Status;
use super::job::JobCx;
use super::model::scalar_text;
use crate::import::expr;
use crate::import::report::Kind;
use crate::spec::{AllowFailure, AllowedCells, Job, NeedsResult, OneOrMany, Scalar, When};

/// `continue-on-error: true` or `${{ matrix.KEY }}` (a cell may fail when its KEY is true).
pub(super) fn allow_failure(cx: &mut JobCx<'_>, v: &serde_yaml::Value) -> Option<AllowFailure> {
    let text = scalar_text(v).unwrap_or_default();
    match text.trim() {
        "false" => return None,
        "true" => return Some(AllowFailure::All(true)),
        _ => {}
    }
    match expr::whole(&text).and_then(expr::matrix_key) {
        Some(key) => Some(AllowFailure::Cells(AllowedCells {
            matrix: [(key, OneOrMany::One(Scalar("true".into())))]
                .into_iter()
                .collect(),
        })),
        None => {
            cx.add(
                Kind::Lost,
                "continue-on-error",
                "continue-on-error",
                format!("`continue-on-error: {text}`: only `true` or a matrix value (`${{{{ matrix.KEY }}}}`) is typed (`allow_failure`); a failing job fails the pipeline"),
            );
            None
        }
    }
}

/// `always()` / `!cancelled()` → `when.needs: always`, `failure()` → `when.needs: failure`.
pub(super) fn after_needs(cx: &mut JobCx<'_>, job: &mut Job, status: Status) {
    let needs = match status {
        Status::Always => {
            cx.add(Kind::Note, "condition", "if", "`always()` became `when.needs: always`, which (like GitHub's `!cancelled()`) does not start the job in a cancelled run");
            NeedsResult::Always
        }
        Status::NotCancelled => NeedsResult::Always,
        Status::Failure => NeedsResult::Failure,
        Status::Success | Status::Cancelled => {
            cx.add(Kind::Lost, "condition", "if", "a job that runs only in a cancelled run (`cancelled()`): it runs when its needs pass");
            return;
        }
    };
    if job.needs.is_empty() {
        // Without needs there is nothing to have failed (rule `when-needs-place`).
        return;
    }
    job.when
        .get_or_insert_with(|| Box::new(When::default()))
        .needs = Some(needs);
}
