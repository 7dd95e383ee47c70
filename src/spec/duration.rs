//! Durations (`30s`, `15m`, `1h30m`, `500ms`): parsed once when the spec is read.

use std::borrow::Cow;
use std::time::Duration as StdDuration;

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::format::{self, FormatError};

/// A duration written `30s`, `15m`, `1h30m` or `500ms`. The shape check validates the text
/// (format `cigen-duration`, so every field of this type is checked with a located error);
/// deserialising parses it, so nothing downstream parses durations again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Duration(pub StdDuration);

impl Duration {
    pub fn get(self) -> StdDuration {
        self.0
    }
}

impl Serialize for Duration {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format_duration(self.0))
    }
}

impl<'de> Deserialize<'de> for Duration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        parse_duration(&text)
            .map(Duration)
            .map_err(|why| serde::de::Error::custom(format!("invalid duration `{text}`: {why}")))
    }
}

impl JsonSchema for Duration {
    fn schema_name() -> Cow<'static, str> {
        "Duration".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A duration: a sequence of number+unit pairs with units h, m, s or ms, e.g. `30s`, `15m`, `1h30m`.",
            "type": "string",
            "format": format::DURATION,
            "pattern": "^([0-9]+(ms|h|m|s))+$",
            "examples": ["30s", "15m", "1h30m"]
        })
    }
}

/// The located error for a duration that does not parse (see `format::check`). Where the
/// text reads as a duration written another way (`1.5s`, `5 minutes`, `1h 30m`), the message
/// says what is different and the help gives the same duration in cigen's notation.
pub(crate) fn check(text: &str) -> Result<(), FormatError> {
    parse_duration(text)
        .map(|_| ())
        .map_err(|why| match rewrite(text) {
            Some((fix, why)) => FormatError {
                code: format::INVALID_DURATION,
                message: format!("invalid duration `{text}`: {why}"),
                label: "not a duration",
                help: format!("write `{fix}`"),
            },
            None => FormatError {
                code: format::INVALID_DURATION,
                message: format!("invalid duration `{text}`: {why}"),
                label: "not a duration",
                help: "write a number with a unit: `30s`, `15m`, `1h30m`, `500ms`".into(),
            },
        })
}

/// `text` in cigen's notation when it reads as a duration written another way: decimals,
/// spelt-out units, spaces. Returns the rewrite and what was different.
fn rewrite(text: &str) -> Option<(String, &'static str)> {
    let mut rest = text.trim();
    let mut millis = 0f64;
    let (mut decimal, mut spelt, mut spaced) = (false, false, false);
    while !rest.is_empty() {
        let n_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number: f64 = rest[..n_len].parse().ok()?;
        decimal |= rest[..n_len].contains('.');
        let after = rest[n_len..].trim_start();
        spaced |= after.len() != rest.len() - n_len;
        let u_len = after
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(after.len());
        let (unit, short) = match after[..u_len].to_ascii_lowercase().as_str() {
            "h" => (3_600_000.0, true),
            "m" => (60_000.0, true),
            "s" => (1_000.0, true),
            "ms" => (1.0, true),
            "hr" | "hrs" | "hour" | "hours" => (3_600_000.0, false),
            "min" | "mins" | "minute" | "minutes" => (60_000.0, false),
            "sec" | "secs" | "second" | "seconds" => (1_000.0, false),
            "msec" | "msecs" | "millisecond" | "milliseconds" => (1.0, false),
            _ => return None,
        };
        spelt |= !short;
        millis += number * unit;
        let next = after[u_len..].trim_start();
        spaced |= next.len() != after.len() - u_len && !next.is_empty();
        rest = next;
    }
    let whole = millis.round();
    if whole <= 0.0 || (millis - whole).abs() > 1e-6 || whole > 7.0 * 24.0 * 3_600_000.0 {
        return None;
    }
    let why = if decimal {
        "numbers are whole; use a smaller unit"
    } else if spelt {
        "units are written `h`, `m`, `s` or `ms`"
    } else if spaced {
        "write the parts without spaces"
    } else {
        return None;
    };
    Some((format_duration(StdDuration::from_millis(whole as u64)), why))
}

/// Parses a duration made of number+unit pairs (`h`, `m`, `s`, `ms`).
pub fn parse_duration(text: &str) -> Result<StdDuration, String> {
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
    Ok(StdDuration::from_millis(total as u64))
}

/// Formats a duration in the same notation (`1h30m`), for messages and outputs.
pub fn format_duration(d: StdDuration) -> String {
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
    use std::time::Duration;

    #[test]
    fn parses_compound_durations() {
        assert_eq!(parse_duration("1h30m").unwrap(), Duration::from_secs(5400));
        assert_eq!(parse_duration("500ms").unwrap(), Duration::from_millis(500));
        assert!(parse_duration("15 minutes").is_err());
        assert!(parse_duration("15").is_err());
        assert!(parse_duration("99999999999999999999999h").is_err());
        assert_eq!(format_duration(Duration::from_secs(5400)), "1h30m");
    }

    #[test]
    fn durations_written_another_way_get_a_rewrite() {
        let fix = |t: &str| rewrite(t).map(|(f, _)| f);
        assert_eq!(fix("1.5s").as_deref(), Some("1s500ms"));
        assert_eq!(fix("0.5h").as_deref(), Some("30m"));
        assert_eq!(fix("5 minutes").as_deref(), Some("5m"));
        assert_eq!(fix("1 hour 30 minutes").as_deref(), Some("1h30m"));
        assert_eq!(fix("1h 30m").as_deref(), Some("1h30m"));
        assert_eq!(fix("2 Secs").as_deref(), Some("2s"));
        assert_eq!(fix("15"), None, "no unit: nothing to guess");
        assert_eq!(fix("5 fortnights"), None);
        assert_eq!(fix("0.0001ms"), None);
        assert_eq!(fix("30s"), None, "already right");
        let e = check("5 minutes").unwrap_err();
        assert_eq!(
            e.message,
            "invalid duration `5 minutes`: units are written `h`, `m`, `s` or `ms`"
        );
        assert_eq!(e.help, "write `5m`");
    }
}
