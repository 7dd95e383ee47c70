//! The GitHub step summary sink: a Markdown table of the run appended to
//! `$GITHUB_STEP_SUMMARY`, whatever the log format.

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use super::{table, Reporter};
use crate::run::events::{Event, UnitResult, UnitStatus};
use crate::run::plan::Plan;
use crate::run::process::signal_name;

pub(crate) struct StepSummary {
    path: PathBuf,
    name: String,
}

impl StepSummary {
    pub(crate) fn new(path: PathBuf, pipeline_name: &str) -> Self {
        StepSummary {
            path,
            name: pipeline_name.to_string(),
        }
    }
}

impl Reporter for StepSummary {
    fn start(&mut self, _plan: &Plan) {}
    fn event(&mut self, _plan: &Plan, _event: &Event) {}
    fn flush(&mut self) {}

    fn finish(
        &mut self,
        plan: &Plan,
        results: &[UnitResult],
        elapsed: Duration,
        signal: Option<i32>,
    ) {
        let md = markdown(&self.name, plan, results, elapsed, signal);
        let written = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .and_then(|mut f| f.write_all(md.as_bytes()));
        if let Err(e) = written {
            eprintln!(
                "warning: cannot write the step summary {}: {e}",
                self.path.display()
            );
        }
    }
}

fn md_cell(s: &str) -> String {
    s.replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// The Markdown job table for the step summary.
pub(crate) fn markdown(
    name: &str,
    plan: &Plan,
    results: &[UnitResult],
    elapsed: Duration,
    signal: Option<i32>,
) -> String {
    let mut md = format!("### {}\n\n| Job | Status | Duration | Attempts | Note |\n| --- | --- | --- | --- | --- |\n", md_cell(name));
    for (row, r) in table::rows(plan, results).iter().zip(results) {
        let icon = match r.status {
            UnitStatus::Passed => "✅",
            UnitStatus::Flaky => "⚠️",
            UnitStatus::Skipped => "⏭️",
            UnitStatus::Cancelled => "🚫",
            UnitStatus::Failed | UnitStatus::TimedOut => "❌",
            UnitStatus::FailedAllowed => "🟡",
        };
        md.push_str(&format!(
            "| {} | {icon} {} | {} | {} | {} |\n",
            md_cell(&row[0]),
            row[1],
            row[2],
            row[3],
            md_cell(&row[4])
        ));
    }
    md.push_str(&format!("\n{}", table::totals(results, elapsed)));
    if let Some(s) = signal {
        md.push_str(&format!(" (interrupted by {})", signal_name(s)));
    }
    md.push_str("\n\n");
    md
}
