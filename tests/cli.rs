//! CLI basics: discovery, list, graph, schema, completions, help.

use crate::test::{repo_root, Test};

const SPEC: &str = "version: 1\njobs:\n  lint:\n    description: Static checks\n    steps: [echo lint]\n  test:\n    needs: [lint]\n    steps: [echo test]\n";

#[test]
fn discovers_spec_in_parent_directories() {
    let out = Test::new()
        .spec(SPEC)
        .current_dir("a/b")
        .args(["list"])
        .expect_code(0);
    assert_eq!(
        out.stdout,
        "JOB   NEEDS  DESCRIPTION\nlint  -      Static checks\ntest  lint   \n"
    );
}

#[test]
fn missing_spec_is_a_usage_error() {
    let out = Test::new().args(["list"]).expect_code(2);
    assert!(out.stderr.contains("no cigen.yaml found"), "{}", out.stderr);
}

#[test]
fn graph_mermaid_and_dot() {
    let t = Test::new().spec(SPEC);
    let m = t.args(["graph"]).expect_code(0);
    assert!(m.stdout.contains("job_lint --> job_test"), "{}", m.stdout);
    let t = Test::new().spec(SPEC).args(["graph", "--format", "dot"]);
    assert!(t.expect_code(0).stdout.contains("\"lint\" -> \"test\";"));
}

#[test]
fn schema_command_equals_committed_schema() {
    let out = Test::new().args(["schema"]).expect_code(0);
    let committed = std::fs::read_to_string(repo_root().join("schema/cigen.schema.json"))
        .expect("committed schema");
    assert_eq!(
        out.stdout, committed,
        "schema/cigen.schema.json is stale: run `cargo run -- schema > schema/cigen.schema.json`"
    );
}

#[test]
fn completions_for_each_shell() {
    // The scripts call cigen back (tests/completions.rs); subcommands complete through it.
    for shell in ["bash", "zsh", "fish"] {
        let out = Test::new().args(["completions", shell]).expect_code(0);
        assert!(out.stdout.contains("COMPLETE"), "{shell}");
    }
    let out = Test::new()
        .env("COMPLETE", "fish")
        .env("_CLAP_COMPLETE_INDEX", "1")
        .args(["--", "cigen", "gen"])
        .expect_code(0);
    assert!(out.stdout.starts_with("generate\t"), "{}", out.stdout);
}

#[test]
fn help_shows_examples() {
    let out = Test::new().args(["--help"]).expect_code(0);
    insta::assert_snapshot!(out.stdout);
}

#[test]
fn check_json_reports_an_unreadable_spec_as_data() {
    let out = Test::new()
        .args(["check", "--format", "json", "-f", "missing.yaml"])
        .expect_code(2);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON on stdout");
    let d = &v["diagnostics"][0];
    assert_eq!(d["code"], "unreadable-spec");
    assert!(
        d["message"].as_str().unwrap_or("").contains("missing.yaml"),
        "{d}"
    );
}

/// A job's title is one thing everywhere: `cigen list`, the GitHub job name and the just
/// recipe's doc comment all show the description's first non-blank line (a description
/// written as a block that starts with a blank line used to list as empty).
#[test]
fn job_title_agrees_across_list_and_outputs() {
    let spec = "version: 1\njobs:\n  lint:\n    description: \"\\n  Static checks  \\nmore detail\"\n    steps: [echo lint]\n";
    let t = Test::new().spec(spec);
    let out = t.args(["list"]).expect_code(0);
    assert_eq!(
        out.stdout,
        "JOB   NEEDS  DESCRIPTION\nlint  -      Static checks\n"
    );
    let t = Test::new().spec(spec).args(["generate"]);
    t.expect_code(0);
    let workflow = std::fs::read_to_string(t.path().join(".github/workflows/ci.yml")).unwrap();
    assert!(workflow.contains("    name: Static checks\n"), "{workflow}");
    let justfile = std::fs::read_to_string(t.path().join("justfile")).unwrap();
    assert!(
        justfile.contains("# Static checks\n[positional-arguments]\nlint *args:"),
        "{justfile}"
    );
}
