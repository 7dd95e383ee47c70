//! Rule: `targets.<github|forgejo|gitlab>.cigen_version` names one exact
//! release (`MAJOR.MINOR.PATCH`): the install script and the GitHub Action verify the
//! checksum of one archive, so `latest`, `1.2` or `^1.2.3` cannot be installed.

use super::Context;
use crate::diagnostic::{Code, Diagnostic};
use crate::source::YamlPath;

pub(crate) const INVALID_CIGEN_VERSION: Code = Code::new("invalid-cigen-version");

/// The codes this rule reports.
pub(super) const CODES: &[Code] = &[INVALID_CIGEN_VERSION];

/// `MAJOR.MINOR.PATCH`, optionally with a `-pre`/`+build` suffix and a leading `v`: what the
/// installers accept (`action/install.sh`, `generate/gitlab/install.rs`).
pub(crate) fn is_exact(v: &str) -> bool {
    let v = v.strip_prefix('v').unwrap_or(v);
    let core = v.split(['-', '+']).next().unwrap_or("");
    core.split('.').count() == 3
        && core
            .split('.')
            .all(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+'))
}

pub fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let Some(t) = &cx.spec.targets else { return };
    let versions = [
        (
            "github",
            t.github.as_ref().and_then(|g| g.cigen_version.as_deref()),
        ),
        (
            "forgejo",
            t.forgejo.as_ref().and_then(|g| g.cigen_version.as_deref()),
        ),
        (
            "gitlab",
            t.gitlab.as_ref().and_then(|g| g.cigen_version.as_deref()),
        ),
    ];
    for (target, version) in versions {
        let Some(v) = version.filter(|v| !is_exact(v)) else {
            continue;
        };
        out.push(
            Diagnostic::error(
                INVALID_CIGEN_VERSION,
                format!("cigen_version `{v}` is not one exact release (MAJOR.MINOR.PATCH)"),
            )
            .at(YamlPath::root().key("targets").key(target).key("cigen_version"))
            .with_label("not an exact version")
            .with_help("the installers verify one archive's checksum: write a release such as `0.1.0`, or leave `cigen_version` out for the default"),
        );
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn exact_versions() {
        for ok in ["0.1.0", "v1.2.3", "1.2.3-rc.1", "1.2.3+build5"] {
            assert!(super::is_exact(ok), "{ok}");
        }
        for bad in ["latest", "1.2", "^1.2.3", "1.2.x", "", "1.2.3 "] {
            assert!(!super::is_exact(bad), "{bad}");
        }
    }
}
