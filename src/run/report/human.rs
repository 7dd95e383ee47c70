//! Human reporter: per-job prefixes for parallel output, colour (`--color`, else anstream's
//! conventions), a live progress line on a terminal (`progress.rs`), notices for slow steps
//! (`slow.rs`), and a final table.

use std::collections::HashMap;
use std::time::Duration;

use anstyle::{AnsiColor, Style};

use super::progress::Progress;
use super::slow::Slow;
use super::tail::Tail;
use super::{step_name as plan_step_name, table, Out, ReportConfig, Reporter};
use crate::run::events::{human_duration, Event, StepStatus, UnitResult, UnitStatus};
use crate::run::plan::Plan;
use crate::run::process::signal_name;
use crate::ui::use_color;

const PALETTE: [AnsiColor; 6] = [
    AnsiColor::Cyan,
    AnsiColor::Magenta,
    AnsiColor::Blue,
    AnsiColor::Yellow,
    AnsiColor::Green,
    AnsiColor::BrightCyan,
];

pub(crate) struct Human {
    color: bool,
    width: usize,
    /// Progress line on stderr (only when stderr is a terminal).
    progress: Option<Progress>,
    slow: Slow,
    running: Vec<usize>,
    out: Out,
    /// Each unit's line prefix (label, padding, colour, ` │ `), built once.
    prefixes: Vec<String>,
    /// Recent output per (unit, step), to repeat a failed step's end after the run.
    tails: HashMap<(usize, usize), Tail>,
    /// Failed steps' last lines, keyed by (unit, step); a retry that passes removes its entry.
    failures: Vec<((usize, usize), String, Vec<String>)>,
    /// Whether units ran at the same time, so their output interleaved.
    interleaved: bool,
}

/// Lines of a failed step repeated after a parallel run.
const TAIL: usize = 20;

impl Human {
    pub(crate) fn new(cfg: &ReportConfig<'_>) -> Self {
        let progress = Progress::on_terminal();
        let mut out = Out::new();
        if let Some(p) = &progress {
            out.around(p.bar());
        }
        Human {
            color: use_color(cfg.color, &std::io::stdout()),
            width: 0,
            progress,
            slow: Slow::new(cfg.slow_after),
            running: Vec::new(),
            out,
            prefixes: Vec::new(),
            tails: HashMap::new(),
            failures: Vec::new(),
            interleaved: false,
        }
    }

    fn paint(&self, style: Style, text: &str) -> String {
        if self.color {
            format!("{}{text}{}", style.render(), style.render_reset())
        } else {
            text.to_string()
        }
    }

    fn prefix(&self, _plan: &Plan, unit: usize) -> &str {
        &self.prefixes[unit]
    }

    fn line(&mut self, text: &str) {
        self.out.line(text);
    }
}

impl Reporter for Human {
    fn start(&mut self, plan: &Plan) {
        self.width = plan
            .units
            .iter()
            .map(|u| u.label.chars().count())
            .max()
            .unwrap_or(0);
        if let Some(p) = &mut self.progress {
            p.start(plan.units.iter().map(|u| u.label.clone()).collect());
        }
        self.prefixes = plan
            .units
            .iter()
            .enumerate()
            .map(|(i, u)| {
                let label = format!("{:<w$} │", u.label, w = self.width);
                let colour = PALETTE[i % PALETTE.len()];
                self.paint(Style::new().fg_color(Some(colour.into())), &label)
            })
            .collect();
    }

