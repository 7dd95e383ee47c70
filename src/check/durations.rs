//! Rule: time limits are more than zero, and step time limits fit inside the job's.
//! (Whether a duration parses is the shape check's: `spec::Duration` is a typed value; that
//! retries count at least one attempt is the schema's `minimum`.)

use super::Context;
use crate::diagnostic::{Code, Diagnostic};
use crate::source::YamlPath;
use crate::spec::{Duration, StepSpec};

pub(crate) const ZERO_DURATION: Code = Code::new("zero-duration");
pub(crate) const STEP_TIMEOUT_EXCEEDS_JOB: Code = Code::new("step-timeout-exceeds-job");

/// The codes this rule reports.
pub(super) const CODES: &[Code] = &[ZERO_DURATION, STEP_TIMEOUT_EXCEEDS_JOB];

/// A zero time limit: every run would time out before its first command (a zero retry delay
/// is fine, and not checked here).
fn zero(
    limit: Option<Duration>,
    at: impl FnOnce() -> YamlPath,
    what: &str,
    out: &mut Vec<Diagnostic>,
) {
    if limit.is_some_and(|d| d.get().is_zero()) {
        out.push(
            Diagnostic::error(
                ZERO_DURATION,
                format!("a {what} of zero ends every run at once"),
            )
            .at(at())
            .with_label("zero")
            .with_help("give a limit such as `10m`, or remove the key for none"),
        );
    }
}

pub fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for (name, job) in &cx.spec.jobs {
        let jp = || YamlPath::job(name);
        zero(job.timeout, || jp().key("timeout"), "job timeout", out);
        for (svc, s) in &job.services {
            zero(
                s.health_timeout,
                || jp().key("services").key(svc).key("health_timeout"),
                "health timeout",
                out,
            );
        }
        for (i, step) in job.steps.iter().enumerate() {
            if let StepSpec::Full(s) = step {
                let sp = || jp().key("steps").index(i);
                zero(s.timeout, || sp().key("timeout"), "step timeout", out);
                if let (Some(j), Some(st)) = (job.timeout, s.timeout) {
                    if st > j {
                        out.push(
                            Diagnostic::warning(
                                STEP_TIMEOUT_EXCEEDS_JOB,
                                "this step's timeout is longer than its job's",
                            )
                            .at(sp().key("timeout"))
                            .with_help(
                                "the job's timeout ends the step first; shorten one of them",
                            ),
                        );
                    }
                }
            }
        }
    }
}
