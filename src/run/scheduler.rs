//! The scheduler decides: which unit starts when (DAG order, `-j`), what fail-fast cancels,
//! what gets skipped, and how signals escalate. Executors run; reporters only watch.
//!
//! It keeps, per unit, how many needs are still unfinished and who depends on it, so a
//! message costs work for the units it concerns, not a rescan of the plan: a 1,000-job chain
//! costs the same per job as a 10-job one. Units are decided in plan order (needs come before
//! their dependents in it), so the reporters see the same order whatever the timing.
//!
//! A unit that nothing else could run beside (nothing else running, and no other unit ready
//! or a free slot for it: a chain, `-j 1`) runs on the scheduler's own thread, as make runs
//! its recipes: handing it to a worker and back cost two thread wake-ups per job and made
//! every spawn dearer (a 1,000-job chain took 1.14× make's wall time and 1.25× its own CPU;
//! run here, 1.01× and 1.01×). The unit then hands its messages to the scheduler directly
//! (`Pump`), and its waits give the scheduler the turns its loop would have: signals, ticks.

use std::cell::RefCell;
use std::collections::{BTreeSet, HashSet};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use indexmap::IndexMap;

use super::cancel::CancelToken;
use super::events::{Event, Msg, Sink, Tx, UnitId, UnitResult, UnitStatus};
use super::outputs;
use super::plan::Plan;
use super::process::{signal_name, SIGTERM};
use super::report::{Reporter, TICK};
use super::when::Verdict;
use crate::spec::NeedsResult;

#[path = "scheduler_pump.rs"]
mod pump;
use pump::Pump;

/// A worker only loops over steps and reads a pipe; a small stack keeps memory flat.
const UNIT_STACK: usize = 256 * 1024;

/// What runs a unit. The engine's is `executor::Shared`; tests script units without processes.
pub(crate) trait Execute: Sync {
    /// Runs unit `id` to the end: sends its events to `sink`, `UnitFinished` last, and
    /// calls `sink.idle()` while it waits (`pause` for its sleeps).
    fn run_unit(
        &self,
        id: UnitId,
        needs_env: &IndexMap<String, String>,
        cancel: &CancelToken,
        sink: &dyn Sink,
    );
}

pub(crate) struct Options {
    /// Units running at once.
    pub jobs: usize,
    pub keep_going: bool,
}

/// How the run ended.
pub(crate) struct Summary {
    /// One per unit, in plan order.
    pub results: Vec<UnitResult>,
    /// The first signal received, if any.
    pub signal: Option<i32>,
    pub elapsed: Duration,
}

/// Why a unit that did not fail still does not let its dependents run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Held {
    /// It ran although a need did not succeed (`when.needs: always | failure`): as on every
    /// provider, what is below it runs only if it asks to run after failures too.
    AfterFailure,
    /// A manual job that was not asked for: what needs it waits for it, so it does not run.
    ManualUnrun,
}

enum State {
    Waiting,
    Running(CancelToken),
    Done(UnitResult),
}

/// Work for a worker thread: the unit, its needs' outputs as env, its cancellation token.
type Work = (usize, IndexMap<String, String>, CancelToken);

/// Runs the plan with at most `opts.jobs` worker threads, started as parallelism demands and
/// reused across units (a thread per unit costs more than a short step). Workers are scoped:
/// they borrow the executor and all end before this returns.
pub(crate) fn run(
    plan: &Plan,
    exec: &dyn Execute,
    opts: &Options,
    reporter: &mut dyn Reporter,
    tx: Tx,
    rx: Receiver<Msg>,
) -> Summary {
    let (work_tx, work_rx) = std::sync::mpsc::channel::<Work>();
    let work_rx = Mutex::new(work_rx);
    std::thread::scope(|scope| {
        let spawn_worker = |k: usize| {
            let tx = tx.clone();
            let work_rx = &work_rx;
            std::thread::Builder::new()
                .stack_size(UNIT_STACK)
                .name(format!("worker-{k}"))
                .spawn_scoped(scope, move || worker(exec, work_rx, &tx))
                .map(|_| ())
        };
        let here = |(id, needs_env, cancel): Work, sink: &dyn Sink| {
            exec.run_unit(id, &needs_env, &cancel, sink)
        };
        let mut s = Scheduler::new(plan, opts, reporter, &spawn_worker, &here, work_tx);
        s.run(rx)
    })
}

/// Takes units until the scheduler drops its sender.
fn worker(exec: &dyn Execute, work: &Mutex<Receiver<Work>>, tx: &Tx) {
    loop {
        let next = work.lock().unwrap_or_else(|e| e.into_inner()).recv();
        match next {
            Ok((id, needs_env, cancel)) => exec.run_unit(id, &needs_env, &cancel, tx as &dyn Sink),
            Err(_) => return,
        }
    }
}

