//! Real runs of generated outputs on this machine: a whole GitLab pipeline through
//! gitlab-ci-local's shell executor, and each GitHub workflow through act in host mode, with
//! the freshly built cigen and harmless stand-ins first on PATH and remote actions mapped to
//! local stand-ins (`tests/stand-ins/`).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::repo::TempRepo;
use super::tool::{judges_bin, Judge, Verdict};
use crate::test::{cigen_bin, repo_root};

/// A temporary directory to put first on PATH: the stand-ins for toolchain commands, so a run
/// never changes the machine, and (for GitLab's `install: present`) `cigen`, a link to the
/// binary under test.
pub struct BinDir {
    pub dir: tempfile::TempDir,
}

impl BinDir {
    /// With `cigen` on it: the GitLab runs, where the pipeline expects cigen on the runner.
    pub fn new() -> BinDir {
        let bin = BinDir::stand_ins_only();
        std::os::unix::fs::symlink(cigen_bin(), bin.path().join("cigen")).expect("link cigen");
        bin
    }

    /// Without `cigen`: the act runs, where the cigen action must install the built binary.
    pub fn stand_ins_only() -> BinDir {
        let dir = tempfile::Builder::new()
            .prefix("cigen-judge-bin-")
            .tempdir()
            .expect("tempdir");
        let standins = repo_root().join("tests/stand-ins/bin");
        for entry in std::fs::read_dir(&standins)
            .expect("tests/stand-ins/bin")
            .flatten()
        {
            std::os::unix::fs::symlink(entry.path(), dir.path().join(entry.file_name()))
                .expect("link stand-in");
        }
        BinDir { dir }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Where `cigen` resolves on the run's PATH (with [`BinDir::new`]): a step printing
    /// `command -v cigen` must print exactly this.
    pub fn cigen(&self) -> PathBuf {
        self.path().join("cigen")
    }

    /// PATH for a run: this directory, `.judges/bin`, then the inherited PATH without any
    /// directory holding another `cigen`, so the only cigen a run can call is the one built.
    pub fn run_path(&self) -> std::ffi::OsString {
        let inherited = std::env::var_os("PATH").unwrap_or_default();
        let kept: Vec<PathBuf> = std::env::split_paths(&inherited)
            .filter(|d| !d.join("cigen").exists())
            .collect();
        let mut dirs = vec![self.path().to_path_buf(), judges_bin()];
        dirs.extend(kept);
        std::env::join_paths(dirs).expect("PATH entries without ':'")
    }
}

/// Runs the whole pipeline of `repo` with gitlab-ci-local's shell executor (images are
/// ignored; jobs run on this machine in copies of the repository).
pub fn gitlab_pipeline(j: &Judge, repo: &TempRepo, bin: &BinDir, extra: &[&str]) -> Verdict {
    let home = tempfile::tempdir().expect("tempdir");
    let mut cmd = gitlab_command(j, repo, bin, home.path());
    // gitlab-ci-local's own variables as it sets them (GITLAB_CI=false): cigen recognises
    // its runs as GitLab runs (docs/contracts.md, Event detection).
    cmd.args(extra);
    Verdict::of("gitlab-ci-local", cmd)
}

/// gitlab-ci-local with the shell executor in `repo`, the run's PATH from `bin` and an empty
/// `home`; the caller adds variables and job names. A real identity silences its fallback
/// warnings (HOME is empty).
pub fn gitlab_command(j: &Judge, repo: &TempRepo, bin: &BinDir, home: &Path) -> Command {
    let mut cmd = j.command();
    cmd.arg("--force-shell-executor")
        .env("GIT_CONFIG_COUNT", "2")
        .env("GIT_CONFIG_KEY_0", "user.name")
        .env("GIT_CONFIG_VALUE_0", "cigen judge")
        .env("GIT_CONFIG_KEY_1", "user.email")
        .env("GIT_CONFIG_VALUE_1", "judge@cigen.invalid")
        .current_dir(repo.path())
        .env("HOME", home)
        .env("PATH", bin.run_path())
        .env("NO_COLOR", "1");
    cmd
}

/// Every remote action a workflow uses, as `(owner/repo, ref)`, in sorted order.
pub fn remote_actions(workflow_text: &str) -> BTreeSet<(String, String)> {
    let doc: serde_yaml::Value = serde_yaml::from_str(workflow_text).expect("workflow is YAML");
    let mut found = BTreeSet::new();
    let jobs = doc
        .get("jobs")
        .and_then(|j| j.as_mapping())
        .cloned()
        .unwrap_or_default();
    for (_, job) in jobs {
        let steps = job
            .get("steps")
            .and_then(|s| s.as_sequence())
            .cloned()
            .unwrap_or_default();
        for step in steps {
            let Some(uses) = step.get("uses").and_then(|u| u.as_str()) else {
                continue;
            };
            if uses.starts_with("./") || uses.starts_with("docker://") {
                continue;
            }
            let (path, git_ref) = uses.split_once('@').unwrap_or((uses, ""));
            let repo: Vec<&str> = path.splitn(3, '/').take(2).collect();
            found.insert((repo.join("/"), git_ref.to_string()));
        }
    }
    found
}

/// The cigen action of this working tree (`action.yml` and `action/`), copied into `dir` with
/// the default of its `binary` input set to the cigen under test: the real install script
/// then installs that binary instead of downloading a release, and puts it on PATH.
pub fn action_under_test(dir: &Path) -> Result<PathBuf, String> {
    let root = repo_root();
    let text =
        std::fs::read_to_string(root.join("action.yml")).map_err(|e| format!("action.yml: {e}"))?;
    let mut doc: serde_yaml::Value =
        serde_yaml::from_str(&text).map_err(|e| format!("action.yml: {e}"))?;
    let binary = doc
        .get_mut("inputs")
        .and_then(|i| i.get_mut("binary"))
        .and_then(|b| b.as_mapping_mut())
        .ok_or("action.yml has no `binary` input to hand it the cigen under test")?;
    let path = cigen_bin()
        .to_str()
        .ok_or("cigen path is not UTF-8")?
        .to_string();
    binary.insert("default".into(), path.into());
    let out = dir.join("cigen-action");
    std::fs::create_dir_all(&out).map_err(|e| e.to_string())?;
    std::fs::write(
        out.join("action.yml"),
        serde_yaml::to_string(&doc).map_err(|e| e.to_string())?,
    )
    .map_err(|e| e.to_string())?;
    super::repo::copy_tree(&root.join("action"), &out.join("action"));
    Ok(out)
}

/// How act maps one remote action: the cigen action to this working tree's (see
/// [`action_under_test`]), any other to its stand-in under `tests/stand-ins/actions/`.
/// `None` for `actions/checkout`, which act skips for the repository under test.
pub fn stand_in_for(repo: &str, scratch: &Path) -> Option<Result<PathBuf, String>> {
    if repo == "actions/checkout" {
        return None;
    }
    if repo == "cigen-dev/cigen" {
        return Some(action_under_test(scratch));
    }
    let dir = repo_root().join("tests/stand-ins/actions").join(repo);
    Some(if dir.join("action.yml").is_file() {
        Ok(dir)
    } else {
        Err(format!(
            "no stand-in for remote action {repo}: add tests/stand-ins/actions/{repo}/action.yml"
        ))
    })
}

/// One `-P label=-self-hosted` per `runs-on` label in the workflow (host mode needs each).
/// A job whose cells pick their runners (`${{ matrix.cigen-runs-on }}`) contributes the
/// `ubuntu-*` labels of its cells only: this host runs Linux, so act must not schedule the
/// Windows and macOS cells (it skips a label without a mapping as an unsupported platform).
pub fn runs_on_labels(workflow_text: &str) -> BTreeSet<String> {
    let doc: serde_yaml::Value = serde_yaml::from_str(workflow_text).expect("workflow is YAML");
    let mut labels = BTreeSet::new();
    let jobs = doc
        .get("jobs")
        .and_then(|j| j.as_mapping())
        .cloned()
        .unwrap_or_default();
    for (_, job) in jobs {
        match job.get("runs-on") {
            Some(serde_yaml::Value::String(s)) if s.contains("cigen-runs-on") => {
                labels.extend(linux_cell_labels(&job));
            }
            Some(serde_yaml::Value::String(s)) => {
                labels.insert(s.clone());
            }
            Some(serde_yaml::Value::Sequence(seq)) => {
                labels.extend(seq.iter().filter_map(|v| v.as_str().map(String::from)));
            }
            _ => {}
        }
    }
    labels
}

/// The `ubuntu-*` labels of a job's cells (`cigen-runs-on` in its include rows: a label, or a
/// JSON list of labels).
fn linux_cell_labels(job: &serde_yaml::Value) -> Vec<String> {
    let rows = job["strategy"]["matrix"]["include"]
        .as_sequence()
        .cloned()
        .unwrap_or_default();
    rows.iter()
        .filter_map(|r| r.get("cigen-runs-on").and_then(|v| v.as_str()))
        .flat_map(|v| {
            serde_json::from_str::<Vec<String>>(v).unwrap_or_else(|_| vec![v.to_string()])
        })
        .filter(|l| l.starts_with("ubuntu-"))
        .collect()
}

/// Adds `max-parallel: 1` to every job's `strategy:` (a line of its own, nothing else
/// touched). Host mode gives all runners one tool cache, where parallel matrix cells would
/// install cigen over each other; real runners each have their own.
pub fn one_cell_at_a_time(workflow: &str) -> String {
    let mut out = String::with_capacity(workflow.len() + 64);
    for line in workflow.split_inclusive('\n') {
        out.push_str(line);
        if line.trim_end() == "    strategy:" {
            out.push_str("      max-parallel: 1\n");
        }
    }
    out
}

/// Runs one workflow of `repo` with act in host mode for a `push` event (`extra`: more act
/// arguments, e.g. `-j JOB`).
pub fn act_workflow(
    j: &Judge,
    repo: &TempRepo,
    bin: &BinDir,
    workflow: &Path,
    extra: &[&str],
) -> Result<Verdict, String> {
    let scratch = tempfile::tempdir().expect("tempdir");
    let mut cmd = act_command(j, repo, bin, workflow, "push", scratch.path())?;
    cmd.args(extra);
    Ok(Verdict::of("act", cmd))
}

/// act in host mode running one workflow of `repo` for `event` (`push`, `pull_request`,
/// `schedule`, ...), with every remote action mapped to its stand-in and `scratch` as HOME,
/// action cache and artifact store; the caller adds `-e payload.json` or `-j JOB`.
pub fn act_command(
    j: &Judge,
    repo: &TempRepo,
    bin: &BinDir,
    workflow: &Path,
    event: &str,
    scratch: &Path,
) -> Result<Command, String> {
    let text = std::fs::read_to_string(repo.path().join(workflow)).expect("read workflow");
    std::fs::write(repo.path().join(workflow), one_cell_at_a_time(&text)).expect("write workflow");
    let artifacts = scratch.join("artifacts");
    std::fs::create_dir_all(&artifacts).expect("mkdir");
    let mut cmd = j.command();
    cmd.arg(event).arg("-W").arg(workflow);
    for label in runs_on_labels(&text) {
        cmd.arg("-P").arg(format!("{label}=-self-hosted"));
    }
    for (action, git_ref) in remote_actions(&text) {
        match stand_in_for(&action, scratch) {
            None => {}
            Some(Ok(dir)) => {
                cmd.arg("--local-repository")
                    .arg(format!("{action}@{git_ref}={}", dir.display()));
            }
            Some(Err(e)) => return Err(e),
        }
    }
    // Host mode gives every runner the same tool cache (see `one_cell_at_a_time`).
    cmd.arg("--concurrent-jobs").arg("1");
    cmd.arg("--no-cache-server")
        .arg("--action-cache-path")
        .arg(scratch.join("actions"))
        .arg("--env")
        .arg(format!("CIGEN_STANDIN_ARTIFACTS={}", artifacts.display()))
        .arg("--env")
        .arg(format!("CIGEN_UNDER_TEST={}", cigen_bin().display()))
        .current_dir(repo.path())
        .env("HOME", scratch)
        .env("ACT_DISABLE_VERSION_CHECK", "1")
        .env("PATH", bin.run_path())
        .env("NO_COLOR", "1");
    Ok(cmd)
}
