//! Starts a step's leader with no controlling terminal, stdout and stderr on one pipe, stdin
//! from /dev/null, and the step's tag in its environment.
//!
//! No terminal, at the least cost per step: without a controlling terminal (CI, most
//! containers) the leader only starts a process group of its own (`Session::Inherit`): there
//! is no terminal to lose. With one (a laptop shell), cigen on Linux first drops *its own* tie
//! to the terminal (`TIOCNOTTY`, see [`shed_terminal`]), so steps again need only a group.
//! Only where that is impossible (cigen leads its session, e.g. `docker run -t`; macOS) does
//! each leader start a session of its own (`Session::New`): Linux creates a scheduler
//! autogroup at every `setsid`, which cost 0.8 ms per step in a 1,000-step chain under a pty
//! on the loaded 2-core dev box (2.0 ms against 1.1 ms mean per spawn of `true`).
//!
//! Why by hand: std's `Command` has no stable way to ask for a new session, and
//! `pre_exec(setsid)` makes it fork + exec instead of `posix_spawn`, which costs about twice as
//! much per step (1.2 ms against 0.56 ms median for `true` from a 12 MB process). glibc (2.26+)
//! and musl start a new session inside `posix_spawn` (`POSIX_SPAWN_SETSID`), so on Linux the
//! leader is spawned directly; elsewhere (macOS) std is used, with `pre_exec(setsid)` only for
//! a new session. That portable path is compiled and tested on Linux too.
//!
//! The [`Launch`] carries the program, arguments, directory and the *whole* environment: the
//! child gets exactly those variables, so the spawned process never depends on cigen's own
//! environment.

use std::io;
use std::os::fd::RawFd;
use std::os::unix::ffi::OsStrExt;
use std::process::Command;

use super::launch::Launch;

/// Whether the leader starts a new session or only a new process group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Session {
    New,
    Inherit,
}

/// The variable that marks every process of a step, inherited by whatever it starts.
/// Its value is space-separated tags, one per enclosing `cigen run`: `<run>.<step>`.
pub(crate) const TAG_VAR: &str = "CIGEN_RUN_TAG";

/// The value of [`TAG_VAR`] for the child: `tag` appended to any inherited tag list.
fn tag_value(l: &Launch<'_>, tag: &str) -> String {
    match l.env.get(TAG_VAR) {
        Some(outer) if !outer.is_empty() => format!("{outer} {tag}"),
        _ => tag.to_string(),
    }
}

/// Starts `l` as described above, writing stdout and stderr to `out`. Returns the pid, which
/// is also the new process group's id (and the new session's, with `Session::New`).
pub(crate) fn spawn(l: &Launch<'_>, out: RawFd, tag: &str, session: Session) -> io::Result<i32> {
    #[cfg(all(target_os = "linux", any(target_env = "gnu", target_env = "musl")))]
    {
        spawn_direct(l, out, tag, session)
    }
    #[cfg(not(all(target_os = "linux", any(target_env = "gnu", target_env = "musl"))))]
    {
        spawn_portable(l, out, tag, session)
    }
}

/// Whether this process has a controlling terminal (opening `/dev/tty` succeeds).
pub(crate) fn has_terminal() -> bool {
    std::fs::File::open("/dev/tty").is_ok()
}

/// How steps must start so none has a controlling terminal; on Linux, detaches cigen itself
/// from its terminal when it can. For a process that does not lead its session, `TIOCNOTTY`
/// only clears that process's own tie: the terminal still sends Ctrl-C (SIGINT), Ctrl-Z and
/// hang-ups to cigen's process group, cigen's output still reaches it, but nothing cigen
/// starts afterwards inherits it. A session leader would hang up its whole session instead.
pub(crate) fn shed_terminal() -> Session {
    if !has_terminal() {
        return Session::Inherit;
    }
    #[cfg(target_os = "linux")]
    // SAFETY: open, ioctl and close on a descriptor owned here; getsid/getpid read ids.
    unsafe {
        if libc::getsid(0) != libc::getpid() {
            let fd = libc::open(c"/dev/tty".as_ptr(), libc::O_RDONLY | libc::O_CLOEXEC);
            if fd >= 0 {
                let r = libc::ioctl(fd, libc::TIOCNOTTY);
                libc::close(fd);
                if r == 0 && !has_terminal() {
                    return Session::Inherit;
                }
            }
        }
    }
    Session::New
}

