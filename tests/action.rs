//! The GitHub Action's install script (`action/install.sh`), run for real with bash against a
//! local HTTP server that serves a release archive holding the freshly built cigen.

use std::process::Command;

use crate::action_fixture::{Fixture, Run, TARGET, VERSION};
use crate::test::{cigen_bin, repo_root, scrubbed};

fn outputs(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

fn assert_failed(run: &Run, needle: &str) {
    assert_eq!(run.code, 1, "expected failure\n{run:#?}");
    assert!(
        run.stderr.contains(needle),
        "stderr lacks {needle:?}\n{run:#?}"
    );
    assert!(
        run.stderr.contains("::error title=cigen install::"),
        "no GitHub error annotation\n{run:#?}"
    );
}

#[test]
fn right_checksum_installs_a_working_cigen() {
    let f = Fixture::new();
    f.checksums(&format!("{VERSION} {TARGET} {}\n", f.archive_sha256));
    let run = f.install(&[("CIGEN_VERSION", VERSION)]);
    assert_eq!(run.code, 0, "{run:#?}");
    assert!(
        run.stdout.contains(&format!(
            "verified cigen-{TARGET}.tar.gz (sha256 {})",
            f.archive_sha256
        )),
        "{run:#?}"
    );

    let dir = f
        .root()
        .join("runner/tool-cache/cigen")
        .join(VERSION)
        .join(TARGET);
    let bin = dir.join("cigen");
    assert_eq!(f.read("runner/github_path"), format!("{}\n", dir.display()));
    assert_eq!(
        outputs(&f.read("runner/github_output")),
        vec![
            ("version".to_owned(), VERSION.to_owned()),
            ("path".to_owned(), bin.display().to_string())
        ]
    );
    let out = Command::new(&bin)
        .arg("--version")
        .output()
        .expect("run installed cigen");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("cigen {VERSION}")
    );
    assert_eq!(
        f.server.hits(),
        vec![format!("/v{VERSION}/cigen-{TARGET}.tar.gz")]
    );
    let temp_left = std::fs::read_dir(f.root().join("runner/temp"))
        .expect("read temp")
        .count();
    assert_eq!(temp_left, 0, "temporary files were left behind");
}

#[test]
fn a_leading_v_names_the_same_version() {
    let f = Fixture::new();
    f.checksums(&format!("{VERSION} {TARGET} {}\n", f.archive_sha256));
    let run = f.install(&[("CIGEN_VERSION", &format!("v{VERSION}"))]);
    assert_eq!(run.code, 0, "{run:#?}");
    assert!(f
        .read("runner/github_output")
        .starts_with(&format!("version={VERSION}\n")));
}

#[test]
fn wrong_checksum_fails_and_installs_nothing() {
    let f = Fixture::new();
    let wrong = "0".repeat(64);
    f.checksums(&format!("{VERSION} {TARGET} {wrong}\n"));
    let run = f.install(&[("CIGEN_VERSION", VERSION)]);
    assert_failed(&run, "checksum mismatch");
    assert!(
        run.stderr.contains(&f.archive_sha256),
        "the actual digest is not reported\n{run:#?}"
    );
    // It did download: the refusal comes from verification, not from an earlier check.
    assert_eq!(f.server.hits().len(), 1);
    f.assert_nothing_installed();
}

#[test]
fn unknown_version_is_refused_before_downloading() {
    let f = Fixture::new();
    f.checksums(&format!("{VERSION} {TARGET} {}\n", f.archive_sha256));
    let run = f.install(&[("CIGEN_VERSION", "99.0.0")]);
    assert_failed(
        &run,
        "no checksum for cigen 99.0.0 (x86_64-unknown-linux-musl)",
    );
    assert!(
        f.server.hits().is_empty(),
        "it downloaded without a checksum to verify against"
    );
    f.assert_nothing_installed();
}

#[test]
fn a_missing_checksum_table_is_refused() {
    let f = Fixture::new();
    let run = f.install(&[("CIGEN_VERSION", VERSION)]);
    assert_failed(
        &run,
        "checksums.txt is missing: cannot verify, refusing to install",
    );
    assert!(f.server.hits().is_empty());
    f.assert_nothing_installed();
}

