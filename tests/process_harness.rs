//! The harness of the process scenarios: runs the real cigen with a hard time limit, marks
//! every process it starts (an environment variable all descendants inherit), and proves that
//! none survives by scanning `/proc` for the mark, so a regression fails instead of hanging.

#![allow(dead_code)]

use std::os::fd::{FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::test::{cigen_bin, scrubbed, Test};

/// The variable every process of a scenario carries (steps keep it through `env -i` too).
pub const MARK: &str = "SCENARIO_MARK";
/// The longest any scenario's cigen may take before it counts as hung: shorter than the
/// `sleep 30` the scenarios start, so no process can pass by ending on its own.
pub const HANG_LIMIT: Duration = Duration::from_secs(25);
/// How long processes may take to disappear after cigen exited (a SIGKILLed cigen's
/// watchdog needs up to 2 s of grace; the box may be loaded).
pub const SETTLE: Duration = Duration::from_secs(10);

/// One scenario: a directory with a spec, a unique mark, and cleanup on drop.
pub struct Scenario {
    pub t: Test,
    pub mark: String,
    pub env: Vec<(String, String)>,
}

/// How cigen ended.
#[derive(Debug)]
pub struct Ended {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
}

impl Scenario {
    pub fn new(name: &str, spec: &str) -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        Scenario {
            t: Test::new().spec(spec),
            mark: format!("{name}-{}-{nanos}", std::process::id()),
            env: Vec::new(),
        }
    }

    pub fn env(mut self, k: &str, v: &str) -> Self {
        self.env.push((k.into(), v.into()));
        self
    }

    pub fn path(&self) -> &Path {
        self.t.path()
    }

    /// The cigen command for this scenario (scrubbed env, the mark, the scenario's env).
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = scrubbed(cigen_bin());
        cmd.args(args)
            .current_dir(self.path())
            .env(MARK, &self.mark)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        cmd
    }

    /// The cigen command started by a bash that leads a session with a terminal, as a shell
    /// would (bash writes cigen's exit code to `code.txt`); keep the master open while it runs.
    pub fn in_terminal(&self, args: &[&str], cigen_leads: bool) -> (Command, OwnedFd) {
        let mut cmd = self.command(args);
        if !cigen_leads {
            let mut shell = scrubbed("bash");
            shell
                .arg("-c")
                .arg("\"$0\" \"$@\"; echo $? > code.txt")
                .arg(cmd.get_program())
                .args(cmd.get_args())
                .current_dir(self.path())
                .env(MARK, &self.mark)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped());
            for (k, v) in &self.env {
                shell.env(k, v);
            }
            cmd = shell;
        }
        let master = with_terminal(&mut cmd);
        (cmd, master)
    }

    pub fn spawn(&self, args: &[&str]) -> Child {
        self.command(args).spawn().expect("spawn cigen")
    }

    /// Runs cigen to the end (bounded) and checks that nothing it started survives.
    pub fn run(&self, args: &[&str]) -> Ended {
        let child = self.spawn(args);
        let ended = wait(child, HANG_LIMIT);
        self.assert_nothing_left(&ended);
        ended
    }

    /// Waits until `ready` holds (bounded), e.g. until pid files are written.
    pub fn wait_for(&self, what: &str, ready: impl Fn() -> bool) {
        let end = Instant::now() + Duration::from_secs(20);
        while !ready() {
            assert!(Instant::now() < end, "scenario never got ready: {what}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Lines of a file in the scenario directory holding pids.
    pub fn pids(&self, file: &str) -> Vec<i32> {
        std::fs::read_to_string(self.path().join(file))
            .unwrap_or_default()
            .split_whitespace()
            .filter_map(|p| p.parse().ok())
            .collect()
    }

    /// Fails (with what is left) unless every marked process is gone within [`SETTLE`].
    pub fn assert_nothing_left(&self, ended: &Ended) {
        let left = settle(&self.mark);
        assert!(
            left.is_empty(),
            "processes survived the run: {}\n{ended:?}",
            describe(&left)
        );
    }
}

impl Drop for Scenario {
    /// A failed scenario must not leave its sleepers to the next one.
    fn drop(&mut self) {
        for p in marked(&self.mark) {
            // SAFETY: kill(2) on processes carrying this scenario's mark.
            unsafe { libc::kill(p, libc::SIGKILL) };
        }
    }
}

/// Waits for cigen (bounded); a hang kills it and fails the scenario.
pub fn wait(child: Child, limit: Duration) -> Ended {
    let start = Instant::now();
    let pid = child.id() as i32;
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    let Ok(out) = rx.recv_timeout(limit) else {
        // SAFETY: killing the cigen we spawned, which hung.
        unsafe { libc::kill(pid, libc::SIGKILL) };
        panic!("cigen did not finish within {limit:?}: hung");
    };
    let out = out.expect("wait for cigen");
    Ended {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        elapsed: start.elapsed(),
    }
}

/// `(state, ppid)` from `/proc/<pid>/stat`.
pub fn state(pid: i32) -> Option<(char, i32)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest: Vec<&str> = stat.rsplit(')').next()?.split_whitespace().collect();
    Some((rest.first()?.chars().next()?, rest.get(1)?.parse().ok()?))
}

/// Live (not zombie) processes whose environment holds `MARK=mark`.
pub fn marked(mark: &str) -> Vec<i32> {
    let needle = format!("{MARK}={mark}");
    let mut out = Vec::new();
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = e.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        let Ok(env) = std::fs::read(format!("/proc/{pid}/environ")) else {
            continue;
        };
        if env.split(|b| *b == 0).any(|kv| kv == needle.as_bytes())
            && state(pid).is_some_and(|(s, _)| s != 'Z' && s != 'X')
        {
            out.push(pid);
        }
    }
    out
}

