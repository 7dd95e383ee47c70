//! The one place where spec text becomes YAML, shell or just text: every value that reaches
//! an output goes through a function here.
//!
//! YAML scalars must mean the same to a YAML 1.2 reader (GitHub) and a YAML 1.1 reader (GitLab
//! reads YAML with Ruby Psych, where `no`, `on`, `0777`, `1_000`, `20:00` and `2024-01-02` are
//! not strings). So a scalar is written plain only when it is boringly safe in both versions,
//! single-quoted when it is printable ASCII, and double-quoted with escapes otherwise.

use std::borrow::Cow;

/// Words that YAML 1.1 or 1.2 read as booleans or null (case variants as the specs list them).
const RESERVED_WORDS: &[&str] = &[
    "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE", "false",
    "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF", "null", "Null", "NULL",
];

/// Whether `s` can be written as a plain scalar and read back as the same string by both YAML
/// versions: it starts with a letter, or with `.` and a letter as hidden paths do (`.cigen/x`;
/// so it is no number, date, time or sexagesimal, and starts with no indicator; `.inf` and
/// `.nan` are the special floats of both versions and stay quoted), uses only letters, digits, `_ . / - @ ( ) = +` and
/// single inner spaces (so no comment, flow, quote, anchor or tag syntax), has `:` only before
/// a non-space (so it is no key), and is not a boolean or null word.
fn plain_safe(s: &str) -> bool {
    let bytes = s.as_bytes();
    let Some(&first) = bytes.first() else {
        return false;
    };
    let start_ok = first.is_ascii_alphabetic()
        || (first == b'.'
            && bytes.get(1).is_some_and(u8::is_ascii_alphabetic)
            && !s.eq_ignore_ascii_case(".inf")
            && !s.eq_ignore_ascii_case(".nan"));
    if !start_ok {
        return false;
    }
    // A template prints thousands of values: one pass, a table lookup per byte.
    let mut prev = first;
    for &b in &bytes[1..] {
        if !PLAIN[b as usize] || (b == b' ' && matches!(prev, b' ' | b':')) {
            return false;
        }
        prev = b;
    }
    !matches!(prev, b' ' | b':') && (s.len() > 5 || !RESERVED_WORDS.contains(&s))
}

/// The bytes a plain scalar may hold: letters, digits, `_ . / - @ ( ) = + :` and space.
const PLAIN: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric()
            || matches!(
                c,
                b'_' | b'.' | b'/' | b'-' | b'@' | b'(' | b')' | b'=' | b'+'
            )
            || matches!(c, b' ' | b':');
        b += 1;
    }
    t
};

/// Characters that must be escaped inside a double-quoted scalar: everything YAML does not
/// allow raw (controls, surrogates, non-characters), line separators that YAML 1.1 treats as
/// line breaks (U+0085, U+2028, U+2029), the byte-order mark, and invisible characters that
/// could hide what a reviewer reads (zero-width and bidirectional controls).
fn needs_escape(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}'
        | '\u{2060}'..='\u{206f}' | '\u{feff}' | '\u{fff0}'..='\u{ffff}')
}

/// A YAML scalar (plain, single- or double-quoted) that reads back as exactly `s` in YAML 1.1
/// and 1.2. Double-quoted escapes are limited to those both versions define.
pub(crate) fn yaml_scalar(s: &str) -> String {
    yaml_scalar_cow(s).into_owned()
}

/// [`yaml_scalar`], borrowing `s` when it is written plain (most values: a template prints
/// thousands of them).
pub(crate) fn yaml_scalar_cow(s: &str) -> Cow<'_, str> {
    if plain_safe(s) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(quoted(s))
}

