//! The resolved pipeline: defaults applied, jobs in DAG order, matrices expanded.
//!
//! `generate` and `run` read only this model, so they can never disagree about needs,
//! matrix cells, conditions or env.

mod build;
mod runner_cells;
mod secret_uses;
mod when;

pub use crate::matrix::{Cell, Matrix};
pub use build::{build, build_located, StepLine};
pub use secret_uses::step_secrets;
pub use when::{cron_text, Patterns, When};

use std::path::PathBuf;
use std::time::Duration;

use indexmap::IndexMap;
use serde::Serialize;

use crate::spec::{self, Backoff, EnvValue, Environment, Permission, Port, Setup, Triggers};

/// Default shell: bash that stops at the first failing command, also inside pipes.
pub const DEFAULT_SHELL: &str = "bash -eo pipefail -c";

#[derive(Debug, Clone)]
pub struct Pipeline {
    pub name: String,
    /// File name of the spec as written in generated headers (`cigen.yaml`).
    pub spec_file: String,
    /// Directory holding the spec; paths in the spec are relative to it.
    pub root: PathBuf,
    pub env: IndexMap<String, EnvValue>,
    pub env_file: Option<String>,
    /// Spec-wide secret names.
    pub secrets: Vec<String>,
    /// Where a local run reads a secret's value, by name (only secrets that say).
    pub secret_sources: IndexMap<String, spec::LocalSource>,
    pub setup: Setup,
    pub triggers: Triggers,
    /// Jobs in topological order (needs first; spec order among independent jobs).
    pub jobs: IndexMap<String, Job>,
    pub targets: Targets,
}

// Its size counts: a big spec's pipeline holds thousands. Settings most jobs leave out are
// boxed or shared (`when`, `runs_on`, `reports`, `setup`, `shell`).
#[derive(Debug, Clone)]
pub struct Job {
    pub name: String,
    pub description: Option<String>,
    /// The description's first non-blank line, trimmed: what `cigen list`, the CI job's
    /// display name and the just recipe's doc comment show.
    pub summary: Option<String>,
    pub needs: Vec<String>,
    pub steps: Vec<Step>,
    /// The toolchains of this job: its own `setup:`, else the spec-wide one (shared, not
    /// copied into each of a big spec's jobs).
    pub setup: std::sync::Arc<Setup>,
    pub env: IndexMap<String, EnvValue>,
    pub matrix: Option<Box<Matrix>>,
    /// Jobs without conditions share one empty `When` (a big spec has thousands of them).
    pub when: std::sync::Arc<When>,
    pub timeout: Option<Duration>,
    pub services: IndexMap<String, Service>,
    /// Files or globs handed to dependents (`!` excludes), relative to the spec.
    pub artifacts: Vec<String>,
    /// What CI caches between runs (`None`: nothing); never used locally.
    pub cache: Option<Box<spec::Cache>>,
    /// Report files the steps write (empty: none, shared by the jobs that write none).
    pub reports: std::sync::Arc<spec::Reports>,
    /// The regex that finds the coverage figure in the job's output (checked by `check`).
    pub coverage: Option<String>,
    pub outputs: Vec<String>,
    pub permissions: IndexMap<String, Permission>,
    pub environment: Option<Box<Environment>>,
    /// Every secret the job may read: the spec-wide ones, then the job's own.
    pub secrets: Vec<String>,
    /// Shell words; the step text is appended as the last argument. Jobs with the same shell
    /// share one list.
    pub shell: std::sync::Arc<[String]>,
    pub working_directory: Option<String>,
    /// Jobs that leave `runs-on` out share one empty one.
    pub runs_on: std::sync::Arc<spec::RunsOn>,
    /// Whether a failure of one of the job's units stops the run (cancels running units,
    /// starts nothing new); `false` lets everything else go on (`fail_fast: false`).
    pub fail_fast: bool,
    /// CI checks out all history for this job (`full_history: true`).
    pub full_history: bool,
    /// The job's concurrency group: units of jobs sharing one never overlap.
    pub concurrency: Option<String>,
    /// Which of its cells may fail without failing the run (`allow_failure`).
    pub allow_failure: AllowFailure,
    /// How its needs must have ended for it to run (`when.needs`).
    pub after: spec::NeedsResult,
    /// Runs only when asked for (`manual: true`).
    pub manual: bool,
}

