//! The forms a secret value takes when CI scripts print it: as is, per line, trimmed,
//! base64 (at every byte offset), hex, URL-, JSON- and shell-escaped.
//!
//! Each form is matched as a plain substring, so every form that a value *contains* is
//! masked wherever it appears. Forms shorter than [`MIN_FORM`] are dropped: they would mask
//! ordinary text everywhere (values that short are reported instead, see `secrets.rs`).

use base64::Engine;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC};

/// Shortest form worth masking; a secret value shorter than this cannot be masked safely.
pub(crate) const MIN_FORM: usize = 4;

/// One form and whether it is an encoding that tools wrap at a fixed width (base64, hex), so
/// it may also appear broken over several full-width lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Form {
    pub text: String,
    pub wrappable: bool,
}

/// Every form of `value`, deduplicated, in a stable order (the value itself first).
pub(crate) fn forms(value: &str) -> Vec<Form> {
    let mut out: Vec<Form> = Vec::new();
    let mut add = |text: String, wrappable: bool| {
        if text.len() < MIN_FORM {
            return;
        }
        match out.iter_mut().find(|f| f.text == text) {
            Some(f) => f.wrappable |= wrappable,
            None => out.push(Form { text, wrappable }),
        }
    };
    let texts = text_forms(value);
    for t in &texts {
        add(t.clone(), false);
    }
    for t in escaped_forms(value) {
        add(t, false);
    }
    for t in byte_forms(value.as_bytes()) {
        add(t, true);
    }
    out
}

/// The value as text: whole, trimmed, word-split (`echo $X` unquoted), and each line.
fn text_forms(value: &str) -> Vec<String> {
    let mut out = vec![
        value.to_string(),
        value.trim().to_string(),
        value.split_whitespace().collect::<Vec<_>>().join(" "),
    ];
    if value.contains('\n') {
        for line in value.lines() {
            let line = line.trim_end_matches('\r');
            out.push(line.to_string());
            out.push(line.trim().to_string());
        }
    }
    out
}

/// Escapings that keep the value readable: URL, JSON and shell quoting.
fn escaped_forms(value: &str) -> Vec<String> {
    let mut out = Vec::new();
    for set in [RFC3986, PYTHON_QUOTE, URI_COMPONENT, NON_ALPHANUMERIC] {
        let enc = percent_encoding::utf8_percent_encode(value, set).to_string();
        // Form encoding writes `+` for a space (and encodes a literal `+`, which `set` does).
        out.push(enc.replace("%20", "+"));
        out.push(enc.to_lowercase_escapes());
        out.push(enc);
    }
    // WHATWG `application/x-www-form-urlencoded` keeps `*-._` and turns spaces into `+`.
    out.push(
        percent_encoding::utf8_percent_encode(value, FORM)
            .to_string()
            .replace("%20", "+"),
    );
    // A JSON string literal without its quotes.
    let quoted = serde_json::to_string(value).unwrap_or_default();
    let json = quoted
        .strip_prefix('"')
        .and_then(|q| q.strip_suffix('"'))
        .unwrap_or_default()
        .to_string();
    out.push(json.replace('/', "\\/"));
    out.push(ascii_json(&json));
    out.push(json);
    // `set -x` prints '…' with each ' as '\''; `printf %q` escapes with backslashes, or uses
    // $'…' when the value holds control characters.
    out.push(value.replace('\'', "'\\''"));
    out.push(backslash_quote(value));
    out.push(ansi_c_quote(value, false));
    // In the C locale bash counts bytes past ASCII as unprintable: `$'P\303\244ss'`.
    out.push(ansi_c_quote(value, true));
    out
}

/// Encodings of the bytes: base64 (standard and URL-safe alphabets, at offsets 0, 1 and 2),
/// hex (lower and upper case).
fn byte_forms(bytes: &[u8]) -> Vec<String> {
    use base64::engine::general_purpose::{STANDARD, URL_SAFE};
    let mut out = Vec::new();
    for engine in [&STANDARD, &URL_SAFE] {
        // The whole encoding, as `printf %s "$X" | base64` and `echo "$X" | base64` print it.
        out.push(engine.encode(bytes));
        let mut nl = bytes.to_vec();
        nl.push(b'\n');
        out.push(engine.encode(&nl));
        // Embedded (`user:token`): only the characters fed by the value's bits alone.
        for offset in 0..3 {
            out.push(base64_core(engine, bytes, offset));
        }
    }
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    out.push(hex.to_uppercase());
    out.push(hex);
    out
}

/// The part of a base64 text that depends only on `bytes` when they start `offset` bytes into
/// the encoded data: character `i` carries bits `6i..6i+6`, which must lie inside the value.
/// The GitHub runner masks the same three shifts.
fn base64_core(engine: &base64::engine::GeneralPurpose, bytes: &[u8], offset: usize) -> String {
    let mut data = vec![0u8; offset];
    data.extend_from_slice(bytes);
    let enc = engine.encode(&data);
    let first = (8 * offset).div_ceil(6);
    let end = (8 * (offset + bytes.len())) / 6;
    if first >= end {
        return String::new();
    }
    enc[first..end].to_string()
}

