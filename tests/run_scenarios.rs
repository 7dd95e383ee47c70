//! Process scenarios, part 1: what a step leaves behind when it ends, times out, is retried or
//! is cancelled by fail-fast. Each runs the real cigen with a hard time limit and proves with
//! a `/proc` scan that no process it started survives (see `process_harness.rs`); most also
//! check from the next step that the leftovers were gone before it started.

use crate::process_harness::{tty_nr, wait, Scenario, HANG_LIMIT};
use crate::run::row;

/// Prints `ALIVE <pid>` for each pid listed in the files given that still runs with this
/// scenario's mark (a reused pid does not carry it), then `checked`.
const CHECK: &str = r#"for f in "$@"; do for p in $(cat "$f"); do
  if tr '\0' '\n' < /proc/$p/environ 2>/dev/null | grep -qx "SCENARIO_MARK=$SCENARIO_MARK"; then
    echo "ALIVE $p"
  fi
done; done
echo checked
"#;

fn scenario(name: &str, spec: &str) -> Scenario {
    let s = Scenario::new(name, spec);
    std::fs::write(s.path().join("check.sh"), CHECK).unwrap();
    s
}

/// Runs a one-job spec whose first step leaves processes listed in `pids`, and whose second
/// step checks that they were stopped when the first ended.
fn leaves_nothing_to_the_next_step(name: &str, first: &str) {
    let s = scenario(name, &two_steps(first));
    let ended = s.run(&["run"]);
    next_step_saw_nothing(&s, &ended);
}

fn next_step_saw_nothing(s: &Scenario, ended: &crate::process_harness::Ended) {
    assert_eq!(ended.code, 0, "{ended:?}");
    assert!(!s.pids("pids").is_empty(), "the step started nothing");
    assert!(ended.stdout.contains("checked"), "{}", ended.stdout);
    assert!(
        !ended.stdout.contains("ALIVE"),
        "processes of the first step outlived it: {}",
        ended.stdout
    );
}

/// A job of two steps: `first`, then the check of what it listed in `pids`.
fn two_steps(first: &str) -> String {
    format!(
        "version: 1\njobs:\n  a:\n    steps:\n      - run: |\n{}\n      - sh check.sh pids\n",
        first
            .lines()
            .map(|l| format!("          {l}"))
            .collect::<Vec<_>>()
            .join("\n")
    )
}

#[test]
fn background_job_holding_the_pipe() {
    leaves_nothing_to_the_next_step("bg-pipe", "sleep 30 & echo $! >> pids\necho leader done");
}

#[test]
fn background_job_with_its_output_elsewhere() {
    leaves_nothing_to_the_next_step("bg-null", "sleep 30 >/dev/null 2>&1 & echo $! >> pids");
}

#[test]
fn setsid_daemon() {
    leaves_nothing_to_the_next_step(
        "setsid",
        "setsid sh -c 'echo $$ >> pids; exec sleep 30' >/dev/null 2>&1 &\nuntil [ -s pids ]; do sleep 0.01; done",
    );
}

#[test]
fn double_fork_daemon() {
    leaves_nothing_to_the_next_step(
        "double-fork",
        "( setsid sh -c 'sleep 30 >/dev/null 2>&1 & echo $! >> pids' & )\nuntil [ -s pids ]; do sleep 0.01; done",
    );
}

#[test]
fn background_jobs_under_set_m() {
    leaves_nothing_to_the_next_step(
        "set-m",
        "set -m\nsleep 30 & echo $! >> pids\nsleep 30 >/dev/null 2>&1 & echo $! >> pids\ntrue",
    );
}

#[test]
fn child_calling_setpgrp() {
    leaves_nothing_to_the_next_step(
        "setpgrp",
        "perl -e 'setpgrp(0, 0); open(my $f, \">>\", \"pids\"); print $f \"$$\\n\"; close $f; sleep 30' >/dev/null 2>&1 &\nuntil [ -s pids ]; do sleep 0.01; done",
    );
}

#[test]
fn daemon_that_cleared_its_environment() {
    // Without the step's tag it is still found: no other step runs, so every orphan is its.
    leaves_nothing_to_the_next_step(
        "env-i",
        "env -i SCENARIO_MARK=$SCENARIO_MARK setsid sh -c 'echo $$ >> pids; exec sleep 30' >/dev/null 2>&1 &\nuntil [ -s pids ]; do sleep 0.01; done",
    );
}

