//! Uncommitted changes against the git CLI in real repositories, one working-tree state per
//! test: what cigen reads (the parallel walk, or libgit2's status where the walk defers to
//! it) must be what `git diff --cached`, `git diff` and `git status -uall` list, before and
//! after git has refreshed the index's stat data.

use std::collections::BTreeSet;
use std::path::Path;

use super::tests::{cigen_lists, git, write};

fn lines(s: &str) -> BTreeSet<String> {
    s.lines()
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect()
}

/// Staged, unstaged and untracked files as the git CLI lists them (HEAD is the base here).
fn git_status(dir: &Path) -> BTreeSet<String> {
    let mut files = lines(&git(
        dir,
        &["diff", "--name-only", "--no-renames", "--cached"],
    ));
    files.extend(lines(&git(dir, &["diff", "--name-only", "--no-renames"])));
    let status = git(dir, &["status", "--porcelain", "--untracked-files=all"]);
    files.extend(
        status
            .lines()
            .filter_map(|l| l.strip_prefix("?? "))
            .map(|l| l.trim_matches('"').to_string()),
    );
    // A nested repository is listed as `dir/`; cigen names it `dir`, as it names paths.
    files
        .into_iter()
        .map(|f| f.trim_end_matches('/').to_string())
        .collect()
}

/// cigen's reading before git touches the index, then git's, then cigen's again after git
/// refreshed the index: all three agree, and git's is `want`.
fn same_as_git(dir: &Path, want: &[&str]) {
    let first = cigen_lists(dir, &[]);
    let git = git_status(dir);
    assert_eq!(
        git,
        want.iter().map(|s| s.to_string()).collect(),
        "the scenario"
    );
    assert_eq!(first, git, "cigen before git refreshed the index");
    assert_eq!(cigen_lists(dir, &[]), git, "cigen after git refreshed it");
}

/// A committed repository of `files` (path, content) on `main`.
fn repo(files: &[(&str, &str)]) -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    git(d, &["init", "-q", "-b", "main"]);
    for (path, text) in files {
        write(d, path, text);
    }
    git(d, &["add", "-A"]);
    git(d, &["commit", "-qm", "base"]);
    t
}

const TREE: &[(&str, &str)] = &[
    ("a.txt", "a\n"),
    ("src/one.rs", "1\n"),
    ("src/two.rs", "2\n"),
    ("src/deep/three.rs", "3\n"),
    ("src/deep/four.rs", "4\n"),
    ("docs/x.md", "x\n"),
    ("docs/y.md", "y\n"),
];

#[test]
fn a_clean_tree_and_touched_or_rewritten_files_are_unchanged() {
    let t = repo(TREE);
    let d = t.path();
    same_as_git(d, &[]);
    // New times, same content: git compares the content and finds nothing.
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    let f = std::fs::File::options()
        .write(true)
        .open(d.join("src/one.rs"))
        .unwrap();
    f.set_modified(old).unwrap();
    write(d, "src/deep/three.rs", "3\n");
    same_as_git(d, &[]);
}

#[test]
fn staged_unstaged_deleted_and_same_size_edits() {
    let t = repo(TREE);
    let d = t.path();
    // Same size, other content, in the same second as the commit: only the racy-git rule
    // or the smudged size tells it changed.
    write(d, "src/two.rs", "9\n");
    write(d, "docs/x.md", "staged\n");
    git(d, &["add", "docs/x.md"]);
    write(d, "src/new.rs", "new\n");
    git(d, &["add", "src/new.rs"]);
    std::fs::remove_file(d.join("src/deep/four.rs")).unwrap();
    git(d, &["rm", "-q", "--cached", "a.txt"]);
    same_as_git(
        d,
        &[
            "a.txt",
            "docs/x.md",
            "src/deep/four.rs",
            "src/new.rs",
            "src/two.rs",
        ],
    );
}

#[test]
fn untracked_files_follow_every_ignore_source() {
    let t = repo(&[
        (".gitignore", "*.log\n/build/\n!keep.log\n"),
        ("src/.gitignore", "gen/\n*.tmp\n"),
        ("src/lib.rs", "lib\n"),
    ]);
    let d = t.path();
    write(d, ".git/info/exclude", "secret.txt\n");
    for f in [
        "a.log",
        "keep.log",
        "build/out.o",
        "src/build/not-ignored.o",
        "src/gen/x.rs",
        "src/x.tmp",
        "src/ok.rs",
        "secret.txt",
        "src/secret.txt",
        "new/deeper/still/file.txt",
        "new/deeper/skip.log",
        "only-ignored/a.log",
    ] {
        write(d, f, "u\n");
    }
    std::fs::create_dir_all(d.join("empty/dir")).unwrap();
    // A repository of its own is listed as its directory, not its files.
    let nested = d.join("vendor/sub");
    std::fs::create_dir_all(&nested).unwrap();
    git(&nested, &["init", "-q"]);
    write(&nested, "inner.txt", "i\n");
    same_as_git(
        d,
        &[
            "keep.log",
            "new/deeper/still/file.txt",
            "src/build/not-ignored.o",
            "src/ok.rs",
            "vendor/sub",
        ],
    );
}

