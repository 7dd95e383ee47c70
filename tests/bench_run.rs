//! `scripts/bench-run --quick`: every section of the benchmark run once at toy sizes against
//! the test build, so the script cannot rot. Only the shape of the report is checked (each
//! section, each log format, each mode); its figures are machine-dependent and not asserted.

use crate::test::{cigen_bin, repo_root, scrubbed};

#[test]
fn quick_mode_runs_every_section_and_reports_each_figure() {
    let out = scrubbed("bash")
        .arg(repo_root().join("scripts/bench-run"))
        .arg("--quick")
        .env("BENCH_CIGEN", cigen_bin())
        .output()
        .expect("run scripts/bench-run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "bench-run --quick failed\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );
    for section in ["(a) ", "(b) ", "(c) ", "(d) ", "(e) ", "(f) ", "(g) "] {
        assert!(
            stdout.lines().any(|l| l.starts_with(section)),
            "no section {section}in:\n{stdout}"
        );
    }
    for format in ["human", "json", "github", "gitlab"] {
        // (d): each format timed against bash, with a ratio (bash took some time).
        let d = format!("cigen --log-format {format}");
        let line = stdout.lines().find(|l| l.contains(&d));
        assert!(
            line.is_some_and(|l| l.contains("ratio ") && !l.contains("n/a")),
            "no ratio for {d} in:\n{stdout}"
        );
        // (e): peak RSS for each volume, -j 1 and in parallel.
        for mode in ["-j 1", "-j 2"] {
            let rows = stdout
                .lines()
                .filter(|l| l.contains(&format!(" {format} ")) && l.contains(mode))
                .filter(|l| l.contains("peak ") && l.contains(" MB "))
                .count();
            assert_eq!(rows, 2, "(e) {format} {mode}: want 2 volumes in:\n{stdout}");
        }
    }
    // (f): two chain lengths, each with wall time and own CPU per job against make.
    let chains = stdout
        .lines()
        .filter(|l| l.contains(" jobs: cigen ") && l.contains("own CPU per job"))
        .count();
    assert_eq!(chains, 2, "chains in:\n{stdout}");
    assert!(
        stdout.contains("with ") && stdout.contains("without "),
        "(g) in:\n{stdout}"
    );
}
