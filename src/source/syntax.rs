//! Turns a YAML scanner error into a diagnostic that points at the cause, not the symptom.
//!
//! The scanner stops where it noticed the problem, which for an unclosed `[` or an undefined
//! alias is often a line or more after the mistake. These heuristics look back from that
//! point; when none applies, the scanner's own position and message are kept.

use crate::diagnostic::{did_you_mean, Diagnostic};

use super::Span;

/// Builds the diagnostic for a scanner error `info` at byte offset `at` of `text`.
pub(crate) fn syntax_diagnostic(text: &str, at: usize, info: &str) -> Diagnostic {
    let at = floor_boundary(text, at.min(text.len()));
    let base = |span: Span, help: &str| {
        Diagnostic::error(super::YAML_SYNTAX, format!("invalid YAML: {info}"))
            .with_span(span)
            .with_help(help)
    };
    if info.contains("unknown anchor") {
        return undefined_alias(text, at);
    }
    if info.contains("tabs disallowed") || info.contains("tab cannot") {
        // The scanner reports the first character after the tabs; point at the tab itself.
        let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        let tab = text[line_start..at]
            .find('\t')
            .map_or(at, |i| line_start + i);
        return base(
            Span::new(tab, next_boundary(text, tab)),
            "YAML indentation must use spaces, not tabs",
        );
    }
    if info.contains("found a tab") {
        // The scanner names the plain scalar it was reading, which the tab-indented line
        // below would have continued: point at that tab.
        if let Some(tab) = indenting_tab(text, at).or_else(|| text[at..].find('\t').map(|i| at + i))
        {
            return Diagnostic::error(
                super::YAML_SYNTAX,
                "invalid YAML: a tab where YAML expects indentation".to_string(),
            )
            .with_span(Span::new(tab, tab + 1))
            .with_label("a tab")
            .with_help(format!(
                "YAML indentation must use spaces, not tabs (the parser noticed while reading the value at line {}: {info})",
                line_of(text, at)
            ));
        }
    }
    if let Some(open) = unclosed_flow(text, at) {
        let close = if text.as_bytes()[open] == b'[' {
            ']'
        } else {
            '}'
        };
        let what = if close == ']' { "list" } else { "mapping" };
        return Diagnostic::error(
            super::YAML_SYNTAX,
            format!(
                "invalid YAML: this `{}` is never closed",
                &text[open..open + 1]
            ),
        )
        .with_span(Span::new(open, open + 1))
        .with_label(format!("the {what} starts here"))
        .with_help(format!(
            "close the {what} with `{close}` (the parser noticed at line {}: {info})",
            line_of(text, at)
        ));
    }
    if let Some(quote) = unclosed_quote(text, at, info) {
        return Diagnostic::error(super::YAML_SYNTAX, "invalid YAML: quoted text is never closed")
            .with_span(Span::new(quote, quote + 1))
            .with_label("the quoted text starts here")
            .with_help(format!(
                "add the closing quote; a quoted value continued on the next line must be indented more than its key (the parser noticed at line {}: {info})",
                line_of(text, at)
            ));
    }
    if info.contains("mapping values are not allowed") {
        if let Some(d) = key_under_scalar(text, at) {
            return d;
        }
    }
    let help = if info.contains("mapping values are not allowed") {
        "a value containing `: ` must be quoted, e.g. run: \"echo a: b\""
    } else if info.contains("did not find expected key")
        || info.contains("could not find expected ':'")
    {
        "check the indentation: keys of one mapping start in the same column, and list items (`- `) line up"
    } else if info.contains("did not find expected") {
        "check the indentation and the closing quote or bracket above this point"
    } else {
        "fix the YAML syntax at this point"
    };
    base(Span::new(at, next_boundary(text, at)), help)
}

