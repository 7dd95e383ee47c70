//! `cigen run` process supervision: timeouts, background processes, signals, retries.

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::run::row;
use crate::test::{cigen_bin, scrubbed, Test};

/// Whether a process is gone (or a zombie about to be reaped by init).
fn dead(pid: i32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        Ok(stat) => stat
            .rsplit(')')
            .next()
            .is_some_and(|rest| rest.trim_start().starts_with('Z')),
    }
}

/// Waits (bounded) until every pid is dead; returns the ones still alive.
fn wait_dead(pids: &[i32]) -> Vec<i32> {
    let end = Instant::now() + Duration::from_secs(3);
    loop {
        let alive: Vec<i32> = pids.iter().copied().filter(|p| !dead(*p)).collect();
        if alive.is_empty() || Instant::now() > end {
            return alive;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn pids(path: &Path) -> Vec<i32> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .split_whitespace()
        .filter_map(|p| p.parse().ok())
        .collect()
}

#[test]
fn step_timeout_kills_the_whole_group() {
    let t = Test::new()
        .spec("version: 1\njobs:\n  slow:\n    steps:\n      - run: 'sleep 30 & echo $! > bg.pid; echo $$ > sh.pid; sleep 30'\n        timeout: 300ms\n      - echo never\n")
        .args(["run"]);
    let out = t.expect_code(1);
    assert_eq!(row(&out.stdout, "slow"), "slow timed-out 1 step `sleep 30 & echo $! > bg.pid; echo $$ > sh.pid; sleep 30`: step timed out after 300ms");
    assert!(!out.stdout.contains("never"), "{}", out.stdout);
    let all = [
        pids(&t.path().join("bg.pid")),
        pids(&t.path().join("sh.pid")),
    ]
    .concat();
    assert_eq!(all.len(), 2);
    assert_eq!(
        wait_dead(&all),
        Vec::<i32>::new(),
        "processes of the timed-out step survived"
    );
}

#[test]
fn job_timeout_stops_later_steps() {
    let out = Test::new().spec("version: 1\njobs:\n  j:\n    timeout: 300ms\n    steps: ['sleep 0.1', 'sleep 30', 'echo never']\n").args(["run"]).expect_code(1);
    assert_eq!(
        row(&out.stdout, "j"),
        "j timed-out 1 step `sleep 30`: job timed out after 300ms"
    );
}

#[test]
fn background_process_holding_the_pipe_does_not_hang_the_step() {
    let t = Test::new().spec("version: 1\njobs:\n  bg:\n    steps:\n      - 'sleep 30 & echo $! > bg.pid; echo leader done'\n      - echo second step\n").args(["run"]);
    let out = t.expect_code(0);
    assert!(
        out.stdout.contains("leader done") && out.stdout.contains("second step"),
        "{}",
        out.stdout
    );
    let bg = pids(&t.path().join("bg.pid"));
    assert_eq!(
        wait_dead(&bg),
        Vec::<i32>::new(),
        "background process outlived its step"
    );
}

/// Starts cigen in `dir`, waits until `ready` holds, then sends `signals` one by one.
fn run_and_signal(
    dir: &Path,
    args: &[&str],
    env: &[(&str, &str)],
    ready: impl Fn() -> bool,
    signals: &[i32],
) -> (i32, String) {
    let mut cmd = scrubbed(cigen_bin());
    cmd.args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let child = cmd.spawn().expect("spawn cigen");
    let pid = child.id() as i32;
    let end = Instant::now() + Duration::from_secs(10);
    while !ready() {
        assert!(Instant::now() < end, "jobs never got ready");
        std::thread::sleep(Duration::from_millis(20));
    }
    for s in signals {
        // SAFETY: signalling the child we spawned.
        unsafe { libc::kill(pid, *s) };
        std::thread::sleep(Duration::from_millis(100));
    }
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    let out = rx
        .recv_timeout(Duration::from_secs(20))
        .expect("cigen did not exit after the signals")
        .expect("wait");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn sigint_stops_every_process_and_exits_130() {
    let t = Test::new().spec(
        "version: 1\njobs:\n  a:\n    steps: ['sleep 30 & echo $! >> pids; echo $$ >> pids; sleep 30']\n  b:\n    steps: ['sleep 30 & echo $! >> pids; echo $$ >> pids; sleep 30']\n  c:\n    needs: [a]\n    steps: [echo never > c.txt]\n",
    );
    let file = t.path().join("pids");
    let (code, stdout) = run_and_signal(
        t.path(),
        &["run", "-j", "2"],
        &[],
        || pids(&file).len() == 4,
        &[libc::SIGINT],
    );
    assert_eq!(code, 130, "{stdout}");
    assert!(stdout.contains("interrupted by SIGINT"), "{stdout}");
    assert!(!t.path().join("c.txt").exists());
    assert_eq!(
        wait_dead(&pids(&file)),
        Vec::<i32>::new(),
        "processes of the run survived SIGINT"
    );
}

#[test]
fn second_sigint_kills_what_ignores_the_first() {
    let t = Test::new().spec("version: 1\njobs:\n  stubborn:\n    steps: [\"trap '' INT TERM; echo $$ > pid; sleep 30 & wait\"]\n");
    let file = t.path().join("pid");
    // A grace period far beyond the test's patience: only the second signal can end it in time.
    let (code, stdout) = run_and_signal(
        t.path(),
        &["run"],
        &[("CIGEN_KILL_GRACE", "1m")],
        || pids(&file).len() == 1,
        &[libc::SIGINT, libc::SIGINT],
    );
    assert_eq!(code, 130, "{stdout}");
    assert_eq!(wait_dead(&pids(&file)), Vec::<i32>::new());
}

#[test]
fn sigterm_exits_143() {
    let t = Test::new().spec("version: 1\njobs:\n  a:\n    steps: ['echo $$ > pid; sleep 30']\n");
    let file = t.path().join("pid");
    let (code, _) = run_and_signal(
        t.path(),
        &["run"],
        &[],
        || pids(&file).len() == 1,
        &[libc::SIGTERM],
    );
    assert_eq!(code, 143);
    assert_eq!(wait_dead(&pids(&file)), Vec::<i32>::new());
}

const FLAKY: &str = "n=$(cat count 2>/dev/null || echo 0); n=$((n+1)); echo $n > count; echo attempt $n; [ $n -ge 2 ]";

#[test]
fn retry_passes_on_second_attempt_and_is_flaky() {
    let spec = format!("version: 1\njobs:\n  f:\n    steps:\n      - name: flaky step\n        run: '{FLAKY}'\n        retry: {{ attempts: 3, backoff: fixed, delay: 10ms }}\n");
    let t = Test::new().spec(&spec).args(["run"]);
    let out = t.expect_code(0);
    assert_eq!(
        row(&out.stdout, "f"),
        "f flaky 2 passed after a failed attempt"
    );
    assert!(
        out.stdout.contains("↻ retrying flaky step in"),
        "{}",
        out.stdout
    );
    assert_eq!(
        std::fs::read_to_string(t.path().join("count"))
            .unwrap()
            .trim(),
        "2"
    );
}

#[test]
fn retry_gives_up_after_all_attempts() {
    let out = Test::new()
        .spec("version: 1\njobs:\n  f:\n    retry: { attempts: 3, backoff: exponential, delay: 5ms, max_delay: 10ms }\n    steps: [{ name: always, run: 'exit 4' }]\n")
        .args(["run"])
        .expect_code(1);
    assert_eq!(
        row(&out.stdout, "f"),
        "f failed 3 step `always` failed: exit 4 after 3 attempts"
    );
}

#[test]
fn no_retry_after_cancellation() {
    let spec = "version: 1\njobs:\n  boom:\n    steps: ['until [ -f tries ]; do sleep 0.01; done; exit 1']\n  retrying:\n    steps:\n      - run: 'echo x >> tries; exit 1'\n        retry: { attempts: 5, backoff: fixed, delay: 3s }\n";
    let t = Test::new().spec(spec).args(["run", "-j", "2"]);
    let out = t.expect_code(1);
    assert_eq!(
        std::fs::read_to_string(t.path().join("tries")).unwrap(),
        "x\n",
        "{}",
        out.stdout
    );
    assert_eq!(
        row(&out.stdout, "retrying"),
        "retrying cancelled 1 `boom` failed (fail-fast; --keep-going runs independent jobs)"
    );
}

/// Children of `pid` that are zombies (exited, not reaped).
fn zombie_children(pid: i32) -> Vec<i32> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(child) = entry.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{child}/stat")) else {
            continue;
        };
        let rest: Vec<&str> = stat
            .rsplit(')')
            .next()
            .unwrap_or("")
            .split_whitespace()
            .collect();
        if rest.first() == Some(&"Z")
            && rest.get(1).and_then(|p| p.parse::<i32>().ok()) == Some(pid)
        {
            out.push(child);
        }
    }
    out
}

