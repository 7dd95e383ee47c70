//! Rule: retries count at least one attempt, and step time limits fit inside the job's.
//! (Whether a duration parses is the shape check's: `spec::Duration` is a typed value.)

use super::Context;
use crate::diagnostic::{Code, Diagnostic};
use crate::source::YamlPath;
use crate::spec::{RetrySpec, StepSpec};

pub(crate) const INVALID_RETRY: Code = Code::new("invalid-retry");
pub(crate) const STEP_TIMEOUT_EXCEEDS_JOB: Code = Code::new("step-timeout-exceeds-job");

/// The codes this rule reports.
pub(super) const CODES: &[Code] = &[INVALID_RETRY, STEP_TIMEOUT_EXCEEDS_JOB];

fn retry(r: &Option<RetrySpec>, path: YamlPath, out: &mut Vec<Diagnostic>) {
    match r {
        Some(RetrySpec::Policy(p)) if p.attempts == 0 => out.push(
            Diagnostic::error(
                INVALID_RETRY,
                "`attempts` counts every run including the first, so it must be at least 1",
            )
            .at(path.key("attempts"))
            .with_help("use `attempts: 1` for no retry, `attempts: 3` for two retries"),
        ),
        Some(RetrySpec::Attempts(0)) => out.push(
            Diagnostic::error(
                INVALID_RETRY,
                "`retry` counts every run including the first, so it must be at least 1",
            )
            .at(path)
            .with_help("use `retry: 3` for two retries"),
        ),
        _ => {}
    }
}

pub fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for (name, job) in &cx.spec.jobs {
        let jp = YamlPath::root().key("jobs").key(name);
        retry(&job.retry, jp.key("retry"), out);
        for (i, step) in job.steps.iter().enumerate() {
            if let StepSpec::Full(s) = step {
                let sp = jp.key("steps").index(i);
                retry(&s.retry, sp.key("retry"), out);
                if let (Some(j), Some(st)) = (job.timeout, s.timeout) {
                    if st > j {
                        out.push(
                            Diagnostic::warning(
                                STEP_TIMEOUT_EXCEEDS_JOB,
                                "this step's timeout is longer than its job's",
                            )
                            .at(sp.key("timeout"))
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
