//! The JSON run events (`--log-format json`) as typed structs: the wire format documented in
//! `docs/run-events.md`. Fields serialize in the order declared here; `time_ms` comes last.
//!
//! [`VERSION`] is carried by the `plan` event, the first of every stream. It changes when a
//! field is removed or changes meaning; new fields and event types leave it as is (consumers
//! ignore what they do not know).

use serde::Serialize;

use crate::run::events::{StepStatus, UnitResult, UnitStatus};
use crate::run::plan::{Plan, Unit};
use crate::run::when::Verdict;

/// The wire format's version.
pub(crate) const VERSION: u32 = 1;

/// One line of the stream: an event and when it happened (Unix time in milliseconds).
#[derive(Serialize)]
pub(crate) struct Line<'a> {
    #[serde(flatten)]
    pub event: Wire<'a>,
    pub time_ms: u64,
}

/// Which unit an event is about.
#[derive(Serialize)]
pub(crate) struct UnitRef<'a> {
    pub unit: usize,
    pub job: &'a str,
    pub label: &'a str,
}

impl<'a> UnitRef<'a> {
    pub(crate) fn of(plan: &'a Plan, unit: usize) -> Self {
        let u = &plan.units[unit];
        UnitRef {
            unit,
            job: &u.job,
            label: &u.label,
        }
    }
}

#[derive(Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub(crate) enum Wire<'a> {
    Plan {
        version: u32,
        units: Vec<PlanUnit<'a>>,
    },
    UnitStarted {
        #[serde(flatten)]
        unit: UnitRef<'a>,
    },
    StepStarted {
        step: usize,
        name: &'a str,
        attempt: u32,
        attempts: u32,
        #[serde(flatten)]
        unit: UnitRef<'a>,
    },
    /// One line of output, without its line end.
    Output {
        step: usize,
        line: &'a str,
        #[serde(flatten)]
        unit: UnitRef<'a>,
    },
    StepFinished {
        step: usize,
        name: &'a str,
        attempt: u32,
        status: StepStatus,
        duration_ms: u64,
        message: Option<&'a str>,
        #[serde(flatten)]
        unit: UnitRef<'a>,
    },
    StepSkipped {
        step: usize,
        name: &'a str,
        reason: &'a str,
        #[serde(flatten)]
        unit: UnitRef<'a>,
    },
    RetryScheduled {
        step: usize,
        next_attempt: u32,
        delay_ms: u64,
        #[serde(flatten)]
        unit: UnitRef<'a>,
    },
    Notice {
        text: &'a str,
        #[serde(flatten)]
        unit: Option<UnitRef<'a>>,
    },
    UnitFinished {
        #[serde(flatten)]
        unit: UnitRef<'a>,
        #[serde(flatten)]
        result: ResultFields<'a>,
    },
    Finished {
        status: RunStatus,
        signal: Option<i32>,
        duration_ms: u64,
        units: Vec<UnitSummary<'a>>,
    },
}

/// A unit as the `plan` event lists it.
#[derive(Serialize)]
pub(crate) struct PlanUnit<'a> {
    pub unit: usize,
    pub job: &'a str,
    pub label: &'a str,
    pub matrix: &'a indexmap::IndexMap<String, String>,
    pub needs: &'a [usize],
    pub run: bool,
    pub reason: Option<&'a str>,
    pub steps: &'a [String],
    /// Each step of a unit that runs: its whole command and why its own `when` skips it.
    pub step_plan: Vec<PlanStep<'a>>,
}

/// A step as the `plan` event details it.
#[derive(Serialize)]
pub(crate) struct PlanStep<'a> {
    pub name: &'a str,
    pub run: &'a str,
    /// Why a step-level `when` skips it; `None`: it runs.
    pub skip: Option<&'a str>,
}

impl<'a> PlanUnit<'a> {
    pub(crate) fn of(unit: usize, u: &'a Unit) -> Self {
        let (run, reason) = match &u.verdict {
            Verdict::Run(r) => (true, r.as_deref()),
            Verdict::Skip(r) => (false, Some(r.as_str())),
        };
        PlanUnit {
            unit,
            job: &u.job,
            label: &u.label,
            matrix: &u.cell.values,
            needs: &u.needs,
            run,
            reason,
            steps: &u.steps,
            step_plan: u
                .steps
                .iter()
                .zip(&u.step_plan)
                .map(|(name, s)| PlanStep {
                    name,
                    run: &s.run,
                    skip: s.skip.as_deref(),
                })
                .collect(),
        }
    }
}

/// How a unit ended (`unit_finished`, and each unit of `finished`).
#[derive(Serialize)]
pub(crate) struct ResultFields<'a> {
    pub status: UnitStatus,
    pub duration_ms: u64,
    pub attempts: u32,
    pub reason: Option<&'a str>,
    /// Names of the declared outputs written (never their values).
    pub outputs: Vec<&'a str>,
    /// The job's coverage figure, in percent (`null`: none).
    pub coverage: Option<f64>,
    /// Declared report files or globs that matched no file.
    pub missing_reports: &'a [String],
}

impl<'a> ResultFields<'a> {
    pub(crate) fn of(r: &'a UnitResult) -> Self {
        ResultFields {
            status: r.status,
            duration_ms: r.duration.as_millis() as u64,
            attempts: r.attempts,
            reason: r.reason.as_deref(),
            outputs: r.outputs.keys().map(String::as_str).collect(),
            coverage: r.coverage,
            missing_reports: &r.missing_reports,
        }
    }
}

#[derive(Serialize)]
pub(crate) struct UnitSummary<'a> {
    #[serde(flatten)]
    pub unit: UnitRef<'a>,
    #[serde(flatten)]
    pub result: ResultFields<'a>,
}

#[derive(Serialize, Clone, Copy)]
#[serde(rename_all = "snake_case")]
pub(crate) enum RunStatus {
    Passed,
    Failed,
    Interrupted,
}
