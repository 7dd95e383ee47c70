//! The events between executor, scheduler and reporters (reporters consume only these), and
//! where a unit sends them: the bounded channel to the scheduler, or the scheduler itself.

use std::time::Duration;

use indexmap::IndexMap;
use serde::Serialize;

use super::cancel::CancelToken;

/// Index of a unit (one job × one matrix cell) in the plan.
pub(crate) type UnitId = usize;

/// How one attempt of a step ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum StepStatus {
    Passed,
    Failed,
    TimedOut,
    Cancelled,
}

/// How a unit ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum UnitStatus {
    Passed,
    /// Passed, but only after a failed attempt.
    Flaky,
    Failed,
    TimedOut,
    Cancelled,
    Skipped,
    /// Failed or timed out, in a job whose failure is allowed (`allow_failure`): the run
    /// still succeeds and dependents run.
    FailedAllowed,
}

impl UnitStatus {
    /// Whether dependents may run after this unit (a skipped job counts: in CI it exits 0).
    pub(crate) fn satisfies_needs(self) -> bool {
        matches!(
            self,
            UnitStatus::Passed
                | UnitStatus::Flaky
                | UnitStatus::Skipped
                | UnitStatus::FailedAllowed
        )
    }

    pub(crate) fn is_failure(self) -> bool {
        matches!(self, UnitStatus::Failed | UnitStatus::TimedOut)
    }

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            UnitStatus::Passed => "passed",
            UnitStatus::Flaky => "flaky",
            UnitStatus::Failed => "failed",
            UnitStatus::TimedOut => "timed-out",
            UnitStatus::Cancelled => "cancelled",
            UnitStatus::Skipped => "skipped",
            UnitStatus::FailedAllowed => "failed-allowed",
        }
    }
}

/// The final result of a unit.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct UnitResult {
    pub status: UnitStatus,
    #[serde(serialize_with = "ser_duration")]
    pub duration: Duration,
    /// Most attempts any step needed (0 when nothing ran).
    pub attempts: u32,
    /// Why it was skipped, failed or cancelled.
    pub reason: Option<String>,
    /// Declared outputs the steps wrote (masked).
    pub outputs: IndexMap<String, String>,
    /// The figure the job's `coverage:` regex found in its output.
    pub coverage: Option<f64>,
    /// Declared report files or globs that matched no file after the steps.
    pub missing_reports: Vec<String>,
}

impl UnitResult {
    pub(crate) fn skipped(reason: impl Into<String>) -> Self {
        UnitResult {
            status: UnitStatus::Skipped,
            duration: Duration::ZERO,
            attempts: 0,
            reason: Some(reason.into()),
            outputs: IndexMap::new(),
            coverage: None,
            missing_reports: Vec::new(),
        }
    }
}

/// Messages to the scheduler, from executors and the signal watcher.
pub(crate) enum Msg {
    Event(Event),
    /// Events that happened together, in order (one wake-up of the scheduler for all).
    Events(Vec<Event>),
    Signal(i32),
}

/// How many messages may wait for the scheduler. The channel is bounded so that a step
/// printing faster than the reporter writes waits, as it would on a pipe, instead of piling
/// its output up in memory: at most this many reads (16 KiB each, rarely up to a 1 MiB line)
/// are in flight.
pub(crate) const CHANNEL_CAP: usize = 64;

/// The executors' and signal watcher's end of the scheduler's channel.
pub(crate) type Tx = std::sync::mpsc::SyncSender<Msg>;

/// Where a running unit's messages go. A unit on a worker thread sends them down the
/// scheduler's channel (`Tx`). A unit the scheduler runs on its own thread, because nothing
/// else could run beside it (a chain, `-j 1`), hands them to the scheduler directly, which
/// then also needs the unit's waits to look at signals and the clock (`scheduler.rs`).
pub(crate) trait Sink {
    fn send(&self, msg: Msg);

    /// The unit is waiting (a quiet step, every few tens of milliseconds).
    fn idle(&self) {}

    /// Sleeps up to `d`, or less when `cancel` is cancelled (then true).
    fn pause(&self, cancel: &CancelToken, d: Duration) -> bool {
        cancel.sleep(d)
    }
}

impl Sink for Tx {
    fn send(&self, msg: Msg) {
        // The scheduler is gone only when the run is over: nobody is left to tell.
        let _ = std::sync::mpsc::SyncSender::send(self, msg);
    }
}

/// Everything that happens during a run, in the order it happened.
#[derive(Debug, Clone)]
pub(crate) enum Event {
    UnitStarted {
        unit: UnitId,
    },
    StepStarted {
        unit: UnitId,
        step: usize,
        name: String,
        attempt: u32,
        attempts: u32,
    },
    /// One or more complete lines of a step's combined stdout/stderr as read together, each
    /// ending in `\n`, already masked. One event per read, not per line: a step printing a
    /// million lines costs a few hundred events. [`lines`] splits it.
    Output {
        unit: UnitId,
        step: usize,
        text: String,
    },
    StepFinished {
        unit: UnitId,
        step: usize,
        attempt: u32,
        status: StepStatus,
        duration: Duration,
        message: Option<String>,
    },
    StepSkipped {
        unit: UnitId,
        step: usize,
        name: String,
        reason: String,
    },
    RetryScheduled {
        unit: UnitId,
        step: usize,
        next_attempt: u32,
        delay: Duration,
    },
    /// Something worth telling the user that is not step output (services, cancellation).
    Notice {
        unit: Option<UnitId>,
        text: String,
    },
    UnitFinished {
        unit: UnitId,
        result: UnitResult,
    },
}

/// The lines of an `Output` text (whole lines, each ending in `\n`), without their `\n` or
/// `\r\n`, as `str::lines` gives them. This runs once per line of output, so it finds line
/// ends with `memchr` and compares bytes (`str::lines` calls `memcmp` per line).
pub(crate) fn lines(text: &str) -> Lines<'_> {
    Lines(text)
}

pub(crate) struct Lines<'a>(&'a str);

impl<'a> Iterator for Lines<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        if self.0.is_empty() {
            return None;
        }
        // `\n` is ASCII: both cuts fall on char boundaries.
        let (line, rest) = match memchr::memchr(b'\n', self.0.as_bytes()) {
            Some(i) => (&self.0[..i], &self.0[i + 1..]),
            None => (self.0, ""),
        };
        self.0 = rest;
        Some(match line.as_bytes().last() {
            Some(b'\r') => &line[..line.len() - 1],
            _ => line,
        })
    }
}

pub(crate) fn ser_duration<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(d.as_millis() as u64)
}

/// `12ms`, `1.23s`, `2m05s`: short, for logs and tables.
pub(crate) fn human_duration(d: Duration) -> String {
    let ms = d.as_millis();
    if ms < 1000 {
        format!("{ms}ms")
    } else if ms < 60_000 {
        format!("{:.2}s", d.as_secs_f64())
    } else {
        format!("{}m{:02}s", ms / 60_000, (ms % 60_000) / 1000)
    }
}
