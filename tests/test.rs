//! The integration-test builder: runs the real `cigen` binary in a temporary directory with
//! every CI-detecting variable scrubbed, so results never depend on where tests run.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Variables removed from the child's environment (exact names).
const SCRUBBED: &[&str] = &[
    "CI",
    "GITLAB_CI",
    "NO_COLOR",
    "CLICOLOR",
    "CLICOLOR_FORCE",
    "FORCE_COLOR",
    "TERM",
    // Toolchain choices a surrounding `cigen run` makes for its own job (this repository's
    // `setup:` when the suite runs under `cigen run test`): the specs under test make theirs.
    "UV_PYTHON",
    "GOTOOLCHAIN",
];
/// Prefixes removed from the child's environment.
const SCRUBBED_PREFIXES: &[&str] = &["GITHUB_", "RUNNER_", "CI_", "GITLAB_", "CIGEN_", "ACTIONS_"];

pub fn cigen_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_cigen"))
}

/// A scrubbed `Command` for the cigen binary or any other program.
pub fn scrubbed(program: impl AsRef<std::ffi::OsStr>) -> Command {
    let mut cmd = Command::new(program);
    for (k, _) in std::env::vars_os() {
        let k = k.to_string_lossy().into_owned();
        if SCRUBBED.contains(&k.as_str()) || SCRUBBED_PREFIXES.iter().any(|p| k.starts_with(p)) {
            cmd.env_remove(&k);
        }
    }
    cmd
}

pub struct Test {
    pub dir: tempfile::TempDir,
    args: Vec<String>,
    env: Vec<(String, String)>,
    cwd: Option<PathBuf>,
    stdin: Option<String>,
    expect: Expect,
}

/// What a test declares about the run, checked all at once by [`Test::assert`].
#[derive(Debug, Default)]
struct Expect {
    code: Option<i32>,
    stdout: Option<String>,
    stderr: Option<String>,
    stdout_has: Vec<String>,
    stdout_lacks: Vec<String>,
    stderr_has: Vec<String>,
    printed: Option<Vec<String>>,
}

#[derive(Debug)]
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    /// The lines steps printed, in order, from `--log-format json` output.
    pub fn printed(&self) -> Vec<String> {
        self.stdout
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter(|e| e["type"] == "output")
            .filter_map(|e| e["line"].as_str().map(str::to_string))
            .collect()
    }
}

/// `text` without one leading newline and without the indentation all its non-blank lines
/// share, so a spec or an expected output can be written indented like the test around it.
pub fn unindent(text: &str) -> String {
    let text = text.strip_prefix('\n').unwrap_or(text);
    // A raw string closed on its own indented line ends in "\n    ": that tail is layout.
    let text = match text.rfind('\n') {
        Some(i) if text[i + 1..].trim().is_empty() => &text[..=i],
        _ => text,
    };
    let indent = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start_matches(' ').len())
        .min()
        .unwrap_or(0);
    text.split_inclusive('\n')
        .map(|l| {
            if l.trim().is_empty() {
                if l.ends_with('\n') {
                    "\n"
                } else {
                    ""
                }
            } else {
                &l[indent..]
            }
        })
        .collect()
}

