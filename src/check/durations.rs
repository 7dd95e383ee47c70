//! Rule: every duration parses (`30s`, `15m`, `1h30m`), and step limits fit inside the job's.

use super::Context;
use crate::diagnostic::Diagnostic;
use crate::source::YamlPath;
use crate::spec::parse_duration;
use crate::spec::{DurationText, RetrySpec, StepSpec};

fn one(text: &Option<DurationText>, path: YamlPath, out: &mut Vec<Diagnostic>) {
    let Some(t) = text else { return };
    if let Err(why) = parse_duration(&t.0) {
        out.push(
            Diagnostic::error(
                "invalid-duration",
                format!("invalid duration `{}`: {why}", t.0),
            )
            .at(path)
            .with_label("not a duration")
            .with_help("write a number with a unit: `30s`, `15m`, `1h30m`, `500ms`"),
        );
    }
}

fn retry(r: &Option<RetrySpec>, path: YamlPath, out: &mut Vec<Diagnostic>) {
    match r {
        Some(RetrySpec::Policy(p)) => {
            one(&p.delay, path.key("delay"), out);
            one(&p.max_delay, path.key("max_delay"), out);
            if p.attempts == 0 {
                out.push(
                    Diagnostic::error(
                        "invalid-retry",
                        "`attempts` counts every run including the first, so it must be at least 1",
                    )
                    .at(path.key("attempts"))
                    .with_help("use `attempts: 1` for no retry, `attempts: 3` for two retries"),
                );
            }
        }
        Some(RetrySpec::Attempts(0)) => out.push(
            Diagnostic::error(
                "invalid-retry",
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
        one(&job.timeout, jp.key("timeout"), out);
        retry(&job.retry, jp.key("retry"), out);
        let job_limit = job.timeout.as_ref().and_then(|t| parse_duration(&t.0).ok());
        for (i, step) in job.steps.iter().enumerate() {
            if let StepSpec::Full(s) = step {
                let sp = jp.key("steps").index(i);
                one(&s.timeout, sp.key("timeout"), out);
                retry(&s.retry, sp.key("retry"), out);
                let step_limit = s.timeout.as_ref().and_then(|t| parse_duration(&t.0).ok());
                if let (Some(j), Some(st)) = (job_limit, step_limit) {
                    if st > j {
                        out.push(
                            Diagnostic::warning(
                                "step-timeout-exceeds-job",
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
        for (svc, s) in &job.services {
            one(
                &s.health_timeout,
                jp.key("services").key(svc).key("health_timeout"),
                out,
            );
        }
    }
}
