//! A step: one shell command with its own env, timeout, retry and condition.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Duration, EnvValue, RelPath, RetrySpec, When};

/// A step: a command string, or the full form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum StepSpec {
    /// Shorthand for `{run: ...}`.
    Command(String),
    /// The full form.
    Full(Box<Step>),
}

/// A step in full form.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// Display name; defaults to the first line of `run`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The command, run by the job's shell.
    pub run: String,
    /// Environment for this step (overrides job and spec env).
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub env: IndexMap<String, EnvValue>,
    /// Time limit for this step alone, e.g. `5m`: when it passes, cigen stops the step (its whole process group) and the step fails. Keep it within the job's `timeout`. Zero is refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("not" = {"type": "string", "pattern": "^(0+(ms|h|m|s))+$"}))]
    pub timeout: Option<Duration>,
    /// How often this step is retried when it fails: `retry: 3` (attempts in total), or `{attempts, backoff, delay, max_delay}`. Overrides the job's `retry`; a pass after a failure is reported as flaky.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry: Option<RetrySpec>,
    /// Run this step only under these conditions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<When>,
    /// Directory, relative to the spec, to run in (overrides the job's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub working_directory: Option<RelPath>,
}
