//! How a job's result counts: failures it may have (`allow_failure`), and how its needs'
//! results decide whether it runs (`when.needs`).

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{OneOrMany, Scalar};

/// Whether a failure of the job (or of some of its matrix cells) is allowed: it is reported as `failed-allowed`, does not fail the run, and its dependents run. `true` for every cell, or `{ matrix: { experimental: true } }` for the cells with these values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum AllowFailure {
    /// `true`: every cell of the job may fail; `false`: none (the default).
    All(bool),
    /// Only the matrix cells with these values may fail.
    Cells(AllowedCells),
}

/// The matrix cells whose failure is allowed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AllowedCells {
    /// Matrix values, as in `when.matrix`: `{ experimental: true }`, or a list of values any of which matches (`{ python: ["3.14", "pypy3.10"] }`). Every key given must match.
    pub matrix: IndexMap<String, OneOrMany<Scalar>>,
}

/// How the job's needs must have ended for it to run (`when.needs`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum NeedsResult {
    /// Every need succeeded (or was skipped by its own conditions). The default.
    #[default]
    Success,
    /// Once its needs have ended, whatever their result, unless the run was cancelled or interrupted (GitHub `!cancelled()`, GitLab `when: always`): a report or clean-up job.
    Always,
    /// Only when a need failed (GitHub `failure()`, GitLab `when: on_failure`): a notification or rollback job.
    Failure,
}
