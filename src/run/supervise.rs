//! What supervision shares across steps: how descendants are found (mode), the run's tag, the
//! registry of step leaders, the sweep that finds and signals what a step left behind, and the
//! reaping of orphans. See `README.md` beside this file ("Processes") for the design.
//!
//! On Linux, `start` makes cigen a child subreaper: whatever a step leaves behind when its
//! parent exits is re-parented to cigen (to its main thread) instead of to init, so it can
//! always be found in one `/proc` file. A step's leftovers are recognised by its process group
//! or session (the leader's pid, reserved while the leader is unreaped) or, for those that
//! left them (`setsid`, `setpgrp`), by the step's tag in their environment.

use std::io;
#[cfg(target_os = "linux")]
use std::sync::atomic::AtomicI32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock, RwLock};
use std::time::Duration;

/// How a step's descendants are found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Linux with its own `/proc` and `children` files: subreaper, whole trees, tags.
    #[cfg_attr(not(target_os = "linux"), allow(dead_code))]
    Tree,
    /// Elsewhere (macOS, or Linux without `CONFIG_PROC_CHILDREN`): the step's process group.
    Groups,
}

/// How often orphans that exit on their own are reaped while steps run.
#[cfg(target_os = "linux")]
const REAP_EVERY: Duration = Duration::from_millis(250);

pub(crate) struct Supervisor {
    pub mode: Mode,
    /// A new session per step only when cigen has a controlling terminal (`spawn.rs`).
    pub session: super::spawn::Session,
    /// This run's id, the first half of every step tag (`<run>.<n>`).
    run: String,
    seq: AtomicU64,
    /// Pids of step leaders not yet reaped by their supervisor: nobody else may reap them.
    leaders: Mutex<Vec<i32>>,
    /// Held shared while a leader is spawned and registered, exclusively (rarely) while an
    /// orphan is reaped or "no other step runs" is decided: a leader that exits before it is
    /// registered is neither reaped by mistake nor overlooked.
    gate: RwLock<()>,
    #[cfg(target_os = "linux")]
    linux: Linux,
}

#[cfg(target_os = "linux")]
struct Linux {
    /// `/proc/<pid>/task/<pid>/children`: orphans are re-parented to the main thread.
    orphans_file: String,
    /// That file, kept open and read again from the start each time (`read_orphans`).
    orphans: Mutex<Option<std::fs::File>>,
    /// cigen's own process group: a step's processes are never in it (each step starts a
    /// group of its own), so what is there was started by cigen itself and stays untouched.
    own_pgid: i32,
    /// As PID 1 (a container's entrypoint) every orphan is cigen's to reap.
    pid1: bool,
    watchdog: AtomicI32,
}

static SUPERVISOR: OnceLock<Supervisor> = OnceLock::new();

/// The run's supervisor; process groups only unless [`start`] set up more.
pub(crate) fn get() -> &'static Supervisor {
    SUPERVISOR.get_or_init(|| Supervisor::new(Mode::Groups))
}

/// Ends supervision of the run: tells the watchdog that cigen exits on purpose.
pub(crate) struct Guard {
    #[cfg(target_os = "linux")]
    watchdog: Option<std::process::ChildStdin>,
}

impl Drop for Guard {
    fn drop(&mut self) {
        #[cfg(target_os = "linux")]
        if let Some(mut w) = self.watchdog.take() {
            if !std::thread::panicking() {
                use std::io::Write;
                let _ = w.write_all(super::watchdog::DONE);
            }
        }
    }
}

/// Sets up supervision for this run; call once, before any step starts.
pub(crate) fn start(grace: Duration) -> Guard {
    #[cfg(target_os = "linux")]
    {
        let (sup, watchdog) = linux_start(grace);
        let _ = SUPERVISOR.set(sup);
        Guard { watchdog }
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = grace;
        let mut sup = Supervisor::new(Mode::Groups);
        sup.session = super::spawn::shed_terminal();
        let _ = SUPERVISOR.set(sup);
        Guard {}
    }
}

