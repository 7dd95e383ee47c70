//! A unit run on the scheduler's own thread (see `scheduler.rs`): its messages are handed
//! straight to the scheduler, and its waits give the scheduler the turns its loop would
//! have had.

use std::cell::RefCell;
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use super::Scheduler;
use crate::run::cancel::CancelToken;
use crate::run::events::{Event, Msg, Sink};

/// A unit's messages, handed straight to the scheduler that runs it on its own thread. Each
/// gets the turn the scheduler's loop would give it: handled, then anything the signal
/// watcher sent, then a tick when one is due, then output flushed.
pub(super) struct Pump<'s, 'a> {
    pub(super) s: RefCell<&'s mut Scheduler<'a>>,
    pub(super) rx: &'s Receiver<Msg>,
}

/// Whether `msg` can change which units run or wait: a signal or a unit's end. (Output and
/// step events cannot; a chatty step must not make every read rescan the waiting units.)
fn decides(msg: &Msg) -> bool {
    let ends = |e: &Event| matches!(e, Event::UnitFinished { .. });
    match msg {
        Msg::Signal(_) => true,
        Msg::Event(e) => ends(e),
        Msg::Events(batch) => batch.iter().any(ends),
    }
}

/// How long a unit run here sleeps at a time, so that signals and ticks keep being seen.
const PAUSE_SLICE: Duration = Duration::from_millis(25);

impl Pump<'_, '_> {
    fn turn(&self, msg: Option<Msg>) {
        let mut s = self.s.borrow_mut();
        let mut news = msg.as_ref().is_some_and(decides);
        if let Some(m) = msg {
            s.handle(m);
        }
        // Only the signal watcher sends here while a unit runs on this thread.
        while let Ok(m) = self.rx.try_recv() {
            news |= decides(&m);
            s.handle(m);
        }
        // What the loop does after a message that can change what runs: a stop skips what
        // waits, an end starts what it lets run (on a worker, or next on this thread).
        if news {
            s.settle();
        }
        s.tick_due();
        s.reporter.flush();
    }
}

impl Sink for Pump<'_, '_> {
    fn send(&self, msg: Msg) {
        self.turn(Some(msg));
    }

    fn idle(&self) {
        self.turn(None);
    }

    fn pause(&self, cancel: &CancelToken, d: Duration) -> bool {
        let end = Instant::now() + d;
        loop {
            let left = end.saturating_duration_since(Instant::now());
            if cancel.sleep(left.min(PAUSE_SLICE)) {
                return true;
            }
            if left <= PAUSE_SLICE {
                return false;
            }
            self.idle();
        }
    }
}
