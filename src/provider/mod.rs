//! What cigen knows about the place it runs — a GitHub or GitLab runner, or a laptop — read
//! from the environment at run time: whether this is CI, the event, the branch, where the
//! changed-files base comes from, how job outputs are handed to the provider, and which log
//! format suits it.
//!
//! Each provider's knowledge lives in its own file behind the [`Ci`] trait; adding a provider
//! is one file and one line in [`PROVIDERS`]. What the generator knows about writing each
//! provider's YAML is in `generate/` (its back ends); the names both sides agree on are in
//! `contract`.

mod forgejo;
mod github;
mod gitlab;
mod local;

use std::collections::HashMap;
use std::path::PathBuf;

use crate::spec::{Event, Provider};

pub(crate) use local::{local_branch, origin_repository};

/// The process environment as cigen read it at start.
pub(crate) type Env = HashMap<String, String>;

/// How `cigen run` reports: named after the places each one suits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// Colour, per-job prefixes, a progress line and a summary table.
    Human,
    /// GitHub workflow commands: `::group::`, `::error::`, step summary.
    Github,
    /// GitLab collapsible sections.
    Gitlab,
    /// JSON lines (docs/run-events.md).
    Json,
}

/// Where the changed-files base comes from, before git resolves it (`run/changes.rs`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum BaseHint {
    /// Compare with the merge-base of `rev` and HEAD (a pull request's target). `what` names
    /// it in messages.
    MergeBaseWith { rev: String, what: &'static str },
    /// Compare with `rev` itself (the previous push, or a merge-base the provider computed).
    /// `what` names it in the run's reason, `noun` in errors about the commit itself.
    Commit {
        rev: String,
        what: &'static str,
        noun: &'static str,
    },
    /// A laptop: the merge-base with the repository's default branch.
    DefaultBranch,
}

/// How job outputs reach the provider, which passes them to dependent jobs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Handover {
    /// GitHub: `key<<DELIM` heredocs appended to this `$GITHUB_OUTPUT` file.
    GithubOutput(PathBuf),
    /// GitLab: a dotenv report at `contract::OUTPUTS_DOTENV_PATH`.
    GitlabDotenv,
    /// Nowhere (a laptop, or a CI that passes nothing between jobs).
    None,
}

/// One CI provider's run-time knowledge.
pub(crate) trait Ci: Sync {
    /// The provider as `when.provider` names it.
    fn provider(&self) -> Provider;
    /// Whether this process runs on one of this provider's runners.
    fn detected(&self, env: &Env) -> bool;
    /// The event that started the pipeline, when the provider names one cigen knows.
    fn event(&self, env: &Env) -> Option<Event>;
    /// The branch being built (a pull request's source branch; none for a tag).
    fn branch(&self, env: &Env) -> Option<String>;
    /// A pull request's target branch (none for other events).
    fn base_branch(&self, env: &Env) -> Option<String>;
    /// The cron of a scheduled run, when the provider names it.
    fn schedule(&self, env: &Env) -> Option<String>;
    /// The repository (`owner/name`, GitLab's project path).
    fn repository(&self, env: &Env) -> Option<String>;
    /// Where changed files are compared from, or why that cannot be known.
    fn base(&self, env: &Env) -> Result<BaseHint, String>;
    /// How outputs are handed over.
    fn handover(&self, env: &Env) -> Handover;
    /// The log format `--log-format auto` picks.
    fn log_format(&self) -> LogFormat;
}

/// Every CI provider cigen recognises, in detection order.
/// Forgejo comes before GitHub: its runner also sets GitHub's variables, for compatibility.
static PROVIDERS: &[&dyn Ci] = &[&forgejo::Forgejo, &github::Github, &gitlab::Gitlab];