#[cfg(target_os = "linux")]
fn linux_start(grace: Duration) -> (Supervisor, Option<std::process::ChildStdin>) {
    let mut sup = Supervisor::new(Mode::Groups);
    sup.session = super::spawn::shed_terminal();
    let pid = std::process::id() as i32;
    // `/proc` must be this pid namespace's own (it is in every container runtime).
    let own_proc = std::fs::read_link("/proc/self")
        .ok()
        .and_then(|p| p.to_str()?.parse::<i32>().ok())
        == Some(pid);
    if !own_proc {
        return (sup, None);
    }
    let orphans_file = format!("/proc/{pid}/task/{pid}/children");
    // SAFETY: prctl with integer arguments; getpgrp reads our own process group.
    let subreaper = unsafe { libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) } == 0;
    if subreaper && std::fs::File::open(&orphans_file).is_ok() {
        sup.mode = Mode::Tree;
    }
    sup.linux = Linux {
        orphans_file,
        orphans: Mutex::new(None),
        own_pgid: unsafe { libc::getpgrp() },
        pid1: pid == 1,
        watchdog: AtomicI32::new(0),
    };
    // As PID 1 the kernel kills every process of the namespace when cigen dies.
    let watchdog = if pid == 1 {
        None
    } else {
        match super::watchdog::spawn(&sup.run, grace) {
            Ok((wpid, stdin)) => {
                sup.linux.watchdog.store(wpid, Ordering::Relaxed);
                Some(stdin)
            }
            Err(e) => {
                eprintln!(
                    "warning: cannot start the watchdog that stops steps if cigen is killed: {e}"
                );
                None
            }
        }
    };
    if sup.mode == Mode::Tree {
        let _ = std::thread::Builder::new()
            .name("reaper".into())
            .stack_size(64 * 1024)
            .spawn(|| loop {
                std::thread::sleep(REAP_EVERY);
                get().reap_orphans();
            });
    }
    (sup, watchdog)
}

impl Supervisor {
    fn new(mode: Mode) -> Self {
        Supervisor {
            mode,
            session: super::spawn::Session::New,
            run: format!("{:x}x{:08x}", std::process::id(), fastrand::u32(..)),
            seq: AtomicU64::new(0),
            leaders: Mutex::new(Vec::new()),
            gate: RwLock::new(()),
            #[cfg(target_os = "linux")]
            linux: Linux {
                orphans_file: String::new(),
                orphans: Mutex::new(None),
                own_pgid: 0,
                pid1: false,
                watchdog: AtomicI32::new(0),
            },
        }
    }

    /// A tag no other step of any run shares.
    pub(crate) fn next_tag(&self) -> String {
        format!("{}.{}", self.run, self.seq.fetch_add(1, Ordering::Relaxed))
    }

    fn leaders(&self) -> std::sync::MutexGuard<'_, Vec<i32>> {
        self.leaders.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Spawns a step leader with `f` and registers it, so only its supervisor reaps it.
    pub(crate) fn spawn_leader(&self, f: impl FnOnce() -> io::Result<i32>) -> io::Result<i32> {
        let _gate = self.gate.read().unwrap_or_else(|e| e.into_inner());
        let pid = f()?;
        self.leaders().push(pid);
        Ok(pid)
    }

    /// Reaps the leader (blocking) and unregisters it.
    pub(crate) fn reap_leader(&self, pid: i32) -> io::Result<i32> {
        let mut status = 0;
        let r = loop {
            // SAFETY: waiting for our own child; status is ours.
            let r = unsafe { libc::waitpid(pid, &mut status, 0) };
            if r >= 0 || io::Error::last_os_error().kind() != io::ErrorKind::Interrupted {
                break r;
            }
        };
        let err = (r < 0).then(io::Error::last_os_error);
        self.leaders().retain(|p| *p != pid);
        match err {
            Some(e) => Err(e),
            None => Ok(status),
        }
    }
}

