//! Which toolchain versions a unit runs on, the same meaning everywhere: a matrix axis named
//! after a toolchain (`python`, `node`, `rust`, `go`, `java`) picks the cell's version, and
//! `setup:` picks it for jobs without such an axis. cigen selects it with the tools' own
//! mechanisms — `RUSTUP_TOOLCHAIN`, `pythonX.Y` (and uv's `UV_PYTHON`), node and java from
//! PATH or the common version managers, `GOTOOLCHAIN` — and on a laptop a unit whose version
//! is not there fails before its first step, naming the version and how to get it: it never
//! runs on another one. In CI the provider installed the version (GitHub's setup steps, the
//! GitLab image of the cell); cigen selects it the same way when it finds it by name, and
//! otherwise leaves what the provider set up.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::overlay::StepEnv;
use super::preflight::{hint, matches, version_in};
use super::preflight_cache::Prober;
use crate::model::{Cell, Job};

/// The toolchains cigen selects, by the name of their matrix axis and `setup:` key.
pub(crate) const TOOLS: &[&str] = &["python", "node", "rust", "go", "java"];

/// What a unit's steps get so that they run on the asked versions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Selected {
    /// Variables to set (`RUSTUP_TOOLCHAIN`, `UV_PYTHON`, `GOTOOLCHAIN`, `JAVA_HOME`).
    pub env: Vec<(String, String)>,
    /// Directories to put first on PATH, in this order.
    pub path: Vec<PathBuf>,
}

impl Selected {
    /// Applies the selection to a step's env.
    pub(crate) fn apply(&self, env: &mut StepEnv<'_>) {
        for (k, v) in &self.env {
            env.insert(k.clone(), v.clone());
        }
        if !self.path.is_empty() {
            let mut dirs = self.path.clone();
            if let Some(old) = env.get("PATH") {
                dirs.extend(std::env::split_paths(old));
            }
            if let Ok(joined) = std::env::join_paths(dirs) {
                env.insert("PATH".into(), joined.to_string_lossy().into_owned());
            }
        }
    }
}

/// The versions a unit asks for: its cell's toolchain axes, else its job's `setup:`.
pub(crate) fn wanted(job: &Job, cell: &Cell) -> Vec<(&'static str, String)> {
    let setup = job.setup.tools();
    TOOLS
        .iter()
        .filter_map(|t| {
            let v = cell.values.get(*t).cloned().or_else(|| {
                setup
                    .iter()
                    .find(|(n, _)| n == t)
                    .map(|(_, v)| v.to_string())
            })?;
            Some((*t, v))
        })
        .collect()
}

/// Finds toolchains, once per tool and version, and makes the wrappers `python` needs.
pub(crate) struct Resolver<'a> {
    env: &'a HashMap<String, String>,
    /// Version probes, cached across runs (`preflight_cache.rs`): a repeated run starts none.
    /// Made on the first probe: a run without `setup:` never sifts the environment for it.
    prober: std::cell::OnceCell<Prober>,
    dir: std::path::PathBuf,
    /// A laptop: a missing version fails the unit. CI: the provider set it up.
    strict: bool,
    shims: Option<tempfile::TempDir>,
    cache: HashMap<(&'static str, String), Result<Selected, String>>,
}

impl<'a> Resolver<'a> {
    /// Probes run in `dir`, where the steps run.
    pub(crate) fn new(env: &'a HashMap<String, String>, strict: bool, dir: &Path) -> Self {
        Resolver {
            env,
            prober: std::cell::OnceCell::new(),
            dir: dir.to_path_buf(),
            strict,
            shims: None,
            cache: HashMap::new(),
        }
    }

    /// The directory holding the wrappers; kept until the run ends.
    pub(crate) fn into_shims(self) -> Option<tempfile::TempDir> {
        if let Some(prober) = self.prober.get() {
            prober.save();
        }
        self.shims
    }

