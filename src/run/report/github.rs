//! GitHub Actions reporter: `::group::` per step, `::error::` annotations, failed output
//! repeated outside its group. (The step summary is a sink, `summary.rs`.)
//!
//! Child output runs between `::stop-commands::<token>` and `::<token>::` with a random
//! token, so a line the child prints such as `::set-output` or `::add-mask::` is plain
//! text to the runner and cannot hijack it.

use std::collections::HashMap;
use std::time::Duration;

use super::spill::Spill;
use super::tail::Tail;
use super::{step_name, table, Out, ReportConfig, Reporter};
use crate::run::events::{human_duration, Event, StepStatus, UnitResult, UnitStatus};
use crate::run::locate::StepLines;
use crate::run::plan::Plan;
use crate::run::process::signal_name;
use crate::run::secrets::escape_command_data;

/// Lines of a failed step repeated after its group.
const TAIL: usize = 40;

pub(crate) struct Github {
    live: bool,
    token: String,
    masks: Vec<String>,
    /// Steps running, by (unit, step).
    open: HashMap<(usize, usize), Open>,
    /// Where steps sit in the spec, so an annotation points at the failing one.
    steps: StepLines,
    out: Out,
}

/// A running step: its group title, its last lines, and (when units run in parallel) its
/// whole output, held until the group can be printed in one piece.
struct Open {
    title: String,
    tail: Tail,
    held: Option<Spill>,
}

fn property(s: &str) -> String {
    escape_command_data(s)
        .replace(':', "%3A")
        .replace(',', "%2C")
}

impl Github {
    pub(crate) fn new(cfg: &ReportConfig<'_>) -> Self {
        Github {
            live: cfg.sequential,
            token: format!("cigen-{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..)),
            masks: cfg.mask_patterns.to_vec(),
            open: HashMap::new(),
            steps: cfg.step_lines.clone(),
            out: Out::new(),
        }
    }

    fn print(&mut self, text: &str) {
        self.out.line(text);
    }

    /// Child lines, fenced so that none of them is a workflow command.
    fn fenced(&self, lines: impl IntoIterator<Item = String>) -> String {
        let mut s = format!("::stop-commands::{}\n", self.token);
        for l in lines {
            s.push_str(&l);
            s.push('\n');
        }
        s.push_str(&format!("::{}::", self.token));
        s
    }
}

impl Reporter for Github {
    fn start(&mut self, _plan: &Plan) {
        // Register every form of every secret before any child can print one.
        let mut text = String::new();
        for m in &self.masks {
            text.push_str(&format!("::add-mask::{}\n", escape_command_data(m)));
        }
        if !text.is_empty() {
            self.out.line(text.trim_end_matches('\n'));
            // Registered before any child starts, not when the buffer happens to fill.
            self.out.flush();
        }
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
                let title = format!("{} › {name}{tries}", label(unit));
                if self.live {
                    self.print(&format!(
                        "::group::{}\n::stop-commands::{}",
                        escape_command_data(&title),
                        self.token
                    ));
                }
                let held = (!self.live).then(Spill::default);
                let open = Open {
                    title,
                    tail: Tail::new(TAIL),
                    held,
                };
                self.open.insert((*unit, *step), open);
            }
            Event::Output { unit, step, text } => {
                let Some(o) = self.open.get_mut(&(*unit, *step)) else {
                    return;
                };
                o.tail.push(text);
                match &mut o.held {
                    Some(held) => held.write(super::unix_lines(text).as_bytes()),
                    None => self.out.output(text),
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
                let Some(open) = self.open.remove(&(*unit, *step)) else {
                    return;
                };
                let title = open.title;
                match open.held {
                    None => self.print(&format!("::{}::\n::endgroup::", self.token)),
                    Some(held) => {
                        self.print(&format!(
                            "::group::{}\n::stop-commands::{}",
                            escape_command_data(&title),
                            self.token
                        ));
                        let _ = held.copy_to(self.out.writer());
                        self.print(&format!("::{}::\n::endgroup::", self.token));
                    }
                }
                let d = human_duration(*duration);
                let mut text = String::new();
                if *status == StepStatus::Passed {
                    text.push_str(&format!("✓ {title} ({d})"));
                } else {
                    let msg = message.clone().unwrap_or_default();
                    let name = step_name(plan, *unit, *step);
                    let job = &plan.units[*unit].job;
                    let place = match self.steps.line(job, *step) {
                        Some(line) => format!("file={},line={line},", property(&self.steps.file)),
                        None => String::new(),
                    };
                    text.push_str(&format!(
                        "::error {place}title={}::{}\n",
                        property(&format!("{} › {name}", label(unit))),
                        escape_command_data(&format!("{name}: {msg}"))
                    ));
                    let shown = open.tail.lines();
                    text.push_str(&format!(
                        "✗ {title}: {msg} ({d}); last {} line(s) of its output:\n",
                        shown.len()
                    ));
                    text.push_str(&self.fenced(shown));
                }
                self.print(&text);
            }
            Event::StepSkipped { .. } | Event::RetryScheduled { .. } | Event::Notice { .. } => {
                if let Some(line) = super::plain_line(plan, event) {
                    self.print(&line);
                }
            }
            Event::UnitFinished { unit, result } => {
                let reason = result.reason.clone().unwrap_or_default();
                let title = property(&label(unit));
                match result.status {
                    UnitStatus::Skipped => self.print(&format!(
                        "::notice title={title}::{}",
                        escape_command_data(&format!("skipped: {reason}"))
                    )),
                    UnitStatus::FailedAllowed => self.print(&format!(
                        "::warning title={title}::{}",
                        escape_command_data(&format!(
                            "failed, allowed to (allow_failure): {reason}"
                        ))
                    )),
                    UnitStatus::Flaky => self.print(&format!(
                        "::warning title={title}::{}",
                        escape_command_data(&format!("flaky: {reason}"))
                    )),
                    UnitStatus::Failed | UnitStatus::TimedOut if result.attempts == 0 => self
                        .print(&format!(
                            "::error title={title}::{}",
                            escape_command_data(&reason)
                        )),
                    _ => {}
                }
                // A declared report that never appeared: an annotation on the run's page.
                for r in &result.missing_reports {
                    self.print(&format!(
                        "::warning title={title}::{}",
                        escape_command_data(&format!("report `{r}` matched no file"))
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
