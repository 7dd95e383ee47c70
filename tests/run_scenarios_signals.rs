//! Process scenarios, part 2: signals to cigen (SIGINT, SIGTERM, SIGHUP, a double Ctrl-C,
//! SIGKILL to cigen and to its process group), a step reading the terminal, orphans that exit
//! on their own, and cigen as PID 1. Bounded and checked by `/proc` scans like part 1.

use std::os::unix::process::CommandExt;
use std::time::Duration;

use crate::process_harness::{
    describe, marked, signal, state, tty_nr, wait, zombie_children, Scenario, HANG_LIMIT,
};
use crate::run::row;

/// Two parallel units, each with a daemon, a background job and a leader, all pids in `pids`.
const BUSY: &str = "version: 1\njobs:\n  a:\n    steps: ['setsid sleep 30 >/dev/null 2>&1 & echo $! >> pids; sleep 30 & echo $! >> pids; echo $$ >> pids; sleep 30']\n  b:\n    steps: ['setsid sleep 30 >/dev/null 2>&1 & echo $! >> pids; sleep 30 & echo $! >> pids; echo $$ >> pids; sleep 30']\n  c:\n    needs: [a]\n    steps: ['echo never > c.txt']\n";

/// Starts `BUSY`, waits for its six processes, checks that the scan sees them, and sends
/// `signals` 150 ms apart. Returns the scenario and how cigen ended.
fn interrupt(name: &str, env: &[(&str, &str)], signals: &[i32]) -> (Scenario, i32, String) {
    let mut s = Scenario::new(name, BUSY);
    for (k, v) in env {
        s = s.env(k, v);
    }
    let child = s.spawn(&["run", "-j", "2"]);
    let pid = child.id() as i32;
    s.wait_for("six processes", || s.pids("pids").len() == 6);
    // A pid is written before its process has finished `execve` (a `sleep 30 &` is still
    // the forked shell, and mid-exec its environment reads empty): scan until the scan sees
    // all six, bounded, and fail naming the ones it never saw.
    let unseen = || {
        let seen = marked(&s.mark);
        let missed: Vec<i32> = s
            .pids("pids")
            .into_iter()
            .filter(|p| !seen.contains(p))
            .collect();
        (missed, seen)
    };
    let end = std::time::Instant::now() + Duration::from_secs(5);
    loop {
        let (missed, seen) = unseen();
        if missed.is_empty() {
            break;
        }
        assert!(
            std::time::Instant::now() < end,
            "the scan misses {missed:?}: {}",
            describe(&seen)
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    for sig in signals {
        signal(pid, *sig);
        std::thread::sleep(Duration::from_millis(150));
    }
    let ended = wait(child, HANG_LIMIT);
    s.assert_nothing_left(&ended);
    assert!(!s.path().join("c.txt").exists());
    (s, ended.code, ended.stdout)
}

#[test]
fn sigint_stops_steps_daemons_and_background_jobs() {
    let (_, code, stdout) = interrupt("sigint", &[], &[libc::SIGINT]);
    assert_eq!(code, 130, "{stdout}");
    assert!(stdout.contains("interrupted by SIGINT"), "{stdout}");
}

#[test]
fn sigterm_stops_everything() {
    let (_, code, stdout) = interrupt("sigterm", &[], &[libc::SIGTERM]);
    assert_eq!(code, 143, "{stdout}");
}

#[test]
fn sighup_stops_everything() {
    let (_, code, stdout) = interrupt("sighup", &[], &[libc::SIGHUP]);
    assert_eq!(code, 129, "{stdout}");
}

#[test]
fn double_ctrl_c_kills_what_ignores_the_first() {
    let s = Scenario::new(
        "double-ctrl-c",
        "version: 1\njobs:\n  stubborn:\n    steps: [\"trap '' INT TERM; setsid sh -c \\\"trap '' INT TERM; sleep 30\\\" >/dev/null 2>&1 & echo $! >> pids; echo $$ >> pids; sleep 30 & wait\"]\n",
    )
    // A grace far beyond the hang limit: only the second signal can end it in time.
    .env("CIGEN_KILL_GRACE", "2m");
    let child = s.spawn(&["run"]);
    let pid = child.id() as i32;
    s.wait_for("two processes", || s.pids("pids").len() == 2);
    signal(pid, libc::SIGINT);
    std::thread::sleep(Duration::from_millis(300));
    assert!(state(pid).is_some(), "cigen exited on the first Ctrl-C");
    signal(pid, libc::SIGINT);
    let ended = wait(child, HANG_LIMIT);
    s.assert_nothing_left(&ended);
    assert_eq!(ended.code, 130, "{ended:?}");
}

#[test]
fn sigint_while_retrying_timed_out_attempts() {
    let s = Scenario::new(
        "sigint-retry",
        "version: 1\njobs:\n  r:\n    steps:\n      - run: 'echo x >> tries; setsid sleep 30 >/dev/null 2>&1 & sleep 30'\n        timeout: 200ms\n        retry: { attempts: 20, backoff: fixed, delay: 10ms }\n",
    );
    let child = s.spawn(&["run"]);
    let pid = child.id() as i32;
    let tries = || {
        std::fs::read_to_string(s.path().join("tries"))
            .unwrap_or_default()
            .lines()
            .count()
    };
    s.wait_for("a second attempt", || tries() >= 2);
    signal(pid, libc::SIGINT);
    let ended = wait(child, HANG_LIMIT);
    s.assert_nothing_left(&ended);
    assert_eq!(ended.code, 130, "{ended:?}");
    assert!(tries() < 20, "retries went on after SIGINT");
}

/// Starts `BUSY`, waits for its processes, and SIGKILLs cigen (or its whole process group).
fn sigkill(name: &str, group: bool) {
    let s = Scenario::new(name, BUSY);
    let mut cmd = s.command(&["run", "-j", "2"]);
    if group {
        cmd.process_group(0);
    }
    let child = cmd.spawn().unwrap();
    let pid = child.id() as i32;
    s.wait_for("six processes", || s.pids("pids").len() == 6);
    // As a runner escalating a cancel would: the process, or its whole group.
    signal(if group { -pid } else { pid }, libc::SIGKILL);
    let ended = wait(child, HANG_LIMIT);
    assert_eq!(ended.code, -1, "{ended:?}");
    s.assert_nothing_left(&ended);
}

#[test]
fn steps_die_with_a_sigkilled_cigen() {
    sigkill("sigkill", false);
}

#[test]
fn steps_die_when_cigen_and_its_group_are_sigkilled() {
    sigkill("sigkill-group", true);
}

/// A step that reads the terminal, with cigen in a terminal's session (`leads`: as its
/// leader, else as a shell's foreground job): it must fail at once, not be stopped.
fn terminal_reader(name: &str, leads: bool) {
    let s = Scenario::new(
        name,
        "version: 1\njobs:\n  prompt:\n    steps:\n      - run: 'echo $$ > pids; read answer < /dev/tty; echo got $answer'\n        timeout: 5s\n",
    )
    .env("CIGEN_KILL_GRACE", "200ms");
    let (mut cmd, master) = s.in_terminal(&["run"], leads);
    let child = cmd.spawn().unwrap();
    assert_ne!(
        tty_nr(child.id() as i32),
        Some(0),
        "no controlling terminal"
    );
    let ended = wait(child, HANG_LIMIT);
    drop(master);
    s.assert_nothing_left(&ended);
    assert_eq!(
        row(&ended.stdout, "prompt"),
        "prompt failed 1 step `echo $$ > pids; read answer < /dev/tty; echo got $answer` failed: exit 1",
        "{ended:?}"
    );
    assert!(ended.stdout.contains("/dev/tty"), "{}", ended.stdout);
    if !leads {
        let code = std::fs::read_to_string(s.path().join("code.txt")).unwrap();
        assert_eq!(code.trim(), "1");
    }
}

#[test]
fn a_step_reading_the_terminal_fails_at_once() {
    terminal_reader("tty", false);
}

#[test]
fn a_step_reading_the_terminal_of_a_session_cigen_leads_fails_at_once() {
    terminal_reader("tty-leader", true);
}

#[test]
fn ctrl_c_typed_at_the_terminal_stops_everything() {
    let s = Scenario::new("typed-ctrl-c", BUSY);
    let (mut cmd, master) = s.in_terminal(&["run", "-j", "2"], false);
    let child = cmd.spawn().unwrap();
    s.wait_for("six processes", || s.pids("pids").len() == 6);
    // ^C on the terminal: the line discipline sends SIGINT to the foreground process group.
    let mut m = std::fs::File::from(master);
    std::io::Write::write_all(&mut m, &[3]).unwrap();
    let ended = wait(child, HANG_LIMIT);
    drop(m);
    s.assert_nothing_left(&ended);
    let code = std::fs::read_to_string(s.path().join("code.txt")).unwrap_or_default();
    assert_eq!(code.trim(), "130", "{ended:?}");
    assert!(
        ended.stdout.contains("interrupted by SIGINT"),
        "{}",
        ended.stdout
    );
}

/// A step whose orphans exit on their own while it keeps running, then `ready`.
const ORPHANS: &str = "version: 1\njobs:\n  o:\n    steps: ['(sleep 0.05 &); (sleep 0.05 &); (sleep 0.05 &); sleep 0.3; echo $$ > pids; sleep 30']\n";

/// Waits (bounded, well before the step ends) until `pid` has no zombie children.
fn zombies_reaped_while_the_step_runs(pid: i32) {
    let end = std::time::Instant::now() + Duration::from_secs(3);
    loop {
        let z = zombie_children(pid);
        if z.is_empty() {
            return;
        }
        assert!(
            std::time::Instant::now() < end,
            "orphans left as zombies of cigen: {z:?}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn orphans_that_exit_on_their_own_are_reaped() {
    let s = Scenario::new("reap", ORPHANS);
    let child = s.spawn(&["run"]);
    let pid = child.id() as i32;
    s.wait_for("the step", || s.pids("pids").len() == 1);
    zombies_reaped_while_the_step_runs(pid);
    assert!(state(pid).is_some(), "the step ended early");
    signal(pid, libc::SIGTERM);
    let ended = wait(child, HANG_LIMIT);
    s.assert_nothing_left(&ended);
    assert_eq!(ended.code, 143);
}

/// `unshare` arguments that give a new pid namespace with its own /proc here, if any do.
fn pid_namespace() -> Option<Vec<&'static str>> {
    let tries: [&[&str]; 2] = [
        &["unshare", "--pid", "--fork", "--mount-proc"],
        &[
            "unshare",
            "--user",
            "--map-root-user",
            "--pid",
            "--fork",
            "--mount-proc",
        ],
    ];
    tries.into_iter().find_map(|t| {
        let ok = std::process::Command::new(t[0])
            .args(&t[1..])
            .args(["sh", "-c", "[ $$ = 1 ]"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| t.to_vec())
    })
}

#[test]
fn cigen_as_pid_1_reaps_orphans_and_handles_sigterm() {
    let Some(unshare) = pid_namespace() else {
        // The reaping code is the same as a subreaper's, which the test above exercises.
        eprintln!("skipped: no pid namespace available here (unshare --pid)");
        return;
    };
    let s = Scenario::new("pid1", ORPHANS);
    let mut cmd = crate::test::scrubbed(unshare[0]);
    cmd.args(&unshare[1..])
        .arg(crate::test::cigen_bin())
        .arg("run")
        .current_dir(s.path())
        .env(crate::process_harness::MARK, &s.mark)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let child = cmd.spawn().unwrap();
    let unshare_pid = child.id() as i32;
    s.wait_for("the step", || s.pids("pids").len() == 1);
    // cigen is unshare's child (PID 1 inside): find it from outside.
    let cigen = std::fs::read_to_string(format!("/proc/{unshare_pid}/task/{unshare_pid}/children"))
        .unwrap_or_default()
        .split_whitespace()
        .find_map(|p| p.parse::<i32>().ok())
        .expect("cigen under unshare");
    let nspid = std::fs::read_to_string(format!("/proc/{cigen}/status")).unwrap_or_default();
    assert!(
        nspid
            .lines()
            .any(|l| l.starts_with("NSpid:") && l.trim_end().ends_with("\t1")),
        "cigen is not PID 1: {nspid}"
    );
    zombies_reaped_while_the_step_runs(cigen);
    signal(cigen, libc::SIGTERM);
    let ended = wait(child, HANG_LIMIT);
    s.assert_nothing_left(&ended);
    assert_eq!(ended.code, 143, "{ended:?}");
}
