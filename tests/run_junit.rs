//! The JUnit report (`--junit PATH`, and in every CI run): each step a case with nextest's
//! conventions for flaky, failed-after-retries, timed-out, cancelled and skipped steps, the
//! failure text holding the step's masked last lines. Every report is parsed back
//! (quick-junit's reader checks the structure) and its counts compared with what ran.

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus};

use crate::test::Test;

/// Sequential (`-j 1`) and `--keep-going`, so every unit gets its turn whatever fails.
const SPEC: &str = r#"version: 1
name: Report demo
secrets: [TOKEN]
jobs:
  ok:
    steps:
      - { name: hello, run: "echo hello" }
  flaky:
    steps:
      - name: wobbly
        run: 'test -f .once || { touch .once; echo first try broke; exit 1; }'
        retry: { attempts: 3, delay: 10ms }
  broken:
    steps:
      - { name: local-only, run: "true", when: { ci: false } }
      - name: fails
        run: 'n=$(cat .n 2>/dev/null || echo 0); n=$((n+1)); echo $n > .n; echo "clue $n"; echo "token $TOKEN"; echo "a <b> & c"; exit 3'
        retry: { attempts: 2, delay: 10ms }
      - { name: never, run: "echo unreachable" }
  ci-only:
    steps:
      - { name: deploy, run: "true", when: { ci: true } }
      - { name: after-deploy, run: "true" }
  slow:
    steps:
      - { name: sleeper, run: "sleep 30", timeout: 200ms }
  after:
    needs: [broken]
    steps:
      - { name: first, run: "true" }
      - { name: second, run: "true" }
"#;

fn parse(path: &std::path::Path) -> (String, Report) {
    let xml = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let report = Report::deserialize_from_str(&xml)
        .unwrap_or_else(|e| panic!("not a JUnit report ({e}):\n{xml}"));
    (xml, report)
}

fn case<'a>(r: &'a Report, suite: &str, name: &str) -> &'a TestCase {
    r.test_suites
        .iter()
        .find(|s| s.name.as_str() == suite)
        .and_then(|s| s.test_cases.iter().find(|c| c.name.as_str() == name))
        .unwrap_or_else(|| panic!("no case {suite} › {name}"))
}

fn message(c: &TestCase) -> String {
    match &c.status {
        TestCaseStatus::NonSuccess { message, .. } | TestCaseStatus::Skipped { message, .. } => {
            message
                .as_ref()
                .map(|m| m.as_str().to_string())
                .unwrap_or_default()
        }
        TestCaseStatus::Success { .. } => String::new(),
    }
}

#[test]
fn junit_counts_flaky_retried_timed_out_and_skipped_steps() {
    for format in ["human", "json", "github", "gitlab"] {
        let t = Test::new()
            .spec(SPEC)
            .env("TOKEN", "hunter2-secret")
            .args([
                "run",
                "-j",
                "1",
                "--keep-going",
                "--junit",
                "out/report.xml",
            ])
            .args(["--log-format", format]);
        t.expect_code(1);
        let (xml, r) = parse(&t.path().join("out/report.xml"));
        assert_eq!(r.name.as_ref().map(|n| n.as_str()), Some("Report demo"));
        // One case per step of every job: 1 + 1 + 3 + 2 + 1 + 2.
        assert_eq!(r.tests, 10, "{format}:\n{xml}");
        // broken › fails and slow › sleeper.
        assert_eq!((r.failures, r.errors), (2, 0), "{format}:\n{xml}");
        // ci-only › deploy (its `when`), broken › never (not reached), after's two (needs).
        assert_eq!(r.skipped, 4, "{format}:\n{xml}");
        assert_eq!(r.test_suites.len(), 6);

        // Flaky: a success carrying the failed attempt, with its output, as flakyFailure.
        match &case(&r, "flaky", "wobbly").status {
            TestCaseStatus::Success { flaky_runs } => {
                assert_eq!(flaky_runs.len(), 1, "{xml}");
                let run = &flaky_runs[0];
                assert_eq!(run.kind, NonSuccessKind::Failure);
                assert_eq!(run.message.as_ref().unwrap().as_str(), "exit 1");
                assert_eq!(
                    run.description.as_ref().unwrap().as_str(),
                    "first try broke"
                );
            }
            s => panic!("flaky is {s:?}"),
        }
        assert!(xml.contains("<flakyFailure"), "{xml}");

        // Failed after a retry: the last attempt's message and last lines (masked, escaped
        // on the way and read back), the first attempt as a rerunFailure.
        match &case(&r, "broken", "fails").status {
            TestCaseStatus::NonSuccess {
                kind,
                message,
                ty,
                description,
                reruns,
            } => {
                assert_eq!(*kind, NonSuccessKind::Failure);
                assert_eq!(message.as_ref().unwrap().as_str(), "exit 3");
                assert_eq!(ty.as_ref().unwrap().as_str(), "exit");
                assert_eq!(
                    description.as_ref().unwrap().as_str(),
                    "clue 2\ntoken ***\na <b> & c",
                    "{xml}"
                );
                assert_eq!(reruns.runs.len(), 1, "{xml}");
                assert_eq!(
                    reruns.runs[0].description.as_ref().unwrap().as_str(),
                    "clue 1\ntoken ***\na <b> & c"
                );
            }
            s => panic!("broken › fails is {s:?}"),
        }
        assert!(xml.contains("<rerunFailure"), "{xml}");
        assert!(!xml.contains("hunter2"), "secret in the report:\n{xml}");
        assert!(matches!(
            case(&r, "broken", "local-only").status,
            TestCaseStatus::Success { .. }
        ));
        assert_eq!(
            message(case(&r, "broken", "never")),
            "not run: an earlier step of the job did not succeed"
        );
        assert_eq!(
            message(case(&r, "ci-only", "deploy")),
            "runs only in CI (when.ci: true)"
        );
        assert!(matches!(
            case(&r, "ci-only", "after-deploy").status,
            TestCaseStatus::Success { .. }
        ));
        match &case(&r, "slow", "sleeper").status {
            TestCaseStatus::NonSuccess {
                kind, ty, message, ..
            } => {
                assert_eq!(*kind, NonSuccessKind::Failure);
                assert_eq!(ty.as_ref().unwrap().as_str(), "timeout");
                assert!(
                    message.as_ref().unwrap().as_str().contains("timed out"),
                    "{xml}"
                );
            }
            s => panic!("slow is {s:?}"),
        }
        assert_eq!(
            message(case(&r, "after", "second")),
            "needs `broken`, which did not succeed"
        );
    }
}