#[cfg(target_os = "linux")]
impl Supervisor {
    /// The children of cigen's main thread: orphans, the watchdog, leaders it spawned.
    fn read_orphans(&self, list: &mut Vec<i32>) {
        let mut kept = self.linux.orphans.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(f) = kept.as_mut() {
            if super::proc_tree::reread_children(f, list) {
                return;
            }
            list.clear();
        }
        // Not open yet, or it failed: open it anew (and keep it when that works).
        *kept = std::fs::File::open(&self.linux.orphans_file).ok();
        let read = kept
            .as_mut()
            .is_some_and(|f| super::proc_tree::reread_children(f, list));
        if !read {
            list.clear();
            *kept = None;
            super::proc_tree::read_children(&self.linux.orphans_file, list);
        }
    }

    /// Reaps every orphan that has exited (an orphan exiting on its own leaves a zombie).
    pub(crate) fn reap_orphans(&self) {
        let mut list = Vec::new();
        self.read_orphans(&mut list);
        if list.is_empty() {
            return;
        }
        let leaders = self.leaders().clone();
        for c in list {
            if self.orphan(c, &leaders).is_some_and(|st| st.dead()) {
                self.reap(c);
            }
        }
    }

    /// Reaps an exited orphan, unless it is a leader whose registration was under way (only
    /// a leader spawned on the main thread could be listed): the gate waits for it.
    fn reap(&self, pid: i32) {
        let _gate = self.gate.write().unwrap_or_else(|e| e.into_inner());
        if !self.leaders().contains(&pid) {
            reap_now(pid);
        }
    }

    /// The stat of a child of the main thread that may be a step's orphan: not the watchdog,
    /// not a step leader (only its supervisor reaps it), not in cigen's own process group
    /// (cigen's own helpers; as PID 1, every orphan of the container is cigen's).
    fn orphan(&self, pid: i32, leaders: &[i32]) -> Option<super::proc_tree::Stat> {
        if pid == self.linux.watchdog.load(Ordering::Relaxed) || leaders.contains(&pid) {
            return None;
        }
        super::proc_tree::stat(pid).filter(|st| self.linux.pid1 || st.pgid != self.linux.own_pgid)
    }

    /// Finds what is left of the step led by `leader` (tagged `tag`): its subtree while
    /// `leader_alive`, and the orphans that are its (by group, session or tag; when no other
    /// step runs, every orphan), with their subtrees. Sends `sig` to
    /// each (then SIGCONT, so a stopped process can act on it; 0 sends nothing), reaps orphans
    /// that already exited, and returns how many live processes it found.
    pub(crate) fn sweep(&self, leader: i32, tag: &str, leader_alive: bool, sig: i32) -> usize {
        use super::proc_tree::{has_tag, subtree, tags};
        let mut roots = Vec::new();
        if leader_alive {
            roots.push(leader);
        }
        // No lock on the common path (nothing left): the gate is only taken to reap, and to
        // decide "no other step runs", where a spawn under way must count.
        let mut list = Vec::new();
        self.read_orphans(&mut list);
        if list.is_empty() && !leader_alive {
            return 0;
        }
        let leaders = self.leaders().clone();
        let mut unknown = Vec::new();
        for c in list {
            let Some(st) = self.orphan(c, &leaders) else {
                continue;
            };
            if st.dead() {
                self.reap(c);
            } else if st.pgid == leader
                || st.sid == leader
                || tags(c).is_some_and(|t| has_tag(&t, tag))
            {
                roots.push(c);
            } else {
                unknown.push(c);
            }
        }
        if !unknown.is_empty() {
            let _gate = self.gate.write().unwrap_or_else(|e| e.into_inner());
            if self.leaders().iter().all(|p| *p == leader) {
                roots.extend(unknown);
            }
        }
        if roots.is_empty() {
            return 0;
        }
        let victims = subtree(&roots);
        if sig != 0 {
            for v in &victims {
                // SAFETY: kill(2) with plain integers.
                unsafe {
                    libc::kill(*v, sig);
                    if sig != libc::SIGKILL {
                        libc::kill(*v, libc::SIGCONT);
                    }
                }
            }
        }
        victims.len()
    }
}

#[cfg(target_os = "linux")]
fn reap_now(pid: i32) {
    let mut status = 0;
    // SAFETY: reaping an orphan re-parented to us; WNOHANG never blocks.
    unsafe { libc::waitpid(pid, &mut status, libc::WNOHANG) };
}
