//! GitLab CI at run time: `CI_*` variables and the dotenv report for outputs.

use super::github::is_zero_sha;
use super::{non_empty, BaseHint, Ci, Env, Handover, LogFormat};
use crate::spec::{Event, Provider};

pub(crate) struct Gitlab;

impl Ci for Gitlab {
    fn provider(&self) -> Provider {
        Provider::Gitlab
    }

    /// `GITLAB_CI=true`; or `GITLAB_CI` set to anything with `CI_PIPELINE_SOURCE`:
    /// gitlab-ci-local sets `GITLAB_CI=false` to mark itself but sets every other variable
    /// as GitLab does, so its runs are GitLab runs (events, dotenv outputs, log format).
    fn detected(&self, env: &Env) -> bool {
        match env.get("GITLAB_CI").map(String::as_str) {
            Some("true") => true,
            Some(_) => non_empty(env, "CI_PIPELINE_SOURCE").is_some(),
            None => false,
        }
    }

    fn event(&self, env: &Env) -> Option<Event> {
        if non_empty(env, "CI_COMMIT_TAG").is_some() {
            return Some(Event::Tag);
        }
        match env.get("CI_PIPELINE_SOURCE").map(String::as_str) {
            Some("push") => Some(Event::Push),
            Some("merge_request_event") | Some("external_pull_request_event") => {
                Some(Event::PullRequest)
            }
            Some("schedule") => Some(Event::Schedule),
            Some("web") | Some("api") | Some("trigger") | Some("pipeline") => Some(Event::Manual),
            _ => None,
        }
    }

    fn branch(&self, env: &Env) -> Option<String> {
        non_empty(env, "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME")
            .or_else(|| non_empty(env, "CI_COMMIT_BRANCH"))
    }

    fn base_branch(&self, env: &Env) -> Option<String> {
        non_empty(env, "CI_MERGE_REQUEST_TARGET_BRANCH_NAME")
    }

    /// Schedules live in GitLab's settings, not in the YAML, and a scheduled pipeline does
    /// not say which cron started it: each schedule sets `CIGEN_SCHEDULE` to its cron line.
    fn schedule(&self, env: &Env) -> Option<String> {
        non_empty(env, crate::contract::SCHEDULE_VAR)
    }

    /// The project path, `group/subgroup/name`.
    fn repository(&self, env: &Env) -> Option<String> {
        non_empty(env, "CI_PROJECT_PATH")
    }

    /// GitLab computes a merge request's merge-base itself; a push names the commit before.
    fn base(&self, env: &Env) -> Result<BaseHint, String> {
        if let Some(sha) = non_empty(env, "CI_MERGE_REQUEST_DIFF_BASE_SHA") {
            return Ok(BaseHint::Commit {
                rev: sha,
                what: "merge request base",
                noun: "merge request base",
            });
        }
        match non_empty(env, "CI_COMMIT_BEFORE_SHA") {
            Some(sha) if is_zero_sha(&sha) => {
                Err("new branch: the push has no previous commit to compare with".into())
            }
            Some(sha) => Ok(BaseHint::Commit {
                rev: sha,
                what: "previous push",
                noun: "previous push commit",
            }),
            None => Err(
                "GitLab gave no base commit (CI_MERGE_REQUEST_DIFF_BASE_SHA / CI_COMMIT_BEFORE_SHA)"
                    .into(),
            ),
        }
    }

    fn handover(&self, _env: &Env) -> Handover {
        Handover::GitlabDotenv
    }

    fn log_format(&self) -> LogFormat {
        LogFormat::Gitlab
    }
}