struct Scheduler<'a> {
    plan: &'a Plan,
    opts: &'a Options,
    reporter: &'a mut dyn Reporter,
    spawn_worker: &'a dyn Fn(usize) -> std::io::Result<()>,
    /// Runs a unit on this thread.
    here: &'a dyn Fn(Work, &dyn Sink),
    /// The unit `start` left for this thread to run (see the module's doc).
    pending: Option<Work>,
    work: std::sync::mpsc::Sender<Work>,
    state: Vec<State>,
    /// Needs of each unit not finished yet.
    unfinished: Vec<usize>,
    /// Units that need each unit.
    dependents: Vec<Vec<UnitId>>,
    /// Waiting units whose needs all finished and let them run.
    ready: BTreeSet<UnitId>,
    /// Waiting units with a need that did not let them run: they will be skipped.
    doomed: BTreeSet<UnitId>,
    /// Units skipped because a need did not succeed. Such a skip does not satisfy their own
    /// dependents (only a skip by the unit's own `when` does): providers never start a job
    /// below a failure, however deep.
    blocked: Vec<bool>,
    /// Units whose end does not let dependents run although it was no failure: a job that
    /// ran after a need did not succeed (`when.needs`), or a manual job nobody asked for.
    held: Vec<Option<Held>>,
    running: usize,
    /// Concurrency groups a running unit holds (`concurrency:`): one unit per group at once.
    groups: HashSet<String>,
    workers: usize,
    signal: Option<i32>,
    /// Why units that never started were not started (fail-fast or interruption).
    stop_reason: Option<String>,
    /// When the reporters last heard that time passes.
    last_tick: Instant,
}

impl<'a> Scheduler<'a> {
    fn new(
        plan: &'a Plan,
        opts: &'a Options,
        reporter: &'a mut dyn Reporter,
        spawn_worker: &'a dyn Fn(usize) -> std::io::Result<()>,
        here: &'a dyn Fn(Work, &dyn Sink),
        work: std::sync::mpsc::Sender<Work>,
    ) -> Self {
        let n = plan.units.len();
        let mut dependents = vec![Vec::new(); n];
        for (id, u) in plan.units.iter().enumerate() {
            for d in &u.needs {
                dependents[*d].push(id);
            }
        }
        Scheduler {
            plan,
            opts,
            reporter,
            spawn_worker,
            here,
            pending: None,
            work,
            state: (0..n).map(|_| State::Waiting).collect(),
            unfinished: plan.units.iter().map(|u| u.needs.len()).collect(),
            dependents,
            ready: (0..n).filter(|i| plan.units[*i].needs.is_empty()).collect(),
            doomed: BTreeSet::new(),
            blocked: vec![false; n],
            held: vec![None; n],
            running: 0,
            groups: HashSet::new(),
            workers: 0,
            signal: None,
            stop_reason: None,
            last_tick: Instant::now(),
        }
    }

    fn run(&mut self, rx: Receiver<Msg>) -> Summary {
        let start = Instant::now();
        self.last_tick = start;
        for (id, u) in self.plan.units.iter().enumerate() {
            if let Verdict::Skip(reason) = &u.verdict {
                self.ready.remove(&id);
                if u.policy.manual_unrun {
                    self.held[id] = Some(Held::ManualUnrun);
                }
                self.finish(id, UnitResult::skipped(reason.clone()));
            }
        }
        loop {
            self.settle();
            if let Some(work) = self.pending.take() {
                let here = self.here;
                here(
                    work,
                    &Pump {
                        s: RefCell::new(self),
                        rx: &rx,
                    },
                );
                continue;
            }
            if self.running == 0 {
                break;
            }
            // Time passing is news too (progress line, slow steps), even while a chatty step
            // keeps the channel full.
            self.tick_due();
            // Output reaches the terminal whenever nothing else is waiting: prompt, yet batched.
            let msg = match rx.try_recv() {
                Ok(m) => m,
                Err(_) => {
                    self.reporter.flush();
                    match rx.recv_timeout(TICK.saturating_sub(self.last_tick.elapsed())) {
                        Ok(m) => m,
                        Err(RecvTimeoutError::Timeout) => continue,
                        Err(RecvTimeoutError::Disconnected) => break,
                    }
                }
            };
            self.handle(msg);
        }
        let results = std::mem::take(&mut self.state)
            .into_iter()
            .map(|s| match s {
                State::Done(r) => r,
                _ => UnitResult::skipped("not started"),
            })
            .collect();
        Summary {
            results,
            signal: self.signal,
            elapsed: start.elapsed(),
        }
    }

    fn handle(&mut self, msg: Msg) {
        match msg {
            Msg::Event(e) => self.event(e),
            Msg::Events(batch) => batch.into_iter().for_each(|e| self.event(e)),
            Msg::Signal(sig) => self.signalled(sig),
        }
    }

