//! `scripts/update-checksums`, run on a fake release directory: it fills the action's
//! checksum table, and the install script then accepts exactly that release.

use std::path::{Path, PathBuf};

use crate::action_fixture::{release, sha256_of, Fixture, Run, TARGET, VERSION};
use crate::test::{repo_root, scrubbed};

const OTHER_TARGETS: &[(&str, &str)] = &[
    ("aarch64-unknown-linux-musl", "tar.gz"),
    ("x86_64-apple-darwin", "tar.gz"),
    ("aarch64-apple-darwin", "tar.gz"),
    ("x86_64-pc-windows-msvc", "zip"),
];

/// A release directory as the release job leaves it: five archives, each with a
/// `sha256sum`-format `.sha256` file. Only the Linux x86_64 archive holds a real cigen.
fn fake_release(dir: &Path) -> Vec<(String, String)> {
    std::fs::create_dir_all(dir).expect("mkdir release");
    let (served, _) = release();
    let real = format!("cigen-{TARGET}.tar.gz");
    std::fs::copy(
        served.join(format!("v{VERSION}")).join(&real),
        dir.join(&real),
    )
    .expect("copy archive");
    let mut names = vec![(TARGET.to_owned(), real)];
    for (target, ext) in OTHER_TARGETS {
        let name = format!("cigen-{target}.{ext}");
        std::fs::write(dir.join(&name), format!("stand-in archive for {target}"))
            .expect("write archive");
        names.push(((*target).to_owned(), name));
    }
    names
        .into_iter()
        .map(|(target, name)| {
            let sha = sha256_of(&dir.join(&name));
            std::fs::write(
                dir.join(format!("{name}.sha256")),
                format!("{sha}  {name}\n"),
            )
            .expect("write sha256");
            (target, sha)
        })
        .collect()
}

/// Copies the script into the fixture's action copy so it edits that copy's table.
fn script(f: &Fixture) -> PathBuf {
    let dest = f.root().join("action-copy/scripts/update-checksums");
    std::fs::create_dir_all(dest.parent().expect("parent")).expect("mkdir scripts");
    std::fs::copy(repo_root().join("scripts/update-checksums"), &dest).expect("copy script");
    dest
}

fn update(f: &Fixture, args: &[&str]) -> Run {
    let out = scrubbed("bash")
        .arg(script(f))
        .args(args)
        .output()
        .expect("run bash");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn table(f: &Fixture) -> String {
    f.read("action-copy/action/checksums.txt")
}

#[test]
fn fills_the_table_and_the_action_installs_that_release() {
    let f = Fixture::new();
    f.checksums("0.0.1 x86_64-apple-darwin 1111111111111111111111111111111111111111111111111111111111111111\n");
    let dir = f.root().join("release");
    let sums = fake_release(&dir);
    let run = update(&f, &[VERSION, dir.to_str().expect("utf-8 path")]);
    assert_eq!(run.code, 0, "{run:#?}");
    assert!(
        run.stdout
            .contains(&format!("now lists cigen {VERSION} for 5 targets")),
        "{run:#?}"
    );

    // Header kept, older versions kept, sorted by version then target.
    let mut expected: Vec<String> = sums
        .iter()
        .map(|(t, s)| format!("{VERSION} {t} {s}"))
        .collect();
    expected.sort_by(|a, b| a.split(' ').nth(1).cmp(&b.split(' ').nth(1)));
    let mut want = String::from("# test table\n0.0.1 x86_64-apple-darwin 1111111111111111111111111111111111111111111111111111111111111111\n");
    for line in &expected {
        want.push_str(line);
        want.push('\n');
    }
    assert_eq!(table(&f), want);

    // Running it again replaces the version's lines instead of duplicating them.
    let run = update(
        &f,
        &[&format!("v{VERSION}"), dir.to_str().expect("utf-8 path")],
    );
    assert_eq!(run.code, 0, "{run:#?}");
    assert_eq!(table(&f), want);

    let run = f.install(&[("CIGEN_VERSION", VERSION)]);
    assert_eq!(run.code, 0, "{run:#?}");
    assert!(f
        .read("runner/github_output")
        .starts_with(&format!("version={VERSION}\n")));
}

#[test]
fn a_sum_that_does_not_match_its_archive_changes_nothing() {
    let f = Fixture::new();
    f.checksums("");
    let dir = f.root().join("release");
    fake_release(&dir);
    let name = "cigen-x86_64-apple-darwin.tar.gz";
    std::fs::write(
        dir.join(format!("{name}.sha256")),
        format!("{}  {name}\n", "a".repeat(64)),
    )
    .expect("write");
    let run = update(&f, &[VERSION, dir.to_str().expect("utf-8 path")]);
    assert_eq!(run.code, 1, "{run:#?}");
    assert!(
        run.stderr.contains(&format!("{name} hashes to")),
        "{run:#?}"
    );
    assert_eq!(table(&f), "# test table\n");
}

#[test]
fn a_missing_target_or_a_misnamed_sum_changes_nothing() {
    let f = Fixture::new();
    f.checksums("");
    let dir = f.root().join("release");
    fake_release(&dir);
    std::fs::remove_file(dir.join("cigen-x86_64-pc-windows-msvc.zip.sha256")).expect("remove");
    let run = update(&f, &[VERSION, dir.to_str().expect("utf-8 path")]);
    assert_eq!(run.code, 1, "{run:#?}");
    assert!(
        run.stderr
            .contains("cigen-x86_64-pc-windows-msvc.zip.sha256 is missing"),
        "{run:#?}"
    );

    fake_release(&dir);
    let name = "cigen-aarch64-apple-darwin.tar.gz";
    let sha = sha256_of(&dir.join(name));
    std::fs::write(
        dir.join(format!("{name}.sha256")),
        format!("{sha}  cigen-other.tar.gz\n"),
    )
    .expect("write");
    let run = update(&f, &[VERSION, dir.to_str().expect("utf-8 path")]);
    assert_eq!(run.code, 1, "{run:#?}");
    assert!(
        run.stderr
            .contains("names 'cigen-other.tar.gz', not cigen-aarch64-apple-darwin.tar.gz"),
        "{run:#?}"
    );
    assert_eq!(table(&f), "# test table\n");
}

#[test]
fn refuses_inexact_versions_and_plain_http() {
    let f = Fixture::new();
    f.checksums("");
    let run = update(&f, &["latest", "."]);
    assert_eq!(run.code, 1, "{run:#?}");
    assert!(
        run.stderr.contains("'latest' is not an exact version"),
        "{run:#?}"
    );
    let run = update(&f, &[VERSION, "http://127.0.0.1:1/v0.1.0"]);
    assert_eq!(run.code, 1, "{run:#?}");
    assert!(
        run.stderr
            .contains("only https:// URLs or a local directory are accepted"),
        "{run:#?}"
    );
    assert_eq!(table(&f), "# test table\n");
}

/// A git repository holding a copy of the pin table and a checksum table, committed.
fn pin_repo(table: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    for rel in [
        "src/pins/builtin.rs",
        "scripts/move-action-pin",
        "README.md",
        ".github/actions/cigen-pins/action.yml",
    ] {
        let dest = root.join(rel);
        std::fs::create_dir_all(dest.parent().expect("parent")).expect("mkdir");
        std::fs::copy(repo_root().join(rel), &dest).expect("copy");
    }
    std::fs::create_dir_all(root.join("action")).expect("mkdir");
    std::fs::write(root.join("action/checksums.txt"), table).expect("write table");
    let git = |args: &[&str]| {
        let out = scrubbed("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@t.invalid"])
            .args(args)
            .current_dir(root)
            .output()
            .expect("git");
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    };
    git(&["init", "-q"]);
    git(&["add", "-A"]);
    git(&["commit", "-q", "-m", "checksums"]);
    let head = git(&["rev-parse", "HEAD"]);
    (dir, head)
}

