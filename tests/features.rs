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

/// `cigen check` of `spec`: its exit code and stderr.
pub(crate) fn check(spec: &str) -> (i32, String) {
    let out = Test::new().spec(spec).args(["check"]).run();
    (out.code, out.stderr)
}

#[test]
fn jobs_of_one_concurrency_group_never_overlap() {
    // Two deploy jobs in one group and a free job, with room for all three at once: each
    // deploy job writes `start` and `end` lines around a pause, so an overlap would interleave
    // them. The free job runs beside whichever holds the group.
    let spec = r#"
        version: 1
        jobs:
          deploy-a:
            concurrency: production
            steps:
              - echo "start a" >> lock.log; sleep 0.3; echo "end a" >> lock.log
          deploy-b:
            concurrency: production
            steps:
              - echo "start b" >> lock.log; sleep 0.3; echo "end b" >> lock.log
          free:
            steps: [echo free]
        "#;
    let t = Test::new().spec(spec).args(["run", "-j", "3"]);
    t.expect_code(0);
    let log = std::fs::read_to_string(t.path().join("lock.log")).unwrap();
    let lines: Vec<&str> = log.lines().collect();
    assert!(
        lines == ["start a", "end a", "start b", "end b"]
            || lines == ["start b", "end b", "start a", "end a"],
        "{lines:?}"
    );
    let (github, gitlab, _) = generated(spec);
    let c = &job(&github, "deploy-a")["concurrency"];
    assert_eq!(c["group"], Value::from("production"));
    assert_eq!(c["cancel-in-progress"], Value::Bool(false));
    assert_eq!(job(&github, "free").get("concurrency"), None);
    assert_eq!(
        job(&gitlab, "deploy-b")["resource_group"],
        Value::from("production")
    );
    assert_eq!(job(&gitlab, "free").get("resource_group"), None);
}

#[test]
fn concurrency_groups_github_would_cancel_are_refused() {
    let (code, err) = check(
        r#"
        version: 1
        jobs:
          a: { concurrency: "deploy ${{ github.ref }}", steps: ["true"] }
          b: { concurrency: lock, matrix: { n: ["1", "2"] }, steps: ["true"] }
          c: { concurrency: prod, steps: ["true"] }
          d: { concurrency: prod, steps: ["true"] }
          e: { concurrency: prod, steps: ["true"] }
          f: { concurrency: chain, steps: ["true"] }
          g: { concurrency: chain, needs: [f], steps: ["true"] }
          h: { concurrency: chain, needs: [g], steps: ["true"] }
        "#,
    );
    assert_eq!(code, 2, "{err}");
    for want in [
        "error[invalid-concurrency]: `deploy ${{ github.ref }}` is not a concurrency group name",
        "error[concurrency-matrix]: job `b` has a matrix and a concurrency group",
        "error[concurrency-crowded]: jobs `c`, `d` and `e` share concurrency group `prod` and nothing orders them",
        "cigen.yaml:7:21",
    ] {
        assert!(err.contains(want), "missing {want:?} in\n{err}");
    }
    assert!(!err.contains("`chain`"), "a chain waits in order\n{err}");
}

#[test]
fn environment_urls_name_the_ref_the_same_way_on_both_providers() {
    let spec = r#"
        version: 1
        jobs:
          preview:
            environment: { name: review, url: "https://preview.example.com/{ref}/" }
            steps: ["true"]
        "#;
    let (github, gitlab, _) = generated(spec);
    assert_eq!(
        job(&github, "preview")["environment"]["url"],
        Value::from("https://preview.example.com/${{ github.head_ref || github.ref_name }}/")
    );
    assert_eq!(
        job(&gitlab, "preview")["environment"]["url"],
        Value::from("https://preview.example.com/$CI_COMMIT_REF_NAME/")
    );
    for (url, want) in [
        (
            "https://x.example.com/${{ github.ref_name }}",
            "`${{ }}` in an environment URL is not evaluated",
        ),
        (
            "https://x.example.com/$CI_COMMIT_REF_SLUG",
            "`$` in an environment URL means a variable on GitLab and nothing on GitHub",
        ),
        (
            "https://x.example.com/{branch}",
            "unknown placeholder at `{branch}` in an environment URL",
        ),
    ] {
        let (code, err) = check(&format!(
            "version: 1\njobs:\n  deploy:\n    environment: {{ name: prod, url: \"{url}\" }}\n    steps: [\"true\"]\n"
        ));
        assert_eq!(code, 2, "{err}");
        assert!(
            err.contains(&format!("error[url-expression]: {want}")),
            "{err}"
        );
        assert!(err.contains("cigen.yaml:4:"), "{err}");
        assert!(
            err.contains("write `{ref}` for the branch or tag being built"),
            "{err}"
        );
    }
}
