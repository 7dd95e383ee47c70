//! One test per pipeline of the corpus: generate once, run every scenario under the four
//! runners, compare, print the parity table, fail on what the table does not explain.

use super::compare::{diffs, render, verdict};
use super::corpus::{self, Pipeline};
use super::corpus_features;
use super::corpus_more;
use super::corpus_platforms;
use super::corpus_remote;
use super::corpus_reports;
use super::corpus_results;
use super::corpus_triggers;
use super::logs::{plan_units, Unit};
use super::repo::{generated, Generated};
use super::runners::{run_all, Tools};
use crate::judges::tool::judges;
use crate::test::{cigen_bin, scrubbed};

/// The units of the pipeline, as `cigen run --dry-run` plans them (all jobs, all cells).
fn units(g: &Generated) -> Vec<Unit> {
    let out = scrubbed(cigen_bin())
        .args(["run", "--dry-run", "--log-format", "json"])
        .current_dir(g.repo.path())
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run cigen");
    assert!(
        out.status.success(),
        "cigen run --dry-run: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    plan_units(&String::from_utf8_lossy(&out.stdout))
}

pub(super) fn check(p: &Pipeline) {
    let Some([just, act, glci]) = judges(["just", "act", "gitlab-ci-local"]) else {
        return;
    };
    let tools = Tools { just, act, glci };
    let g = generated(p);
    let units = units(&g);
    let mut all = Vec::new();
    let mut tables = String::new();
    let mut reports = Vec::new();
    let mut runs_by_scenario = Vec::new();
    for s in p.scenarios {
        let runs = run_all(p, &g, &units, *s, &tools);
        let d = diffs(&s.label(), &units, &runs);
        runs_by_scenario.push((s.label(), runs, d.clone()));
        all.extend(d);
    }
    for (label, runs, d) in &runs_by_scenario {
        tables.push_str(&render(p.name, label, &units, runs, d));
        tables.push('\n');
        for r in runs {
            if d.iter().any(|x| x.runner == r.runner) || r.runner == super::runners::Runner::Local {
                reports.push(format!("[{label}] {}", r.report));
            }
        }
    }
    eprintln!("{tables}");
    if let Some(failure) = verdict(p.name, &all, &tables, &reports) {
        panic!("{failure}");
    }
}

#[test]
fn matrix_shapes() {
    check(&corpus::MATRIX_SHAPES);
}

#[test]
fn needs_chain_fail_fast_and_keep_going() {
    check(&corpus::CHAIN);
}

#[test]
fn event_gated_jobs_and_dependents() {
    check(&corpus::EVENTS);
}

#[test]
fn branch_gated_jobs_and_steps() {
    check(&corpus::BRANCHES);
}

#[test]
fn outputs_across_jobs() {
    check(&corpus::OUTPUTS);
}

#[test]
fn outputs_of_matrix_jobs() {
    check(&corpus::MATRIX_OUTPUTS);
}

#[test]
fn retries() {
    check(&corpus_more::RETRIES);
}

#[test]
fn timeouts() {
    check(&corpus_more::TIMEOUT);
}

#[test]
fn changed_files_on_a_real_history() {
    check(&corpus_more::CHANGED);
}

#[test]
fn toolchain_axes_and_setup_versions() {
    check(&corpus_more::TOOLCHAINS);
}

#[test]
fn local_and_ci_differences_by_design() {
    check(&corpus_more::WHERE);
}

#[test]
fn a_realistic_service() {
    check(&corpus_more::SERVICE);
}

#[test]
fn a_failing_matrix_cell() {
    check(&corpus_more::MATRIX_FAILS);
}

#[test]
fn fail_fast_per_job() {
    check(&corpus_features::FAIL_FAST_JOB);
}

#[test]
fn concurrency_groups_and_environment_urls() {
    check(&corpus_features::DEPLOY_LOCK);
}

#[test]
fn matrix_conditions_negations_and_env_references() {
    check(&corpus_features::CONDITIONS_ENV);
}

#[test]
fn per_cell_runners_and_per_job_setup() {
    check(&corpus_platforms::PLATFORMS);
}

#[test]
fn remote_post_steps_and_caches() {
    check(&corpus_remote::REMOTE_STEPS);
}

#[test]
fn reports_and_coverage() {
    check(&corpus_reports::REPORTS);
}

#[test]
fn schedules_pull_request_targets_and_repositories() {
    check(&corpus_triggers::TRIGGERS);
}

#[test]
fn allowed_failures_jobs_after_failed_needs_and_manual_jobs() {
    check(&corpus_results::RESULTS);
}
