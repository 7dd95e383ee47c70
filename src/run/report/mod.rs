//! Reporters: they turn events into logs and files, and decide nothing.
//!
//! One *log format* writes stdout (human, github, gitlab, json); *sinks* write files (JUnit,
//! the GitHub step summary, the outputs hand-over) from the same events, whatever the log
//! format. [`create`] puts them behind one [`Reporter`].

mod github;
mod gitlab;
mod handover;
mod human;
mod json;
mod junit;
mod progress;
mod slow;
mod spill;
mod summary;
mod table;
mod tail;
mod wire;

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
    pub pipeline_name: &'a str,
    /// Spec file and step lines (filled for the GitHub format only).
    pub step_lines: super::locate::StepLines,
    /// The files written besides the log.
    pub sinks: Sinks,
    /// Say when a step has run this long, and at each multiple (`--slow-after`; human log).
    pub slow_after: Option<Duration>,
}

/// Which sinks run, and where they write.
#[derive(Debug, Clone)]
pub(crate) struct Sinks {
    /// A JUnit XML report.
    pub junit: Option<std::path::PathBuf>,
    /// A Markdown summary appended to this file (`$GITHUB_STEP_SUMMARY`).
    pub step_summary: Option<std::path::PathBuf>,
    /// How outputs reach the CI provider, and where a GitLab dotenv report goes.
    pub handover: (crate::provider::Handover, std::path::PathBuf),
}

/// Consumes events in order.
pub(crate) trait Reporter {
    /// Before any child starts.
    fn start(&mut self, plan: &Plan);
    fn event(&mut self, plan: &Plan, event: &Event);
    /// Writes out what is buffered; the scheduler calls it whenever no event is waiting.
    fn flush(&mut self);
    /// Called about every [`TICK`] while units run, events or not: time passing is news
    /// for a progress line and for slow-step notices.
    fn tick(&mut self, _plan: &Plan) {}
    /// After every unit ended; `results` is in plan order. Flushes.
    fn finish(
        &mut self,
        plan: &Plan,
        results: &[UnitResult],
        elapsed: Duration,
        signal: Option<i32>,
    );
}

/// How often [`Reporter::tick`] is called while units run.
pub(crate) const TICK: Duration = Duration::from_millis(250);

/// The log format's reporter followed by the sinks that are on.
pub(crate) fn create(format: LogFormat, cfg: &ReportConfig<'_>) -> Box<dyn Reporter> {
    let log: Box<dyn Reporter> = match format {
        LogFormat::Github => Box::new(github::Github::new(cfg)),
        LogFormat::Gitlab => Box::new(gitlab::Gitlab::new(cfg)),
        LogFormat::Json => Box::new(json::Json::new()),
        LogFormat::Human => Box::new(human::Human::new(cfg)),
    };
    let mut sinks: Vec<Box<dyn Reporter>> = Vec::new();
    if let Some(path) = &cfg.sinks.junit {
        let name = match cfg.pipeline_name {
            "" => "cigen",
            n => n,
        };
        sinks.push(Box::new(junit::Junit::new(path.clone(), name)));
    }
    if let Some(path) = &cfg.sinks.step_summary {
        sinks.push(Box::new(summary::StepSummary::new(
            path.clone(),
            cfg.pipeline_name,
        )));
    }
    let (how, dotenv) = &cfg.sinks.handover;
    if *how != crate::provider::Handover::None {
        sinks.push(Box::new(handover::Handover::new(
            how.clone(),
            dotenv.clone(),
        )));
    }
    if sinks.is_empty() {
        return log;
    }
    Box::new(Fanout { log, sinks })
}

/// The log format and the sinks, fed the same events in the same order.
struct Fanout {
    log: Box<dyn Reporter>,
    sinks: Vec<Box<dyn Reporter>>,
}

impl Reporter for Fanout {
    fn start(&mut self, plan: &Plan) {
        self.log.start(plan);
        for s in &mut self.sinks {
            s.start(plan);
        }
    }

    fn event(&mut self, plan: &Plan, event: &Event) {
        self.log.event(plan, event);
        for s in &mut self.sinks {
            s.event(plan, event);
        }
    }