/// The program to execute: as given when it holds a `/`, else found on the child's PATH.
fn program_path(l: &Launch<'_>) -> io::Result<std::path::PathBuf> {
    if l.program.as_os_str().as_bytes().contains(&b'/') {
        return Ok(l.program.clone());
    }
    super::direct::resolve(&l.program.to_string_lossy(), l.path())
        .ok_or_else(|| io::Error::from(io::ErrorKind::NotFound))
}

/// NUL-terminated strings laid out one after another in one buffer, for `argv` and `envp`:
/// two allocations for a whole environment instead of one per variable.
#[cfg(all(target_os = "linux", any(target_env = "gnu", target_env = "musl")))]
struct CStrings {
    buf: Vec<u8>,
    starts: Vec<usize>,
}

#[cfg(all(target_os = "linux", any(target_env = "gnu", target_env = "musl")))]
impl CStrings {
    fn new(bytes: usize, count: usize) -> Self {
        CStrings {
            buf: Vec::with_capacity(bytes),
            starts: Vec::with_capacity(count),
        }
    }

    /// Adds one string made of `parts`; a NUL inside any part cannot be passed on.
    fn push(&mut self, parts: &[&[u8]]) -> io::Result<()> {
        let start = self.buf.len();
        for p in parts {
            self.buf.extend_from_slice(p);
        }
        if self.buf[start..].contains(&0) {
            self.buf.truncate(start);
            return Err(io::Error::from(io::ErrorKind::InvalidInput));
        }
        self.starts.push(start);
        self.buf.push(0);
        Ok(())
    }

    /// A null-terminated array of pointers to the strings, valid while `self` is unchanged.
    fn pointers(&self) -> Vec<*mut libc::c_char> {
        let base = self.buf.as_ptr().cast::<libc::c_char>().cast_mut();
        self.starts
            .iter()
            // SAFETY: every start is an offset inside `buf`.
            .map(|&s| unsafe { base.add(s) })
            .chain(std::iter::once(std::ptr::null_mut()))
            .collect()
    }
}

