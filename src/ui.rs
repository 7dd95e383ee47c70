//! Terminal output decisions: colour choice and rendering of load errors.

use std::io::IsTerminal;

use crate::compile::LoadError;
use crate::diagnostic::{render_all, Style};

/// When to colour output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ColorChoice {
    /// On a terminal, unless `NO_COLOR` is set.
    #[default]
    Auto,
    Always,
    Never,
}

/// Whether to colour a stream: `--color`, then NO_COLOR, then whether it is a terminal.
pub fn use_color(choice: ColorChoice, is_terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && is_terminal
        }
    }
}

pub fn stderr_style(choice: ColorChoice) -> Style {
    if use_color(choice, std::io::stderr().is_terminal()) {
        Style::Color
    } else {
        Style::Plain
    }
}

/// Prints a load error to stderr, rustc-style.
pub fn report_load_error(err: &LoadError, choice: ColorChoice) {
    match err {
        LoadError::Io { .. } => eprintln!("error: {err}"),
        LoadError::Invalid {
            source,
            diagnostics,
        } => eprint!("{}", render_all(source, diagnostics, stderr_style(choice))),
    }
}
