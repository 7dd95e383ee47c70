//! Caches of a workflow job → the job's typed `cache:`: `actions/cache` (its paths, and the
//! files its key hashes), `Swatinem/rust-cache` (`target/`, keyed on the Cargo manifests and
//! lock) and the setup actions' own caches (`enable-cache`, `cache: pnpm`). A path under the
//! home directory that a tool can be pointed elsewhere from (`~/.cache/pre-commit`) moves into
//! the repository with the tool's variable, since cigen caches only paths inside it.

use indexmap::IndexMap;
use serde_yaml::Value;

use super::model::scalar_text;
use crate::import::report::Kind;
use crate::import::typed;
use crate::spec::{self, EnvValue, Scalar, SetupCache};

/// What one cache step asks for, before it is checked against the spec's rules.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct CacheUse {
    /// The key's literal prefix (`pre-commit-${{ ... }}` → `pre-commit`).
    pub(crate) name: Option<String>,
    pub(crate) paths: Vec<String>,
    /// Key files: the arguments of `hashFiles(...)`.
    pub(crate) files: Vec<String>,
    /// Variables that point a tool at a path inside the repository.
    pub(crate) env: Vec<(String, String)>,
    /// What the spec's cache cannot keep: `(kind, message)`.
    pub(crate) findings: Vec<(Kind, String)>,
}

/// Directories under the home directory that a variable moves: `(path, variable, new path)`.
const MOVABLE: &[(&str, &str, &str)] = &[
    (
        "~/.cache/pre-commit",
        "PRE_COMMIT_HOME",
        ".cache/pre-commit",
    ),
    ("~/.cache/pip", "PIP_CACHE_DIR", ".cache/pip"),
    ("~/.cache/uv", "UV_CACHE_DIR", ".cache/uv"),
    ("~/.npm", "npm_config_cache", ".cache/npm"),
    ("~/.cache/go-build", "GOCACHE", ".cache/go-build"),
    ("~/go/pkg/mod", "GOMODCACHE", ".cache/go-mod"),
];

/// The arguments of every `hashFiles(...)` in a key.
fn hashed_files(key: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = key;
    while let Some(i) = rest.find("hashFiles(") {
        let after = &rest[i + "hashFiles(".len()..];
        let Some(end) = after.find(')') else { break };
        for arg in after[..end].split(',') {
            let a = arg.trim().trim_matches('\'').trim_matches('"').to_string();
            if !a.is_empty() && !out.contains(&a) {
                out.push(a);
            }
        }
        rest = &after[end..];
    }
    out
}

/// `actions/cache`: its `path` lines and its key.
pub(crate) fn actions_cache(with: &IndexMap<String, Value>) -> CacheUse {
    let mut u = CacheUse::default();
    let key = with.get("key").and_then(scalar_text).unwrap_or_default();
    let prefix: String = key
        .split("${{")
        .next()
        .unwrap_or_default()
        .trim_end_matches(['-', '_', '.'])
        .to_string();
    if !prefix.is_empty() {
        u.name = Some(prefix);
    }
    u.files = hashed_files(&key);
    let others = key.matches("${{").count() - key.matches("hashFiles(").count();
    if others > 0 {
        u.findings.push((Kind::Note, format!("cache key `{key}`: cigen's key is the cache's name, the runner's OS, the matrix cell and the hash of its files; the key's other expressions are not part of it")));
    }
    let paths = with.get("path").and_then(scalar_text).unwrap_or_default();
    for p in paths.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let p = p.trim_end_matches('/');
        if let Some((_, var, inside)) = MOVABLE.iter().find(|(home, _, _)| *home == p) {
            u.paths.push(inside.to_string());
            u.env.push((var.to_string(), inside.to_string()));
            u.findings.push((Kind::Note, format!("cache path `{p}` is outside the repository: the job sets `{var}: {inside}` and caches that")));
        } else if p.starts_with('~')
            || p.starts_with('/')
            || p.contains("${{")
            || p.starts_with('!')
        {
            u.findings.push((Kind::Lost, format!("cache path `{p}`: cigen caches only paths inside the repository; point the tool at one there")));
        } else {
            u.paths.push(p.to_string());
        }
    }
    for k in with.keys() {
        if !["key", "path", "restore-keys"].contains(&k.as_str()) {
            u.findings.push((
                Kind::Note,
                format!("`actions/cache` input `{k}`: cigen's cache step has its own settings"),
            ));
        }
    }
    u
}