/// `key:` on the line at `at`, indented deeper than a `parent: value` line above: YAML reads
/// it as the continuation of that value, and the scanner then stumbles on the colon. The
/// author meant a sibling of `parent` (`steps:` one level too deep under `description: x`).
fn key_under_scalar(text: &str, at: usize) -> Option<Diagnostic> {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line = &text[line_start..];
    let line = &line[..line.find('\n').unwrap_or(line.len())];
    let indent = line.len() - line.trim_start().len();
    let (key, _) = line.trim_start().split_once(':')?;
    let plain = |k: &str| {
        !k.is_empty()
            && k.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'))
    };
    if !plain(key) || line_start + indent + key.len() != at {
        return None;
    }
    let above = text[..line_start.saturating_sub(1)]
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))?;
    let above_indent = above.len() - above.trim_start().len();
    let (parent, value) = above.trim_start().split_once(": ")?;
    if above_indent >= indent || !plain(parent) || value.trim().is_empty() {
        return None;
    }
    let start = line_start + indent;
    Some(
        Diagnostic::error(
            super::YAML_SYNTAX,
            format!("invalid YAML: `{key}:` is indented deeper than `{parent}:` above it"),
        )
        .with_span(Span::new(start, start + key.len()))
        .with_label(format!("read as part of `{parent}`'s value"))
        .with_help(format!(
            "line `{key}:` up with `{parent}:` (a key indented deeper than the line above continues that line's value)"
        )),
    )
}

/// The first tab in the indentation of a line after the one holding `at` (a tab inside the
/// value itself is text, not the mistake).
fn indenting_tab(text: &str, at: usize) -> Option<usize> {
    let mut start = at + text[at..].find('\n')? + 1;
    while start < text.len() {
        let line = &text[start..];
        let line = &line[..line.find('\n').unwrap_or(line.len())];
        let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
        if let Some(i) = line[..indent].find('\t') {
            return Some(start + i);
        }
        start += line.len() + 1;
    }
    None
}

fn line_of(text: &str, at: usize) -> usize {
    text[..at].bytes().filter(|b| *b == b'\n').count() + 1
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn next_boundary(s: &str, i: usize) -> usize {
    s[i..].chars().next().map_or(i, |c| i + c.len_utf8())
}

/// `*name` at `at` (the scanner points at the alias) with a did-you-mean among `&anchors`.
fn undefined_alias(text: &str, at: usize) -> Diagnostic {
    let name_of = |s: &str| {
        s.chars()
            .take_while(|c| !c.is_whitespace() && !",[]{}".contains(*c))
            .collect::<String>()
    };
    let star = text[at..]
        .find('*')
        .filter(|i| !text[at..at + i].contains('\n'))
        .map_or(at, |i| at + i);
    let name = name_of(text.get(star + 1..).unwrap_or(""));
    let anchors: Vec<String> = text
        .match_indices('&')
        .map(|(i, _)| name_of(&text[i + 1..]))
        .filter(|a| !a.is_empty())
        .collect();
    let mut d = Diagnostic::error(
        super::YAML_SYNTAX,
        format!("alias `*{name}` refers to an anchor that is not defined"),
    )
    .with_span(Span::new(star, star + 1 + name.len()))
    .with_label("no `&".to_string() + &name + "` before this point");
    d = match did_you_mean(&name, anchors.iter().map(String::as_str)) {
        Some(s) => d.with_help(format!("did you mean `*{s}`?")),
        None => {
            d.with_help("define the anchor first (`key: &name value`), then refer to it (`*name`)")
        }
    };
    d
}

/// The last `[` or `{` before `at` that starts a flow collection and is never closed anywhere
/// in the text. Quotes and comments are skipped; a bracket counts only where YAML starts a
/// node (line start or after `: `, `- `, `,`, `[`, `{`), so `echo [x` in plain text does not.
fn unclosed_flow(text: &str, at: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut stack: Vec<usize> = Vec::new();
    let mut unclosed: Vec<usize> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'#' if i == 0 || bytes[i - 1].is_ascii_whitespace() => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'"' | b'\'' if starts_node(bytes, i) => {
                i = skip_quoted(bytes, i);
                continue;
            }
            b'[' | b'{' if starts_node(bytes, i) || !stack.is_empty() => stack.push(i),
            b']' | b'}' if !stack.is_empty() => {
                stack.pop();
            }
            // A flow collection never spans a line that starts a block key at column 0.
            b'\n'
                if !stack.is_empty()
                    && bytes.get(i + 1).is_some_and(|c| c.is_ascii_alphabetic()) =>
            {
                unclosed.append(&mut stack);
            }
            _ => {}
        }
        i += 1;
    }
    unclosed.extend(stack);
    unclosed.into_iter().filter(|p| *p < at).max()
}