#[test]
fn latest_and_ranges_are_refused() {
    let f = Fixture::new();
    f.checksums(&format!("{VERSION} {TARGET} {}\n", f.archive_sha256));
    let run = f.install(&[("CIGEN_VERSION", "latest")]);
    assert_failed(
        &run,
        "version 'latest' is refused: pin an exact version such as 0.1.0",
    );
    for range in ["0.1", "^0.1.0", ">=0.1.0", "0.1.x", "~0.1.0"] {
        let run = f.install(&[("CIGEN_VERSION", range)]);
        assert_failed(&run, &format!("version '{range}' is not an exact version"));
    }
    assert!(f.server.hits().is_empty());
    f.assert_nothing_installed();
}

#[test]
fn no_version_and_no_binary_is_refused() {
    let f = Fixture::new();
    f.checksums("");
    let run = f.install(&[]);
    assert_failed(&run, "set the 'version' input to an exact cigen version");
    f.assert_nothing_installed();
}

#[test]
fn unknown_platforms_are_refused() {
    let f = Fixture::new();
    f.checksums(&format!("{VERSION} {TARGET} {}\n", f.archive_sha256));
    for (os, arch) in [
        ("FreeBSD", "X64"),
        ("Linux", "ARM"),
        ("Windows", "ARM64"),
        ("Linux", "X86"),
    ] {
        let run = f.install(&[
            ("CIGEN_VERSION", VERSION),
            ("RUNNER_OS", os),
            ("RUNNER_ARCH", arch),
        ]);
        assert_failed(
            &run,
            &format!("no cigen release for this runner (OS '{os}', architecture '{arch}')"),
        );
    }
    assert!(f.server.hits().is_empty());
    f.assert_nothing_installed();
}

#[test]
fn other_platforms_ask_for_their_own_archive() {
    // The checksum is looked up per target, so a known platform without an entry stops before
    // any download; the message names the target the runner maps to.
    let f = Fixture::new();
    f.checksums("");
    for (os, arch, target) in [
        ("Linux", "ARM64", "aarch64-unknown-linux-musl"),
        ("macOS", "X64", "x86_64-apple-darwin"),
        ("macOS", "ARM64", "aarch64-apple-darwin"),
        ("Windows", "X64", "x86_64-pc-windows-msvc"),
    ] {
        let run = f.install(&[
            ("CIGEN_VERSION", VERSION),
            ("RUNNER_OS", os),
            ("RUNNER_ARCH", arch),
        ]);
        assert_failed(&run, &format!("no checksum for cigen {VERSION} ({target})"));
    }
}

#[test]
fn the_base_url_override_is_https_or_loopback_only() {
    let f = Fixture::new();
    f.checksums(&format!("{VERSION} {TARGET} {}\n", f.archive_sha256));
    for url in [
        "http://example.com",
        "http://127.0.0.2:80",
        "ftp://127.0.0.1",
        "file:///tmp",
    ] {
        let run = f.install(&[("CIGEN_VERSION", VERSION), ("CIGEN_INSTALL_BASE_URL", url)]);
        assert_failed(&run, "CIGEN_INSTALL_BASE_URL must be an https:// URL");
    }
    f.assert_nothing_installed();
}

#[test]
fn a_binary_from_the_job_is_installed_without_download() {
    let f = Fixture::new();
    f.checksums("");
    let built = f.root().join("runner/work/target/debug/cigen");
    std::fs::create_dir_all(built.parent().expect("parent")).expect("mkdir");
    std::fs::copy(cigen_bin(), &built).expect("copy cigen");
    // Relative to the workspace, as a workflow would write it.
    let run = f.install(&[("CIGEN_BINARY", "target/debug/cigen")]);
    assert_eq!(run.code, 0, "{run:#?}");
    let dir = f.root().join("runner/tool-cache/cigen/local");
    assert_eq!(f.read("runner/github_path"), format!("{}\n", dir.display()));
    assert_eq!(
        outputs(&f.read("runner/github_output")),
        vec![
            ("version".to_owned(), VERSION.to_owned()),
            ("path".to_owned(), dir.join("cigen").display().to_string())
        ]
    );
    // Only cigen is put on PATH, not the rest of the build directory.
    let names: Vec<_> = std::fs::read_dir(&dir)
        .expect("read dir")
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(names, vec![std::ffi::OsString::from("cigen")]);
    assert!(
        f.server.hits().is_empty(),
        "binary mode downloaded something"
    );
}

#[test]
fn a_binary_must_match_the_requested_version() {
    let f = Fixture::new();
    f.checksums("");
    let bin = cigen_bin();
    let run = f.install(&[
        ("CIGEN_BINARY", bin.to_str().expect("utf-8 path")),
        ("CIGEN_VERSION", "99.0.0"),
    ]);
    assert_failed(
        &run,
        &format!("reports version {VERSION}, but the 'version' input asks for 99.0.0"),
    );
    f.assert_nothing_installed();
}

