//! A spec written by `cigen import` under the parity suite: the Rust crate of
//! tests/fixtures/import/rust-crate (a toolchain matrix with nightly and the MSRV, nightly
//! jobs with their own setup, a matrix step condition, jobs gated to pull requests, schedules
//! or excluded from them) runs under every runner with a stand-in `cargo` that prints what it
//! was asked and on which toolchain, and each unit must end the same way everywhere.

use super::corpus::{on, Event, Pipeline, Scenario};
use super::suite::check;
use crate::import::fixture;
use crate::test::Test;

/// The imported spec as the suite takes it: without `targets:` (the suite writes every
/// output at its provider's path), without job descriptions (act names jobs by id in the
/// logs the suite reads), and — the import read only GitHub workflows, the suite adds a
/// GitLab target — with an image for a job whose Rust axis has `beta`, which no GitLab image
/// cigen knows runs (generate asks for one; gitlab-ci-local's shell executor ignores it).
/// Everything that runs is as imported.
fn imported(name: &str) -> String {
    let t = fixture(name);
    let out = Test::new().in_dir(t.path()).args(["import"]).run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let text = std::fs::read_to_string(t.path().join("cigen.yaml")).expect("spec");
    let mut spec: serde_yaml::Value = serde_yaml::from_str(&text).expect("YAML");
    let m = spec.as_mapping_mut().expect("a mapping");
    m.remove("targets");
    m.insert("name".into(), format!("imported-{name}").into());
    for (_, job) in m
        .get_mut("jobs")
        .and_then(|j| j.as_mapping_mut())
        .expect("jobs")
        .iter_mut()
    {
        if let Some(j) = job.as_mapping_mut() {
            j.remove("description");
            let beta = j
                .get("matrix")
                .and_then(|m| m.get("rust"))
                .and_then(|r| r.as_sequence())
                .is_some_and(|r| r.iter().any(|v| v.as_str() == Some("beta")));
            if beta {
                let image: serde_yaml::Value =
                    serde_yaml::from_str("{ image: \"rust:$MATRIX_RUST\" }").expect("YAML");
                j.insert("runs-on".into(), image);
            }
        }
    }
    serde_yaml::to_string(&spec).expect("YAML")
}

const SCENARIOS: &[Scenario] = &[on(Event::Push), on(Event::PullRequest), on(Event::Schedule)];

#[test]
fn an_imported_rust_crate() {
    let spec: &'static str = Box::leak(imported("rust-crate").into_boxed_str());
    check(&Pipeline {
        name: "imported-rust-crate",
        spec,
        changed: &[],
        scenarios: SCENARIOS,
    });
}
