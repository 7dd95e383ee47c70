//! Comparing runners unit by unit against the local `cigen run`, explaining differences by
//! the rows of `table.rs`, and the parity table printed for every pipeline.

use std::fmt::Write as _;

use super::logs::{Outcome, Unit};
use super::runners::{Run, Runner};
use super::table::{Field, Row, BY_DESIGN, TO_FIX};

/// One difference between a runner and the local run.
#[derive(Debug, Clone)]
pub struct Diff {
    pub scenario: String,
    pub unit: String,
    pub runner: Runner,
    pub field: Field,
    pub local: String,
    pub other: String,
}

fn absent() -> Outcome {
    Outcome {
        status: "absent".into(),
        markers: vec![],
    }
}

/// Every difference of `runs` (one scenario) from the local run.
pub fn diffs(scenario: &str, units: &[Unit], runs: &[Run]) -> Vec<Diff> {
    let local = runs
        .iter()
        .find(|r| r.runner == Runner::Local)
        .expect("a local run");
    let mut out = Vec::new();
    for u in units {
        let want = local.outcomes.get(&u.label).cloned().unwrap_or_else(absent);
        for r in runs.iter().filter(|r| r.runner != Runner::Local) {
            let got = r.outcomes.get(&u.label).cloned().unwrap_or_else(absent);
            let mut push = |field, local: String, other: String| {
                out.push(Diff {
                    scenario: scenario.to_string(),
                    unit: u.label.clone(),
                    runner: r.runner,
                    field,
                    local,
                    other,
                })
            };
            if got.status != want.status {
                push(Field::Status, want.status.clone(), got.status.clone());
            }
            if got.markers != want.markers {
                push(
                    Field::Markers,
                    want.markers.join(" | "),
                    got.markers.join(" | "),
                );
            }
        }
    }
    out
}

/// Whether `row` explains `d`. A status row also explains the unit's marker lines: a unit
/// that did not run printed none.
fn matches(row: &Row, pipeline: &str, d: &Diff) -> bool {
    row.pipeline == pipeline
        && (row.scenario == "*" || row.scenario == d.scenario)
        && (row.units.is_empty() || row.units.contains(&d.unit.as_str()))
        && row.runners.contains(&d.runner)
        && (row.field == d.field || row.field == Field::Status)
}

/// The row explaining `d`: by design first, then to fix.
pub fn explain<'a>(pipeline: &str, d: &Diff) -> Option<(&'a Row, bool)> {
    BY_DESIGN
        .iter()
        .find(|r| matches(r, pipeline, d))
        .map(|r| (r, true))
        .or_else(|| {
            TO_FIX
                .iter()
                .find(|r| matches(r, pipeline, d))
                .map(|r| (r, false))
        })
}

/// Rows of `pipeline`, with the unit each names, that explain none of `diffs`: stale. A
/// status row must still meet a status difference, and every unit it names must differ.
pub fn stale(pipeline: &str, diffs: &[Diff]) -> Vec<(&'static Row, String)> {
    let mut out = Vec::new();
    for r in BY_DESIGN
        .iter()
        .chain(TO_FIX)
        .filter(|r| r.pipeline == pipeline)
    {
        let explains = |d: &&Diff| matches(r, pipeline, d) && d.field == r.field;
        if r.units.is_empty() {
            if !diffs.iter().any(|d| explains(&d)) {
                out.push((r, "*".into()));
            }
            continue;
        }
        for u in r.units {
            if !diffs.iter().filter(|d| d.unit == *u).any(|d| explains(&d)) {
                out.push((r, (*u).into()));
            }
        }
    }
    out
}

/// The parity table of one scenario: a row per unit, a column per runner, each cell the
/// status, with `†` for a difference by design, `‡` for one still to fix, `✗` for an
/// unexplained one (`m` when the marker lines differ).
pub fn render(
    pipeline: &str,
    scenario: &str,
    units: &[Unit],
    runs: &[Run],
    diffs: &[Diff],
) -> String {
    let mut s = String::new();
    let times: Vec<String> = runs
        .iter()
        .map(|r| format!("{} {:.1}s", r.runner.name(), r.elapsed.as_secs_f64()))
        .collect();
    let _ = writeln!(s, "{pipeline} — {scenario}  ({})", times.join(", "));
    let width = units
        .iter()
        .map(|u| u.label.chars().count())
        .max()
        .unwrap_or(4)
        .max(4);
    let _ = write!(s, "  {:<width$}", "unit");
    for r in Runner::ALL {
        let _ = write!(s, "  {:<14}", r.name());
    }
    s.push('\n');
    for u in units {
        let _ = write!(s, "  {:<width$}", u.label);
        for r in Runner::ALL {
            let run = runs.iter().find(|x| x.runner == r);
            let status = run
                .and_then(|x| x.outcomes.get(&u.label))
                .map_or("absent".to_string(), |o| o.status.clone());
            let mut cell = status;
            for d in diffs.iter().filter(|d| d.unit == u.label && d.runner == r) {
                if d.field == Field::Markers {
                    cell.push('m');
                }
                cell.push(match explain(pipeline, d) {
                    Some((_, true)) => '†',
                    Some((_, false)) => '‡',
                    None => '✗',
                });
            }
            let _ = write!(s, "  {cell:<14}");
        }
        s.push('\n');
    }
    let mut reasons: Vec<String> = Vec::new();
    for d in diffs {
        if let Some((row, by_design)) = explain(pipeline, d) {
            let line = format!("  {} {}", if by_design { '†' } else { '‡' }, row.why);
            if !reasons.contains(&line) {
                reasons.push(line);
            }
        }
    }
    for r in reasons {
        s.push_str(&r);
        s.push('\n');
    }
    s
}

/// The failure text for unexplained differences and stale rows, or `None` when parity holds.
pub fn verdict(pipeline: &str, diffs: &[Diff], tables: &str, reports: &[String]) -> Option<String> {
    let unexplained: Vec<&Diff> = diffs
        .iter()
        .filter(|d| explain(pipeline, d).is_none())
        .collect();
    let stale = stale(pipeline, diffs);
    if unexplained.is_empty() && stale.is_empty() {
        return None;
    }
    let mut s = format!("parity of `{pipeline}` does not hold\n\n{tables}\n");
    for d in &unexplained {
        let _ = writeln!(
            s,
            "UNEXPLAINED [{}] {} under {}: {:?} differs\n    local:  {}\n    {:<6}  {}",
            d.scenario,
            d.unit,
            d.runner.name(),
            d.field,
            d.local,
            d.runner.name(),
            d.other
        );
    }
    for (r, unit) in &stale {
        let _ = writeln!(
            s,
            "STALE ROW for unit `{unit}` (it explains no difference any more: remove it): {r:?}"
        );
    }
    s.push_str("\n--- runs (verbatim) ---\n");
    for r in reports {
        s.push_str(r);
        s.push_str("\n\n");
    }
    Some(s)
}
