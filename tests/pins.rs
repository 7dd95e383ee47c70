//! The pin lock and bots (docs/pins.md): `generate` writes the lock, keeps a bot's bump of the
//! workflow (with or without the lock), refuses nothing it should keep, and `cigen pins
//! list|update` show and move the pins. A bot is simulated by the edit it makes: the SHA and
//! the `# vX.Y.Z` comment of one action, in the files it reads.

use crate::test::Test;

const LOCK: &str = ".github/actions/cigen-pins/action.yml";
const WORKFLOW: &str = ".github/workflows/ci.yml";
const SPEC: &str = "version: 1\nsetup: { python: \"3.12\" }\njobs:\n  test:\n    steps: [pytest]\ntargets:\n  github: {}\n";
const NEW_SHA: &str = "1111111111111111111111111111111111111111";

fn read(t: &Test, rel: &str) -> String {
    std::fs::read_to_string(t.path().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The `uses:` line for `action` in `text`.
fn uses_line<'a>(text: &'a str, action: &str) -> &'a str {
    text.lines()
        .find(|l| l.contains(&format!("uses: {action}@")))
        .unwrap_or_else(|| panic!("no {action} in\n{text}"))
}

/// What Dependabot does to a file: the action's SHA and version comment, nothing else.
fn bump(t: &Test, rel: &str, action: &str, sha: &str, version: &str) {
    let text = read(t, rel);
    let line = uses_line(&text, action).to_string();
    let (head, _) = line.split_once('@').expect("@");
    let (_, comment) = line.split_once('#').expect("#");
    let old_version = comment.split_whitespace().next().expect("version");
    let new = format!(
        "{head}@{sha}  # {}",
        comment.trim().replacen(old_version, version, 1)
    );
    std::fs::write(t.path().join(rel), text.replace(&line, &new)).expect("write");
}

fn generated() -> Test {
    let t = Test::new().spec(SPEC);
    Test::new()
        .in_dir(t.path())
        .args(["generate"])
        .expect_code(0);
    t
}

fn check(t: &Test) -> crate::test::Output {
    Test::new()
        .in_dir(t.path())
        .args(["generate", "--check"])
        .run()
}

#[test]
fn generate_writes_the_pins_the_workflow_uses() {
    let t = generated();
    let lock = read(&t, LOCK);
    let workflow = read(&t, WORKFLOW);
    for action in [
        "actions/checkout",
        "actions/setup-python",
        "cigen-dev/cigen",
    ] {
        let pin = uses_line(&lock, action).trim().trim_start_matches("- ");
        assert!(workflow.contains(pin), "{pin} not in\n{workflow}");
    }
    assert_eq!(lock.matches("- uses: ").count(), 3, "{lock}");
    assert_eq!(check(&t).code, 0);
}

#[test]
fn a_bot_bumping_workflow_and_lock_together_passes_check() {
    let t = generated();
    for rel in [WORKFLOW, LOCK] {
        bump(&t, rel, "actions/checkout", NEW_SHA, "v5.9.0");
    }
    let out = check(&t);
    assert_eq!(out.code, 0, "{}", out.stderr);
}

#[test]
fn a_bot_bump_of_the_workflow_alone_is_adopted_not_reverted() {
    let t = generated();
    bump(&t, WORKFLOW, "actions/checkout", NEW_SHA, "v5.9.0");
    // `--check` keeps the bump too: only the lock is stale.
    let out = check(&t);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains(&format!("{LOCK}: out of date")),
        "{}",
        out.stderr
    );
    assert!(
        !out.stderr.contains(&format!("{WORKFLOW}: out of date")),
        "{}",
        out.stderr
    );
    let out = Test::new()
        .in_dir(t.path())
        .args(["generate"])
        .expect_code(0);
    assert!(
        out.stderr
            .contains("keeping actions/checkout@111111111111 (v5.9.0) from the committed workflow"),
        "{}",
        out.stderr
    );
    for rel in [WORKFLOW, LOCK] {
        let text = read(&t, rel);
        assert!(
            uses_line(&text, "actions/checkout").ends_with(&format!("@{NEW_SHA}  # v5.9.0")),
            "{rel}:\n{text}"
        );
    }
    assert_eq!(check(&t).code, 0);
}

