//! The release scripts, run for real on a copy of the repository with stand-ins for the
//! tools that would build or publish (`cargo`, `musl-gcc`, `gh`): `release-build` packs
//! archives and sums, `release-publish` verifies them and calls `gh`, `update-checksums`
//! fills the action's table from them, and the action's install script accepts the result.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::action_fixture::{Run, TARGET, VERSION};
use crate::test::{repo_root, scrubbed};

const TAR_TARGETS: &[&str] = &[
    "x86_64-unknown-linux-musl",
    "aarch64-unknown-linux-musl",
    "x86_64-apple-darwin",
    "aarch64-apple-darwin",
];

struct Repo {
    dir: tempfile::TempDir,
}

impl Repo {
    /// A copy of the files the scripts read, plus stand-in tools under `bin/`.
    fn new() -> Repo {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("repo");
        for rel in [
            "Cargo.toml",
            "README.md",
            "scripts/release-build",
            "scripts/release-publish",
            "scripts/update-checksums",
            "action/install.sh",
            "action/checksums.txt",
        ] {
            let dest = root.join(rel);
            std::fs::create_dir_all(dest.parent().expect("parent")).expect("mkdir");
            std::fs::copy(repo_root().join(rel), &dest).expect("copy");
        }
        let bin = dir.path().join("bin");
        std::fs::create_dir_all(&bin).expect("mkdir bin");
        // `cargo build --release --locked --target T` leaves a binary that reports the version.
        write_tool(
            &bin,
            "cargo",
            &format!(
                "#!/bin/sh\necho \"cargo $* (CC_x86_64_unknown_linux_musl=$CC_x86_64_unknown_linux_musl)\" >>\"$TOOL_LOG\"\nwhile [ $# -gt 0 ]; do [ \"$1\" = --target ] && t=$2; shift; done\n\
                 mkdir -p target/$t/release\nexe=cigen; case $t in *windows*) exe=cigen.exe;; esac\n\
                 printf '#!/bin/sh\\necho \"cigen {VERSION}\"\\n' >target/$t/release/$exe\nchmod +x target/$t/release/$exe\n"
            ),
        );
        write_tool(&bin, "musl-gcc", "#!/bin/sh\nexit 0\n");
        // `gh release view` finds no release; every call is logged.
        write_tool(&bin, "gh", "#!/bin/sh\necho \"gh $* token=$GH_TOKEN\" >>\"$TOOL_LOG\"\n[ \"$2\" = view ] && exit 1\nexit 0\n");
        Repo { dir }
    }

    fn root(&self) -> PathBuf {
        self.dir.path().join("repo")
    }

    fn script(&self, name: &str, args: &[&str], env: &[(&str, &str)]) -> Run {
        let path = format!("{}:/usr/bin:/bin", self.dir.path().join("bin").display());
        let mut cmd = scrubbed("bash");
        cmd.arg(self.root().join("scripts").join(name))
            .args(args)
            .current_dir(self.root())
            .env("PATH", path)
            .env("TOOL_LOG", self.dir.path().join("tools.log"));
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.output().expect("run bash");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("tools.log")).unwrap_or_default()
    }

    /// Builds the four tar targets with release-build and a stand-in Windows zip.
    fn build_all(&self) {
        for target in TAR_TARGETS {
            let run = self.script("release-build", &[target], &[]);
            assert_eq!(run.code, 0, "{run:#?}");
        }
        let dist = self.root().join("dist");
        let zip = "cigen-x86_64-pc-windows-msvc.zip";
        std::fs::write(dist.join(zip), "stand-in zip").expect("write zip");
        let out = Command::new("sha256sum")
            .arg(zip)
            .current_dir(&dist)
            .output()
            .expect("sha256sum");
        std::fs::write(dist.join(format!("{zip}.sha256")), out.stdout).expect("write sum");
    }
}

fn write_tool(bin: &Path, name: &str, text: &str) {
    let path = bin.join(name);
    std::fs::write(&path, text).expect("write tool");
    let status = Command::new("chmod")
        .arg("+x")
        .arg(&path)
        .status()
        .expect("chmod");
    assert!(status.success());
}

fn tar_list(archive: &Path) -> Vec<String> {
    let out = Command::new("tar")
        .arg("-tzf")
        .arg(archive)
        .output()
        .expect("tar -t");
    assert!(out.status.success());
    let mut names: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_owned)
        .collect();
    names.sort();
    names
}

#[test]
fn release_build_packs_an_archive_and_its_sum() {
    let repo = Repo::new();
    let run = repo.script("release-build", &[TARGET], &[]);
    assert_eq!(run.code, 0, "{run:#?}");
    assert!(
        repo.log()
            .contains(&format!("cargo build --release --locked --target {TARGET} (CC_x86_64_unknown_linux_musl=musl-gcc)")),
        "{}",
        repo.log()
    );
    let dist = repo.root().join("dist");
    let archive = format!("cigen-{TARGET}.tar.gz");
    assert_eq!(
        tar_list(&dist.join(&archive)),
        vec![
            format!("cigen-{TARGET}/"),
            format!("cigen-{TARGET}/README.md"),
            format!("cigen-{TARGET}/cigen")
        ]
    );
    let sum = std::fs::read_to_string(dist.join(format!("{archive}.sha256"))).expect("read sum");
    let check = Command::new("sha256sum")
        .arg("--check")
        .arg(format!("{archive}.sha256"))
        .current_dir(&dist)
        .output()
        .expect("sha256sum");
    assert!(check.status.success(), "{sum}");
    assert!(sum.ends_with(&format!("  {archive}\n")), "{sum}");
    // Only the archive and its sum are left: the staging directory is gone.
    let mut names: Vec<_> = std::fs::read_dir(&dist)
        .expect("read dist")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, vec![archive.clone(), format!("{archive}.sha256")]);
}

