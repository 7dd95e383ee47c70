//! JUnit XML: one test suite per unit, one test case per step (its last attempt). A sink: it
//! runs whatever the log format, wherever a report is wanted (GitLab's merge request widget).

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

use super::tail::Tail;
use super::{step_name, Reporter};
use crate::run::events::{Event, StepStatus, UnitResult};
use crate::run::plan::Plan;

/// Lines of output kept per step.
const KEEP: usize = 200;

/// One step's last attempt.
#[derive(Debug, Clone)]
pub(crate) struct Case {
    pub name: String,
    pub attempt: u32,
    pub status: StepStatus,
    pub duration: Duration,
    pub message: Option<String>,
    pub output: Vec<String>,
}

/// Escapes text for XML 1.0, dropping characters XML cannot carry (most control codes, ANSI ESC).
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

fn secs(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64())
}

/// The `<testsuite>` of one unit: a case per step (its last attempt), or one case for the
/// unit itself when no step ran.
fn suite(label: &str, r: &UnitResult, cs: &[Case]) -> String {
    let mut x = String::new();
    let fails = cs.iter().filter(|c| c.status != StepStatus::Passed).count();
    let skipped = usize::from(cs.is_empty());
    x.push_str(&format!(
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{fails}\" skipped=\"{skipped}\" time=\"{}\">\n",
        escape(label),
        cs.len().max(1),
        secs(r.duration)
    ));
    if cs.is_empty() {
        let why = r
            .reason
            .clone()
            .unwrap_or_else(|| r.status.as_str().to_string());
        x.push_str(&format!(
            "    <testcase name=\"{}\" classname=\"{}\" time=\"0.000\">\n",
            escape(label),
            escape(label)
        ));
        if r.status.is_failure() {
            x.push_str(&format!("      <failure message=\"{}\"/>\n", escape(&why)));
        } else {
            x.push_str(&format!("      <skipped message=\"{}\"/>\n", escape(&why)));
        }
        x.push_str("    </testcase>\n");
    }
    for c in cs {
        x.push_str(&format!(
            "    <testcase name=\"{}\" classname=\"{}\" time=\"{}\">\n",
            escape(&c.name),
            escape(label),
            secs(c.duration)
        ));
        match c.status {
            StepStatus::Passed if c.attempt > 1 => x.push_str(&format!("      <properties><property name=\"flaky\" value=\"passed on attempt {}\"/></properties>\n", c.attempt)),
            StepStatus::Passed => {}
            StepStatus::Cancelled => x.push_str(&format!("      <skipped message=\"{}\"/>\n", escape(c.message.as_deref().unwrap_or("cancelled")))),
            _ => x.push_str(&format!("      <failure message=\"{}\"/>\n", escape(c.message.as_deref().unwrap_or("failed")))),
        }
        if !c.output.is_empty() {
            x.push_str(&format!(
                "      <system-out>{}</system-out>\n",
                escape(&c.output.join("\n"))
            ));
        }
        x.push_str("    </testcase>\n");
    }
    x.push_str("  </testsuite>\n");
    x
}

/// A unit's rendered suite and what it adds to the totals.
struct Suite {
    xml: String,
    tests: usize,
    failures: usize,
}

fn rendered(label: &str, r: &UnitResult, cs: &[Case]) -> Suite {
    Suite {
        xml: suite(label, r, cs),
        tests: cs.len().max(1),
        failures: cs.iter().filter(|c| c.status != StepStatus::Passed).count(),
    }
}

/// The JUnit sink: follows the events whatever the log format, renders each unit's suite when
/// the unit ends (so only running units' cases are held), writes the report at the end.
pub(crate) struct Junit {
    path: PathBuf,
    /// Cases of running units, by unit.
    cases: HashMap<usize, Vec<Case>>,
    /// Steps running, by (unit, step): attempt and last lines.
    open: HashMap<(usize, usize), (u32, Tail)>,
    suites: Vec<Option<Suite>>,
}

impl Junit {
    pub(crate) fn new(path: PathBuf) -> Self {
        Junit {
            path,
            cases: HashMap::new(),
            open: HashMap::new(),
            suites: Vec::new(),
        }
    }

    fn write(&self, xml: &str) -> std::io::Result<()> {
        if let Some(dir) = self.path.parent() {
            crate::state_dir::create_dir_all(dir)?;
        }
        std::fs::write(&self.path, xml)
    }
}

impl Reporter for Junit {
    fn start(&mut self, plan: &Plan) {
        self.suites = plan.units.iter().map(|_| None).collect();
    }

    fn event(&mut self, plan: &Plan, event: &Event) {
        match event {
            Event::StepStarted {
                unit,
                step,
                attempt,
                ..
            } => {
                self.open
                    .insert((*unit, *step), (*attempt, Tail::new(KEEP)));
            }
            Event::Output { unit, step, text } => {
                if let Some((_, tail)) = self.open.get_mut(&(*unit, *step)) {
                    tail.push(text);
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
                let Some((attempt, tail)) = self.open.remove(&(*unit, *step)) else {
                    return;
                };
                let case = Case {
                    name: step_name(plan, *unit, *step),
                    attempt,
                    status: *status,
                    duration: *duration,
                    message: message.clone(),
                    output: tail.lines(),
                };
                let cases = self.cases.entry(*unit).or_default();
                cases.retain(|c| c.name != case.name);
                cases.push(case);
            }
            Event::UnitFinished { unit, result } => {
                let cases = self.cases.remove(unit).unwrap_or_default();
                if let Some(slot) = self.suites.get_mut(*unit) {
                    *slot = Some(rendered(&plan.units[*unit].label, result, &cases));
                }
            }
            _ => {}
        }
    }

    fn flush(&mut self) {}

    fn finish(&mut self, plan: &Plan, results: &[UnitResult], _: Duration, _: Option<i32>) {
        // Units the run never reached have no suite yet.
        let suites: Vec<Suite> = std::mem::take(&mut self.suites)
            .into_iter()
            .zip(plan.units.iter().zip(results))
            .map(|(s, (u, r))| s.unwrap_or_else(|| rendered(&u.label, r, &[])))
            .collect();
        let total: usize = suites.iter().map(|s| s.tests).sum();
        let failures: usize = suites.iter().map(|s| s.failures).sum();
        let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        x.push_str(&format!(
            "<testsuites name=\"cigen\" tests=\"{total}\" failures=\"{failures}\">\n"
        ));
        for s in &suites {
            x.push_str(&s.xml);
        }
        x.push_str("</testsuites>\n");
        if let Err(e) = self.write(&x) {
            eprintln!(
                "warning: cannot write the JUnit report {}: {e}",
                self.path.display()
            );
        }
    }
}
