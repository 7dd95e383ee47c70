//! The names and numbers `cigen generate` and `cigen run` must agree on, in one place.
//!
//! Generated CI files only set a runner up and call `cigen run`; everything they pass to it
//! (matrix values, needs' outputs) and everything it leaves for them (JUnit report, dotenv
//! outputs, artifacts) is named here. `docs/contracts.md` describes the same interface in
//! words and points at this file; change both together.

use std::time::Duration;

/// `cigen run`'s exit code in CI when the only units that failed are allowed to
/// (`allow_failure`): GitLab's `allow_failure: exit_codes` names it, so it can tell an allowed
/// cell from the others of one `parallel: matrix` job. Locally such a run exits 0.
pub const ALLOWED_FAILURE_EXIT: i32 = 3;

/// The spec file name searched for in the working directory and its parents.
pub const SPEC_FILE_NAME: &str = "cigen.yaml";

/// cigen's own state directory, relative to the spec directory (ignored by itself).
pub const STATE_DIR: &str = ".cigen";

/// Where the JUnit report is written, relative to the spec directory.
pub const JUNIT_PATH: &str = ".cigen/junit.xml";

/// Where job outputs are written for GitLab's `artifacts: reports: dotenv:`, relative to the
/// spec directory.
pub const OUTPUTS_DOTENV_PATH: &str = ".cigen/outputs.env";

/// The file a step writes `key=value` output lines to (and job outputs are read from).
pub const OUTPUT_FILE_VAR: &str = "CIGEN_OUTPUT";

/// The job a step belongs to.
pub const JOB_VAR: &str = "CIGEN_JOB";

/// The file a step appends `KEY=value` lines (or `KEY<<DELIM` blocks) to, which later steps
/// of the same unit see as env (`$GITHUB_ENV`'s counterpart, applied by cigen everywhere).
pub const ENV_FILE_VAR: &str = "CIGEN_ENV";

/// The variable that names the cron of a scheduled run where the provider does not: GitLab
/// keeps schedules in its settings, so each pipeline schedule sets it to its cron line
/// (`when.schedule`; docs/contracts.md).
pub const SCHEDULE_VAR: &str = "CIGEN_SCHEDULE";

/// The `id:` of the generated GitHub step that runs cigen (job outputs are read from it).
pub const GITHUB_RUN_STEP_ID: &str = "run";

/// The env var a matrix key reaches steps as: `MATRIX_` + upper-cased key, other characters
/// than letters and digits → `_` (`node-version` → `MATRIX_NODE_VERSION`).
pub fn matrix_env_name(key: &str) -> String {
    format!("MATRIX_{}", env_word(key))
}

/// The env var the generated GitHub run step sets to `${{ toJSON(matrix) }}` and passes to
/// `cigen run --cell` (docs/contracts.md, Invocation).
pub const GITHUB_MATRIX_VAR: &str = "CIGEN_MATRIX";

/// The extra key of a GitHub matrix cell (`strategy.matrix.include`) holding the cell's runner
/// labels for `runs-on` (`runs-on.cells`); `cigen run --cell` ignores it, since it is no axis.
pub const GITHUB_RUNNER_KEY: &str = "cigen-runs-on";

/// The extra key of a GitHub matrix cell saying whether the cell may fail (`allow_failure`
/// with `matrix:`), read by the run step's `continue-on-error`; `cigen run --cell` ignores it.
pub const GITHUB_ALLOW_FAILURE_KEY: &str = "cigen-allow-failure";

/// The per-cell GitLab variable naming a cell's image where one tag pattern cannot
/// (`rust: [stable, nightly]`: `rust:latest`, `rustlang/rust:nightly`); the job's `image:`
/// is `$CIGEN_IMAGE`.
pub const GITLAB_IMAGE_VAR: &str = "CIGEN_IMAGE";

/// The GitHub step output in which `cigen run` lists the outputs it wrote (space-separated).
/// A hyphen keeps it apart from every user output (`^[a-z_][a-z0-9_]*$`).
pub const GITHUB_WRITTEN_OUTPUT: &str = "cigen-written";

/// The env var through which a dependent on GitHub learns which outputs `job` wrote: GitHub's
/// `env:` cannot leave a variable unset, so `cigen run` unsets the outputs not listed (an
/// empty list: the need was skipped, or wrote nothing), as they are locally and on GitLab.
pub fn written_env_name(job: &str) -> String {
    format!("CIGEN_WRITTEN_{}", env_word(job))
}

/// The env var through which dependents read `job`'s output `key`: `<JOB>_<KEY>`.
pub fn output_env_name(job: &str, key: &str) -> String {
    env_word(&format!("{job}_{key}"))
}

/// Upper case, with `_` for every character that is not an ASCII letter or digit.
fn env_word(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect()
}

/// The provider's time limit for a job, in minutes: cigen's own timeout plus a margin, so
/// cigen's fires first and reports properly; 60 when the job sets none.
pub fn provider_timeout_minutes(timeout: Option<Duration>) -> u64 {
    match timeout {
        Some(d) => d.as_secs().div_ceil(60) + 5,
        None => 60,
    }
}

/// The artifact name a job's files are handed over under: `cigen.<job>`; a matrix job's
/// cells add `.<index>`. Job names cannot contain `.`, so `cigen.<job>.*` matches exactly
/// that job's cells.
pub fn artifact_name(job: &str) -> String {
    format!("cigen.{job}")
}

/// The GitHub/Forgejo artifact that keeps a job's declared report files (`reports:`); its
/// prefix differs from [`artifact_name`]'s so dependents' `cigen.<job>*` patterns never
/// download it.
pub fn reports_artifact_name(job: &str) -> String {
    format!("cigen-reports.{job}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(matrix_env_name("node-version"), "MATRIX_NODE_VERSION");
        assert_eq!(output_env_name("build-app", "image"), "BUILD_APP_IMAGE");
        // One `_` per character, not per byte, for what is not an ASCII letter or digit.
        assert_eq!(output_env_name("bau-ä", "x"), "BAU___X");
        assert_eq!(provider_timeout_minutes(None), 60);
        assert_eq!(provider_timeout_minutes(Some(Duration::from_secs(90))), 7);
        assert_eq!(artifact_name("test"), "cigen.test");
    }
}
