//! Runs one unit (job × cell): services, then steps in order with retries and timeouts.
//! It never decides what runs next; it reports events and a result to the scheduler.
//!
//! A step goes through two files: `step_command.rs` prepares what to spawn (env, directory,
//! argv); `attempt.rs` runs it with its retries, streams its output, names how each attempt
//! ended and decides what follows (the next step, a retry, or the unit's end).

use std::cell::RefCell;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use indexmap::IndexMap;

use super::attempt::run_step;
use super::cancel::CancelToken;
use super::coverage::CoverageScan;
use super::env::{read_carried, BaseEnv, UnitFiles};
use super::events::{Event, Msg, Sink, UnitId, UnitResult, UnitStatus};
use super::mask::Masker;
use super::outputs;
use super::plan::Plan;
use super::scheduler::Execute;
use super::services::{self, ServiceMode};
use super::step_command::command;
use super::when::{evaluate, LazyChanges, Verdict};
use crate::model::{Job, Pipeline, Step};
use crate::provider::RunContext;

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
        sink: &dyn Sink,
    ) {
        let coverage = self
            .pipeline
            .jobs
            .get(&self.plan.units[id].job)
            .and_then(|j| j.coverage.as_deref())
            .and_then(|re| crate::spec::coverage_regex(re).ok())
            .map(|re| RefCell::new(CoverageScan::new(re)));
        let out = Outbox {
            sink,
            held: RefCell::new(Vec::new()),
            coverage,
        };
        let result = run_inner(self, id, needs_env, cancel, &out);
        out.emit(Event::UnitFinished { unit: id, result });
        out.send();
    }
}

/// Events on their way to the scheduler, sent in batches at the points where the unit may
/// wait (a step still running after a tick, a retry's delay, a condition or a service) and
/// at its end: a step that ends at once wakes the scheduler once, not once per event (in a
/// 1,000-job chain that took the IPIs between CPUs from about 5,000 to under 1,000).
/// Output goes out at once.
pub(super) struct Outbox<'a> {
    sink: &'a dyn Sink,
    held: RefCell<Vec<Event>>,
    /// The job's `coverage:` regex at work on every line its steps print (masked).
    coverage: Option<RefCell<CoverageScan>>,
}

impl Outbox<'_> {
    pub(super) fn emit(&self, e: Event) {
        if let (Some(scan), Event::Output { text, .. }) = (&self.coverage, &e) {
            scan.borrow_mut().feed(text);
        }
        self.held.borrow_mut().push(e);
    }

    fn coverage(&self) -> Option<f64> {
        self.coverage.as_ref().and_then(|s| s.borrow().figure())
    }

    pub(super) fn send(&self) {
        let mut held = std::mem::take(&mut *self.held.borrow_mut());
        match held.len() {
            0 => {}
            1 => self.sink.send(Msg::Event(held.remove(0))),
            _ => self.sink.send(Msg::Events(held)),
        }
    }

    /// Emits `e` and everything held before it, now.
    pub(super) fn now(&self, e: Event) {
        self.emit(e);
        self.send();
    }

    /// The unit is waiting: what it held goes out, and whoever listens gets a turn.
    pub(super) fn idle(&self) {
        self.send();
        self.sink.idle();
    }

    /// Sleeps up to `d`, or less when cancelled (then true).
    pub(super) fn pause(&self, cancel: &CancelToken, d: std::time::Duration) -> bool {
        self.send();
        self.sink.pause(cancel, d)
    }
}

/// Why a unit stopped before its last step passed.
pub(super) type Stop = (UnitStatus, String);

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
        coverage: out.coverage(),
        missing_reports: Vec::new(),
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
    let pause = |d| out.pause(cancel, d);
    let started = match services::start(job, sh.services, cancel, &pause, &mut |text| {
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
    let missing = report_files(sh, id, job, out);
    let finish = |status, attempts, reason, outputs| UnitResult {
        missing_reports: missing.clone(),
        ..finish(status, attempts, reason, outputs)
    };
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

/// Says where the job's declared report files are, warns about each one that matched no
/// file, and returns those (GitLab warns too and goes on: a missing report fails nothing).
fn report_files(sh: &Shared<'_>, id: UnitId, job: &Job, out: &Outbox<'_>) -> Vec<String> {
    if job.reports.paths().is_empty() {
        return Vec::new();
    }
    let mut missing = Vec::new();
    let mut there = Vec::new();
    for (pattern, files) in super::reports::found(&sh.pipeline.root, &job.reports) {
        if files.is_empty() {
            out.emit(Event::Notice {
                unit: Some(id),
                text: format!("warning: report `{pattern}` matched no file"),
            });
            missing.push(pattern);
        } else {
            there.extend(files);
        }
    }
    if !there.is_empty() {
        out.emit(Event::Notice {
            unit: Some(id),
            text: format!("reports: {}", there.join(", ")),
        });
    }
    missing
}

/// What a unit's steps add up to.
#[derive(Default)]
pub(super) struct Tally {
    /// Most attempts any step needed.
    pub attempts: u32,
    /// A step passed after a failed attempt.
    pub flaky: bool,
}

/// One step of one unit, and the limits it runs under.
pub(super) struct StepAt<'a> {
    pub unit: UnitId,
    pub index: usize,
    pub step: &'a Step,
    pub job: &'a Job,
    pub job_deadline: Option<Instant>,
}

pub(super) fn cancelled(cancel: &CancelToken) -> Stop {
    (UnitStatus::Cancelled, cancel.reason().unwrap_or_default())
}
