//! Change detection against the git CLI in real repositories: whatever the tree walk and the
//! status read find must be what `git diff --name-only` and `git status --porcelain` list.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::process::Command;

use super::{detect, Changes};
use crate::provider::RunContext;

pub(super) fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(["-c", "commit.gpgsign=false", "-c", "core.autocrlf=false"])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .output()
        .expect("git");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub(super) fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn lines(s: &str) -> BTreeSet<String> {
    s.lines()
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect()
}

/// What the git CLI lists: committed, staged and unstaged changes since `base` (renames as
/// both paths), plus untracked files (never ignored ones), without cigen's own directory.
fn git_lists(dir: &Path, base: &str, worktree: bool) -> BTreeSet<String> {
    let mut files = if worktree {
        lines(&git(dir, &["diff", "--name-only", "--no-renames", base]))
    } else {
        lines(&git(
            dir,
            &["diff", "--name-only", "--no-renames", base, "HEAD"],
        ))
    };
    if worktree {
        let untracked = git(dir, &["status", "--porcelain", "--untracked-files=all"]);
        files.extend(
            untracked
                .lines()
                .filter_map(|l| l.strip_prefix("?? "))
                .map(String::from),
        );
    }
    files.retain(|f| !f.starts_with(".cigen/"));
    files
}

pub(super) fn cigen_lists(dir: &Path, env: &[(&str, &str)]) -> BTreeSet<String> {
    let env: HashMap<String, String> = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let ctx = RunContext::detect(&env, || None);
    match detect(dir, &env, &ctx, None) {
        Changes::Known { files, .. } => files.into_iter().collect(),
        Changes::Unknown { reason } => panic!("unknown changes: {reason}"),
    }
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// A repository whose `main` has a few files in nested directories, an ignored build
/// directory and cigen's own directory, checked out on `feat`.
fn repo() -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    git(d, &["init", "-q", "-b", "main"]);
    write(d, ".gitignore", "build/\n");
    for f in [
        "src/a.py",
        "src/b.py",
        "src/deep/c.py",
        "src/deep/d.py",
        "docs/x.md",
        "run.sh",
        "f",
    ] {
        write(d, f, &format!("{f}\n"));
    }
    git(d, &["add", "-A"]);
    git(d, &["commit", "-qm", "base"]);
    git(d, &["checkout", "-qb", "feat"]);
    t
}

#[cfg(unix)]
#[test]
fn committed_renames_deletes_modes_and_kind_changes_match_git_diff() {
    let t = repo();
    let d = t.path();
    std::fs::create_dir(d.join("src/moved")).unwrap();
    git(d, &["mv", "src/a.py", "src/moved/a.py"]);
    git(d, &["rm", "-q", "src/deep/c.py"]);
    {
        use std::os::unix::fs::PermissionsExt;
        let f = d.join("run.sh");
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    // A file becomes a directory of the same name.
    git(d, &["rm", "-q", "f"]);
    write(d, "f/inner.txt", "now a directory\n");
    write(d, ".cigen/state.json", "{}\n");
    git(d, &["add", "-A", "-f"]);
    git(d, &["commit", "-qm", "change"]);
    let want = git_lists(d, "main", false);
    assert_eq!(
        want,
        set(&[
            "f",
            "f/inner.txt",
            "run.sh",
            "src/a.py",
            "src/deep/c.py",
            "src/moved/a.py"
        ])
    );
    let base = git(d, &["rev-parse", "main"]);
    let ci = [
        ("GITLAB_CI", "true"),
        ("CI", "true"),
        ("CI_PIPELINE_SOURCE", "merge_request_event"),
        ("CI_MERGE_REQUEST_DIFF_BASE_SHA", base.trim()),
    ];
    assert_eq!(cigen_lists(d, &ci), want);
    // Locally, with a clean tree, the same files.
    assert_eq!(cigen_lists(d, &[]), want);
}

#[test]
fn uncommitted_renames_deletes_and_untracked_files_match_git_status() {
    let t = repo();
    let d = t.path();
    // Staged rename, staged delete, unstaged delete, unstaged edit, untracked files in a new
    // directory, files in an ignored directory and in cigen's own directory.
    git(d, &["mv", "src/b.py", "src/renamed.py"]);
    git(d, &["rm", "-q", "src/deep/d.py"]);
    std::fs::remove_file(d.join("docs/x.md")).unwrap();
    write(d, "run.sh", "edited\n");
    write(d, "new/dir/u1.txt", "u\n");
    write(d, "new/dir/deeper/u2.txt", "u\n");
    write(d, "build/out.o", "ignored\n");
    write(d, "src/build/also-ignored.o", "ignored\n");
    write(d, ".cigen/runs/log.txt", "own\n");
    let want = git_lists(d, "main", true);
    assert_eq!(
        want,
        set(&[
            "docs/x.md",
            "new/dir/deeper/u2.txt",
            "new/dir/u1.txt",
            "run.sh",
            "src/b.py",
            "src/deep/d.py",
            "src/renamed.py",
        ])
    );
    assert_eq!(cigen_lists(d, &[]), want);
    // In CI only commits count: the working tree is the checkout.
    assert_eq!(
        cigen_lists(
            d,
            &[
                ("CI", "true"),
                ("GITLAB_CI", "true"),
                ("CI_PIPELINE_SOURCE", "merge_request_event"),
                (
                    "CI_MERGE_REQUEST_DIFF_BASE_SHA",
                    git(d, &["rev-parse", "main"]).trim()
                )
            ]
        ),
        BTreeSet::new()
    );
}

#[test]
fn a_spec_in_a_subdirectory_sees_paths_relative_to_it() {
    let t = repo();
    let d = t.path();
    write(d, "src/deep/c.py", "edited\n");
    write(d, "docs/x.md", "edited\n");
    assert_eq!(cigen_lists(&d.join("src"), &[]), set(&["deep/c.py"]));
}

/// A HEAD whose commit cannot be read is not "no commits yet": the changes are unknown, so
/// jobs with `changed:` run instead of finding nothing changed (CI compares commits only).
#[test]
fn an_unreadable_head_commit_makes_the_changes_unknown() {
    let t = repo();
    let d = t.path();
    write(d, "src/a.py", "edited\n");
    git(d, &["commit", "-qam", "edit"]);
    let head = git(d, &["rev-parse", "HEAD"]);
    let head = head.trim();
    let object = d.join(".git/objects").join(&head[..2]).join(&head[2..]);
    std::fs::remove_file(&object).expect("the new commit is a loose object");
    let env: HashMap<String, String> = [("CI", "true"), ("GITHUB_ACTIONS", "true")]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let ctx = RunContext::detect(&env, || None);
    for ctx in [ctx, RunContext::detect(&HashMap::new(), || None)] {
        match detect(d, &env, &ctx, Some("main")) {
            Changes::Unknown { reason } => assert!(reason.contains("HEAD"), "{reason}"),
            known => panic!("a damaged HEAD read as {known:?}"),
        }
    }
}

/// A repository without commits compares the worktree with nothing: every file is new.
#[test]
fn a_repository_without_commits_lists_its_files_as_new() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    git(d, &["init", "-q", "-b", "main"]);
    write(d, "src/a.py", "a\n");
    assert_eq!(cigen_lists(d, &[]), set(&["src/a.py"]));
}
