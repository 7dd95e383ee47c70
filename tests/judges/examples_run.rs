//! Every example's committed GitHub workflow, run for real by act in host mode: remote actions
//! mapped to stand-ins, the cigen action to this working tree (installing the built binary),
//! toolchain commands (uv, cargo, npm, docker, ...) replaced by logging stand-ins, and every
//! secret the workflow names given a dummy value. Each job must reach `cigen run` and pass.

use std::collections::BTreeSet;

use super::outputs::{example_dirs, Outputs};
use super::repo::{Forge, TempRepo};
use super::runs::{act_workflow, BinDir};
use super::tool::{judge, Complaints};

/// `NAME` for every `${{ secrets.NAME }}` in a workflow.
fn secrets(workflow: &str) -> BTreeSet<String> {
    workflow
        .split("${{ secrets.")
        .skip(1)
        .filter_map(|rest| rest.split_once(" }}").map(|(name, _)| name.to_string()))
        .collect()
}

/// Scripts the example specs call from their repository (absent from the example folders).
const REPO_SCRIPTS: &[&str] = &[
    "scripts/e2e",
    "scripts/push-images",
    "scripts/deploy-preview",
];
/// Directories the monorepo example's jobs work in (absent from the example folder).
const REPO_DIRS: &[&str] = &["shared", "services/api", "services/web", "services/worker"];

#[test]
fn act_runs_every_example_workflow() {
    let Some(act) = judge("act") else { return };
    let mut c = Complaints::default();
    for dir in example_dirs() {
        let o = Outputs::find(&dir);
        let repo = TempRepo::new();
        super::repo::copy_tree(&dir, repo.path());
        for script in REPO_SCRIPTS {
            let p = repo.write(script, "#!/bin/sh\necho \"stand-in $0 $*\"\n");
            std::fs::set_permissions(&p, std::os::unix::fs::PermissionsExt::from_mode(0o755))
                .expect("chmod");
        }
        for d in REPO_DIRS {
            repo.write(&format!("{d}/.keep"), "");
        }
        repo.commit(Forge::Github);
        let bin = BinDir::stand_ins_only();
        for workflow in &o.workflows {
            let text = std::fs::read_to_string(repo.path().join(workflow)).expect("workflow");
            let mut extra: Vec<String> = Vec::new();
            for s in secrets(&text) {
                extra.push("-s".into());
                extra.push(format!("{s}=stand-in-{s}"));
            }
            let extra: Vec<&str> = extra.iter().map(String::as_str).collect();
            match act_workflow(&act, &repo, &bin, workflow, &extra) {
                Err(e) => c.add(format!("{}: {e}", o.label())),
                Ok(v) => {
                    c.check(&v);
                    let doc: serde_yaml::Value =
                        serde_yaml::from_str(&text).expect("workflow YAML");
                    let jobs = doc
                        .get("jobs")
                        .and_then(|j| j.as_mapping())
                        .map_or(0, |m| m.len());
                    let passed = v.stdout.matches("Job succeeded").count();
                    if v.ok() && passed < jobs {
                        c.add(format!(
                            "{}: {passed} jobs succeeded of {jobs}:\n{}",
                            o.label(),
                            v.report()
                        ));
                    }
                }
            }
        }
    }
    c.finish("act on the examples' workflows");
}
