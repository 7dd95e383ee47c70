//! Regression tests for the divergences between runners that issue 8 found, one each, on the
//! real binary (the parity suite, tests/parity, shows the same on every runner; these run
//! without judges, in the ordinary test job).

use crate::test::Test;

/// Item 1: under `--keep-going`, a job below a job that was skipped because its own need
/// failed must not run (GitHub and GitLab never start it); a job below a job skipped by its
/// own `when` still runs.
#[test]
fn keep_going_skips_everything_below_a_failure() {
    let spec = r#"version: 1
jobs:
  build:
    steps: ["echo build; exit 1"]
  test:
    needs: [build]
    steps: [echo test ran]
  deploy:
    needs: [test]
    steps: [echo deploy ran]
  announce:
    needs: [deploy]
    steps: [echo announce ran]
  optional:
    when: { branch: no-such-branch }
    steps: [echo optional ran]
  after-optional:
    needs: [optional]
    steps: [echo after-optional ran]
"#;
    let out = Test::new()
        .spec(spec)
        .args(["run", "--keep-going", "--log-format", "json"])
        .expect_code(1);
    let status = |label: &str| -> String {
        out.stdout
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .find(|v| v["type"] == "unit_finished" && v["label"] == label)
            .map(|v| format!("{} ({})", v["status"], v["reason"]))
            .unwrap_or_else(|| panic!("no result for {label}:\n{}", out.stdout))
    };
    for (job, reason) in [
        ("test", "needs `build`, which did not succeed"),
        (
            "deploy",
            "needs `test`, which was skipped because its needs did not succeed",
        ),
        (
            "announce",
            "needs `deploy`, which was skipped because its needs did not succeed",
        ),
    ] {
        let s = status(job);
        assert!(
            s.starts_with("\"skipped\"") && s.contains(reason),
            "{job}: {s}"
        );
    }
    for line in ["deploy ran", "announce ran"] {
        let printed = format!("\"line\":\"{line}\"");
        assert!(!out.stdout.contains(&printed), "{}", out.stdout);
    }
    assert!(status("after-optional").starts_with("\"passed\""));
}

const EVENT_SPEC: &str = r#"version: 1
triggers: { push: {}, schedule: ["0 4 * * 1"] }
jobs:
  nightly:
    when: { event: schedule }
    outputs: [day]
    steps:
      - echo nightly ran
      - echo "day=monday" >> "$CIGEN_OUTPUT"
  always:
    steps: [echo always ran]
"#;

/// Item 5: gitlab-ci-local sets `GITLAB_CI=false` but GitLab's other variables; its runs are
/// GitLab runs, with the event of `CI_PIPELINE_SOURCE` and outputs in the dotenv report.
#[test]
fn gitlab_ci_local_runs_are_gitlab_runs() {
    let t = Test::new()
        .spec(EVENT_SPEC)
        .env("CI", "true")
        .env("GITLAB_CI", "false")
        .env("CI_PIPELINE_SOURCE", "schedule")
        .args(["run"]);
    let out = t.expect_code(0);
    assert!(out.stdout.contains("nightly ran"), "{}", out.stdout);
    assert!(!out.stderr.contains("names no event"), "{}", out.stderr);
    let dotenv = std::fs::read_to_string(t.path().join(".cigen/outputs.env")).expect("dotenv");
    assert!(dotenv.contains("NIGHTLY_DAY=monday"), "{dotenv}");
}

/// Item 5: in a CI that names no event cigen knows, `when.event` jobs are skipped (one
/// documented rule) and the run says so loudly, naming them and `--event`.
#[test]
fn an_unknown_ci_event_is_said_loudly() {
    let out = Test::new()
        .spec(EVENT_SPEC)
        .env("CI", "true")
        .args(["run"])
        .expect_code(0);
    assert!(!out.stdout.contains("nightly ran"), "{}", out.stdout);
    assert!(out.stdout.contains("always ran"), "{}", out.stdout);
    assert!(
        out.stderr
            .contains("warning: this CI run names no event cigen recognises")
            && out.stderr.contains("`nightly` skipped")
            && out.stderr.contains("--event"),
        "{}",
        out.stderr
    );
    // Saying which event it is decides as that event would.
    let out = Test::new()
        .spec(EVENT_SPEC)
        .env("CI", "true")
        .args(["run", "--event", "schedule"])
        .expect_code(0);
    assert!(out.stdout.contains("nightly ran"), "{}", out.stdout);
    assert!(!out.stderr.contains("warning"), "{}", out.stderr);
}
