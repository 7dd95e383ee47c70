//! The live progress line of the human log on a terminal: `[done/total] running: build 12s,
//! test 3s` with a spinner, redrawn as units start and end and on every scheduler tick, so a
//! silent step never looks hung. indicatif draws it: it fits the line to the terminal's
//! width, clears it before log lines are written and draws it again after.
//!
//! Everything is drawn from the reporter's thread (no steady-tick thread), so a log line and
//! the progress line never race.

use std::time::Instant;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// The line's layout: `{wide_msg}` takes what the terminal's width leaves and is cut with
/// `…`, so a narrow terminal never wraps the line into stale fragments.
const TEMPLATE: &str = "{spinner} [{pos}/{len}] running: {wide_msg}";

pub(super) struct Progress {
    bar: ProgressBar,
    /// Running units and when each started, in start order.
    running: Vec<(usize, Instant)>,
    labels: Vec<String>,
}

impl Progress {
    /// A progress line on stderr when it is a terminal that can redraw a line (not
    /// `TERM=dumb`); `None` elsewhere.
    pub(super) fn on_terminal() -> Option<Self> {
        use std::io::IsTerminal;
        let dumb = std::env::var_os("TERM").is_some_and(|t| t == "dumb");
        if !std::io::stderr().is_terminal() || dumb {
            return None;
        }
        Some(Self::to(ProgressDrawTarget::stderr()))
    }

    /// A progress line drawn to `target` (a hidden one in unit tests).
    pub(super) fn to(target: ProgressDrawTarget) -> Self {
        let bar = ProgressBar::with_draw_target(Some(0), target);
        // TEMPLATE is a constant that `template_parses` checks; a failure here is a bug.
        let style = ProgressStyle::with_template(TEMPLATE).expect("a valid progress template");
        bar.set_style(style.tick_chars("⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏ "));
        Progress {
            bar,
            running: Vec::new(),
            labels: Vec::new(),
        }
    }

    /// The bar, for writing log lines around it (`Out::around`).
    pub(super) fn bar(&self) -> ProgressBar {
        self.bar.clone()
    }

    pub(super) fn start(&mut self, labels: Vec<String>) {
        self.bar.set_length(labels.len() as u64);
        self.labels = labels;
    }

    pub(super) fn unit_started(&mut self, unit: usize) {
        self.running.push((unit, Instant::now()));
        self.redraw();
    }

    pub(super) fn unit_finished(&mut self, unit: usize) {
        self.running.retain(|(u, _)| *u != unit);
        self.bar.inc(1);
        self.redraw();
    }

    /// Called on every scheduler tick: the elapsed times move and the spinner turns.
    pub(super) fn tick(&mut self) {
        self.redraw();
    }

    /// The message: each running unit with how long it has run.
    pub(super) fn message(&self) -> String {
        self.running
            .iter()
            .map(|(u, since)| format!("{} {}", self.labels[*u], whole_seconds(since)))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn redraw(&mut self) {
        self.bar.set_message(self.message());
        self.bar.tick();
    }

    /// Removes the line for good (before the final table).
    pub(super) fn clear(&self) {
        self.bar.finish_and_clear();
    }
}

/// `12s`, `1m03s`: whole seconds, so the line does not flicker with milliseconds.
fn whole_seconds(since: &Instant) -> String {
    let secs = since.elapsed().as_secs();
    match secs {
        0..60 => format!("{secs}s"),
        _ => format!("{}m{:02}s", secs / 60, secs % 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_parses() {
        assert!(ProgressStyle::with_template(TEMPLATE).is_ok());
    }

    #[test]
    fn message_names_running_units_in_start_order() {
        let mut p = Progress::to(ProgressDrawTarget::hidden());
        p.start(vec!["build".into(), "test (py=3.12)".into(), "lint".into()]);
        p.unit_started(2);
        p.unit_started(0);
        assert_eq!(p.message(), "lint 0s, build 0s");
        p.unit_finished(2);
        assert_eq!(p.message(), "build 0s");
        assert_eq!(p.bar.position(), 1);
        assert_eq!(p.bar.length(), Some(3));
    }
}
