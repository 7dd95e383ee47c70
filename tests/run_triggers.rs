//! `when.schedule`, `when.base` and `when.repository` under `cigen run`: chosen with
//! `--schedule`, `--base-branch` and `--repository` on a laptop (the repository otherwise
//! from the `origin` remote), and read from GitHub's and GitLab's variables and payload in
//! CI. Real runs of the real binary; the parity suite (`parity::triggers`) runs the same
//! conditions under every runner.

use crate::test::{scrubbed, Test};

const SPEC: &str = r#"version: 1
triggers:
  push: { branches: [main] }
  pull_request: {}
  schedule: ["0 3 * * *", "0 5 * * 1"]
  manual: true
jobs:
  nightly:
    when: { event: schedule, schedule: "0 3 * * *" }
    steps: [echo nightly ran]
  weekly:
    when: { schedule: "0  5 * * 1" }
    steps: [echo weekly ran]
  into-main:
    when: { base: [main, "release/*"] }
    steps: [echo into-main ran]
  upstream:
    when: { repository: acme/widget }
    steps: [echo upstream ran]
  forks:
    when: { repository: ["**", "!acme/widget"] }
    steps: [echo forks ran]
  upper:
    when: { repository: Acme/Widget }
    steps: [echo upper ran]
  fork-only:
    when: { not: { repository: ACME/widget } }
    steps: [echo fork-only ran]
  not-nightly:
    when: { not: { schedule: "0  3 * * *" } }
    steps: [echo not-nightly ran]
  not-into-main:
    when: { not: { base: [main, "release/*"] } }
    steps: [echo not-into-main ran]
"#;

fn test() -> Test {
    Test::new().spec(SPEC)
}

fn git(t: &Test, args: &[&str]) {
    let out = scrubbed("git")
        .args(args)
        .current_dir(t.path())
        .output()
        .expect("git");
    assert!(out.status.success(), "git {args:?}");
}

/// Each job's decision, `run` or `skip`, in the plan of `cigen run --dry-run <args>`.
fn decisions(t: Test, args: &[&str]) -> (Vec<(String, String)>, String) {
    let out = t
        .args(["run", "--dry-run"])
        .args(args.iter().copied())
        .expect_code(0);
    let d = out
        .stdout
        .lines()
        .filter(|l| l.starts_with("  run") || l.starts_with("  skip"))
        .map(|l| {
            let mut w = l.split_whitespace();
            let verdict = w.next().unwrap_or_default().to_string();
            (w.next().unwrap_or_default().to_string(), verdict)
        })
        .collect();
    (d, out.stdout)
}

fn verdict<'a>(d: &'a [(String, String)], job: &str) -> &'a str {
    d.iter()
        .find(|(j, _)| j == job)
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("no {job} in {d:?}"))
}

/// `(job, verdict)` pairs expected, checked against the plan.
fn expect(t: Test, args: &[&str], want: &[(&str, &str)]) -> String {
    let (d, plan) = decisions(t, args);
    for (job, v) in want {
        assert_eq!(verdict(&d, job), *v, "{job} with {args:?}:\n{plan}");
    }
    plan
}

#[test]
fn schedules_filter_scheduled_runs_only() {
    // A scheduled run of one cron: the other's job skips, saying which run this is.
    let plan = expect(
        test(),
        &["--schedule", "0 3 * * *"],
        &[("nightly", "run"), ("weekly", "skip"), ("into-main", "run")],
    );
    assert!(
        plan.contains("runs only on the schedule `0 5 * * 1` (this run is `0 3 * * *`)"),
        "{plan}"
    );
    // Spacing does not matter; `--event schedule` is allowed beside it.
    expect(
        test(),
        &["--event", "schedule", "--schedule", "0 5 * * 1"],
        &[("nightly", "skip"), ("weekly", "run")],
    );
    // Other events are not filtered by `when.schedule` alone.
    expect(
        test(),
        &["--event", "push"],
        &[("weekly", "run"), ("nightly", "skip")],
    );
    // A scheduled run that names no cron, with two schedules: both filtered jobs skip and
    // say how to name it.
    let plan = expect(
        test(),
        &["--event", "schedule"],
        &[("nightly", "skip"), ("weekly", "skip")],
    );
    assert!(
        plan.contains("set CIGEN_SCHEDULE in the schedule, or pass --schedule"),
        "{plan}"
    );
    // With one schedule in the spec, an unnamed scheduled run is that one.
    let one = SPEC
        .replace("[\"0 3 * * *\", \"0 5 * * 1\"]", "[\"0 3 * * *\"]")
        .replace(
            "when: { schedule: \"0  5 * * 1\" }",
            "when: { schedule: \"0 3 * * *\" }",
        );
    expect(
        Test::new().spec(&one),
        &["--event", "schedule"],
        &[("nightly", "run"), ("weekly", "run")],
    );
}

