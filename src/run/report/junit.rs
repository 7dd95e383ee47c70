//! JUnit XML: one test suite per unit, one test case per step (its last attempt).

use std::time::Duration;

use crate::run::events::{StepStatus, UnitResult};
use crate::run::plan::Plan;

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

pub(crate) fn render(plan: &Plan, results: &[UnitResult], cases: &[Vec<Case>]) -> String {
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let total: usize = plan
        .units
        .iter()
        .enumerate()
        .map(|(i, _)| cases.get(i).map_or(0, |c| c.len().max(1)))
        .sum();
    let failures: usize = cases
        .iter()
        .flatten()
        .filter(|c| c.status != StepStatus::Passed)
        .count();
    x.push_str(&format!(
        "<testsuites name=\"cigen\" tests=\"{total}\" failures=\"{failures}\">\n"
    ));
    for (i, u) in plan.units.iter().enumerate() {
        let r = &results[i];
        let cs = cases.get(i).cloned().unwrap_or_default();
        let fails = cs.iter().filter(|c| c.status != StepStatus::Passed).count();
        let skipped = usize::from(cs.is_empty());
        x.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{fails}\" skipped=\"{skipped}\" time=\"{}\">\n",
            escape(&u.label),
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
                escape(&u.label),
                escape(&u.label)
            ));
            if r.status.is_failure() {
                x.push_str(&format!("      <failure message=\"{}\"/>\n", escape(&why)));
            } else {
                x.push_str(&format!("      <skipped message=\"{}\"/>\n", escape(&why)));
            }
            x.push_str("    </testcase>\n");
        }
        for c in &cs {
            x.push_str(&format!(
                "    <testcase name=\"{}\" classname=\"{}\" time=\"{}\">\n",
                escape(&c.name),
                escape(&u.label),
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
    }
    x.push_str("</testsuites>\n");
    x
}
