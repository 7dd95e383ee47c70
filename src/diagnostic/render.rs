//! rustc-style rendering of diagnostics, and the same data as JSON.

use std::fmt::Write as _;

use anstyle::{AnsiColor, Effects, Style as AStyle};
use serde::Serialize;

use super::{Diagnostic, Severity};
use crate::source::SourceFile;

/// Whether to colour the rendering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Plain,
    Color,
}

struct Palette {
    error: AStyle,
    warning: AStyle,
    bold: AStyle,
    blue: AStyle,
}

impl Palette {
    fn new(style: Style) -> Self {
        if style == Style::Plain {
            return Palette {
                error: AStyle::new(),
                warning: AStyle::new(),
                bold: AStyle::new(),
                blue: AStyle::new(),
            };
        }
        Palette {
            error: AStyle::new()
                .fg_color(Some(AnsiColor::BrightRed.into()))
                .effects(Effects::BOLD),
            warning: AStyle::new()
                .fg_color(Some(AnsiColor::BrightYellow.into()))
                .effects(Effects::BOLD),
            bold: AStyle::new().effects(Effects::BOLD),
            blue: AStyle::new()
                .fg_color(Some(AnsiColor::BrightBlue.into()))
                .effects(Effects::BOLD),
        }
    }
}

/// Renders every diagnostic followed by a one-line count, like rustc.
pub fn render_all(file: &SourceFile, diagnostics: &[Diagnostic], style: Style) -> String {
    let mut out = String::new();
    for d in diagnostics {
        render_one(&mut out, file, d, style);
        out.push('\n');
    }
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    let p = Palette::new(style);
    if errors > 0 {
        let _ = writeln!(
            out,
            "{}error{}: {} has {} error{}{}",
            p.error.render(),
            p.error.render_reset(),
            file.path().display(),
            errors,
            if errors == 1 { "" } else { "s" },
            if warnings > 0 {
                format!(
                    " and {warnings} warning{}",
                    if warnings == 1 { "" } else { "s" }
                )
            } else {
                String::new()
            }
        );
    }
    out
}

fn render_one(out: &mut String, file: &SourceFile, d: &Diagnostic, style: Style) {
    let p = Palette::new(style);
    let (head, word) = match d.severity {
        Severity::Error => (p.error, "error"),
        Severity::Warning => (p.warning, "warning"),
    };
    let _ = writeln!(
        out,
        "{}{word}[{}]{}{}: {}{}",
        head.render(),
        d.code,
        head.render_reset(),
        p.bold.render(),
        d.message,
        p.bold.render_reset()
    );
    let blue = p.blue.render();
    let reset = p.blue.render_reset();
    match d.span {
        Some(span) => {
            let (line, col) = file.line_col(span.start);
            let gutter = line.to_string().len();
            let pad = " ".repeat(gutter);
            let _ = writeln!(
                out,
                "{pad}{blue}-->{reset} {}:{line}:{col}",
                file.path().display()
            );
            let text = file.line_text(line);
            let _ = writeln!(out, "{pad} {blue}|{reset}");
            // Underline the span on its first line (at least one caret), measured in terminal
            // columns so tabs, escaped control characters and wide characters line up.
            let (end_line, end_col) = file.line_col(span.end);
            let chars: Vec<char> = text.chars().collect();
            let first = (col - 1).min(chars.len());
            let last = if end_line == line {
                (end_col - 1).clamp(first, chars.len())
            } else {
                chars.len()
            };
            // A very long line (a spec written as one-line JSON) is cut to a window around the span.
            let (from, to) = window(&chars, first);
            let cols = |cs: &[char]| -> usize { cs.iter().map(|c| width(&visible(*c))).sum() };
            let before = if from > 0 { "..." } else { "" };
            let after = if to < chars.len() { "..." } else { "" };
            let shown: String = chars[from..to].iter().map(|c| visible(*c)).collect();
            let shown = format!("{before}{shown}{after}");
            let shown = shown.trim_end();
            let _ = writeln!(
                out,
                "{blue}{line} |{reset}{}{shown}",
                if shown.is_empty() { "" } else { " " }
            );
            let lead = before.len() + cols(&chars[from..first]);
            let carets = cols(&chars[first..last.min(to)]).max(1);
            let label = d
                .label
                .as_deref()
                .map(|l| format!(" {l}"))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "{pad} {blue}|{reset} {}{}{}{label}{}",
                " ".repeat(lead),
                head.render(),
                "^".repeat(carets),
                head.render_reset()
            );
            if let Some(help) = &d.help {
                let _ = writeln!(
                    out,
                    "{pad} {blue}={reset} {}help{}: {help}",
                    p.bold.render(),
                    p.bold.render_reset()
                );
            }
        }
        None => {
            let _ = writeln!(out, " {blue}-->{reset} {}", file.path().display());
            if let Some(help) = &d.help {
                let _ = writeln!(
                    out,
                    "  {blue}={reset} {}help{}: {help}",
                    p.bold.render(),
                    p.bold.render_reset()
                );
            }
        }
    }
}

/// How a source character is shown: tabs as four spaces (terminals disagree about tab stops),
/// control characters escaped (they would corrupt the terminal or hide the problem).
fn visible(c: char) -> String {
    match c {
        '\t' => "    ".to_string(),
        c if c.is_control() => c.escape_default().to_string(),
        c => c.to_string(),
    }
}

