//! How a GitLab job gets cigen (`targets.gitlab.install`) and the toolchains its image lacks.
//!
//! `script` downloads the release archive for the runner's architecture and checks it against
//! the SHA-256 recorded in the action's checksum table (the same table the GitHub Action
//! trusts), before anything is extracted. A version missing from the table fails the job:
//! there is nothing to verify against.

use crate::generate::checksums::{checksum, exact_version, CHECKSUMS};
use crate::generate::escape::shell_word;
use crate::generate::GenerateError;
use crate::spec::{GitlabInstall, Setup};

const RELEASES: &str = "https://github.com/cigen-dev/cigen/releases/download";
const TARGETS: &[&str] = &["x86_64-unknown-linux-musl", "aarch64-unknown-linux-musl"];

/// Script lines that build cigen from the checked-out repository (`cigen_build`) and put the
/// binary on PATH as `cigen`, in a directory of its own.
pub(super) fn build(b: &crate::spec::CigenBuild) -> Vec<String> {
    vec![
        b.run.clone(),
        format!(
            "mkdir -p \"$CI_PROJECT_DIR/.cigen/bin\" && cp {} \"$CI_PROJECT_DIR/.cigen/bin/cigen\"",
            shell_word(&b.binary)
        ),
        "export PATH=\"$CI_PROJECT_DIR/.cigen/bin:$PATH\"".into(),
        "cigen --version".into(),
    ]
}

/// Script lines that make `cigen` available (they run in one shell, before `script:`).
pub(super) fn cigen(mode: GitlabInstall, version: &str) -> Result<Vec<String>, GenerateError> {
    cigen_with(mode, version, CHECKSUMS)
}

fn cigen_with(
    mode: GitlabInstall,
    version: &str,
    table: &str,
) -> Result<Vec<String>, GenerateError> {
    let version = version.strip_prefix('v').unwrap_or(version);
    match mode {
        GitlabInstall::Image | GitlabInstall::Present => return Ok(vec!["cigen --version".into()]),
        GitlabInstall::Script => {}
    }
    if !exact_version(version) {
        return Err(GenerateError::user(format!(
            "targets.gitlab.cigen_version `{version}` is not an exact version (MAJOR.MINOR.PATCH): the install script verifies one exact release"
        )));
    }
    let mut arms = Vec::new();
    for t in TARGETS {
        let arch = t.split('-').next().unwrap_or_default();
        match checksum(table, version, t) {
            Some(sum) if sum.len() == 64 && sum.chars().all(|c| c.is_ascii_hexdigit()) => {
                arms.push(format!("{arch}) cigen_target={t}; cigen_sha256={sum} ;;"))
            }
            _ => {}
        }
    }
    let mut lines = Vec::new();
    if arms.is_empty() {
        lines.push(format!(
            "echo \"cigen {version} has no recorded checksum, so it cannot be installed safely: release it (scripts/update-checksums) or set targets.gitlab.install to image or present\" >&2; exit 1"
        ));
        return Ok(lines);
    }
    lines.push(format!(
        "case \"$(uname -m)\" in {} *) echo \"no cigen {version} release for $(uname -m)\" >&2; exit 1 ;; esac",
        arms.join(" ")
    ));
    let url = shell_word(&format!("{RELEASES}/v{version}/"));
    lines.push(format!("cigen_url={url}\"cigen-$cigen_target.tar.gz\""));
    // Slim images often lack curl; wget or Python's standard library do the same download.
    lines.push(
        "if command -v curl >/dev/null; then curl --proto =https --tlsv1.2 --fail --silent --show-error --location --retry 3 --output /tmp/cigen.tar.gz \"$cigen_url\"; \
         elif command -v wget >/dev/null; then wget -q -O /tmp/cigen.tar.gz \"$cigen_url\"; \
         else python3 -c 'import sys, urllib.request; urllib.request.urlretrieve(sys.argv[1], sys.argv[2])' \"$cigen_url\" /tmp/cigen.tar.gz; fi"
            .into(),
    );
    lines.push("echo \"$cigen_sha256  /tmp/cigen.tar.gz\" | sha256sum -c -".into());
    lines.push("tar -xzf /tmp/cigen.tar.gz -C /tmp && install -m 0755 \"/tmp/cigen-$cigen_target/cigen\" /usr/local/bin/cigen".into());
    lines.push("cigen --version".into());
    Ok(lines)
}

