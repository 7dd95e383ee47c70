//! Whether the CI that `generate` writes can install the cigen it names, verified against a
//! checksum table, and what to tell the user when it cannot.
//!
//! GitHub jobs install through the pinned cigen action, whose checksum table holds the
//! releases up to the pin's `# vX.Y.Z` (a pin moves to the commit that records its release,
//! docs/release.md); the table compiled into this binary holds at least those. GitLab's
//! `install: script` embeds the compiled table itself. A version outside the table makes
//! the jobs stop before running, fail closed.
//!
//! Who can act decides how loud it is: a version (or an install mode) the spec chose is a
//! warning every time; cigen's own default release not being published yet is nothing the
//! spec did, so `cigen generate` explains it once per checkout instead of greeting every
//! newcomer's first command with a warning.

use super::checksums::{numbers, recorded, CHECKSUMS};
use crate::model::{Pipeline, TargetKind};
use crate::pins;
use crate::spec::GitlabInstall;

/// One thing to tell the user after writing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Notice {
    /// The spec chose what cannot be installed; it can choose otherwise.
    Warning(String),
    /// The default release (`version`) is not published yet, for these providers.
    Unreleased {
        version: String,
        providers: Vec<&'static str>,
    },
}

impl Notice {
    /// The key under which an `Unreleased` note is remembered as shown.
    pub(crate) fn once_key(&self) -> Option<String> {
        match self {
            Notice::Warning(_) => None,
            Notice::Unreleased { version, .. } => Some(format!("unreleased-cigen {version}")),
        }
    }

    pub(crate) fn text(&self) -> String {
        match self {
            Notice::Warning(w) => w.clone(),
            Notice::Unreleased { version, providers } => format!(
                "the {} jobs install cigen {version}, the release this cigen installs by default, which is not published yet: until it is, they stop before running. To run them now, build cigen in each job with `cigen_build` (README, Install). This note is shown once.",
                providers.join(" and ")
            ),
        }
    }
}

/// Whether the cigen action pinned at `action_version` can verify `version`.
fn github_verifies(version: &str, action_version: &str) -> bool {
    let pin = numbers(action_version);
    recorded(CHECKSUMS, version) && numbers(version).is_some_and(|v| Some(v) <= pin)
}

/// Everything to tell about installing cigen in the selected targets.
pub(crate) fn notices(p: &Pipeline, targets: &[TargetKind]) -> Vec<Notice> {
    let mut out = Vec::new();
    let mut unreleased = Vec::new();
    let default = pins::default_cigen_version();
    let workflows = [
        (TargetKind::Github, "GitHub", "github", &p.targets.github),
        (
            TargetKind::Forgejo,
            "Forgejo",
            "forgejo",
            &p.targets.forgejo,
        ),
    ];
    for (kind, title, key, target) in workflows {
        let Some(g) = target.as_ref().filter(|_| targets.contains(&kind)) else {
            continue;
        };
        // Another action commit (`action:`) has a table cigen cannot see: nothing to say.
        if g.cigen_build.is_none() && g.action.is_none() {
            let version = pins::cigen_version(g.cigen_version.as_deref());
            let action = g.pins.required(pins::CIGEN).version;
            if !github_verifies(version, &action) {
                match &g.cigen_version {
                    None => unreleased.push(title),
                    Some(_) => out.push(Notice::Warning(format!(
                        "{title} jobs install cigen {version}, which the pinned cigen action ({action}) cannot verify, so they will stop before running; use a released version up to {}, pin a newer action with `targets.{key}.action`, or build cigen in the job with `cigen_build`",
                        action.trim_start_matches('v'),
                    ))),
                }
            }
        }
    }
    if let Some(g) = p
        .targets
        .gitlab
        .as_ref()
        .filter(|_| targets.contains(&TargetKind::Gitlab))
    {
        let version = pins::cigen_version(g.cigen_version.as_deref());
        if g.cigen_build.is_none()
            && g.install == GitlabInstall::Script
            && !recorded(CHECKSUMS, version)
        {
            match &g.cigen_version {
                None => unreleased.push("GitLab"),
                Some(_) => out.push(Notice::Warning(format!(
                    "GitLab jobs install cigen {version} with `install: script`, but the checksum table has no entry for it, so they will stop before running; use a released version, or `install: image`/`present`"
                ))),
            }
        }
    }
    if !unreleased.is_empty() {
        out.push(Notice::Unreleased {
            version: default.to_string(),
            providers: unreleased,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_action_verifies_only_recorded_releases_up_to_its_pin() {
        // The compiled table is empty until the first release: nothing verifies.
        if !recorded(CHECKSUMS, pins::default_cigen_version()) {
            assert!(!github_verifies(
                pins::default_cigen_version(),
                pins::CIGEN_ACTION_VERSION
            ));
        }
        assert!(!github_verifies("999.0.0", pins::CIGEN_ACTION_VERSION));
        assert!(!github_verifies("latest", pins::CIGEN_ACTION_VERSION));
    }
}