fn quoted(s: &str) -> String {
    // A GitHub expression with string literals (`hashFiles('uv.lock')`) stays double-quoted:
    // single-quoted YAML would double its quotes, and tools that read expressions from the
    // raw text (zizmor) could no longer parse it.
    let expression_literals = s.contains('\'') && s.contains("${{");
    if !s.is_empty()
        && !expression_literals
        && s.chars().all(|c| (' '..='~').contains(&c))
        && !s.starts_with(' ')
        && !s.ends_with(' ')
    {
        let mut out = String::with_capacity(s.len() + 2);
        out.push('\'');
        for part in s.split_inclusive('\'') {
            out.push_str(part);
            if part.ends_with('\'') {
                out.push('\'');
            }
        }
        out.push('\'');
        return out;
    }
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if needs_escape(c) => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Text for a GitHub Actions field that evaluates `${{ }}`: each `${{` becomes an expression
/// that yields the literal `${{`, so user text is shown, never evaluated.
pub(crate) fn github_text(s: &str) -> String {
    github_text_cow(s).into_owned()
}

/// [`github_text`], borrowing `s` when it holds no `${{`.
pub(crate) fn github_text_cow(s: &str) -> Cow<'_, str> {
    // Most values hold no `$` at all: memchr says so before a substring search is set up
    // (the formatter asks this of every value a template prints).
    if memchr::memchr(b'$', s.as_bytes()).is_some() && s.contains("${{") {
        Cow::Owned(s.replace("${{", "${{ '${{' }}"))
    } else {
        Cow::Borrowed(s)
    }
}

/// Text for a GitLab field that expands `$VARIABLE` (variables, matrix values): `$$` is
/// GitLab's escape for a literal `$`.
pub(crate) fn gitlab_variable(s: &str) -> String {
    s.replace('$', "$$")
}