    fn flush(&mut self) {
        self.log.flush();
    }

    fn tick(&mut self, plan: &Plan) {
        self.log.tick(plan);
    }

    /// Files first, then the log's summary table: a sink's warning comes before the table.
    fn finish(
        &mut self,
        plan: &Plan,
        results: &[UnitResult],
        elapsed: Duration,
        signal: Option<i32>,
    ) {
        for s in &mut self.sinks {
            s.finish(plan, results, elapsed, signal);
        }
        self.log.finish(plan, results, elapsed, signal);
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
pub(crate) struct Out {
    buf: Vec<u8>,
    /// `None` in tests: the text stays in `buf`.
    to: Option<std::io::Stdout>,
    /// A progress line on the same terminal, cleared while text is written and drawn again.
    bar: Option<indicatif::ProgressBar>,
}

/// Bytes buffered before they are written out even while the run is busy.
const OUT_BUF: usize = 64 * 1024;

impl Out {
    pub(crate) fn new() -> Self {
        Out {
            buf: Vec::with_capacity(OUT_BUF),
            to: Some(std::io::stdout()),
            bar: None,
        }
    }

    /// Writes around `bar`: every write clears it first and draws it again after.
    pub(crate) fn around(&mut self, bar: indicatif::ProgressBar) {
        self.bar = Some(bar);
    }

    /// Writes `text` and a newline. Write errors (a closed pipe) are ignored: the run goes on.
    pub(crate) fn line(&mut self, text: &str) {
        self.buf.extend_from_slice(text.as_bytes());
        self.buf.push(b'\n');
        self.spill();
    }

    /// Writes bytes as they are.
    pub(crate) fn write(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
        self.spill();
    }

    /// Writes the lines of an `Output` text, each ending in `\n`.
    pub(crate) fn output(&mut self, text: &str) {
        self.write(unix_lines(text).as_bytes());
    }

    /// Writes each line of an `Output` text after `prefix` and a space.
    pub(crate) fn prefixed(&mut self, prefix: &[u8], text: &str) {
        let lines = memchr::memchr_iter(b'\n', text.as_bytes()).count();
        self.fill(text.len() + lines * (prefix.len() + 1), |buf| {
            for l in super::events::lines(text) {
                buf.extend_from_slice(prefix);
                buf.push(b' ');
                buf.extend_from_slice(l.as_bytes());
                buf.push(b'\n');
            }
        });
    }

    /// Lets `write` append to the buffer directly (about `size` bytes): one copy of a step's
    /// output on its way out, not two.
    pub(crate) fn fill(&mut self, size: usize, write: impl FnOnce(&mut Vec<u8>)) {
        self.buf.reserve(size);
        write(&mut self.buf);
        self.spill();
    }

    fn spill(&mut self) {
        if self.buf.len() >= OUT_BUF {
            self.flush();
        }
    }

    pub(crate) fn flush(&mut self) {
        use std::io::Write;
        if self.buf.is_empty() {
            return;
        }
        if let Some(to) = &self.to {
            let write = || {
                let mut lock = to.lock();
                let _ = lock.write_all(&self.buf);
                let _ = lock.flush();
            };
            match &self.bar {
                Some(bar) => bar.suspend(write),
                None => write(),
            }
            self.buf.clear();
        }
    }

    /// A writer for large copies (a spilled section): through the buffer, flushed as it fills.
    pub(crate) fn writer(&mut self) -> &mut dyn std::io::Write {
        self
    }

    /// What was written, for tests (an `Out` without stdout keeps everything).
    #[cfg(test)]
    pub(crate) fn take(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.buf)
    }

    #[cfg(test)]
    pub(crate) fn memory() -> Self {
        Out {
            buf: Vec::new(),
            to: None,
            bar: None,
        }
    }
}

impl std::io::Write for Out {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        Out::write(self, bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Out::flush(self);
        Ok(())
    }
}

/// An `Output` text with `\r\n` line ends turned into `\n` (what splitting it into lines
/// and joining them again gives).
pub(crate) fn unix_lines(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains("\r\n") {
        std::borrow::Cow::Owned(text.replace("\r\n", "\n"))
    } else {
        std::borrow::Cow::Borrowed(text)
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