/// Toolchains the job image does not bring: uv (installed with pip from the Python image) and
/// Rust components; and the npm registry's `.npmrc`.
pub(super) fn toolchains(setup: &Setup) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(url) = &setup.node_registry {
        lines.extend(npmrc(url));
    }
    if let Some(uv) = &setup.uv {
        let v = &uv.0;
        let spec = if v.split('.').count() >= 3 {
            format!("uv=={v}")
        } else {
            format!("uv=={v}.*")
        };
        lines.push(format!(
            // Only when the image lacks uv; an image without Python then fails here, clearly.
            "command -v uv >/dev/null || python3 -m pip install --quiet --disable-pip-version-check {}",
            shell_word(&spec)
        ));
    }
    if setup.rust.is_some() && !setup.rust_components.is_empty() {
        let comps: Vec<String> = setup
            .rust_components
            .iter()
            .map(|c| shell_word(c))
            .collect();
        lines.push(format!(
            "if command -v rustup >/dev/null; then rustup component add {}; fi",
            comps.join(" ")
        ));
    }
    lines
}

/// What setup-node's `registry-url` does on GitHub, for GitLab: a user config naming the
/// registry and reading its token from `$NODE_AUTH_TOKEN` (the line is written with the
/// variable's name, never its value), outside the checkout so it is never committed or
/// uploaded. Unlike setup-node no placeholder token is exported when the variable is unset,
/// so `cigen run` still refuses to start a job whose declared `NODE_AUTH_TOKEN` is missing.
/// `before_script` and `script` share one shell, so the export reaches `cigen run`.
fn npmrc(url: &str) -> Vec<String> {
    let url = if url.ends_with('/') {
        url.to_string()
    } else {
        format!("{url}/")
    };
    // `//host/path/:_authToken` is npm's per-registry key: the URL without its scheme.
    let auth = url.split_once("//").map(|(_, rest)| rest).unwrap_or(&url);
    vec![
        "export NPM_CONFIG_USERCONFIG=\"${TMPDIR:-/tmp}/cigen-npmrc-$CI_JOB_ID\"".into(),
        format!(
            "printf '%s\\n' {} {} > \"$NPM_CONFIG_USERCONFIG\"",
            shell_word(&format!("registry={url}")),
            shell_word(&format!("//{auth}:_authToken=${{NODE_AUTH_TOKEN}}"))
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLE: &str = "# comment\n1.2.3 x86_64-unknown-linux-musl aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n";

    #[test]
    fn script_install_verifies_the_recorded_checksum() {
        let lines = cigen_with(GitlabInstall::Script, "1.2.3", TABLE).unwrap();
        assert!(
            lines[0].contains("x86_64) cigen_target=x86_64-unknown-linux-musl; cigen_sha256=aaaa"),
            "{lines:?}"
        );
        assert!(!lines[0].contains("aarch64)"));
        assert!(lines.iter().any(|l| l.contains("sha256sum -c -")));
        let missing = cigen_with(GitlabInstall::Script, "9.9.9", TABLE).unwrap();
        assert_eq!(missing.len(), 1);
        assert!(missing[0].ends_with("exit 1"));
        assert!(cigen_with(GitlabInstall::Script, "1.2", TABLE).is_err());
        assert_eq!(
            cigen_with(GitlabInstall::Present, "1.2", TABLE).unwrap(),
            vec!["cigen --version"]
        );
    }
}
