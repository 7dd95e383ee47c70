//! GitHub Actions reporter: `::group::` per step, `::error::` annotations, failed output
//! repeated outside its group, a Markdown summary in `$GITHUB_STEP_SUMMARY`.
//!
//! Child output runs between `::stop-commands::<token>` and `::<token>::` with a random
//! token, so a line the child prints such as `::set-output` or `::add-mask::` is plain
//! text to the runner and cannot hijack it.

use std::collections::{HashMap, VecDeque};
use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

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
    summary: Option<PathBuf>,
    name: String,
    /// Output per (unit, step): buffered when units run in parallel, else only the tail.
    lines: HashMap<(usize, usize), VecDeque<String>>,
    titles: HashMap<(usize, usize), String>,
    /// Where steps sit in the spec, so an annotation points at the failing one.
    steps: StepLines,
    out: Out,
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
            summary: cfg
                .env
                .get("GITHUB_STEP_SUMMARY")
                .filter(|p| !p.is_empty())
                .map(PathBuf::from),
            name: cfg.pipeline_name.to_string(),
            lines: HashMap::new(),
            titles: HashMap::new(),
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
                self.lines.insert((*unit, *step), VecDeque::new());
                if self.live {
                    self.print(&format!(
                        "::group::{}\n::stop-commands::{}",
                        escape_command_data(&title),
                        self.token
                    ));
                }
                self.titles.insert((*unit, *step), title);
            }
            Event::Output { unit, step, line } => {
                if self.live {
                    self.print(line);
                }
                let buf = self.lines.entry((*unit, *step)).or_default();
                buf.push_back(line.clone());
                if self.live && buf.len() > TAIL {
                    buf.pop_front();
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
                let lines = self.lines.remove(&(*unit, *step)).unwrap_or_default();
                let title = self.titles.remove(&(*unit, *step)).unwrap_or_default();
                let mut text = String::new();
                if self.live {
                    text.push_str(&format!("::{}::\n::endgroup::\n", self.token));
                } else {
                    text.push_str(&format!(
                        "::group::{}\n{}\n::endgroup::\n",
                        escape_command_data(&title),
                        self.fenced(lines.iter().cloned())
                    ));
                }
                let d = human_duration(*duration);
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
                    let shown: Vec<String> = lines.iter().rev().take(TAIL).rev().cloned().collect();
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
        if let Some(path) = &self.summary {
            let md = markdown(&self.name, plan, results, elapsed, signal);
            if let Ok(mut f) = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
            {
                let _ = f.write_all(md.as_bytes());
            }
        }
        self.out.flush();
    }
}

fn md_cell(s: &str) -> String {
    s.replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// The Markdown job table for the step summary.
pub(crate) fn markdown(
    name: &str,
    plan: &Plan,
    results: &[UnitResult],
    elapsed: Duration,
    signal: Option<i32>,
) -> String {
    let mut md = format!("### {}\n\n| Job | Status | Duration | Attempts | Note |\n| --- | --- | --- | --- | --- |\n", md_cell(name));
    for (row, r) in table::rows(plan, results).iter().zip(results) {
        let icon = match r.status {
            UnitStatus::Passed => "✅",
            UnitStatus::Flaky => "⚠️",
            UnitStatus::Skipped => "⏭️",
            UnitStatus::Cancelled => "🚫",
            UnitStatus::Failed | UnitStatus::TimedOut => "❌",
        };
        md.push_str(&format!(
            "| {} | {icon} {} | {} | {} | {} |\n",
            md_cell(&row[0]),
            row[1],
            row[2],
            row[3],
            md_cell(&row[4])
        ));
    }
    md.push_str(&format!("\n{}", table::totals(results, elapsed)));
    if let Some(s) = signal {
        md.push_str(&format!(" (interrupted by {})", signal_name(s)));
    }
    md.push_str("\n\n");
    md
}