/// Facts about the place this run happens that conditions, change detection and reporters
/// depend on.
#[derive(Clone)]
pub(crate) struct RunContext {
    pub ci: bool,
    pub provider: Provider,
    /// Branch being built: the PR/MR source branch, the pushed branch, or the local HEAD.
    pub branch: Option<String>,
    /// CI event; `Manual` on a laptop (someone ran it by hand), `None` on an unknown CI.
    pub event: Option<Event>,
    /// A pull request's target branch (`when.base`).
    pub base_branch: Option<String>,
    /// The cron of a scheduled run, whitespace-normalised (`when.schedule`); `None` when
    /// the provider does not say (GitLab without `CIGEN_SCHEDULE`).
    pub schedule: Option<String>,
    /// `owner/name` of the repository (`when.repository`): the provider's, or locally the
    /// `origin` remote's.
    pub repository: Option<String>,
    /// The provider's knowledge, `None` on a laptop or an unknown CI.
    ci_provider: Option<&'static dyn Ci>,
    /// The event `cigen run --event` asked to decide as (see [`RunContext::simulate`]).
    simulated: Option<Event>,
}

impl std::fmt::Debug for RunContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunContext")
            .field("ci", &self.ci)
            .field("provider", &self.provider)
            .field("branch", &self.branch)
            .field("event", &self.event)
            .finish()
    }
}

