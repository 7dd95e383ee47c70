//! A job's cache: directories CI restores before `cigen run` and saves after it, keyed by the
//! hash of the files that decide their contents (lockfiles), and the setup actions' own caches.
//! Nothing happens locally: a laptop keeps its directories anyway.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Glob, RelPath};

/// What CI caches for a job: `actions/cache` on GitHub and Forgejo, `cache:` on GitLab. The key is `<name>-<runner OS>-<hash of files>`, written by cigen.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Cache {
    /// Key prefix: letters, digits, `-`, `_`, `.`. Default: the job's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Directories or files to keep, inside the repository (e.g. `.cache/pre-commit`, `node_modules`): point tools there (`PRE_COMMIT_HOME`, `UV_CACHE_DIR`, ...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub paths: Vec<RelPath>,
    /// Files whose contents make the key (lockfiles, e.g. `uv.lock`): a change to any of them starts a new cache. Globs allowed; at most 2 when GitLab is a target (`cache:key:files`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<Glob>,
    /// The setup actions' own caches to switch on (GitHub and Forgejo): `uv` (setup-uv `enable-cache`), `pip`/`pipenv`/`poetry` (setup-python `cache`), `npm`/`pnpm`/`yarn` (setup-node `cache`), `go` (setup-go `cache`). Each needs its toolchain in `setup`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub setup: Vec<SetupCache>,
}

/// A setup action's own cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SetupCache {
    /// uv's cache (setup-uv `enable-cache: true`); needs `setup.uv`.
    Uv,
    /// pip's cache (setup-python `cache: pip`); needs `setup.python`.
    Pip,
    /// Pipenv's cache (setup-python `cache: pipenv`); needs `setup.python`.
    Pipenv,
    /// Poetry's cache (setup-python `cache: poetry`); needs `setup.python`.
    Poetry,
    /// npm's cache (setup-node `cache: npm`); needs `setup.node`.
    Npm,
    /// pnpm's store (setup-node `cache: pnpm`; pnpm must be installed before it); needs `setup.node`.
    Pnpm,
    /// Yarn's cache (setup-node `cache: yarn`); needs `setup.node`.
    Yarn,
    /// Go's module and build caches (setup-go `cache: true`); needs `setup.go`.
    Go,
}

impl SetupCache {
    /// The word as written in the spec (and as setup-python/setup-node take it).
    pub fn as_str(self) -> &'static str {
        match self {
            SetupCache::Uv => "uv",
            SetupCache::Pip => "pip",
            SetupCache::Pipenv => "pipenv",
            SetupCache::Poetry => "poetry",
            SetupCache::Npm => "npm",
            SetupCache::Pnpm => "pnpm",
            SetupCache::Yarn => "yarn",
            SetupCache::Go => "go",
        }
    }

    /// The `setup` toolchain whose action holds this cache.
    pub fn tool(self) -> &'static str {
        match self {
            SetupCache::Uv => "uv",
            SetupCache::Pip | SetupCache::Pipenv | SetupCache::Poetry => "python",
            SetupCache::Npm | SetupCache::Pnpm | SetupCache::Yarn => "node",
            SetupCache::Go => "go",
        }
    }
}
