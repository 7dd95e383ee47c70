//! Matrix axes plus include/exclude combinations.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Scalar;

/// Axes (`python: ["3.12", "3.13"]`) plus optional `include`/`exclude` combinations, as in GitHub Actions.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Matrix {
    /// Extra combinations added after the product of the axes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub include: Vec<IndexMap<String, Scalar>>,
    /// Combinations removed from the product; a partial combination removes every cell it matches.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude: Vec<IndexMap<String, Scalar>>,
    /// Axes: each key lists its values.
    #[serde(flatten)]
    pub axes: IndexMap<String, Vec<Scalar>>,
}
