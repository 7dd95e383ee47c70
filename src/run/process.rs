//! One child process per step: how it ended, in words, and the signal numbers cigen uses.
//! The supervision itself lives in `process_unix.rs` (with `spawn.rs`, `supervise.rs` and,
//! on Linux, `proc_tree.rs` and `watchdog.rs`) and, where there are no process groups,
//! `process_other.rs` (the child alone).

use std::process::ExitStatus;

#[cfg(not(unix))]
pub(crate) use super::process_other::run;
#[cfg(unix)]
pub(crate) use super::process_unix::run;

/// POSIX signal numbers (the same on Linux and macOS), also used for exit codes 128+n.
pub(crate) const SIGHUP: i32 = 1;
pub(crate) const SIGINT: i32 = 2;
pub(crate) const SIGKILL: i32 = 9;
pub(crate) const SIGTERM: i32 = 15;

/// How a process ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ending {
    Exited(ExitStatus),
    TimedOut,
    Cancelled,
}

/// Describes an exit status: `exit 1`, `killed by SIGKILL`.
pub(crate) fn describe(status: ExitStatus) -> String {
    if let Some(c) = status.code() {
        return format!("exit {c}");
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(s) = status.signal() {
            return format!("killed by {}", signal_name(s));
        }
    }
    "unknown exit".into()
}

pub(crate) fn signal_name(s: i32) -> String {
    match s {
        SIGINT => "SIGINT".into(),
        SIGTERM => "SIGTERM".into(),
        SIGKILL => "SIGKILL".into(),
        SIGHUP => "SIGHUP".into(),
        13 => "SIGPIPE".into(),
        n => format!("signal {n}"),
    }
}
