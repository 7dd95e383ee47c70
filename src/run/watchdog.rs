//! The watchdog: stops a run's steps when cigen itself dies without cleaning up (SIGKILL from
//! a runner escalating a cancel, the OOM killer, a crash).
//!
//! A parent-death signal would need `pre_exec` (fork + exec for every step, about twice the
//! cost of posix_spawn) and would reach only the step's leader, never what the leader started.
//! Instead each run starts one small process (this binary, `cigen __cigen-watchdog`) in a
//! process group of its own, holding the read end of a pipe whose only write end is cigen's
//! (close-on-exec, so no step holds it). It blocks on that pipe. On a clean exit cigen writes
//! `DONE` first; end-of-file without it means cigen is gone, and the watchdog sends SIGTERM and
//! SIGCONT to every process whose environment carries one of the run's step tags, waits up to
//! the grace period (at most 2 s) and SIGKILLs what is left. Processes that cleared or
//! rewrote their environment are out of its reach (README "Processes").

use std::io::{self, Read};
use std::process::{ChildStdin, Command, Stdio};
use std::time::{Duration, Instant};

use super::proc_tree::{all_pids, has_run, stat, tags};

/// The hidden first argument that turns `cigen` into a watchdog.
pub const ARG: &str = "__cigen-watchdog";
/// What cigen writes before a clean exit.
pub(crate) const DONE: &[u8] = b"done\n";
/// The most the watchdog waits between SIGTERM and SIGKILL: whoever killed cigen wants it gone.
const MAX_GRACE: Duration = Duration::from_secs(2);

/// Starts the watchdog for run `run`; returns its pid and the pipe to tell it `DONE`.
pub(crate) fn spawn(run: &str, grace: Duration) -> io::Result<(i32, ChildStdin)> {
    use std::os::unix::process::CommandExt;
    let exe = std::env::current_exe()?;
    let mut child = Command::new(exe)
        .args([ARG, run, &grace.as_millis().to_string()])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        // Out of cigen's process group: a runner that kills the group still leaves it to act.
        .process_group(0)
        .spawn()?;
    let stdin = child.stdin.take().ok_or(io::ErrorKind::BrokenPipe)?;
    // Never waited for: it exits on its own once cigen is gone (and is reaped by init then).
    Ok((child.id() as i32, stdin))
}

/// The watchdog's `main`: `args` are what follows [`ARG`]. Returns the exit code.
pub fn main(args: &[String]) -> i32 {
    let (Some(run), Some(grace)) = (args.first(), args.get(1)) else {
        return 2;
    };
    let grace = Duration::from_millis(grace.parse().unwrap_or(0)).min(MAX_GRACE);
    let mut said = Vec::new();
    let _ = io::stdin().lock().read_to_end(&mut said);
    if said.ends_with(DONE) {
        return 0;
    }
    stop_run(run, grace);
    0
}

/// Every live process carrying a tag of `run`, except this one.
fn tagged(run: &str) -> Vec<i32> {
    let me = std::process::id() as i32;
    all_pids()
        .into_iter()
        .filter(|p| *p != me)
        .filter(|p| tags(*p).is_some_and(|t| has_run(&t, run)))
        .collect()
}

fn signal(pids: &[i32], sig: i32) {
    for p in pids {
        // SAFETY: kill(2) with plain integers.
        unsafe {
            libc::kill(*p, sig);
            if sig != libc::SIGKILL {
                libc::kill(*p, libc::SIGCONT);
            }
        }
    }
}

/// SIGTERM (and SIGCONT), up to `grace` to exit, then SIGKILL until nothing is left.
pub(crate) fn stop_run(run: &str, grace: Duration) {
    let first = tagged(run);
    if first.is_empty() {
        return;
    }
    signal(&first, libc::SIGTERM);
    let end = Instant::now() + grace;
    while Instant::now() < end && first.iter().any(|p| stat(*p).is_some_and(|s| !s.dead())) {
        std::thread::sleep(Duration::from_millis(20));
    }
    // Killing a parent re-parents its children before they are killed: a few rounds.
    for _ in 0..50 {
        let left = tagged(run);
        if left.is_empty() {
            return;
        }
        signal(&left, libc::SIGKILL);
        std::thread::sleep(Duration::from_millis(10));
    }
}
