//! Notices for slow steps in the human log (`⏳ test › cargo test has been running for
//! 1m00s`): at the `--slow-after` threshold and again at each multiple of it, as nextest
//! prints SLOW lines, so a long silent step shows it is alive in a log file too, where no
//! progress line is drawn.

use std::collections::HashMap;
use std::time::{Duration, Instant};

pub(super) struct Slow {
    /// `None`: notices are off (`--slow-after 0`).
    after: Option<Duration>,
    /// Per unit, its running step: (step, start, notices printed so far).
    running: HashMap<usize, (usize, Instant, u32)>,
}

impl Slow {
    pub(super) fn new(after: Option<Duration>) -> Self {
        Slow {
            after: after.filter(|d| !d.is_zero()),
            running: HashMap::new(),
        }
    }

    pub(super) fn step_started(&mut self, unit: usize, step: usize) {
        if self.after.is_some() {
            self.running.insert(unit, (step, Instant::now(), 0));
        }
    }

    pub(super) fn step_ended(&mut self, unit: usize) {
        self.running.remove(&unit);
    }

    /// The notices due now, in unit order: (unit, step, the multiple of the threshold passed).
    /// A step passing several multiples between two ticks gets one notice, for the last.
    pub(super) fn due(&mut self) -> Vec<(usize, usize, Duration)> {
        let Some(after) = self.after else {
            return Vec::new();
        };
        self.due_at(after, Instant::now())
    }

    fn due_at(&mut self, after: Duration, now: Instant) -> Vec<(usize, usize, Duration)> {
        let mut out = Vec::new();
        for (unit, (step, since, told)) in &mut self.running {
            let passed = (now.saturating_duration_since(*since).as_nanos() / after.as_nanos())
                .min(u32::MAX as u128) as u32;
            if passed > *told {
                *told = passed;
                out.push((*unit, *step, after * passed));
            }
        }
        out.sort();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_notice_at_each_multiple_and_none_after_the_step_ends() {
        let after = Duration::from_secs(60);
        let mut s = Slow::new(Some(after));
        s.step_started(3, 1);
        let t0 = s.running[&3].1;
        assert!(s.due_at(after, t0 + Duration::from_secs(59)).is_empty());
        assert_eq!(
            s.due_at(after, t0 + Duration::from_secs(61)),
            vec![(3, 1, Duration::from_secs(60))]
        );
        assert!(s.due_at(after, t0 + Duration::from_secs(100)).is_empty());
        // Two multiples passed between ticks: one notice, for the later one.
        assert_eq!(
            s.due_at(after, t0 + Duration::from_secs(185)),
            vec![(3, 1, Duration::from_secs(180))]
        );
        s.step_ended(3);
        assert!(s.due_at(after, t0 + Duration::from_secs(300)).is_empty());
    }

    #[test]
    fn zero_turns_notices_off() {
        let mut s = Slow::new(Some(Duration::ZERO));
        s.step_started(0, 0);
        assert!(s.due().is_empty());
        assert!(s.running.is_empty());
    }
}
