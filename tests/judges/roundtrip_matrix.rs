//! Matrix values are the values that travel furthest: spec → generated YAML → provider →
//! `MATRIX_<KEY>` → `cigen run --matrix KEY=VALUE`, which must find the very cell. Checked in
//! the YAML (1.1 and 1.2 readers, as each provider shows it) and by real runs in
//! gitlab-ci-local and act, each cell printing its value as hex. The `hex` job does the same for
//! every env value and every value written in step text, so CI-mode cigen is checked too.

use serde_json::Value;

use super::nasty::{hex, spec, value, MATRIX, NASTY};
use super::outputs::Outputs;
use super::realrun::generate;
use super::repo::{Forge, TempRepo};
use super::roundtrip::readers;
use super::roundtrip_outputs::{github_shown, gitlab_shown};
use super::runs::{act_workflow, gitlab_pipeline, BinDir};
use super::tool::{judge, judges_python, Complaints, Verdict};
use crate::test::Test;

const TARGETS: &str = "  github: {}\n  gitlab: { install: present }\n  just: {}\n";

fn repo(forge: Forge) -> TempRepo {
    let repo = TempRepo::new();
    repo.write("cigen.yaml", &spec(TARGETS));
    generate(repo.path());
    repo.commit(forge);
    repo
}

/// Every cell printed `cell=<hex of its value>`, exactly once per run.
fn assert_every_cell(v: &Verdict, what: &str) {
    let out = format!("{}{}", v.stdout, v.stderr);
    let missing: Vec<String> = MATRIX
        .iter()
        .filter(|n| {
            !out.contains(&format!("cell={}\n", hex(value(n))))
                && !out.contains(&format!("cell={} ", hex(value(n))))
        })
        .map(|n| format!("{n} ({:?}, cell={})", value(n), hex(value(n))))
        .collect();
    assert!(
        missing.is_empty(),
        "{what}: no cell printed {missing:?}\n{}",
        v.report()
    );
}

#[test]
fn cigen_run_runs_every_cell_locally() {
    let t = Test::new()
        .spec(&spec(""))
        .args(["run", "cells", "--log-format", "human"]);
    let out = t.run();
    let v = Verdict {
        command: "cigen run cells".into(),
        code: Some(out.code),
        stdout: out.stdout,
        stderr: out.stderr,
    };
    v.assert_ok();
    assert_every_cell(&v, "cigen run cells");
}

#[test]
fn matrix_values_read_back_from_both_providers_files() {
    let Some(python) = judges_python() else {
        return;
    };
    let repo = repo(Forge::Gitlab);
    let o = Outputs::find(repo.path());
    let files = [
        repo.path().join(&o.workflows[0]),
        repo.path().join(".gitlab-ci.yml"),
    ];
    let mut c = Complaints::default();
    for r in readers(&python) {
        let docs = match r.read(&files) {
            Ok(d) => d,
            Err(e) => {
                c.add(format!("{}: {e}", r.name));
                continue;
            }
        };
        let cells = |doc: &Value, pointer: &str, key: &str| -> Vec<Option<String>> {
            let list = doc
                .pointer(pointer)
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            list.iter()
                .map(|cell| cell.get(key).and_then(Value::as_str).map(String::from))
                .collect()
        };
        let github = cells(&docs[0], "/jobs/cells/strategy/matrix/include", "v");
        let gitlab = cells(&docs[1], "/cells/parallel/matrix", "MATRIX_V");
        for (provider, found, shown) in [
            (
                "GitHub",
                github,
                github_shown as fn(&str) -> Result<String, String>,
            ),
            ("GitLab", gitlab, gitlab_shown),
        ] {
            let found: Vec<Result<String, String>> = found
                .iter()
                .map(|v| {
                    v.as_deref()
                        .ok_or("not a string".to_string())
                        .and_then(shown)
                })
                .collect();
            let want: Vec<Result<String, String>> =
                MATRIX.iter().map(|n| Ok(value(n).to_string())).collect();
            if found != want {
                c.add(format!(
                    "{}: {provider} matrix cells show\n  {found:?}\nexpected\n  {want:?}",
                    r.name
                ));
            }
        }
    }
    c.finish("matrix values in generated YAML");
}

#[test]
fn gitlab_ci_local_runs_every_cell_with_its_value() {
    let Some(glci) = judge("gitlab-ci-local") else {
        return;
    };
    let repo = repo(Forge::Gitlab);
    let bin = BinDir::new();
    let v = gitlab_pipeline(&glci, &repo, &bin, &["cells"]);
    v.assert_ok();
    assert_every_cell(&v, "gitlab-ci-local");
}

#[test]
fn act_runs_every_cell_with_its_value() {
    let Some(act) = judge("act") else { return };
    let repo = repo(Forge::Github);
    let bin = BinDir::stand_ins_only();
    let workflow = Outputs::find(repo.path()).workflows[0].clone();
    let v = act_workflow(&act, &repo, &bin, &workflow, &["-j", "cells"])
        .unwrap_or_else(|e| panic!("{e}"));
    v.assert_ok();
    assert_every_cell(&v, "act");
}

/// The `hex` job printed `env:<name>=<hex>` and `cmd:<name>=<hex>` for every value.
fn assert_every_hex(v: &Verdict, what: &str) {
    let out = format!("{}{}", v.stdout, v.stderr);
    let mut missing = Vec::new();
    for (name, value) in NASTY {
        for kind in ["env", "cmd"] {
            let line = format!("{kind}:{name}={}", hex(value));
            // Whole token: followed by a line end or the runner's padding.
            let found = out.match_indices(&line).any(|(i, _)| {
                out[i + line.len()..].starts_with(['\n', ' ', '\r']) || i + line.len() == out.len()
            });
            if !found {
                missing.push(format!("{line} ({value:?})"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "{what}: missing {missing:?}\n{}",
        v.report()
    );
}

#[test]
fn cigen_run_prints_every_value_as_hex_locally() {
    let t = Test::new()
        .spec(&spec(""))
        .args(["run", "hex", "--log-format", "human"]);
    let out = t.run();
    let v = Verdict {
        command: "cigen run hex".into(),
        code: Some(out.code),
        stdout: out.stdout,
        stderr: out.stderr,
    };
    v.assert_ok();
    assert_every_hex(&v, "cigen run hex");
}

#[test]
fn gitlab_ci_local_carries_every_env_value_and_command() {
    let Some(glci) = judge("gitlab-ci-local") else {
        return;
    };
    let repo = repo(Forge::Gitlab);
    let bin = BinDir::new();
    let v = gitlab_pipeline(&glci, &repo, &bin, &["hex"]);
    v.assert_ok();
    assert_every_hex(&v, "gitlab-ci-local");
}

#[test]
fn act_carries_every_env_value_and_command() {
    let Some(act) = judge("act") else { return };
    let repo = repo(Forge::Github);
    let bin = BinDir::stand_ins_only();
    let workflow = Outputs::find(repo.path()).workflows[0].clone();
    let v = act_workflow(&act, &repo, &bin, &workflow, &["-j", "hex"])
        .unwrap_or_else(|e| panic!("{e}"));
    v.assert_ok();
    assert_every_hex(&v, "act");
}
