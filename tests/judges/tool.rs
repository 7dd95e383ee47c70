//! Finding and running a third-party judge: a missing judge fails under `CI=true` and skips
//! loudly otherwise; a complaint is reported verbatim with the command that produced it.

use std::ffi::OsStr;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::test::{repo_root, scrubbed};

/// `.judges/bin`, where `scripts/install-judges` links every judge.
pub fn judges_bin() -> PathBuf {
    repo_root().join(".judges/bin")
}

/// True when the test suite itself runs in CI, where a missing judge must fail.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// A PATH with `extra` first (the cigen under test and stand-ins), then `.judges/bin`
/// (actionlint finds shellcheck there), then the inherited PATH.
pub fn judge_path(extra: &[&Path]) -> std::ffi::OsString {
    let mut dirs: Vec<PathBuf> = extra.iter().map(|p| p.to_path_buf()).collect();
    dirs.push(judges_bin());
    if let Some(path) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&path));
    }
    std::env::join_paths(dirs).expect("PATH entries without ':'")
}

fn locate(name: &str) -> Option<PathBuf> {
    let installed = judges_bin().join(name);
    if is_executable(&installed) {
        return Some(installed);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| is_executable(p))
}

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// An installed judge.
#[derive(Debug, Clone)]
pub struct Judge {
    pub name: String,
    pub path: PathBuf,
}

/// Finds a judge. Missing: a test failure under CI, a loud skip (`None`) elsewhere.
pub fn judge(name: &str) -> Option<Judge> {
    found_or_missing(name, locate(name))
}

/// The Python of `.judges/venv`, which holds the YAML readers (PyYAML, ruamel.yaml); any
/// other Python lacks them, so only the installed one counts.
pub fn judges_python() -> Option<Judge> {
    let p = judges_bin().join("python");
    found_or_missing("python", is_executable(&p).then_some(p))
}

fn found_or_missing(name: &str, found: Option<PathBuf>) -> Option<Judge> {
    if let Some(path) = found {
        return Some(Judge {
            name: name.into(),
            path,
        });
    }
    let msg = format!(
        "judge `{name}` is not installed: run scripts/install-judges (installs into .judges/bin)"
    );
    if in_ci() {
        panic!("{msg}; CI=true, so a missing judge is a failure");
    }
    eprintln!("\n!!!!!!!! SKIPPED: {msg} !!!!!!!!\n");
    None
}

/// Finds every named judge, or none (see [`judge`]).
pub fn judges<const N: usize>(names: [&str; N]) -> Option<[Judge; N]> {
    let found: Vec<Judge> = names.iter().map(|n| judge(n)).collect::<Option<_>>()?;
    found.try_into().ok()
}

impl Judge {
    /// A scrubbed command (no CI variables leak in) with `.judges/bin` first on PATH.
    pub fn command(&self) -> Command {
        let mut cmd = scrubbed(&self.path);
        cmd.env("PATH", judge_path(&[])).stdin(Stdio::null());
        cmd
    }

    /// Runs the judge in `cwd` with `args`.
    pub fn run<I, S>(&self, cwd: &Path, args: I) -> Verdict
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut cmd = self.command();
        cmd.args(args).current_dir(cwd);
        Verdict::of(&self.name, cmd)
    }
}

/// What a judge said.
#[derive(Debug)]
pub struct Verdict {
    pub command: String,
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Verdict {
    /// Runs `cmd` and records everything it said; `label` names the program in the report.
    pub fn of(label: &str, mut cmd: Command) -> Verdict {
        let mut command = label.to_string();
        for a in cmd.get_args() {
            command.push(' ');
            command.push_str(&shell_quote(&a.to_string_lossy()));
        }
        if let Some(cwd) = cmd.get_current_dir() {
            command = format!("(cd {} && {command})", shell_quote(&cwd.to_string_lossy()));
        }
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
        let out = cmd
            .output()
            .unwrap_or_else(|e| panic!("cannot start {label}: {e}"));
        Verdict {
            command,
            code: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    pub fn ok(&self) -> bool {
        self.code == Some(0)
    }

    /// The full, verbatim report of this verdict.
    pub fn report(&self) -> String {
        let mut s = String::new();
        let code = self
            .code
            .map_or("killed by a signal".to_string(), |c| format!("exit {c}"));
        let _ = writeln!(s, "$ {}\n[{code}]", self.command);
        let _ = writeln!(s, "--- stdout\n{}", self.stdout.trim_end());
        let _ = write!(s, "--- stderr\n{}", self.stderr.trim_end());
        s
    }

    /// Panics with the verbatim report unless the judge exited 0.
    pub fn assert_ok(&self) -> &Self {
        assert!(self.ok(), "judge complained:\n{}", self.report());
        self
    }
}

/// Collects complaints across many files so one run reports all of them at once, and counts
/// the verdicts heard so a judge test can tell it judged something.
#[derive(Default)]
pub struct Complaints(Vec<String>, usize);

impl Complaints {
    /// Records `v` as a complaint unless it exited 0; returns whether it passed.
    pub fn check(&mut self, v: &Verdict) -> bool {
        eprintln!(
            "judge verdict: [{}] {}",
            if v.ok() { "pass" } else { "FAIL" },
            v.command
        );
        self.1 += 1;
        if !v.ok() {
            self.0.push(v.report());
        }
        v.ok()
    }

    /// How many verdicts were heard.
    pub fn verdicts(&self) -> usize {
        self.1
    }

    pub fn add(&mut self, why: String) {
        self.0.push(why);
    }

    /// Panics with every complaint, verbatim.
    pub fn finish(self, what: &str) {
        if !self.0.is_empty() {
            panic!(
                "{what}: {} complaint(s)\n\n{}",
                self.0.len(),
                self.0.join("\n\n")
            );
        }
    }
}

/// Quotes for display only (the report shows a command one can paste).
pub fn shell_quote(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:@+,".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}
