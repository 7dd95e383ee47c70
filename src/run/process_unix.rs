//! Unix supervision of one step: its own process group, output, timeout, cancellation, no orphans.
//!
//! Invariants: the group is signalled only while its leader is unreaped (a zombie still
//! holds the pgid, so the id cannot be reused by someone else); when the leader exits, the
//! rest of the group gets SIGTERM, then SIGKILL, so background processes never outlive
//! their step and never keep us waiting on a pipe they hold open.

use std::io;
use std::os::fd::AsRawFd;
use std::os::unix::process::CommandExt;
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use super::cancel::{CancelState, CancelToken};
use super::process::{Ending, SIGKILL, SIGTERM};

/// How long background processes get to exit after their step's leader exited.
const STRAGGLER_GRACE: Duration = Duration::from_millis(500);
/// How long to keep reading after SIGKILL (something that escaped the group may hold the pipe).
const DRAIN_LIMIT: Duration = Duration::from_millis(200);
/// Read size: enough for steady throughput; small, since every running step holds one.
const READ_BUF: usize = 16 * 1024;
/// Wake-up interval to notice cancellation and a leader that exited while the pipe stays open.
const TICK: Duration = Duration::from_millis(25);

fn signal_group(pgid: i32, sig: i32) {
    // SAFETY: kill(2) with a negative pid signals a process group; no memory is involved.
    unsafe {
        libc::kill(-pgid, sig);
    }
}

/// Whether the leader has exited, without reaping it (so the pgid stays reserved).
fn leader_exited(pid: i32) -> bool {
    // SAFETY: waitid writes only into the zeroed siginfo we own.
    unsafe {
        let mut info: libc::siginfo_t = std::mem::zeroed();
        let r = libc::waitid(
            libc::P_PID,
            pid as libc::id_t,
            &mut info,
            libc::WEXITED | libc::WNOHANG | libc::WNOWAIT,
        );
        r == 0 && info.si_pid() != 0
    }
}

/// Waits up to `timeout` for the fd to become readable (or hang up).
fn poll_readable(fd: i32, timeout: Duration) -> bool {
    let mut p = libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    };
    let ms = timeout.as_millis().min(i32::MAX as u128) as i32;
    // SAFETY: one valid pollfd.
    let r = unsafe { libc::poll(&mut p, 1, ms) };
    r > 0
}

fn read_chunk(fd: i32, buf: &mut [u8]) -> io::Result<usize> {
    loop {
        // SAFETY: reading into a buffer we own, bounded by its length.
        let n = unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) };
        if n >= 0 {
            return Ok(n as usize);
        }
        let e = io::Error::last_os_error();
        if e.kind() != io::ErrorKind::Interrupted {
            return Err(e);
        }
    }
}

/// Runs `cmd` (consumed) with stdout and stderr on one pipe, stdin from /dev/null.
/// `on_output` gets raw chunks in order. Returns how it ended and the leader's status.
pub(crate) fn run(
    mut cmd: Command,
    deadline: Option<Instant>,
    grace: Duration,
    cancel: &CancelToken,
    on_output: &mut dyn FnMut(&[u8]),
) -> io::Result<(Ending, ExitStatus)> {
    let (reader, writer) = os_pipe::pipe()?;
    cmd.stdin(Stdio::null())
        .stdout(writer.try_clone()?)
        .stderr(writer)
        .process_group(0);
    let mut child = cmd.spawn()?;
    // Drop our copies of the write end, or the pipe never reaches EOF.
    drop(cmd);
    let pid = child.id() as i32;
    let fd = reader.as_raw_fd();
    let mut buf = vec![0u8; READ_BUF];
    let mut ending: Option<Ending> = None;
    let mut term_sent = false;
    let mut kill_at: Option<Instant> = None;
    let mut killed = false;
    let mut leader_done = false;
    let mut eof = false;
    let mut drain_until: Option<Instant> = None;
    // Usually the leader becomes a zombie microseconds after EOF; start polling fast.
    let mut eof_wait = Duration::from_micros(20);
    loop {
        let now = Instant::now();
        if !leader_done && !term_sent {
            match cancel.state() {
                CancelState::Running => {}
                CancelState::Graceful(sig) => {
                    signal_group(pid, sig);
                    term_sent = true;
                    kill_at = Some(now + grace);
                    ending.get_or_insert(Ending::Cancelled);
                }
                CancelState::Kill => {
                    term_sent = true;
                    kill_at = Some(now);
                    ending.get_or_insert(Ending::Cancelled);
                }
            }
            if !term_sent && deadline.is_some_and(|d| now >= d) {
                signal_group(pid, SIGTERM);
                term_sent = true;
                kill_at = Some(now + grace);
                ending = Some(Ending::TimedOut);
            }
        }
        if term_sent && !killed && cancel.state() == CancelState::Kill {
            kill_at = Some(now);
        }
        if !leader_done && leader_exited(pid) {
            leader_done = true;
            // Whatever is left in the group is a background process of a finished step.
            signal_group(pid, SIGTERM);
            let limit = now + STRAGGLER_GRACE;
            kill_at = Some(kill_at.map_or(limit, |k| k.min(limit)));
        }
        if !killed && kill_at.is_some_and(|k| now >= k) {
            signal_group(pid, SIGKILL);
            killed = true;
            drain_until = Some(now + DRAIN_LIMIT);
        }
        if eof {
            if leader_done {
                break;
            }
            // The pipe closed but the leader still runs (it closed its output): wait for it.
            std::thread::sleep(eof_wait);
            eof_wait = (eof_wait * 2).min(TICK);
            continue;
        }
        if drain_until.is_some_and(|d| now >= d) && leader_done {
            break;
        }
        let mut wait = TICK;
        for t in [
            deadline.filter(|_| !term_sent),
            kill_at.filter(|_| !killed),
            drain_until,
        ]
        .into_iter()
        .flatten()
        {
            wait = wait.min(t.saturating_duration_since(now));
        }
        if poll_readable(fd, wait) {
            let n = read_chunk(fd, &mut buf)?;
            if n == 0 {
                eof = true;
            } else {
                on_output(&buf[..n]);
            }
        }
    }
    // Nothing of this step may outlive it, even what closed its output early.
    if !killed {
        signal_group(pid, SIGKILL);
    }
    let status = child.wait()?;
    Ok((ending.unwrap_or(Ending::Exited(status)), status))
}