#[cfg(unix)]
#[test]
fn links_modes_and_kinds_that_change_places() {
    use std::os::unix::fs::{symlink, PermissionsExt};
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    git(d, &["init", "-q", "-b", "main"]);
    for (path, text) in TREE {
        write(d, path, text);
    }
    symlink("a.txt", d.join("link")).unwrap();
    symlink("src", d.join("dirlink")).unwrap();
    write(d, "run.sh", "#!/bin/sh\n");
    git(d, &["add", "-A"]);
    git(d, &["commit", "-qm", "base"]);
    // A link retargeted, a link replaced by a file, a file made executable, a file replaced
    // by a directory, a directory replaced by a file, a directory replaced by a link to one.
    std::fs::remove_file(d.join("link")).unwrap();
    symlink("docs", d.join("link")).unwrap();
    std::fs::remove_file(d.join("dirlink")).unwrap();
    write(d, "dirlink", "now a file\n");
    std::fs::set_permissions(d.join("run.sh"), std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::remove_file(d.join("a.txt")).unwrap();
    write(d, "a.txt/inside", "i\n");
    std::fs::remove_dir_all(d.join("docs")).unwrap();
    write(d, "docs", "a file\n");
    std::fs::rename(d.join("src/deep"), d.join("deep-elsewhere")).unwrap();
    symlink("../deep-elsewhere", d.join("src/deep")).unwrap();
    same_as_git(
        d,
        &[
            "a.txt",
            "a.txt/inside",
            "deep-elsewhere/four.rs",
            "deep-elsewhere/three.rs",
            "dirlink",
            "docs",
            "docs/x.md",
            "docs/y.md",
            "link",
            "run.sh",
            "src/deep",
            "src/deep/four.rs",
            "src/deep/three.rs",
        ],
    );
}

#[test]
fn index_version_4_and_a_partly_valid_cache_tree() {
    let t = repo(TREE);
    let d = t.path();
    git(d, &["update-index", "--index-version", "4"]);
    write(d, "src/deep/three.rs", "changed\n");
    git(d, &["add", "src/deep/three.rs"]);
    write(d, "docs/y.md", "unstaged\n");
    same_as_git(d, &["docs/y.md", "src/deep/three.rs"]);
}

#[test]
fn attributes_and_what_the_walk_leaves_to_libgit2() {
    // Attributes may filter content: touched files are settled by libgit2.
    let t = repo(&[
        (".gitattributes", "*.txt text eol=lf\n"),
        ("a.txt", "a\n"),
        ("b.txt", "b\n"),
        ("c.txt", "c\n"),
    ]);
    let d = t.path();
    write(d, "a.txt", "a\n");
    write(d, "b.txt", "B\n");
    same_as_git(d, &["b.txt"]);
    // Intent-to-add and skip-worktree entries, then a conflict: libgit2's status reads them.
    write(d, "later.txt", "l\n");
    git(d, &["add", "-N", "later.txt"]);
    git(d, &["update-index", "--skip-worktree", "c.txt"]);
    same_as_git(d, &["b.txt", "later.txt"]);
    git(d, &["update-index", "--no-skip-worktree", "c.txt"]);
    git(d, &["rm", "-q", "--cached", "later.txt"]);
    std::fs::remove_file(d.join("later.txt")).unwrap();
    git(d, &["commit", "-qam", "b"]);
    git(d, &["checkout", "-qb", "other"]);
    write(d, "c.txt", "other\n");
    git(d, &["commit", "-qam", "other"]);
    git(d, &["checkout", "-q", "main"]);
    write(d, "c.txt", "main\n");
    git(d, &["commit", "-qam", "main"]);
    let merge = std::process::Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(["merge", "-q", "other"])
        .current_dir(d)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", d)
        .output()
        .unwrap();
    assert!(!merge.status.success(), "the merge conflicts");
    same_as_git(d, &["c.txt"]);
}