/// A POSIX shell word that the shell reads back as exactly `s` (no expansion of any kind).
pub(crate) fn shell_word(s: &str) -> String {
    if !s.is_empty()
        && s.chars().all(|c| {
            c.is_ascii_alphanumeric()
                || matches!(c, '_' | '.' | '/' | '-' | '=' | ':' | ',' | '+' | '@')
        })
    {
        return s.to_string();
    }
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// Text inside a just recipe line: `{{` starts an interpolation there, `{{{{` is a literal `{{`.
pub(crate) fn just_text(s: &str) -> String {
    s.replace("{{", "{{{{")
}

/// Like [`yaml_scalar`], but a single-quoted scalar longer than `width` is wrapped at single
/// spaces onto continuation lines indented by `indent` spaces. Inside a quoted scalar a line
/// break between non-space characters folds into one space in YAML 1.1 and 1.2 alike, so the
/// value reads back unchanged; long generated `if:` conditions stay readable and within
/// yamllint's line limit.
pub(crate) fn yaml_scalar_wrapped(s: &str, indent: usize, width: usize) -> String {
    let one = yaml_scalar(s);
    if one.len() <= width || !one.starts_with('\'') {
        return one;
    }
    let bytes = one.as_bytes();
    let mut out = String::with_capacity(one.len() + 16);
    let mut line_start = 0;
    let mut last_break: Option<usize> = None;
    for i in 0..bytes.len() {
        // A break only at a space between two non-spaces: folding keeps exactly one space.
        if bytes[i] == b' '
            && i > 0
            && bytes[i - 1] != b' '
            && bytes.get(i + 1).is_some_and(|b| *b != b' ')
        {
            if i - line_start > width {
                if let Some(b) = last_break {
                    out.push_str(&one[line_start..b]);
                    out.push('\n');
                    out.push_str(&" ".repeat(indent));
                    line_start = b + 1;
                }
            }
            last_break = Some(i);
        }
    }
    if one.len() - line_start > width {
        if let Some(b) = last_break.filter(|b| *b > line_start) {
            out.push_str(&one[line_start..b]);
            out.push('\n');
            out.push_str(&" ".repeat(indent));
            line_start = b + 1;
        }
    }
    out.push_str(&one[line_start..]);
    out
}

/// One line of comment text: line breaks and invisible characters become spaces, so a value
/// can never end the comment and start YAML or just syntax.
pub(crate) fn comment_text(s: &str) -> String {
    s.chars()
        .map(|c| {
            if needs_escape(c) || c == '\u{85}' {
                ' '
            } else {
                c
            }
        })
        .collect::<String>()
        .trim()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Strings that change meaning in YAML 1.1, YAML 1.2, shells, GitHub or just.
    pub(crate) const NASTY: &[&str] = &[
        "",
        " ",
        "no",
        "No",
        "on",
        "OFF",
        "y",
        "n",
        "yes",
        "true",
        "null",
        "Null",
        "~",
        "0777",
        "012",
        "1_000",
        "0x1F",
        "0o17",
        "0b101",
        "1e3",
        "3.10",
        ".5",
        "-1",
        "+1",
        ".inf",
        "-.inf",
        ".NaN",
        "20:00",
        "1:30:00",
        "190:20:30",
        "2024-01-02",
        "2024-01-02T03:04:05Z",
        "*x",
        "&x",
        "!x",
        "!!str",
        "%x",
        "@x",
        "`x`",
        "- x",
        "-",
        "? x",
        "a: b",
        "a:b",
        "x #y",
        "#x",
        "{a}",
        "[a]",
        "|",
        ">",
        "'q'",
        "\"dq\"",
        "<<",
        "=",
        "${{ github.event.issue.title }}",
        "$HOME",
        "$$",
        "{{x}}",
        "{{{{",
        "a\nb",
        "a\n",
        "\na",
        "a\n\n",
        "a\tb",
        "a\r\nb",
        "a\rb",
        "a\u{2028}b",
        "a\u{2029}b",
        "\u{feff}bom",
        "a\u{202e}b\u{202c}",
        "a\u{200f}",
        "a\u{0}b",
        "a\u{7}b",
        "a\u{85}b",
        "a\u{a0}b",
        "a:",
        "a: b",
        "a :b",
        "a  b",
        "yes please",
        "x,y",
        "f(x) = y + 1",
        "u@h:p",
        "é中😀",
        "\\",
        "\\n",
        "a  ",
        "  a",
        "key: value # c",
        "--- x",
        "...",
        "'",
        "x'y",
        "%YAML 1.1",
    ];

    fn roundtrip(s: &str) -> String {
        let doc = format!("k: {}\n", yaml_scalar(s));
        let v: serde_yaml::Value =
            serde_yaml::from_str(&doc).unwrap_or_else(|e| panic!("{doc:?}: {e}"));
        match &v["k"] {
            serde_yaml::Value::String(t) => t.clone(),
            other => panic!("{s:?} read back as {other:?} from {doc:?}"),
        }
    }

    #[test]
    fn expressions_with_string_literals_keep_their_quotes_single() {
        // Double-quoted, so the expression's own `'` are not doubled by YAML quoting.
        assert_eq!(
            yaml_scalar("k-${{ hashFiles('uv.lock') }}"),
            "\"k-${{ hashFiles('uv.lock') }}\""
        );
        assert_eq!(yaml_scalar("it's"), "'it''s'");
        assert_eq!(yaml_scalar("'${{ x }}"), "\"'${{ x }}\"");
    }

    #[test]
    fn every_nasty_string_reads_back_as_itself_in_yaml_1_2() {
        for s in NASTY {
            assert_eq!(&roundtrip(s), s, "written as {}", yaml_scalar(s));
        }
    }

    #[test]
    fn yaml_1_1_traps_are_quoted() {
        // The 1.2 reader above would accept these plain; YAML 1.1 would not.
        for s in [
            "no",
            "on",
            "y",
            "N",
            "0777",
            "1_000",
            "20:00",
            "190:20:30",
            "2024-01-02",
            "~",
            "=",
            "<<",
            ".inf",
            ".INF",
            ".NaN",
            ".5",
            "..",
        ] {
            assert!(
                yaml_scalar(s).starts_with(['\'', '"']),
                "{s} must be quoted"
            );
        }
        assert_eq!(yaml_scalar("ubuntu-24.04"), "ubuntu-24.04");
        assert_eq!(yaml_scalar(".cigen/junit.xml"), ".cigen/junit.xml");
        assert_eq!(yaml_scalar("valkey/valkey:8"), "valkey/valkey:8");
        assert_eq!(yaml_scalar("Check out"), "Check out");
        assert_eq!(yaml_scalar("a: b"), "'a: b'");
        assert_eq!(yaml_scalar("a:"), "'a:'");
        assert_eq!(yaml_scalar("No"), "'No'");
        assert_eq!(yaml_scalar("a\u{2028}b"), "\"a\\u2028b\"");
        assert_eq!(yaml_scalar("😀\u{1f}"), "\"😀\\u001F\"");
    }

    #[test]
    fn single_line_and_no_raw_invisible_characters() {
        for s in NASTY {
            let y = yaml_scalar(s);
            assert!(
                !y.contains(['\n', '\r', '\u{2028}', '\u{2029}', '\u{85}', '\u{feff}', '\u{202e}']),
                "{s:?} → {y:?}"
            );
        }
    }

    #[test]
    fn github_expressions_are_neutralised() {
        assert_eq!(
            github_text("a ${{ github.token }}"),
            "a ${{ '${{' }} github.token }}"
        );
        assert_eq!(github_text("$HOME {{x}}"), "$HOME {{x}}");
    }

    #[test]
    fn shell_words_are_literal() {
        assert_eq!(shell_word("python=3.12"), "python=3.12");
        assert_eq!(shell_word("it's $HOME"), "'it'\\''s $HOME'");
        assert_eq!(shell_word(""), "''");
    }

    #[test]
    fn other_dialects() {
        assert_eq!(gitlab_variable("$HOME and $$"), "$$HOME and $$$$");
        assert_eq!(just_text("{{x}}"), "{{{{x}}");
        assert_eq!(comment_text("a\nb\u{2028}c"), "a b c");
    }

    proptest::proptest! {
        #[test]
        fn any_text_reads_back_as_itself(s in "\\PC*|[\\x00-\\x7f\\u{80}-\\u{ff}\\u{2028}\\u{feff}\\u{202e}]{0,12}") {
            proptest::prop_assert_eq!(roundtrip(&s), s);
        }

        /// The table-driven `plain_safe` chooses plain exactly where the rule it replaced
        /// (written out below, byte by byte) did, so no output changes.
        #[test]
        fn plain_is_chosen_as_the_byte_by_byte_rule_chose_it(s in "[a-zA-Z0-9 :._/@()=+\\-#'\"{}]{0,8}|(y|Y|no|on|NULL|true|[.](inf|NaN|x))[ :a]{0,2}") {
            proptest::prop_assert_eq!(plain_safe(&s), plain_by_bytes(&s), "{:?}", s);
        }

        #[test]
        fn any_text_stays_on_one_line(s in "\\PC*|[\\x00-\\x7f\\u{2028}\\u{2029}\\u{85}]{0,12}") {
            let y = yaml_scalar(&s);
            proptest::prop_assert!(!y.contains(['\n', '\r', '\u{2028}', '\u{2029}', '\u{85}']), "{:?}", y);
        }
    }

    fn plain_by_bytes(s: &str) -> bool {
        let bytes = s.as_bytes();
        let Some(&first) = bytes.first() else {
            return false;
        };
        let body_ok = bytes.iter().enumerate().all(|(i, &b)| {
            let next = bytes.get(i + 1).copied();
            match b {
                b if b.is_ascii_alphanumeric() => true,
                b'_' | b'.' | b'/' | b'-' | b'@' | b'(' | b')' | b'=' | b'+' => true,
                b' ' => i > 0 && next.is_some_and(|n| n != b' '),
                b':' => next.is_some_and(|n| n != b' '),
                _ => false,
            }
        });
        let start_ok = first.is_ascii_alphabetic()
            || (first == b'.'
                && bytes.get(1).is_some_and(u8::is_ascii_alphabetic)
                && !matches!(s.to_ascii_lowercase().as_str(), ".inf" | ".nan"));
        start_ok && body_ok && !RESERVED_WORDS.contains(&s)
    }

    #[test]
    fn wrapped_scalars_read_back_unchanged() {
        let cond = "!failure() && !cancelled() && ((github.event_name == 'push' && github.ref_type != 'tag') || contains(fromJSON('[\"pull_request\",\"workflow_dispatch\"]'), github.event_name))";
        let w = yaml_scalar_wrapped(cond, 6, 80);
        assert!(
            w.lines().count() > 1 && w.lines().all(|l| l.len() <= 90),
            "{w}"
        );
        let doc = format!("jobs:\n  a:\n    if: {w}\n");
        let v: serde_yaml::Value = serde_yaml::from_str(&doc).unwrap();
        assert_eq!(v["jobs"]["a"]["if"].as_str(), Some(cond));
        assert_eq!(yaml_scalar_wrapped("short", 6, 80), "short");
        assert_eq!(yaml_scalar_wrapped("a  b", 2, 1), "'a  b'");
    }
}
