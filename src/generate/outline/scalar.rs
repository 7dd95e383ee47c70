//! How the self-check resolves a plain scalar of a rendered output, as `serde_yaml` reads
//! it: the text most values are decided on sight, the rest by `serde_yaml` itself.

use std::borrow::Cow;

use saphyr_parser::Tag;

/// A scalar's kind (`s`tring, `n`ull, `b`ool, `u`nsigned, `i`nteger, `f`loat) and the bytes
/// that tell two values of that kind apart, as `serde_yaml` resolves it.
pub(super) fn resolve<'v>(value: &'v str, plain: bool, tag: Option<&Tag>) -> (u8, Cow<'v, [u8]>) {
    let text = (b's', Cow::Borrowed(value.as_bytes()));
    if !plain || tag.is_some_and(|t| t.suffix == "str") || !may_be_other(value) {
        return text;
    }
    // The words and numbers generated outputs are full of (`fail-fast: true`,
    // `timeout-minutes: 60`), as serde_yaml reads them, without starting a parser for each.
    if tag.is_none() {
        if let Some(word) = word(value) {
            return word;
        }
        let digits = value.as_bytes();
        if (1..=18).contains(&digits.len())
            && digits.iter().all(u8::is_ascii_digit)
            && (digits.len() == 1 || digits[0] != b'0')
        {
            if let Ok(u) = value.parse::<u64>() {
                return (b'u', Cow::Owned(u.to_le_bytes().to_vec()));
            }
        }
    }
    serde_resolve(value, text)
}

/// Whether plain `value` may read as something other than a string. Text that starts with a
/// letter does only when it is a null or boolean word; otherwise only text that starts with a
/// digit, a sign, `.` or `~` (or is empty) can be a number or a null, and of text that starts
/// with `.` only a digit next or the words `.inf` and `.nan` make one (`.cigen/junit.xml`,
/// `${{ ... }}` and `/paths` are strings). Most keys and values are decided here, unparsed.
fn may_be_other(value: &str) -> bool {
    let bytes = value.as_bytes();
    match bytes.first() {
        None | Some(b'0'..=b'9' | b'+' | b'-' | b'~') => true,
        Some(b'.') => {
            bytes.get(1).is_some_and(u8::is_ascii_digit)
                || matches!(value, ".inf" | ".Inf" | ".INF" | ".nan" | ".NaN" | ".NAN")
        }
        Some(c) if c.is_ascii_alphabetic() => word(value).is_some(),
        Some(_) => false,
    }
}

/// The null and boolean words (and the empty text, a null), as serde_yaml reads them.
fn word(value: &str) -> Option<(u8, Cow<'static, [u8]>)> {
    match value {
        "true" | "True" | "TRUE" => Some((b'b', Cow::Borrowed(&[1]))),
        "false" | "False" | "FALSE" => Some((b'b', Cow::Borrowed(&[0]))),
        "" | "~" | "null" | "Null" | "NULL" => Some((b'n', Cow::Borrowed(&[]))),
        _ => None,
    }
}

/// A plain scalar as serde_yaml resolves it, or `text` when it is a string: the rest is read
/// by serde_yaml itself, so both readers agree on what a number is.
fn serde_resolve<'v>(value: &str, text: (u8, Cow<'v, [u8]>)) -> (u8, Cow<'v, [u8]>) {
    match serde_yaml::from_str::<serde_yaml::Value>(value) {
        Ok(serde_yaml::Value::Null) => (b'n', Cow::Borrowed(&[])),
        Ok(serde_yaml::Value::Bool(b)) => (b'b', Cow::Owned(vec![u8::from(b)])),
        Ok(serde_yaml::Value::Number(n)) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
            (Some(u), _, _) => (b'u', Cow::Owned(u.to_le_bytes().to_vec())),
            (_, Some(i), _) => (b'i', Cow::Owned(i.to_le_bytes().to_vec())),
            (_, _, f) => (
                b'f',
                Cow::Owned(f.unwrap_or(f64::NAN).to_bits().to_le_bytes().to_vec()),
            ),
        },
        _ => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shortcuts of `resolve` agree with serde_yaml on plain scalars of every kind.
    #[test]
    fn resolve_agrees_with_serde_yaml() {
        let samples = [
            "",
            "~",
            "null",
            "Null",
            "NULL",
            "true",
            "False",
            "TRUE",
            "yes",
            "no",
            "on",
            "0",
            "7",
            "60",
            "007",
            "0x1f",
            "0o17",
            "+1",
            "-1",
            "-0",
            "1e3",
            "1.5",
            "-2.5e-3",
            ".5",
            "-.5",
            "+.5",
            ".inf",
            ".Inf",
            ".INF",
            "-.inf",
            "+.inf",
            ".nan",
            ".NaN",
            ".NAN",
            ".nAn",
            ".infinity",
            ".cigen/junit.xml",
            ".",
            "..",
            ".5a",
            "${{ github.sha }}",
            "$HOME",
            "/usr/bin",
            "_x",
            "@scope/pkg",
            "=",
            "<<",
            "*",
            "%",
            "`",
            "12:30",
            "1_000",
            "18446744073709551615",
            "18446744073709551616",
            "-9223372036854775808",
            "3.13",
            "3.12.1",
            "ubuntu-24.04",
            "a b",
            "~x",
            "+x",
            "-x",
            "0.",
            "1.",
            "1e",
        ];
        for v in samples {
            let text = (b's', Cow::Borrowed(v.as_bytes()));
            assert_eq!(resolve(v, true, None), serde_resolve(v, text), "{v:?}");
        }
    }
}
