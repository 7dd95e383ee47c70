//! Unix supervision of one step: no terminal, output, timeout, cancellation, no leftovers.
//!
//! Invariants: the step's group is signalled only while its leader is unreaped (a zombie still
//! holds the pid, so neither the group nor the session id can be reused by someone else); every
//! signal but SIGKILL is followed by SIGCONT, so a stopped process can act on it; when the leader
//! exits, whatever is left of the step (found by `supervise.rs`: on Linux its whole tree, even
//! what left the group or the session) gets SIGTERM, a short grace, then SIGKILL, so
//! background processes never outlive their step and never keep us waiting on a pipe.

use std::io;
use std::os::fd::AsRawFd;
use std::os::unix::process::ExitStatusExt;
use std::process::ExitStatus;
use std::time::{Duration, Instant};

use super::cancel::{CancelState, CancelToken};
use super::launch::Launch;
use super::process::{Ending, SIGKILL, SIGTERM};
use super::spawn;
use super::supervise::{self, Mode, Supervisor};

/// How long background processes get to exit after their step's leader exited.
const STRAGGLER_GRACE: Duration = Duration::from_millis(500);
/// How long to keep reading after SIGKILL (something that escaped the group may hold the pipe).
const DRAIN_LIMIT: Duration = Duration::from_millis(200);
/// Read size: enough for steady throughput; small, since every running step holds one.
const READ_BUF: usize = 16 * 1024;
/// Wake-up interval to notice cancellation (and, without a pidfd, a leader that exited while
/// the pipe stays open).
const TICK: Duration = Duration::from_millis(25);

/// How long to keep sending SIGKILL to a step's processes that keep appearing.
#[cfg(target_os = "linux")]
const KILL_LIMIT: Duration = Duration::from_secs(2);

fn signal_group(pgid: i32, sig: i32) {
    // SAFETY: kill(2) with a negative pid signals a process group; no memory is involved.
    unsafe {
        libc::kill(-pgid, sig);
        if sig != SIGKILL {
            libc::kill(-pgid, libc::SIGCONT);
        }
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

/// Waits up to `timeout` for the output pipe or the leader's pidfd (a negative fd is left
/// out) to become readable: (output ready, leader exited).
fn poll_readable(fd: i32, pidfd: i32, timeout: Duration) -> (bool, bool) {
    let mut p = [fd, pidfd].map(|fd| libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    });
    // Round up: a deadline 0.4 ms away must not spin with a zero timeout.
    let ms = timeout.as_micros().div_ceil(1000).min(i32::MAX as u128) as i32;
    // SAFETY: two pollfds we own; poll ignores negative fds.
    let r = unsafe { libc::poll(p.as_mut_ptr(), 2, ms) };
    (r > 0 && p[0].revents != 0, r > 0 && p[1].revents != 0)
}

/// A descriptor that becomes readable when `pid` exits (Linux 5.3+), so the end of a step
/// is noticed when it happens instead of by polling; `None` elsewhere or on older kernels.
fn pidfd_open(pid: i32) -> Option<std::os::fd::OwnedFd> {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::FromRawFd;
        // SAFETY: pidfd_open takes plain integers; a non-negative result is a new descriptor
        // that we own from here on.
        let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) };
        (fd >= 0).then(|| unsafe { std::os::fd::OwnedFd::from_raw_fd(fd as i32) })
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = pid;
        None
    }
}

thread_local! {
    /// The worker thread's read buffer, lent to one step at a time: a step does not allocate
    /// and zero 16 KiB anew (a worker runs thousands of steps in a long chain).
    static SPARE: std::cell::Cell<Vec<u8>> = const { std::cell::Cell::new(Vec::new()) };
}

/// A read buffer of `READ_BUF` bytes, given back to the thread's spare when dropped.
struct ReadBuf(Vec<u8>);

impl ReadBuf {
    fn take() -> ReadBuf {
        let mut v = SPARE.with(std::cell::Cell::take);
        v.resize(READ_BUF, 0);
        ReadBuf(v)
    }
}

impl Drop for ReadBuf {
    fn drop(&mut self) {
        SPARE.with(|s| s.set(std::mem::take(&mut self.0)));
    }
}

impl std::ops::Deref for ReadBuf {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl std::ops::DerefMut for ReadBuf {
    fn deref_mut(&mut self) -> &mut [u8] {
        &mut self.0
    }
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

/// One running step: its leader (also its group id, and its session id with a new session)
/// and its tag.
struct Step {
    pid: i32,
    tag: String,
    sup: &'static Supervisor,
}

impl Step {
    /// Sends `sig` (and SIGCONT) to the whole step while the leader runs.
    fn signal(&self, sig: i32) {
        signal_group(self.pid, sig);
        #[cfg(target_os = "linux")]
        if self.sup.mode == Mode::Tree {
            self.sup.sweep(self.pid, &self.tag, true, sig);
        }
    }

    /// Once the leader exited: sends `sig` to what is left; false when nothing is.
    fn signal_rest(&self, sig: i32) -> bool {
        match self.sup.mode {
            #[cfg(target_os = "linux")]
            Mode::Tree => self.sup.sweep(self.pid, &self.tag, false, sig) > 0,
            _ => {
                // The group cannot be counted (the unreaped leader is in it): assume leftovers.
                signal_group(self.pid, sig);
                true
            }
        }
    }

