//! The malformed-spec corpus: every file in `tests/specs/invalid` fails `cigen check` with
//! exit 2 and located, rustc-style diagnostics; one reviewed snapshot per file.

use std::path::{Path, PathBuf};

use crate::test::{cigen_bin, repo_root, scrubbed, Output};

fn corpus_dir() -> PathBuf {
    repo_root().join("tests/specs/invalid")
}

fn corpus() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(corpus_dir())
        .expect("tests/specs/invalid")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml"))
        .collect();
    names.sort();
    names
}

/// Runs `cigen <args>` in `dir`, so paths in messages are the bare file names.
fn cigen_in(dir: &Path, args: &[&str]) -> Output {
    let out = scrubbed(cigen_bin())
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run cigen");
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// What every diagnostic run must show: exit 2, `file:line:col`, a caret line, a help line.
fn assert_located(name: &str, out: &Output) {
    assert_eq!(out.code, 2, "{name}: expected exit 2\n{}", out.stderr);
    assert!(
        out.stdout.is_empty(),
        "{name}: human diagnostics go to stderr, stdout was:\n{}",
        out.stdout
    );
    let located = out.stderr.lines().any(|l| {
        l.trim_start()
            .strip_prefix("--> ")
            .and_then(|rest| rest.strip_prefix(name))
            .is_some_and(|pos| {
                let mut parts = pos.split(':').skip(1);
                parts.next().is_some_and(|l| l.parse::<usize>().is_ok())
                    && parts.next().is_some_and(|c| c.parse::<usize>().is_ok())
            })
    });
    assert!(located, "{name}: no `{name}:line:col` in\n{}", out.stderr);
    let caret = |l: &str| {
        l.trim_start()
            .strip_prefix('|')
            .is_some_and(|rest| rest.trim_start().starts_with('^'))
    };
    assert!(
        out.stderr.lines().any(caret),
        "{name}: no caret line in\n{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("= help: "),
        "{name}: no help line in\n{}",
        out.stderr
    );
    assert!(
        !out.stderr.contains("panicked"),
        "{name}: panic\n{}",
        out.stderr
    );
}

#[test]
fn corpus_is_large_enough() {
    assert!(
        corpus().len() >= 45,
        "only {} malformed specs",
        corpus().len()
    );
}

#[test]
fn every_malformed_spec_is_located_and_snapshotted() {
    let dir = corpus_dir();
    for name in corpus() {
        let out = cigen_in(&dir, &["--color", "never", "-f", &name, "check"]);
        assert_located(&name, &out);
        insta::assert_snapshot!(name.trim_end_matches(".yaml"), out.stderr);
    }
}

#[test]
fn invalid_utf8_is_located() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("latin1.yaml"),
        b"version: 1\njobs:\n  lint:\n    description: caf\xe9\n    steps: [make]\n",
    )
    .expect("write");
    let out = cigen_in(
        dir.path(),
        &["--color", "never", "-f", "latin1.yaml", "check"],
    );
    assert_located("latin1.yaml", &out);
    insta::assert_snapshot!(out.stderr);
}

#[test]
fn json_format_carries_the_same_diagnostics() {
    let dir = corpus_dir();
    for name in [
        "needs-missing.yaml",
        "shape-unknown-job-keys.yaml",
        "syntax-tab-indent.yaml",
        "env-invalid-names.yaml",
    ] {
        let out = cigen_in(&dir, &["-f", name, "check", "--format", "json"]);
        assert_eq!(out.code, 2, "{name}");
        let human = cigen_in(&dir, &["--color", "never", "-f", name, "check"]);
        let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
        let items = v["diagnostics"].as_array().expect("diagnostics array");
        // One JSON item per rendered diagnostic, in the same order.
        let heads: Vec<&str> = human
            .stderr
            .lines()
            .filter(|l| l.starts_with("error[") || l.starts_with("warning["))
            .collect();
        assert_eq!(items.len(), heads.len(), "{name}");
        for (item, head) in items.iter().zip(heads) {
            let code = item["code"].as_str().expect("code");
            assert!(
                head.contains(&format!(
                    "[{code}]: {}",
                    item["message"].as_str().expect("message")
                )),
                "{name}: {head}"
            );
            assert!(
                item["line"].as_u64().is_some() && item["column"].as_u64().is_some(),
                "{name}: {item}"
            );
        }
        insta::assert_snapshot!(
            format!("json__{}", name.trim_end_matches(".yaml")),
            out.stdout
        );
    }
}

#[test]
fn no_orphaned_corpus_snapshots() {
    let names = corpus();
    let dir = repo_root().join("tests/snapshots");
    let mut orphans = Vec::new();
    for entry in std::fs::read_dir(&dir)
        .expect("tests/snapshots")
        .filter_map(|e| e.ok())
    {
        let file = entry.file_name().to_string_lossy().into_owned();
        let Some(stem) = file
            .strip_prefix("integration__corpus__")
            .and_then(|f| f.strip_suffix(".snap"))
        else {
            continue;
        };
        let stem = stem.strip_prefix("json__").unwrap_or(stem);
        if stem != "invalid_utf8_is_located" && !names.contains(&format!("{stem}.yaml")) {
            orphans.push(file);
        }
    }
    assert!(
        orphans.is_empty(),
        "snapshots without a spec in tests/specs/invalid (delete them): {orphans:?}"
    );
}

#[test]
fn warnings_alone_do_not_fail() {
    let spec = "version: 1\ntriggers: { push: { branches: [main] } }\njobs:\n  release:\n    when: { event: tag }\n    steps: [make]\n";
    let out = crate::test::Test::new()
        .spec(spec)
        .args(["--color", "never", "-f", "cigen.yaml", "check"])
        .expect_code(0);
    assert!(
        out.stderr.contains("warning[unreachable-event]")
            && out.stderr.contains("cigen.yaml: ok (1 jobs)"),
        "{}",
        out.stderr
    );
    let json = crate::test::Test::new()
        .spec(spec)
        .args(["check", "--format", "json"])
        .expect_code(0);
    assert!(
        json.stdout.contains("\"severity\": \"warning\""),
        "{}",
        json.stdout
    );
    crate::test::Test::new()
        .spec(spec)
        .args(["list"])
        .expect_code(0);
}

#[test]
fn provider_matrix_limits_apply_only_with_their_target() {
    let axis = "[a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p, q]";
    let spec = format!(
        "version: 1\njobs:\n  t:\n    matrix: {{ x: {axis}, y: {axis} }}\n    steps: [echo]\n"
    );
    // Every target by default: GitLab's 200 is the tighter limit.
    let out = crate::test::Test::new()
        .spec(&spec)
        .args(["check"])
        .expect_code(2);
    assert!(
        out.stderr.contains(
            "the matrix has 289 cells; GitLab's `parallel: matrix` runs at most 200 per job"
        ),
        "{}",
        out.stderr
    );
    let github = format!("{spec}targets: {{ github: {{}} }}\n");
    let out = crate::test::Test::new()
        .spec(&github)
        .args(["check"])
        .expect_code(2);
    assert!(
        out.stderr
            .contains("the matrix has 289 cells; GitHub Actions runs at most 256 per job"),
        "{}",
        out.stderr
    );
    let local = format!("{spec}targets: {{ just: {{}} }}\n");
    crate::test::Test::new()
        .spec(&local)
        .args(["check"])
        .expect_code(0);
}