#[test]
fn finished_steps_leave_no_zombies_behind() {
    let t = Test::new().spec("version: 1\njobs:\n  a:\n    steps:\n      - 'sleep 30 & echo $! > bg.pid; echo first'\n      - 'true'\n      - 'echo x > ready; sleep 0.5'\n  b:\n    steps: ['true', 'echo y > ready_b; sleep 0.5']\n");
    let mut cmd = scrubbed(cigen_bin());
    cmd.args(["run", "-j", "2"])
        .current_dir(t.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let mut child = cmd.spawn().unwrap();
    let end = Instant::now() + Duration::from_secs(10);
    while !(t.path().join("ready").exists() && t.path().join("ready_b").exists()) {
        assert!(Instant::now() < end, "steps never got ready");
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(
        zombie_children(child.id() as i32),
        Vec::<i32>::new(),
        "earlier steps were not reaped"
    );
    assert!(child.wait().unwrap().success());
    assert_eq!(
        wait_dead(&pids(&t.path().join("bg.pid"))),
        Vec::<i32>::new()
    );
}

/// The watchdog (`cigen __cigen-watchdog RUN GRACE_MS`, started by every run): end-of-file
/// on its stdin without `done` stops the run's tagged processes; `done` leaves them, and
/// another run's processes are never touched.
#[cfg(target_os = "linux")]
#[test]
fn the_watchdog_stops_a_run_whose_cigen_is_gone() {
    use std::io::Write;
    let tagged = |tag: &str| {
        std::process::Command::new("sleep")
            .arg("30")
            .env("CIGEN_RUN_TAG", tag)
            .spawn()
            .expect("sleep")
    };
    let watchdog = |run: &str, said: &str| {
        let mut w = scrubbed(cigen_bin())
            .args(["__cigen-watchdog", run, "100"])
            .stdin(Stdio::piped())
            .spawn()
            .expect("watchdog");
        w.stdin
            .take()
            .expect("stdin")
            .write_all(said.as_bytes())
            .expect("write");
        // The pipe closes here: end-of-file.
        let status = w.wait().expect("wait");
        assert!(status.success(), "{run} {said:?}: {status}");
    };
    let mut gone = tagged("wdrun1.1");
    let mut other = tagged("wdrun2.1");
    watchdog("wdrun1", "");
    // Reaped here (the watchdog only signals): it died of SIGTERM.
    let status = gone.wait().expect("wait");
    assert_eq!(
        std::os::unix::process::ExitStatusExt::signal(&status),
        Some(libc::SIGTERM)
    );
    // A clean exit leaves the run's processes, and wdrun1's end never touched wdrun2's.
    watchdog("wdrun2", "done\n");
    assert!(
        other.try_wait().expect("try_wait").is_none(),
        "wdrun2 was stopped"
    );
    other.kill().expect("kill");
    other.wait().expect("wait");
}
