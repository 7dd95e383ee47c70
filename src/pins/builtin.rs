//! cigen's own pin table: every action a generated workflow `uses:`, pinned to a full commit
//! SHA. A repository's pin lock (`lock.rs`) overrides entries (bots bump it); this table is
//! the starting point and what `cigen pins update` moves the lock to.
//!
//! Each entry records where the SHA was confirmed to be the tag in its comment. zizmor's
//! offline audits cannot check that a SHA is the tag it claims, so this table must be right
//! from public sources: every SHA below was found pinned with the same version comment in
//! several unrelated public workflows (searched 2026-11 through the project's code search).

/// One pinned action of the built-in table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Builtin {
    /// `owner/repo`.
    pub(crate) action: &'static str,
    /// Full 40-hex commit SHA.
    pub(crate) sha: &'static str,
    /// The tag that commit carries, `vX.Y.Z`, written as the `# vX.Y.Z` comment.
    pub(crate) version: &'static str,
    /// Where the SHA ↔ tag pairing was confirmed.
    pub(crate) provenance: &'static str,
}

/// The commit of cigen's own repository whose `action.yml` generated workflows use to install
/// cigen, and the cigen release that commit's checksum table lets it install (the `# vX.Y.Z`
/// comment). A binary cannot pin an action commit that already lists the binary's own
/// checksum (the digest would depend on itself), so this pin trails the newest release: after
/// publishing vX, `scripts/update-checksums X` commits the table and this entry moves to that
/// commit with `vX` (docs/release.md). Generated workflows install this version by default.
/// Until the first release it names the commit that added `action.yml` (empty table: only the
/// action's `binary` input works until then).
pub(crate) const CIGEN_ACTION_SHA: &str = "6949075bc8c2aa3cdf0404e94a1fb9dd867c0972";
/// The cigen release the pinned action installs, as `vX.Y.Z`.
pub(crate) const CIGEN_ACTION_VERSION: &str = "v0.1.0";

/// The cigen version generated CI installs unless the spec sets `cigen_version`: the release
/// the default action pin (and the checksum table compiled in for GitLab) can verify.
pub(crate) fn default_cigen_version() -> &'static str {
    CIGEN_ACTION_VERSION.trim_start_matches('v')
}

/// The cigen version a target installs: the spec's `cigen_version`, else the default.
pub(crate) fn cigen_version(explicit: Option<&str>) -> &str {
    explicit.unwrap_or(default_cigen_version())
}

pub(crate) const CHECKOUT: &str = "actions/checkout";
pub(crate) const SETUP_PYTHON: &str = "actions/setup-python";
pub(crate) const SETUP_UV: &str = "astral-sh/setup-uv";
pub(crate) const SETUP_NODE: &str = "actions/setup-node";
pub(crate) const SETUP_GO: &str = "actions/setup-go";
pub(crate) const SETUP_JAVA: &str = "actions/setup-java";
pub(crate) const UPLOAD_ARTIFACT: &str = "actions/upload-artifact";
pub(crate) const DOWNLOAD_ARTIFACT: &str = "actions/download-artifact";
pub(crate) const CACHE: &str = "actions/cache";
pub(crate) const CIGEN: &str = "cigen-dev/cigen";

