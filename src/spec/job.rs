//! A job: a named list of steps with needs, conditions, matrix and CI-side settings.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{
    ArtifactPath, CellRunner, Duration, EnvValue, Matrix, OneOrMany, RelPath, RetrySpec, Secret,
    Service, Setup, StepSpec, When,
};

/// One job. Locally `cigen run` executes its steps; in CI it becomes one runner job (one per matrix cell).
// Settings most jobs leave out are boxed (as `matrix`, `when` and `runs_on` are): a spec of
// thousands of jobs holds each job's struct, so its size counts; `None` costs a pointer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Job {
    /// One line shown by `cigen list`, as the just recipe comment and as the CI job's display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Jobs that must succeed before this one starts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub needs: Vec<String>,
    /// Commands run in order; a string is shorthand for `{run: ...}`. May be empty for a job whose work is only remote steps (`targets.<target>.setup`/`post`, GitLab `before_script`/`after_script`).
    #[serde(default)]
    pub steps: Vec<StepSpec>,
    /// This job's toolchains, instead of the spec-wide `setup:` (the job gets exactly these: `setup: { rust: nightly, rust_components: [miri] }` for a nightly job, `setup: {}` for none). CI installs them; locally `cigen run` selects and checks them for this job.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub setup: Option<Box<Setup>>,
    /// Environment variables for this job (override the spec's `env`).
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub env: IndexMap<String, EnvValue>,
    /// Run the job once per combination of values. Each combination is one CI runner; locally all run (or pick with `--matrix KEY=VALUE`). Values reach steps as env `MATRIX_<KEY>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matrix: Option<Box<Matrix>>,
    /// Conditions under which the job runs; otherwise it is skipped (and exits 0 in CI).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<Box<When>>,
    /// Time limit for the whole job, e.g. `15m` or `1h30m`: when it passes, cigen stops the running step and the job fails. CI gets a limit 5 minutes longer, so cigen's own fires first and reports it. Zero is refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("not" = {"type": "string", "pattern": "^(0+(ms|h|m|s))+$"}))]
    pub timeout: Option<Duration>,
    /// How often each step of this job is retried when it fails: `retry: 3` (attempts in total), or `{attempts, backoff, delay, max_delay}`. A step's own `retry` wins.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry: Option<Box<RetrySpec>>,
    /// Service containers (databases, caches) the job talks to on localhost.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub services: IndexMap<String, Service>,
    /// Files or globs kept after the job and handed to dependent jobs in CI.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub artifacts: Vec<ArtifactPath>,
    /// Report files the steps write: `junit: [report.xml]` and `coverage: { format: cobertura, path: coverage.xml }`. GitLab reads them (`artifacts: reports:`, beside cigen's own JUnit report); GitHub and Forgejo keep them as the `cigen-reports.<job>` artifact; `cigen run` lists them after the job and warns about one that is missing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reports: Option<Box<super::Reports>>,
    /// A regex that finds the job's coverage figure in its output, e.g. `TOTAL.*\s+(\d+%)$`: the first number in the last match (in its one capture group, if it has one) on the last line that has one, as GitLab reads it. `cigen run` shows it in its summary, JSON and JUnit on every runner; GitLab also gets job `coverage:`. The dialect both read: no `x`/`u`/`R` flags, class set operations, Unicode classes or second capture group; `\d`, `\w`, `\s` are ASCII.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coverage: Option<String>,
    /// What CI caches between runs of this job (dependencies, tool caches): paths plus the files whose hash makes the key, and the setup actions' own caches. Locally nothing: a laptop keeps its directories.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache: Option<Box<super::Cache>>,
    /// Output names: steps write `key=value` lines to `$CIGEN_OUTPUT`; dependents see `<JOB>_<KEY>` in their env.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub outputs: Vec<String>,
    /// GitHub token permissions for this job (least privilege; the workflow default is none).
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub permissions: IndexMap<String, Permission>,
    /// Deployment environment (GitHub environment / GitLab environment).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment: Option<Box<Environment>>,
    /// Secrets this job needs in addition to the spec-wide `secrets` (names, or `{name, local}`). A job sees only the secrets it declares and the spec-wide ones.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub secrets: Vec<Secret>,
    /// Shell command that runs each step; the step text is appended as the last argument. Default `bash -eo pipefail -c`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shell: Option<String>,
    /// Directory, relative to the spec, that steps run in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub working_directory: Option<RelPath>,
    /// Runner selection per CI target, overriding the target defaults.
    #[serde(default, rename = "runs-on", skip_serializing_if = "Option::is_none")]
    pub runs_on: Option<Box<RunsOn>>,
    /// `false`: a failing cell (or the job itself) stops nothing else. The job's other matrix cells and independent jobs go on, as `--keep-going` does for a whole run; dependents of the job are still skipped. GitHub `strategy.fail-fast: false`; GitLab lets cells finish either way. Default `true`: the first failure cancels the rest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fail_fast: Option<bool>,
    /// A lock for deploy-like jobs: jobs naming the same group never run at the same time. GitHub job `concurrency` (a run waits for the one in progress; of several waiting, only the newest is kept), GitLab `resource_group`; locally units of jobs sharing a group run one at a time. Letters, digits, `_`, `-`, `.` and `/`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub concurrency: Option<String>,
    /// `true`: CI checks out every commit and tag for this job (GitHub `fetch-depth: 0`, GitLab `GIT_DEPTH: 0`), for tools that read history, such as version numbers from tags (setuptools-scm) or a comparison with a base branch (cargo-semver-checks). Locally the repository is used as it is. Jobs with `changed:` conditions get full history anyway. Default `false`: one commit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_history: Option<bool>,
    /// Failures that do not fail the pipeline: `true`, or `{ matrix: { experimental: true } }` for some cells. Such a failure is reported as `failed-allowed`, the run still succeeds and dependents run. GitHub and Forgejo: `continue-on-error` on the step that runs cigen; GitLab `allow_failure: exit_codes` (cigen exits with its allowed-failure code).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_failure: Option<Box<super::AllowFailure>>,
    /// `true`: the job runs only when asked for. Locally `cigen run` without job names skips it (name it, or a job that needs it, to run it); GitHub and Forgejo run it only for a manual run (`workflow_dispatch`, so `triggers.manual: true`); GitLab makes it a manual job (`when: manual`, to be started by hand). Its dependents wait for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manual: Option<bool>,
}

