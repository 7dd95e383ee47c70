//! Change detection in real temporary git repositories: local dirty tree, PR and push bases
//! from GitHub's event payload, GitLab variables, `--base`, and the shallow-clone fail-safe.

use std::path::Path;

use crate::test::{scrubbed, Test};

const SPEC: &str = "version: 1\njobs:\n  app:\n    when: { changed: [\"src/**\", \"!src/**/*.md\"] }\n    steps: [echo app ran]\n  always:\n    steps: [echo always]\n";

fn git(dir: &Path, args: &[&str]) -> String {
    let out = scrubbed("git")
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .output()
        .expect("git");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// A repo whose `main` has the spec and `src/a.py`, checked out on branch `feat`.
fn repo() -> Test {
    let t = Test::new()
        .spec(SPEC)
        .file("src/a.py", "a\n")
        .file("docs/guide.md", "g\n");
    git(t.path(), &["init", "-q"]);
    git(t.path(), &["add", "-A"]);
    git(t.path(), &["commit", "-qm", "base"]);
    git(t.path(), &["checkout", "-qb", "feat"]);
    t
}

fn commit_all(dir: &Path, msg: &str) -> String {
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-qm", msg]);
    git(dir, &["rev-parse", "HEAD"])
}

fn plan_line(t: &Test, env: &[(&str, &str)], extra: &[&str]) -> String {
    let mut cmd = Test::new().in_dir(t.path());
    for (k, v) in env {
        cmd = cmd.env(k, v);
    }
    let out = cmd
        .args(["run", "app", "--dry-run"])
        .args(extra.iter().copied())
        .expect_code(0);
    out.stdout
        .lines()
        .find(|l| l.trim_start().starts_with("run") || l.trim_start().starts_with("skip"))
        .unwrap_or_default()
        .trim()
        .to_string()
}

#[test]
fn local_merge_base_plus_dirty_tree() {
    let t = repo();
    write(t.path(), "docs/guide.md", "changed\n");
    commit_all(t.path(), "docs only");
    let base = git(t.path(), &["rev-parse", "--short=7", "main"]);
    assert_eq!(plan_line(&t, &[], &[]), format!("skip  app  no relevant changes (compared with merge-base with main ({base}) plus uncommitted changes)"));
    // A markdown file under src is excluded by `!src/**/*.md`.
    write(t.path(), "src/notes.md", "n\n");
    assert!(plan_line(&t, &[], &[]).starts_with("skip"));
    // Untracked, unstaged and staged files count.
    write(t.path(), "src/new/untracked.py", "u\n");
    assert_eq!(
        plan_line(&t, &[], &[]),
        "run   app  changed: src/new/untracked.py"
    );
    std::fs::remove_file(t.path().join("src/new/untracked.py")).unwrap();
    write(t.path(), "src/a.py", "edited\n");
    assert_eq!(plan_line(&t, &[], &[]), "run   app  changed: src/a.py");
    git(t.path(), &["add", "src/a.py"]);
    assert_eq!(plan_line(&t, &[], &[]), "run   app  changed: src/a.py");
    // A real run: the skipped job exits 0 with the reason.
    git(t.path(), &["checkout", "-q", "--", "."]);
    git(t.path(), &["reset", "-q", "--hard"]);
    std::fs::remove_file(t.path().join("src/notes.md")).unwrap();
    let out = Test::new().in_dir(t.path()).args(["run"]).expect_code(0);
    assert!(
        out.stdout.contains("app    │ skipped: no relevant changes"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("always │ always"), "{}", out.stdout);
}

#[test]
fn base_flag_overrides() {
    let t = repo();
    write(t.path(), "src/b.py", "b\n");
    let first = commit_all(t.path(), "src change");
    write(t.path(), "docs/guide.md", "2\n");
    commit_all(t.path(), "docs change");
    assert!(plan_line(&t, &[], &["--base", &first])
        .starts_with("skip  app  no relevant changes (compared with merge-base with"));
    assert_eq!(
        plan_line(&t, &[], &["--base", "main"]),
        "run   app  changed: src/b.py"
    );
    // A typed base that names no commit is a usage error, not a reason to run everything.
    let out = Test::new()
        .in_dir(t.path())
        .args(["run", "app", "--dry-run", "--base", "nope"])
        .expect_code(2);
    assert!(
        out.stderr
            .contains("--base nope names no commit in this repository"),
        "{}",
        out.stderr
    );
}

#[test]
fn github_pull_request_and_push_bases() {
    let t = repo();
    let main = git(t.path(), &["rev-parse", "main"]);
    write(t.path(), "docs/guide.md", "x\n");
    let docs = commit_all(t.path(), "docs");
    write(t.path(), "src/c.py", "c\n");
    commit_all(t.path(), "src");
    let gh = |event: &str| {
        write(t.path(), "event.json", event);
        let path = t.path().join("event.json");
        let env = [
            ("GITHUB_ACTIONS", "true"),
            ("CI", "true"),
            ("GITHUB_EVENT_NAME", "push"),
            ("GITHUB_EVENT_PATH", path.to_str().unwrap()),
        ];
        plan_line(&t, &env, &[])
    };
    assert_eq!(
        gh(&format!(
            "{{\"pull_request\":{{\"base\":{{\"sha\":\"{main}\"}}}}}}"
        )),
        "run   app  changed: src/c.py"
    );
    assert_eq!(
        gh(&format!("{{\"before\":\"{docs}\"}}")),
        "run   app  changed: src/c.py"
    );
    let head = git(t.path(), &["rev-parse", "HEAD"]);
    let short = &head[..7];
    assert_eq!(
        gh(&format!("{{\"before\":\"{head}\"}}")),
        format!("skip  app  no relevant changes (compared with previous push ({short}))")
    );
    assert_eq!(gh("{\"before\":\"0000000000000000000000000000000000000000\"}"), "run   app  new branch: the push has no previous commit to compare with; running to be safe");
}

#[test]
fn gitlab_merge_request_base() {
    let t = repo();
    let main = git(t.path(), &["rev-parse", "main"]);
    write(t.path(), "docs/guide.md", "x\n");
    commit_all(t.path(), "docs");
    let env = [
        ("GITLAB_CI", "true"),
        ("CI", "true"),
        ("CI_MERGE_REQUEST_DIFF_BASE_SHA", main.as_str()),
    ];
    assert!(plan_line(&t, &env, &[])
        .starts_with("skip  app  no relevant changes (compared with merge request base"));
    let env = [
        ("GITLAB_CI", "true"),
        ("CI", "true"),
        ("CI_COMMIT_BEFORE_SHA", main.as_str()),
    ];
    assert!(plan_line(&t, &env, &[])
        .starts_with("skip  app  no relevant changes (compared with previous push"));
}

#[test]
fn shallow_clone_runs_and_says_why() {
    let t = repo();
    let main = git(t.path(), &["rev-parse", "main"]);
    write(t.path(), "docs/guide.md", "x\n");
    commit_all(t.path(), "docs");
    let clone = tempfile::tempdir().unwrap();
    let url = format!("file://{}", t.path().display());
    git(
        clone.path(),
        &["clone", "-q", "--depth", "1", "--branch", "feat", &url, "c"],
    );
    let c = clone.path().join("c");
    write(&c, "event.json", &format!("{{\"before\":\"{main}\"}}"));
    let event = c.join("event.json");
    let env = [
        ("GITHUB_ACTIONS", "true"),
        ("GITHUB_EVENT_NAME", "push"),
        ("GITHUB_EVENT_PATH", event.to_str().unwrap()),
    ];
    let mut cmd = Test::new().in_dir(&c);
    for (k, v) in env {
        cmd = cmd.env(k, v);
    }
    let out = cmd.args(["run", "app", "--dry-run"]).expect_code(0);
    assert!(
        out.stdout.contains(&format!("run   app  previous push commit {main} is not in this shallow clone (fetch full history: fetch-depth: 0 / GIT_DEPTH: 0); running to be safe")),
        "{}",
        out.stdout
    );
}

#[test]
fn outside_git_runs_and_says_why() {
    let out = Test::new()
        .spec(SPEC)
        .args(["run", "app", "--dry-run"])
        .expect_code(0);
    assert!(
        out.stdout.contains(
            "run   app  not a git repository, so changed files are unknown; running to be safe"
        ),
        "{}",
        out.stdout
    );
}

#[test]
fn cigen_own_files_ignore_themselves_and_never_count_as_changes() {
    let t = Test::new()
        .spec("version: 1\njobs:\n  any:\n    when: { changed: [\"**\"] }\n    steps: [echo any ran]\n  report:\n    steps: [echo report]\n")
        .file("src/a.py", "a\n");
    git(t.path(), &["init", "-q"]);
    commit_all(t.path(), "base");
    // A run that writes the JUnit report creates `.cigen/` (as every GitLab job does).
    Test::new()
        .in_dir(t.path())
        .env("GITLAB_CI", "true")
        .args(["run", "report"])
        .expect_code(0);
    assert!(t.path().join(".cigen/junit.xml").is_file());
    let ignore = std::fs::read_to_string(t.path().join(".cigen/.gitignore")).unwrap();
    assert!(ignore.lines().any(|l| l == "*"), "{ignore}");
    assert_eq!(
        git(
            t.path(),
            &["status", "--porcelain", "--untracked-files=all"]
        ),
        ""
    );
    let out = Test::new()
        .in_dir(t.path())
        .args(["run", "any", "--dry-run", "--base", "HEAD"])
        .expect_code(0);
    assert!(
        out.stdout.contains("skip  any  no relevant changes"),
        "a previous run's report re-triggered the job:\n{}",
        out.stdout
    );
}

#[test]
fn state_dir_never_counts_even_when_unignored_or_committed() {
    let t = Test::new()
        .spec("version: 1\njobs:\n  any:\n    when: { changed: [\"**\"] }\n    steps: [echo any ran]\n")
        .file(".cigen/outputs.env", "A=1\n")
        .file("sub/.cigen/junit.xml", "<x/>\n");
    git(t.path(), &["init", "-q"]);
    commit_all(t.path(), "base");
    // A committed report that changes, and one that is new and not ignored (no .gitignore).
    write(t.path(), ".cigen/outputs.env", "A=2\n");
    write(t.path(), ".cigen/junit.xml", "<y/>\n");
    commit_all(t.path(), "reports");
    write(t.path(), "sub/.cigen/junit.xml", "<z/>\n");
    let out = Test::new()
        .in_dir(t.path())
        .args(["run", "any", "--dry-run", "--base", "HEAD~1"])
        .expect_code(0);
    assert!(
        out.stdout.contains("skip  any  no relevant changes"),
        "cigen's own files counted as changes:\n{}",
        out.stdout
    );
    write(t.path(), "src/a.py", "a\n");
    let out = Test::new()
        .in_dir(t.path())
        .args(["run", "any", "--dry-run", "--base", "HEAD~1"])
        .expect_code(0);
    assert!(
        out.stdout.contains("run   any  changed: src/a.py"),
        "{}",
        out.stdout
    );
}