    fn event(&mut self, plan: &Plan, event: &Event) {
        let bold = Style::new().bold();
        let red = Style::new().fg_color(Some(AnsiColor::Red.into())).bold();
        let green = Style::new().fg_color(Some(AnsiColor::Green.into()));
        let dim = Style::new().dimmed();
        match event {
            Event::UnitStarted { unit } => {
                self.interleaved |= !self.running.is_empty();
                self.running.push(*unit);
                // Shown as soon as the set of running units changes, not only when the run
                // happens to be idle: a short unit is on the line too.
                if let Some(p) = &mut self.progress {
                    self.out.flush();
                    p.unit_started(*unit);
                }
            }
            Event::StepStarted {
                unit,
                step,
                name,
                attempt,
                attempts,
            } => {
                self.slow.step_started(*unit, *step);
                let tries = super::attempt_suffix(*attempt, *attempts);
                let text = format!(
                    "{} {}",
                    self.prefix(plan, *unit),
                    self.paint(bold, &format!("▶ {name}{tries}"))
                );
                self.line(&text);
            }
            Event::Output { unit, step, text } => {
                self.tails
                    .entry((*unit, *step))
                    .or_insert_with(|| Tail::new(TAIL))
                    .push(text);
                self.out.prefixed(self.prefixes[*unit].as_bytes(), text);
            }
            Event::StepFinished {
                unit,
                step,
                status,
                duration,
                message,
                ..
            } => {
                self.slow.step_ended(*unit);
                let name = plan_step_name(plan, *unit, *step);
                let d = human_duration(*duration);
                let tail = self
                    .tails
                    .remove(&(*unit, *step))
                    .map(|t| t.lines())
                    .unwrap_or_default();
                if matches!(status, StepStatus::Failed | StepStatus::TimedOut) {
                    let msg = message.clone().unwrap_or_default();
                    let heading = format!("{} › {name}: {msg}", plan.units[*unit].label);
                    self.failures.retain(|(key, ..)| *key != (*unit, *step));
                    self.failures.push(((*unit, *step), heading, tail));
                } else if matches!(status, StepStatus::Passed) {
                    // A retry passed: the earlier failure is not what the reader must look at.
                    self.failures.retain(|(key, ..)| *key != (*unit, *step));
                }
                let body = match status {
                    StepStatus::Passed => self.paint(green, &format!("✓ {name} ({d})")),
                    _ => self.paint(
                        red,
                        &format!("✗ {name}: {} ({d})", message.clone().unwrap_or_default()),
                    ),
                };
                let text = format!("{} {body}", self.prefix(plan, *unit));
                self.line(&text);
            }
            Event::StepSkipped {
                unit, name, reason, ..
            } => {
                let text = format!(
                    "{} {}",
                    self.prefix(plan, *unit),
                    self.paint(dim, &format!("- {name} skipped: {reason}"))
                );
                self.line(&text);
            }
            Event::RetryScheduled {
                unit,
                step,
                next_attempt,
                delay,
            } => {
                let name = plan_step_name(plan, *unit, *step);
                let text = format!(
                    "{} ↻ retrying {name} in {} (attempt {next_attempt})",
                    self.prefix(plan, *unit),
                    human_duration(*delay)
                );
                self.line(&text);
            }
            Event::Notice { unit, text } => {
                let text = match unit {
                    Some(u) => format!("{} {}", self.prefix(plan, *u), self.paint(dim, text)),
                    None => self.paint(dim, text),
                };
                self.line(&text);
            }
            Event::UnitFinished { unit, result } => {
                self.running.retain(|u| u != unit);
                self.slow.step_ended(*unit);
                if let Some(p) = &mut self.progress {
                    p.unit_finished(*unit);
                }
                let reason = result.reason.clone().unwrap_or_default();
                let body = match result.status {
                    UnitStatus::Passed => self.paint(
                        green,
                        &format!("passed ({})", human_duration(result.duration)),
                    ),
                    UnitStatus::Flaky => self.paint(
                        Style::new().fg_color(Some(AnsiColor::Yellow.into())),
                        &format!("flaky: {reason} ({})", human_duration(result.duration)),
                    ),
                    UnitStatus::Skipped => self.paint(dim, &format!("skipped: {reason}")),
                    UnitStatus::FailedAllowed => self.paint(
                        Style::new().fg_color(Some(AnsiColor::Yellow.into())),
                        &format!("failed-allowed: {reason} (allow_failure)"),
                    ),
                    s => self.paint(red, &format!("{}: {reason}", s.as_str())),
                };
                let text = format!("{} {body}", self.prefix(plan, *unit));
                self.line(&text);
            }
        }
    }

    fn flush(&mut self) {
        self.out.flush();
    }

    fn tick(&mut self, plan: &Plan) {
        for (unit, step, after) in self.slow.due() {
            let name = plan_step_name(plan, unit, step);
            let text = format!(
                "{} {}",
                self.prefix(plan, unit),
                self.paint(
                    Style::new().fg_color(Some(AnsiColor::Yellow.into())),
                    &format!("⏳ {name} has been running for {}", human_duration(after))
                )
            );
            self.line(&text);
        }
        self.out.flush();
        if let Some(p) = &mut self.progress {
            p.tick();
        }
    }

    fn finish(
        &mut self,
        plan: &Plan,
        results: &[UnitResult],
        elapsed: Duration,
        signal: Option<i32>,
    ) {
        if let Some(p) = &self.progress {
            self.out.flush();
            p.clear();
        }
        let mut text = String::new();
        // After parallel output, repeat the end of each failed step in one place.
        if self.interleaved {
            for (_, heading, lines) in &self.failures {
                let head = match lines.len() {
                    0 => format!("── {heading} (no output) ──"),
                    n => format!("── {heading} (last {n} line(s)) ──"),
                };
                text.push_str(&format!(
                    "\n{}\n",
                    self.paint(
                        Style::new().fg_color(Some(AnsiColor::Red.into())).bold(),
                        &head
                    )
                ));
                for l in lines {
                    text.push_str(l);
                    text.push('\n');
                }
            }
        }
        text.push('\n');
        text.push_str(&table::render(plan, results));
        text.push_str(&table::totals(results, elapsed));
        if let Some(s) = signal {
            text.push_str(&format!(" (interrupted by {})", signal_name(s)));
        }
        let style = if signal.is_some() || results.iter().any(|r| !r.status.satisfies_needs()) {
            Style::new().fg_color(Some(AnsiColor::Red.into())).bold()
        } else {
            Style::new().fg_color(Some(AnsiColor::Green.into())).bold()
        };
        let last = text.rfind('\n').map_or(0, |i| i + 1);
        let (head, tail) = text.split_at(last);
        let painted = format!("{head}{}", self.paint(style, tail));
        self.line(&painted);
        self.out.flush();
    }
}
