//! The parts of a `.gitlab-ci.yml` job that `cigen import` reads, as typed structs; anything
//! else lands in `other` and is reported. `extends:` is resolved before (see `extends`).

use indexmap::IndexMap;
use serde::Deserialize;
use serde_yaml::Value;

/// One job (or `default:`, which has a subset of the same keys).
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct Job {
    #[serde(default)]
    pub(crate) stage: Option<String>,
    #[serde(default)]
    pub(crate) script: Option<Value>,
    #[serde(default)]
    pub(crate) before_script: Option<Value>,
    #[serde(default)]
    pub(crate) after_script: Option<Value>,
    /// A name, or `{name, entrypoint, ...}`.
    #[serde(default)]
    pub(crate) image: Option<Value>,
    #[serde(default)]
    pub(crate) services: Option<Vec<Value>>,
    #[serde(default)]
    pub(crate) variables: IndexMap<String, Value>,
    #[serde(default)]
    pub(crate) needs: Option<Vec<Value>>,
    #[serde(default)]
    pub(crate) dependencies: Option<Vec<String>>,
    #[serde(default)]
    pub(crate) rules: Option<Vec<Value>>,
    #[serde(default)]
    pub(crate) only: Option<Value>,
    #[serde(default)]
    pub(crate) except: Option<Value>,
    #[serde(default)]
    pub(crate) when: Option<String>,
    #[serde(default)]
    pub(crate) allow_failure: Option<Value>,
    #[serde(default)]
    pub(crate) artifacts: Option<Artifacts>,
    #[serde(default)]
    pub(crate) cache: Option<Value>,
    #[serde(default)]
    pub(crate) parallel: Option<Value>,
    #[serde(default)]
    pub(crate) tags: Option<Vec<String>>,
    #[serde(default)]
    pub(crate) environment: Option<Value>,
    #[serde(default)]
    pub(crate) retry: Option<Value>,
    #[serde(default)]
    pub(crate) timeout: Option<String>,
    #[serde(default)]
    pub(crate) interruptible: Option<bool>,
    #[serde(default)]
    pub(crate) resource_group: Option<String>,
    #[serde(default)]
    pub(crate) coverage: Option<String>,
    #[serde(default)]
    pub(crate) extends: Option<Value>,
    #[serde(flatten)]
    pub(crate) other: IndexMap<String, Value>,
}

/// `artifacts:`.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct Artifacts {
    #[serde(default)]
    pub(crate) paths: Vec<String>,
    #[serde(default)]
    pub(crate) reports: Option<IndexMap<String, Value>>,
    #[serde(flatten)]
    pub(crate) other: IndexMap<String, Value>,
}

/// Script lines: a string or a list of strings (nested lists are flattened, as GitLab does).
pub(crate) fn lines(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => vec![s.clone()],
        Value::Sequence(items) => items.iter().flat_map(lines).collect(),
        Value::Number(n) => vec![n.to_string()],
        Value::Bool(b) => vec![b.to_string()],
        _ => vec![],
    }
}