pub(crate) const PINS: &[Builtin] = &[
    Builtin {
        action: CHECKOUT,
        sha: "08c6903cd8c0fde910a37f88322edcfb5dd907a8",
        version: "v5.0.0",
        provenance: "pinned `# v5.0.0` in prowler-cloud/prowler .github/workflows (ui-tests) and 8+ other public workflows",
    },
    Builtin {
        action: SETUP_PYTHON,
        sha: "e797f83bcb11b83ae66e0230d6156d7c80228e7c",
        version: "v6.0.0",
        provenance: "pinned `# v6.0.0` in several public workflows; Dependabot compare link a26af69 (v5.6.0)...e797f83",
    },
    Builtin {
        action: SETUP_UV,
        sha: "d0cc045d04ccac9d8b7881df0226f9e82c39688e",
        version: "v6.8.0",
        provenance: "pinned `# v6.8.0` in 4+ unrelated public workflows and pin lists",
    },
    Builtin {
        action: SETUP_NODE,
        sha: "2028fbc5c25fe9cf00d9f06a71cc4710d4507903",
        version: "v6.0.0",
        provenance: "pinned `# v6.0.0` in prowler-cloud/prowler ui-tests workflow and 5+ other public workflows",
    },
    Builtin {
        action: SETUP_GO,
        sha: "44694675825211faa026b3c33043df3e48a5fa00",
        version: "v6.0.0",
        provenance: "pinned `# v6.0.0` in several public workflows; a pin table links github.com/actions/setup-go/commit/4469467",
    },
    Builtin {
        action: SETUP_JAVA,
        sha: "dded0888837ed1f317902acf8a20df0ad188d165",
        version: "v5.0.0",
        provenance: "pinned `# v5.0.0` in several public workflows and a pin audit marked 'tag resolved independently'",
    },
    Builtin {
        action: UPLOAD_ARTIFACT,
        sha: "330a01c490aca151604b8cf639adc76d48f6c5d4",
        version: "v5.0.0",
        provenance: "pinned `# v5.0.0` in 6+ unrelated public workflows",
    },
    Builtin {
        action: DOWNLOAD_ARTIFACT,
        sha: "634f93cb2916e3fdff6788551b99b062d0335ce0",
        version: "v5.0.0",
        provenance: "pinned `# v5.0.0` in several public workflows and a pin table (publish-pypi.yml)",
    },
    Builtin {
        action: CACHE,
        sha: "0057852bfaa89a56745cba8c7296529d2fc39830",
        version: "v4.3.0",
        provenance: "pinned `# v4.3.0` in several unrelated public workflows and pin tables (others comment `# v4`)",
    },
    Builtin {
        action: "codecov/codecov-action",
        sha: "5a1091511ad55cbe89839c7260b706298ca349f7",
        version: "v5.5.1",
        provenance: "pinned `# v5.5.1` in 8+ unrelated public workflows and pin lists (others comment `# v5`)",
    },
    Builtin {
        action: "aws-actions/configure-aws-credentials",
        sha: "61815dcd50bd041e203e49132bacad1fd04d2708",
        version: "v5.1.1",
        provenance: "pinned `# v5.1.1` in 6+ unrelated public workflows (others comment `# v5`)",
    },
    Builtin {
        action: "actions/attest-build-provenance",
        sha: "c074443f1aee8d4aeeae555aebba3282517141b2",
        version: "v2.2.3",
        provenance: "pinned `# v2.2.3` in 8+ unrelated public workflows and pin tables (e.g. a Renovate-managed map `@v2` -> this SHA)",
    },
    Builtin {
        action: CIGEN,
        sha: CIGEN_ACTION_SHA,
        version: CIGEN_ACTION_VERSION,
        provenance: "this repository: `git log --diff-filter=A -- action.yml` (moved by each release, docs/release.md)",
    },
];

/// The pin for `owner/repo`, if the table has one.
pub(crate) fn lookup(action: &str) -> Option<&'static Builtin> {
    PINS.iter().find(|p| p.action == action)
}

/// The pin for an action cigen itself uses; the table is fixed, so a miss is a bug.
pub(crate) fn builtin(action: &str) -> &'static Builtin {
    match lookup(action) {
        Some(p) => p,
        None => panic!("cigen bug: no pin for built-in action {action}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pin_is_a_full_sha_with_a_version_and_provenance() {
        let mut seen = std::collections::HashSet::new();
        for p in PINS {
            assert!(seen.insert(p.action), "duplicate pin for {}", p.action);
            assert_eq!(p.sha.len(), 40, "{}", p.action);
            assert!(
                p.sha
                    .chars()
                    .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()),
                "{}",
                p.action
            );
            let v = p.version.strip_prefix('v').unwrap_or("");
            assert_eq!(
                v.split('.')
                    .filter(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
                    .count(),
                3,
                "{}",
                p.version
            );
            assert!(!p.provenance.is_empty());
        }
        for a in [
            CHECKOUT,
            SETUP_PYTHON,
            SETUP_UV,
            SETUP_NODE,
            SETUP_GO,
            SETUP_JAVA,
            UPLOAD_ARTIFACT,
            DOWNLOAD_ARTIFACT,
            CACHE,
            CIGEN,
        ] {
            assert_eq!(builtin(a).action, a);
        }
    }
}