/// `posix_spawn` with `POSIX_SPAWN_SETSID` (or `SETPGROUP`): no fork, std's own cost.
#[cfg(all(target_os = "linux", any(target_env = "gnu", target_env = "musl")))]
fn spawn_direct(l: &Launch<'_>, out: RawFd, tag: &str, session: Session) -> io::Result<i32> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStringExt;
    let path = CString::new(program_path(l)?.into_os_string().into_vec())
        .map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))?;
    let mut argv = CStrings::new(
        l.program.as_os_str().len() + l.args.iter().map(|a| a.len() + 1).sum::<usize>() + 1,
        l.args.len() + 1,
    );
    // No process can receive a NUL byte (the spec's YAML can hold one): say where it is.
    let nul = |what: String| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{what} holds a NUL byte, which no process can receive"),
        )
    };
    argv.push(&[l.program.as_os_str().as_bytes()])?;
    for a in l.args {
        argv.push(&[a.as_bytes()])
            .map_err(|_| nul(format!("the argument `{}`", a.escape_debug())))?;
    }
    let tag = tag_value(l, tag);
    // In name order, as std passes them, so a step that prints its env prints it the same
    // way every run.
    let vars = l.env.sorted();
    let mut envp = CStrings::new(
        vars.iter()
            .map(|(k, v)| k.len() + v.len() + 2)
            .sum::<usize>()
            + TAG_VAR.len()
            + tag.len()
            + 2,
        vars.len() + 1,
    );
    for (k, v) in vars.into_iter().filter(|(k, _)| *k != TAG_VAR) {
        envp.push(&[k.as_bytes(), b"=", v.as_bytes()])
            .map_err(|_| nul(format!("the value of `{k}`")))?;
    }
    envp.push(&[TAG_VAR.as_bytes(), b"=", tag.as_bytes()])?;
    let dir = CString::new(l.dir.as_os_str().as_bytes())
        .map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))?;
    let argv_p = argv.pointers();
    let envp_p = envp.pointers();
    let check = |r: libc::c_int| {
        if r == 0 {
            Ok(())
        } else {
            Err(io::Error::from_raw_os_error(r))
        }
    };
    // SAFETY: the attribute and file-action objects are initialised before use and destroyed
    // on every path; every pointer handed to posix_spawn points into CStrings that outlive it.
    unsafe {
        let mut attr: libc::posix_spawnattr_t = std::mem::zeroed();
        check(libc::posix_spawnattr_init(&mut attr))?;
        let mut fa: libc::posix_spawn_file_actions_t = std::mem::zeroed();
        if let Err(e) = check(libc::posix_spawn_file_actions_init(&mut fa)) {
            libc::posix_spawnattr_destroy(&mut attr);
            return Err(e);
        }
        let result = (|| {
            // Rust ignores SIGPIPE in its own process; the child gets the default back, as std
            // does, and an empty signal mask.
            let mut none: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut none);
            let mut pipe: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut pipe);
            libc::sigaddset(&mut pipe, libc::SIGPIPE);
            check(libc::posix_spawnattr_setsigmask(&mut attr, &none))?;
            check(libc::posix_spawnattr_setsigdefault(&mut attr, &pipe))?;
            let own = match session {
                Session::New => libc::POSIX_SPAWN_SETSID as libc::c_int,
                Session::Inherit => {
                    check(libc::posix_spawnattr_setpgroup(&mut attr, 0))?;
                    libc::POSIX_SPAWN_SETPGROUP
                }
            };
            let flags = own | libc::POSIX_SPAWN_SETSIGMASK | libc::POSIX_SPAWN_SETSIGDEF;
            check(libc::posix_spawnattr_setflags(
                &mut attr,
                flags as libc::c_short,
            ))?;
            check(libc::posix_spawn_file_actions_addopen(
                &mut fa,
                0,
                c"/dev/null".as_ptr(),
                libc::O_RDONLY,
                0,
            ))?;
            check(libc::posix_spawn_file_actions_adddup2(&mut fa, out, 1))?;
            check(libc::posix_spawn_file_actions_adddup2(&mut fa, out, 2))?;
            check(libc::posix_spawn_file_actions_addchdir_np(
                &mut fa,
                dir.as_ptr(),
            ))?;
            let mut pid: libc::pid_t = 0;
            check(libc::posix_spawn(
                &mut pid,
                path.as_ptr(),
                &fa,
                &attr,
                argv_p.as_ptr(),
                envp_p.as_ptr(),
            ))?;
            Ok(pid)
        })();
        libc::posix_spawn_file_actions_destroy(&mut fa);
        libc::posix_spawnattr_destroy(&mut attr);
        result
    }
}

