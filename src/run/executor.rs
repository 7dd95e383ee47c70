//! Runs one unit (job × cell): services, then steps in order with retries and timeouts.
//! It never decides what runs next; it reports events and a result to the scheduler.
//!
//! A step goes through three parts: [`command`] prepares what to spawn (env, directory,
//! argv), [`attempt`] runs it once and streams its output, [`judge`] names how the attempt
//! ended and [`next`] decides what follows (the next step, a retry, or the unit's end). `judge`
//! and `next` touch no process, so they are tested directly.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use indexmap::IndexMap;

use super::cancel::CancelToken;
use super::direct;
use super::env::{read_carried, step_env, BaseEnv, UnitFiles};
use super::events::{Event, Msg, StepStatus, Tx, UnitId, UnitResult, UnitStatus};
use super::lines::LineBuf;
use super::mask::Masker;
use super::outputs;
use super::plan::{Plan, Unit};
use super::process::{self, Ending};
use super::retry;
use super::scheduler::Execute;
use super::services::{self, ServiceMode};
use super::when::{evaluate, LazyChanges, Verdict};
use crate::model::{Job, Pipeline, RetryPolicy, Step};
use crate::provider::RunContext;
use crate::spec::format_duration;

/// What every unit of a run shares.
pub(crate) struct Shared<'a> {
    pub pipeline: &'a Pipeline,
    pub plan: Plan,
    pub base: BaseEnv,
    pub ctx: RunContext,
    pub changes: LazyChanges,
    pub masker: Masker,
    /// Private directory for `$CIGEN_OUTPUT` files.
    pub out_dir: PathBuf,
    /// Time between SIGTERM and SIGKILL.
    pub grace: Duration,
    pub services: ServiceMode,
}

impl Execute for Shared<'_> {
    fn run_unit(
        &self,
        id: UnitId,
        needs_env: &IndexMap<String, String>,
        cancel: &CancelToken,
        tx: &Tx,
    ) {
        let out = Outbox {
            tx,
            held: RefCell::new(Vec::new()),
        };
        let result = run_inner(self, id, needs_env, cancel, &out);
        out.emit(Event::UnitFinished { unit: id, result });
        out.send();
    }
}

/// Events on their way to the scheduler, sent in batches at the points where the unit may
/// wait (before a process starts, a retry's delay, a condition or a service) and at its end:
/// a short step wakes the scheduler twice, not once per event. Output goes out at once.
struct Outbox<'a> {
    tx: &'a Tx,
    held: RefCell<Vec<Event>>,
}

impl Outbox<'_> {
    fn emit(&self, e: Event) {
        self.held.borrow_mut().push(e);
    }

    fn send(&self) {
        let mut held = std::mem::take(&mut *self.held.borrow_mut());
        let _ = match held.len() {
            0 => return,
            1 => self.tx.send(Msg::Event(held.remove(0))),
            _ => self.tx.send(Msg::Events(held)),
        };
    }

    /// Emits `e` and everything held before it, now.
    fn now(&self, e: Event) {
        self.emit(e);
        self.send();
    }
}

/// Why a unit stopped before its last step passed.
type Stop = (UnitStatus, String);

fn run_inner(
    sh: &Shared<'_>,
    id: UnitId,
    needs_env: &IndexMap<String, String>,
    cancel: &CancelToken,
    out: &Outbox<'_>,
) -> UnitResult {
    let unit = &sh.plan.units[id];
    let start = Instant::now();
    let Some(job) = sh.pipeline.jobs.get(&unit.job) else {
        return UnitResult::skipped("job not in the pipeline");
    };
    out.emit(Event::UnitStarted { unit: id });
    let finish = |status: UnitStatus,
                  attempts: u32,
                  reason: Option<String>,
                  outputs: IndexMap<String, String>| UnitResult {
        status,
        duration: start.elapsed(),
        attempts,
        reason,
        outputs,
    };
    // Cancelled while waiting for a worker: start nothing, not even services.
    if cancel.is_cancelled() {
        return finish(UnitStatus::Cancelled, 0, cancel.reason(), IndexMap::new());
    }
    // Its toolchain version is not on this machine: fail before anything runs on another.
    if let Err(why) = &unit.toolchain {
        return finish(UnitStatus::Failed, 0, Some(why.clone()), IndexMap::new());
    }
    if !job.services.is_empty() {
        out.send();
    }
    let started = match services::start(job, sh.services, cancel, &mut |text| {
        out.now(Event::Notice {
            unit: Some(id),
            text: sh.masker.mask(&text).into_owned(),
        })
    }) {
        Ok(s) => s,
        Err(e) => return finish(UnitStatus::Failed, 0, Some(e), IndexMap::new()),
    };
    let job_deadline = job.timeout.map(|t| start + t);
    let output_file = sh.out_dir.join(format!("unit-{id}.out"));
    let env_file = sh.out_dir.join(format!("unit-{id}.env"));
    let mut carried: IndexMap<String, String> = IndexMap::new();
    let mut tally = Tally::default();
    let mut stop: Option<Stop> = None;
    for (i, step) in job.steps.iter().enumerate() {
        if cancel.is_cancelled() {
            stop = Some(cancelled(cancel));
            break;
        }
        if let Some(w) = &step.when {
            // Changed files may take a while to compute: what happened so far is shown first.
            out.send();
            if let Verdict::Skip(reason) = evaluate(w, &sh.ctx, &unit.cell, &sh.changes) {
                out.emit(Event::StepSkipped {
                    unit: id,
                    step: i,
                    name: step.name.clone(),
                    reason,
                });
                continue;
            }
        }
        let files = UnitFiles {
            output: &output_file,
            env: &env_file,
            carried: &carried,
        };
        let spawn = command(sh, unit, job, step, needs_env, &files);
        let at = StepAt {
            unit: id,
            index: i,
            step,
            job,
            job_deadline,
        };
        if let Some(s) = run_step(sh, &at, &spawn, cancel, out, &mut tally) {
            stop = Some(s);
            break;
        }
        // What the step wrote to `$CIGEN_ENV` reaches the unit's later steps.
        match read_carried(&env_file) {
            Ok(vars) => carried = vars,
            Err(why) => {
                stop = Some((UnitStatus::Failed, format!("step `{}`: {why}", step.name)));
                break;
            }
        }
    }
    services::stop(started);
    match stop {
        Some((status, reason)) => finish(status, tally.attempts, Some(reason), IndexMap::new()),
        None => {
            let outs = outputs::read_declared(&output_file, &job.outputs);
            let handover = sh.ctx.handover(&sh.base.process);
            if let Err(why) = outputs::refuse(&job.name, &outs, &sh.masker, &handover) {
                return finish(
                    UnitStatus::Failed,
                    tally.attempts,
                    Some(why),
                    IndexMap::new(),
                );
            }
            let (status, reason) = if tally.flaky {
                (
                    UnitStatus::Flaky,
                    Some("passed after a failed attempt".to_string()),
                )
            } else {
                (UnitStatus::Passed, None)
            };
            finish(status, tally.attempts, reason, outs)
        }
    }
}

