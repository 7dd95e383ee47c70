//! `cigen run` on a terminal and in a log: the progress line (width-aware, ticking), notices
//! for slow steps, and the colour decision and what steps are told about it.

use crate::test::{cigen_bin, scrubbed, Test};

/// Runs `cigen <args>` in `dir` on a pseudo-terminal of `cols` columns (`script`, as a
/// developer's shell would), with `env` set; returns what the terminal showed.
fn on_terminal(dir: &std::path::Path, cols: u16, env: &[(&str, &str)], args: &str) -> String {
    let cmd = format!("stty cols {cols} rows 24; {} {args}", cigen_bin().display());
    let mut c = scrubbed("script");
    c.args(["-qec", &cmd, "/dev/null"]).current_dir(dir);
    c.env("TERM", "xterm").env_remove("NO_COLOR");
    for (k, v) in env {
        c.env(k, v);
    }
    let out = c.output().expect("script (util-linux)");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// What a terminal would show on each redraw: the text between carriage returns and line
/// feeds, without escape sequences.
fn segments(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for seg in text.split(['\r', '\n']) {
        let mut plain = String::new();
        let mut chars = seg.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '\x1b' {
                // CSI: ESC [ parameters final-byte.
                if chars.peek() == Some(&'[') {
                    chars.next();
                    for d in chars.by_ref() {
                        if d.is_ascii_alphabetic() {
                            break;
                        }
                    }
                }
                continue;
            }
            plain.push(c);
        }
        out.push(plain);
    }
    out
}

const TWO_STEPS: &str = "version: 1\njobs:\n  ok:\n    steps:\n      - { name: hello, run: \"echo hello\" }\n      - { name: nap, run: \"sleep 1.5\" }\n";

#[test]
fn progress_line_on_a_terminal_only_and_never_wider_than_it() {
    let t = Test::new().spec(TWO_STEPS);
    let text = on_terminal(t.path(), 100, &[], "run ok");
    let segs = segments(&text);
    assert!(
        segs.iter().any(|s| s.contains("[0/1] running: ok ")),
        "{text:?}"
    );
    assert!(
        text.contains("\x1b[32m✓ hello"),
        "colour on a terminal: {text:?}"
    );
    // A narrow terminal: every drawn progress line fits, cut with `…` where needed.
    let long = "version: 1\njobs:\n  a-job-whose-name-alone-is-wider-than-the-terminal:\n    steps: [\"sleep 0.6\"]\n";
    let t = Test::new().spec(long);
    let text = on_terminal(t.path(), 30, &[], "run");
    let segs = segments(&text);
    let drawn: Vec<&String> = segs.iter().filter(|s| s.contains("running:")).collect();
    assert!(!drawn.is_empty(), "{text:?}");
    for s in &drawn {
        assert!(
            s.chars().count() <= 30,
            "{} columns: {s:?}",
            s.chars().count()
        );
    }
    // Through a pipe: no progress line, no colour.
    let out = Test::new()
        .spec(TWO_STEPS)
        .args(["run", "ok"])
        .expect_code(0);
    assert!(
        !out.stderr.contains("running:") && !out.stdout.contains('\x1b'),
        "{out:?}"
    );
}

#[test]
fn no_progress_line_on_a_dumb_terminal() {
    let t = Test::new().spec(TWO_STEPS);
    let text = on_terminal(t.path(), 100, &[("TERM", "dumb")], "run ok");
    assert!(!text.contains("running:"), "{text:?}");
    assert!(text.contains("hello"), "{text:?}");
}

#[test]
fn a_silent_step_gets_slow_notices_in_a_log() {
    // The step sleeps far longer than the threshold: at least one notice is certain however
    // loaded the machine, and which multiple it names is not asserted.
    let out = Test::new()
        .spec(TWO_STEPS)
        .args(["run", "ok", "--slow-after", "200ms"])
        .expect_code(0);
    let notices: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| l.contains("⏳ nap has been running for "))
        .collect();
    assert!(!notices.is_empty(), "{}", out.stdout);
    assert!(
        !out.stdout.contains("⏳ hello"),
        "a quick step gets none: {}",
        out.stdout
    );
    // Each notice comes before the step's end line.
    let end = out.stdout.find("✓ nap").expect("nap ends");
    assert!(out.stdout.find("⏳ nap").unwrap() < end, "{}", out.stdout);
    // `0` turns them off; the default (60s) is far away.
    for args in [&["run", "ok", "--slow-after", "0"][..], &["run", "ok"]] {
        let out = Test::new()
            .spec(TWO_STEPS)
            .args(args.iter().copied())
            .expect_code(0);
        assert!(!out.stdout.contains('⏳'), "{args:?}: {}", out.stdout);
    }
    let out = Test::new()
        .spec(TWO_STEPS)
        .args(["run", "--slow-after", "soon"])
        .expect_code(2);
    assert!(out.stderr.contains("--slow-after"), "{}", out.stderr);
}

const SHOW_COLOR_ENV: &str = "version: 1\njobs:\n  show:\n    steps: ['echo \"force=${FORCE_COLOR-unset} clicolor=${CLICOLOR_FORCE-unset} no=${NO_COLOR-unset}\"']\n";

#[test]
fn steps_are_told_when_the_log_is_coloured() {
    let told = |args: &[&str], env: &[(&str, &str)]| -> String {
        let mut t = Test::new().spec(SHOW_COLOR_ENV).args(args.iter().copied());
        for (k, v) in env {
            t = t.env(k, v);
        }
        let out = t.expect_code(0);
        let line = out
            .stdout
            .lines()
            .find(|l| l.contains("force=") && !l.contains("echo"))
            .unwrap_or_else(|| panic!("{}", out.stdout))
            .to_string();
        line[line.find("force=").unwrap()..].to_string()
    };
    // A pipe: cigen does not colour and says nothing; the tools decide for themselves.
    assert_eq!(told(&["run"], &[]), "force=unset clicolor=unset no=unset");
    // Colour forced (flag, or CLICOLOR_FORCE as anstream reads it): steps are told too.
    assert_eq!(
        told(&["--color", "always", "run"], &[]),
        "force=1 clicolor=1 no=unset"
    );
    assert_eq!(
        told(&["run"], &[("CLICOLOR_FORCE", "1")]),
        "force=1 clicolor=1 no=unset"
    );
    // NO_COLOR wins over CLICOLOR_FORCE, as the conventions say.
    assert_eq!(
        told(&["run"], &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]),
        "force=unset clicolor=1 no=1"
    );
    // `--color never`: steps get NO_COLOR.
    assert_eq!(
        told(&["--color", "never", "run"], &[]),
        "force=unset clicolor=unset no=1"
    );
    // A value the user set is kept.
    assert_eq!(
        told(&["--color", "always", "run"], &[("FORCE_COLOR", "3")]),
        "force=3 clicolor=1 no=unset"
    );
    // Under a machine-read log format cigen does not colour: nothing is forced.
    let out = Test::new()
        .spec(SHOW_COLOR_ENV)
        .args(["run", "--log-format", "json"])
        .expect_code(0);
    assert!(
        out.stdout.contains("force=unset clicolor=unset no=unset"),
        "{}",
        out.stdout
    );
}

#[test]
fn clicolor_force_colours_a_pipe() {
    let out = Test::new()
        .spec(TWO_STEPS)
        .args(["run", "ok", "--slow-after", "0"])
        .env("CLICOLOR_FORCE", "1")
        .expect_code(0);
    assert!(out.stdout.contains("\x1b[32m✓ hello"), "{:?}", out.stdout);
}