#[test]
fn release_build_refuses_a_tag_that_is_not_the_version_and_unknown_targets() {
    let repo = Repo::new();
    let run = repo.script(
        "release-build",
        &[TARGET],
        &[("GITHUB_REF_TYPE", "tag"), ("GITHUB_REF_NAME", "v9.9.9")],
    );
    assert_eq!(run.code, 1, "{run:#?}");
    assert!(
        run.stderr.contains(&format!(
            "tag 'v9.9.9' does not match Cargo.toml version {VERSION}"
        )),
        "{run:#?}"
    );
    let run = repo.script("release-build", &["riscv64gc-unknown-linux-gnu"], &[]);
    assert_eq!(run.code, 1, "{run:#?}");
    assert!(run.stderr.contains("is not a release target"), "{run:#?}");
    assert_eq!(repo.log(), "", "cargo ran although the build was refused");
}

#[test]
fn a_release_goes_from_build_to_publish_to_the_action_table_to_an_install() {
    let repo = Repo::new();
    repo.build_all();
    let tag = format!("v{VERSION}");

    let run = repo.script(
        "release-publish",
        &[],
        &[("GITHUB_REF_NAME", &tag), ("GITHUB_TOKEN", "t0ken")],
    );
    assert_eq!(run.code, 0, "{run:#?}");
    let log = repo.log();
    let create = log
        .lines()
        .find(|l| l.starts_with("gh release create"))
        .expect("gh release create was called");
    assert!(
        create.contains(&format!("gh release create {tag} --verify-tag")),
        "{create}"
    );
    assert!(create.ends_with("token=t0ken"), "{create}");
    for name in [
        "cigen-x86_64-pc-windows-msvc.zip",
        "cigen-aarch64-apple-darwin.tar.gz.sha256",
        "dist/SHA256SUMS",
    ] {
        assert!(create.contains(name), "{name} not uploaded: {create}");
    }
    let sums = std::fs::read_to_string(repo.root().join("dist/SHA256SUMS")).expect("SHA256SUMS");
    assert_eq!(sums.lines().count(), 5, "{sums}");

    let dist = repo.root().join("dist");
    let run = repo.script(
        "update-checksums",
        &[VERSION, dist.to_str().expect("utf-8")],
        &[],
    );
    assert_eq!(run.code, 0, "{run:#?}");

    // The action's install script, pointed at the dist directory laid out as a release.
    let srv = repo.dir.path().join("srv");
    std::fs::create_dir_all(&srv).expect("mkdir srv");
    std::fs::rename(&dist, srv.join(&tag)).expect("move dist");
    let server = crate::action_fixture::Server::start(srv);
    let runner = repo.dir.path().join("runner");
    std::fs::create_dir_all(&runner).expect("mkdir runner");
    let out = scrubbed("bash")
        .arg(repo.root().join("action/install.sh"))
        .env("CIGEN_VERSION", VERSION)
        .env("CIGEN_INSTALL_BASE_URL", server.base_url())
        .env("RUNNER_OS", "Linux")
        .env("RUNNER_ARCH", "X64")
        .env("RUNNER_TEMP", &runner)
        .output()
        .expect("run install.sh");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(runner
        .join(format!("cigen/{VERSION}/{TARGET}/cigen"))
        .is_file());
}

#[test]
fn release_publish_refuses_missing_or_altered_archives() {
    let repo = Repo::new();
    repo.build_all();
    let tag = format!("v{VERSION}");
    let env = [("GITHUB_REF_NAME", tag.as_str()), ("GITHUB_TOKEN", "t0ken")];
    let zip = repo.root().join("dist/cigen-x86_64-pc-windows-msvc.zip");
    std::fs::write(&zip, "altered").expect("alter zip");
    let run = repo.script("release-publish", &[], &env);
    assert_eq!(run.code, 1, "{run:#?}");
    assert!(
        run.stderr
            .contains("cigen-x86_64-pc-windows-msvc.zip does not match"),
        "{run:#?}"
    );
    std::fs::remove_file(&zip).expect("remove zip");
    let run = repo.script("release-publish", &[], &env);
    assert_eq!(run.code, 1, "{run:#?}");
    assert!(
        run.stderr
            .contains("dist/cigen-x86_64-pc-windows-msvc.zip is missing"),
        "{run:#?}"
    );
    let run = repo.script(
        "release-publish",
        &[],
        &[("GITHUB_REF_NAME", "main"), ("GITHUB_TOKEN", "t0ken")],
    );
    assert_eq!(run.code, 1, "{run:#?}");
    assert!(
        run.stderr.contains(&format!("expected the tag {tag}")),
        "{run:#?}"
    );
    assert!(!repo.log().contains("gh "), "gh was called: {}", repo.log());
}
