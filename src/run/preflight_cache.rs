//! Remembers what a toolchain probe found, so a local run does not start `python3 --version`
//! (54 ms through a pyenv shim) before every run: one small file in the user's cache
//! directory (`$CIGEN_CACHE_DIR`, `$XDG_CACHE_HOME/cigen` or `~/.cache/cigen`).
//!
//! An answer is reused only while everything that decides it is unchanged: the tool, PATH,
//! the program PATH finds (its real path, size, modification time and inode), the directory
//! the probe runs in, the variables version managers read (pyenv, asdf, mise, rustup, nvm,
//! SDKMAN!, …) and the version files they read there and in every parent (`.python-version`,
//! `rust-toolchain.toml`, `.tool-versions`, …) and in the home directory. Whatever is missed
//! (a manager reading something else) is bounded by [`MAX_AGE`]: the result is a warning, so
//! a stale answer costs a wrong warning for at most that long, never a failed run.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// How long an answer is trusted at most.
const MAX_AGE: Duration = Duration::from_secs(24 * 3600);

/// The cache file's name; the suffix changes when the format does.
const FILE: &str = "preflight-v1";

/// Files version managers read to choose a toolchain, in the directory and its parents.
const VERSION_FILES: &[&str] = &[
    ".python-version",
    ".tool-versions",
    ".node-version",
    ".nvmrc",
    "rust-toolchain",
    "rust-toolchain.toml",
    ".go-version",
    "go.mod",
    "go.work",
    ".java-version",
    ".sdkmanrc",
    "mise.toml",
    ".mise.toml",
    "package.json",
    ".uv-version",
    "uv.toml",
    "pyproject.toml",
];

/// The same managers' global choices, under the home directory.
const HOME_FILES: &[&str] = &[
    ".pyenv/version",
    ".tool-versions",
    ".rustup/settings.toml",
    ".config/mise/config.toml",
    ".nvm/alias/default",
    ".sdkman/candidates/java/current",
    ".volta/tools/user/platform.json",
];

/// Variables that can change which toolchain a program or shim picks.
fn relevant(name: &str) -> bool {
    const PARTS: &[&str] = &[
        "PYTHON",
        "PYENV",
        "VIRTUAL_ENV",
        "CONDA",
        "UV_",
        "NODE",
        "NVM",
        "FNM",
        "VOLTA",
        "NPM_",
        "RUST",
        "CARGO",
        "GOROOT",
        "GOPATH",
        "GOTOOLCHAIN",
        "GOFLAGS",
        "JAVA",
        "JDK",
        "SDKMAN",
        "ASDF",
        "MISE",
        "RTX",
        "HOME",
    ];
    name == "PATH" || PARTS.iter().any(|p| name.contains(p))
}

/// The user's cache directory for cigen, if there is one.
pub(crate) fn dir(env: &HashMap<String, String>) -> Option<PathBuf> {
    let get = |k: &str| env.get(k).filter(|v| !v.is_empty()).map(PathBuf::from);
    get("CIGEN_CACHE_DIR")
        .or_else(|| get("XDG_CACHE_HOME").map(|d| d.join("cigen")))
        .or_else(|| get("HOME").map(|h| h.join(".cache/cigen")))
}

fn stamp(h: &mut impl Hasher, path: &Path) {
    if let Ok(m) = std::fs::metadata(path) {
        path.hash(h);
        m.len().hash(h);
        m.modified().ok().hash(h);
        #[cfg(unix)]
        std::os::unix::fs::MetadataExt::ino(&m).hash(h);
    }
}

/// What every probe of a run shares in its key: the variables, the probe directory and the
/// version files. Computed once per run.
pub(crate) fn context_key(env: &HashMap<String, String>, root: &Path) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    let mut vars: Vec<(&String, &String)> = env.iter().filter(|(k, _)| relevant(k)).collect();
    vars.sort();
    vars.hash(&mut h);
    root.hash(&mut h);
    for d in root.ancestors() {
        for f in VERSION_FILES {
            stamp(&mut h, &d.join(f));
        }
    }
    if let Some(home) = env.get("HOME").filter(|h| !h.is_empty()) {
        for f in HOME_FILES {
            stamp(&mut h, &Path::new(home).join(f));
        }
    }
    h.finish()
}