/// The cells of a job whose failure is allowed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum AllowFailure {
    #[default]
    None,
    All,
    /// The cells with one of the listed values for every key.
    Cells(Box<IndexMap<String, Vec<String>>>),
}

impl AllowFailure {
    /// Whether a failure of `cell` is allowed.
    pub fn allows(&self, cell: &Cell) -> bool {
        match self {
            AllowFailure::None => false,
            AllowFailure::All => true,
            AllowFailure::Cells(wanted) => wanted
                .iter()
                .all(|(k, vs)| cell.values.get(k).is_some_and(|v| vs.contains(v))),
        }
    }
}

impl Job {
    /// Whether the job depends on changed files (CI needs full history for it).
    /// Whether CI must check out every commit: the spec asks (`full_history`), or change
    /// detection compares with a base commit.
    pub fn needs_history(&self) -> bool {
        self.full_history || self.uses_changes()
    }

    pub fn uses_changes(&self) -> bool {
        self.when.changed.is_some()
            || self
                .steps
                .iter()
                .any(|s| s.when.as_ref().is_some_and(|w| w.changed.is_some()))
    }

    /// The display title: the description's summary line, else the job's name.
    pub fn title(&self) -> &str {
        self.summary.as_deref().unwrap_or(&self.name)
    }

    /// The matrix keys a cell may carry: axes, then include-only keys (none without matrix).
    pub fn matrix_keys(&self) -> Vec<String> {
        self.matrix
            .as_ref()
            .map(|m| m.keys().map(str::to_string).collect())
            .unwrap_or_default()
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

#[derive(Debug, Clone)]
pub struct Step {
    pub name: String,
    /// The 1-based line of the step in the spec (for annotations), when known.
    pub line: Option<usize>,
    pub run: String,
    pub env: IndexMap<String, EnvValue>,
    pub timeout: Option<Duration>,
    pub retry: Option<RetryPolicy>,
    pub when: Option<Box<When>>,
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
    Forgejo,
}

/// A service container the job talks to on localhost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    pub image: String,
    pub ports: Vec<Port>,
    pub env: IndexMap<String, String>,
    /// The container's health-check command.
    pub health: Option<String>,
    /// How long to wait for the service to become healthy (default 60s).
    pub health_timeout: Duration,
}

/// Output targets with defaults applied. `None` = not generated.
#[derive(Debug, Clone, Serialize)]
pub struct Targets {
    pub github: Option<WorkflowOutput>,
    pub forgejo: Option<WorkflowOutput>,
    pub gitlab: Option<GitlabOutput>,
    pub just: Option<JustOutput>,
}

/// Which forge reads a GitHub-style workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum WorkflowDialect {
    Github,
    /// Forgejo and Gitea Actions: OIDC is a workflow-level switch, actions come from the
    /// instance's `DEFAULT_ACTIONS_URL` unless given as full URLs.
    Forgejo,
}

/// A GitHub-style workflow target (`targets.github`, `targets.forgejo`).
#[derive(Debug, Clone, Serialize)]
pub struct WorkflowOutput {
    pub dialect: WorkflowDialect,
    pub path: String,
    /// Forgejo: base URL written before pinned actions (`https://github.com`); `None`: short
    /// `owner/repo@sha` references.
    pub actions_url: Option<String>,
    pub runs_on: Vec<String>,
    pub setup: IndexMap<String, Vec<spec::ActionStep>>,
    /// Remote steps after `cigen run`, per job.
    pub post: IndexMap<String, Vec<spec::PostStep>>,
    pub action: Option<String>,
    /// The cigen release CI installs; `None`: the one the default action pin can verify
    /// (the generator's choice, `pins::default_cigen_version`).
    pub cigen_version: Option<String>,
    pub cigen_build: Option<spec::CigenBuild>,
    pub template: Option<String>,
    /// The action pins in effect: the repository's lock (`crate::pins::lock`) over cigen's
    /// table.
    #[serde(skip)]
    pub pins: crate::pins::Table,
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
    /// `after_script` commands per job, with their conditions.
    pub after_script: IndexMap<String, Vec<spec::AfterScript>>,
    pub template: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct JustOutput {
    /// `None`: `justfile`, or `ci.just` when a hand-written justfile exists (decided when writing).
    pub path: Option<String>,
    pub template: Option<String>,
}
