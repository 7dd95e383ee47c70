//! What the well-known actions of a workflow mean for the spec: checkout and toolchain setup
//! become cigen's own steps and `setup:`, artifact upload becomes `artifacts:`, caches become
//! the job's `cache:` (`caches.rs`); every other action is a remote step.

use std::path::Path;

use indexmap::IndexMap;
use serde_yaml::Value;

use super::caches::{self, CacheUse};
use super::model::{scalar_text, string_list};
use crate::import::report::Kind as ReportKind;
use crate::spec::SetupCache;

/// A toolchain an action installs, with the version as written (maybe an expression).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ToolUse {
    /// `python`, `uv`, `node`, `rust`, `go` or `java` (the keys of `setup:`).
    pub(crate) tool: &'static str,
    /// `None` when the action picks its own default (newest).
    pub(crate) version: Option<String>,
    pub(crate) components: Vec<String>,
    /// The action's own cache it switches on (`cache: pnpm`, `enable-cache: true`).
    pub(crate) cache: Option<SetupCache>,
    /// setup-node's `registry-url`, a plain `http(s)://` URL (`setup.node_registry`).
    pub(crate) registry: Option<String>,
}

/// What a `uses:` step is to the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Meaning {
    /// `actions/checkout`: the generated job checks out itself; `full_history` for
    /// `fetch-depth: 0`.
    Checkout {
        full_history: bool,
    },
    Toolchain(ToolUse),
    /// A cache step: `None` for one the spec cannot say (restore or save alone).
    Cache(Option<CacheUse>),
    /// `actions/upload-artifact` with these paths.
    Upload(Vec<String>),
    /// `actions/download-artifact`: the generated job downloads its needs' artifacts.
    Download,
    /// Any other action: a remote step.
    Remote,
}

