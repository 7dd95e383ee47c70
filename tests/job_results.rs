//! How a job's result counts (issue 9): `allow_failure`, `when.needs` and `manual`, each run
//! for real by `cigen run` (exit codes, the JSON report, JUnit) and read back from the
//! generated GitHub workflow and GitLab pipeline. Judges and parity runs of the same keys are
//! in `judges/results.rs` and `parity/corpus_results.rs`.

use serde_yaml::Value;

use crate::features::{generated, outcomes};
use crate::test::Test;

fn job<'a>(doc: &'a Value, name: &str) -> &'a Value {
    doc.get("jobs")
        .and_then(|j| j.get(name))
        .or_else(|| doc.get(name))
        .unwrap_or_else(|| panic!("no job `{name}` in\n{doc:?}"))
}

/// The generated GitHub step that runs cigen.
fn run_step<'a>(doc: &'a Value, name: &str) -> &'a Value {
    job(doc, name)["steps"]
        .as_sequence()
        .and_then(|s| s.iter().find(|s| s["id"] == "run"))
        .expect("a run step")
}

const ALLOWED: &str = r#"
    version: 1
    jobs:
      tests:
        matrix: { n: ["1", "2"], experimental: ["false"], include: [{ n: "3", experimental: "true" }] }
        allow_failure: { matrix: { experimental: "true" } }
        steps:
          - echo "cell $MATRIX_N"
          - test "$MATRIX_N" != 3
      lint:
        allow_failure: true
        steps: [echo lint, "exit 7"]
      after:
        needs: [tests, lint]
        steps: [echo after]
    "#;

#[test]
fn an_allowed_failure_is_reported_and_fails_nothing() {
    // Fail-fast, one job at a time: an allowed failure stops nothing, and dependents run.
    let out = Test::new()
        .spec(ALLOWED)
        .args(["run", "-j", "1", "--log-format", "json"])
        .status(0)
        .printed(&["cell 1", "cell 2", "cell 3", "lint", "after"])
        .assert();
    assert_eq!(
        outcomes(&out.stdout),
        [
            "tests (1, false): passed",
            "tests (2, false): passed",
            "tests (3, true): failed_allowed (step `test \"$MATRIX_N\" != 3` failed: exit 1)",
            "lint: failed_allowed (step `exit 7` failed: exit 7)",
            "after: passed",
        ]
    );
    // The human summary says it too.
    Test::new()
        .spec(ALLOWED)
        .args(["run", "-j", "1", "tests", "--matrix", "n=3"])
        .status(0)
        .stdout_has("failed-allowed")
        .assert();
    // In CI the run tells the provider: exit 3 (GitLab's `allow_failure: exit_codes`), and the
    // JUnit report keeps the failure, saying it was allowed.
    let t = Test::new()
        .spec(ALLOWED)
        .env("CI", "true")
        .args(["run", "lint", "--no-deps"]);
    t.expect_code(3);
    let junit = std::fs::read_to_string(t.path().join(".cigen/junit.xml")).expect("junit");
    assert!(junit.contains("cigen.status"), "{junit}");
    assert!(junit.contains("allowed to fail"), "{junit}");
    // A cell that is not allowed to fail still fails the run.
    let strict = ALLOWED.replace(
        "experimental: \"true\" } }\n",
        "experimental: \"false\" } }\n",
    );
    Test::new()
        .spec(&strict)
        .args(["run", "-j", "1", "tests", "--keep-going"])
        .status(1)
        .assert();
    // What GitHub receives from a cell: the extra key is no matrix value.
    Test::new()
        .spec(ALLOWED)
        .env("CI", "true")
        .args([
            "run",
            "tests",
            "--no-deps",
            "--cell",
            r#"{"n":"3","experimental":"true","cigen-allow-failure":true}"#,
        ])
        .status(3)
        .assert();

    let (github, gitlab, _) = generated(ALLOWED);
    assert_eq!(
        run_step(&github, "tests")["continue-on-error"],
        Value::from("${{ matrix.cigen-allow-failure }}")
    );
    let cells = job(&github, "tests")["strategy"]["matrix"]["include"]
        .as_sequence()
        .expect("cells")
        .iter()
        .map(|c| c["cigen-allow-failure"].as_bool())
        .collect::<Vec<_>>();
    assert_eq!(cells, [Some(false), Some(false), Some(true)]);
    assert_eq!(
        run_step(&github, "lint")["continue-on-error"],
        Value::Bool(true)
    );
    assert_eq!(run_step(&github, "after").get("continue-on-error"), None);
    for name in ["tests", "lint"] {
        assert_eq!(
            job(&gitlab, name)["allow_failure"]["exit_codes"],
            serde_yaml::from_str::<Value>("[3]").unwrap()
        );
    }
    assert_eq!(job(&gitlab, "after").get("allow_failure"), None);
}

