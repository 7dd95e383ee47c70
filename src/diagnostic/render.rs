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
            return Palette { error: AStyle::new(), warning: AStyle::new(), bold: AStyle::new(), blue: AStyle::new() };
        }
        Palette {
            error: AStyle::new().fg_color(Some(AnsiColor::BrightRed.into())).effects(Effects::BOLD),
            warning: AStyle::new().fg_color(Some(AnsiColor::BrightYellow.into())).effects(Effects::BOLD),
            bold: AStyle::new().effects(Effects::BOLD),
            blue: AStyle::new().fg_color(Some(AnsiColor::BrightBlue.into())).effects(Effects::BOLD),
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
            if warnings > 0 { format!(" and {warnings} warning{}", if warnings == 1 { "" } else { "s" }) } else { String::new() }
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
            let _ = writeln!(out, "{pad}{blue}-->{reset} {}:{line}:{col}", file.path().display());
            let text = file.line_text(line);
            let _ = writeln!(out, "{pad} {blue}|{reset}");
            let _ = writeln!(out, "{blue}{line} |{reset} {}", visible(text));
            // Underline the span on its first line, at least one caret.
            let (end_line, end_col) = file.line_col(span.end);
            let width = if end_line == line { end_col.saturating_sub(col).max(1) } else { text.chars().count().saturating_sub(col - 1).max(1) };
            let lead: String = text.chars().take(col - 1).map(|c| if c == '\t' { '\t' } else { ' ' }).collect();
            let label = d.label.as_deref().map(|l| format!(" {l}")).unwrap_or_default();
            let _ = writeln!(out, "{pad} {blue}|{reset} {lead}{}{}{label}{}", head.render(), "^".repeat(width), head.render_reset());
            if let Some(help) = &d.help {
                let _ = writeln!(out, "{pad} {blue}={reset} {}help{}: {help}", p.bold.render(), p.bold.render_reset());
            }
        }
        None => {
            let _ = writeln!(out, " {blue}-->{reset} {}", file.path().display());
            if let Some(help) = &d.help {
                let _ = writeln!(out, "  {blue}={reset} {}help{}: {help}", p.bold.render(), p.bold.render_reset());
            }
        }
    }
}

/// Control characters would corrupt the terminal or hide the problem: show them escaped.
fn visible(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() && c != '\t' { c.escape_default().to_string() } else { c.to_string() })
        .collect()
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
    serde_json::to_string_pretty(&serde_json::json!({ "diagnostics": items })).unwrap_or_default() + "\n"
}
