//! Scheduler tests with scripted units: no processes, no sleeps. A scripted unit that must be
//! stopped waits on its cancellation token, so every ordering below is forced, not timed.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use indexmap::IndexMap;

use super::*;
use crate::matrix::Cell;
use crate::run::cancel::CancelState;
use crate::run::events::CHANNEL_CAP;
use crate::run::plan::Unit;
use crate::run::process::SIGINT;

/// Longer than any test may take: a unit waiting this long means the scheduler never
/// cancelled it, and the test fails on its result instead of hanging.
const FOREVER: Duration = Duration::from_secs(120);

type Script<'a> =
    dyn Fn(UnitId, &IndexMap<String, String>, &CancelToken, &dyn Sink) -> UnitResult + Sync + 'a;

struct Scripted<'a>(&'a Script<'a>);

impl Execute for Scripted<'_> {
    fn run_unit(
        &self,
        id: UnitId,
        needs_env: &IndexMap<String, String>,
        cancel: &CancelToken,
        sink: &dyn Sink,
    ) {
        sink.send(Msg::Event(Event::UnitStarted { unit: id }));
        let result = (self.0)(id, needs_env, cancel, sink);
        sink.send(Msg::Event(Event::UnitFinished { unit: id, result }));
    }
}

/// Writes what it sees as lines: `started a`, `finished a: passed`, `notice: …`.
#[derive(Default)]
struct Log(Vec<String>);

impl Reporter for Log {
    fn start(&mut self, _plan: &Plan) {}
    fn event(&mut self, plan: &Plan, event: &Event) {
        let label = |u: &usize| plan.units[*u].label.clone();
        match event {
            Event::UnitStarted { unit } => self.0.push(format!("started {}", label(unit))),
            Event::UnitFinished { unit, result } => self.0.push(format!(
                "finished {}: {}{}",
                label(unit),
                result.status.as_str(),
                result
                    .reason
                    .as_ref()
                    .map(|r| format!(" ({r})"))
                    .unwrap_or_default()
            )),
            Event::Notice { text, .. } => self.0.push(format!("notice: {text}")),
            _ => {}
        }
    }
    fn flush(&mut self) {}
    fn finish(&mut self, _: &Plan, _: &[UnitResult], _: Duration, _: Option<i32>) {}
}

/// A plan of `(name, needs)` in order; needs name earlier units.
fn plan(units: &[(&str, &[&str])]) -> Plan {
    let mut p = Plan::default();
    for (name, needs) in units {
        let needs = needs
            .iter()
            .map(|n| p.units.iter().position(|u| u.job == *n).unwrap())
            .collect();
        p.units.push(Unit {
            job: name.to_string(),
            cell: Cell {
                id: String::new(),
                values: IndexMap::new(),
            },
            label: name.to_string(),
            needs,
            verdict: Verdict::Run(None),
            steps: vec![],
            step_plan: vec![],
            toolchain: Ok(Default::default()),
            policy: Default::default(),
        });
    }
    p
}

fn result(status: UnitStatus) -> UnitResult {
    UnitResult {
        status,
        reason: None,
        ..UnitResult::skipped("")
    }
}

/// Waits until cancelled (never by the clock, see `FOREVER`); `Cancelled` with its reason.
fn until_cancelled(cancel: &CancelToken) -> UnitResult {
    if !cancel.sleep(FOREVER) {
        return result(UnitStatus::Passed); // never cancelled: the assertions will say so
    }
    UnitResult {
        status: UnitStatus::Cancelled,
        reason: cancel.reason(),
        ..UnitResult::skipped("")
    }
}

fn run_plan(
    p: &Plan,
    jobs: usize,
    keep_going: bool,
    script: &Script<'_>,
) -> (Vec<String>, Summary) {
    let (tx, rx) = std::sync::mpsc::sync_channel(CHANNEL_CAP);
    let mut log = Log::default();
    let opts = Options { jobs, keep_going };
    let summary = run(p, &Scripted(script), &opts, &mut log, tx, rx);
    (log.0, summary)
}