/// What a unit's steps add up to.
#[derive(Default)]
struct Tally {
    /// Most attempts any step needed.
    attempts: u32,
    /// A step passed after a failed attempt.
    flaky: bool,
}

/// One step of one unit, and the limits it runs under.
struct StepAt<'a> {
    unit: UnitId,
    index: usize,
    step: &'a Step,
    job: &'a Job,
    job_deadline: Option<Instant>,
}

fn cancelled(cancel: &CancelToken) -> Stop {
    (UnitStatus::Cancelled, cancel.reason().unwrap_or_default())
}

/// What to spawn for a step: the same env and directory either way, and the argv run
/// directly when the step is one simple command (`direct.rs`), else through the job's shell.
pub(crate) struct Spawn {
    env: HashMap<String, String>,
    dir: PathBuf,
    direct: Option<Vec<String>>,
    shell: Vec<String>,
}

impl Spawn {
    fn path(&self) -> Option<&String> {
        self.env.get("PATH")
    }

    fn prepare(&self, mut cmd: Command) -> Command {
        cmd.current_dir(&self.dir).env_clear().envs(&self.env);
        cmd
    }

    /// The step without bash, when it is one simple command.
    fn direct(&self) -> Option<Command> {
        let argv = self.direct.as_ref()?;
        // Not on PATH: a name that cannot spawn, so the shell reports it (see `attempt`).
        let program = direct::resolve(&argv[0], self.path())
            .unwrap_or_else(|| "/nonexistent/cigen-not-found".into());
        let mut c = Command::new(program);
        c.args(&argv[1..]);
        Some(self.prepare(c))
    }

    fn through_shell(&self) -> Command {
        let name = self.shell.first().map_or("bash", String::as_str);
        let program = direct::resolve(name, self.path()).unwrap_or_else(|| name.into());
        let mut c = Command::new(program);
        c.args(&self.shell[1..]);
        self.prepare(c)
    }
}

/// Prepares step `step` of `unit`: its env (layered, see `env.rs`), directory and argv.
fn command(
    sh: &Shared<'_>,
    unit: &Unit,
    job: &Job,
    step: &Step,
    needs_env: &IndexMap<String, String>,
    files: &UnitFiles<'_>,
) -> Spawn {
    let mut env = step_env(
        &sh.base,
        needs_env,
        sh.pipeline,
        job,
        &unit.cell,
        step,
        files,
    );
    if let Ok(selected) = &unit.toolchain {
        selected.apply(&mut env);
    }
    let dir = step
        .working_directory
        .as_ref()
        .or(job.working_directory.as_ref())
        .map_or_else(|| sh.pipeline.root.clone(), |d| sh.pipeline.root.join(d));
    // bash would export PWD; the direct path must agree.
    let dir = std::path::absolute(&dir).unwrap_or(dir);
    env.insert("PWD".into(), dir.to_string_lossy().into_owned());
    let mut shell = if job.shell.is_empty() {
        vec!["bash".to_string(), "-c".to_string()]
    } else {
        job.shell.clone()
    };
    shell.push(step.run.clone());
    Spawn {
        env,
        dir,
        direct: direct::argv(&job.shell, &step.run),
        shell,
    }
}

/// Runs one step with its retries; `Some` when the unit must stop here.
fn run_step(
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
        out.send();
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
                if cancel.sleep(delay) {
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
    let mut res = match spawn.direct() {
        Some(cmd) => process::run(cmd, deadline, sh.grace, cancel, &mut on_output),
        None => process::run(
            spawn.through_shell(),
            deadline,
            sh.grace,
            cancel,
            &mut on_output,
        ),
    };
    // Not found on the fast path: let the shell say so, in its own words (exit 127).
    if spawn.direct.is_some() && matches!(&res, Err(e) if e.kind() == std::io::ErrorKind::NotFound)
    {
        res = process::run(
            spawn.through_shell(),
            deadline,
            sh.grace,
            cancel,
            &mut on_output,
        );
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
