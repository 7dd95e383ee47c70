//! GitLab CI reporter: a collapsible section per step (`section_start` / `section_end` with
//! Unix timestamps) and a JUnit XML report for the merge request widget.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

use super::junit::{self, Case};
use super::{step_name, table, unix_now, Out, ReportConfig, Reporter};
use crate::run::events::{human_duration, Event, StepStatus, UnitResult};
use crate::run::plan::Plan;
use crate::run::process::signal_name;

/// Lines of output kept per step for the JUnit report.
const KEEP: usize = 200;

/// An open section: name, header, start (Unix seconds), and its output so far.
type Section = (String, String, u64, Vec<String>);

pub(crate) struct Gitlab {
    live: bool,
    junit: PathBuf,
    /// Open sections by (unit, step).
    open: HashMap<(usize, usize), Section>,
    cases: Vec<Vec<Case>>,
    out: Out,
}

impl Gitlab {
    pub(crate) fn new(cfg: &ReportConfig<'_>) -> Self {
        Gitlab {
            live: cfg.sequential,
            junit: cfg.junit_path.clone(),
            open: HashMap::new(),
            cases: Vec::new(),
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
    fn start(&mut self, plan: &Plan) {
        self.cases = vec![Vec::new(); plan.units.len()];
    }

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
                let section = format!("cigen_{unit}_{step}_{attempt}");
                let ts = unix_now().as_secs();
                if self.live {
                    self.print(&section_start(ts, &section, &header, false));
                }
                self.open
                    .insert((*unit, *step), (section, header, ts, Vec::new()));
            }
            Event::Output { unit, step, line } => {
                if self.live {
                    self.print(line);
                }
                if let Some(o) = self.open.get_mut(&(*unit, *step)) {
                    o.3.push(line.clone());
                    if o.3.len() > KEEP && self.live {
                        o.3.remove(0);
                    }
                }
            }
            Event::StepFinished {
                unit,
                step,
                attempt,
                status,
                duration,
                message,
            } => {
                let Some((section, header, start, lines)) = self.open.remove(&(*unit, *step))
                else {
                    return;
                };
                let mut text = String::new();
                if !self.live {
                    // Parallel units: the whole section at once, so sections never interleave.
                    text.push_str(&section_start(
                        start,
                        &section,
                        &header,
                        *status == StepStatus::Passed,
                    ));
                    text.push('\n');
                    for l in &lines {
                        text.push_str(l);
                        text.push('\n');
                    }
                }
                text.push_str(&section_end(unix_now().as_secs(), &section));
                text.push('\n');
                let d = human_duration(*duration);
                match status {
                    StepStatus::Passed => text.push_str(&format!("✓ {header} ({d})")),
                    _ => text.push_str(&format!(
                        "\x1b[31;1m✗ {header}: {} ({d})\x1b[0m",
                        message.clone().unwrap_or_default()
                    )),
                }
                self.print(&text);
                let tail: Vec<String> = lines.iter().rev().take(KEEP).rev().cloned().collect();
                let case = Case {
                    name: step_name(plan, *unit, *step),
                    attempt: *attempt,
                    status: *status,
                    duration: *duration,
                    message: message.clone(),
                    output: tail,
                };
                if let Some(c) = self.cases.get_mut(*unit) {
                    c.retain(|c| c.name != case.name);
                    c.push(case);
                }
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
        let xml = junit::render(plan, results, &self.cases);
        let written = self
            .junit
            .parent()
            .map_or(Ok(()), crate::state_dir::create_dir_all)
            .and_then(|_| std::fs::write(&self.junit, xml));
        if let Err(e) = written {
            eprintln!(
                "warning: cannot write the JUnit report {}: {e}",
                self.junit.display()
            );
        }
        self.out.flush();
    }
}