#[test]
fn many_background_processes_and_grandchildren() {
    leaves_nothing_to_the_next_step(
        "many",
        "for i in $(seq 30); do sleep 30 & echo $! >> pids; done\nsh -c 'sleep 30 & echo $! >> pids; sh -c \"sleep 30 & echo \\$! >> pids; sleep 30\" & wait' >/dev/null &\nuntil [ $(wc -l < pids) -ge 32 ]; do sleep 0.01; done",
    );
}

#[test]
fn parallel_steps_stop_their_own_daemons() {
    // b still runs when a ends, so a's daemon is recognised by a's tag, not by elimination.
    let s = scenario(
        "parallel-tag",
        r#"version: 1
jobs:
  a:
    steps: ['setsid sleep 30 >/dev/null 2>&1 & echo $! > pids']
  b:
    steps:
      - run: |
          until [ -s pids ]; do sleep 0.01; done
          for i in $(seq 400); do
            sh check.sh pids | grep -q ALIVE || { echo "a's daemon stopped while b runs"; exit 0; }
            sleep 0.025
          done
          exit 1
"#,
    );
    let ended = s.run(&["run", "-j", "2"]);
    assert_eq!(ended.code, 0, "{ended:?}");
    assert!(ended.stdout.contains("a's daemon stopped while b runs"));
}

#[test]
fn parallel_daemon_without_tag_is_stopped_by_the_end_of_the_run() {
    let s = scenario(
        "parallel-env-i",
        r#"version: 1
jobs:
  a:
    steps: ["env -i SCENARIO_MARK=$SCENARIO_MARK setsid sh -c 'echo $$ > pids; exec sleep 30' >/dev/null 2>&1 & until [ -s pids ]; do sleep 0.01; done"]
  b:
    steps: ['until [ -s pids ]; do sleep 0.01; done; sleep 0.5']
"#,
    );
    let ended = s.run(&["run", "-j", "2"]);
    assert_eq!(ended.code, 0, "{ended:?}");
    assert_eq!(s.pids("pids").len(), 1);
}

#[test]
fn step_timeout_with_daemon_and_background_job() {
    let s = scenario(
        "timeout",
        "version: 1\njobs:\n  slow:\n    steps:\n      - run: 'setsid sleep 30 >/dev/null 2>&1 & echo $! >> pids; sleep 30 & echo $! >> pids; echo $$ >> pids; sleep 30'\n        timeout: 300ms\n",
    );
    let ended = s.run(&["run"]);
    assert_eq!(ended.code, 1, "{ended:?}");
    assert!(row(&ended.stdout, "slow").starts_with("slow timed-out 1"));
    assert_eq!(s.pids("pids").len(), 3);
}

#[test]
fn job_timeout_with_daemon() {
    let s = scenario(
        "job-timeout",
        "version: 1\njobs:\n  j:\n    timeout: 300ms\n    steps: ['setsid sleep 30 >/dev/null 2>&1 & echo $! >> pids; sleep 30', 'echo never']\n",
    );
    let ended = s.run(&["run"]);
    assert_eq!(ended.code, 1, "{ended:?}");
    assert!(row(&ended.stdout, "j").contains("job timed out after 300ms"));
    assert!(!ended.stdout.contains("never"));
}

#[test]
fn step_ignoring_sigterm_is_killed_after_the_grace() {
    let s = scenario(
        "ignore-term",
        r#"version: 1
jobs:
  stubborn:
    steps:
      - run: |
          trap '' TERM
          sh -c "trap '' TERM; sleep 30" & echo $! >> pids
          setsid sh -c "trap '' TERM; sleep 30" >/dev/null 2>&1 & echo $! >> pids
          echo $$ >> pids
          while true; do sleep 1; done
        timeout: 300ms
"#,
    )
    .env("CIGEN_KILL_GRACE", "500ms");
    let ended = s.run(&["run"]);
    assert_eq!(ended.code, 1, "{ended:?}");
    assert!(row(&ended.stdout, "stubborn").starts_with("stubborn timed-out"));
    assert_eq!(s.pids("pids").len(), 3);
}