/// Characters `[from, to)` of a source line to show: all of it when it fits in
/// `MAX_LINE` columns, else a window that starts a little before the span.
fn window(chars: &[char], first: usize) -> (usize, usize) {
    const MAX_LINE: usize = 120;
    const CONTEXT: usize = 30;
    let total: usize = chars.iter().map(|c| width(&visible(*c))).sum();
    if total <= MAX_LINE {
        return (0, chars.len());
    }
    let from = first.saturating_sub(CONTEXT);
    let (mut to, mut used) = (from, 0);
    while to < chars.len() {
        let w = width(&visible(chars[to]));
        // Room for "..." on both sides; always show at least the span's first character.
        if used + w > MAX_LINE - 6 && to > first {
            break;
        }
        used += w;
        to += 1;
    }
    (from, to)
}

/// Terminal columns taken by `s` (wide CJK characters take two).
fn width(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    severity: super::Severity,
    code: &'a str,
    message: &'a str,
    file: String,
    line: Option<usize>,
    column: Option<usize>,
    end_line: Option<usize>,
    end_column: Option<usize>,
    path: Option<String>,
    label: Option<&'a str>,
    help: Option<&'a str>,
}

/// The same diagnostics as a JSON document: `{"diagnostics": [...]}`.
pub fn render_json(file: &SourceFile, diagnostics: &[Diagnostic]) -> String {
    let items: Vec<JsonDiagnostic<'_>> = diagnostics
        .iter()
        .map(|d| {
            let start = d.span.map(|s| file.line_col(s.start));
            let end = d.span.map(|s| file.line_col(s.end));
            JsonDiagnostic {
                severity: d.severity,
                code: d.code,
                message: &d.message,
                file: file.path().display().to_string(),
                line: start.map(|p| p.0),
                column: start.map(|p| p.1),
                end_line: end.map(|p| p.0),
                end_column: end.map(|p| p.1),
                path: d.path.as_ref().map(|p| p.to_string()),
                label: d.label.as_deref(),
                help: d.help.as_deref(),
            }
        })
        .collect();
    serde_json::to_string_pretty(&serde_json::json!({ "diagnostics": items })).unwrap_or_default()
        + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Code;
    use crate::source::Span;

    fn render(text: &str, span: Span) -> String {
        let file = SourceFile::new("t.yaml", text);
        let d = Diagnostic::error(Code::new("x"), "m")
            .with_span(span)
            .with_label("here")
            .with_help("h");
        render_all(&file, &[d], Style::Plain)
    }

    /// The caret line of a rendering.
    fn caret(out: &str) -> &str {
        out.lines().find(|l| l.contains('^')).unwrap_or_default()
    }

    #[test]
    fn span_on_last_line_without_newline() {
        let out = render("a: 1\nb: [x", Span::new(8, 9));
        assert!(out.contains("t.yaml:2:4"), "{out}");
        assert_eq!(caret(&out), "  |    ^ here");
    }

    #[test]
    fn empty_file_and_span_past_the_end() {
        let out = render("", Span::new(0, 0));
        assert!(out.contains("t.yaml:1:1") && out.contains("1 |\n"), "{out}");
        let out = render("a: 1\n", Span::new(5, 99));
        assert!(out.contains("t.yaml:2:1"), "{out}");
    }

    #[test]
    fn crlf_lines_do_not_leak_carriage_returns() {
        let out = render("a: 1\r\nb: x\r\n", Span::new(9, 10));
        assert!(!out.contains('\r'), "{out:?}");
        assert!(
            out.contains("t.yaml:2:4") && out.contains("2 | b: x\n"),
            "{out}"
        );
        assert_eq!(caret(&out), "  |    ^ here");
    }

    #[test]
    fn tabs_and_wide_characters_line_up() {
        let out = render("\tk: v\n", Span::new(1, 2));
        assert!(out.contains("1 |     k: v"), "{out}");
        assert_eq!(caret(&out), "  |     ^ here");
        // `日本` is four terminal columns wide.
        let text = "d: 日本 x\n";
        let x = text.find('x').unwrap_or(0);
        let out = render(text, Span::new(x, x + 1));
        assert_eq!(caret(&out), "  |         ^ here");
        let out = render(text, Span::new(3, x - 1));
        assert_eq!(caret(&out), "  |    ^^^^ here");
    }

    #[test]
    fn long_lines_are_cut_around_the_span() {
        let text = format!(
            "{{\"version\": 1, {}\"jobs\": {{}}, \"bad\": 1}}\n",
            "\"x\": 1, ".repeat(200)
        );
        let at = text.find("\"bad\"").unwrap_or(0);
        let out = render(&text, Span::new(at, at + 5));
        let source_line = out
            .lines()
            .find(|l| l.starts_with("1 |"))
            .unwrap_or_default();
        assert!(
            source_line.len() < 140
                && source_line.starts_with("1 | ...")
                && source_line.contains("\"bad\""),
            "{out}"
        );
        let caret_line = caret(&out);
        let col = caret_line.find('^').unwrap_or(0);
        assert_eq!(&source_line[col..col + 5], "\"bad\"", "{out}");
        assert!(out.contains(&format!("t.yaml:1:{}", at + 1)), "{out}");
    }

    #[test]
    fn control_characters_are_escaped() {
        let out = render("a: \u{1b}[31mred\n", Span::new(3, 4));
        assert!(!out.contains('\u{1b}'), "{out:?}");
        assert!(out.contains("\\u{1b}"), "{out}");
    }

    #[test]
    fn json_positions_match_the_text() {
        let file = SourceFile::new("t.yaml", "a: 1\nb: 2\n");
        let d = Diagnostic::error(Code::new("x"), "m").with_span(Span::new(5, 8));
        let v: serde_json::Value =
            serde_json::from_str(&render_json(&file, &[d])).unwrap_or_default();
        let item = &v["diagnostics"][0];
        assert_eq!(
            (
                item["line"].as_u64(),
                item["column"].as_u64(),
                item["end_column"].as_u64()
            ),
            (Some(2), Some(1), Some(4))
        );
    }
}
