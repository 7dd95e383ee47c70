//! Problems found in a spec: what, where (a span or a document path) and how to fix it.

mod render;
mod suggest;

pub use render::{render_all, render_json, Style};
pub use suggest::did_you_mean;

use serde::Serialize;

use crate::source::{Span, YamlPath};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// A diagnostic code: a stable, machine-readable identifier such as `unknown-key`.
///
/// Codes are declared as constants beside the code that reports them, and every layer lists
/// its own (`source::CODES`, `shape::CODES`, `spec::format::CODES`, each rule's `CODES`);
/// `compile::catalogue` gathers them, and `docs/diagnostics.md` is checked against it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Code(&'static str);

impl Code {
    pub const fn new(id: &'static str) -> Self {
        Code(id)
    }

    pub fn id(self) -> &'static str {
        self.0
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

/// One problem. Rules attach a `path`; the loader resolves it to a `span` before rendering,
/// so rules never deal with positions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Stable machine-readable identifier such as `unknown-key`.
    pub code: &'static str,
    pub message: String,
    pub path: Option<YamlPath>,
    /// Point at the mapping key of `path` rather than its value.
    pub on_key: bool,
    pub span: Option<Span>,
    pub label: Option<String>,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code: code.id(),
            message: message.into(),
            path: None,
            on_key: false,
            span: None,
            label: None,
            help: None,
        }
    }

    pub fn warning(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, message)
        }
    }

    pub fn with_span(mut self, span: Span) -> Self {
        self.span = Some(span);
        self
    }

    /// Locate at the value found at `path`.
    pub fn at(mut self, path: YamlPath) -> Self {
        self.path = Some(path);
        self.on_key = false;
        self
    }

    /// Locate at the mapping key of `path`.
    pub fn at_key(mut self, path: YamlPath) -> Self {
        self.path = Some(path);
        self.on_key = true;
        self
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}
