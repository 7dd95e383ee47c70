//! JUnit XML, as nextest writes it: one test suite per unit, one test case per step of its
//! job. A sink: it runs whatever the log format, wherever a report is wanted (`--junit PATH`,
//! and by default in CI for GitLab's merge request widget). The XML is written by
//! `quick-junit` (nextest's own writer: escaping, invalid characters, counts).
//!
//! How a step becomes a case (nextest's conventions):
//! - passed: success, its last lines as `system-out`; passed after failed attempts (*flaky*): success with each failed
//!   attempt as a `flakyFailure`/`flakyError`;
//! - failed or timed out: `failure` (type `exit` or `timeout`), cancelled: `error` (type
//!   `cancelled`), each with its message and, as the element's text, the step's last lines
//!   (the bounded tail; output is masked before any reporter sees it); earlier failed
//!   attempts follow as `rerunFailure`/`rerunError`;
//! - skipped by a step-level `when`, or never reached (an earlier step failed, the unit was
//!   cancelled or skipped): `skipped` with the reason.
//!
//! A unit that failed without a failing step (a service, an output check) gets one more case,
//! named after the unit, so the counts never call a failed unit green.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestRerun, TestSuite};

use super::tail::Tail;
use super::Reporter;
use crate::run::events::{Event, StepStatus, UnitResult, UnitStatus};
use crate::run::plan::Plan;

/// Lines of output kept per attempt (also bounded in bytes by `Tail`).
const KEEP: usize = 200;

/// One finished attempt of a step.
struct Attempt {
    status: StepStatus,
    duration: Duration,
    message: Option<String>,
    tail: Vec<String>,
}

/// What happened to one step of a running unit.
#[derive(Default)]
struct StepLog {
    attempts: Vec<Attempt>,
    /// Output of the attempt under way.
    current: Option<Tail>,
    /// Why a step-level `when` skipped it.
    skipped: Option<String>,
}

/// The JUnit sink: follows the events whatever the log format, builds each unit's suite when
/// the unit ends (so only running units' output is held), writes the report at the end.
pub(crate) struct Junit {
    path: PathBuf,
    name: String,
    /// Steps of running units, by (unit, step).
    steps: HashMap<(usize, usize), StepLog>,
    suites: Vec<Option<TestSuite>>,
}

impl Junit {
    pub(crate) fn new(path: PathBuf, name: &str) -> Self {
        Junit {
            path,
            name: name.to_string(),
            steps: HashMap::new(),
            suites: Vec::new(),
        }
    }

    /// Writes next to the report and renames, so a reader never sees half a file.
    fn write(&self, xml: &[u8]) -> std::io::Result<()> {
        let dir = match self.path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => std::path::Path::new("."),
        };
        crate::state_dir::create_dir_all(dir)?;
        let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
        std::io::Write::write_all(&mut tmp, xml)?;
        tmp.persist(&self.path).map_err(|e| e.error)?;
        Ok(())
    }

    /// The suite of unit `unit`, from what its steps logged (nothing, if it never started).
    fn suite(&mut self, plan: &Plan, unit: usize, result: &UnitResult) -> TestSuite {
        let u = &plan.units[unit];
        let mut suite = TestSuite::new(u.label.as_str());
        suite.set_time(result.duration);
        if let Some(f) = result.coverage {
            suite.add_property(quick_junit::Property::new("coverage", f.to_string()));
        }
        let mut any_failed = false;
        for (i, name) in u.steps.iter().enumerate() {
            let log = self.steps.remove(&(unit, i)).unwrap_or_default();
            let mut case = case(name, &log, result);
            any_failed |= matches!(case.status, TestCaseStatus::NonSuccess { .. });
            case.set_classname(u.label.as_str());
            suite.add_test_case(case);
        }
        if result.status == UnitStatus::FailedAllowed {
            // Readers that know no such status still see the failure, and this says it counts
            // as allowed.
            suite.add_property(quick_junit::Property::new("cigen.status", "failed-allowed"));
        }
        if !any_failed
            && matches!(
                result.status,
                UnitStatus::Failed | UnitStatus::TimedOut | UnitStatus::FailedAllowed
            )
        {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
            status.set_message(result.reason.clone().unwrap_or_else(|| "failed".into()));
            let mut case = TestCase::new(u.label.as_str(), status);
            case.set_classname(u.label.as_str());
            suite.add_test_case(case);
        }
        suite
    }
}

