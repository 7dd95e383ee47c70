//! Runs one unit (job × cell): services, then steps in order with retries and timeouts.
//! It never decides what runs next; it reports events and a result to the scheduler.

use std::path::PathBuf;
use std::process::Command;
use std::sync::mpsc::Sender;
use std::time::{Duration, Instant};

use indexmap::IndexMap;

use super::cancel::CancelToken;
use super::direct;
use super::env::{step_env, BaseEnv};
use super::events::{Event, StepStatus, UnitId, UnitResult, UnitStatus};
use super::lines::LineBuf;
use super::mask::Masker;
use super::outputs;
use super::plan::Plan;
use super::process::{self, Ending};
use super::retry;
use super::services::{self, ServiceMode};
use super::when::{evaluate, LazyChanges, Verdict};
use crate::model::Pipeline;
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

/// Messages to the scheduler.
pub(crate) enum Msg {
    Event(Event),
    Signal(i32),
}

/// Runs unit `id` to the end and returns its result (also sent as `UnitFinished`).
pub(crate) fn run_unit(
    sh: &Shared<'_>,
    id: UnitId,
    needs_env: &IndexMap<String, String>,
    cancel: &CancelToken,
    tx: &Sender<Msg>,
) {
    let result = run_inner(sh, id, needs_env, cancel, tx);
    let _ = tx.send(Msg::Event(Event::UnitFinished { unit: id, result }));
}