/// Whether a node may start at `i`: after indentation, `: `, `- `, `,`, `[` or `{`.
fn starts_node(bytes: &[u8], i: usize) -> bool {
    let mut j = i;
    while j > 0 && bytes[j - 1] == b' ' {
        j -= 1;
    }
    if j == 0 || bytes[j - 1] == b'\n' {
        return true;
    }
    matches!(bytes[j - 1], b',' | b'[' | b'{')
        || (j < i && matches!(bytes[j - 1], b':' | b'-' | b'?'))
}

/// Index after the closing quote (or the end of text when unclosed).
fn skip_quoted(bytes: &[u8], start: usize) -> usize {
    let q = bytes[start];
    let mut i = start + 1;
    while i < bytes.len() {
        if q == b'"' && bytes[i] == b'\\' {
            i += 2;
            continue;
        }
        if bytes[i] == q {
            if q == b'\'' && bytes.get(i + 1) == Some(&b'\'') {
                i += 2;
                continue;
            }
            return i + 1;
        }
        i += 1;
    }
    bytes.len()
}

/// For errors about quoted scalars, the opening quote that is never closed (at or before `at`).
fn unclosed_quote(text: &str, at: usize, info: &str) -> Option<usize> {
    if !info.contains("quoted scalar") {
        return None;
    }
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut last = None;
    while i < bytes.len() && i <= at {
        if matches!(bytes[i], b'"' | b'\'') && starts_node(bytes, i) {
            let end = skip_quoted(bytes, i);
            let closed = end <= bytes.len()
                && end > i + 1
                && bytes[end - 1] == bytes[i]
                && !text[i..end].contains("\n\n");
            if !closed || end > at {
                last = Some(i);
            }
            i = end;
            continue;
        }
        i += 1;
    }
    last
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_unclosed_bracket() {
        let t = "a:\n  b: [x, y\n  c: [z]\nd: 1\n";
        assert_eq!(unclosed_flow(t, t.len()), Some(8));
        assert_eq!(unclosed_flow("run: echo [x\nb: 1\n", 17), None);
    }

    #[test]
    fn a_tab_found_after_a_value_is_the_indenting_one() {
        // The scanner reports the value (`echo a<TAB>b`, at 28); the mistake is the tab that
        // indents the next line, not the one inside the value.
        let t = "jobs:\n  t:\n    steps:\n      - run: echo a\tb\n    \ttimeout: 5m\n";
        let at = t.find("echo").unwrap();
        let d = syntax_diagnostic(t, at, "while scanning a plain scalar, found a tab");
        let tab = t.rfind('\t').unwrap();
        assert_eq!(d.span.map(|s| (s.start, s.end)), Some((tab, tab + 1)));
        assert!(d
            .help
            .unwrap()
            .starts_with("YAML indentation must use spaces"));
        // Without an indenting tab below, the first tab after the value is the best guess.
        let t = "a: x\tb\n";
        let d = syntax_diagnostic(t, 3, "while scanning a plain scalar, found a tab");
        assert_eq!(d.span.map(|s| s.start), Some(4));
    }

    #[test]
    fn names_the_undefined_alias() {
        let t = "x: &common 1\ny: *comon\n";
        let d = undefined_alias(t, 16);
        assert!(d.message.contains("`*comon`"), "{}", d.message);
        assert_eq!(d.help.as_deref(), Some("did you mean `*common`?"));
    }

    #[test]
    fn spans_never_split_characters() {
        // "unprintable" contains "tab": it must not be taken for a tab error.
        let t = "a: é\u{1}";
        let d = syntax_diagnostic(t, 4, "found unprintable character");
        let span = d.span.unwrap_or_default();
        assert!(
            t.is_char_boundary(span.start) && t.is_char_boundary(span.end),
            "{span:?}"
        );
        assert_ne!(
            d.help.as_deref(),
            Some("YAML indentation must use spaces, not tabs")
        );
    }
}