/// The case of one step: its last attempt, earlier ones as reruns.
fn case(name: &str, log: &StepLog, unit: &UnitResult) -> TestCase {
    let Some((last, earlier)) = log.attempts.split_last() else {
        let mut status = TestCaseStatus::skipped();
        status.set_message(match &log.skipped {
            Some(reason) => reason.clone(),
            None => not_reached(unit),
        });
        return TestCase::new(name, status);
    };
    let mut status = match last.status {
        StepStatus::Passed => TestCaseStatus::success(),
        s => {
            let mut st = TestCaseStatus::non_success(kind(s));
            let message = last.message.clone().unwrap_or_else(|| "failed".into());
            st.set_type(type_of(s))
                .set_message(if unit.status == UnitStatus::FailedAllowed {
                    format!("{message} (allowed to fail: allow_failure)")
                } else {
                    message
                });
            if !last.tail.is_empty() {
                st.set_description(last.tail.join("\n"));
            }
            st
        }
    };
    // Passed: these become flakyFailure (quick-junit); failed: rerunFailure.
    status.add_reruns(earlier.iter().map(rerun));
    let mut case = TestCase::new(name, status);
    case.set_time(log.attempts.iter().map(|a| a.duration).sum());
    // A passing step's last lines go to `system-out` (readers show them on demand; the
    // failure text is what GitLab puts first).
    if last.status == StepStatus::Passed && !last.tail.is_empty() {
        case.set_system_out(last.tail.join("\n"));
    }
    case
}

/// Why a step that never started did not: the unit's own reason when it was skipped or
/// cancelled (`needs `build`, which did not succeed`), else that an earlier step stopped it.
fn not_reached(unit: &UnitResult) -> String {
    match (unit.status, &unit.reason) {
        (UnitStatus::Skipped | UnitStatus::Cancelled, Some(r)) => r.clone(),
        (UnitStatus::Skipped, None) => "not run: skipped".into(),
        (UnitStatus::Cancelled, None) => "not run: cancelled".into(),
        _ => "not run: an earlier step of the job did not succeed".into(),
    }
}

fn rerun(a: &Attempt) -> TestRerun {
    let mut r = TestRerun::new(kind(a.status));
    r.set_time(a.duration)
        .set_type(type_of(a.status))
        .set_message(a.message.clone().unwrap_or_else(|| "failed".into()));
    if !a.tail.is_empty() {
        r.set_description(a.tail.join("\n"));
    }
    r
}

/// A failure is the step's own verdict (exit status, timeout); a cancellation is an error:
/// the step did not get to finish.
fn kind(s: StepStatus) -> NonSuccessKind {
    match s {
        StepStatus::Cancelled => NonSuccessKind::Error,
        _ => NonSuccessKind::Failure,
    }
}

fn type_of(s: StepStatus) -> &'static str {
    match s {
        StepStatus::Passed => "passed",
        StepStatus::Failed => "exit",
        StepStatus::TimedOut => "timeout",
        StepStatus::Cancelled => "cancelled",
    }
}

impl Reporter for Junit {
    fn start(&mut self, plan: &Plan) {
        self.suites = plan.units.iter().map(|_| None).collect();
    }

    fn event(&mut self, plan: &Plan, event: &Event) {
        match event {
            Event::StepStarted { unit, step, .. } => {
                self.steps.entry((*unit, *step)).or_default().current = Some(Tail::new(KEEP));
            }
            Event::Output { unit, step, text } => {
                if let Some(tail) = self
                    .steps
                    .get_mut(&(*unit, *step))
                    .and_then(|s| s.current.as_mut())
                {
                    tail.push(text);
                }
            }
            Event::StepFinished {
                unit,
                step,
                status,
                duration,
                message,
                ..
            } => {
                let log = self.steps.entry((*unit, *step)).or_default();
                let tail = log.current.take().map(|t| t.lines()).unwrap_or_default();
                log.attempts.push(Attempt {
                    status: *status,
                    duration: *duration,
                    message: message.clone(),
                    tail,
                });
            }
            Event::StepSkipped {
                unit, step, reason, ..
            } => {
                self.steps.entry((*unit, *step)).or_default().skipped = Some(reason.clone());
            }
            Event::UnitFinished { unit, result } => {
                let suite = self.suite(plan, *unit, result);
                if let Some(slot) = self.suites.get_mut(*unit) {
                    *slot = Some(suite);
                }
            }
            _ => {}
        }
    }

    fn flush(&mut self) {}

    fn finish(&mut self, plan: &Plan, results: &[UnitResult], elapsed: Duration, _: Option<i32>) {
        let mut report = Report::new(self.name.as_str());
        report.set_time(elapsed);
        // Units the run never reached have no suite yet.
        let suites = std::mem::take(&mut self.suites);
        for (i, (suite, r)) in suites.into_iter().zip(results).enumerate() {
            let suite = suite.unwrap_or_else(|| self.suite(plan, i, r));
            report.add_test_suite(suite);
        }
        let written = report
            .to_string()
            .map_err(std::io::Error::other)
            .and_then(|xml| self.write(xml.as_bytes()));
        if let Err(e) = written {
            eprintln!(
                "warning: cannot write the JUnit report {}: {e}",
                self.path.display()
            );
        }
    }
}
