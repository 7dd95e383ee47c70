//! Environment variable values, optionally different for local and CI runs.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Scalar;

/// An env value: text, or `{local: ..., ci: ...}` to differ between laptop and runner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum EnvValue {
    /// The same value everywhere.
    Plain(Scalar),
    /// Different values locally and in CI; a missing side leaves the variable unset there.
    Branches(EnvBranches),
}

/// Values for local and CI runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EnvBranches {
    /// Value when running on a developer machine.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local: Option<Scalar>,
    /// Value when running in CI (`CI` is set).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ci: Option<Scalar>,
}

impl EnvValue {
    /// The value for the given side, or `None` when the variable is unset there.
    pub fn resolve(&self, ci: bool) -> Option<&str> {
        match self {
            EnvValue::Plain(s) => Some(&s.0),
            EnvValue::Branches(b) => {
                if ci { b.ci.as_ref() } else { b.local.as_ref() }.map(|s| s.0.as_str())
            }
        }
    }
}