/// `Swatinem/rust-cache`: the build directory, keyed on the manifests and the lock file.
pub(crate) fn rust_cache(with: &IndexMap<String, Value>) -> CacheUse {
    let mut u = CacheUse {
        name: Some("cargo".into()),
        paths: vec!["target".into()],
        files: vec!["**/Cargo.toml".into(), "**/Cargo.lock".into()],
        ..CacheUse::default()
    };
    u.findings.push((Kind::Note, "`Swatinem/rust-cache`: the job caches `target/` keyed on the Cargo manifests and lock file; cargo's registry under `~/.cargo` is outside the repository and is not cached".into()));
    for k in with.keys() {
        u.findings.push((
            Kind::Note,
            format!("`Swatinem/rust-cache` input `{k}`: cigen's cache step has its own settings"),
        ));
    }
    u
}

/// The job's `cache:` from its cache steps and its setup actions' caches, and the variables
/// that point tools into the cached paths; what cannot be kept is returned as
/// `(kind, message)` to report.
pub(crate) fn fold(
    uses: &[CacheUse],
    setup: &[SetupCache],
    env: &mut IndexMap<String, EnvValue>,
) -> (Option<spec::Cache>, Vec<(Kind, String)>) {
    let mut findings: Vec<(Kind, String)> = Vec::new();
    let mut c = spec::Cache::default();
    let mut rejected = Vec::new();
    for u in uses {
        findings.extend(u.findings.iter().cloned());
        if u.paths.is_empty() {
            continue;
        }
        if u.files.is_empty() {
            findings.push((Kind::Lost, format!("cache of {} without `hashFiles(...)` in its key: a spec cache of paths is keyed on files", u.paths.join(", "))));
            continue;
        }
        if c.name.is_none() {
            c.name = u.name.clone().filter(|n| {
                n.chars()
                    .all(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '_' | '-' | '.'))
            });
        } else if uses.iter().filter(|x| !x.paths.is_empty()).count() > 1 {
            findings.push((Kind::Note, "several caches of one job became one (`cache:` is one per job): a change to any of their key files renews all of them".into()));
        }
        for p in &u.paths {
            match typed::rel_path(p) {
                Ok(r) if !c.paths.contains(&r) => c.paths.push(r),
                Ok(_) => {}
                Err(why) => findings.push((Kind::Lost, format!("cache path `{p}`: {why}"))),
            }
        }
        for g in typed::globs(&u.files, &mut rejected) {
            if !c.files.contains(&g) {
                c.files.push(g);
            }
        }
        for (k, v) in &u.env {
            env.insert(k.clone(), EnvValue::Plain(Scalar(v.clone())));
        }
    }
    for r in rejected {
        findings.push((
            Kind::Lost,
            format!("cache key file `{r}` is not a glob cigen reads"),
        ));
    }
    for s in setup {
        if !c.setup.contains(s) {
            c.setup.push(*s);
        }
    }
    let cache = (c != spec::Cache::default()).then_some(c);
    (cache, findings)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(yaml: &str) -> IndexMap<String, Value> {
        serde_yaml::from_str(yaml).unwrap()
    }

    #[test]
    fn cache_steps_become_paths_files_and_a_name() {
        let u = actions_cache(&with("path: |\n  ~/.cache/pre-commit\n  .mypy_cache/\nkey: pre-commit-${{ env.PY }}-${{ hashFiles('.pre-commit-config.yaml', '**/uv.lock') }}\n"));
        assert_eq!(u.name.as_deref(), Some("pre-commit"));
        assert_eq!(u.paths, [".cache/pre-commit", ".mypy_cache"]);
        assert_eq!(u.files, [".pre-commit-config.yaml", "**/uv.lock"]);
        assert_eq!(
            u.env,
            [(
                "PRE_COMMIT_HOME".to_string(),
                ".cache/pre-commit".to_string()
            )]
        );
        let mut env = IndexMap::new();
        let (c, f) = fold(&[u], &[SetupCache::Uv], &mut env);
        let c = c.unwrap();
        assert_eq!(c.setup, [SetupCache::Uv]);
        assert_eq!(c.paths.len(), 2);
        assert!(env.contains_key("PRE_COMMIT_HOME"));
        assert!(f.iter().all(|(k, _)| *k == Kind::Note), "{f:?}");
        let u = actions_cache(&with("path: ~/.cargo/registry\nkey: x\n"));
        assert_eq!(u.findings[0].0, Kind::Lost);
    }
}
