//! `generate --check`'s record of the last verified state (src/generate/record.rs): a check
//! after `generate` answers from the record, and every change that could make the outputs
//! stale — the spec, an output, a custom template, a new hand-written justfile — still gets
//! the full check with its diff; a spec with warnings shows them on every check.

use std::path::Path;

use crate::test::Test;

const SPEC: &str = "version: 1\nname: demo\njobs:\n  lint:\n    description: Static checks\n    steps: [echo lint]\ntargets:\n  github: {}\n  gitlab: {}\n  just: { template: ci/just.j2 }\n";
const TEMPLATE: &str = "{{% for r in recipes %}}\n{{{ r.name }}} *args:\n    cigen run {{{ r.name }}} \"$@\"\n{{% endfor %}}\n";

fn cigen(dir: &Path, args: &[&str]) -> crate::test::Output {
    Test::new().in_dir(dir).args(args.iter().copied()).run()
}

fn record(dir: &Path) -> std::path::PathBuf {
    dir.join(".cigen/generate-state")
}

/// `generate` then `--check`: up to date, with the record in place.
fn generated() -> Test {
    let t = Test::new().spec(SPEC).file("ci/just.j2", TEMPLATE);
    let out = cigen(t.path(), &["generate"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(record(t.path()).is_file(), "generate keeps the record");
    up_to_date(t.path());
    t
}

fn up_to_date(dir: &Path) {
    let out = cigen(dir, &["generate", "--check"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stderr.contains("output(s) up to date"),
        "{}",
        out.stderr
    );
}

fn stale(dir: &Path, diff_line: &str) {
    let out = cigen(dir, &["generate", "--check"]);
    assert_eq!(out.code, 1, "{}\n{}", out.stdout, out.stderr);
    assert!(out.stdout.contains(diff_line), "{}", out.stdout);
    assert!(!record(dir).exists(), "a stale check forgets the record");
}

#[test]
fn an_edited_spec_is_checked_in_full() {
    let t = generated();
    let spec = t.path().join("cigen.yaml");
    std::fs::write(&spec, SPEC.replace("Static checks", "Lint it")).expect("write");
    stale(t.path(), "+    name: Lint it");
    std::fs::write(&spec, SPEC).expect("write");
    up_to_date(t.path());
    assert!(
        record(t.path()).is_file(),
        "a clean full check records again"
    );
    up_to_date(t.path());
}

#[test]
fn a_hand_edited_or_deleted_output_is_checked_in_full() {
    let t = generated();
    let gitlab = t.path().join(".gitlab-ci.yml");
    let text = std::fs::read_to_string(&gitlab).expect("gitlab");
    std::fs::write(&gitlab, text.replace("cigen run lint", "cigen run lynt")).expect("write");
    stale(t.path(), "+    - cigen run lint");
    std::fs::write(&gitlab, &text).expect("write");
    up_to_date(t.path());
    std::fs::remove_file(&gitlab).expect("rm");
    stale(t.path(), "+++ b/.gitlab-ci.yml");
}

#[test]
fn an_edited_template_is_checked_in_full() {
    let t = generated();
    std::fs::write(
        t.path().join("ci/just.j2"),
        format!("# The pipeline's recipes\n{TEMPLATE}"),
    )
    .expect("write");
    stale(t.path(), "+# The pipeline's recipes");
}

#[test]
fn a_new_hand_written_justfile_is_checked_in_full() {
    let spec = "version: 1\njobs:\n  lint:\n    steps: [echo lint]\ntargets:\n  just: {}\n";
    let t = Test::new().spec(spec);
    assert_eq!(cigen(t.path(), &["generate"]).code, 0);
    up_to_date(t.path());
    // The recipes now belong in ci.just, beside the user's own justfile.
    std::fs::rename(t.path().join("justfile"), t.path().join("old")).expect("mv");
    std::fs::write(t.path().join("Justfile"), "build:\n    make\n").expect("write");
    stale(t.path(), "+++ b/ci.just");
}

#[test]
fn a_spec_with_warnings_shows_them_on_every_check() {
    // The same need twice: a warning, not an error.
    let spec = "version: 1\njobs:\n  a:\n    steps: [echo a]\n  b:\n    needs: [a, a]\n    steps: [echo b]\ntargets:\n  just: {}\n";
    let t = Test::new().spec(spec);
    assert_eq!(cigen(t.path(), &["generate"]).code, 0);
    for _ in 0..2 {
        let out = cigen(t.path(), &["generate", "--check"]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert!(out.stderr.contains("warning"), "{}", out.stderr);
    }
    assert!(!record(t.path()).exists());
}

#[test]
fn another_target_selection_is_not_the_recorded_state() {
    let t = generated();
    let out = cigen(t.path(), &["generate", "--check", "--target", "just"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("1 output(s) up to date"),
        "{}",
        out.stderr
    );
    up_to_date(t.path());
}
