//! The one table of differences the suite accepts, each with its reason ([`BY_DESIGN`]), and
//! the differences still to fix ([`TO_FIX`], naming the item of issue 8 that removes them).
//! A row matches a difference by pipeline, scenario (`*` for any), unit labels (none listed:
//! any), runner and field; a row that explains nothing, or names a unit that no longer
//! differs, fails the suite, so neither list goes stale.

use super::runners::Runner::{self, Act, Forgejo, Gitlab, Just};

/// What differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// ran / skipped / failed / cancelled (cigen's words). A status row also explains the
    /// marker lines of the same unit: one that did not run printed none.
    Status,
    /// The `PMARK` lines the unit's steps printed (including outputs they read).
    Markers,
}

/// One accepted difference between a runner and the local `cigen run`.
#[derive(Debug)]
pub struct Row {
    pub pipeline: &'static str,
    pub scenario: &'static str,
    pub units: &'static [&'static str],
    pub runners: &'static [Runner],
    pub field: Field,
    pub why: &'static str,
}

const CI: &[Runner] = &[Act, Forgejo, Gitlab];

const FAIL_FAST: &str = "fail-fast is a choice of the local run: after the first failure \
    it starts nothing new; CI providers start every job whose needs succeeded (GitHub's \
    `fail-fast` cancels only sibling cells still queued or running, which act does not emulate)";

const MANUAL_UNDER_JUST: &str = "the justfile has no recipe for all jobs, so the suite names \
    every job to `just`, and a manual job that is named runs (`cigen run deploy`), as it \
    should; `cigen run` without names skips it, and so does every provider for an event that \
    is no manual run (GitLab waits for its play button, GitHub runs it only for \
    `workflow_dispatch`)";

/// Differences by design.
pub const BY_DESIGN: &[Row] = &[
    Row {
        pipeline: "results",
        scenario: "pull_request --keep-going",
        units: &["deploy"],
        runners: &[Just],
        field: Field::Status,
        why: MANUAL_UNDER_JUST,
    },
    Row {
        pipeline: "imported-gitlab-service",
        scenario: "tag --keep-going",
        units: &["deploy-production"],
        runners: &[Just],
        field: Field::Status,
        why: MANUAL_UNDER_JUST,
    },
    Row {
        pipeline: "imported-rust-crate",
        scenario: "pull_request --keep-going",
        units: &["semver"],
        runners: &[Act, Forgejo],
        field: Field::Markers,
        why: "`cigen import` writes `${{ github.base_ref }}` as `$GITHUB_BASE_REF`, which only \
              GitHub and Forgejo set (its report says so, as a `github-context` note): locally \
              and on GitLab the variable is empty",
    },
    Row {
        pipeline: "imported-gitlab-service",
        scenario: "*",
        units: &["build-image", "deploy-staging", "review"],
        runners: &[Gitlab],
        field: Field::Markers,
        why: "the imported steps read GitLab's own variables (`$CI_COMMIT_SHA`, \
              `$CI_COMMIT_SHORT_SHA`, `$CI_REGISTRY*`, `$CI_COMMIT_REF_NAME`), \
              which only GitLab sets (the import's report says so, as `gitlab-context` notes): \
              locally and on GitHub and Forgejo they are empty",
    },
    Row {
        pipeline: "imported-gitlab-service",
        scenario: "tag --keep-going",
        units: &["deploy-production"],
        runners: &[Just],
        field: Field::Status,
        why: "a manual job runs only when asked for, and naming it asks (contracts: manual \
              jobs): the justfile has one recipe per job, so the suite runs the whole \
              pipeline under just by naming every job, the manual one included; `cigen run` \
              without names, GitHub outside a manual run and GitLab without a click skip it",
    },
    Row {
        pipeline: "chain",
        scenario: "push",
        units: &["docs", "after-optional"],
        runners: CI,
        field: Field::Status,
        why: FAIL_FAST,
    },
    Row {
        pipeline: "matrix-fails",
        scenario: "push",
        units: &["cells (3)", "later"],
        runners: CI,
        field: Field::Status,
        why: FAIL_FAST,
    },
    Row {
        pipeline: "where",
        scenario: "*",
        units: &["show"],
        runners: CI,
        field: Field::Markers,
        why: "`{local, ci}` env values differ between a laptop and CI by definition",
    },
    Row {
        pipeline: "where",
        scenario: "*",
        units: &["ci-only", "local-only"],
        runners: CI,
        field: Field::Status,
        why: "`when.ci` runs a job only in CI (true) or only locally (false)",
    },
    Row {
        pipeline: "where",
        scenario: "*",
        units: &["github-only"],
        runners: &[Act],
        field: Field::Status,
        why: "`when.provider: github` runs a job only on GitHub",
    },
    Row {
        pipeline: "remote-steps",
        scenario: "*",
        units: &["test", "broken"],
        runners: CI,
        field: Field::Markers,
        why: "post steps (`targets.<ci>.post`, GitLab `after_script`) are CI-only by design: \
              they hand results to the provider, and only a CI runner prints what they do \
              (each after `cigen run`, by its condition: the success one after `test`, the \
              failure one after `broken`)",
    },
];

/// Differences that issue 8 removes; each fix empties its rows.
pub const TO_FIX: &[Row] = &[];
