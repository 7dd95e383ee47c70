//! Where the run happens: CI or laptop, which provider, branch and event, read from the env.

use std::collections::HashMap;

use crate::spec::{Event, Provider};

/// Facts about the environment that `when` conditions and reporters depend on.
#[derive(Debug, Clone)]
pub(crate) struct RunContext {
    pub ci: bool,
    pub provider: Provider,
    /// Branch being built: the PR/MR source branch, the pushed branch, or the local HEAD.
    pub branch: Option<String>,
    /// CI event; `Manual` on a laptop (someone ran it by hand), `None` on an unknown CI.
    pub event: Option<Event>,
}

fn truthy(v: Option<&String>) -> bool {
    v.is_some_and(|v| !v.is_empty() && v != "false" && v != "0")
}

fn non_empty(env: &HashMap<String, String>, key: &str) -> Option<String> {
    env.get(key).filter(|v| !v.is_empty()).cloned()
}

impl RunContext {
    /// Reads the provider's variables; `local_branch` is asked only when no CI names a branch.
    pub(crate) fn detect(
        env: &HashMap<String, String>,
        local_branch: impl FnOnce() -> Option<String>,
    ) -> Self {
        let github = env.get("GITHUB_ACTIONS").is_some_and(|v| v == "true");
        let gitlab = env.get("GITLAB_CI").is_some_and(|v| v == "true");
        let ci = github || gitlab || truthy(env.get("CI"));
        if github {
            let tag = env.get("GITHUB_REF_TYPE").is_some_and(|v| v == "tag");
            let event = match env.get("GITHUB_EVENT_NAME").map(String::as_str) {
                _ if tag => Some(Event::Tag),
                Some("push") => Some(Event::Push),
                Some("pull_request") | Some("pull_request_target") | Some("merge_group") => {
                    Some(Event::PullRequest)
                }
                Some("schedule") => Some(Event::Schedule),
                Some("workflow_dispatch") | Some("repository_dispatch") => Some(Event::Manual),
                _ => None,
            };
            let branch = if tag {
                None
            } else {
                non_empty(env, "GITHUB_HEAD_REF").or_else(|| non_empty(env, "GITHUB_REF_NAME"))
            };
            return RunContext {
                ci,
                provider: Provider::Github,
                branch,
                event,
            };
        }
        if gitlab {
            let tag = non_empty(env, "CI_COMMIT_TAG").is_some();
            let event = match env.get("CI_PIPELINE_SOURCE").map(String::as_str) {
                _ if tag => Some(Event::Tag),
                Some("push") => Some(Event::Push),
                Some("merge_request_event") | Some("external_pull_request_event") => {
                    Some(Event::PullRequest)
                }
                Some("schedule") => Some(Event::Schedule),
                Some("web") | Some("api") | Some("trigger") | Some("pipeline") => {
                    Some(Event::Manual)
                }
                _ => None,
            };
            let branch = non_empty(env, "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME")
                .or_else(|| non_empty(env, "CI_COMMIT_BRANCH"));
            return RunContext {
                ci,
                provider: Provider::Gitlab,
                branch,
                event,
            };
        }
        // Running cigen by hand is a manual run; another CI's event is unknown.
        RunContext {
            ci,
            provider: Provider::Local,
            branch: local_branch(),
            event: (!ci).then_some(Event::Manual),
        }
    }
}

/// The branch HEAD points to in the repository around `dir`, if any.
pub(crate) fn local_branch(dir: &std::path::Path) -> Option<String> {
    let repo = git2::Repository::discover(dir).ok()?;
    let head = repo.head().ok()?;
    if head.is_branch() {
        head.shorthand().map(str::to_string)
    } else {
        None
    }
}

pub(crate) fn provider_name(p: Provider) -> &'static str {
    match p {
        Provider::Github => "github",
        Provider::Gitlab => "gitlab",
        Provider::Local => "local",
    }
}

pub(crate) fn event_name(e: Event) -> &'static str {
    match e {
        Event::Push => "push",
        Event::PullRequest => "pull_request",
        Event::Tag => "tag",
        Event::Schedule => "schedule",
        Event::Manual => "manual",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn detects_providers() {
        let gh = RunContext::detect(
            &env(&[
                ("GITHUB_ACTIONS", "true"),
                ("GITHUB_EVENT_NAME", "pull_request"),
                ("GITHUB_HEAD_REF", "feat"),
                ("GITHUB_REF_NAME", "1/merge"),
            ]),
            || None,
        );
        assert_eq!(
            (gh.ci, gh.provider, gh.branch.as_deref(), gh.event),
            (
                true,
                Provider::Github,
                Some("feat"),
                Some(Event::PullRequest)
            )
        );
        let gl = RunContext::detect(
            &env(&[
                ("GITLAB_CI", "true"),
                ("CI_PIPELINE_SOURCE", "push"),
                ("CI_COMMIT_BRANCH", "main"),
            ]),
            || None,
        );
        assert_eq!(
            (gl.provider, gl.branch.as_deref(), gl.event),
            (Provider::Gitlab, Some("main"), Some(Event::Push))
        );
        let local = RunContext::detect(&env(&[("CI", "false")]), || Some("dev".into()));
        assert_eq!(
            (local.ci, local.provider, local.branch.as_deref()),
            (false, Provider::Local, Some("dev"))
        );
        assert_eq!(local.event, Some(Event::Manual));
        let other = RunContext::detect(&env(&[("CI", "true")]), || None);
        assert!(other.ci && other.event.is_none());
    }
}
