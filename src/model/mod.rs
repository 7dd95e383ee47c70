//! The resolved pipeline: defaults applied, jobs in DAG order, matrices expanded.
//!
//! `generate` and `run` read only this model, so they can never disagree about needs,
//! matrix cells, conditions or env.

mod build;

pub use crate::matrix::{Cell, Matrix};
pub use build::build;

use std::path::PathBuf;
use std::time::Duration;

use indexmap::IndexMap;
use serde::Serialize;

use crate::spec::{
    self, Backoff, EnvValue, Environment, Permission, Service, Setup, Triggers, When,
};

/// Default shell: bash that stops at the first failing command, also inside pipes.
pub const DEFAULT_SHELL: &str = "bash -eo pipefail -c";

#[derive(Debug, Clone, Serialize)]
pub struct Pipeline {
    pub name: String,
    /// File name of the spec as written in generated headers (`cigen.yaml`).
    pub spec_file: String,
    /// Directory holding the spec; paths in the spec are relative to it.
    #[serde(skip)]
    pub root: PathBuf,
    pub env: IndexMap<String, EnvValue>,
    pub env_file: Option<String>,
    pub secrets: Vec<String>,
    pub setup: Setup,
    pub triggers: Triggers,
    /// Jobs in topological order (needs first; spec order among independent jobs).
    pub jobs: IndexMap<String, Job>,
    pub targets: Targets,
}

#[derive(Debug, Clone, Serialize)]
pub struct Job {
    pub name: String,
    pub description: Option<String>,
    pub needs: Vec<String>,
    pub steps: Vec<Step>,
    pub env: IndexMap<String, EnvValue>,
    pub matrix: Option<Matrix>,
    pub when: When,
    pub timeout: Option<Duration>,
    pub services: IndexMap<String, Service>,
    pub artifacts: Vec<String>,
    pub outputs: Vec<String>,
    pub permissions: IndexMap<String, Permission>,
    pub environment: Option<Environment>,
    /// Every secret the job may read: the spec-wide ones, then the job's own.
    pub secrets: Vec<String>,
    /// Shell words; the step text is appended as the last argument.
    pub shell: Vec<String>,
    pub working_directory: Option<String>,
    pub runs_on: spec::RunsOn,
}

impl Job {
    /// Whether the job depends on changed files (CI needs full history for it).
    pub fn uses_changes(&self) -> bool {
        !self.when.changed.is_empty()
            || self
                .steps
                .iter()
                .any(|s| s.when.as_ref().is_some_and(|w| !w.changed.is_empty()))
    }

    /// The cells to run: the matrix cells, or one empty cell for a job without matrix.
    pub fn cells(&self) -> Vec<Cell> {
        match &self.matrix {
            Some(m) => m.cells.clone(),
            None => vec![Cell {
                id: String::new(),
                values: IndexMap::new(),
            }],
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Step {
    pub name: String,
    pub run: String,
    pub env: IndexMap<String, EnvValue>,
    pub timeout: Option<Duration>,
    pub retry: Option<RetryPolicy>,
    pub when: Option<When>,
    pub working_directory: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RetryPolicy {
    /// Total attempts including the first.
    pub attempts: u32,
    pub backoff: Backoff,
    pub delay: Duration,
    pub max_delay: Duration,
}

/// The kinds of output `cigen generate` writes, in the order it writes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TargetKind {
    Github,
    Gitlab,
    Just,
}

/// Output targets with defaults applied. `None` = not generated.
#[derive(Debug, Clone, Serialize)]
pub struct Targets {
    pub github: Option<GithubOutput>,
    pub gitlab: Option<GitlabOutput>,
    pub just: Option<JustOutput>,
}

#[derive(Debug, Clone, Serialize)]
pub struct GithubOutput {
    pub path: String,
    pub runs_on: Vec<String>,
    pub setup: IndexMap<String, Vec<spec::ActionStep>>,
    pub action: Option<String>,
    /// The cigen release CI installs; `None`: the one the default action pin can verify
    /// (the generator's choice, `pins::default_cigen_version`).
    pub cigen_version: Option<String>,
    pub cigen_build: Option<spec::CigenBuild>,
    pub template: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct GitlabOutput {
    pub path: String,
    pub image: Option<String>,
    pub tags: Vec<String>,
    pub install: spec::GitlabInstall,
    /// The cigen release CI installs; `None`: the one the default action pin can verify
    /// (the generator's choice, `pins::default_cigen_version`).
    pub cigen_version: Option<String>,
    pub cigen_build: Option<spec::CigenBuild>,
    pub before_script: IndexMap<String, Vec<String>>,
    pub template: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct JustOutput {
    /// `None`: `justfile`, or `ci.just` when a hand-written justfile exists (decided when writing).
    pub path: Option<String>,
    pub template: Option<String>,
}