impl Test {
    pub fn new() -> Self {
        Test {
            dir: tempfile::tempdir().expect("tempdir"),
            args: Vec::new(),
            env: Vec::new(),
            cwd: None,
            stdin: None,
            expect: Expect::default(),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `cigen.yaml`, unindented (see [`unindent`]).
    pub fn spec(self, text: &str) -> Self {
        self.file("cigen.yaml", &unindent(text))
    }

    /// The exit code [`Test::assert`] expects.
    pub fn status(mut self, code: i32) -> Self {
        self.expect.code = Some(code);
        self
    }

    /// The exact stdout [`Test::assert`] expects (unindented).
    pub fn stdout(mut self, text: &str) -> Self {
        self.expect.stdout = Some(unindent(text));
        self
    }

    /// The exact stderr [`Test::assert`] expects (unindented).
    pub fn stderr(mut self, text: &str) -> Self {
        self.expect.stderr = Some(unindent(text));
        self
    }

    /// Text stdout must contain.
    pub fn stdout_has(mut self, text: &str) -> Self {
        self.expect.stdout_has.push(text.to_string());
        self
    }

    /// Text stdout must not contain.
    pub fn stdout_lacks(mut self, text: &str) -> Self {
        self.expect.stdout_lacks.push(text.to_string());
        self
    }

    /// Text stderr must contain.
    pub fn stderr_has(mut self, text: &str) -> Self {
        self.expect.stderr_has.push(text.to_string());
        self
    }

    /// The lines steps print, in order (the run must use `--log-format json`).
    pub fn printed(mut self, lines: &[&str]) -> Self {
        self.expect.printed = Some(lines.iter().map(|l| l.to_string()).collect());
        self
    }

    /// Runs cigen and checks every declared expectation, reporting all that fail at once
    /// with the whole output; returns the output for further checks.
    pub fn assert(&self) -> Output {
        let out = self.run();
        let e = &self.expect;
        let mut problems = Vec::new();
        if let Some(code) = e.code.filter(|c| *c != out.code) {
            problems.push(format!("exit code {}, expected {code}", out.code));
        }
        if let Some(want) = e.stdout.as_ref().filter(|w| **w != out.stdout) {
            problems.push(format!("stdout differs; expected:\n{want}"));
        }
        if let Some(want) = e.stderr.as_ref().filter(|w| **w != out.stderr) {
            problems.push(format!("stderr differs; expected:\n{want}"));
        }
        for t in e
            .stdout_has
            .iter()
            .filter(|t| !out.stdout.contains(t.as_str()))
        {
            problems.push(format!("stdout lacks {t:?}"));
        }
        for t in e
            .stdout_lacks
            .iter()
            .filter(|t| out.stdout.contains(t.as_str()))
        {
            problems.push(format!("stdout has {t:?}"));
        }
        for t in e
            .stderr_has
            .iter()
            .filter(|t| !out.stderr.contains(t.as_str()))
        {
            problems.push(format!("stderr lacks {t:?}"));
        }
        if let Some(want) = &e.printed {
            let got = out.printed();
            if &got != want {
                problems.push(format!("steps printed {got:?}, expected {want:?}"));
            }
        }
        assert!(
            problems.is_empty(),
            "{}\n--- stdout\n{}\n--- stderr\n{}",
            problems.join("\n"),
            out.stdout,
            out.stderr
        );
        out
    }

    /// Writes a file relative to the test directory, creating parents.
    pub fn file(self, rel: &str, text: &str) -> Self {
        let p = self.dir.path().join(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(&p, text).expect("write");
        self
    }

    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    pub fn env(mut self, k: &str, v: &str) -> Self {
        self.env.push((k.into(), v.into()));
        self
    }

    /// Run in a subdirectory of the test directory (created if missing).
    pub fn current_dir(mut self, rel: &str) -> Self {
        let p = self.dir.path().join(rel);
        std::fs::create_dir_all(&p).expect("mkdir");
        self.cwd = Some(p);
        self
    }

    /// Run in an existing directory elsewhere (e.g. a clone made by the test).
    pub fn in_dir(mut self, dir: &Path) -> Self {
        self.cwd = Some(dir.to_path_buf());
        self
    }

    pub fn stdin(mut self, s: &str) -> Self {
        self.stdin = Some(s.into());
        self
    }

    /// Runs cigen and returns its output; the directory lives as long as `self`.
    pub fn run(&self) -> Output {
        let mut cmd = scrubbed(cigen_bin());
        cmd.args(&self.args)
            .current_dir(self.cwd.as_deref().unwrap_or(self.dir.path()));
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        cmd.stdin(if self.stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        });
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("spawn cigen");
        if let Some(input) = &self.stdin {
            use std::io::Write;
            let _ = child
                .stdin
                .take()
                .expect("stdin")
                .write_all(input.as_bytes());
        }
        let out = child.wait_with_output().expect("wait cigen");
        Output {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Runs and asserts the exit code, returning the output.
    pub fn expect_code(&self, code: i32) -> Output {
        let out = self.run();
        assert_eq!(
            out.code, code,
            "unexpected exit code\n--- stdout\n{}\n--- stderr\n{}",
            out.stdout, out.stderr
        );
        out
    }
}

/// The repository root (for examples, schema, templates).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn unindent_keeps_left_aligned_text_and_strips_test_indentation() {
    let flat = "version: 1\njobs:\n  a:\n    steps: [x]\n";
    assert_eq!(unindent(flat), flat);
    let indented = "
        version: 1
        jobs:
          a:

            steps: [x]
        ";
    assert_eq!(
        unindent(indented),
        "version: 1\njobs:\n  a:\n\n    steps: [x]\n"
    );
    assert_eq!(unindent("no newline"), "no newline");
}