/// The key of one probe: the run's context, what is asked (`python3 --version`) and the
/// program PATH finds for it.
pub(crate) fn key(context: u64, asked: &str, program: &Path) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    context.hash(&mut h);
    asked.hash(&mut h);
    stamp(&mut h, program);
    if let Ok(real) = std::fs::canonicalize(program) {
        stamp(&mut h, &real);
    }
    h.finish()
}

/// Runs `program args` in `dir` and reads the version it prints (stdout or stderr): `None`
/// when it cannot run or fails, `unknown` when it prints no version.
pub(crate) fn run_probe(program: &Path, args: &[&str], dir: &Path) -> Option<String> {
    let out = std::process::Command::new(program)
        .args(args)
        .current_dir(dir)
        .stdin(std::process::Stdio::null())
        .output()
        .ok()
        .filter(|o| o.status.success())?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    Some(super::preflight::version_in(&text).unwrap_or_else(|| "unknown".into()))
}

/// A probe the cache could not answer: run it (`run_probe`), then [`Prober::remember`].
pub(crate) struct Miss {
    pub program: PathBuf,
    pub key: u64,
}

/// Version probes (`python3 --version` …) answered from the cache while nothing that decides
/// them changed; shared by the toolchain selection and the pre-flight of one run.
pub(crate) struct Prober {
    /// The variables the context key hashes, kept until the first probe needs it.
    vars: HashMap<String, String>,
    path: Option<String>,
    dir: PathBuf,
    cache_dir: Option<PathBuf>,
    /// The context key and the cache, computed and read on the first probe: a run that
    /// probes nothing (no `setup:`, a dry run in CI) stats no version file and reads no cache.
    context: std::cell::OnceCell<u64>,
    cache: std::cell::OnceCell<std::cell::RefCell<Option<Cache>>>,
    dirty: std::cell::Cell<bool>,
}

impl Prober {
    /// Probes run in `dir` (where steps run) with the program PATH (from `env`) finds.
    pub(crate) fn new(env: &HashMap<String, String>, dir: &Path) -> Prober {
        Prober {
            vars: env
                .iter()
                .filter(|(k, _)| relevant(k))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            path: env.get("PATH").cloned(),
            dir: dir.to_path_buf(),
            cache_dir: self::dir(env),
            context: std::cell::OnceCell::new(),
            cache: std::cell::OnceCell::new(),
            dirty: std::cell::Cell::new(false),
        }
    }

    fn context(&self) -> u64 {
        *self
            .context
            .get_or_init(|| context_key(&self.vars, &self.dir))
    }

    fn cache(&self) -> &std::cell::RefCell<Option<Cache>> {
        self.cache
            .get_or_init(|| std::cell::RefCell::new(self.cache_dir.as_deref().map(Cache::open)))
    }

    /// The cached answer for `program args`, or what to run to get it. A program not on PATH
    /// is answered at once (`None`).
    pub(crate) fn cached(&self, program: &str, args: &[&str]) -> Result<Option<String>, Miss> {
        let Some(exe) = super::which::resolve(program, self.path.as_deref()) else {
            return Ok(None);
        };
        let key = key(
            self.context(),
            &format!("{program} {}", args.join(" ")),
            &exe,
        );
        match self.cache().borrow().as_ref().and_then(|c| c.get(key)) {
            Some(found) => Ok(found),
            None => Err(Miss { program: exe, key }),
        }
    }

    /// What `program args` reports as its version (see `run_probe`), probing only when the
    /// cache cannot answer.
    pub(crate) fn version(&self, program: &str, args: &[&str]) -> Option<String> {
        self.cached(program, args).unwrap_or_else(|miss| {
            let found = run_probe(&miss.program, args, &self.dir);
            self.remember(miss.key, found.clone());
            found
        })
    }

