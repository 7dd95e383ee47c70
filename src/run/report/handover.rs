//! The outputs hand-over sink: at the end of the run, gives the jobs' declared outputs to the
//! CI provider, which passes them to dependent jobs (GitHub `$GITHUB_OUTPUT` heredocs, a
//! GitLab dotenv report). Whatever the log format.

use std::path::PathBuf;
use std::time::Duration;

use indexmap::IndexMap;

use super::Reporter;
use crate::run::events::{Event, UnitResult};
use crate::run::outputs;
use crate::run::plan::Plan;

/// How outputs reach the provider (`provider::Handover`), and where a GitLab dotenv report
/// goes.
pub(crate) struct Handover {
    how: crate::provider::Handover,
    dotenv: PathBuf,
}

impl Handover {
    pub(crate) fn new(how: crate::provider::Handover, dotenv: PathBuf) -> Self {
        Handover { how, dotenv }
    }
}

impl Reporter for Handover {
    fn start(&mut self, _plan: &Plan) {}
    fn event(&mut self, _plan: &Plan, _event: &Event) {}
    fn flush(&mut self) {}

    fn finish(&mut self, plan: &Plan, results: &[UnitResult], _: Duration, _: Option<i32>) {
        let mut by_job: IndexMap<String, IndexMap<String, String>> = IndexMap::new();
        for (u, r) in plan.units.iter().zip(results) {
            by_job
                .entry(u.job.clone())
                .or_default()
                .extend(r.outputs.clone());
        }
        match &self.how {
            crate::provider::Handover::GithubOutput(path) => {
                let mut all: IndexMap<String, String> =
                    by_job.values().flat_map(|o| o.clone()).collect();
                if !all.is_empty() {
                    // What was written, so a dependent unsets the rest (`run/env.rs`).
                    let written = all.keys().cloned().collect::<Vec<_>>().join(" ");
                    all.insert(crate::contract::GITHUB_WRITTEN_OUTPUT.to_string(), written);
                    if let Err(e) = outputs::write_github(path, &all) {
                        eprintln!(
                            "warning: cannot write $GITHUB_OUTPUT ({}): {e}",
                            path.display()
                        );
                    }
                }
            }
            crate::provider::Handover::GitlabDotenv => {
                let env: IndexMap<String, String> = by_job
                    .iter()
                    .flat_map(|(j, o)| outputs::as_env(j, o))
                    .collect();
                let path = &self.dotenv;
                // Values GitLab would alter were refused when their unit ended (`outputs::refuse`).
                if let Err(e) = outputs::write_gitlab(path, &env) {
                    eprintln!("warning: cannot write {}: {e}", path.display());
                }
            }
            crate::provider::Handover::None => {}
        }
    }
}
