//! The parts of a GitHub Actions workflow that `cigen import` reads, as typed structs.
//!
//! Only what a workflow author writes is modelled; anything else lands in `other` so the
//! importer can report it instead of dropping it silently. Values that GitHub accepts in
//! several shapes (a string or a list, a number or an expression) stay `Value` and are
//! interpreted where they are used.

use indexmap::IndexMap;
use serde::Deserialize;
use serde_yaml::Value;

/// One workflow file.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Workflow {
    #[serde(default)]
    pub(crate) name: Option<String>,
    /// `on:`: an event name, a list of them, or a mapping of event → filters.
    #[serde(default, rename = "on")]
    pub(crate) on: Option<Value>,
    #[serde(default)]
    pub(crate) env: IndexMap<String, Value>,
    #[serde(default)]
    pub(crate) permissions: Option<Value>,
    #[serde(default)]
    pub(crate) concurrency: Option<Value>,
    #[serde(default)]
    pub(crate) defaults: Option<Defaults>,
    #[serde(default)]
    pub(crate) jobs: IndexMap<String, Job>,
    #[serde(default, rename = "run-name")]
    pub(crate) run_name: Option<String>,
    #[serde(flatten)]
    pub(crate) other: IndexMap<String, Value>,
}

/// `defaults: run: {shell, working-directory}`.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct Defaults {
    #[serde(default)]
    pub(crate) run: Option<RunDefaults>,
    #[serde(flatten)]
    pub(crate) other: IndexMap<String, Value>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct RunDefaults {
    #[serde(default)]
    pub(crate) shell: Option<String>,
    #[serde(default, rename = "working-directory")]
    pub(crate) working_directory: Option<String>,
}

/// One job of a workflow.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct Job {
    #[serde(default)]
    pub(crate) name: Option<String>,
    /// A job id or a list of them.
    #[serde(default)]
    pub(crate) needs: Option<Value>,
    #[serde(default, rename = "runs-on")]
    pub(crate) runs_on: Option<Value>,
    #[serde(default)]
    pub(crate) permissions: Option<Value>,
    /// A name, or `{name, url}`.
    #[serde(default)]
    pub(crate) environment: Option<Value>,
    #[serde(default)]
    pub(crate) concurrency: Option<Value>,
    #[serde(default)]
    pub(crate) outputs: IndexMap<String, String>,
    #[serde(default)]
    pub(crate) env: IndexMap<String, Value>,
    #[serde(default)]
    pub(crate) defaults: Option<Defaults>,
    /// `if:` (a string, or a boolean).
    #[serde(default, rename = "if")]
    pub(crate) condition: Option<Value>,
    #[serde(default)]
    pub(crate) steps: Vec<Step>,
    #[serde(default, rename = "timeout-minutes")]
    pub(crate) timeout_minutes: Option<Value>,
    #[serde(default)]
    pub(crate) strategy: Option<Strategy>,
    #[serde(default, rename = "continue-on-error")]
    pub(crate) continue_on_error: Option<Value>,
    #[serde(default)]
    pub(crate) container: Option<Value>,
    #[serde(default)]
    pub(crate) services: IndexMap<String, Service>,
    /// A reusable workflow call.
    #[serde(default)]
    pub(crate) uses: Option<String>,
    #[serde(flatten)]
    pub(crate) other: IndexMap<String, Value>,
}

/// `strategy:`.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct Strategy {
    /// Axes plus `include`/`exclude`, or an expression (`fromJSON(...)`).
    #[serde(default)]
    pub(crate) matrix: Option<Value>,
    #[serde(default, rename = "fail-fast")]
    pub(crate) fail_fast: Option<Value>,
    #[serde(default, rename = "max-parallel")]
    pub(crate) max_parallel: Option<Value>,
}

/// One step: `run:` or `uses:`.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct Step {
    /// Read only so that it is not reported as an unknown key: `steps.<id>.outputs` in
    /// expressions are reported where they are used.
    #[serde(default)]
    #[allow(dead_code)]
    pub(crate) id: Option<String>,
    #[serde(default)]
    pub(crate) name: Option<String>,
    #[serde(default)]
    pub(crate) uses: Option<String>,
    #[serde(default)]
    pub(crate) run: Option<String>,
    #[serde(default, rename = "with")]
    pub(crate) with: IndexMap<String, Value>,
    #[serde(default)]
    pub(crate) env: IndexMap<String, Value>,
    #[serde(default, rename = "if")]
    pub(crate) condition: Option<Value>,
    #[serde(default)]
    pub(crate) shell: Option<String>,
    #[serde(default, rename = "working-directory")]
    pub(crate) working_directory: Option<String>,
    #[serde(default, rename = "continue-on-error")]
    pub(crate) continue_on_error: Option<Value>,
    #[serde(default, rename = "timeout-minutes")]
    pub(crate) timeout_minutes: Option<Value>,
    #[serde(flatten)]
    pub(crate) other: IndexMap<String, Value>,
}

/// A service container.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct Service {
    #[serde(default)]
    pub(crate) image: Option<String>,
    #[serde(default)]
    pub(crate) ports: Vec<Value>,
    #[serde(default)]
    pub(crate) env: IndexMap<String, Value>,
    /// Docker options, e.g. `--health-cmd pg_isready --health-interval 10s`.
    #[serde(default)]
    pub(crate) options: Option<String>,
    #[serde(flatten)]
    pub(crate) other: IndexMap<String, Value>,
}

/// The text of a scalar as GitHub reads it (YAML 1.2: `3.10` is the number 3.1).
pub(crate) fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A string or a list of strings.
pub(crate) fn string_list(v: &Value) -> Option<Vec<String>> {
    match v {
        Value::Sequence(items) => items.iter().map(scalar_text).collect(),
        other => scalar_text(other).map(|s| vec![s]),
    }
}