#[test]
fn junit_records_a_cancelled_step_as_an_error() {
    // `fails` waits until `long` is running, so fail-fast always finds it to cancel.
    let spec = r#"version: 1
jobs:
  long:
    steps:
      - { name: waits, run: "touch started; sleep 30" }
  fails:
    steps:
      - { name: boom, run: "until [ -e started ]; do sleep 0.01; done; echo bad; exit 1" }
"#;
    let t = Test::new()
        .spec(spec)
        .env("CIGEN_KILL_GRACE", "1s")
        .args(["run", "-j", "2", "--junit", "r.xml"]);
    t.expect_code(1);
    let (xml, r) = parse(&t.path().join("r.xml"));
    assert_eq!(
        (r.tests, r.failures, r.errors, r.skipped),
        (2, 1, 1, 0),
        "{xml}"
    );
    match &case(&r, "long", "waits").status {
        TestCaseStatus::NonSuccess {
            kind, ty, message, ..
        } => {
            assert_eq!(*kind, NonSuccessKind::Error);
            assert_eq!(ty.as_ref().unwrap().as_str(), "cancelled");
            assert!(
                message.as_ref().unwrap().as_str().starts_with("cancelled"),
                "{xml}"
            );
        }
        s => panic!("long is {s:?}"),
    }
}

#[test]
fn junit_is_written_in_every_ci_and_only_when_asked_elsewhere() {
    let spec = "version: 1\njobs:\n  a:\n    steps: [echo hi]\n";
    // A laptop run writes none.
    let t = Test::new().spec(spec).args(["run"]);
    t.expect_code(0);
    assert!(!t.path().join(".cigen/junit.xml").exists());
    // Any CI writes it where the generated GitLab pipeline reads it, whatever the format.
    for (var, format) in [
        ("GITLAB_CI", "json"),
        ("GITHUB_ACTIONS", "human"),
        ("CI", "gitlab"),
    ] {
        let t = Test::new()
            .spec(spec)
            .env(var, "true")
            .args(["run", "--log-format", format]);
        t.expect_code(0);
        let (_, r) = parse(&t.path().join(".cigen/junit.xml"));
        assert_eq!((r.tests, r.failures), (1, 0), "{var}");
        // In cigen's own directory, which ignores itself.
        assert!(t.path().join(".cigen/.gitignore").exists());
    }
    // --junit moves it, in CI too.
    let t =
        Test::new()
            .spec(spec)
            .env("GITLAB_CI", "true")
            .args(["run", "--junit", "elsewhere.xml"]);
    t.expect_code(0);
    assert!(t.path().join("elsewhere.xml").exists());
    assert!(!t.path().join(".cigen/junit.xml").exists());
}
