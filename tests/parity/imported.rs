//! Specs written by `cigen import` under the parity suite: the four projects of
//! tests/fixtures/import (a Python library, a Rust crate, a TypeScript library, a GitLab web
//! service) run under every runner with stand-ins for the tools their jobs call (uv, pip,
//! pnpm, cargo, docker, curl … in tests/stand-ins/toolchains: each prints what it was asked
//! and on which toolchain), and each unit must end the same way everywhere.
//!
//! The suite takes each imported spec with as few changes as it can; [`imported`] makes the
//! ones every fixture needs, and each test says why it makes any other.

use serde_yaml::{Mapping, Value};

use super::corpus::{on, Event, Pipeline, Scenario};
use super::suite::check;
use crate::import::fixture;
use crate::test::Test;

/// Secrets the imported jobs' own steps use (not only remote steps), by pipeline: every
/// runner is given a made-up value for each, as a laptop's environment, act's `--secret` and
/// a GitLab CI/CD variable would hold the real one (without it `cigen run` refuses to start).
pub(super) const SECRETS: &[(&str, &str)] = &[
    ("imported-ts-lib", "NPM_TOKEN"),
    ("imported-gitlab-service", "DEPLOY_TOKEN"),
];

/// The imported spec as the suite takes it, changed only where the suite must:
/// - a `name:` of its own (act prefixes its log lines with it);
/// - no job descriptions (act names jobs by id in the logs the suite reads);
/// - `targets:` as the suite writes them: no `path:` (the suite reads every output at its
///   provider's path), GitLab with `install: present` (the suite puts the cigen under test
///   on PATH), and the targets the import did not write added — a justfile, a GitHub
///   workflow for the GitLab import, a GitLab pipeline for the GitHub imports, a Forgejo
///   workflow with the GitHub target's remote steps. The remote steps the import wrote
///   (setup actions, post steps, after_script) stay as imported.
///
/// `adjust` then makes the fixture's own changes, each explained where it is called.
fn imported(name: &str, adjust: impl Fn(&mut Mapping)) -> &'static str {
    let t = fixture(name);
    let out = Test::new().in_dir(t.path()).args(["import"]).run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let text = std::fs::read_to_string(t.path().join("cigen.yaml")).expect("spec");
    let mut spec: Value = serde_yaml::from_str(&text).expect("YAML");
    let m = spec.as_mapping_mut().expect("a mapping");
    m.insert("name".into(), format!("imported-{name}").into());
    for (_, job) in jobs(m).iter_mut() {
        if let Some(j) = job.as_mapping_mut() {
            j.remove("description");
        }
    }
    let mut targets = m
        .remove("targets")
        .and_then(|t| t.as_mapping().cloned())
        .unwrap_or_default();
    for (_, t) in targets.iter_mut() {
        if let Some(t) = t.as_mapping_mut() {
            t.remove("path");
        }
    }
    let mut github = target(&targets, "github");
    github.insert("runs-on".into(), "ubuntu-24.04".into());
    let mut forgejo = Mapping::new();
    for key in ["setup", "post"] {
        if let Some(v) = github.get(key) {
            forgejo.insert(key.into(), v.clone());
        }
    }
    let mut gitlab = target(&targets, "gitlab");
    gitlab.insert("install".into(), "present".into());
    targets.insert("github".into(), github.into());
    targets.insert("gitlab".into(), gitlab.into());
    targets.insert("just".into(), Mapping::new().into());
    targets.insert("forgejo".into(), forgejo.into());
    m.insert("targets".into(), targets.into());
    adjust(m);
    Box::leak(serde_yaml::to_string(&spec).expect("YAML").into_boxed_str())
}

fn jobs(m: &mut Mapping) -> &mut Mapping {
    m.get_mut("jobs")
        .and_then(|j| j.as_mapping_mut())
        .expect("jobs")
}

fn target(targets: &Mapping, name: &str) -> Mapping {
    targets
        .get(name)
        .and_then(|t| t.as_mapping())
        .cloned()
        .unwrap_or_default()
}

#[test]
fn an_imported_rust_crate() {
    // The import read only GitHub workflows and the suite adds a GitLab target: a job whose
    // Rust axis has `beta`, which no GitLab image cigen knows runs, gets an image (generate
    // asks for one; gitlab-ci-local's shell executor ignores it).
    let spec = imported("rust-crate", |m| {
        for (_, job) in jobs(m).iter_mut() {
            let Some(j) = job.as_mapping_mut() else {
                continue;
            };
            let beta = j
                .get("matrix")
                .and_then(|m| m.get("rust"))
                .and_then(|r| r.as_sequence())
                .is_some_and(|r| r.iter().any(|v| v.as_str() == Some("beta")));
            if beta {
                let image: Value =
                    serde_yaml::from_str("{ image: \"rust:$MATRIX_RUST\" }").expect("YAML");
                j.insert("runs-on".into(), image);
            }
        }
    });
    const SCENARIOS: &[Scenario] = &[on(Event::Push), on(Event::PullRequest), on(Event::Schedule)];
    check(&Pipeline {
        name: "imported-rust-crate",
        spec,
        changed: &[],
        scenarios: SCENARIOS,
    });
}

#[test]
fn an_imported_python_library() {
    let spec = imported("python-lib", |_| {});
    // A push runs the CI workflow's jobs (a pull request runs the same ones: the workflow
    // gates none on the event, so the suite spares its act runs); a tag runs the release ones.
    // The Python 3.14 stand-in is a release candidate on which the stand-in tests fail: the
    // experimental cell fails, allowed, and coverage and the build still run.
    const SCENARIOS: &[Scenario] = &[on(Event::Push), on(Event::Tag)];
    check(&Pipeline {
        name: "imported-python-lib",
        spec,
        changed: &[],
        scenarios: SCENARIOS,
    });
}

#[test]
fn an_imported_typescript_library() {
    let spec = imported("ts-lib", |_| {});
    // A pull request runs every CI job (`size` runs on pull requests only), a tag only
    // `publish` (so it also shows `size` skipped off pull requests); a push would run the
    // pull request's jobs less `size`, so the suite spares its act runs. The docs job's
    // paths filter matches the source file the last commit changes.
    const SCENARIOS: &[Scenario] = &[on(Event::PullRequest), on(Event::Tag)];
    check(&Pipeline {
        name: "imported-ts-lib",
        spec,
        changed: &[("src/index.ts", "export const answer = 42;\n")],
        scenarios: SCENARIOS,
    });
}

#[test]
fn an_imported_gitlab_service() {
    // GitLab keeps its schedules in the project settings, so the import writes no
    // `triggers.schedule` and its report says to add the cron line for other providers: the
    // suite does as the report says, or a scheduled event would start no GitHub workflow.
    let spec = imported("gitlab-service", |m| {
        let triggers = m
            .get_mut("triggers")
            .and_then(|t| t.as_mapping_mut())
            .expect("triggers");
        triggers.insert("schedule".into(), vec![Value::from("0 4 * * 1")].into());
    });
    // Push to main builds the image and deploys staging; a merge request deploys a review
    // app; a tag deploys production; a schedule runs the audit and no deployment.
    const SCENARIOS: &[Scenario] = &[
        on(Event::Push),
        on(Event::PullRequest),
        on(Event::Tag),
        on(Event::Schedule),
    ];
    check(&Pipeline {
        name: "imported-gitlab-service",
        spec,
        changed: &[],
        scenarios: SCENARIOS,
    });
}