    /// Whether anything of the step is still alive after the leader exited.
    fn remains(&self) -> bool {
        match self.sup.mode {
            #[cfg(target_os = "linux")]
            Mode::Tree => self.sup.sweep(self.pid, &self.tag, false, 0) > 0,
            _ => false,
        }
    }

    /// SIGKILL to everything of the step, repeated while killing parents re-parents children.
    fn kill(&self) {
        signal_group(self.pid, SIGKILL);
        #[cfg(target_os = "linux")]
        if self.sup.mode == Mode::Tree {
            let end = Instant::now() + KILL_LIMIT;
            while self.sup.sweep(self.pid, &self.tag, true, SIGKILL) > 0 && Instant::now() < end {
                std::thread::sleep(Duration::from_millis(1));
            }
        }
    }
}

/// Runs `launch` with stdout and stderr on one pipe, stdin from /dev/null, in a process group
/// (or session) of its own without a controlling terminal; the child's environment is
/// exactly the launch's (see `spawn.rs`).
/// `on_output` gets raw chunks in order; `on_idle` is called each time a wait for the step
/// ends with nothing to read and the step still running, about every 25 ms of quiet (a step
/// that ends at once never calls it). Returns how it ended and the leader's status.
pub(crate) fn run(
    launch: &Launch<'_>,
    deadline: Option<Instant>,
    grace: Duration,
    cancel: &CancelToken,
    on_output: &mut dyn FnMut(&[u8]),
    on_idle: &mut dyn FnMut(),
) -> io::Result<(Ending, ExitStatus)> {
    let sup = supervise::get();
    let mut waited = |nothing_came: bool| {
        if nothing_came {
            on_idle();
        }
    };
    let (reader, writer) = os_pipe::pipe()?;
    let tag = sup.next_tag();
    let pid = sup.spawn_leader(|| spawn::spawn(launch, writer.as_raw_fd(), &tag, sup.session))?;
    // Drop our copy of the write end, or the pipe never reaches EOF.
    drop(writer);
    let step = Step { pid, tag, sup };
    let fd = reader.as_raw_fd();
    let mut buf = ReadBuf::take();
    let mut ending: Option<Ending> = None;
    let mut term_sent = false;
    let mut kill_at: Option<Instant> = None;
    let mut killed = false;
    let mut leader_done = false;
    // Whether something of the step may have outlived its leader.
    let mut leftovers = false;
    let mut eof = false;
    let mut drain_until: Option<Instant> = None;
    // Usually the leader becomes a zombie microseconds after EOF; start polling fast (when
    // there is no pidfd to wait on).
    let mut eof_wait = Duration::from_micros(20);
    let pidfd = pidfd_open(pid);
    let pfd = pidfd.as_ref().map_or(-1, |f| f.as_raw_fd());
    // The pidfd said the leader exited (or there is none: ask at every turn).
    let mut exit_seen = pidfd.is_none();
    loop {
        let now = Instant::now();
        if !leader_done && !term_sent {
            match cancel.state() {
                CancelState::Running => {}
                CancelState::Graceful(sig) => {
                    step.signal(sig);
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
                step.signal(SIGTERM);
                term_sent = true;
                kill_at = Some(now + grace);
                ending = Some(Ending::TimedOut);
            }
        }
        if term_sent && !killed && cancel.state() == CancelState::Kill {
            kill_at = Some(now);
        }
        if !leader_done && exit_seen && leader_exited(pid) {
            leader_done = true;
            // Whatever is left is a background process of a finished step.
            leftovers = step.signal_rest(if killed { SIGKILL } else { SIGTERM });
            let limit = now + STRAGGLER_GRACE;
            kill_at = Some(kill_at.map_or(limit, |k| k.min(limit)));
        }
        if !killed && kill_at.is_some_and(|k| now >= k) {
            step.kill();
            killed = true;
            drain_until = Some(now + DRAIN_LIMIT);
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
        if eof {
            // Done once the leader exited and nothing it left behind is alive (killed: gone).
            if leader_done && (killed || !leftovers || !step.remains()) {
                break;
            }
            if !leader_done && pfd >= 0 {
                // The output is over: wait for the leader itself, woken when it exits.
                let exited = poll_readable(-1, pfd, wait).1;
                exit_seen |= exited;
                waited(!exited);
                continue;
            }
            std::thread::sleep(eof_wait);
            waited(eof_wait >= TICK);
            eof_wait = (eof_wait * 2).min(TICK);
            continue;
        }
        if drain_until.is_some_and(|d| now >= d) && leader_done {
            break;
        }
        // Once the leader exited its pidfd stays readable: leave it out then.
        let (ready, exited) = poll_readable(fd, if leader_done { -1 } else { pfd }, wait);
        exit_seen |= exited;
        waited(!ready && !exited);
        if ready {
            // A read error must not leave the step unsupervised: treat it as the end of output.
            let n = read_chunk(fd, &mut buf).unwrap_or(0);
            if n == 0 {
                eof = true;
            } else {
                on_output(&buf[..n]);
            }
        }
    }
    // Nothing of this step may outlive it, even what closed its output early. Without a way
    // to count the group's members (process groups only) it always gets SIGKILL.
    if !killed && (leftovers || step.sup.mode != Mode::Tree) {
        step.kill();
    }
    let status = sup.reap_leader(pid)?;
    Ok((
        ending.unwrap_or(Ending::Exited(ExitStatus::from_raw(status))),
        ExitStatus::from_raw(status),
    ))
}
