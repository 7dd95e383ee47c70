//! Remote steps after `cigen run`: provider actions (a coverage upload, an autofix action) and
//! GitLab `after_script` commands, with a typed condition on how the run ended. CI-only by
//! design: a laptop has no provider to hand results to.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Scalar;

/// When a step after `cigen run` runs, by how the job has gone so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PostCondition {
    /// Only when everything before it succeeded (GitHub's default; GitLab `$CI_JOB_STATUS` is `success`).
    #[default]
    Success,
    /// Only when something before it failed (GitHub `failure()`; GitLab `$CI_JOB_STATUS` is `failed`).
    Failure,
    /// Whatever happened, even when the run was cancelled (GitHub `always()`; GitLab: no guard).
    Always,
    /// After a success or a failure, not after a cancellation (GitHub `!cancelled()`; GitLab `$CI_JOB_STATUS` is not `canceled`).
    NotCancelled,
}

/// A remote-only step after `cigen run` (GitHub and Forgejo): an action, pinned like setup steps.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PostStep {
    /// Step name. Default: the action's `owner/repo`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The action: `owner/repo`, pinned by cigen from your pin lock (`.github/actions/cigen-pins/action.yml`) or its own table, or `owner/repo@<40-hex sha>` pinned by you.
    pub uses: String,
    /// Inputs of the action. `${{ secrets.X }}`, `${{ vars.X }}` and `${{ matrix.AXIS }}` (an axis of this job's matrix) are allowed here; a secret used only here never blocks a local run.
    #[serde(default, rename = "with", skip_serializing_if = "IndexMap::is_empty")]
    pub with: IndexMap<String, Scalar>,
    /// When it runs: `success` (default), `failure`, `always` or `not_cancelled` (e.g. a coverage upload that should also report failing tests).
    #[serde(default, rename = "if", skip_serializing_if = "Option::is_none")]
    pub condition: Option<PostCondition>,
}

/// A GitLab `after_script` command: the command, or `{run, if}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum AfterScript {
    /// A command run when the job succeeded (shorthand for `{run: ..., if: success}`).
    Command(String),
    /// A command with its condition.
    Full {
        /// The shell command.
        run: String,
        /// When it runs: `success` (default), `failure`, `always` or `not_cancelled`.
        #[serde(default, rename = "if", skip_serializing_if = "Option::is_none")]
        condition: Option<PostCondition>,
    },
}

impl AfterScript {
    /// The command and its condition (default `success`).
    pub fn parts(&self) -> (&str, PostCondition) {
        match self {
            AfterScript::Command(c) => (c, PostCondition::Success),
            AfterScript::Full { run, condition } => (run, condition.unwrap_or_default()),
        }
    }
}