#[test]
fn a_binary_that_is_not_cigen_is_refused() {
    let f = Fixture::new();
    f.checksums("");
    let fake = f.root().join("runner/work/fake");
    std::fs::write(&fake, "#!/bin/sh\necho 'something 1.0'\n").expect("write fake");
    let status = Command::new("chmod")
        .arg("+x")
        .arg(&fake)
        .status()
        .expect("chmod");
    assert!(status.success());
    let run = f.install(&[("CIGEN_BINARY", "fake")]);
    assert_failed(&run, "printed 'something 1.0', not 'cigen <version>'");
    let run = f.install(&[("CIGEN_BINARY", "missing")]);
    assert_failed(&run, "does not exist");
    f.assert_nothing_installed();
}

#[test]
fn args_run_without_shell_expansion() {
    // run.sh splits `args` on whitespace only: `$HOME` and `*` reach cigen literally.
    let out = scrubbed("bash")
        .arg(repo_root().join("action/run.sh"))
        .env("CIGEN_PATH", cigen_bin())
        .env("CIGEN_ARGS", "check  -f $HOME/*.yaml")
        .output()
        .expect("run bash");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cannot read $HOME/*.yaml"), "{stderr}");
}

#[test]
fn args_over_several_lines_keep_every_line() {
    // `args: |` hands the action a block with newlines; every line belongs to the command
    // (bash's plain `read` stopped at the first one and ran `cigen check` alone).
    let dir = tempfile::tempdir().expect("tempdir");
    let out = scrubbed("bash")
        .arg(repo_root().join("action/run.sh"))
        .current_dir(dir.path())
        .env("CIGEN_PATH", cigen_bin())
        .env("CIGEN_ARGS", "check\n  --format json\n  -f missing.yaml\n")
        .output()
        .expect("run bash");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{stdout}");
    assert!(
        stdout.contains("\"code\": \"unreadable-spec\"") && stdout.contains("missing.yaml"),
        "{stdout}"
    );
}

#[test]
fn windows_runners_get_the_zip_and_cigen_exe() {
    // The zip holds this machine's binary as cigen.exe: the script cannot tell the difference,
    // and it exercises the Windows branch (zip, unzip, .exe name) for real.
    let f = Fixture::new();
    let target = "x86_64-pc-windows-msvc";
    let stage = f.root().join("zip-stage").join(format!("cigen-{target}"));
    std::fs::create_dir_all(&stage).expect("mkdir stage");
    std::fs::copy(cigen_bin(), stage.join("cigen.exe")).expect("copy cigen");
    let release = f.root().join("zip-srv").join(format!("v{VERSION}"));
    std::fs::create_dir_all(&release).expect("mkdir release");
    let archive = release.join(format!("cigen-{target}.zip"));
    let status = Command::new("zip")
        .arg("-1qr")
        .arg(&archive)
        .arg(format!("cigen-{target}"))
        .current_dir(f.root().join("zip-stage"))
        .status()
        .expect("run zip");
    assert!(status.success(), "zip failed");
    let sha = crate::action_fixture::sha256_of(&archive);
    f.checksums(&format!("{VERSION} {target} {sha}\n"));
    let server = crate::action_fixture::Server::start(f.root().join("zip-srv"));
    let base = server.base_url();
    let run = f.install(&[
        ("CIGEN_VERSION", VERSION),
        ("RUNNER_OS", "Windows"),
        ("RUNNER_ARCH", "X64"),
        ("CIGEN_INSTALL_BASE_URL", &base),
    ]);
    assert_eq!(run.code, 0, "{run:#?}");
    let dir = f
        .root()
        .join("runner/tool-cache/cigen")
        .join(VERSION)
        .join(target);
    assert_eq!(f.read("runner/github_path"), format!("{}\n", dir.display()));
    assert_eq!(
        outputs(&f.read("runner/github_output")),
        vec![
            ("version".to_owned(), VERSION.to_owned()),
            (
                "path".to_owned(),
                dir.join("cigen.exe").display().to_string()
            )
        ]
    );
    assert_eq!(
        server.hits(),
        vec![format!("/v{VERSION}/cigen-{target}.zip")]
    );
    assert!(f.server.hits().is_empty());
}
