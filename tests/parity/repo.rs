//! One generated repository per pipeline, with a real two-commit history (the base commit,
//! then the pipeline's changes) and the tag `v1.2.3`, cloned once per runner: every runner
//! writes into its working tree (`.cigen/`, `.gitlab-ci-local/`, artifacts), so none shares one.

use std::path::Path;

use super::corpus::{Pipeline, TAG, TARGETS};
use crate::judges::realrun::generate;
use crate::judges::repo::{Forge, TempRepo};
use crate::test::scrubbed;

/// The generated repository of a pipeline and the commits a simulated event refers to.
pub struct Generated {
    pub repo: TempRepo,
    /// The first commit: what a push's `before` and a pull request's base point at.
    pub base: String,
    /// The last commit (HEAD of `main`, tagged `v1.2.3`).
    pub head: String,
}

/// Files every pipeline's first commit holds, so `changed:` globs have something to miss.
const BASE_FILES: &[(&str, &str)] = &[
    ("src/app/main.txt", "app\n"),
    ("src/lib/lib.txt", "lib\n"),
    ("docs/index.md", "# docs\n"),
];

/// Writes the spec and base files, generates every output with the cigen under test,
/// commits, then commits the pipeline's changes and tags the result.
pub fn generated(p: &Pipeline) -> Generated {
    let repo = TempRepo::new();
    // A pipeline about target keys writes its own `targets:`, enabling every target.
    let targets = if p.spec.contains("\ntargets:\n") {
        ""
    } else {
        TARGETS
    };
    repo.write("cigen.yaml", &format!("{}{targets}", p.spec));
    for (path, text) in BASE_FILES {
        repo.write(path, text);
    }
    generate(repo.path());
    repo.commit(Forge::Github);
    let base = rev_parse(repo.path(), "HEAD");
    for (path, text) in p.changed {
        repo.write(path, text);
    }
    repo.git(["add", "-A"]);
    repo.git([
        "-c",
        "user.name=cigen judge",
        "-c",
        "user.email=judge@cigen.invalid",
        "commit",
        "-q",
        "--allow-empty",
        "-m",
        "the change under test",
    ]);
    repo.git(["tag", TAG]);
    let head = rev_parse(repo.path(), "HEAD");
    Generated { repo, base, head }
}

/// A clone of the generated repository for one runner, with a fake `origin` of `forge`
/// whose `main` is the last commit (gitlab-ci-local and act parse the remote URL).
pub fn clone_for(g: &Generated, forge: Forge) -> TempRepo {
    let dir = tempfile::Builder::new()
        .prefix("cigen-parity-")
        .tempdir()
        .expect("tempdir");
    let out = scrubbed("git")
        .args(["clone", "-q"])
        .arg(g.repo.path())
        .arg(dir.path())
        .env_remove("GIT_DIR")
        .output()
        .expect("run git clone");
    assert!(
        out.status.success(),
        "git clone: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let clone = TempRepo { dir };
    let url = match forge {
        Forge::Github => "https://github.com/cigen-dev/judged.git",
        Forge::Gitlab => "git@gitlab.com:cigen-dev/judged.git",
    };
    clone.git(["remote", "set-url", "origin", url]);
    clone.git([
        "symbolic-ref",
        "refs/remotes/origin/HEAD",
        "refs/remotes/origin/main",
    ]);
    clone
}

fn rev_parse(dir: &Path, what: &str) -> String {
    let out = scrubbed("git")
        .args(["rev-parse", what])
        .current_dir(dir)
        .output()
        .expect("run git rev-parse");
    assert!(out.status.success(), "git rev-parse {what}");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}
