//! GitHub Actions at run time: `GITHUB_*` variables, the event payload, `$GITHUB_OUTPUT`.

use super::{non_empty, BaseHint, Ci, Env, Handover, LogFormat};
use crate::spec::{Event, Provider};

pub(crate) struct Github;

fn is_tag(env: &Env) -> bool {
    env.get("GITHUB_REF_TYPE").is_some_and(|v| v == "tag")
}

/// A push of a new branch has no previous commit: GitHub writes forty zeros.
pub(super) fn is_zero_sha(s: &str) -> bool {
    s.chars().all(|c| c == '0')
}

impl Ci for Github {
    fn provider(&self) -> Provider {
        Provider::Github
    }

    fn detected(&self, env: &Env) -> bool {
        env.get("GITHUB_ACTIONS").is_some_and(|v| v == "true")
    }

    fn event(&self, env: &Env) -> Option<Event> {
        if is_tag(env) {
            return Some(Event::Tag);
        }
        match env.get("GITHUB_EVENT_NAME").map(String::as_str) {
            Some("push") => Some(Event::Push),
            Some("pull_request") | Some("pull_request_target") | Some("merge_group") => {
                Some(Event::PullRequest)
            }
            Some("schedule") => Some(Event::Schedule),
            Some("workflow_dispatch") | Some("repository_dispatch") => Some(Event::Manual),
            _ => None,
        }
    }

    fn branch(&self, env: &Env) -> Option<String> {
        if is_tag(env) {
            return None;
        }
        non_empty(env, "GITHUB_HEAD_REF").or_else(|| non_empty(env, "GITHUB_REF_NAME"))
    }

    fn base_branch(&self, env: &Env) -> Option<String> {
        non_empty(env, "GITHUB_BASE_REF")
    }

    /// The payload of a scheduled run is `{"schedule": "<the workflow's cron line>"}`.
    fn schedule(&self, env: &Env) -> Option<String> {
        let text = std::fs::read_to_string(non_empty(env, "GITHUB_EVENT_PATH")?).ok()?;
        let payload: serde_json::Value = serde_json::from_str(&text).ok()?;
        payload.get("schedule")?.as_str().map(str::to_string)
    }

    fn repository(&self, env: &Env) -> Option<String> {
        non_empty(env, "GITHUB_REPOSITORY")
    }

    /// The event payload names the pull request's base, or the commit before a push.
    fn base(&self, env: &Env) -> Result<BaseHint, String> {
        let path = non_empty(env, "GITHUB_EVENT_PATH")
            .ok_or("GITHUB_EVENT_PATH is not set, so the event's base commit is unknown")?;
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read the GitHub event payload {path}: {e}"))?;
        let payload: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| format!("the GitHub event payload is not JSON: {e}"))?;
        if let Some(sha) = payload
            .pointer("/pull_request/base/sha")
            .and_then(|v| v.as_str())
        {
            return Ok(BaseHint::MergeBaseWith {
                rev: sha.to_string(),
                what: "pull request base",
            });
        }
        match payload.get("before").and_then(|v| v.as_str()) {
            Some(sha) if is_zero_sha(sha) => {
                Err("new branch: the push has no previous commit to compare with".into())
            }
            Some(sha) => Ok(BaseHint::Commit {
                rev: sha.to_string(),
                what: "previous push",
                noun: "previous push commit",
            }),
            None => Err("the GitHub event has no base commit (not a push or pull request)".into()),
        }
    }

    fn handover(&self, env: &Env) -> Handover {
        match non_empty(env, "GITHUB_OUTPUT") {
            Some(p) => Handover::GithubOutput(p.into()),
            None => Handover::None,
        }
    }

    fn log_format(&self) -> LogFormat {
        LogFormat::Github
    }
}
