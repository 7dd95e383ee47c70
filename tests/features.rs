//! The keys real workflows need (issue 9): each run for real by `cigen run` and read back from
//! the generated GitHub workflow and GitLab pipeline. Judges and parity runs of the same keys
//! are in `judges/features.rs` and `parity/corpus_features.rs`.

use serde_yaml::Value;

use crate::test::{unindent, Test};

/// `label: status (reason)` per finished unit, in the order they finished, from a run with
/// `--log-format json`.
pub(crate) fn outcomes(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v["type"] == "unit_finished")
        .map(|v| {
            let reason = v["reason"]
                .as_str()
                .map(|r| format!(" ({r})"))
                .unwrap_or_default();
            format!(
                "{}: {}{reason}",
                v["label"].as_str().unwrap_or_default(),
                v["status"].as_str().unwrap_or_default()
            )
        })
        .collect()
}

/// The generated outputs of `spec`, parsed: (GitHub workflow, GitLab pipeline, justfile).
pub(crate) fn generated(spec: &str) -> (Value, Value, String) {
    let t = Test::new().spec(spec).args(["generate"]);
    t.assert_ok();
    let read = |rel: &str| std::fs::read_to_string(t.path().join(rel)).unwrap_or_default();
    let github = serde_yaml::from_str(&read(".github/workflows/ci.yml")).expect("workflow YAML");
    let gitlab = serde_yaml::from_str(&read(".gitlab-ci.yml")).expect("pipeline YAML");
    (github, gitlab, read("justfile"))
}

trait AssertOk {
    fn assert_ok(&self);
}

impl AssertOk for Test {
    fn assert_ok(&self) {
        self.expect_code(0);
    }
}

fn job<'a>(doc: &'a Value, name: &str) -> &'a Value {
    doc.get("jobs")
        .and_then(|j| j.get(name))
        .or_else(|| doc.get(name))
        .unwrap_or_else(|| panic!("no job `{name}` in\n{doc:?}"))
}

#[test]
fn fail_fast_false_lets_the_other_cells_and_jobs_run() {
    let spec = r#"
        version: 1
        jobs:
          cells:
            fail_fast: false
            matrix: { n: ["1", "2", "3"] }
            steps:
              - echo "cell $MATRIX_N"
              - test "$MATRIX_N" != 2
          after:
            needs: [cells]
            steps: [echo after]
          later:
            steps: [echo later]
        "#;
    // One job at a time, so the order is the plan's: without `fail_fast: false`, cell 2
    // failing would stop cell 3 and `later`.
    let out = Test::new()
        .spec(spec)
        .args(["run", "-j", "1", "--log-format", "json"])
        .status(1)
        .printed(&["cell 1", "cell 2", "cell 3", "later"])
        .assert();
    assert_eq!(
        outcomes(&out.stdout),
        [
            "cells (1): passed",
            "cells (2): failed (step `test \"$MATRIX_N\" != 2` failed: exit 1)",
            "after: skipped (needs `cells (2)`, which did not succeed)",
            "cells (3): passed",
            "later: passed",
        ]
    );
    // The default stops everything at the first failure.
    let strict = unindent(spec).replace("fail_fast: false\n    ", "");
    let out = Test::new()
        .file("cigen.yaml", &strict)
        .args(["run", "-j", "1", "--log-format", "json"])
        .status(1)
        .printed(&["cell 1", "cell 2"])
        .assert();
    assert_eq!(outcomes(&out.stdout).len(), 5);

    let (github, gitlab, _) = generated(spec);
    assert_eq!(
        job(&github, "cells")["strategy"]["fail-fast"],
        Value::Bool(false)
    );
    assert_eq!(
        job(&github, "later").get("strategy"),
        None,
        "no matrix, no strategy"
    );
    // GitLab has no fail-fast for `parallel: matrix`: cells always finish (docs/contracts.md).
    assert!(job(&gitlab, "cells").get("parallel").is_some());
}
