//! The cigen action's download path under act in host mode: the generated workflow's `uses:
//! cigen-dev/cigen@<sha>` is mapped to a copy of this working tree's action whose checksum
//! table lists an archive of the freshly built cigen, served from 127.0.0.1. Nothing puts
//! cigen on PATH but the action, and `cigen run` then executes the job for real.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::repo::{copy_tree, Forge, TempRepo};
use super::runs::{remote_actions, runs_on_labels, stand_in_for, BinDir};
use super::tool::{judge, Verdict};
use crate::action_fixture::{sha256_of, Server};
use crate::test::{cigen_bin, repo_root, scrubbed};

const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The release target the install script picks on this machine (act reports the host's
/// architecture as `RUNNER_ARCH`).
fn host_target() -> &'static str {
    match std::env::consts::ARCH {
        "aarch64" => "aarch64-unknown-linux-musl",
        _ => "x86_64-unknown-linux-musl",
    }
}

/// The spec's one job writes where it ran and which cigen ran it into `$PROOF`.
fn spec(proof: &Path) -> String {
    format!(
        "version: 1\nenv:\n  PROOF: {}\njobs:\n  hello:\n    description: Say hello\n    steps:\n      - echo \"hello from $(command -v cigen)\" > \"$PROOF\"\n",
        proof.display()
    )
}

/// A release directory served over HTTP holding an archive of the built cigen, and a copy of
/// the action whose checksum table names it (right or wrong).
struct Release {
    dir: tempfile::TempDir,
    server: Server,
    sha256: String,
}

impl Release {
    fn new() -> Release {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = host_target();
        let stage = dir.path().join("stage").join(format!("cigen-{target}"));
        std::fs::create_dir_all(&stage).expect("mkdir stage");
        std::fs::copy(cigen_bin(), stage.join("cigen")).expect("copy cigen");
        let release = dir.path().join("srv").join(format!("v{VERSION}"));
        std::fs::create_dir_all(&release).expect("mkdir release");
        let archive = release.join(format!("cigen-{target}.tar.gz"));
        let status = Command::new("tar")
            .arg("-czf")
            .arg(&archive)
            .arg("-C")
            .arg(dir.path().join("stage"))
            .arg(format!("cigen-{target}"))
            .status()
            .expect("run tar");
        assert!(status.success(), "tar failed");
        let sha256 = sha256_of(&archive);
        let server = Server::start(dir.path().join("srv"));
        Release {
            dir,
            server,
            sha256,
        }
    }

    /// This working tree's action, copied, with a checksum table of one line.
    fn action(&self, sha256: &str) -> PathBuf {
        let out = self.dir.path().join("cigen-action");
        std::fs::create_dir_all(&out).expect("mkdir action");
        std::fs::copy(repo_root().join("action.yml"), out.join("action.yml"))
            .expect("copy action.yml");
        copy_tree(&repo_root().join("action"), &out.join("action"));
        std::fs::write(
            out.join("action/checksums.txt"),
            format!("{VERSION} {} {sha256}\n", host_target()),
        )
        .expect("write checksums");
        out
    }
}

/// act in host mode on the repository's workflow, with the cigen action mapped to `action`.
fn act(repo: &TempRepo, action: &Path, base_url: &str) -> Option<Verdict> {
    let j = judge("act")?;
    let text = std::fs::read_to_string(repo.path().join(".github/workflows/ci.yml"))
        .expect("read workflow");
    let scratch = tempfile::tempdir().expect("tempdir");
    let bin = BinDir::stand_ins_only();
    let mut cmd = j.command();
    cmd.arg("push").arg("-W").arg(".github/workflows/ci.yml");
    for label in runs_on_labels(&text) {
        cmd.arg("-P").arg(format!("{label}=-self-hosted"));
    }
    for (name, git_ref) in remote_actions(&text) {
        let dir = if name == "cigen-dev/cigen" {
            action.to_path_buf()
        } else {
            match stand_in_for(&name, scratch.path()) {
                None => continue,
                Some(found) => found.expect("a stand-in for every other action"),
            }
        };
        cmd.arg("--local-repository")
            .arg(format!("{name}@{git_ref}={}", dir.display()));
    }
    cmd.arg("--no-cache-server")
        .arg("--action-cache-path")
        .arg(scratch.path().join("actions"))
        .arg("--env")
        .arg(format!("CIGEN_INSTALL_BASE_URL={base_url}"))
        .current_dir(repo.path())
        .env("HOME", scratch.path())
        .env("ACT_DISABLE_VERSION_CHECK", "1")
        .env("PATH", bin.run_path())
        .env("NO_COLOR", "1");
    Some(Verdict::of("act", cmd))
}

/// A repository with the spec and the workflow `cigen generate` writes for it (which installs
/// cigen with this repository's action, pinned, `version:` the default release).
fn repo_with_workflow(proof: &Path) -> TempRepo {
    let repo = TempRepo::new();
    repo.write("cigen.yaml", &spec(proof));
    let out = scrubbed(cigen_bin())
        .args(["generate", "--target", "github"])
        .current_dir(repo.path())
        .output()
        .expect("run cigen generate");
    assert!(
        out.status.success(),
        "cigen generate failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(repo.path().join(".github/workflows/ci.yml"))
        .expect("generated workflow");
    assert!(text.contains("uses: cigen-dev/cigen@"), "{text}");
    assert!(text.contains(&format!("version: '{VERSION}'")), "{text}");
    repo.commit(Forge::Github);
    repo
}

#[test]
fn act_installs_a_verified_download_and_cigen_runs_the_job() {
    let release = Release::new();
    let action = release.action(&release.sha256);
    let proof_dir = tempfile::tempdir().expect("tempdir");
    let proof = proof_dir.path().join("proof.txt");
    let repo = repo_with_workflow(&proof);
    let Some(v) = act(&repo, &action, &release.server.base_url()) else {
        return;
    };
    assert!(v.ok(), "act failed:\n{}", v.report());
    let archive = format!("cigen-{}.tar.gz", host_target());
    assert!(
        v.stdout
            .contains(&format!("verified {archive} (sha256 {})", release.sha256)),
        "{}",
        v.report()
    );
    assert_eq!(
        release.server.hits(),
        vec![format!("/v{VERSION}/{archive}")]
    );
    // The job ran under cigen, and the cigen it found is the one the action installed.
    let said = std::fs::read_to_string(&proof)
        .unwrap_or_else(|e| panic!("the job wrote no proof ({e}):\n{}", v.report()));
    let suffix = format!("/cigen/{VERSION}/{}/cigen\n", host_target());
    assert!(
        said.starts_with("hello from /") && said.ends_with(&suffix),
        "{said:?}\n{}",
        v.report()
    );
}

#[test]
fn act_refuses_a_download_with_the_wrong_checksum() {
    let release = Release::new();
    let action = release.action(&"0".repeat(64));
    let proof_dir = tempfile::tempdir().expect("tempdir");
    let proof = proof_dir.path().join("proof.txt");
    let repo = repo_with_workflow(&proof);
    let Some(v) = act(&repo, &action, &release.server.base_url()) else {
        return;
    };
    assert!(
        !v.ok(),
        "act passed although the checksum was wrong:\n{}",
        v.report()
    );
    assert!(
        format!("{}{}", v.stdout, v.stderr).contains("checksum mismatch"),
        "{}",
        v.report()
    );
    assert_eq!(release.server.hits().len(), 1, "{}", v.report());
    assert!(
        !proof.exists(),
        "the job ran although cigen was not installed"
    );
}
