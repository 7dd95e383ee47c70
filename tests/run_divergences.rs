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
