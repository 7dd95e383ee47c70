//! GitLab CI reporter: a collapsible section per step (`section_start` / `section_end` with
//! Unix timestamps). (The JUnit report for the merge request widget is a sink, `junit.rs`.)

use std::collections::HashMap;
use std::time::Duration;

use super::spill::Spill;
use super::{table, unix_now, Out, ReportConfig, Reporter};
use crate::run::events::{human_duration, Event, StepStatus, UnitResult};
use crate::run::plan::Plan;
use crate::run::process::signal_name;

/// A running step's section: name, header, start (Unix seconds), and (when units run in
/// parallel) its output, held until the section can be printed in one piece.
struct Section {
    name: String,
    header: String,
    start: u64,
    held: Option<Spill>,
}

pub(crate) struct Gitlab {
    live: bool,
    /// Open sections by (unit, step).
    open: HashMap<(usize, usize), Section>,
    out: Out,
}

impl Gitlab {
    pub(crate) fn new(cfg: &ReportConfig<'_>) -> Self {
        Gitlab {
            live: cfg.sequential,
            open: HashMap::new(),
            out: Out::new(),
        }
    }

    fn print(&mut self, text: &str) {
        self.out.line(text);
    }
}

/// `section_start:<ts>:<name>[collapsed=…]\r\e[0K<header>`.
fn section_start(ts: u64, name: &str, header: &str, collapsed: bool) -> String {
    format!("\x1b[0Ksection_start:{ts}:{name}[collapsed={collapsed}]\r\x1b[0K{header}")
}

fn section_end(ts: u64, name: &str) -> String {
    format!("\x1b[0Ksection_end:{ts}:{name}\r\x1b[0K")
}

impl Reporter for Gitlab {
    fn start(&mut self, _plan: &Plan) {}

    fn event(&mut self, plan: &Plan, event: &Event) {
        let label = |u: &usize| plan.units[*u].label.clone();
        match event {
            Event::UnitStarted { .. } => {}
            Event::StepStarted {
                unit,
                step,
                name,
                attempt,
                attempts,
            } => {
                let tries = super::attempt_suffix(*attempt, *attempts);
                let header = format!("{} › {name}{tries}", label(unit));
                let name = format!("cigen_{unit}_{step}_{attempt}");
                let start = unix_now().as_secs();
                if self.live {
                    self.print(&section_start(start, &name, &header, false));
                }
                let section = Section {
                    name,
                    header,
                    start,
                    held: (!self.live).then(Spill::default),
                };
                self.open.insert((*unit, *step), section);
            }
            Event::Output { unit, step, text } => {
                match self.open.get_mut(&(*unit, *step)).map(|s| &mut s.held) {
                    Some(Some(held)) => held.write(super::unix_lines(text).as_bytes()),
                    Some(None) => self.out.output(text),
                    None => {}
                }
            }
            Event::StepFinished {
                unit,
                step,
                status,
                duration,
                message,
                ..
            } => {
                let Some(s) = self.open.remove(&(*unit, *step)) else {
                    return;
                };
                if let Some(held) = s.held {
                    // Parallel units: the whole section at once, so sections never interleave.
                    let passed = *status == StepStatus::Passed;
                    self.print(&section_start(s.start, &s.name, &s.header, passed));
                    let _ = held.copy_to(self.out.writer());
                }
                let mut text = section_end(unix_now().as_secs(), &s.name);
                text.push('\n');
                let d = human_duration(*duration);
                let header = &s.header;
                match status {
                    StepStatus::Passed => text.push_str(&format!("✓ {header} ({d})")),
                    _ => text.push_str(&format!(
                        "\x1b[31;1m✗ {header}: {} ({d})\x1b[0m",
                        message.clone().unwrap_or_default()
                    )),
                }
                self.print(&text);
            }
            Event::StepSkipped { .. } | Event::RetryScheduled { .. } | Event::Notice { .. } => {
                if let Some(line) = super::plain_line(plan, event) {
                    self.print(&line);
                }
            }
            Event::UnitFinished { unit, result } => {
                if let Some(r) = &result.reason {
                    self.print(&format!(
                        "{}: {} — {r}",
                        label(unit),
                        result.status.as_str()
                    ));
                }
            }
        }
    }

    fn flush(&mut self) {
        self.out.flush();
    }

    fn finish(
        &mut self,
        plan: &Plan,
        results: &[UnitResult],
        elapsed: Duration,
        signal: Option<i32>,
    ) {
        let mut text = table::render(plan, results);
        text.push_str(&table::totals(results, elapsed));
        if let Some(s) = signal {
            text.push_str(&format!(" (interrupted by {})", signal_name(s)));
        }
        self.print(&text);
        self.out.flush();
    }
}