    fn tick_due(&mut self) {
        if self.last_tick.elapsed() >= TICK {
            self.reporter.tick(self.plan);
            self.last_tick = Instant::now();
        }
    }

    fn event(&mut self, e: Event) {
        match e {
            Event::UnitFinished { unit, result } => self.unit_finished(unit, result),
            e => self.reporter.event(self.plan, &e),
        }
    }

    /// Decides every waiting unit whose fate is known, in plan order: skips those a need
    /// failed (or everything, once the run stops) and starts ready ones while slots are free.
    fn settle(&mut self) {
        if let Some(r) = self.stop_reason.clone() {
            let waiting: Vec<UnitId> = (0..self.state.len())
                .filter(|i| matches!(self.state[*i], State::Waiting) && !self.outlives_stop(*i))
                .collect();
            for id in waiting {
                let reason = match self.failed_need(id) {
                    Some(why) => {
                        self.blocked[id] = true;
                        why
                    }
                    None => format!("not started: {r}"),
                };
                self.ready.remove(&id);
                self.doomed.remove(&id);
                self.finish(id, UnitResult::skipped(reason));
            }
            if self.ready.is_empty() {
                return;
            }
        }
        loop {
            let doomed = self.doomed.first().copied();
            let ready = (self.running < self.opts.jobs.max(1))
                .then(|| self.next_ready())
                .flatten();
            match (doomed, ready) {
                (Some(d), r) if r.is_none_or(|r| d < r) => {
                    self.doomed.remove(&d);
                    let reason = self.failed_need(d).unwrap_or_default();
                    self.blocked[d] = true;
                    self.finish(d, UnitResult::skipped(reason));
                }
                (_, Some(r)) => {
                    self.ready.remove(&r);
                    match self.after_needs(r) {
                        Ok(held) => {
                            self.held[r] = held;
                            self.start(r);
                        }
                        Err(why) => self.finish(r, UnitResult::skipped(why)),
                    }
                }
                _ => return,
            }
        }
    }

    /// The first ready unit whose concurrency group no running unit holds.
    fn next_ready(&self) -> Option<UnitId> {
        self.ready.iter().copied().find(|r| {
            self.plan.units[*r]
                .policy
                .group
                .as_ref()
                .is_none_or(|g| !self.groups.contains(g))
        })
    }

    /// Whether finished unit `id` lets its dependents run. The one place that rule lives.
    fn lets_dependents_run(&self, id: UnitId) -> bool {
        !self.blocked[id]
            && self.held[id].is_none()
            && matches!(&self.state[id], State::Done(r) if r.status.satisfies_needs())
    }

    /// Whether a stop by fail-fast leaves unit `id` waiting: a job that runs after failed
    /// needs (`when.needs`) still runs once they end, as a provider runs it after a failure.
    /// An interruption (a signal) stops it too.
    fn outlives_stop(&self, id: UnitId) -> bool {
        self.signal.is_none() && self.plan.units[id].policy.after != NeedsResult::Success
    }

    /// Whether need `d` failed as `when.needs: failure` (GitHub `failure()`) counts it: it
    /// failed, was cancelled, or is below a failure.
    fn need_failed(&self, d: UnitId) -> bool {
        self.blocked[d]
            || self.held[d] == Some(Held::AfterFailure)
            || matches!(&self.state[d], State::Done(r)
                if r.status.is_failure() || r.status == UnitStatus::Cancelled)
    }

    /// Ready unit `id`, all its needs ended: whether its `when.needs` lets it start (and
    /// whether it then holds its dependents back), or why it is skipped.
    fn after_needs(&self, id: UnitId) -> Result<Option<Held>, String> {
        let needs = &self.plan.units[id].needs;
        let all_ok = needs.iter().all(|d| self.lets_dependents_run(*d));
        match self.plan.units[id].policy.after {
            NeedsResult::Success => Ok(None),
            NeedsResult::Always => Ok((!all_ok).then_some(Held::AfterFailure)),
            // No need in the plan (`--no-deps`, as every CI runner calls it): whoever started
            // it (the provider, the user) has decided.
            NeedsResult::Failure if needs.is_empty() => Ok(None),
            NeedsResult::Failure if needs.iter().any(|d| self.need_failed(*d)) => {
                Ok(Some(Held::AfterFailure))
            }
            NeedsResult::Failure => {
                Err("runs only when a need failed (when.needs: failure)".into())
            }
        }
    }

