//! Supervision of one step where process groups do not exist (Windows): the child alone is
//! stopped on timeout or cancellation, and output is read on a helper thread. Compiled on
//! Unix too (tests only), so it keeps building where it is not used.

use std::io::{self, Read};
use std::process::{ExitStatus, Stdio};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use super::cancel::CancelToken;
use super::launch::Launch;
use super::process::Ending;

const TICK: Duration = Duration::from_millis(25);
/// How long to keep reading after the child exited (a grandchild may hold the pipe).
const DRAIN_LIMIT: Duration = Duration::from_millis(200);

/// Runs `launch` with stdout and stderr on one pipe; see `process_unix::run` for the contract.
/// Without signals to ask nicely, stopping is immediate, so `grace` is not used.
pub(crate) fn run(
    launch: &Launch<'_>,
    deadline: Option<Instant>,
    _grace: Duration,
    cancel: &CancelToken,
    on_output: &mut dyn FnMut(&[u8]),
    on_idle: &mut dyn FnMut(),
) -> io::Result<(Ending, ExitStatus)> {
    let (mut reader, writer) = os_pipe::pipe()?;
    let mut cmd = launch.command();
    cmd.stdin(Stdio::null())
        .stdout(writer.try_clone()?)
        .stderr(writer);
    let mut child = cmd.spawn()?;
    // Drop our copies of the write end, or the pipe never reaches EOF.
    drop(cmd);
    let (tx, rx) = mpsc::channel::<Vec<u8>>();
    std::thread::spawn(move || {
        let mut buf = vec![0u8; 64 * 1024];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    let mut ending: Option<Ending> = None;
    let mut exited: Option<(ExitStatus, Instant)> = None;
    loop {
        match rx.recv_timeout(TICK) {
            Ok(chunk) => on_output(&chunk),
            Err(RecvTimeoutError::Disconnected) => break,
            Err(RecvTimeoutError::Timeout) => on_idle(),
        }
        let now = Instant::now();
        if exited.is_none() {
            if let Some(status) = child.try_wait()? {
                exited = Some((status, now));
            } else if ending.is_none() {
                if cancel.is_cancelled() {
                    ending = Some(Ending::Cancelled);
                } else if deadline.is_some_and(|d| now >= d) {
                    ending = Some(Ending::TimedOut);
                }
                if ending.is_some() {
                    let _ = child.kill();
                }
            }
        }
        if exited.is_some_and(|(_, at)| now >= at + DRAIN_LIMIT) {
            break;
        }
    }
    let status = match exited {
        Some((s, _)) => s,
        None => child.wait()?,
    };
    Ok((ending.unwrap_or(Ending::Exited(status)), status))
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use crate::run::launch::Owned;

    #[test]
    fn runs_and_times_out() {
        let mut out = Vec::new();
        let cmd = Owned::new("sh", &["-c", "echo hi; echo err >&2"]);
        let (ending, status) = cmd
            .with(|l| {
                run(
                    l,
                    None,
                    Duration::ZERO,
                    &CancelToken::new(),
                    &mut |c| out.extend_from_slice(c),
                    &mut || {},
                )
            })
            .unwrap();
        assert!(matches!(ending, Ending::Exited(_)) && status.success());
        assert_eq!(String::from_utf8_lossy(&out), "hi\nerr\n");
        let cmd = Owned::new("sleep", &["5"]);
        let (ending, _) = cmd
            .with(|l| {
                run(
                    l,
                    Some(Instant::now() + Duration::from_millis(50)),
                    Duration::ZERO,
                    &CancelToken::new(),
                    &mut |_| {},
                    &mut || {},
                )
            })
            .unwrap();
        assert_eq!(ending, Ending::TimedOut);
    }
}