    /// The version `program args` reports, `None` when it cannot say.
    fn version_of(&self, program: &str, args: &[&str]) -> Option<String> {
        self.prober
            .get_or_init(|| Prober::new(self.env, &self.dir))
            .version(program, args)
            .filter(|v| v != "unknown")
    }

    /// Whether the interpreter at `p` reports version `v` (`3.12` accepts `3.12.4`).
    fn runs_as(&self, p: &Path, v: &str) -> bool {
        self.version_of(&p.to_string_lossy(), &["--version"])
            .is_some_and(|f| matches(v, &f))
    }

    /// The selection for a unit asking for `wanted`, or why it cannot run.
    pub(crate) fn select(&mut self, wanted: &[(&'static str, String)]) -> Result<Selected, String> {
        let mut all = Selected::default();
        for (tool, v) in wanted {
            let key = (*tool, v.clone());
            if !self.cache.contains_key(&key) {
                let found = self.find(tool, v);
                self.cache.insert(key.clone(), found);
            }
            match &self.cache[&key] {
                Ok(s) => {
                    all.env.extend(s.env.iter().cloned());
                    all.path.extend(s.path.iter().cloned());
                }
                Err(e) if self.strict => return Err(e.clone()),
                Err(_) => {}
            }
        }
        Ok(all)
    }

    fn find(&mut self, tool: &str, v: &str) -> Result<Selected, String> {
        let missing = |found: Option<String>| {
            let here = found.map_or_else(String::new, |f| format!(" (this machine has {f})"));
            format!(
                "{tool} {v} is not installed{here}: {}; cigen never runs a cell on another version",
                hint(tool, v)
            )
        };
        match tool {
            "rust" => self
                .rust(v)
                .ok_or_else(|| missing(self.version_of("rustc", &["--version"]))),
            "python" => self
                .python(v)
                .ok_or_else(|| missing(self.version_of("python3", &["--version"]))),
            "go" => self.go(v).ok_or_else(|| missing(None)),
            "node" => self
                .on_path_or_managed("node", &["--version"], v, &node_dirs(self.home()))
                .ok_or_else(|| missing(self.version_of("node", &["--version"]))),
            _ => self
                .java(v)
                .ok_or_else(|| missing(self.version_of("java", &["-version"]))),
        }
    }

    fn home(&self) -> PathBuf {
        self.env.get("HOME").map(PathBuf::from).unwrap_or_default()
    }

    /// rustup's toolchain named `v` (`nightly`, `stable`, `1.86` for `1.86.0`) through
    /// `RUSTUP_TOOLCHAIN`; without rustup, a `rustc` of that version.
    fn rust(&self, v: &str) -> Option<Selected> {
        let Some(list) = output("rustup", &["toolchain", "list"]) else {
            let found = self.version_of("rustc", &["--version"])?;
            return matches(v, &found).then(Selected::default);
        };
        // `nightly` is the `nightly-<host>` toolchain before any dated `nightly-2025-01-01-…`;
        // among versions the newest: `1.86` takes `1.86.1` over `1.86.0`.
        let name = list
            .lines()
            .filter_map(|l| l.split_whitespace().next())
            .filter(|name| {
                *name == v
                    || name.strip_prefix(v).is_some_and(|rest| {
                        rest.starts_with('-') || (rest.starts_with('.') && v.contains('.'))
                    })
            })
            .max_by_key(|name| {
                let plain = name[v.len()..]
                    .strip_prefix('-')
                    .is_some_and(|host| !host.starts_with(|c: char| c.is_ascii_digit()));
                (plain, numbers(name))
            })?;
        Some(Selected {
            env: vec![("RUSTUP_TOOLCHAIN".into(), name.to_string())],
            path: vec![],
        })
    }

    /// `pythonX.Y` on PATH, in pyenv's versions or as uv finds it, behind a `python` and
    /// `python3` of its own; uv gets `UV_PYTHON`.
    fn python(&mut self, v: &str) -> Option<Selected> {
        let minor: String = v.split('.').take(2).collect::<Vec<_>>().join(".");
        let name = format!("python{minor}");
        let on_path = which(&name, self.env).filter(|p| self.runs_as(p, v));
        let pyenv = || {
            let root = self
                .env
                .get("PYENV_ROOT")
                .map(PathBuf::from)
                .unwrap_or_else(|| self.home().join(".pyenv"));
            managed(&root.join("versions"), v, |d| d.join("bin").join(&name))
        };
        let uv = || {
            output("uv", &["python", "find", v])
                .map(|o| PathBuf::from(o.trim()))
                .filter(|p| p.is_file())
        };
        let found = on_path.or_else(pyenv).or_else(uv)?;
        let dir = self.wrappers(&format!("python-{v}"), &found, &["python", "python3"])?;
        Some(Selected {
            env: vec![("UV_PYTHON".into(), v.to_string())],
            path: vec![dir],
        })
    }

    /// A `go` of version `v`, or go's own `GOTOOLCHAIN` to fetch and run that version. A
    /// `GOTOOLCHAIN` already in the environment is go's switch set by hand: left alone.
    fn go(&self, v: &str) -> Option<Selected> {
        if self.env.get("GOTOOLCHAIN").is_some_and(|g| !g.is_empty()) {
            return Some(Selected::default());
        }
        let found = self.version_of("go", &["version"])?;
        if matches(v, &found) {
            return Some(Selected::default());
        }
        let full = if v.split('.').count() == 2 {
            format!("{v}.0")
        } else {
            v.to_string()
        };
        Some(Selected {
            env: vec![("GOTOOLCHAIN".into(), format!("go{full}"))],
            path: vec![],
        })
    }

    fn java(&self, v: &str) -> Option<Selected> {
        if self
            .version_of("java", &["-version"])
            .is_some_and(|f| matches(v, &java_major(&f)))
        {
            return Some(Selected::default());
        }
        let home = self.home();
        let roots = [
            PathBuf::from("/usr/lib/jvm"),
            home.join(".sdkman/candidates/java"),
            home.join(".asdf/installs/java"),
        ];
        let dir = roots
            .iter()
            .find_map(|r| managed(r, v, |d| d.to_path_buf()))?;
        Some(Selected {
            env: vec![("JAVA_HOME".into(), dir.to_string_lossy().into_owned())],
            path: vec![dir.join("bin")],
        })
    }

    /// `tool` on PATH when its version matches; else the newest matching install under one
    /// of the version managers' directories (its `bin` first on PATH).
    fn on_path_or_managed(
        &self,
        tool: &str,
        args: &[&str],
        v: &str,
        roots: &[(PathBuf, &str)],
    ) -> Option<Selected> {
        if self.version_of(tool, args).is_some_and(|f| matches(v, &f)) {
            return Some(Selected::default());
        }
        let bin = roots
            .iter()
            .find_map(|(root, sub)| managed(root, v, |d| d.join(sub)))?;
        Some(Selected {
            env: vec![],
            path: vec![bin],
        })
    }

    /// A directory holding `names`, each a wrapper that runs `target`. It is kept in the
    /// user's cache directory, named after the wrappers' text, so later runs find it made:
    /// making a directory and two files costs about 2 ms of CPU and 6 ms of wall time per run
    /// on ext4 (as much as the rest of a small run), reading them back a few microseconds.
    /// A wrapper whose text differs (edited, half-written by a killed run) is written again,
    /// atomically. Without a cache directory, in a temporary one removed after the run.
    fn wrappers(&mut self, label: &str, target: &Path, names: &[&str]) -> Option<PathBuf> {
        use std::hash::{Hash, Hasher};
        let quoted = target.to_string_lossy().replace('\'', r"'\''");
        let script = format!("#!/bin/sh\nexec '{quoted}' \"$@\"\n");
        if let Some(cache) = super::preflight_cache::dir(self.env) {
            let mut h = std::hash::DefaultHasher::new();
            (label, &script).hash(&mut h);
            let dir = cache
                .join("toolchains")
                .join(format!("{label}-{:016x}", h.finish()));
            let ready = |n: &&str| {
                has_text(&dir.join(n), &script) || replace_executable(&dir, n, &script).is_some()
            };
            if std::fs::create_dir_all(&dir).is_ok() && names.iter().all(ready) {
                return Some(dir);
            }
        }
        let dir = self.shim_dir(label)?;
        for n in names {
            write_executable(&dir.join(n), &script)?;
        }
        Some(dir)
    }

    fn shim_dir(&mut self, name: &str) -> Option<PathBuf> {
        if self.shims.is_none() {
            self.shims = tempfile::Builder::new()
                .prefix("cigen-toolchains-")
                .tempdir()
                .ok();
        }
        let dir = self.shims.as_ref()?.path().join(name);
        std::fs::create_dir_all(&dir).ok()?;
        Some(dir)
    }
}

/// Where nvm, fnm, volta and asdf keep Node versions, and the `bin` inside each.
fn node_dirs(home: PathBuf) -> Vec<(PathBuf, &'static str)> {
    vec![
        (home.join(".nvm/versions/node"), "bin"),
        (
            home.join(".local/share/fnm/node-versions"),
            "installation/bin",
        ),
        (home.join(".volta/tools/image/node"), "bin"),
        (home.join(".asdf/installs/nodejs"), "bin"),
    ]
}

/// The newest directory under `root` whose name holds a version matching `v`, mapped by
/// `inside` to the path wanted, when that exists.
fn managed(root: &Path, v: &str, inside: impl Fn(&Path) -> PathBuf) -> Option<PathBuf> {
    let mut hits: Vec<(Vec<u64>, PathBuf)> = std::fs::read_dir(root)
        .ok()?
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let found = version_in(&name).or_else(|| {
                name.chars()
                    .all(|c| c.is_ascii_digit())
                    .then(|| name.clone())
            })?;
            let target = inside(&e.path());
            (matches(v, &java_major(&found)) || matches(v, &found))
                .then_some(target)
                .filter(|t| t.exists())
                .map(|t| (numbers(&found), t))
        })
        .collect();
    hits.sort();
    hits.pop().map(|(_, p)| p)
}

