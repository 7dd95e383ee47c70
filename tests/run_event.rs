//! `cigen run --event/--branch/--tag` decides every `when` as a CI run of that event would,
//! and `--force` runs what `when.changed` would skip: real runs of the real binary.

use crate::test::Test;

const SPEC: &str = r#"version: 1
jobs:
  build:
    steps: [echo build ran]
  release:
    needs: [build]
    when: { event: tag }
    steps: [echo release ran]
  review:
    when: { event: pull_request, branch: "feature/*" }
    steps: [echo review ran]
  pushed:
    when: { event: push, branch: main }
    steps: [echo pushed ran]
  nightly:
    when: { event: schedule }
    steps: [echo nightly ran]
  docs:
    when: { changed: ["docs/**"] }
    steps: [echo docs ran]
"#;

fn plan(args: &[&str]) -> String {
    let out = Test::new()
        .spec(SPEC)
        .args(["run", "--dry-run"])
        .args(args.iter().copied())
        .expect_code(0);
    out.stdout
}

fn decision<'a>(plan: &'a str, job: &str) -> &'a str {
    plan.lines()
        .find(|l| l.split_whitespace().nth(1) == Some(job))
        .and_then(|l| l.split_whitespace().next())
        .unwrap_or_else(|| panic!("no line for {job} in:\n{plan}"))
}

#[test]
fn a_tag_run_runs_tag_jobs_only() {
    for args in [&["--event", "tag"][..], &["--tag", "v1.2.0"][..]] {
        let p = plan(args);
        assert_eq!(decision(&p, "release"), "run", "{args:?}\n{p}");
        for job in ["review", "pushed", "nightly"] {
            assert_eq!(decision(&p, job), "skip", "{job} {args:?}\n{p}");
        }
        assert!(p.contains("this run is tag"), "{p}");
    }
}

#[test]
fn a_pull_request_run_uses_the_given_branch() {
    let p = plan(&["--event", "pull_request", "--branch", "feature/login"]);
    assert_eq!(decision(&p, "review"), "run", "{p}");
    assert_eq!(decision(&p, "pushed"), "skip", "{p}");
    let p = plan(&["--event", "pull_request", "--branch", "main"]);
    assert_eq!(decision(&p, "review"), "skip", "{p}");
}

#[test]
fn a_push_run_and_a_schedule_run() {
    let p = plan(&["--event", "push", "--branch", "main"]);
    assert_eq!(decision(&p, "pushed"), "run", "{p}");
    assert_eq!(decision(&p, "nightly"), "skip", "{p}");
    let p = plan(&["--event", "schedule"]);
    assert_eq!(decision(&p, "nightly"), "run", "{p}");
    assert_eq!(decision(&p, "release"), "skip", "{p}");
    assert_eq!(decision(&p, "docs"), "run", "{p}");
}

#[test]
fn a_tag_has_no_branch() {
    let out = Test::new()
        .spec(SPEC)
        .args(["run", "--event", "tag", "--branch", "main", "--dry-run"])
        .expect_code(2);
    assert!(
        out.stderr.contains("a tag run has no branch"),
        "{}",
        out.stderr
    );
    let out = Test::new()
        .spec(SPEC)
        .args(["run", "--event", "push", "--tag", "v1", "--dry-run"])
        .expect_code(2);
    assert!(out.stderr.contains("--tag is a tag push"), "{}", out.stderr);
}

#[test]
fn force_runs_what_changed_would_skip() {
    let t = Test::new().spec(SPEC).file("src/a.txt", "a\n");
    let git = |args: &[&str]| {
        let out = crate::test::scrubbed("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(args)
            .current_dir(t.path())
            .output()
            .expect("git");
        assert!(out.status.success(), "git {args:?}");
    };
    git(&["init", "-q", "-b", "main"]);
    git(&["add", "-A"]);
    git(&["commit", "-qm", "base"]);
    let run = |extra: &[&str]| {
        Test::new()
            .in_dir(t.path())
            .args(["run", "docs", "--base", "HEAD"])
            .args(extra.iter().copied())
            .expect_code(0)
    };
    let skipped = run(&[]);
    assert!(!skipped.stdout.contains("docs ran"), "{}", skipped.stdout);
    let forced = run(&["--force"]);
    assert!(forced.stdout.contains("docs ran"), "{}", forced.stdout);
    // A scheduled run has no base commit in CI, so `changed:` jobs run there; here too,
    // unless --base names one.
    let scheduled = Test::new()
        .in_dir(t.path())
        .args(["run", "docs", "--event", "schedule", "--dry-run"])
        .expect_code(0);
    assert!(
        scheduled
            .stdout
            .contains("a schedule run has no base commit to compare with; running to be safe"),
        "{}",
        scheduled.stdout
    );
    let planned = run(&["--force", "--dry-run"]);
    assert!(
        planned
            .stdout
            .contains("--force: changed files not checked"),
        "{}",
        planned.stdout
    );
}