    pub(crate) fn remember(&self, key: u64, found: Option<String>) {
        if let Some(c) = self.cache().borrow_mut().as_mut() {
            c.put(key, found);
            self.dirty.set(true);
        }
    }

    /// Writes what was learnt, if anything.
    pub(crate) fn save(&self) {
        if self.dirty.get() {
            if let Some(c) = self.cache().borrow().as_ref() {
                c.save();
            }
        }
    }
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Answers by key: what the probe found (`None`: the program failed), and when.
pub(crate) struct Cache {
    path: PathBuf,
    entries: HashMap<u64, (u64, Option<String>)>,
}

impl Cache {
    /// Reads the cache; a missing or unreadable file is an empty cache.
    pub(crate) fn open(dir: &Path) -> Cache {
        let path = dir.join(FILE);
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let oldest = now().saturating_sub(MAX_AGE.as_secs());
        let entries = text
            .lines()
            .filter_map(|l| {
                let mut parts = l.splitn(3, ' ');
                let key = u64::from_str_radix(parts.next()?, 16).ok()?;
                let at: u64 = parts.next()?.parse().ok()?;
                let found = match parts.next()? {
                    "-" => None,
                    v => Some(v.to_string()),
                };
                (at >= oldest).then_some((key, (at, found)))
            })
            .collect();
        Cache { path, entries }
    }

    pub(crate) fn get(&self, key: u64) -> Option<Option<String>> {
        self.entries.get(&key).map(|(_, found)| found.clone())
    }

    pub(crate) fn put(&mut self, key: u64, found: Option<String>) {
        self.entries.insert(key, (now(), found));
    }

    /// Writes the cache atomically (a temporary file renamed over it). Failures are ignored:
    /// the cache only saves time.
    pub(crate) fn save(&self) {
        let mut text = String::new();
        for (key, (at, found)) in &self.entries {
            let found = found
                .as_deref()
                .filter(|f| !f.contains(char::is_whitespace));
            text.push_str(&format!("{key:016x} {at} {}\n", found.unwrap_or("-")));
        }
        let Some(dir) = self.path.parent() else {
            return;
        };
        if std::fs::create_dir_all(dir).is_err() {
            return;
        }
        if let Ok(mut tmp) = tempfile::NamedTempFile::new_in(dir) {
            use std::io::Write;
            if tmp.write_all(text.as_bytes()).is_ok() {
                let _ = tmp.persist(&self.path);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_survive_a_save_and_keys_follow_what_decides_them() {
        let dir = tempfile::tempdir().unwrap();
        let mut c = Cache::open(dir.path());
        c.put(7, Some("3.12.1".into()));
        c.put(9, None);
        c.save();
        let c = Cache::open(dir.path());
        assert_eq!(c.get(7), Some(Some("3.12.1".into())));
        assert_eq!(c.get(9), Some(None));
        assert_eq!(c.get(8), None);

        let env: HashMap<String, String> = [("PATH".to_string(), "/bin".to_string())].into();
        let root = dir.path().join("repo/sub");
        std::fs::create_dir_all(&root).unwrap();
        let before = context_key(&env, &root);
        assert_eq!(before, context_key(&env, &root));
        // A version file in a parent, or a version manager's variable, changes the key.
        std::fs::write(dir.path().join("repo/.python-version"), "3.13\n").unwrap();
        let with_file = context_key(&env, &root);
        assert_ne!(before, with_file);
        let mut env2 = env.clone();
        env2.insert("PYENV_VERSION".into(), "3.11".into());
        assert_ne!(with_file, context_key(&env2, &root));
        env2.insert("OLDPWD".into(), "/elsewhere".into());
        env2.remove("PYENV_VERSION");
        assert_eq!(with_file, context_key(&env2, &root));
    }
}
