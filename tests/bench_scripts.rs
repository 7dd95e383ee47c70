//! The benchmark scripts' quick modes, run for real against the cigen under test so that the
//! scripts cannot rot: they build their inputs, run every case and print every row. No
//! figure is asserted (timings belong to the scripts, never to tests); what is asserted is
//! that each case ran and, for change detection, that cigen found what git lists (the
//! script itself compares the two counts and fails otherwise).

use std::process::Output;

use crate::test::{cigen_bin, repo_root, scrubbed};

pub(crate) fn quick(script: &str, path: Option<std::ffi::OsString>) -> String {
    let mut cmd = scrubbed(repo_root().join("scripts").join(script));
    // The binary under test stands in for the static one too: a smoke run checks rows, not
    // figures.
    cmd.arg("--quick")
        .env("CIGEN", cigen_bin())
        .env("CIGEN_STATIC", cigen_bin());
    if let Some(p) = path {
        cmd.env("PATH", p);
    }
    let out: Output = cmd.output().expect("run the bench script");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{script} --quick failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// Every row's numbers, so a case that printed no figure fails.
pub(crate) fn rows<'a>(stdout: &'a str, first: &str) -> Vec<&'a str> {
    stdout
        .lines()
        .filter(|l| l.split_whitespace().next() == Some(first))
        .collect()
}

#[test]
fn bench_changes_quick_mode_runs_every_case() {
    let out = quick("bench-changes", None);
    for changed in ["20", "200"] {
        let r = rows(&out, changed);
        assert_eq!(
            r.len(),
            3,
            "local, CI and CI-static rows for {changed} files:\n{out}"
        );
        for line in r {
            assert_eq!(line.split_whitespace().count(), 8, "{line}");
        }
    }
}