/// A GitHub token permission level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Permission {
    /// Read access.
    Read,
    /// Read and write access.
    Write,
    /// No access.
    None,
}

/// A deployment environment: a name, or a name with a URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Environment {
    /// Environment name.
    Name(String),
    /// Environment name and URL.
    Full {
        /// Environment name.
        name: String,
        /// URL shown for the deployment. Placeholders: `{ref}` the branch or tag being built (the source branch of a pull request: GitHub `github.head_ref || github.ref_name`, GitLab `$CI_COMMIT_REF_NAME`), `{repository}` the repository's `owner/name` (GitHub `github.repository`, GitLab `$CI_PROJECT_PATH`), `{project}` its name alone (GitHub `github.event.repository.name`, GitLab `$CI_PROJECT_NAME`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        url: Option<String>,
    },
}

impl Environment {
    pub fn name(&self) -> &str {
        match self {
            Environment::Name(n) => n,
            Environment::Full { name, .. } => name,
        }
    }

    pub fn url(&self) -> Option<&str> {
        match self {
            Environment::Name(_) => None,
            Environment::Full { url, .. } => url.as_deref(),
        }
    }

    /// The URL cut at its placeholders (`{ref}`, `{repository}`, `{project}`).
    pub fn url_parts(&self) -> Option<Vec<super::UrlPart<'_>>> {
        self.url().map(super::url_parts)
    }
}

/// Where the job runs in each CI target. With `matrix` and `cells`, each cell runs where its value of that axis says (`matrix: os`, `cells: { linux: {github: ubuntu-24.04}, windows: {github: windows-2022} }`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RunsOn {
    /// GitHub `runs-on` label(s), e.g. `ubuntu-24.04-arm`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub github: Option<OneOrMany<String>>,
    /// GitLab runner tags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gitlab: Option<OneOrMany<String>>,
    /// GitLab job image (overrides `targets.gitlab.image`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// The matrix axis whose value picks each cell's runner from `cells`, e.g. `os`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matrix: Option<String>,
    /// Per value of the `matrix` axis: the OS of those cells, their GitHub labels and GitLab tags.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub cells: IndexMap<String, CellRunner>,
}
