//! `scripts/bench-generate --quick` against `just --summary`: a judge's run, so it belongs to
//! the `judges` job, which installs just (the quick modes without a peer are in
//! `tests/bench_scripts.rs`).

use crate::bench_scripts::{quick, rows};
use crate::judges::tool::judge;

#[test]
fn bench_generate_quick_mode_runs_every_case_against_just() {
    let Some(just) = judge("just") else { return };
    let dir = just.path.parent().expect("just's directory").to_path_buf();
    let mut path = std::ffi::OsString::from(dir);
    path.push(":");
    path.push(std::env::var_os("PATH").unwrap_or_default());
    let out = quick("bench-generate", Some(path));
    for size in ["10", "50"] {
        let r = rows(&out, size);
        assert_eq!(r.len(), 1, "{out}");
        // warm, cold, static and load ratios close the row; load is `cigen list` alone.
        let ratios: Vec<&str> = r[0].split_whitespace().rev().take(4).collect();
        assert!(
            ratios[0].parse::<f64>().is_ok() && ratios[2].parse::<f64>().is_ok(),
            "load and cold ratios in {:?}:\n{out}",
            r[0]
        );
    }
    for want in ["cigen check: ", "cigen run j100: "] {
        assert!(out.contains(want), "no `{want}` line:\n{out}");
    }
    // Memory needs GNU time (Debian package `time`); without it the script says so.
    assert!(
        out.contains("the loaded spec takes ") || out.contains("/usr/bin/time is missing"),
        "{out}"
    );
}