#[test]
fn a_chain_runs_in_order_and_hands_outputs_on() {
    let p = plan(&[("a", &[]), ("b", &["a"]), ("c", &["b"])]);
    let seen = Mutex::new(Vec::new());
    let (log, summary) = run_plan(&p, 4, false, &|id, env, _, _| {
        seen.lock().unwrap().push((id, env.clone()));
        let mut r = result(UnitStatus::Passed);
        r.outputs.insert("out".into(), format!("v{id}"));
        r
    });
    assert_eq!(
        log,
        [
            "started a",
            "finished a: passed",
            "started b",
            "finished b: passed",
            "started c",
            "finished c: passed"
        ]
    );
    let seen = seen.into_inner().unwrap();
    assert_eq!(seen[1].1.get("A_OUT").map(String::as_str), Some("v0"));
    assert_eq!(seen[2].1.get("B_OUT").map(String::as_str), Some("v1"));
    assert!(!seen[2].1.contains_key("A_OUT"), "only direct needs");
    assert!(summary.signal.is_none());
    assert!(summary
        .results
        .iter()
        .all(|r| r.status == UnitStatus::Passed));
}

#[test]
fn fail_fast_cancels_running_units_and_starts_nothing_more() {
    // `slow` runs until cancelled; `bad` fails at once; `after` needs `bad`; `later` waits
    // for a slot that frees only when the run is already stopping.
    let p = plan(&[
        ("slow", &[]),
        ("bad", &[]),
        ("after", &["bad"]),
        ("later", &[]),
    ]);
    let tokens = Mutex::new(Vec::new());
    let (log, summary) = run_plan(&p, 2, false, &|id, _, cancel, _| {
        tokens.lock().unwrap().push(cancel.clone());
        match id {
            0 => until_cancelled(cancel),
            1 => result(UnitStatus::Failed),
            _ => result(UnitStatus::Passed),
        }
    });
    let why = "`bad` failed (fail-fast; --keep-going runs independent jobs)";
    let statuses: Vec<&str> = summary.results.iter().map(|r| r.status.as_str()).collect();
    assert_eq!(
        statuses,
        ["cancelled", "failed", "skipped", "skipped"],
        "{log:?}"
    );
    assert_eq!(summary.results[0].reason.as_deref(), Some(why));
    assert_eq!(
        summary.results[2].reason.as_deref(),
        Some("needs `bad`, which did not succeed")
    );
    assert_eq!(
        summary.results[3].reason.clone().unwrap(),
        format!("not started: {why}")
    );
    // Two units ran; the fail-fast stop was graceful (SIGTERM, then SIGKILL after the grace).
    let tokens = tokens.into_inner().unwrap();
    assert_eq!(tokens.len(), 2);
    assert_eq!(tokens[0].state(), CancelState::Graceful(SIGTERM));
    assert!(!log.contains(&"started later".to_string()), "{log:?}");
}

#[test]
fn a_unit_of_a_job_without_fail_fast_fails_alone() {
    // `cells` is one job's two cells with `fail_fast: false`: the first fails, the second
    // still runs, so does `later`; `after` needs the failed job and is skipped. One slot, so
    // the order is the plan's.
    let mut p = plan(&[
        ("cells", &[]),
        ("cells", &[]),
        ("after", &["cells"]),
        ("later", &[]),
    ]);
    p.units[1].needs.clear();
    p.units[2].needs = vec![0, 1];
    for u in &mut p.units[..2] {
        u.policy.fail_fast = false;
    }
    let (log, summary) = run_plan(&p, 1, false, &|id, _, _, _| match id {
        0 => result(UnitStatus::Failed),
        _ => result(UnitStatus::Passed),
    });
    let statuses: Vec<&str> = summary.results.iter().map(|r| r.status.as_str()).collect();
    assert_eq!(
        statuses,
        ["failed", "passed", "skipped", "passed"],
        "{log:?}"
    );
    assert_eq!(
        summary.results[2].reason.as_deref(),
        Some("needs `cells`, which did not succeed")
    );
    // A fail-fast job failing after it still stops the run.
    let mut p = plan(&[("loose", &[]), ("strict", &[]), ("later", &[])]);
    p.units[0].policy.fail_fast = false;
    let (log, summary) = run_plan(&p, 1, false, &|id, _, _, _| match id {
        2 => result(UnitStatus::Passed),
        _ => result(UnitStatus::Failed),
    });
    let statuses: Vec<&str> = summary.results.iter().map(|r| r.status.as_str()).collect();
    assert_eq!(statuses, ["failed", "failed", "skipped"], "{log:?}");
}

