//! Parsing `30s`, `15m`, `1h30m`, `500ms` into durations.

use std::time::Duration;

/// Parses a duration made of number+unit pairs (`h`, `m`, `s`, `ms`).
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("empty duration".into());
    }
    let bytes = t.as_bytes();
    let mut i = 0;
    let mut total: u128 = 0;
    while i < bytes.len() {
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        if start == i {
            return Err(format!("expected a number at `{}`", &t[start..]));
        }
        let n: u128 = t[start..i]
            .parse()
            .map_err(|_| "number too large".to_string())?;
        let ustart = i;
        while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
            i += 1;
        }
        let millis = match &t[ustart..i] {
            "h" => 3_600_000,
            "m" => 60_000,
            "s" => 1_000,
            "ms" => 1,
            "" => return Err(format!("`{}` has no unit", &t[start..i])),
            other => return Err(format!("unknown unit `{other}`")),
        };
        total = total
            .checked_add(n.checked_mul(millis).ok_or("duration too large")?)
            .ok_or("duration too large")?;
    }
    // A week is far beyond any CI limit; larger values are almost certainly typos.
    if total > 7 * 24 * 3_600_000 {
        return Err("longer than a week".into());
    }
    Ok(Duration::from_millis(total as u64))
}

/// Formats a duration in the same notation (`1h30m`), for messages and outputs.
pub fn format_duration(d: Duration) -> String {
    let ms = d.as_millis();
    if ms == 0 {
        return "0s".into();
    }
    let (h, rest) = (ms / 3_600_000, ms % 3_600_000);
    let (m, rest) = (rest / 60_000, rest % 60_000);
    let (s, ms) = (rest / 1000, rest % 1000);
    let mut out = String::new();
    for (n, u) in [(h, "h"), (m, "m"), (s, "s"), (ms, "ms")] {
        if n > 0 {
            out.push_str(&format!("{n}{u}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_compound_durations() {
        assert_eq!(parse_duration("1h30m").unwrap(), Duration::from_secs(5400));
        assert_eq!(parse_duration("500ms").unwrap(), Duration::from_millis(500));
        assert!(parse_duration("15 minutes").is_err());
        assert!(parse_duration("15").is_err());
        assert!(parse_duration("99999999999999999999999h").is_err());
        assert_eq!(format_duration(Duration::from_secs(5400)), "1h30m");
    }
}
