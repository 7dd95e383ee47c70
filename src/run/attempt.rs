//! Runs one step of a unit: each attempt spawned and its output streamed, how the attempt
//! ended named ([`judge`]), and what follows decided ([`next`]: the next step, a retry after
//! its delay, or the unit's end). `judge` and `next` touch no process, so they are tested
//! directly.

use std::path::Path;
use std::time::{Duration, Instant};

use super::cancel::CancelToken;
use super::events::{Event, StepStatus, UnitId, UnitStatus};
use super::executor::{cancelled, Outbox, Shared, StepAt, Stop, Tally};
use super::launch::Launch;
use super::lines::LineBuf;
use super::process::{self, Ending};
use super::retry;
use super::step_command::Spawn;
use crate::model::RetryPolicy;
use crate::spec::format_duration;

/// Runs one step with its retries; `Some` when the unit must stop here.
pub(super) fn run_step(
    sh: &Shared<'_>,
    at: &StepAt<'_>,
    spawn: &Spawn,
    cancel: &CancelToken,
    out: &Outbox<'_>,
    tally: &mut Tally,
) -> Option<Stop> {
    let (id, i, step) = (at.unit, at.index, at.step);
    let attempts = step.retry.map_or(1, |r| r.attempts.max(1));
    let mut attempt = 1;
    loop {
        tally.attempts = tally.attempts.max(attempt);
        out.emit(Event::StepStarted {
            unit: id,
            step: i,
            name: step.name.clone(),
            attempt,
            attempts,
        });
        let t0 = Instant::now();
        let step_deadline = step.timeout.map(|t| t0 + t);
        let deadline = match (step_deadline, at.job_deadline) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        // StepStarted goes out with what comes first: output, the step still running after a
        // tick (`process::run`'s `on_idle`), or its end. A step that ends at once then wakes
        // the scheduler once, not twice.
        let res = self::attempt(sh, id, i, spawn, deadline, cancel, out);
        let limits = Limits {
            job_hit: at.job_deadline.is_some() && deadline == at.job_deadline,
            job: at.job.timeout,
            step: step.timeout,
        };
        let (status, message) = judge(res, &limits, &spawn.shell, &spawn.dir, cancel);
        out.emit(Event::StepFinished {
            unit: id,
            step: i,
            attempt,
            status,
            duration: t0.elapsed(),
            message: message.clone(),
        });
        let job_expired = at.job_deadline.is_some_and(|j| Instant::now() >= j);
        let now = After {
            status,
            attempt,
            attempts,
            retry_allowed: !job_expired && !cancel.is_cancelled(),
        };
        match next(&now, &step.name, message.as_deref()) {
            Next::Passed => {
                tally.flaky |= attempt > 1;
                return None;
            }
            Next::Cancelled => return Some(cancelled(cancel)),
            Next::Stop(s) => return Some(s),
            Next::Retry => {
                let policy = step.retry.unwrap_or(RetryPolicy {
                    attempts,
                    backoff: crate::spec::Backoff::Fixed,
                    delay: Duration::ZERO,
                    max_delay: Duration::ZERO,
                });
                let delay = retry::delay(&policy, attempt + 1);
                out.now(Event::RetryScheduled {
                    unit: id,
                    step: i,
                    next_attempt: attempt + 1,
                    delay,
                });
                if out.pause(cancel, delay) {
                    return Some(cancelled(cancel));
                }
                attempt += 1;
            }
        }
    }
}

/// Runs one attempt: spawns the step, streams its output as `Output` events, and returns how
/// the process ended. Output is masked as a byte stream before it is cut into lines (so no
/// split hides a secret), then passed on per read, whole lines only.
fn attempt(
    sh: &Shared<'_>,
    unit: UnitId,
    step: usize,
    spawn: &Spawn,
    deadline: Option<Instant>,
    cancel: &CancelToken,
    out: &Outbox<'_>,
) -> std::io::Result<Ending> {
    let mut masking = sh.masker.stream();
    let mut lines = LineBuf::default();
    let mut send = |bytes: &[u8]| {
        out.now(Event::Output {
            unit,
            step,
            text: String::from_utf8_lossy(bytes).into_owned(),
        });
    };
    let mut on_output = |chunk: &[u8]| lines.push(&masking.push(chunk), &mut send);
    let mut run = |l: &Launch<'_>| {
        process::run(l, deadline, sh.grace, cancel, &mut on_output, &mut || {
            out.idle()
        })
    };
    let mut res = match spawn.direct() {
        Some(l) => run(&l),
        None => run(&spawn.through_shell()),
    };
    // Not found on the fast path: let the shell say so, in its own words (exit 127).
    if spawn.direct.is_some() && matches!(&res, Err(e) if e.kind() == std::io::ErrorKind::NotFound)
    {
        res = run(&spawn.through_shell());
    }
    lines.push(&masking.finish(), &mut send);
    lines.finish(&mut send);
    res.map(|(ending, _)| ending)
}

/// The timeouts an attempt ran under.
struct Limits {
    /// The job's deadline came first (or at the same time as the step's).
    job_hit: bool,
    job: Option<Duration>,
    step: Option<Duration>,
}

