//! `reports:` and `coverage:` (issue 9): `cigen run` finds the coverage figure in the job's
//! real output and shows it in its summary, JSON and JUnit; it lists the declared reports
//! and warns, without failing, about one that is missing (also as a GitHub annotation, since
//! CI runs the same `cigen run`); GitLab and GitHub get the reports and the regex.

use serde_json::Value as Json;
use serde_yaml::Value;

use crate::features::generated;
use crate::test::Test;

const SPEC: &str = r#"
    version: 1
    jobs:
      test:
        matrix: { n: ["1", "2"] }
        coverage: 'TOTAL\s+\d+\s+(\d+(?:\.\d+)?)%'
        reports:
          junit: ["out/junit-*.xml"]
          coverage: { format: cobertura, path: out/coverage.xml }
        steps:
          - echo "TOTAL 10 40%"
          - mkdir -p out && echo '<testsuite/>' > "out/junit-$MATRIX_N.xml"
          - echo "TOTAL 10 9$MATRIX_N.5%"
    targets: { github: {}, gitlab: {} }
    "#;

fn events(stdout: &str) -> Vec<Json> {
    stdout
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

#[test]
fn cigen_run_shows_the_figure_and_warns_about_a_missing_report() {
    let t = Test::new()
        .spec(SPEC)
        .args(["run", "--log-format", "json", "-j", "1"]);
    let out = t.run();
    assert_eq!(
        out.code, 0,
        "a missing report fails nothing\n{}",
        out.stdout
    );
    let ev = events(&out.stdout);
    let finished: Vec<&Json> = ev.iter().filter(|e| e["type"] == "unit_finished").collect();
    assert_eq!(finished.len(), 2);
    for (e, figure) in finished.iter().zip([91.5, 92.5]) {
        assert_eq!(e["coverage"].as_f64(), Some(figure), "{e}");
        assert_eq!(
            e["missing_reports"],
            serde_json::json!(["out/coverage.xml"]),
            "{e}"
        );
    }
    let notices: Vec<&str> = ev
        .iter()
        .filter(|e| e["type"] == "notice")
        .filter_map(|e| e["text"].as_str())
        .collect();
    assert!(
        notices.contains(&"warning: report `out/coverage.xml` matched no file"),
        "{notices:?}"
    );
    assert!(notices.contains(&"reports: out/junit-1.xml"), "{notices:?}");
    // The summary table's note, as every runner prints it.
    let out = Test::new()
        .in_dir(t.path())
        .args(["run", "test", "--matrix", "n=2", "--junit", "j.xml"])
        .run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let all = format!("{}{}", out.stdout, out.stderr);
    assert!(
        all.contains("coverage 92.5%; missing reports: out/coverage.xml"),
        "{all}"
    );
    let junit = std::fs::read_to_string(t.path().join("j.xml")).expect("junit");
    assert!(
        junit.contains(r#"<property name="coverage" value="92.5"/>"#),
        "{junit}"
    );
    // On GitHub the missing report is also an annotation.
    let out = Test::new()
        .in_dir(t.path())
        .args(["run", "test", "--matrix", "n=1", "--log-format", "github"])
        .run();
    assert!(
        out.stdout
            .contains("::warning title=test (1)::report `out/coverage.xml` matched no file"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_failed_job_keeps_its_figure_and_no_match_means_none() {
    let spec = r#"
        version: 1
        jobs:
          broken:
            coverage: 'Lines: (\d+)%'
            steps: ["echo 'Lines: 42%'", "false"]
          none:
            coverage: 'Lines: (\d+)%'
            steps: [echo no figure]
        "#;
    let out = Test::new()
        .spec(spec)
        .args(["run", "--keep-going", "--log-format", "json"])
        .run();
    assert_eq!(out.code, 1);
    let ev = events(&out.stdout);
    let unit = |job: &str| {
        ev.iter()
            .find(|e| e["type"] == "unit_finished" && e["job"] == job)
            .cloned()
            .unwrap_or_default()
    };
    assert_eq!(unit("broken")["coverage"].as_f64(), Some(42.0));
    assert_eq!(unit("broken")["status"], "failed");
    assert!(unit("none")["coverage"].is_null(), "{}", unit("none"));
}

#[test]
fn gitlab_reads_the_reports_and_the_regex_and_github_keeps_the_files() {
    let (github, gitlab, _) = generated(SPEC);
    let job = &gitlab["test"];
    assert_eq!(
        job["coverage"].as_str(),
        Some(r"/TOTAL\s+\d+\s+(\d+(?:\.\d+)?)%/")
    );
    let reports = &job["artifacts"]["reports"];
    let junit: Vec<&str> = reports["junit"]
        .as_sequence()
        .expect("junit list")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(junit, vec![".cigen/junit.xml", "out/junit-*.xml"]);
    assert_eq!(
        reports["coverage_report"]["coverage_format"].as_str(),
        Some("cobertura")
    );
    assert_eq!(
        reports["coverage_report"]["path"].as_str(),
        Some("out/coverage.xml")
    );
    let steps = github["jobs"]["test"]["steps"]
        .as_sequence()
        .expect("steps");
    let up = steps
        .iter()
        .find(|s| s["name"].as_str() == Some("Upload reports"))
        .expect("an upload of the reports");
    assert_eq!(up["if"].as_str(), Some("!cancelled()"));
    assert_eq!(
        up["with"]["name"].as_str(),
        Some("cigen-reports.test.${{ strategy.job-index }}")
    );
    assert_eq!(
        up["with"]["path"].as_str(),
        Some("out/junit-*.xml\nout/coverage.xml")
    );
}
