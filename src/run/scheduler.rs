//! The scheduler decides: which unit starts when (DAG order, `-j`), what fail-fast cancels,
//! what gets skipped, and how signals escalate. Executors run; reporters only watch.

use std::sync::mpsc::{Receiver, Sender};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use indexmap::IndexMap;

use super::cancel::CancelToken;
use super::events::{Event, UnitResult, UnitStatus};
use super::executor::{run_unit, Msg, Shared};
use super::outputs;
use super::process::{signal_name, SIGTERM};
use super::report::Reporter;
use super::when::Verdict;

/// A worker only loops over steps and reads a pipe; a small stack keeps memory flat.
const UNIT_STACK: usize = 256 * 1024;

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

enum State {
    Waiting,
    Running(CancelToken),
    Done(UnitResult),
}

/// Runs the plan to the end.
/// Work for a worker thread: the unit, its needs' outputs as env, its cancellation token.
type Work = (usize, IndexMap<String, String>, CancelToken);

/// Runs the plan with at most `opts.jobs` worker threads, started as parallelism demands and
/// reused across units (a thread per unit costs more than a short step). Workers are scoped:
/// they borrow the shared state and all end before this returns.
pub(crate) fn run(
    sh: &Shared<'_>,
    opts: &Options,
    reporter: &mut dyn Reporter,
    tx: Sender<Msg>,
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
                .spawn_scoped(scope, move || worker(sh, work_rx, &tx))
                .map(|_| ())
        };
        schedule(sh, opts, reporter, &spawn_worker, work_tx, rx)
    })
}

/// Takes units until the scheduler drops its sender.
fn worker(sh: &Shared<'_>, work: &Mutex<Receiver<Work>>, tx: &Sender<Msg>) {
    loop {
        let next = work.lock().unwrap_or_else(|e| e.into_inner()).recv();
        match next {
            Ok((id, needs_env, cancel)) => run_unit(sh, id, &needs_env, &cancel, tx),
            Err(_) => return,
        }
    }
}

fn schedule(
    sh: &Shared<'_>,
    opts: &Options,
    reporter: &mut dyn Reporter,
    spawn_worker: &dyn Fn(usize) -> std::io::Result<()>,
    work: Sender<Work>,
    rx: Receiver<Msg>,
) -> Summary {
    let start = Instant::now();
    let plan = &sh.plan;
    let n = plan.units.len();
    let mut state: Vec<State> = Vec::with_capacity(n);
    let mut signal: Option<i32> = None;
    // Why units that never started were not started (fail-fast or interruption).
    let mut stop_reason: Option<String> = None;
    let mut running = 0usize;
    let mut workers = 0usize;
    // Units skipped because a need did not succeed. Such a skip does not satisfy their own
    // dependents (only a skip by the unit's own `when` does): providers never start a job
    // below a failure, however deep.
    let mut blocked = vec![false; n];
    let finish =
        |state: &mut Vec<State>, id: usize, result: UnitResult, reporter: &mut dyn Reporter| {
            reporter.event(
                plan,
                &Event::UnitFinished {
                    unit: id,
                    result: result.clone(),
                },
            );
            state[id] = State::Done(result);
        };
    for _ in 0..n {
        state.push(State::Waiting);
    }
    for (id, u) in plan.units.iter().enumerate() {
        if let Verdict::Skip(reason) = &u.verdict {
            finish(
                &mut state,
                id,
                UnitResult::skipped(reason.clone()),
                reporter,
            );
        }
    }
    loop {
        // Settle waiting units whose fate is known, then start what may start (plan order).
        for id in 0..n {
            if !matches!(state[id], State::Waiting) {
                continue;
            }
            let failed_need = plan.units[id].needs.iter().find(|d| {
                blocked[**d] || matches!(&state[**d], State::Done(r) if !r.status.satisfies_needs())
            });
            if let Some(d) = failed_need {
                let reason = if blocked[*d] {
                    format!(
                        "needs `{}`, which was skipped because its needs did not succeed",
                        plan.units[*d].label
                    )
                } else {
                    format!("needs `{}`, which did not succeed", plan.units[*d].label)
                };
                blocked[id] = true;
                finish(&mut state, id, UnitResult::skipped(reason), reporter);
                continue;
            }
            if let Some(r) = &stop_reason {
                finish(
                    &mut state,
                    id,
                    UnitResult::skipped(format!("not started: {r}")),
                    reporter,
                );
                continue;
            }
            let ready = plan.units[id]
                .needs
                .iter()
                .all(|d| matches!(state[*d], State::Done(_)));
            if ready && running < opts.jobs.max(1) {
                let needs_env = needs_env(&state, sh, id);
                let cancel = CancelToken::new();
                state[id] = State::Running(cancel.clone());
                running += 1;
                if workers < running {
                    match spawn_worker(workers) {
                        Ok(()) => workers += 1,
                        // With no worker at all nothing would ever run it.
                        Err(e) if workers == 0 => {
                            running -= 1;
                            let r = UnitResult {
                                status: UnitStatus::Failed,
                                reason: Some(format!("cannot start a thread: {e}")),
                                ..UnitResult::skipped("")
                            };
                            finish(&mut state, id, r, reporter);
                            continue;
                        }
                        Err(_) => {}
                    }
                }
                let _ = work.send((id, needs_env, cancel));
            }
        }
        if running == 0 {
            break;
        }
        // Output reaches the terminal whenever nothing else is waiting: prompt, yet batched.
        let msg = match rx.try_recv() {
            Ok(m) => m,
            Err(_) => {
                reporter.flush();
                let Ok(m) = rx.recv() else { break };
                m
            }
        };
        match msg {
            Msg::Event(Event::UnitFinished { unit, result }) => {
                running -= 1;
                let failed = result.status.is_failure();
                let label = plan.units[unit].label.clone();
                finish(&mut state, unit, result, reporter);
                if failed && !opts.keep_going && stop_reason.is_none() {
                    let why =
                        format!("`{label}` failed (fail-fast; --keep-going runs independent jobs)");
                    for s in &state {
                        if let State::Running(c) = s {
                            c.cancel(SIGTERM, why.clone());
                        }
                    }
                    stop_reason = Some(why);
                }
            }
            Msg::Event(e) => reporter.event(plan, &e),
            Msg::Signal(sig) => {
                let first = signal.is_none();
                signal.get_or_insert(sig);
                let why = format!("interrupted by {}", signal_name(sig));
                if first {
                    reporter.event(
                        plan,
                        &Event::Notice {
                            unit: None,
                            text: format!("{why}: stopping running jobs (again to kill at once)"),
                        },
                    );
                }
                for s in &state {
                    if let State::Running(c) = s {
                        if first {
                            c.cancel(sig, why.clone());
                        } else {
                            c.kill(why.clone());
                        }
                    }
                }
                stop_reason.get_or_insert(why);
            }
        }
    }
    let results = state
        .into_iter()
        .map(|s| match s {
            State::Done(r) => r,
            _ => UnitResult::skipped("not started"),
        })
        .collect();
    Summary {
        results,
        signal,
        elapsed: start.elapsed(),
    }
}

/// `<JOB>_<KEY>` for every output of the unit's finished needs, in plan order.
fn needs_env(state: &[State], sh: &Shared<'_>, id: usize) -> IndexMap<String, String> {
    let mut env = IndexMap::new();
    for d in &sh.plan.units[id].needs {
        if let State::Done(r) = &state[*d] {
            env.extend(outputs::as_env(&sh.plan.units[*d].job, &r.outputs));
        }
    }
    env
}