#[test]
fn an_older_release_in_the_workflow_is_written_back() {
    let t = generated();
    let before = read(&t, WORKFLOW);
    bump(&t, WORKFLOW, "actions/checkout", NEW_SHA, "v4.0.0");
    let out = Test::new()
        .in_dir(t.path())
        .args(["generate"])
        .expect_code(0);
    assert!(!out.stderr.contains("keeping"), "{}", out.stderr);
    assert_eq!(read(&t, WORKFLOW), before);
}

#[test]
fn the_lock_pins_setup_actions_cigen_does_not_know() {
    let spec = "version: 1\njobs:\n  deploy:\n    steps: [./deploy.sh]\ntargets:\n  github:\n    setup:\n      deploy: [{ uses: acme/login }]\n";
    let t = Test::new().spec(spec);
    let out = Test::new().in_dir(t.path()).args(["check"]).expect_code(2);
    assert!(
        out.stderr
            .contains("error[unknown-action-pin]: cigen has no pin for `acme/login`"),
        "{}",
        out.stderr
    );
    // Add the pin to the lock `generate` wrote (from a spec without the action yet).
    std::fs::write(t.path().join("cigen.yaml"), SPEC).expect("write spec");
    Test::new()
        .in_dir(t.path())
        .args(["generate"])
        .expect_code(0);
    let lock = format!(
        "{}    - uses: acme/login@{NEW_SHA}  # v2.0.0\n",
        read(&t, LOCK)
    );
    std::fs::write(t.path().join(LOCK), lock).expect("write lock");
    std::fs::write(t.path().join("cigen.yaml"), spec).expect("write spec");
    Test::new()
        .in_dir(t.path())
        .args(["generate"])
        .expect_code(0);
    let workflow = read(&t, WORKFLOW);
    assert!(
        uses_line(&workflow, "acme/login").ends_with(&format!("acme/login@{NEW_SHA}  # v2.0.0")),
        "{workflow}"
    );
    // The lock was rewritten as cigen writes it, keeping the pin.
    assert!(read(&t, LOCK).contains(&format!("- uses: acme/login@{NEW_SHA}  # v2.0.0")));
    // A lock line a bot (or a hand) broke is a located error, not a silently dropped pin.
    std::fs::write(
        t.path().join(LOCK),
        read(&t, LOCK).replace(&format!("acme/login@{NEW_SHA}"), "acme/login@v2"),
    )
    .expect("write");
    let out = Test::new().in_dir(t.path()).args(["check"]).expect_code(2);
    assert!(
        out.stderr.contains("error[invalid-pin-lock]"),
        "{}",
        out.stderr
    );
}

#[test]
fn pins_list_and_update() {
    let t = generated();
    let out = Test::new()
        .in_dir(t.path())
        .args(["pins", "list"])
        .expect_code(0);
    assert!(out.stdout.starts_with("action"), "{}", out.stdout);
    let row = out
        .stdout
        .lines()
        .find(|l| l.starts_with("actions/checkout "))
        .expect("checkout row");
    assert!(row.contains("the pin lock"), "{row}");
    // The lock holds an older setup-python than cigen's: list says so, update moves it.
    for rel in [WORKFLOW, LOCK] {
        bump(&t, rel, "actions/setup-python", NEW_SHA, "v1.0.0");
    }
    let out = Test::new()
        .in_dir(t.path())
        .args(["pins", "list"])
        .expect_code(0);
    let row = out
        .stdout
        .lines()
        .find(|l| l.starts_with("actions/setup-python "))
        .expect("setup-python row");
    assert!(
        row.contains("v1.0.0") && row.contains("cigen has v6.0.0: cigen pins update"),
        "{row}"
    );
    let out = Test::new()
        .in_dir(t.path())
        .args(["pins", "update", "nobody/nothing"])
        .expect_code(2);
    assert!(
        out.stderr.contains("the pin lock has no `nobody/nothing`"),
        "{}",
        out.stderr
    );
    let out = Test::new()
        .in_dir(t.path())
        .args(["pins", "update"])
        .expect_code(0);
    assert!(
        out.stderr.contains("actions/setup-python: v1.0.0 → v6.0.0"),
        "{}",
        out.stderr
    );
    for rel in [WORKFLOW, LOCK] {
        assert!(
            uses_line(&read(&t, rel), "actions/setup-python").ends_with("# v6.0.0"),
            "{rel}"
        );
    }
    assert_eq!(check(&t).code, 0);
    let out = Test::new()
        .in_dir(t.path())
        .args(["pins", "update"])
        .expect_code(0);
    assert!(out.stderr.contains("nothing to update"), "{}", out.stderr);
}