fn truthy(v: Option<&String>) -> bool {
    v.is_some_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// `env[key]` when set and not empty.
pub(crate) fn non_empty(env: &Env, key: &str) -> Option<String> {
    env.get(key).filter(|v| !v.is_empty()).cloned()
}

impl RunContext {
    /// Reads the provider's variables; `local_branch` is asked only when no CI names a branch.
    pub(crate) fn detect(env: &Env, local_branch: impl FnOnce() -> Option<String>) -> Self {
        let found = PROVIDERS.iter().copied().find(|p| p.detected(env));
        let ci = found.is_some() || truthy(env.get("CI"));
        match found {
            Some(p) => {
                let event = p.event(env);
                RunContext {
                    ci,
                    provider: p.provider(),
                    branch: p.branch(env),
                    base_branch: (event == Some(Event::PullRequest))
                        .then(|| p.base_branch(env))
                        .flatten(),
                    // A runner whose payload names no cron may still be told (`CIGEN_SCHEDULE`).
                    schedule: (event == Some(Event::Schedule))
                        .then(|| {
                            p.schedule(env)
                                .or_else(|| non_empty(env, crate::contract::SCHEDULE_VAR))
                        })
                        .flatten()
                        .map(|c| crate::model::cron_text(&c)),
                    repository: p.repository(env),
                    event,
                    ci_provider: Some(p),
                    simulated: None,
                }
            }
            // Running cigen by hand is a manual run; another CI's event is unknown.
            None => RunContext {
                ci,
                provider: Provider::Local,
                branch: local_branch(),
                event: (!ci).then_some(Event::Manual),
                base_branch: None,
                schedule: None,
                repository: None,
                ci_provider: None,
                simulated: None,
            },
        }
    }

    /// The repository of a laptop run: from the `origin` remote, asked only when no CI
    /// names one and some condition needs it.
    pub(crate) fn local_repository(&mut self, find: impl FnOnce() -> Option<String>) {
        if self.repository.is_none() {
            self.repository = find();
        }
    }

    /// `cigen run --schedule/--base-branch/--repository`: which schedule, which target
    /// branch, which repository the simulated run is of.
    pub(crate) fn simulate_details(
        &mut self,
        schedule: Option<&str>,
        base_branch: Option<String>,
        repository: Option<String>,
    ) {
        if let Some(c) = schedule {
            self.schedule = Some(crate::model::cron_text(c));
        }
        if base_branch.is_some() {
            self.base_branch = base_branch;
        }
        if repository.is_some() {
            self.repository = repository;
        }
    }

    /// `cigen run --event/--branch/--tag`: decide every `when` as a run of `event` on
    /// `branch` would (a tag run has no branch). A simulated tag, schedule or manual run has
    /// no base commit, as in CI, where `changed:` jobs then run to be safe.
    pub(crate) fn simulate(&mut self, event: Option<Event>, branch: Option<String>) {
        if let Some(e) = event {
            self.event = Some(e);
            self.simulated = Some(e);
            if e == Event::Tag {
                self.branch = None;
            }
            // The provider's schedule or target branch belongs to its own event.
            if e != Event::Schedule {
                self.schedule = None;
            }
            if e != Event::PullRequest {
                self.base_branch = None;
            }
        }
        if branch.is_some() {
            self.branch = branch;
        }
    }

    /// Where changed files are compared from.
    pub(crate) fn base(&self, env: &Env) -> Result<BaseHint, String> {
        if let Some(e @ (Event::Tag | Event::Schedule | Event::Manual)) = self.simulated {
            return Err(format!(
                "a {} run has no base commit to compare with",
                event_name(e)
            ));
        }
        match self.ci_provider {
            Some(p) => p.base(env),
            None => local::base(),
        }
    }

    /// How job outputs reach the provider.
    pub(crate) fn handover(&self, env: &Env) -> Handover {
        self.ci_provider.map_or(Handover::None, |p| p.handover(env))
    }

    /// The log format `--log-format auto` picks here.
    pub(crate) fn log_format(&self) -> LogFormat {
        self.ci_provider
            .map_or(LogFormat::Human, |p| p.log_format())
    }
}

pub(crate) fn provider_name(p: Provider) -> &'static str {
    match p {
        Provider::Github => "github",
        Provider::Gitlab => "gitlab",
        Provider::Forgejo => "forgejo",
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
pub(crate) fn env_of(pairs: &[(&str, &str)]) -> Env {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_providers() {
        let gh = RunContext::detect(
            &env_of(&[
                ("GITHUB_ACTIONS", "true"),
                ("GITHUB_EVENT_NAME", "pull_request"),
                ("GITHUB_HEAD_REF", "feat"),
                ("GITHUB_REF_NAME", "1/merge"),
                ("GITHUB_OUTPUT", "/tmp/out"),
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
        assert_eq!(gh.log_format(), LogFormat::Github);
        let gl = RunContext::detect(
            &env_of(&[
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
        assert_eq!(gl.handover(&Env::new()), Handover::GitlabDotenv);
        let local = RunContext::detect(&env_of(&[("CI", "false")]), || Some("dev".into()));
        assert_eq!(
            (local.ci, local.provider, local.branch.as_deref()),
            (false, Provider::Local, Some("dev"))
        );
        assert_eq!(local.event, Some(Event::Manual));
        assert_eq!(local.base(&Env::new()), Ok(BaseHint::DefaultBranch));
        assert_eq!(local.handover(&Env::new()), Handover::None);
        // gitlab-ci-local marks itself with GITLAB_CI=false and sets GitLab's variables.
        let glci = RunContext::detect(
            &env_of(&[
                ("CI", "true"),
                ("GITLAB_CI", "false"),
                ("CI_PIPELINE_SOURCE", "schedule"),
                ("CI_COMMIT_BRANCH", "main"),
            ]),
            || None,
        );
        assert_eq!(
            (glci.provider, glci.event, glci.branch.as_deref()),
            (Provider::Gitlab, Some(Event::Schedule), Some("main"))
        );
        let not_gitlab = RunContext::detect(&env_of(&[("GITLAB_CI", "false")]), || None);
        assert_eq!(not_gitlab.provider, Provider::Local);
        let fj = RunContext::detect(
            &env_of(&[
                ("FORGEJO_ACTIONS", "true"),
                ("GITHUB_ACTIONS", "true"),
                ("GITHUB_EVENT_NAME", "push"),
                ("GITHUB_REF_NAME", "main"),
            ]),
            || None,
        );
        assert_eq!(
            (fj.provider, fj.branch.as_deref(), fj.event, fj.log_format()),
            (
                Provider::Forgejo,
                Some("main"),
                Some(Event::Push),
                LogFormat::Github
            )
        );
        let gitea = RunContext::detect(&env_of(&[("GITEA_ACTIONS", "true")]), || None);
        assert_eq!(gitea.provider, Provider::Forgejo);
        let other = RunContext::detect(&env_of(&[("CI", "true")]), || None);
        assert!(other.ci && other.event.is_none());
        assert_eq!(other.log_format(), LogFormat::Human);
    }
}