#[test]
fn units_of_one_concurrency_group_never_overlap() {
    // Four slots; `a` and `b` share a group, `c` and `d` have none. `a` holds on until `c`
    // and `d` both finished, so `b` would run beside it if the group were ignored; each unit
    // of the group records how many of the group run with it.
    let mut p = plan(&[("a", &[]), ("b", &[]), ("c", &[]), ("d", &[])]);
    p.units[0].policy.group = Some("deploy".into());
    p.units[1].policy.group = Some("deploy".into());
    let inside = AtomicUsize::new(0);
    let most = AtomicUsize::new(0);
    let others_done = AtomicUsize::new(0);
    let (log, summary) = run_plan(&p, 4, false, &|id, _, _, _| {
        if id >= 2 {
            others_done.fetch_add(1, Ordering::SeqCst);
            return result(UnitStatus::Passed);
        }
        let n = inside.fetch_add(1, Ordering::SeqCst) + 1;
        most.fetch_max(n, Ordering::SeqCst);
        if id == 0 {
            let start = std::time::Instant::now();
            while others_done.load(Ordering::SeqCst) < 2 && start.elapsed() < FOREVER {
                std::thread::sleep(Duration::from_millis(1));
            }
        }
        inside.fetch_sub(1, Ordering::SeqCst);
        result(UnitStatus::Passed)
    });
    assert!(summary
        .results
        .iter()
        .all(|r| r.status == UnitStatus::Passed));
    assert_eq!(most.load(Ordering::SeqCst), 1, "{log:?}");
    // `c` and `d` used the free slots while `a` held the group; `b` started after `a`.
    let at = |l: &str| log.iter().position(|x| x == l).unwrap();
    assert!(
        at("finished c: passed") < at("finished a: passed"),
        "{log:?}"
    );
    assert!(at("finished a: passed") < at("started b"), "{log:?}");
}

#[test]
fn keep_going_runs_independent_units_and_skips_dependents_of_a_failure() {
    let p = plan(&[("bad", &[]), ("after", &["bad"]), ("other", &[])]);
    let (log, summary) = run_plan(&p, 1, true, &|id, _, _, _| match id {
        0 => result(UnitStatus::Failed),
        _ => result(UnitStatus::Passed),
    });
    assert_eq!(
        log,
        [
            "started bad",
            "finished bad: failed",
            "finished after: skipped (needs `bad`, which did not succeed)",
            "started other",
            "finished other: passed"
        ]
    );
    assert!(summary.signal.is_none());
}

#[test]
fn a_skip_below_a_failure_blocks_its_own_dependents_transitively() {
    let p = plan(&[
        ("bad", &[]),
        ("after", &["bad"]),
        ("deeper", &["after"]),
        ("other", &[]),
    ]);
    let (log, _) = run_plan(&p, 1, true, &|id, _, _, _| match id {
        0 => result(UnitStatus::Failed),
        _ => result(UnitStatus::Passed),
    });
    assert_eq!(
        log,
        [
            "started bad",
            "finished bad: failed",
            "finished after: skipped (needs `bad`, which did not succeed)",
            "finished deeper: skipped (needs `after`, which was skipped because its needs did not succeed)",
            "started other",
            "finished other: passed"
        ]
    );
}