#[test]
fn base_branches_filter_pull_requests_only() {
    expect(
        test(),
        &["--base-branch", "release/2.0"],
        &[("into-main", "run")],
    );
    let plan = expect(
        test(),
        &["--event", "pull_request", "--base-branch", "dev"],
        &[("into-main", "skip")],
    );
    assert!(
        plan.contains("runs only on pull requests into main, release/* (this one is into dev)"),
        "{plan}"
    );
    let plan = expect(
        test(),
        &["--event", "pull_request"],
        &[("into-main", "skip")],
    );
    assert!(plan.contains("pass --base-branch"), "{plan}");
    expect(test(), &["--event", "push"], &[("into-main", "run")]);
}

#[test]
fn the_repository_comes_from_the_origin_remote_or_the_flag() {
    let t = test();
    git(&t, &["init", "-q"]);
    git(
        &t,
        &["remote", "add", "origin", "git@github.com:acme/widget.git"],
    );
    expect(t, &[], &[("upstream", "run"), ("forks", "skip")]);
    let t = test();
    git(&t, &["init", "-q"]);
    git(
        &t,
        &[
            "remote",
            "add",
            "origin",
            "https://github.com/someone/widget",
        ],
    );
    expect(t, &[], &[("upstream", "skip"), ("forks", "run")]);
    let plan = expect(
        test(),
        &["--repository", "someone/widget"],
        &[("upstream", "skip"), ("forks", "run")],
    );
    assert!(
        plan.contains("runs only in the repository acme/widget (this is someone/widget)"),
        "{plan}"
    );
    // No repository at all: both guarded jobs skip, and say why.
    let plan = expect(test(), &[], &[("upstream", "skip"), ("forks", "skip")]);
    assert!(
        plan.contains("no `origin` remote, pass --repository"),
        "{plan}"
    );
}

#[test]
fn flags_that_contradict_the_event_are_refused() {
    for args in [
        &["--event", "push", "--schedule", "0 3 * * *"][..],
        &["--event", "tag", "--base-branch", "main"][..],
        &["--schedule", "0 3 * * *", "--base-branch", "main"][..],
    ] {
        let out = test()
            .args(["run", "--dry-run"])
            .args(args.iter().copied())
            .expect_code(2);
        assert!(out.stderr.contains("error: --"), "{args:?}: {}", out.stderr);
    }
}

