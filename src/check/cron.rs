//! Rule: schedules are five-field cron expressions both providers accept.

use super::Context;
use crate::diagnostic::{Code, Diagnostic};
use crate::source::YamlPath;

pub(crate) const INVALID_CRON: Code = Code::new("invalid-cron");

/// The codes this rule reports.
pub(super) const CODES: &[Code] = &[INVALID_CRON];

fn field_ok(field: &str, min: u32, max: u32, names: &[&str]) -> bool {
    field.split(',').all(|part| {
        let (range, step) = match part.split_once('/') {
            Some((r, s)) => (r, Some(s)),
            None => (part, None),
        };
        if let Some(s) = step {
            if !s.parse::<u32>().is_ok_and(|n| n > 0) {
                return false;
            }
        }
        if range == "*" {
            return true;
        }
        let value = |v: &str| {
            v.parse::<u32>()
                .ok()
                .filter(|n| (min..=max).contains(n))
                .is_some()
                || names.iter().any(|n| n.eq_ignore_ascii_case(v))
        };
        match range.split_once('-') {
            Some((a, b)) => value(a) && value(b),
            None => value(range),
        }
    })
}

pub fn validate(expr: &str) -> Result<(), String> {
    let fields: Vec<&str> = expr.split_whitespace().collect();
    if fields.len() != 5 {
        return Err(format!(
            "expected 5 fields (minute hour day month weekday), found {}",
            fields.len()
        ));
    }
    const MONTHS: &[&str] = &[
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    const DAYS: &[&str] = &["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
    let specs: [(&str, u32, u32, &[&str]); 5] = [
        ("minute", 0, 59, &[]),
        ("hour", 0, 23, &[]),
        ("day of month", 1, 31, &[]),
        ("month", 1, 12, MONTHS),
        ("day of week", 0, 6, DAYS),
    ];
    for (f, (what, min, max, names)) in fields.iter().zip(specs) {
        if !field_ok(f, min, max, names) {
            return Err(format!("`{f}` is not a valid {what} ({min}-{max})"));
        }
    }
    Ok(())
}

pub fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for (i, expr) in cx.spec.triggers.schedule.iter().enumerate() {
        if let Err(why) = validate(expr) {
            out.push(
                Diagnostic::error(INVALID_CRON, format!("invalid schedule `{expr}`: {why}"))
                    .at(YamlPath::root().key("triggers").key("schedule").index(i))
                    .with_help("write five fields, e.g. \"0 3 * * 1\" (03:00 UTC every Monday)"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn validates_cron() {
        assert!(super::validate("0 3 * * 1").is_ok());
        assert!(super::validate("*/15 0-6 1,15 jan-mar MON").is_ok());
        assert!(super::validate("0 25 * * *").is_err());
        assert!(super::validate("daily").is_err());
    }
}
