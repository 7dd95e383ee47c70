//! Every example under `examples/` checks, lists and graphs cleanly through the real binary;
//! a cycle is reported with its full path.

use crate::schema::example_specs;
use crate::test::Test;

#[test]
fn every_example_checks_lists_and_graphs() {
    for spec in example_specs() {
        let f = spec.to_string_lossy().into_owned();
        let check = Test::new().args(["-f", &f, "check"]).expect_code(0);
        assert!(check.stderr.contains(": ok ("), "{f}: {}", check.stderr);
        assert!(
            !check.stderr.contains("warning["),
            "{f}: examples should be warning-free:\n{}",
            check.stderr
        );
        let list = Test::new().args(["-f", &f, "list"]).expect_code(0);
        assert!(list.stdout.starts_with("JOB"), "{f}: {}", list.stdout);
        let mermaid = Test::new().args(["-f", &f, "graph"]).expect_code(0);
        assert!(
            mermaid.stdout.starts_with("flowchart LR\n") && mermaid.stdout.contains(" --> "),
            "{f}: {}",
            mermaid.stdout
        );
        let dot = Test::new()
            .args(["-f", &f, "graph", "--format", "dot"])
            .expect_code(0);
        assert!(
            dot.stdout.starts_with("digraph ")
                && dot.stdout.contains(" -> ")
                && dot.stdout.ends_with("}\n"),
            "{f}: {}",
            dot.stdout
        );
        // Every job appears in the list and as a graph node.
        let json = Test::new()
            .args(["-f", &f, "list", "--format", "json"])
            .expect_code(0);
        let rows: serde_json::Value = serde_json::from_str(&json.stdout).expect("list json");
        for row in rows.as_array().expect("rows") {
            let job = row["job"].as_str().expect("job");
            assert!(
                list.stdout
                    .lines()
                    .any(|l| l.split_whitespace().next() == Some(job)),
                "{f}: {job} not listed"
            );
            assert!(
                dot.stdout.contains(&format!("\"{job}\"")),
                "{f}: {job} not in the graph"
            );
        }
    }
}

#[test]
fn a_cycle_is_reported_with_its_path() {
    let spec = "version: 1\njobs:\n  lint:\n    steps: [make lint]\n  build:\n    needs: [lint, deploy]\n    steps: [make]\n  test:\n    needs: [build]\n    steps: [make test]\n  deploy:\n    needs: [test]\n    steps: [make deploy]\n";
    for cmd in ["check", "list", "graph"] {
        let out = Test::new()
            .spec(spec)
            .args(["--color", "never", cmd])
            .expect_code(2);
        assert!(
            out.stderr
                .contains("error[cycle]: jobs form a cycle: build → deploy → test → build"),
            "{cmd}: {}",
            out.stderr
        );
        assert!(
            out.stderr.contains("cigen.yaml:6:19"),
            "{cmd}: {}",
            out.stderr
        );
        assert!(
            out.stdout.is_empty(),
            "{cmd} printed output for a broken spec: {}",
            out.stdout
        );
    }
}

#[test]
fn extension_keys_hold_anchors_for_reuse() {
    let spec = "version: 1\nx-python: &py [\"3.12\", \"3.13\"]\nx-env: &env { A: \"1\" }\njobs:\n  test:\n    matrix: { python: *py }\n    env: *env\n    steps: [\"echo $MATRIX_PYTHON\"]\n";
    let out = Test::new().spec(spec).args(["list"]).expect_code(0);
    assert!(out.stdout.contains("[matrix: 2 cells]"), "{}", out.stdout);
    // Only top-level keys are extension points; elsewhere `x-` is still a typo to report.
    let out = Test::new()
        .spec("version: 1\njobs:\n  test:\n    x-note: hi\n    steps: [make]\n")
        .args(["check"])
        .expect_code(2);
    assert!(
        out.stderr.contains("unknown key `x-note`"),
        "{}",
        out.stderr
    );
}
