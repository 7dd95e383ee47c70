//! Service containers a job talks to.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Duration, Scalar};

/// A service container, reachable on localhost at its ports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Service {
    /// Container image, e.g. `postgres:17`.
    pub image: String,
    /// Ports published on localhost: `6379`, or `"8080:80"` (host:container).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<Port>,
    /// Environment of the container.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub env: IndexMap<String, Scalar>,
    /// Command the container's health check runs, e.g. `pg_isready`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health: Option<String>,
    /// How long the job waits for this service to become healthy before it fails, e.g. `2m`. Default `60s`. Zero is refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("not" = {"type": "string", "pattern": "^(0+(ms|h|m|s))+$"}))]
    pub health_timeout: Option<Duration>,
}

/// A port: a number, or `"host:container"`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Port {
    /// Same port on host and container.
    Number(u16),
    /// `"host:container"`.
    Mapping(String),
}
