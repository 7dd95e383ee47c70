//! `--help` for every subcommand (reviewed snapshots) and colour decisions: `--color`,
//! NO_COLOR, and whether stderr is a terminal.

use crate::test::{cigen_bin, scrubbed, Test};

const SUBCOMMANDS: &[&str] = &[
    "generate",
    "run",
    "check",
    "list",
    "graph",
    "schema",
    "completions",
    "init",
    "import",
];

#[test]
fn help_for_every_subcommand() {
    for sub in SUBCOMMANDS {
        let out = Test::new()
            .env("COLUMNS", "100")
            .args([sub, "--help"])
            .expect_code(0);
        assert!(out.stdout.contains("Usage: cigen"), "{sub}: {}", out.stdout);
        insta::assert_snapshot!(format!("help_{sub}"), out.stdout);
    }
}

const BROKEN: &str = "version: 1\njobs:\n  lint:\n    nedes: [x]\n    steps: [make]\n";
const ESC: &str = "\u{1b}[";

#[test]
fn color_always_colours_even_when_piped() {
    let out = Test::new()
        .spec(BROKEN)
        .args(["--color", "always", "check"])
        .expect_code(2);
    assert!(out.stderr.contains(ESC), "{:?}", out.stderr);
    // An explicit request wins over NO_COLOR, as no-color.org asks.
    let out = Test::new()
        .spec(BROKEN)
        .env("NO_COLOR", "1")
        .args(["--color", "always", "check"])
        .expect_code(2);
    assert!(out.stderr.contains(ESC), "{:?}", out.stderr);
    let out = Test::new()
        .spec(BROKEN)
        .args(["--color", "never", "check"])
        .expect_code(2);
    assert!(!out.stderr.contains(ESC), "{:?}", out.stderr);
}

/// Runs `cigen --color auto check` with stderr on a pseudo-terminal (util-linux `script`).
fn on_a_terminal(no_color: Option<&str>) -> String {
    let t = Test::new().spec(BROKEN);
    let cmd = format!("'{}' --color auto check", cigen_bin().display());
    let mut c = scrubbed("script");
    c.args(["-qec", &cmd, "/dev/null"])
        .current_dir(t.path())
        .env("TERM", "xterm");
    if let Some(v) = no_color {
        c.env("NO_COLOR", v);
    }
    let out = c
        .output()
        .expect("util-linux `script` runs commands on a pseudo-terminal");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn color_auto_follows_the_terminal_and_no_color() {
    let tty = on_a_terminal(None);
    assert!(
        tty.contains("unknown key `nedes`") && tty.contains(ESC),
        "a terminal gets colour: {tty:?}"
    );
    let plain = on_a_terminal(Some("1"));
    assert!(
        plain.contains("unknown key `nedes`") && !plain.contains(ESC),
        "NO_COLOR turns colour off: {plain:?}"
    );
    // An empty NO_COLOR does not count (no-color.org).
    assert!(on_a_terminal(Some("")).contains(ESC));
    // Piped output is plain without being asked.
    let piped = Test::new()
        .spec(BROKEN)
        .args(["--color", "auto", "check"])
        .expect_code(2);
    assert!(!piped.stderr.contains(ESC), "{:?}", piped.stderr);
}
