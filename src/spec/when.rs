//! Typed run conditions: changed files, branch, event, CI vs local, provider, matrix cell,
//! which schedule, a pull request's target branch, the repository.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Glob, OneOrMany, Scalar};

/// Conditions; all given ones must hold for the job or step to run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct When {
    /// Run only when a changed file matches one of these globs (`src/**`). Prefix `!` to exclude.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changed: Vec<Glob>,
    /// Run only on these branches (globs). Prefix `!` to exclude (`["**", "!main"]`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branch: Option<OneOrMany<Glob>>,
    /// Run only for these events: `push` (to a branch), `pull_request`, `tag`, `schedule`, `manual` (a run on a laptop counts as `manual`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<OneOrMany<Event>>,
    /// `true`: only in CI; `false`: only locally.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ci: Option<bool>,
    /// Run only on these providers (`local` is a laptop).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<OneOrMany<Provider>>,
    /// Run only for matrix cells with these values: `{ os: linux }`, or a list of values any of which matches (`{ python: ["3.12", "3.13"] }`). Every key given must match; a cell without the key does not.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub matrix: IndexMap<String, OneOrMany<Scalar>>,
    /// Scheduled runs of only these crons of `triggers.schedule` (`"0 3 * * *"`): a scheduled run of another cron skips the job. Runs of other events are not filtered (add `event: schedule` for scheduled runs only). GitLab keeps schedules in its settings: a schedule names its cron in the variable `CIGEN_SCHEDULE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule: Option<OneOrMany<String>>,
    /// Pull requests into only these target branches (globs, `!` excludes): a pull request into another branch skips the job. Runs of other events are not filtered (add `event: pull_request` for pull requests only). GitHub `github.base_ref`, GitLab `$CI_MERGE_REQUEST_TARGET_BRANCH_NAME`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<OneOrMany<Glob>>,
    /// Run only in these repositories (`owner/name` globs, compared without case as GitHub and GitLab compare names; on GitLab the project path `group/subgroup/name`): a fork guard. GitHub `github.repository`, GitLab `$CI_PROJECT_PATH`, locally the `origin` remote (or `cigen run --repository`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repository: Option<OneOrMany<Glob>>,
    /// Run only when none of these conditions holds: `not: { event: tag }` skips tag runs, `not: { branch: main, event: schedule }` skips both the main branch and scheduled runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not: Option<Not>,
    /// Jobs only: how the job's needs must have ended for it to run. `success` (default), `always` (once they ended, whatever their result, unless the run was cancelled: a report or clean-up job) or `failure` (only when one failed: a notification or rollback).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub needs: Option<super::NeedsResult>,
}

/// Conditions that skip the job or step when any of them holds (`when.not`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Not {
    /// Skip on these branches (globs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branch: Option<OneOrMany<Glob>>,
    /// Skip for these events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<OneOrMany<Event>>,
    /// Skip on these providers (`local` is a laptop).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<OneOrMany<Provider>>,
    /// Skip matrix cells with these values (every key given must match for a cell to be skipped).
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub matrix: IndexMap<String, OneOrMany<Scalar>>,
    /// Skip scheduled runs of these crons of `triggers.schedule` ("not on the nightly cron"); runs of other events are not skipped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule: Option<OneOrMany<String>>,
    /// Skip pull requests into these target branches (globs); runs of other events are not skipped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<OneOrMany<Glob>>,
    /// Skip in these repositories (`owner/name` globs, compared without case): a fork-only job says `not: { repository: owner/name }`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repository: Option<OneOrMany<Glob>>,
}

/// A pipeline event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    /// A push to a branch (not a tag).
    Push,
    /// A pull request (GitHub) or merge request (GitLab).
    PullRequest,
    /// A pushed tag.
    Tag,
    /// A scheduled (cron) pipeline.
    Schedule,
    /// A pipeline started by hand (workflow_dispatch, GitLab web/API).
    Manual,
}

/// Where cigen runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    /// GitHub Actions.
    Github,
    /// GitLab CI.
    Gitlab,
    /// Forgejo (or Gitea) Actions.
    Forgejo,
    /// A developer machine (no CI detected).
    Local,
}