/// `1.8.0_392` is Java 8.
fn java_major(found: &str) -> String {
    found
        .strip_prefix("1.")
        .map_or_else(|| found.to_string(), str::to_string)
}

fn numbers(v: &str) -> Vec<u64> {
    v.split(|c: char| !c.is_ascii_digit())
        .filter_map(|n| n.parse().ok())
        .collect()
}

/// What `program args` printed (stdout and stderr), when it ran and succeeded.
fn output(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .ok()
        .filter(|o| o.status.success())?;
    Some(format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    ))
}

/// `name` on the run's PATH.
fn which(name: &str, env: &HashMap<String, String>) -> Option<PathBuf> {
    let path = env.get("PATH")?;
    std::env::split_paths(path)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// Whether `path` is an executable file holding exactly `text`.
fn has_text(path: &Path, text: &str) -> bool {
    use std::io::Read;
    let Ok(mut f) = std::fs::File::open(path) else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if !f
            .metadata()
            .is_ok_and(|m| m.permissions().mode() & 0o111 != 0)
        {
            return false;
        }
    }
    let mut found = String::new();
    f.read_to_string(&mut found).is_ok() && found == text
}

/// Writes `dir/name` whole or not at all (a temporary file renamed over it), so a run
/// reading it at the same time sees the old text or the new one.
fn replace_executable(dir: &Path, name: &str, text: &str) -> Option<()> {
    use std::io::Write;
    let mut tmp = tempfile::NamedTempFile::new_in(dir).ok()?;
    tmp.write_all(text.as_bytes()).ok()?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o755))
            .ok()?;
    }
    tmp.persist(dir.join(name)).ok()?;
    Some(())
}