#[test]
fn github_names_the_schedule_target_and_repository() {
    let t = test();
    let payload = t.path().join("event.json");
    std::fs::write(&payload, r#"{"schedule": "0 5 * * 1"}"#).expect("write");
    let ci = |t: Test, event: &str| {
        t.env("GITHUB_ACTIONS", "true")
            .env("GITHUB_EVENT_NAME", event)
            .env("GITHUB_REF_NAME", "main")
            .env("GITHUB_REPOSITORY", "acme/widget")
            .env("GITHUB_EVENT_PATH", &payload.display().to_string())
    };
    expect(
        ci(t, "schedule"),
        &[],
        &[
            ("nightly", "skip"),
            ("weekly", "run"),
            ("upstream", "run"),
            ("forks", "skip"),
        ],
    );
    let t = ci(test(), "pull_request")
        .env("GITHUB_BASE_REF", "dev")
        .env("GITHUB_HEAD_REF", "feat");
    expect(t, &[], &[("into-main", "skip")]);
    let t = ci(test(), "pull_request")
        .env("GITHUB_BASE_REF", "main")
        .env("GITHUB_HEAD_REF", "feat");
    expect(t, &[], &[("into-main", "run")]);
}

#[test]
fn gitlab_names_the_schedule_target_and_project() {
    let ci = |source: &str| {
        test()
            .env("GITLAB_CI", "true")
            .env("CI_PIPELINE_SOURCE", source)
            .env("CI_COMMIT_BRANCH", "main")
            .env("CI_PROJECT_PATH", "group/sub/widget")
    };
    expect(
        ci("schedule").env("CIGEN_SCHEDULE", "0 3 * * *"),
        &[],
        &[
            ("nightly", "run"),
            ("weekly", "skip"),
            ("upstream", "skip"),
            ("forks", "run"),
        ],
    );
    expect(
        ci("merge_request_event").env("CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "release/1"),
        &[],
        &[("into-main", "run")],
    );
    expect(
        ci("merge_request_event").env("CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "dev"),
        &[],
        &[("into-main", "skip")],
    );
}

/// Runs `cigen import` in `t`, expects nothing lost, and returns the spec it wrote.
fn imported(t: &Test) -> String {
    let out = Test::new()
        .in_dir(t.path())
        .args(["import", "--report", "json"])
        .run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(!out.stdout.contains("\"lost\""), "{}", out.stdout);
    std::fs::read_to_string(t.path().join("cigen.yaml")).expect("spec")
}

/// The dry-run plan of the spec in `t` with `args`.
fn dry_run(t: &Test, args: &[&str]) -> String {
    Test::new()
        .in_dir(t.path())
        .args(["run", "--dry-run"])
        .args(args.iter().copied())
        .expect_code(0)
        .stdout
}

/// `cigen import` writes GitLab rules on `$CI_PROJECT_PATH` and the merge request's target
/// branch as `when.repository` and `when.base`, and the imported jobs then run as GitLab
/// would run them.
#[test]
fn gitlab_rules_on_the_project_and_the_target_branch_are_imported() {
    let t = Test::new().file(
        ".gitlab-ci.yml",
        "stages: [test, deploy]\nreview:\n  stage: test\n  script: [echo review]\n  rules:\n    - if: $CI_MERGE_REQUEST_TARGET_BRANCH_NAME == \"main\"\npublish:\n  stage: deploy\n  script: [echo publish]\n  rules:\n    - if: $CI_PROJECT_PATH == \"acme/widget\" && $CI_COMMIT_TAG\n",
    );
    let spec = imported(&t);
    assert!(spec.contains("      base: main\n"), "{spec}");
    assert!(spec.contains("      repository: acme/widget\n"), "{spec}");
    let run = |args: &[&str]| dry_run(&t, args);
    let plan = run(&["--base-branch", "dev"]);
    assert!(plan.contains("skip  review"), "{plan}");
    let plan = run(&["--base-branch", "main"]);
    assert!(plan.contains("run   review"), "{plan}");
    let plan = run(&["--tag", "v1", "--repository", "acme/widget"]);
    assert!(plan.contains("run   publish"), "{plan}");
    let plan = run(&["--tag", "v1", "--repository", "someone/widget"]);
    assert!(plan.contains("skip  publish"), "{plan}");
}

/// Repository names compare without case (GitHub's `==` in the job `if:` and GitHub/GitLab
/// names do), globs and `when.not.repository` included: a job GitHub starts is not skipped
/// inside by `cigen run`.
#[test]
fn repositories_match_without_case() {
    let t = test();
    git(&t, &["init", "-q"]);
    git(
        &t,
        &["remote", "add", "origin", "git@github.com:ACME/Widget.git"],
    );
    expect(
        t,
        &[],
        &[
            ("upstream", "run"),
            ("upper", "run"),
            ("forks", "skip"),
            ("fork-only", "skip"),
        ],
    );
    let plan = expect(
        test()
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_EVENT_NAME", "push")
            .env("GITHUB_REF_NAME", "main")
            .env("GITHUB_REPOSITORY", "acme/WIDGET"),
        &[],
        &[("upstream", "run"), ("upper", "run"), ("fork-only", "skip")],
    );
    assert!(
        plan.contains("not run in the repository acme/WIDGET (when.not.repository)"),
        "{plan}"
    );
    expect(
        test(),
        &["--repository", "someone/widget"],
        &[("upper", "skip"), ("fork-only", "run")],
    );
}

/// `when.not.schedule`, `.base`, `.repository`: the same sources as the positive forms, each
/// of the schedule and target branch skipping only runs of its own event; an unknown value
/// skips nothing.
#[test]
fn negated_schedules_targets_and_repositories() {
    let plan = expect(
        test(),
        &["--schedule", "0 3 * * *"],
        &[("not-nightly", "skip"), ("not-into-main", "run")],
    );
    assert!(
        plan.contains("not run on the schedule `0 3 * * *` (when.not.schedule)"),
        "{plan}"
    );
    expect(
        test(),
        &["--schedule", "0 5 * * 1"],
        &[("not-nightly", "run")],
    );
    let plan = expect(
        test(),
        &["--base-branch", "release/2"],
        &[("not-into-main", "skip"), ("not-nightly", "run")],
    );
    assert!(
        plan.contains("not run on pull requests into release/2 (when.not.base)"),
        "{plan}"
    );
    expect(
        test(),
        &["--base-branch", "dev"],
        &[("not-into-main", "run")],
    );
    // No repository known: the negated guard skips nothing.
    expect(
        test(),
        &[],
        &[("fork-only", "run"), ("not-into-main", "run")],
    );
    // GitHub's payload and target branch; GitLab's CIGEN_SCHEDULE and project path.
    let t = test();
    let payload = t.path().join("event.json");
    std::fs::write(&payload, r#"{"schedule": "0 3 * * *"}"#).expect("write");
    expect(
        t.env("GITHUB_ACTIONS", "true")
            .env("GITHUB_EVENT_NAME", "schedule")
            .env("GITHUB_REF_NAME", "main")
            .env("GITHUB_REPOSITORY", "someone/widget")
            .env("GITHUB_EVENT_PATH", &payload.display().to_string()),
        &[],
        &[("not-nightly", "skip"), ("fork-only", "run")],
    );
    expect(
        test()
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_EVENT_NAME", "pull_request")
            .env("GITHUB_REPOSITORY", "acme/widget")
            .env("GITHUB_BASE_REF", "main")
            .env("GITHUB_HEAD_REF", "feat"),
        &[],
        &[("not-into-main", "skip"), ("fork-only", "skip")],
    );
    expect(
        test()
            .env("GITLAB_CI", "true")
            .env("CI_PIPELINE_SOURCE", "schedule")
            .env("CI_COMMIT_BRANCH", "main")
            .env("CI_PROJECT_PATH", "Acme/Widget")
            .env("CIGEN_SCHEDULE", "0 3  * * *"),
        &[],
        &[
            ("not-nightly", "skip"),
            ("fork-only", "skip"),
            ("upper", "run"),
        ],
    );
}

/// `cigen import` writes negated repository, cron and target-branch tests (GitHub `!=`,
/// GitLab `$CI_PROJECT_PATH != "…"`) as `when.not`, reports nothing lost, and the imported
/// jobs skip where the original would.
#[test]
fn negated_tests_are_imported_as_when_not() {
    let t = Test::new().file(
        ".github/workflows/ci.yml",
        "on:\n  push: { branches: [main] }\n  pull_request: {}\n  schedule: [{ cron: '0 3 * * *' }]\njobs:\n  mirror:\n    if: github.repository != 'Acme/Widget' && github.event.schedule != '0 3 * * *' && github.base_ref != 'main'\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo mirror\n",
    );
    let spec = imported(&t);
    assert!(spec.contains("not:"), "{spec}");
    let run = |args: &[&str]| dry_run(&t, args);
    assert!(run(&["--repository", "acme/widget"]).contains("skip  mirror"));
    assert!(run(&["--repository", "someone/widget"]).contains("run   mirror"));
    let plan = run(&["--repository", "someone/widget", "--schedule", "0 3 * * *"]);
    assert!(plan.contains("skip  mirror"), "{plan}");
    let plan = run(&["--repository", "someone/widget", "--base-branch", "main"]);
    assert!(plan.contains("skip  mirror"), "{plan}");

    let t = Test::new().file(
        ".gitlab-ci.yml",
        "mirror:\n  script: [echo mirror]\n  rules:\n    - if: $CI_PROJECT_PATH != \"acme/widget\"\n",
    );
    let spec = imported(&t);
    assert!(spec.contains("repository: acme/widget"), "{spec}");
    let plan = dry_run(&t, &["--repository", "ACME/widget"]);
    assert!(plan.contains("skip  mirror"), "{plan}");
}