const AFTER: &str = r#"
    version: 1
    jobs:
      build:
        steps: [echo build, "false"]
      report:
        needs: [build]
        when: { needs: always }
        steps: [echo report]
      notify:
        needs: [build]
        when: { needs: failure }
        steps: [echo notify]
      below:
        needs: [report]
        steps: [echo below]
      other:
        steps: [echo other]
    "#;

#[test]
fn jobs_after_needs_run_after_a_failure_even_fail_fast() {
    let out = Test::new()
        .spec(AFTER)
        .args(["run", "-j", "1", "--log-format", "json"])
        .status(1)
        .printed(&["build", "report", "notify"])
        .assert();
    assert_eq!(
        outcomes(&out.stdout),
        [
            "build: failed (step `false` failed: exit 1)",
            "below: skipped (not started: `build` failed (fail-fast; --keep-going runs independent jobs))",
            "other: skipped (not started: `build` failed (fail-fast; --keep-going runs independent jobs))",
            "report: passed",
            "notify: passed",
        ]
    );
    let out = Test::new()
        .spec(AFTER)
        .args(["run", "-j", "1", "--keep-going", "--log-format", "json"])
        .status(1)
        .printed(&["build", "report", "notify", "other"])
        .assert();
    assert!(
        outcomes(&out.stdout).contains(
            &"below: skipped (needs `report`, which ran after its needs did not succeed (when.needs))"
                .to_string()
        ),
        "{:?}",
        outcomes(&out.stdout)
    );
    // Nothing fails: `failure` is skipped by its own condition, the rest runs.
    let ok = AFTER.replace("[echo build, \"false\"]", "[echo build]");
    let out = Test::new()
        .spec(&ok)
        .args(["run", "-j", "1", "--log-format", "json"])
        .status(0)
        .printed(&["build", "report", "below", "other"])
        .assert();
    assert!(outcomes(&out.stdout).contains(
        &"notify: skipped (runs only when a need failed (when.needs: failure))".to_string()
    ));

    let (github, gitlab, _) = generated(AFTER);
    assert_eq!(job(&github, "report")["if"], Value::from("!cancelled()"));
    assert_eq!(job(&github, "notify")["if"], Value::from("failure()"));
    assert_eq!(
        job(&github, "below")["if"],
        Value::from("!failure() && !cancelled()")
    );
    assert_eq!(job(&gitlab, "report")["when"], Value::from("always"));
    assert_eq!(job(&gitlab, "notify")["when"], Value::from("on_failure"));
    assert_eq!(job(&gitlab, "below").get("when"), None);
}

const MANUAL: &str = r#"
    version: 1
    triggers: { push: { branches: [main] }, manual: true }
    jobs:
      build:
        steps: [echo build]
      deploy:
        needs: [build]
        manual: true
        steps: [echo deploy]
      smoke:
        needs: [deploy]
        steps: [echo smoke]
    "#;

#[test]
fn a_manual_job_runs_only_when_asked_for() {
    let out = Test::new()
        .spec(MANUAL)
        .args(["run", "--log-format", "json"])
        .status(0)
        .printed(&["build"])
        .assert();
    assert_eq!(
        outcomes(&out.stdout),
        [
            "deploy: skipped (manual job: runs only when asked for (`cigen run deploy`))",
            "smoke: skipped (needs `deploy`, a manual job that was not run)",
            "build: passed",
        ]
    );
    // Named, or needed by a named job, it runs.
    Test::new()
        .spec(MANUAL)
        .args(["run", "deploy", "--log-format", "json"])
        .status(0)
        .printed(&["build", "deploy"])
        .assert();
    Test::new()
        .spec(MANUAL)
        .args(["run", "smoke", "--log-format", "json"])
        .status(0)
        .printed(&["build", "deploy", "smoke"])
        .assert();

    let (github, gitlab, justfile) = generated(MANUAL);
    assert_eq!(
        job(&github, "deploy")["if"],
        Value::from("github.event_name == 'workflow_dispatch' || github.event_name == 'repository_dispatch'")
    );
    assert_eq!(
        job(&github, "smoke").get("if"),
        None,
        "GitHub skips it with deploy"
    );
    assert_eq!(job(&gitlab, "deploy")["when"], Value::from("manual"));
    assert!(justfile.contains("cigen run deploy"), "{justfile}");
    // Without a manual run among the triggers, GitHub could never run it.
    let (code, stderr) = crate::features::check(&MANUAL.replace(", manual: true }", " }"));
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("manual-not-triggered"), "{stderr}");
}