/// How an attempt ended, as a status and the words for it.
fn judge(
    res: std::io::Result<Ending>,
    limits: &Limits,
    shell: &[String],
    dir: &Path,
    cancel: &CancelToken,
) -> (StepStatus, Option<String>) {
    match res {
        Err(e) => (
            StepStatus::Failed,
            Some(format!(
                "cannot start `{}` in {}: {e}",
                shell[..shell.len().saturating_sub(1)].join(" "),
                dir.display()
            )),
        ),
        Ok(Ending::Exited(s)) if s.success() => (StepStatus::Passed, None),
        Ok(Ending::Exited(s)) => (StepStatus::Failed, Some(process::describe(s))),
        Ok(Ending::TimedOut) => {
            let (what, limit) = if limits.job_hit {
                ("job", limits.job)
            } else {
                ("step", limits.step)
            };
            (
                StepStatus::TimedOut,
                Some(format!(
                    "{what} timed out after {}",
                    limit.map(format_duration).unwrap_or_default()
                )),
            )
        }
        Ok(Ending::Cancelled) => (
            StepStatus::Cancelled,
            Some(format!(
                "cancelled: {}",
                cancel.reason().unwrap_or_default()
            )),
        ),
    }
}

/// Where a step stands after an attempt.
struct After {
    status: StepStatus,
    attempt: u32,
    attempts: u32,
    /// Neither the job's deadline nor cancellation forbids another attempt.
    retry_allowed: bool,
}

/// What follows an attempt.
#[derive(Debug, PartialEq, Eq)]
enum Next {
    /// The step passed: on to the next one.
    Passed,
    Retry,
    Cancelled,
    /// The unit ends here with this status and reason.
    Stop(Stop),
}

fn next(now: &After, name: &str, message: Option<&str>) -> Next {
    match now.status {
        StepStatus::Passed => return Next::Passed,
        StepStatus::Cancelled => return Next::Cancelled,
        StepStatus::Failed | StepStatus::TimedOut => {}
    }
    if now.attempt < now.attempts && now.retry_allowed {
        return Next::Retry;
    }
    let tries = if now.attempt > 1 {
        format!(" after {} attempts", now.attempt)
    } else {
        String::new()
    };
    let msg = message.unwrap_or_default();
    Next::Stop(if now.status == StepStatus::TimedOut {
        (UnitStatus::TimedOut, format!("step `{name}`: {msg}{tries}"))
    } else {
        (
            UnitStatus::Failed,
            format!("step `{name}` failed: {msg}{tries}"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn after(status: StepStatus, attempt: u32, attempts: u32, retry_allowed: bool) -> After {
        After {
            status,
            attempt,
            attempts,
            retry_allowed,
        }
    }

    #[test]
    fn failures_retry_while_attempts_remain_and_nothing_forbids_it() {
        let f = StepStatus::Failed;
        assert_eq!(
            next(&after(f, 1, 3, true), "t", Some("exit 1")),
            Next::Retry
        );
        assert_eq!(
            next(&after(f, 3, 3, true), "t", Some("exit 1")),
            Next::Stop((
                UnitStatus::Failed,
                "step `t` failed: exit 1 after 3 attempts".into()
            ))
        );
        // A job timeout or cancellation stops retries.
        assert_eq!(
            next(&after(f, 1, 3, false), "t", Some("exit 1")),
            Next::Stop((UnitStatus::Failed, "step `t` failed: exit 1".into()))
        );
        assert_eq!(
            next(
                &after(StepStatus::TimedOut, 1, 1, true),
                "t",
                Some("step timed out after 1s")
            ),
            Next::Stop((
                UnitStatus::TimedOut,
                "step `t`: step timed out after 1s".into()
            ))
        );
        assert_eq!(
            next(&after(StepStatus::Passed, 2, 3, true), "t", None),
            Next::Passed
        );
        // Never retried after cancellation, attempts left or not.
        assert_eq!(
            next(&after(StepStatus::Cancelled, 1, 3, true), "t", None),
            Next::Cancelled
        );
    }

    #[test]
    fn endings_in_words() {
        let limits = Limits {
            job_hit: true,
            job: Some(Duration::from_secs(60)),
            step: Some(Duration::from_secs(5)),
        };
        let cancel = CancelToken::new();
        let shell = ["bash".to_string(), "-c".into(), "x".into()];
        let (s, m) = judge(
            Ok(Ending::TimedOut),
            &limits,
            &shell,
            Path::new("/w"),
            &cancel,
        );
        assert_eq!(
            (s, m.as_deref()),
            (StepStatus::TimedOut, Some("job timed out after 1m"))
        );
        let step_hit = Limits {
            job_hit: false,
            ..limits
        };
        let (_, m) = judge(
            Ok(Ending::TimedOut),
            &step_hit,
            &shell,
            Path::new("/w"),
            &cancel,
        );
        assert_eq!(m.as_deref(), Some("step timed out after 5s"));
        let err = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        let (s, m) = judge(Err(err), &step_hit, &shell, Path::new("/w"), &cancel);
        assert_eq!(s, StepStatus::Failed);
        assert!(m.unwrap().starts_with("cannot start `bash -c` in /w: "));
        cancel.cancel(15, "`a` failed");
        let (s, m) = judge(
            Ok(Ending::Cancelled),
            &step_hit,
            &shell,
            Path::new("/w"),
            &cancel,
        );
        assert_eq!(
            (s, m.as_deref()),
            (StepStatus::Cancelled, Some("cancelled: `a` failed"))
        );
    }
}
