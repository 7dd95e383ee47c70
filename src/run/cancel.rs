//! A cancellation token shared by the scheduler (which cancels) and the executor (which obeys).

use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// How far cancellation has gone. It only ever escalates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CancelState {
    Running,
    /// Send this signal to the process group, then SIGKILL after the grace period.
    Graceful(i32),
    /// SIGKILL now.
    Kill,
}

#[derive(Default)]
struct Inner {
    state: Option<(CancelState, String)>,
}

#[derive(Clone, Default)]
pub(crate) struct CancelToken(Arc<(Mutex<Inner>, Condvar)>);

impl CancelToken {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.0 .0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Asks for a graceful stop with `signal`; the first reason given is kept.
    pub(crate) fn cancel(&self, signal: i32, reason: impl Into<String>) {
        let mut g = self.lock();
        if g.state.is_none() {
            g.state = Some((CancelState::Graceful(signal), reason.into()));
        }
        self.0 .1.notify_all();
    }

    /// Escalates to SIGKILL.
    pub(crate) fn kill(&self, reason: impl Into<String>) {
        let mut g = self.lock();
        let reason = g
            .state
            .take()
            .map(|(_, r)| r)
            .unwrap_or_else(|| reason.into());
        g.state = Some((CancelState::Kill, reason));
        self.0 .1.notify_all();
    }

    pub(crate) fn state(&self) -> CancelState {
        self.lock()
            .state
            .as_ref()
            .map(|s| s.0)
            .unwrap_or(CancelState::Running)
    }

    pub(crate) fn is_cancelled(&self) -> bool {
        self.state() != CancelState::Running
    }

    pub(crate) fn reason(&self) -> Option<String> {
        self.lock().state.as_ref().map(|s| s.1.clone())
    }

    /// Sleeps up to `d`; returns early (true) when cancelled.
    pub(crate) fn sleep(&self, d: Duration) -> bool {
        let end = Instant::now() + d;
        let mut g = self.lock();
        loop {
            if g.state.is_some() {
                return true;
            }
            let now = Instant::now();
            if now >= end {
                return false;
            }
            g = self
                .0
                 .1
                .wait_timeout(g, end - now)
                .map(|(g, _)| g)
                .unwrap_or_else(|e| e.into_inner().0);
        }
    }
}