#[test]
fn a_second_signal_escalates_to_kill() {
    // `a` is interrupted while running: it sees the signal forwarded, sends a second one,
    // and ends. `b` needs `a`; `c` never got a slot.
    let p = plan(&[("a", &[]), ("b", &["a"]), ("c", &[])]);
    let token = Mutex::new(None);
    let first = Mutex::new(None);
    let (log, summary) = run_plan(&p, 1, false, &|id, _, cancel, tx| {
        assert_eq!(id, 0, "nothing starts after an interruption");
        *token.lock().unwrap() = Some(cancel.clone());
        tx.send(Msg::Signal(SIGINT));
        let r = until_cancelled(cancel);
        *first.lock().unwrap() = Some(cancel.state());
        // The scheduler handles this before our `UnitFinished` (same sender, in order).
        tx.send(Msg::Signal(SIGINT));
        r
    });
    assert_eq!(
        first.into_inner().unwrap(),
        Some(CancelState::Graceful(SIGINT))
    );
    let token = token.into_inner().unwrap().unwrap();
    assert_eq!(token.state(), CancelState::Kill);
    assert_eq!(summary.signal, Some(SIGINT));
    assert_eq!(
        log,
        [
            "started a",
            "notice: interrupted by SIGINT: stopping running jobs (again to kill at once)",
            // Skipped at once: nothing starts once the run is stopping.
            "finished b: skipped (not started: interrupted by SIGINT)",
            "finished c: skipped (not started: interrupted by SIGINT)",
            "finished a: cancelled (interrupted by SIGINT)"
        ]
    );
}

#[test]
fn never_more_units_at_once_than_allowed() {
    let p = plan(&[
        ("a", &[]),
        ("b", &[]),
        ("c", &[]),
        ("d", &[]),
        ("e", &["a"]),
    ]);
    let now = AtomicUsize::new(0);
    let most = AtomicUsize::new(0);
    let (_, summary) = run_plan(&p, 2, false, &|_, _, _, _| {
        let n = now.fetch_add(1, Ordering::SeqCst) + 1;
        most.fetch_max(n, Ordering::SeqCst);
        std::thread::yield_now();
        now.fetch_sub(1, Ordering::SeqCst);
        result(UnitStatus::Passed)
    });
    assert!(most.load(Ordering::SeqCst) <= 2);
    assert!(summary
        .results
        .iter()
        .all(|r| r.status == UnitStatus::Passed));
}

#[test]
fn units_skipped_by_their_conditions_are_reported_first_and_let_dependents_run() {
    let mut p = plan(&[("a", &[]), ("b", &["a"])]);
    p.units[0].verdict = Verdict::Skip("when.ci is true".into());
    let (log, _) = run_plan(&p, 1, false, &|_, _, _, _| result(UnitStatus::Passed));
    assert_eq!(
        log,
        [
            "finished a: skipped (when.ci is true)",
            "started b",
            "finished b: passed"
        ]
    );
}

#[test]
fn a_long_chain_is_decided_in_order() {
    let names: Vec<String> = (0..300).map(|i| format!("j{i}")).collect();
    let specs: Vec<(&str, Vec<&str>)> = names
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let needs = if i == 0 {
                vec![]
            } else {
                vec![names[i - 1].as_str()]
            };
            (n.as_str(), needs)
        })
        .collect();
    let specs: Vec<(&str, &[&str])> = specs.iter().map(|(n, d)| (*n, d.as_slice())).collect();
    let p = plan(&specs);
    // The middle one fails: the rest is skipped, the next one naming it.
    let (log, summary) = run_plan(&p, 8, false, &|id, _, _, _| {
        result(if id == 150 {
            UnitStatus::Failed
        } else {
            UnitStatus::Passed
        })
    });
    assert_eq!(log.len(), 151 * 2 + 149, "{:?}", &log[..4]);
    assert_eq!(
        summary.results[151].reason.as_deref(),
        Some("needs `j150`, which did not succeed")
    );
    assert_eq!(summary.results[299].status, UnitStatus::Skipped);
}

#[path = "scheduler_results_tests.rs"]
mod results;