/// RFC 3986: everything but the unreserved `A-Z a-z 0-9 - . _ ~` is percent-encoded.
const RFC3986: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');
/// Python's `urllib.parse.quote` default: RFC 3986 plus `/`.
const PYTHON_QUOTE: &AsciiSet = &RFC3986.remove(b'/');
/// JavaScript's `encodeURIComponent`.
const URI_COMPONENT: &AsciiSet = &RFC3986
    .remove(b'!')
    .remove(b'*')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')');
/// WHATWG form encoding.
const FORM: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'*')
    .remove(b'-')
    .remove(b'.')
    .remove(b'_');

trait LowerEscapes {
    fn to_lowercase_escapes(&self) -> String;
}

impl LowerEscapes for String {
    /// `%2F` → `%2f` (some encoders write lower-case hex digits).
    fn to_lowercase_escapes(&self) -> String {
        let b = self.as_bytes();
        let mut out = String::with_capacity(self.len());
        let mut i = 0;
        while i < b.len() {
            if b[i] == b'%' && i + 2 < b.len() {
                out.push('%');
                out.push(b[i + 1].to_ascii_lowercase() as char);
                out.push(b[i + 2].to_ascii_lowercase() as char);
                i += 3;
            } else {
                // Not a byte boundary problem: only ASCII is rewritten, the rest copied whole.
                let ch_len = utf8_len(b[i]);
                out.push_str(&self[i..i + ch_len]);
                i += ch_len;
            }
        }
        out
    }
}

fn utf8_len(first: u8) -> usize {
    match first {
        0xf0..=0xff => 4,
        0xe0..=0xef => 3,
        0xc0..=0xdf => 2,
        _ => 1,
    }
}

/// JSON with every non-ASCII character as `\uXXXX` (Python's `json.dumps` default).
fn ascii_json(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{u:04x}"));
            }
        }
    }
    out
}

/// bash's `printf %q` for printable text: a backslash before each shell-special character.
fn backslash_quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() * 2);
    let mut prev: Option<char> = None;
    for c in value.chars() {
        let escape = match c {
            ' ' | '\t' | '\n' | '\'' | '"' | '\\' | '|' | '&' | ';' | '(' | ')' | '<' | '>'
            | '!' | '{' | '}' | '*' | '[' | '?' | ']' | '^' | '$' | '`' | ',' => true,
            // Tilde expansion happens at a word start and after `=` or `:`.
            '~' => matches!(prev, None | Some('=') | Some(':')),
            '#' => prev.is_none(),
            _ => false,
        };
        if escape {
            out.push('\\');
        }
        out.push(c);
        prev = Some(c);
    }
    out
}

/// The inside of bash's `$'…'` quoting (`printf %q` and `set -x` use it for control
/// characters), with bytes past ASCII in octal when `octal_utf8`.
fn ansi_c_quote(value: &str, octal_utf8: bool) -> String {
    let mut out = String::with_capacity(value.len() * 2);
    for c in value.chars() {
        if octal_utf8 && !c.is_ascii() {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("\\{b:03o}"));
            }
            continue;
        }
        match c {
            '\x07' => out.push_str("\\a"),
            '\x08' => out.push_str("\\b"),
            '\x1b' => out.push_str("\\E"),
            '\x0c' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\x0b' => out.push_str("\\v"),
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            c if (c as u32) < 0x20 || c == '\x7f' => out.push_str(&format!("\\{:03o}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(v: &str) -> Vec<String> {
        forms(v).into_iter().map(|f| f.text).collect()
    }

    #[test]
    fn base64_cores_cover_every_offset() {
        use base64::engine::general_purpose::STANDARD;
        let token = "ghp_abcdefghijklmnop";
        let t = texts(token);
        for prefix in ["", "u", "us", "user:", "x-access-token:"] {
            let enc = STANDARD.encode(format!("{prefix}{token}"));
            assert!(
                t.iter()
                    .any(|f| enc.contains(f.as_str()) && f.len() + 4 >= token.len() * 4 / 3),
                "{prefix}: {enc}"
            );
        }
    }

    #[test]
    fn escapes_match_what_tools_print() {
        let t = texts("it's a \"t\" $x/~");
        for want in [
            "it's%20a%20%22t%22%20%24x%2F~",
            "it%27s+a+%22t%22+%24x%2F~",
            "it%27s%20a%20%22t%22%20%24x%2f~",
            "it\\'s\\ a\\ \\\"t\\\"\\ \\$x/~",
            "it'\\''s a \"t\" $x/~",
            "it's a \\\"t\\\" $x\\/~",
        ] {
            assert!(t.contains(&want.to_string()), "{want} not in {t:#?}");
        }
        assert!(texts("ab\ncd\x01").contains(&"ab\\ncd\\001".to_string()));
        assert!(texts("Päss'").contains(&"P\\303\\244ss\\'".to_string()));
        assert!(texts("  padded value ").contains(&"padded value".to_string()));
        assert!(texts("é-secret").contains(&"\\u00e9-secret".to_string()));
        assert!(texts("\x01\x02").contains(&"0102".to_string()));
    }
}
