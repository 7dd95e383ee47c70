//! Typing one scalar by the schema: text as written, YAML 1.2 booleans only, ranged numbers.

use serde_json::{Number, Value};

use super::super::json::Json;

use super::super::hints::range_help;
use super::{shorten, Walker};
use crate::diagnostic::Diagnostic;
use crate::source::{Node, ScalarStyle, YamlPath};
use crate::spec;

impl<'s> Walker<'s> {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn walk_scalar(
        &mut self,
        node: &Node,
        text: &str,
        style: ScalarStyle,
        schema: &Json,
        ts: &[&str],
        path: &YamlPath,
        field: Option<&str>,
    ) -> Option<Value> {
        let plain = style == ScalarStyle::Plain;
        if node.is_null() {
            if ts.contains(&"null") || ts.is_empty() {
                return Some(Value::Null);
            }
            self.type_error(node, ts, path, field);
            return None;
        }
        if ts.contains(&"string") || ts.is_empty() {
            // A typed value (duration, glob, repository path) is checked where it stands, so
            // every field of that type is validated without a rule listing fields by hand.
            let format = schema.get("format").and_then(Json::as_str);
            if let Some(Err(e)) = format.and_then(|f| spec::format::check(f, text, field)) {
                self.diagnostics.push(
                    Diagnostic::error(e.code, e.message)
                        .at(path.clone())
                        .with_label(e.label)
                        .with_help(e.help),
                );
                return None;
            }
            return Some(Value::String(text.to_string()));
        }
        if ts.contains(&"boolean") {
            match (plain, text) {
                (true, "true" | "True" | "TRUE") => return Some(Value::Bool(true)),
                (true, "false" | "False" | "FALSE") => return Some(Value::Bool(false)),
                (
                    true,
                    "yes" | "Yes" | "YES" | "no" | "No" | "NO" | "on" | "On" | "ON" | "off" | "Off"
                    | "OFF" | "y" | "n",
                ) => {
                    let meant = matches!(text.to_ascii_lowercase().as_str(), "yes" | "on" | "y");
                    self.diagnostics.push(
                        Diagnostic::error(super::super::WRONG_TYPE, format!("`{text}` is not a boolean in YAML 1.2"))
                            .at(path.clone())
                            .with_label("expected true or false")
                            .with_help(format!("write `{meant}`: GitHub (YAML 1.2) and GitLab (YAML 1.1) read `{text}` differently")),
                    );
                    return None;
                }
                _ => {}
            }
        }
        if ts.contains(&"integer") && plain {
            // Digits too many for any integer are out of range, not "not a number".
            let digits = text.strip_prefix('-').unwrap_or(text);
            let n = match text.parse::<i64>() {
                Ok(n) => Some(n),
                Err(_) if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) => {
                    Some(if text.starts_with('-') {
                        i64::MIN
                    } else {
                        i64::MAX
                    })
                }
                Err(_) => None,
            };
            if let Some(n) = n {
                let min = schema.get("minimum").and_then(Json::as_f64);
                // schemars gives unsigned types a minimum only; the format says the maximum.
                let max = schema.get("maximum").and_then(Json::as_f64).or_else(|| {
                    match schema.get("format").and_then(Json::as_str) {
                        Some("uint8") => Some(f64::from(u8::MAX)),
                        Some("uint16") => Some(f64::from(u16::MAX)),
                        Some("uint32") => Some(f64::from(u32::MAX)),
                        _ => None,
                    }
                });
                if min.is_some_and(|m| (n as f64) < m) || max.is_some_and(|m| (n as f64) > m) {
                    let range = match (min, max) {
                        (Some(a), Some(b)) => format!("between {a} and {b}"),
                        (Some(a), None) => format!("at least {a}"),
                        (None, Some(b)) => format!("at most {b}"),
                        _ => String::new(),
                    };
                    self.diagnostics.push(
                        Diagnostic::error(
                            super::super::OUT_OF_RANGE,
                            format!("{} is out of range: must be {range}", shorten(text)),
                        )
                        .at(path.clone())
                        .with_label("out of range")
                        .with_help(range_help(field, &range)),
                    );
                    return None;
                }
                return Some(Value::Number(n.into()));
            }
        }
        if ts.contains(&"number") && plain {
            if let Some(n) = text.parse::<f64>().ok().and_then(Number::from_f64) {
                return Some(Value::Number(n));
            }
        }
        let mut d = None;
        if ts.contains(&"integer") && !plain && text.parse::<i64>().is_ok() {
            d = Some(format!("remove the quotes: `{text}`"));
        }
        if ts.contains(&"boolean") && !plain && matches!(text, "true" | "false") {
            d = Some(format!("remove the quotes: `{text}`"));
        }
        self.type_error(node, ts, path, field);
        if let (Some(help), Some(last)) = (d, self.diagnostics.last_mut()) {
            last.help = Some(help);
        }
        None
    }
}