/// A finding about one action step: `(kind, feature, message)`.
pub(crate) type Finding = (ReportKind, &'static str, String);

/// `owner/repo[/path]` and the ref after `@`.
pub(crate) fn split(uses: &str) -> (&str, Option<&str>) {
    match uses.split_once('@') {
        Some((a, r)) => (a, Some(r)),
        None => (uses, None),
    }
}

fn text(with: &IndexMap<String, Value>, key: &str) -> Option<String> {
    with.get(key).and_then(scalar_text)
}

/// The first version-looking line of a version file (`.nvmrc`, `.python-version`), or the
/// `go`/`toolchain` directive of `go.mod`.
pub(crate) fn version_file(root: &Path, rel: &str) -> Option<String> {
    let text = std::fs::read_to_string(root.join(rel)).ok()?;
    if rel.ends_with("go.mod") {
        return crate::init::versions::go_directive(&text);
    }
    text.lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .find(|l| !l.is_empty())
        .map(|l| l.trim_start_matches('v').to_string())
}

fn file_version(
    root: &Path,
    with: &IndexMap<String, Value>,
    key: &str,
    findings: &mut Vec<Finding>,
) -> Option<String> {
    let rel = text(with, key)?;
    match version_file(root, &rel) {
        Some(v) => {
            findings.push((
                ReportKind::Note,
                "toolchain",
                format!("`{key}: {rel}` read now: the spec pins {v}; update `setup:` when the file changes"),
            ));
            Some(v)
        }
        None => {
            findings.push((
                ReportKind::Todo,
                "toolchain",
                format!("`{key}: {rel}` could not be read; set the version in `setup:`"),
            ));
            None
        }
    }
}

/// Inputs that change nothing cigen cares about (or that cigen's own setup already does).
const HARMLESS: &[&str] = &[
    "persist-credentials",
    "fetch-depth",
    "check-latest",
    "allow-prereleases",
    "architecture",
    "cache-dependency-path",
    "cache-dependency-glob",
    "token",
    "distribution",
    "profile",
];

fn leftover(
    with: &IndexMap<String, Value>,
    used: &[&str],
    action: &str,
    findings: &mut Vec<Finding>,
) {
    for k in with.keys() {
        if used.contains(&k.as_str()) || HARMLESS.contains(&k.as_str()) {
            continue;
        }
        if [
            "cache",
            "enable-cache",
            "cache-key",
            "cache-on-failure",
            "save-cache",
        ]
        .contains(&k.as_str())
        {
            let v = with.get(k).and_then(scalar_text).unwrap_or_default();
            if v != "false" {
                findings.push((
                    ReportKind::Lost,
                    "cache",
                    format!("`{action}` input `{k}: {v}` has no equivalent in the job's `cache:`"),
                ));
            }
            continue;
        }
        findings.push((
            ReportKind::Lost,
            "action-input",
            format!("`{action}` input `{k}` has no equivalent in `setup:`"),
        ));
    }
}

/// Reads a `uses:` step.
pub(crate) fn meaning(
    uses: &str,
    with: &IndexMap<String, Value>,
    root: &Path,
    findings: &mut Vec<Finding>,
) -> Meaning {
    let (name, reference) = split(uses);
    let tool = |tool, version: Option<String>, cache: Option<SetupCache>| {
        Meaning::Toolchain(ToolUse {
            tool,
            version,
            components: vec![],
            cache,
            registry: None,
        })
    };
    // The setup action's own cache input, when it names one the spec has.
    let setup_cache = |key: &str, known: &[SetupCache]| -> Option<SetupCache> {
        let v = text(with, key)?;
        known.iter().copied().find(|c| c.as_str() == v)
    };
    match name {
        "actions/checkout" => {
            let mut full_history = false;
            for k in with.keys() {
                let depth = with.get(k).and_then(scalar_text);
                match k.as_str() {
                    "persist-credentials" => {}
                    "fetch-depth" if depth.as_deref() == Some("1") => {}
                    "fetch-depth" if depth.as_deref() == Some("0") => full_history = true,
                    "fetch-depth" => findings.push((ReportKind::Lost, "checkout", "`fetch-depth` other than 0 or 1: the generated checkout fetches one commit, or all history with `full_history: true`".into())),
                    other => findings.push((ReportKind::Lost, "checkout", format!("checkout input `{other}`: the generated checkout has no such option"))),
                }
            }
            Meaning::Checkout { full_history }
        }
        "actions/setup-python" => {
            let v = text(with, "python-version")
                .or_else(|| file_version(root, with, "python-version-file", findings));
            let cache = setup_cache(
                "cache",
                &[SetupCache::Pip, SetupCache::Pipenv, SetupCache::Poetry],
            );
            let used: &[&str] = if cache.is_some() {
                &["python-version", "python-version-file", "cache"]
            } else {
                &["python-version", "python-version-file"]
            };
            leftover(with, used, name, findings);
            tool("python", v, cache)
        }
        "astral-sh/setup-uv" => {
            let v = text(with, "version");
            if with.contains_key("python-version") {
                findings.push((
                    ReportKind::Note,
                    "toolchain",
                    "setup-uv `python-version`: Python comes from `setup.python`".into(),
                ));
            }
            let cache =
                (text(with, "enable-cache").as_deref() == Some("true")).then_some(SetupCache::Uv);
            leftover(
                with,
                &["version", "python-version", "enable-cache"],
                name,
                findings,
            );
            tool("uv", v, cache)
        }
        "actions/setup-node" => {
            let v = text(with, "node-version")
                .or_else(|| file_version(root, with, "node-version-file", findings));
            let cache = setup_cache(
                "cache",
                &[SetupCache::Npm, SetupCache::Pnpm, SetupCache::Yarn],
            );
            // A plain URL becomes `setup.node_registry`; one with an expression stays a leftover.
            let registry = text(with, "registry-url").filter(|u| {
                (u.starts_with("https://") || u.starts_with("http://"))
                    && !u.contains(|c: char| c.is_whitespace() || "${}'\"\\".contains(c))
            });
            let mut used = vec!["node-version", "node-version-file", "package-manager-cache"];
            if cache.is_some() {
                used.push("cache");
            }
            if registry.is_some() {
                used.push("registry-url");
            }
            leftover(with, &used, name, findings);
            match tool("node", v, cache) {
                Meaning::Toolchain(u) => Meaning::Toolchain(ToolUse { registry, ..u }),
                other => other,
            }
        }
        "actions/setup-go" => {
            let v = text(with, "go-version")
                .or_else(|| file_version(root, with, "go-version-file", findings));
            // setup-go caches modules unless told not to.
            let cache = (text(with, "cache").as_deref() != Some("false")).then_some(SetupCache::Go);
            leftover(
                with,
                &["go-version", "go-version-file", "cache"],
                name,
                findings,
            );
            tool("go", v, cache)
        }
        "actions/setup-java" => {
            let v = text(with, "java-version");
            if let Some(d) = text(with, "distribution").filter(|d| d != "temurin") {
                findings.push((
                    ReportKind::Note,
                    "toolchain",
                    format!("Java distribution `{d}`: cigen installs Temurin"),
                ));
            }
            leftover(with, &["java-version"], name, findings);
            tool("java", v, None)
        }
        "dtolnay/rust-toolchain" | "actions-rs/toolchain" => {
            // dtolnay's ref names the toolchain (`@stable`, `@1.74.0`), unless it is a branch
            // that takes a `toolchain` input.
            let from_ref = reference.filter(|r| {
                name == "dtolnay/rust-toolchain" && !matches!(*r, "master" | "v1") && r.len() != 40
            });
            let v = text(with, "toolchain").or(from_ref.map(str::to_string));
            let components = with
                .get("components")
                .and_then(|c| match c {
                    Value::String(s) => Some(
                        s.split([',', ' '])
                            .filter(|x| !x.is_empty())
                            .map(str::to_string)
                            .collect(),
                    ),
                    other => string_list(other),
                })
                .unwrap_or_default();
            leftover(
                with,
                &["toolchain", "components", "override", "default"],
                name,
                findings,
            );
            Meaning::Toolchain(ToolUse {
                tool: "rust",
                version: v.or(Some("stable".into())),
                components,
                cache: None,
                registry: None,
            })
        }
        "actions/cache" => Meaning::Cache(Some(caches::actions_cache(with))),
        "Swatinem/rust-cache" => Meaning::Cache(Some(caches::rust_cache(with))),
        "actions/cache/restore" | "actions/cache/save" => {
            findings.push((
                ReportKind::Lost,
                "cache",
                format!("`{name}`: a cache restored or saved alone has no equivalent in the job's `cache:`"),
            ));
            Meaning::Cache(None)
        }
        "actions/upload-artifact" => {
            let paths = text(with, "path")
                .map(|p| {
                    p.lines()
                        .map(str::trim)
                        .filter(|l| !l.is_empty())
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default();
            for k in with.keys() {
                if !["path", "name", "if-no-files-found", "include-hidden-files"]
                    .contains(&k.as_str())
                {
                    findings.push((
                        ReportKind::Note,
                        "artifacts",
                        format!("upload-artifact input `{k}`: cigen uploads with its own settings"),
                    ));
                }
            }
            Meaning::Upload(paths)
        }
        "actions/download-artifact" => Meaning::Download,
        _ => Meaning::Remote,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(yaml: &str) -> IndexMap<String, Value> {
        serde_yaml::from_str(yaml).unwrap()
    }

    #[test]
    fn toolchains_caches_and_artifacts() {
        let root = tempfile::tempdir().unwrap();
        std::fs::write(root.path().join(".nvmrc"), "v22.11.0\n").unwrap();
        let mut f = Vec::new();
        assert_eq!(
            meaning(
                "actions/setup-node@v4",
                &with("node-version-file: .nvmrc\ncache: pnpm"),
                root.path(),
                &mut f
            ),
            Meaning::Toolchain(ToolUse {
                tool: "node",
                version: Some("22.11.0".into()),
                components: vec![],
                cache: Some(SetupCache::Pnpm),
                registry: None,
            })
        );
        assert!(!f.iter().any(|x| x.1 == "cache"), "{f:?}");
        let m = meaning(
            "dtolnay/rust-toolchain@nightly",
            &with("components: miri, rust-src"),
            root.path(),
            &mut f,
        );
        assert_eq!(
            m,
            Meaning::Toolchain(ToolUse {
                tool: "rust",
                version: Some("nightly".into()),
                components: vec!["miri".into(), "rust-src".into()],
                cache: None,
                registry: None,
            })
        );
        let m = meaning(
            "dtolnay/rust-toolchain@master",
            &with("toolchain: ${{ matrix.rust }}"),
            root.path(),
            &mut f,
        );
        assert!(
            matches!(m, Meaning::Toolchain(t) if t.version.as_deref() == Some("${{ matrix.rust }}"))
        );
        assert_eq!(
            meaning(
                "actions/upload-artifact@v4",
                &with("name: dist\npath: |\n  dist/\n  sbom.json\n"),
                root.path(),
                &mut f
            ),
            Meaning::Upload(vec!["dist/".into(), "sbom.json".into()])
        );
        assert_eq!(
            meaning("codecov/codecov-action@v5", &with(""), root.path(), &mut f),
            Meaning::Remote
        );
    }
}
