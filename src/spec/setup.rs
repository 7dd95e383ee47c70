//! Toolchains CI installs before `cigen run` (and that local runs check for).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Scalar;

/// Toolchain versions. Keep them as strings (`"3.10"`), though numbers are read as written.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Setup {
    /// Python version, e.g. `"3.13"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub python: Option<Scalar>,
    /// uv version, e.g. `"0.9"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uv: Option<Scalar>,
    /// Node.js version, e.g. `"22"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node: Option<Scalar>,
    /// The npm registry the job's npm (and pnpm) talk to, e.g. `https://registry.npmjs.org` for a publish job; needs `node`. GitHub and Forgejo: setup-node's `registry-url` (an `.npmrc` whose token is `$NODE_AUTH_TOKEN`); GitLab: the same `.npmrc`, written before `cigen run`; `cigen run` everywhere sets `npm_config_registry` to it, and on a laptop your own npm login for that registry is used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_registry: Option<String>,
    /// Rust toolchain, e.g. `stable` or `"1.85"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rust: Option<Scalar>,
    /// Rust components to add, e.g. `[clippy, rustfmt]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rust_components: Vec<String>,
    /// Go version, e.g. `"1.23"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub go: Option<Scalar>,
    /// Java version (Temurin), e.g. `"21"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub java: Option<Scalar>,
}

impl Setup {
    pub fn is_empty(&self) -> bool {
        *self == Setup::default()
    }

    /// `(tool, version)` pairs in a fixed order.
    pub fn tools(&self) -> Vec<(&'static str, &str)> {
        [
            ("python", &self.python),
            ("uv", &self.uv),
            ("node", &self.node),
            ("rust", &self.rust),
            ("go", &self.go),
            ("java", &self.java),
        ]
        .into_iter()
        .filter_map(|(name, v)| v.as_ref().map(|v| (name, v.0.as_str())))
        .collect()
    }
}
