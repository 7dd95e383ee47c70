//! The raw `cigen.yaml` v1 model: serde + schemars types, one concept per file.
//!
//! These types mirror what the user wrote; defaults and validation happen later (`check`,
//! `model`). Doc comments are load-bearing: they become the JSON Schema descriptions that
//! editors show.

mod cache;
mod coverage;
mod duration;
mod env;
pub mod format;
mod glob;
mod job;
mod matrix;
mod path;
mod post;
mod reference;
mod reports;
mod results;
mod retry;
mod runner_cells;
mod scalar;
mod secret;
mod service;
mod setup;
mod step;
mod targets;
mod template;
mod triggers;
mod url;
mod when;

pub use cache::{Cache, SetupCache};
pub use coverage::coverage_regex;
pub use duration::{format_duration, parse_duration, Duration};
pub use env::{EnvBranches, EnvValue};
pub use glob::Glob;
pub use job::{Environment, Job, Permission, RunsOn};
pub use matrix::Matrix;
pub(crate) use path::problem as path_problem;
pub use path::{ArtifactPath, RelPath};
pub use post::{AfterScript, PostCondition, PostStep};
pub use reference::{check_references, expand, referenced_names, ReferenceError};
pub use reports::{CoverageFormat, CoverageReport, Reports};
pub use results::{AllowFailure, AllowedCells, NeedsResult};
pub use retry::{Backoff, Retry, RetrySpec};
pub use runner_cells::{CellRunner, Os};
pub use scalar::{OneOrMany, Scalar};
pub use secret::{LocalSource, Secret, SecretSpec, SopsSource, VaultSource};
pub use service::{Port, Service};
pub use setup::Setup;
pub use step::{Step, StepSpec};
pub use targets::{
    ActionStep, CigenBuild, GitlabInstall, GitlabTarget, JustTarget, RemoteStep, Targets,
    WorkflowTarget, FORGEJO_PATH, GITHUB_PATH, GITLAB_PATH, JUSTFILE_FALLBACK_PATH, JUSTFILE_PATH,
};
pub use template::{parse_template, template_syntax};
pub use triggers::{PullRequestTrigger, PushTrigger, Triggers};
pub use url::{url_parts, url_text, UrlPart, UrlPlaceholder, URL_PLACEHOLDERS};
pub use when::{Event, Not, Provider, When};

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A cigen pipeline: one portable description of jobs that `cigen generate` compiles into thin
/// GitHub Actions, GitLab CI and justfile outputs, and that `cigen run` executes.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "cigen spec",
    extend("$id" = "https://cigen.dev/schema/cigen.schema.json"),
    // `x-` keys hold YAML anchors for reuse (`x-env: &env {...}`); cigen ignores them.
    extend("patternProperties" = { "^x-": { "description": "Extension key, ignored by cigen: a place for YAML anchors to reuse elsewhere in the spec." } })
)]
pub struct Spec {
    /// Spec format version: `1`, the only one there is.
    #[schemars(extend("const" = 1))]
    pub version: u32,
    /// Pipeline display name (the GitHub workflow `name:`). Defaults to `CI`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Environment variables for every job. Job and step `env` override them.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub env: IndexMap<String, EnvValue>,
    /// A dotenv file read by `cigen run` when it exists (local runs); values sit below the spec's own `env`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub env_file: Option<RelPath>,
    /// Secrets every job may use: names, or `{name, local}` to say where a local run reads the value. Values come from GitHub secrets or GitLab CI/CD variables in CI, and from the environment, the env_file or `local` on a laptop; they are masked in every log.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub secrets: Vec<Secret>,
    /// Toolchains CI installs before `cigen run`; locally `cigen run` checks them against PATH.
    #[serde(default, skip_serializing_if = "Setup::is_empty")]
    pub setup: Setup,
    /// Events that start the pipeline in CI.
    #[serde(default)]
    pub triggers: Triggers,
    /// The jobs, by name. Names match `^[a-z_][a-z0-9_-]*$` so they are valid GitHub job ids, GitLab job keys and just recipes.
    pub jobs: IndexMap<String, Job>,
    /// Which outputs `cigen generate` writes, and their options. When omitted, all three are generated with defaults.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub targets: Option<Targets>,
}