#[test]
fn timeouts_during_retries() {
    let s = scenario(
        "retry-timeout",
        "version: 1\njobs:\n  r:\n    steps:\n      - run: 'setsid sleep 30 >/dev/null 2>&1 & echo $! >> pids; sleep 30 & echo $! >> pids; sleep 30'\n        timeout: 200ms\n        retry: { attempts: 3, backoff: fixed, delay: 10ms }\n",
    );
    let ended = s.run(&["run"]);
    assert_eq!(ended.code, 1, "{ended:?}");
    assert!(
        row(&ended.stdout, "r").starts_with("r timed-out 3"),
        "{}",
        ended.stdout
    );
    assert_eq!(
        s.pids("pids").len(),
        6,
        "three attempts, two processes each"
    );
}

#[test]
fn fail_fast_cancels_a_parallel_unit_and_its_daemon() {
    let s = scenario(
        "fail-fast",
        "version: 1\njobs:\n  a:\n    steps: ['until [ -s pids ]; do sleep 0.01; done; exit 1']\n  b:\n    steps: ['setsid sleep 30 >/dev/null 2>&1 & echo $! >> pids; sleep 30 & echo $! >> pids; sleep 30']\n",
    );
    let ended = s.run(&["run", "-j", "2"]);
    assert_eq!(ended.code, 1, "{ended:?}");
    assert!(row(&ended.stdout, "b").starts_with("b cancelled"));
}

#[test]
fn stopped_child_exits_after_sigterm_and_sigcont() {
    // The leader survives SIGTERM (a trap) and waits as long as its stopped child lives; the
    // grace is far beyond the hang limit, so only SIGCONT (letting the child act on its
    // SIGTERM) ends the step in time.
    let s = scenario(
        "stopped-child",
        r#"version: 1
jobs:
  s:
    steps:
      - run: |
          trap 'echo got TERM' TERM
          sleep 30 & c=$!
          echo $c >> pids
          kill -STOP $c
          echo $$ >> pids
          while kill -0 $c 2>/dev/null; do wait $c || true; done
        timeout: 300ms
"#,
    )
    .env("CIGEN_KILL_GRACE", "2m");
    let ended = s.run(&["run"]);
    assert_eq!(ended.code, 1, "{ended:?}");
    assert!(row(&ended.stdout, "s").starts_with("s timed-out"));
}

#[test]
fn stopped_leader_exits_after_sigterm_and_sigcont() {
    let s = scenario(
        "stopped-leader",
        "version: 1\njobs:\n  s:\n    steps:\n      - run: 'echo $$ >> pids; kill -STOP $$; sleep 30'\n        timeout: 300ms\n",
    )
    .env("CIGEN_KILL_GRACE", "2m");
    let ended = s.run(&["run"]);
    assert_eq!(ended.code, 1, "{ended:?}");
    assert!(row(&ended.stdout, "s").starts_with("s timed-out"));
}

/// Daemons, `set -m` and `setpgrp` children of a step, with cigen in a terminal's session.
fn under_a_terminal(name: &str, cigen_leads: bool) {
    let s = scenario(
        name,
        &two_steps(
            "set -m\nsleep 30 & echo $! >> pids\nset +m\nsetsid sh -c 'echo $$ >> pids; exec sleep 30' >/dev/null 2>&1 &\nperl -e 'setpgrp(0, 0); open(my $f, \">>\", \"pids\"); print $f \"$$\\n\"; close $f; sleep 30' >/dev/null 2>&1 &\nsleep 30 >/dev/null 2>&1 & echo $! >> pids\nuntil [ $(wc -l < pids) -ge 4 ]; do sleep 0.01; done",
        ),
    );
    let (mut cmd, master) = s.in_terminal(&["run"], cigen_leads);
    let child = cmd.spawn().unwrap();
    assert_ne!(tty_nr(child.id() as i32), Some(0), "no terminal");
    let ended = wait(child, HANG_LIMIT);
    drop(master);
    s.assert_nothing_left(&ended);
    next_step_saw_nothing(&s, &ended);
    assert_eq!(s.pids("pids").len(), 4);
}

#[test]
fn under_a_terminal_steps_leave_nothing() {
    // cigen as a shell's foreground job: it drops its own tie to the terminal, steps get groups.
    under_a_terminal("terminal", false);
}

#[test]
fn leading_a_terminal_session_steps_get_sessions_and_leave_nothing() {
    // cigen leads the session: each step starts a session of its own, found by it too.
    under_a_terminal("terminal-leader", true);
}
