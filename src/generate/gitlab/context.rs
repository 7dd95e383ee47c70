//! The typed context of the GitLab CI template.
//!
//! Load-bearing for `templates/gitlab.yml.j2`: every field here is read by the template (and
//! by users' own copies of it), so renaming one is a breaking change for custom templates.
//! Strings are printed escaped by the template engine; values GitLab expands `$` in
//! (variables, matrix values) are printed with the `var` filter.

use serde::Serialize;

/// The whole pipeline file.
#[derive(Debug, Serialize)]
pub(crate) struct Pipeline {
    pub(crate) name: String,
    pub(crate) rules: Vec<Rule>,
    /// Cron lines, shown as a comment: GitLab schedules live in the project settings.
    pub(crate) schedules: Vec<String>,
    /// Set when some `when.schedule` must know which schedule runs: each GitLab schedule
    /// then sets `CIGEN_SCHEDULE` to its cron line (the comment says so).
    pub(crate) schedule_var: Option<&'static str>,
    pub(crate) stages: Vec<String>,
    pub(crate) jobs: Vec<Job>,
    /// Where `cigen run` writes its JUnit report (`contract::JUNIT_PATH`).
    pub(crate) junit_path: &'static str,
    /// Where `cigen run` writes job outputs for a dotenv report (`contract::OUTPUTS_DOTENV_PATH`).
    pub(crate) dotenv_path: &'static str,
}

/// A `workflow: rules` entry: a CI/CD expression and whether it stops the pipeline.
#[derive(Debug, Serialize)]
pub(crate) struct Rule {
    pub(crate) condition: String,
    pub(crate) never: bool,
}

/// `KEY: value`.
#[derive(Debug, Serialize)]
pub(crate) struct Variable {
    pub(crate) key: String,
    pub(crate) value: String,
}

/// A service container, reachable from the job at `alias`.
#[derive(Debug, Serialize)]
pub(crate) struct Service {
    pub(crate) image: String,
    pub(crate) alias: String,
    pub(crate) variables: Vec<Variable>,
}

/// A deployment environment.
#[derive(Debug, Serialize)]
pub(crate) struct Environment {
    pub(crate) name: String,
    /// The spec's URL with `{ref}` as `$CI_COMMIT_REF_NAME` (no other `$`: rule
    /// `environment-url`).
    pub(crate) url: Option<String>,
}

/// One job (one spec job; `parallel: matrix` fans out its cells).
#[derive(Debug, Serialize)]
pub(crate) struct Job {
    pub(crate) id: String,
    pub(crate) stage: String,
    pub(crate) image: Option<String>,
    pub(crate) tags: Vec<String>,
    pub(crate) needs: Vec<String>,
    /// One entry per cell, each `MATRIX_<KEY>: value` with scalar values.
    pub(crate) cells: Vec<Vec<Variable>>,
    pub(crate) services: Vec<Service>,
    pub(crate) variables: Vec<Variable>,
    /// GitLab duration text, e.g. `20 minutes`.
    pub(crate) timeout: String,
    pub(crate) environment: Option<Environment>,
    /// `resource_group`: the job's concurrency group.
    pub(crate) resource_group: Option<String>,
    /// Job-level `when:` (`always`, `on_failure`, `manual`); `None`: GitLab's `on_success`.
    pub(crate) when: Option<&'static str>,
    /// The exit code of an allowed failure (`allow_failure: exit_codes`), when any cell may fail.
    pub(crate) allow_exit_code: Option<i32>,
    /// Whether a newer pipeline may cancel the job: yes, except deployments (jobs with an
    /// environment), which must not stop half-way.
    pub(crate) interruptible: bool,
    /// `cache:` from the job's `cache` paths, if any.
    pub(crate) cache: Option<Cache>,
    pub(crate) before_script: Vec<String>,
    pub(crate) script: Vec<String>,
    /// `after_script` commands (the spec's, each guarded by its condition); empty: none.
    pub(crate) after_script: Vec<String>,
    pub(crate) artifact_paths: Vec<String>,
    /// Whether the job publishes outputs through a dotenv report.
    pub(crate) dotenv: bool,
    /// The job's own JUnit files (`reports.junit`), listed after cigen's.
    pub(crate) junit: Vec<String>,
    /// `reports.coverage`: GitLab's `coverage_report`.
    pub(crate) coverage_report: Option<CoverageReport>,
    /// The `coverage:` regex in GitLab's `/.../` form.
    pub(crate) coverage: Option<String>,
}

/// A job's cache: GitLab hashes `files` into the key, after `prefix`.
#[derive(Debug, Serialize)]
pub(crate) struct Cache {
    pub(crate) files: Vec<String>,
    /// The cache's name; with `$CI_JOB_NAME_SLUG` for a matrix job (one cache per cell).
    pub(crate) prefix: String,
    pub(crate) paths: Vec<String>,
}

/// A coverage report GitLab reads: `coverage_report: { coverage_format, path }`.
#[derive(Debug, Serialize)]
pub(crate) struct CoverageReport {
    pub(crate) format: &'static str,
    pub(crate) path: String,
}