    /// Why unit `id` cannot run, naming the first need (in the unit's order) that stops it.
    fn failed_need(&self, id: UnitId) -> Option<String> {
        let d = *self.plan.units[id].needs.iter().find(|d| {
            matches!(self.state[**d], State::Done(_)) && !self.lets_dependents_run(**d)
        })?;
        let label = &self.plan.units[d].label;
        Some(if self.blocked[d] {
            format!("needs `{label}`, which was skipped because its needs did not succeed")
        } else if self.held[d] == Some(Held::AfterFailure) {
            format!("needs `{label}`, which ran after its needs did not succeed (when.needs)")
        } else if self.held[d] == Some(Held::ManualUnrun) {
            format!("needs `{label}`, a manual job that was not run")
        } else {
            format!("needs `{label}`, which did not succeed")
        })
    }

    fn start(&mut self, id: UnitId) {
        let needs_env = self.needs_env(id);
        let cancel = CancelToken::new();
        self.state[id] = State::Running(cancel.clone());
        self.running += 1;
        // Nothing else can start before it ends: no other unit is ready, or no slot is free.
        // `settle` then stops and `run` runs it here.
        let alone = self.running == 1
            && self.doomed.is_empty()
            && (self.ready.is_empty() || self.opts.jobs.max(1) == 1);
        if alone {
            if let Some(g) = &self.plan.units[id].policy.group {
                self.groups.insert(g.clone());
            }
            self.pending = Some((id, needs_env, cancel));
            return;
        }
        if self.workers < self.running {
            match (self.spawn_worker)(self.workers) {
                Ok(()) => self.workers += 1,
                // With no worker at all nothing would ever run it.
                Err(e) if self.workers == 0 => {
                    self.running -= 1;
                    let r = UnitResult {
                        status: UnitStatus::Failed,
                        reason: Some(format!("cannot start a thread: {e}")),
                        ..UnitResult::skipped("")
                    };
                    self.finish(id, r);
                    return;
                }
                Err(_) => {}
            }
        }
        if let Some(g) = &self.plan.units[id].policy.group {
            self.groups.insert(g.clone());
        }
        let _ = self.work.send((id, needs_env, cancel));
    }

    /// Records a result, tells the reporter, and updates the unit's dependents.
    fn finish(&mut self, id: UnitId, result: UnitResult) {
        self.reporter.event(
            self.plan,
            &Event::UnitFinished {
                unit: id,
                result: result.clone(),
            },
        );
        self.state[id] = State::Done(result);
        let lets_run = self.lets_dependents_run(id);
        for k in 0..self.dependents[id].len() {
            let d = self.dependents[id][k];
            self.unfinished[d] -= 1;
            if !matches!(self.state[d], State::Waiting) {
                continue;
            }
            let after_any = self.plan.units[d].policy.after != NeedsResult::Success;
            if !lets_run && !after_any {
                self.ready.remove(&d);
                self.doomed.insert(d);
            } else if self.unfinished[d] == 0 && !self.doomed.contains(&d) {
                self.ready.insert(d);
            }
        }
    }

    fn unit_finished(&mut self, unit: UnitId, mut result: UnitResult) {
        if result.status.is_failure() && self.plan.units[unit].policy.allow_failure {
            result.status = UnitStatus::FailedAllowed;
        }
        self.running -= 1;
        if let Some(g) = &self.plan.units[unit].policy.group {
            self.groups.remove(g);
        }
        // A job with `fail_fast: false` fails alone, as if the run kept going for it.
        let failed = result.status.is_failure() && self.plan.units[unit].policy.fail_fast;
        self.finish(unit, result);
        if failed && !self.opts.keep_going && self.stop_reason.is_none() {
            let why = format!(
                "`{}` failed (fail-fast; --keep-going runs independent jobs)",
                self.plan.units[unit].label
            );
            for s in &self.state {
                if let State::Running(c) = s {
                    c.cancel(SIGTERM, why.clone());
                }
            }
            self.stop_reason = Some(why);
        }
    }

    /// The first signal stops running units gracefully (forwarding it); any later one kills.
    fn signalled(&mut self, sig: i32) {
        let first = self.signal.is_none();
        self.signal.get_or_insert(sig);
        let why = format!("interrupted by {}", signal_name(sig));
        if first {
            self.reporter.event(
                self.plan,
                &Event::Notice {
                    unit: None,
                    text: format!("{why}: stopping running jobs (again to kill at once)"),
                },
            );
        }
        for s in &self.state {
            if let State::Running(c) = s {
                if first {
                    c.cancel(sig, why.clone());
                } else {
                    c.kill(why.clone());
                }
            }
        }
        self.stop_reason.get_or_insert(why);
    }

    /// `<JOB>_<KEY>` for every output of the unit's finished needs, in plan order.
    fn needs_env(&self, id: UnitId) -> IndexMap<String, String> {
        let mut env = IndexMap::new();
        for d in &self.plan.units[id].needs {
            if let State::Done(r) = &self.state[*d] {
                env.extend(outputs::as_env(&self.plan.units[*d].job, &r.outputs));
            }
        }
        env
    }
}

#[cfg(test)]
#[path = "scheduler_tests.rs"]
mod tests;