fn run_inner(
    sh: &Shared<'_>,
    id: UnitId,
    needs_env: &IndexMap<String, String>,
    cancel: &CancelToken,
    tx: &Sender<Msg>,
) -> UnitResult {
    let emit = |e: Event| {
        let _ = tx.send(Msg::Event(e));
    };
    let unit = &sh.plan.units[id];
    let start = Instant::now();
    let Some(job) = sh.pipeline.jobs.get(&unit.job) else {
        return UnitResult::skipped("job not in the pipeline");
    };
    emit(Event::UnitStarted { unit: id });
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
    let started = match services::start(job, sh.services, cancel, &mut |text| {
        emit(Event::Notice {
            unit: Some(id),
            text: sh.masker.mask(&text).into_owned(),
        })
    }) {
        Ok(s) => s,
        Err(e) => return finish(UnitStatus::Failed, 0, Some(e), IndexMap::new()),
    };
    let job_deadline = job.timeout.map(|t| start + t);
    let output_file = sh.out_dir.join(format!("unit-{id}.out"));
    let mut max_attempts = 0;
    let mut flaky = false;
    let mut outcome: Option<(UnitStatus, String)> = None;
    'steps: for (i, step) in job.steps.iter().enumerate() {
        if cancel.is_cancelled() {
            outcome = Some((UnitStatus::Cancelled, cancel.reason().unwrap_or_default()));
            break;
        }
        if let Some(w) = &step.when {
            if let Verdict::Skip(reason) = evaluate(w, &sh.ctx, &sh.changes) {
                emit(Event::StepSkipped {
                    unit: id,
                    step: i,
                    name: step.name.clone(),
                    reason,
                });
                continue;
            }
        }
        let attempts = step.retry.map_or(1, |r| r.attempts.max(1));
        let mut env = step_env(
            &sh.base,
            needs_env,
            sh.pipeline,
            job,
            &unit.cell,
            step,
            &output_file,
        );
        let dir = step
            .working_directory
            .as_ref()
            .or(job.working_directory.as_ref())
            .map_or_else(|| sh.pipeline.root.clone(), |d| sh.pipeline.root.join(d));
        // bash would export PWD; the direct path must agree.
        let dir = std::path::absolute(&dir).unwrap_or(dir);
        env.insert("PWD".into(), dir.to_string_lossy().into_owned());
        let mut attempt = 1;
        loop {
            max_attempts = max_attempts.max(attempt);
            emit(Event::StepStarted {
                unit: id,
                step: i,
                name: step.name.clone(),
                attempt,
                attempts,
            });
            let t0 = Instant::now();
            let step_deadline = step.timeout.map(|t| t0 + t);
            let deadline = match (step_deadline, job_deadline) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            let path = env.get("PATH");
            let program = |name: &str| direct::resolve(name, path).unwrap_or_else(|| name.into());
            let through_shell = || {
                let mut cmd =
                    Command::new(program(job.shell.first().map_or("bash", String::as_str)));
                cmd.args(job.shell.iter().skip(1)).arg(&step.run);
                cmd
            };
            let direct = direct::argv(&job.shell, &step.run);
            let mut cmd = match &direct {
                Some(argv) => {
                    // Not on PATH: a name that cannot spawn, so the shell reports it below.
                    let mut c = Command::new(
                        direct::resolve(&argv[0], path)
                            .unwrap_or_else(|| "/nonexistent/cigen-not-found".into()),
                    );
                    c.args(&argv[1..]);
                    c
                }
                None => through_shell(),
            };
            cmd.current_dir(&dir).env_clear().envs(&env);
            // Masked as a byte stream before lines are cut, so no split hides a secret.
            let mut masking = sh.masker.stream();
            let mut lines = LineBuf::default();
            let mut send_line = |line: String| {
                emit(Event::Output {
                    unit: id,
                    step: i,
                    line,
                });
            };
            let mut res = process::run(cmd, deadline, sh.grace, cancel, &mut |chunk| {
                lines.push(&masking.push(chunk), &mut send_line)
            });
            // Not found on the fast path: let the shell say so, in its own words (exit 127).
            if direct.is_some()
                && matches!(&res, Err(e) if e.kind() == std::io::ErrorKind::NotFound)
            {
                let mut cmd = through_shell();
                cmd.current_dir(&dir).env_clear().envs(&env);
                res = process::run(cmd, deadline, sh.grace, cancel, &mut |chunk| {
                    lines.push(&masking.push(chunk), &mut send_line)
                });
            }
            lines.push(&masking.finish(), &mut send_line);
            lines.finish(&mut send_line);
            let duration = t0.elapsed();
            let (status, message) = match res {
                Err(e) => (
                    StepStatus::Failed,
                    Some(format!(
                        "cannot start `{}` in {}: {e}",
                        job.shell.join(" "),
                        dir.display()
                    )),
                ),
                Ok((Ending::Exited(s), _)) if s.success() => (StepStatus::Passed, None),
                Ok((Ending::Exited(s), _)) => (StepStatus::Failed, Some(process::describe(s))),
                Ok((Ending::TimedOut, _)) => {
                    let job_hit = job_deadline.is_some_and(|j| deadline == Some(j));
                    let limit = if job_hit { job.timeout } else { step.timeout };
                    let what = if job_hit { "job" } else { "step" };
                    (
                        StepStatus::TimedOut,
                        Some(format!(
                            "{what} timed out after {}",
                            limit.map(format_duration).unwrap_or_default()
                        )),
                    )
                }
                Ok((Ending::Cancelled, _)) => (
                    StepStatus::Cancelled,
                    Some(format!(
                        "cancelled: {}",
                        cancel.reason().unwrap_or_default()
                    )),
                ),
            };
            emit(Event::StepFinished {
                unit: id,
                step: i,
                attempt,
                status,
                duration,
                message: message.clone(),
            });
            match status {
                StepStatus::Passed => {
                    flaky |= attempt > 1;
                    break;
                }
                StepStatus::Cancelled => {
                    outcome = Some((UnitStatus::Cancelled, cancel.reason().unwrap_or_default()));
                    break 'steps;
                }
                _ => {}
            }
            let job_expired = job_deadline.is_some_and(|j| Instant::now() >= j);
            if attempt < attempts && !job_expired && !cancel.is_cancelled() {
                let policy = step.retry.unwrap_or(crate::model::RetryPolicy {
                    attempts,
                    backoff: crate::spec::Backoff::Fixed,
                    delay: Duration::ZERO,
                    max_delay: Duration::ZERO,
                });
                let delay = retry::delay(&policy, attempt + 1);
                emit(Event::RetryScheduled {
                    unit: id,
                    step: i,
                    next_attempt: attempt + 1,
                    delay,
                });
                if cancel.sleep(delay) {
                    outcome = Some((UnitStatus::Cancelled, cancel.reason().unwrap_or_default()));
                    break 'steps;
                }
                attempt += 1;
                continue;
            }
            let tries = if attempt > 1 {
                format!(" after {attempt} attempts")
            } else {
                String::new()
            };
            let msg = message.unwrap_or_default();
            outcome = Some(if status == StepStatus::TimedOut {
                (
                    UnitStatus::TimedOut,
                    format!("step `{}`: {msg}{tries}", step.name),
                )
            } else {
                (
                    UnitStatus::Failed,
                    format!("step `{}` failed: {msg}{tries}", step.name),
                )
            });
            break 'steps;
        }
    }
    services::stop(started);
    match outcome {
        Some((status, reason)) => finish(status, max_attempts, Some(reason), IndexMap::new()),
        None => {
            let outs: IndexMap<String, String> = outputs::read_declared(&output_file, &job.outputs);
            let status = if flaky {
                UnitStatus::Flaky
            } else {
                UnitStatus::Passed
            };
            let reason = flaky.then(|| "passed after a failed attempt".to_string());
            finish(status, max_attempts, reason, outs)
        }
    }
}