fn write_executable(path: &Path, text: &str) -> Option<()> {
    std::fs::write(path, text).ok()?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).ok()?;
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_newest_matching_install_wins() {
        let d = tempfile::tempdir().unwrap();
        for v in ["v20.1.0", "v20.11.1", "v22.2.0"] {
            std::fs::create_dir_all(d.path().join(v).join("bin")).unwrap();
        }
        let pick = |want| managed(d.path(), want, |p| p.join("bin"));
        assert_eq!(pick("20"), Some(d.path().join("v20.11.1/bin")));
        assert_eq!(pick("22.2"), Some(d.path().join("v22.2.0/bin")));
        assert_eq!(pick("18"), None);
    }

    #[test]
    fn wrappers_are_made_once_in_the_cache_and_run_their_target() {
        let cache = tempfile::tempdir().unwrap();
        let env: HashMap<String, String> = [(
            "CIGEN_CACHE_DIR".to_string(),
            cache.path().to_string_lossy().into_owned(),
        )]
        .into();
        let target = Path::new("/opt/it's/python3.12");
        let make = || {
            let mut r = Resolver::new(&env, false, cache.path());
            let dir = r.wrappers("python-3.12", target, &["python", "python3"]);
            (dir, r.into_shims().is_none())
        };
        let (dir, no_temp) = make();
        let dir = dir.unwrap();
        assert!(no_temp, "no temporary directory when there is a cache");
        assert!(dir.starts_with(cache.path().join("toolchains")));
        let text = std::fs::read_to_string(dir.join("python")).unwrap();
        assert_eq!(text, "#!/bin/sh\nexec '/opt/it'\\''s/python3.12' \"$@\"\n");
        // A second run finds them made and leaves them alone; a damaged one is made again.
        let inode = |n: &str| {
            use std::os::unix::fs::MetadataExt;
            std::fs::metadata(dir.join(n)).unwrap().ino()
        };
        let before = inode("python3");
        std::fs::write(dir.join("python"), "#!/bin/sh\nexec '/opt/it").unwrap();
        use std::os::unix::fs::PermissionsExt;
        let mode = |m| std::fs::Permissions::from_mode(m);
        std::fs::set_permissions(dir.join("python3"), mode(0o644)).unwrap();
        assert_eq!(make().0.as_ref(), Some(&dir));
        assert_eq!(std::fs::read_to_string(dir.join("python")).unwrap(), text);
        let meta = std::fs::metadata(dir.join("python3")).unwrap();
        assert_eq!(meta.permissions().mode() & 0o777, 0o755);
        assert_eq!(make().0.as_ref(), Some(&dir));
        let (p, p3) = (inode("python"), inode("python3"));
        assert_eq!(make().0.as_ref(), Some(&dir));
        assert_eq!((inode("python"), inode("python3")), (p, p3));
        assert_ne!(p3, before);
        // Without a cache directory: a temporary one, removed with the run.
        let none = HashMap::new();
        let mut r = Resolver::new(&none, false, cache.path());
        let temp = r.wrappers("python-3.12", target, &["python"]).unwrap();
        assert!(temp.join("python").is_file());
        drop(r.into_shims());
        assert!(!temp.exists());
    }

    #[test]
    fn a_selection_goes_first_on_path() {
        let s = Selected {
            env: vec![("RUSTUP_TOOLCHAIN".into(), "nightly".into())],
            path: vec![PathBuf::from("/shim")],
        };
        let base = [("PATH".to_string(), "/usr/bin".to_string())];
        let mut env = StepEnv::new(&base);
        s.apply(&mut env);
        assert_eq!(env.get("PATH"), Some("/shim:/usr/bin"));
        assert_eq!(env.get("RUSTUP_TOOLCHAIN"), Some("nightly"));
    }
}
