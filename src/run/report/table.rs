//! The final summary table shared by the text reporters: job, status, duration, attempts, note.

use std::time::Duration;

use crate::run::events::{human_duration, UnitResult, UnitStatus};
use crate::run::plan::Plan;

/// Rows of `[job, status, duration, attempts, note]`.
pub(crate) fn rows(plan: &Plan, results: &[UnitResult]) -> Vec<[String; 5]> {
    plan.units
        .iter()
        .zip(results)
        .map(|(u, r)| {
            let ran = r.status != UnitStatus::Skipped;
            [
                u.label.clone(),
                r.status.as_str().to_string(),
                if ran {
                    human_duration(r.duration)
                } else {
                    "-".into()
                },
                if r.attempts > 0 {
                    r.attempts.to_string()
                } else {
                    "-".into()
                },
                note(r),
            ]
        })
        .collect()
}

/// Why the unit ended so, its coverage figure and its missing reports.
fn note(r: &UnitResult) -> String {
    let mut parts: Vec<String> = r.reason.iter().cloned().collect();
    if let Some(f) = r.coverage {
        parts.push(format!("coverage {}", crate::run::coverage::percent(f)));
    }
    if !r.missing_reports.is_empty() {
        parts.push(format!("missing reports: {}", r.missing_reports.join(", ")));
    }
    parts.join("; ")
}

/// A plain aligned table.
pub(crate) fn render(plan: &Plan, results: &[UnitResult]) -> String {
    let mut all = vec![[
        "JOB".to_string(),
        "STATUS".into(),
        "DURATION".into(),
        "ATTEMPTS".into(),
        "NOTE".into(),
    ]];
    all.extend(rows(plan, results));
    let mut widths = [0usize; 5];
    for r in &all {
        for (i, c) in r.iter().enumerate() {
            widths[i] = widths[i].max(c.chars().count());
        }
    }
    let mut out = String::new();
    for r in &all {
        let mut line = String::new();
        for (i, c) in r.iter().enumerate() {
            line.push_str(&format!("{:<w$}  ", c, w = widths[i]));
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// `3 passed, 1 failed, 1 skipped in 2.31s`.
pub(crate) fn totals(results: &[UnitResult], elapsed: Duration) -> String {
    let order = [
        UnitStatus::Passed,
        UnitStatus::Flaky,
        UnitStatus::Failed,
        UnitStatus::TimedOut,
        UnitStatus::FailedAllowed,
        UnitStatus::Cancelled,
        UnitStatus::Skipped,
    ];
    let parts: Vec<String> = order
        .iter()
        .filter_map(|s| {
            let n = results.iter().filter(|r| r.status == *s).count();
            (n > 0).then(|| format!("{n} {}", s.as_str()))
        })
        .collect();
    let parts = if parts.is_empty() {
        "nothing to run".to_string()
    } else {
        parts.join(", ")
    };
    format!("{parts} in {}", human_duration(elapsed))
}
