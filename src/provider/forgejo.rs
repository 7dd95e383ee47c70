//! Forgejo and Gitea Actions at run time. Their runners (built on act) set `FORGEJO_ACTIONS`
//! or `GITEA_ACTIONS`, and mirror their variables as `GITHUB_*` for compatibility, so the
//! event, branch, base commit and output hand-over are read as on GitHub; only the name
//! `when.provider` sees differs.

use super::github::Github;
use super::{BaseHint, Ci, Env, Handover, LogFormat};
use crate::spec::{Event, Provider};

pub(crate) struct Forgejo;

impl Ci for Forgejo {
    fn provider(&self) -> Provider {
        Provider::Forgejo
    }

    fn detected(&self, env: &Env) -> bool {
        ["FORGEJO_ACTIONS", "GITEA_ACTIONS"]
            .iter()
            .any(|k| env.get(*k).is_some_and(|v| v == "true"))
    }

    fn event(&self, env: &Env) -> Option<Event> {
        Github.event(env)
    }

    fn branch(&self, env: &Env) -> Option<String> {
        Github.branch(env)
    }

    fn base_branch(&self, env: &Env) -> Option<String> {
        Github.base_branch(env)
    }

    fn schedule(&self, env: &Env) -> Option<String> {
        Github.schedule(env)
    }

    fn repository(&self, env: &Env) -> Option<String> {
        Github.repository(env)
    }

    fn base(&self, env: &Env) -> Result<BaseHint, String> {
        Github.base(env)
    }

    fn handover(&self, env: &Env) -> Handover {
        Github.handover(env)
    }

    /// The runner interprets GitHub's workflow commands (`::group::`, `::add-mask::`).
    fn log_format(&self) -> LogFormat {
        LogFormat::Github
    }
}