/// Which thread ran each unit: the scheduler's own (the test's) or a worker.
fn threads(p: &Plan, jobs: usize) -> Vec<&'static str> {
    let here = std::thread::current().id();
    let seen = Mutex::new(vec![""; p.units.len()]);
    run_plan(p, jobs, false, &|id, _, _, _| {
        seen.lock().unwrap()[id] = if std::thread::current().id() == here {
            "here"
        } else {
            "worker"
        };
        result(UnitStatus::Passed)
    });
    seen.into_inner().unwrap()
}

#[test]
fn a_unit_nothing_could_run_beside_runs_on_the_schedulers_thread() {
    // A chain: each unit is alone when it starts, whatever `-j`.
    let chain = plan(&[("a", &[]), ("b", &["a"]), ("c", &["b"])]);
    assert_eq!(threads(&chain, 8), ["here", "here", "here"]);
    // Two ready at once with slots for both: workers, so they overlap.
    let pair = plan(&[("a", &[]), ("b", &[]), ("c", &["a", "b"])]);
    assert_eq!(threads(&pair, 8), ["worker", "worker", "here"]);
    // `-j 1`: nothing ever runs beside a unit.
    assert_eq!(threads(&pair, 1), ["here", "here", "here"]);
}

#[test]
fn a_unit_run_here_sees_a_signal_while_it_pauses_and_what_waits_is_skipped_first() {
    // `a` runs on the scheduler's thread (alone): the signal watcher's message reaches the
    // scheduler during `a`'s pause, which ends early, cancelled; `b` is skipped before `a`
    // ends, as the loop would have done it.
    let p = plan(&[("a", &[]), ("b", &["a"])]);
    let (tx, rx) = std::sync::mpsc::sync_channel(CHANNEL_CAP);
    let watcher = tx.clone();
    let mut log = Log::default();
    let opts = Options {
        jobs: 8,
        keep_going: false,
    };
    let script: &Script<'_> = &|_, _, cancel, sink| {
        let _ = watcher.send(Msg::Signal(SIGINT));
        let t0 = std::time::Instant::now();
        let cancelled = sink.pause(cancel, FOREVER);
        assert!(cancelled && t0.elapsed() < Duration::from_secs(10));
        UnitResult {
            status: UnitStatus::Cancelled,
            reason: cancel.reason(),
            ..UnitResult::skipped("")
        }
    };
    let summary = run(&p, &Scripted(script), &opts, &mut log, tx, rx);
    assert_eq!(summary.signal, Some(SIGINT));
    assert_eq!(
        log.0,
        [
            "started a",
            "notice: interrupted by SIGINT: stopping running jobs (again to kill at once)",
            "finished b: skipped (not started: interrupted by SIGINT)",
            "finished a: cancelled (interrupted by SIGINT)"
        ]
    );
}

#[test]
fn a_unit_run_here_lets_time_pass_for_the_reporters() {
    // While a unit on the scheduler's thread waits, the reporters still get their ticks
    // (progress lines, slow-step notices), from the unit's waits.
    struct Ticks(usize);
    impl Reporter for Ticks {
        fn start(&mut self, _: &Plan) {}
        fn event(&mut self, _: &Plan, _: &Event) {}
        fn flush(&mut self) {}
        fn tick(&mut self, _: &Plan) {
            self.0 += 1;
        }
        fn finish(&mut self, _: &Plan, _: &[UnitResult], _: Duration, _: Option<i32>) {}
    }
    let p = plan(&[("a", &[])]);
    let (tx, rx) = std::sync::mpsc::sync_channel(CHANNEL_CAP);
    let mut ticks = Ticks(0);
    let opts = Options {
        jobs: 1,
        keep_going: false,
    };
    let script: &Script<'_> = &|_, _, cancel, sink| {
        // Three ticks' worth of waiting, as a quiet step and a retry delay do it.
        let end = std::time::Instant::now() + TICK * 2;
        while std::time::Instant::now() < end {
            std::thread::sleep(Duration::from_millis(5));
            sink.idle();
        }
        assert!(!sink.pause(cancel, TICK));
        result(UnitStatus::Passed)
    };
    run(&p, &Scripted(script), &opts, &mut ticks, tx, rx);
    assert!(ticks.0 >= 2, "{} ticks in 3 ticks' time", ticks.0);
}
