//! A throw-away git repository holding a copy of some outputs, with a fake `origin`, because
//! gitlab-ci-local and act read the repository they run in and write into it.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::test::scrubbed;

pub struct TempRepo {
    pub dir: tempfile::TempDir,
}

/// Which forge the fake `origin` looks like (gitlab-ci-local and act parse the remote URL).
#[derive(Clone, Copy, Debug)]
pub enum Forge {
    Github,
    Gitlab,
}

impl TempRepo {
    /// A repository holding `spec` as `cigen.yaml` and `files`, with the outputs the cigen
    /// under test generates from it, all committed with a fake `origin` of `forge`.
    pub fn generated(spec: &str, files: &[(&str, &str)], forge: Forge) -> TempRepo {
        let repo = TempRepo::new();
        repo.write("cigen.yaml", spec);
        for (path, text) in files {
            repo.write(path, text);
        }
        super::realrun::generate(repo.path());
        repo.commit(forge);
        repo
    }

    /// An empty repository (commit with [`TempRepo::commit`] after writing files).
    pub fn new() -> TempRepo {
        let dir = tempfile::Builder::new()
            .prefix("cigen-judge-")
            .tempdir()
            .expect("tempdir");
        let repo = TempRepo { dir };
        repo.git(["init", "-q", "-b", "main"]);
        repo
    }

    /// A repository holding a copy of `src` (its files, not its `.git`), committed.
    pub fn copy_of(src: &Path, forge: Forge) -> TempRepo {
        let repo = TempRepo::new();
        copy_tree(src, repo.path());
        repo.commit(forge);
        repo
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file relative to the repository.
    pub fn write(&self, rel: &str, text: &str) -> PathBuf {
        let p = self.path().join(rel);
        std::fs::create_dir_all(p.parent().expect("a parent")).expect("mkdir");
        std::fs::write(&p, text).expect("write");
        p
    }

    /// Commits everything and points a fake `origin` (with a default branch) at it, which
    /// silences gitlab-ci-local's remote warnings and gives act a repository name.
    pub fn commit(&self, forge: Forge) {
        self.git(["add", "-A"]);
        self.git([
            "-c",
            "user.name=cigen judge",
            "-c",
            "user.email=judge@cigen.invalid",
            "commit",
            "-q",
            "-m",
            "outputs under judgement",
        ]);
        let url = match forge {
            Forge::Github => "https://github.com/cigen-dev/judged.git",
            Forge::Gitlab => "git@gitlab.com:cigen-dev/judged.git",
        };
        let _ = self.try_git(["remote", "remove", "origin"]);
        self.git(["remote", "add", "origin", url]);
        self.git(["update-ref", "refs/remotes/origin/main", "HEAD"]);
        self.git([
            "symbolic-ref",
            "refs/remotes/origin/HEAD",
            "refs/remotes/origin/main",
        ]);
    }

    fn try_git<const N: usize>(&self, args: [&str; N]) -> std::process::Output {
        let mut cmd: Command = scrubbed("git");
        cmd.args(args).current_dir(self.path());
        for k in ["GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"] {
            cmd.env_remove(k);
        }
        cmd.output().expect("run git")
    }

    pub fn git<const N: usize>(&self, args: [&str; N]) {
        let out = self.try_git(args);
        assert!(
            out.status.success(),
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// Build output and installed tools: never part of what a judge reads, and gigabytes in this
/// repository's own root (copying `target/` also races with a concurrent build).
const NOT_COPIED: &[&str] = &[
    ".git",
    ".gitlab-ci-local",
    ".cigen",
    "target",
    ".judges",
    "node_modules",
];

/// Copies a directory tree (files and directories; symlinks are followed).
pub fn copy_tree(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).expect("mkdir");
    for entry in std::fs::read_dir(src).unwrap_or_else(|e| panic!("read {}: {e}", src.display())) {
        let entry = entry.expect("dir entry");
        let name = entry.file_name();
        if NOT_COPIED.iter().any(|n| name == *n) {
            continue;
        }
        let from = entry.path();
        let to = dst.join(&name);
        if from.is_dir() {
            copy_tree(&from, &to);
        } else {
            std::fs::copy(&from, &to).unwrap_or_else(|e| panic!("copy {}: {e}", from.display()));
        }
    }
}