/// Waits up to [`SETTLE`] for every marked process to be gone; returns the survivors.
/// Gone means two empty scans in a row: a process in the middle of `execve` shows an empty
/// environment for a moment, so one scan can miss it.
pub fn settle(mark: &str) -> Vec<i32> {
    let end = Instant::now() + SETTLE;
    let mut empty_before = false;
    loop {
        let left = marked(mark);
        if (left.is_empty() && empty_before) || Instant::now() > end {
            return left;
        }
        empty_before = left.is_empty();
        std::thread::sleep(Duration::from_millis(25));
    }
}

/// `pid: cmdline` for each, for failure messages.
pub fn describe(pids: &[i32]) -> String {
    pids.iter()
        .map(|p| {
            let cmd = std::fs::read(format!("/proc/{p}/cmdline"))
                .map(|c| String::from_utf8_lossy(&c).replace('\0', " "))
                .unwrap_or_default();
            format!("{p}: {}", cmd.trim())
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Zombie children of `pid` (exited, not reaped).
pub fn zombie_children(pid: i32) -> Vec<i32> {
    let mut out = Vec::new();
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(child) = e.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        if state(child) == Some(('Z', pid)) {
            out.push(child);
        }
    }
    out
}

/// Sends `sig` to `pid`.
pub fn signal(pid: i32, sig: i32) {
    // SAFETY: kill(2) with plain integers, on a process the scenario started.
    unsafe { libc::kill(pid, sig) };
}

/// Whether `pid` is gone or a zombie.
pub fn dead(pid: i32) -> bool {
    state(pid).is_none_or(|(s, _)| s == 'Z' || s == 'X')
}

/// Makes `cmd` start in a new session whose controlling terminal is a fresh pty (also its
/// stdin), as in an interactive shell. Keep the returned master open while it runs.
pub fn with_terminal(cmd: &mut Command) -> OwnedFd {
    // SAFETY: plain libc calls on a pty we own; the slave path is a CString made before fork.
    let (master, slave) = unsafe {
        let m = libc::posix_openpt(libc::O_RDWR | libc::O_NOCTTY);
        assert!(m >= 0, "no pty available");
        assert_eq!(libc::grantpt(m), 0);
        assert_eq!(libc::unlockpt(m), 0);
        let mut name = [0 as libc::c_char; 128];
        assert_eq!(libc::ptsname_r(m, name.as_mut_ptr(), name.len()), 0);
        (
            OwnedFd::from_raw_fd(m),
            std::ffi::CStr::from_ptr(name.as_ptr()).to_owned(),
        )
    };
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        cmd.stdin(Stdio::null()).pre_exec(move || {
            libc::setsid();
            let fd = libc::open(slave.as_ptr(), libc::O_RDWR);
            if fd < 0 || libc::ioctl(fd, libc::TIOCSCTTY, 0) < 0 {
                return Err(std::io::Error::last_os_error());
            }
            libc::dup2(fd, 0);
            Ok(())
        });
    }
    master
}

/// The controlling terminal of `pid` (0: none), from its stat.
pub fn tty_nr(pid: i32) -> Option<i64> {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()?
        .rsplit(')')
        .next()?
        .split_whitespace()
        .nth(4)?
        .parse()
        .ok()
}