/// std's spawn: `posix_spawn` with a process group of its own, or fork + exec with `setsid`
/// in the child for a new session. Portable to every Unix.
#[cfg_attr(
    all(target_os = "linux", any(target_env = "gnu", target_env = "musl")),
    allow(dead_code)
)]
pub(crate) fn spawn_portable(
    l: &Launch<'_>,
    out: RawFd,
    tag: &str,
    session: Session,
) -> io::Result<i32> {
    use std::os::fd::{BorrowedFd, OwnedFd};
    use std::os::unix::process::CommandExt;
    use std::process::Stdio;
    let mut c = Command::new(program_path(l)?);
    c.arg0(&l.program)
        .args(l.args)
        .current_dir(l.dir)
        .env_clear()
        .envs(l.env.sorted())
        .env(TAG_VAR, tag_value(l, tag));
    // SAFETY: `out` is an open descriptor owned by the caller for the whole call.
    let out = unsafe { BorrowedFd::borrow_raw(out) };
    let stdout: OwnedFd = out.try_clone_to_owned()?;
    let stderr: OwnedFd = out.try_clone_to_owned()?;
    c.stdin(Stdio::null())
        .stdout(Stdio::from(stdout))
        .stderr(Stdio::from(stderr));
    match session {
        // SAFETY: setsid is async-signal-safe and touches no memory of the parent.
        Session::New => unsafe {
            c.pre_exec(|| {
                if libc::setsid() < 0 {
                    return Err(io::Error::last_os_error());
                }
                Ok(())
            });
        },
        Session::Inherit => {
            c.process_group(0);
        }
    }
    // The Child is dropped without waiting: the caller owns the pid and reaps it.
    Ok(c.spawn()?.id() as i32)
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;
    use crate::run::launch::Owned;
    use std::os::fd::AsRawFd;

    type SpawnFn = fn(&Launch<'_>, RawFd, &str, Session) -> io::Result<i32>;
    const BOTH: [SpawnFn; 2] = [spawn, spawn_portable];

    /// Runs `cmd` through `f`, returns its output and exit code.
    fn run_with(f: SpawnFn, cmd: &Owned, session: Session) -> (String, i32) {
        let (mut r, w) = os_pipe::pipe().unwrap();
        let pid = cmd.with(|l| f(l, w.as_raw_fd(), "t.1", session)).unwrap();
        drop(w);
        let mut out = String::new();
        std::io::Read::read_to_string(&mut r, &mut out).unwrap();
        let mut status = 0;
        // SAFETY: waiting for the child we just spawned.
        unsafe { libc::waitpid(pid, &mut status, 0) };
        (out, libc::WEXITSTATUS(status))
    }

    fn probe() -> Owned {
        Owned::new(
            "sh",
            &[
            "-c",
            // Own group (and session?); a terminal?; the tag appended; the directory; the env.
            "set -- $(sed 's/.*) //' /proc/$$/stat); [ $3 = $$ ] && echo group=own; \
             [ $4 = $$ ] && echo sid=own; \
             (exec 3</dev/tty) 2>/dev/null && echo tty=yes || echo tty=no; \
             echo \"tag=$CIGEN_RUN_TAG\"; pwd; echo \"home=${HOME-unset}\"; read x || echo stdin=eof; \
             echo err >&2; exit 3",
            ],
        )
        .env(TAG_VAR, "outer.7")
        .dir("/tmp")
    }

    #[test]
    fn both_paths_start_a_group_or_a_session_without_a_terminal() {
        let rest = "tag=outer.7 t.1\n/tmp\nhome=unset\nstdin=eof\nerr\n";
        for f in BOTH {
            let (out, code) = run_with(f, &probe(), Session::New);
            assert_eq!(out, format!("group=own\nsid=own\ntty=no\n{rest}"));
            assert_eq!(code, 3);
            // In the test's own session, which has a terminal or not, like the step.
            let tty = if has_terminal() { "yes" } else { "no" };
            let (out, code) = run_with(f, &probe(), Session::Inherit);
            assert_eq!(out, format!("group=own\ntty={tty}\n{rest}"));
            assert_eq!(code, 3);
        }
    }

    #[test]
    fn a_missing_program_is_not_found() {
        for f in BOTH {
            let (_r, w) = os_pipe::pipe().unwrap();
            let cmd = Owned::new("/nonexistent/cigen-not-found", &[]).env("PATH", "/usr/bin:/bin");
            let e = cmd
                .with(|l| f(l, w.as_raw_fd(), "t.1", Session::Inherit))
                .unwrap_err();
            assert_eq!(e.kind(), io::ErrorKind::NotFound);
            let cmd = Owned::new("cigen-no-such-program", &[]).env("PATH", "/usr/bin:/bin");
            let e = cmd
                .with(|l| f(l, w.as_raw_fd(), "t.1", Session::New))
                .unwrap_err();
            assert_eq!(e.kind(), io::ErrorKind::NotFound);
        }
    }

    #[test]
    fn a_nul_byte_is_refused_naming_where_it_is() {
        let (_r, w) = os_pipe::pipe().unwrap();
        let cmd = Owned::new("true", &[]).env("SECRET_NAME", "a\0b");
        let e = cmd
            .with(|l| spawn(l, w.as_raw_fd(), "t.1", Session::Inherit))
            .unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
        assert!(e.to_string().contains("`SECRET_NAME`"), "{e}");
        assert!(!e.to_string().contains("a\0b"), "{e}");
    }
}
