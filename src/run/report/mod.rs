//! Reporters: they turn events into logs and files, and decide nothing.

mod github;
mod gitlab;
mod human;
mod json;
mod junit;
mod table;

use std::collections::HashMap;
use std::time::Duration;

use super::events::{Event, UnitResult};
use super::plan::Plan;
use crate::provider::LogFormat;
use crate::ui::ColorChoice;

/// Everything a reporter may need to know up front.
pub(crate) struct ReportConfig<'a> {
    pub color: ColorChoice,
    /// Secret forms to register with the runner (GitHub `::add-mask::`).
    pub mask_patterns: &'a [String],
    /// At most one unit runs at a time, so output can stream inside groups/sections.
    pub sequential: bool,
    pub env: &'a HashMap<String, String>,
    /// Where GitLab's JUnit report goes.
    pub junit_path: std::path::PathBuf,
    pub pipeline_name: &'a str,
    /// Spec file and step lines (filled for the GitHub format only).
    pub step_lines: super::locate::StepLines,
}

/// Consumes events in order.
pub(crate) trait Reporter {
    /// Before any child starts.
    fn start(&mut self, plan: &Plan);
    fn event(&mut self, plan: &Plan, event: &Event);
    /// Writes out what is buffered; the scheduler calls it whenever no event is waiting.
    fn flush(&mut self);
    /// After every unit ended; `results` is in plan order. Flushes.
    fn finish(
        &mut self,
        plan: &Plan,
        results: &[UnitResult],
        elapsed: Duration,
        signal: Option<i32>,
    );
}

pub(crate) fn create(format: LogFormat, cfg: &ReportConfig<'_>) -> Box<dyn Reporter> {
    match format {
        LogFormat::Github => Box::new(github::Github::new(cfg)),
        LogFormat::Gitlab => Box::new(gitlab::Gitlab::new(cfg)),
        LogFormat::Json => Box::new(json::Json::new()),
        LogFormat::Human => Box::new(human::Human::new(cfg)),
    }
}

/// Prints the plan as the JSON reporter's first event (for `--dry-run --log-format json`).
pub(crate) fn plan_json(plan: &Plan) {
    let mut j = json::Json::new();
    j.start(plan);
    j.flush();
}

/// Buffered stdout: reporters write a line per event, and output reaches the terminal when
/// the run is idle (or the buffer fills), so a step printing a million lines does not cost a
/// million write calls.
pub(crate) struct Out(std::io::BufWriter<std::io::Stdout>);

impl Out {
    pub(crate) fn new() -> Self {
        Out(std::io::BufWriter::with_capacity(
            64 * 1024,
            std::io::stdout(),
        ))
    }

    /// Writes `text` and a newline. Write errors (a closed pipe) are ignored: the run goes on.
    pub(crate) fn line(&mut self, text: &str) {
        use std::io::Write;
        let _ = self.0.write_all(text.as_bytes());
        let _ = self.0.write_all(b"\n");
    }

    pub(crate) fn flush(&mut self) {
        use std::io::Write;
        let _ = self.0.flush();
    }
}

/// Seconds since the Unix epoch (GitLab section markers, JSON events).
pub(crate) fn unix_now() -> Duration {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
}

/// The display name of step `step` of a unit's job.
pub(crate) fn step_name(plan: &Plan, unit: usize, step: usize) -> String {
    plan.units
        .get(unit)
        .and_then(|u| u.steps.get(step))
        .cloned()
        .unwrap_or_else(|| format!("step {}", step + 1))
}

/// The plain line both CI reporters print for events that need no provider markup (a skipped
/// step, a scheduled retry, a notice); `None` for every other event.
pub(crate) fn plain_line(plan: &Plan, event: &Event) -> Option<String> {
    let label = |u: &usize| plan.units[*u].label.clone();
    match event {
        Event::StepSkipped {
            unit, name, reason, ..
        } => Some(format!("- {} › {name} skipped: {reason}", label(unit))),
        Event::RetryScheduled {
            unit,
            step,
            next_attempt,
            delay,
        } => Some(format!(
            "↻ {} › {}: retrying in {} (attempt {next_attempt})",
            label(unit),
            step_name(plan, *unit, *step),
            super::events::human_duration(*delay)
        )),
        Event::Notice { unit, text } => Some(match unit {
            Some(u) => format!("{}: {text}", label(u)),
            None => text.clone(),
        }),
        _ => None,
    }
}

/// ` (attempt 2/3)` after a retried step's name; nothing for a first attempt.
pub(crate) fn attempt_suffix(attempt: u32, attempts: u32) -> String {
    if attempt > 1 {
        format!(" (attempt {attempt}/{attempts})")
    } else {
        String::new()
    }
}