fn move_pin(dir: &Path, version: &str) -> Run {
    let out = scrubbed("bash")
        .arg(dir.join("scripts/move-action-pin"))
        .args([version, "--no-generate"])
        .output()
        .expect("run bash");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn five_lines(version: &str) -> String {
    [
        "x86_64-unknown-linux-musl",
        "aarch64-unknown-linux-musl",
        "x86_64-apple-darwin",
        "aarch64-apple-darwin",
        "x86_64-pc-windows-msvc",
    ]
    .iter()
    .map(|t| format!("{version} {t} {}\n", "b".repeat(64)))
    .collect()
}

#[test]
fn move_action_pin_points_the_default_at_the_checksum_commit() {
    let (dir, head) = pin_repo(&format!("# table\n{}", five_lines("9.8.7")));
    let run = move_pin(dir.path(), "v9.8.7");
    assert_eq!(run.code, 0, "{run:#?}");
    assert!(
        run.stdout
            .contains(&format!("cigen-dev/cigen@{head} # v9.8.7")),
        "{run:#?}"
    );
    let pins = std::fs::read_to_string(dir.path().join("src/pins/builtin.rs")).expect("read pins");
    assert!(
        pins.contains(&format!(
            "pub(crate) const CIGEN_ACTION_SHA: &str = \"{head}\";\n"
        )),
        "{pins}"
    );
    assert!(
        pins.contains("pub(crate) const CIGEN_ACTION_VERSION: &str = \"v9.8.7\";\n"),
        "{pins}"
    );
    // Everything else in the table is untouched.
    let before =
        std::fs::read_to_string(repo_root().join("src/pins/builtin.rs")).expect("read pins");
    assert_eq!(pins.lines().count(), before.lines().count());
    // The repository's pin lock, which wins over the table, moves with it.
    let lock = std::fs::read_to_string(dir.path().join(".github/actions/cigen-pins/action.yml"))
        .expect("read lock");
    assert!(
        lock.contains(&format!("- uses: cigen-dev/cigen@{head}  # v9.8.7\n")),
        "{lock}"
    );
}

#[test]
fn move_action_pin_refuses_a_version_the_table_does_not_cover() {
    let mut table = five_lines("9.8.7");
    table = table.lines().skip(1).map(|l| format!("{l}\n")).collect();
    let (dir, _) = pin_repo(&table);
    let before =
        std::fs::read_to_string(dir.path().join("src/pins/builtin.rs")).expect("read pins");
    let run = move_pin(dir.path(), "9.8.7");
    assert_eq!(run.code, 1, "{run:#?}");
    assert!(
        run.stderr.contains("lists 4 of 5 targets for 9.8.7"),
        "{run:#?}"
    );
    let run = move_pin(dir.path(), "9.9.9");
    assert!(
        run.stderr.contains("lists 0 of 5 targets for 9.9.9"),
        "{run:#?}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("src/pins/builtin.rs")).expect("read pins"),
        before
    );
}
