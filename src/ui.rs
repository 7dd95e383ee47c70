//! Terminal output decisions: colour choice and rendering of load errors.

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

/// Whether to colour `stream`: `--color`, else anstream's reading of the conventions
/// (`NO_COLOR`, `CLICOLOR_FORCE`, `CLICOLOR=0`, `TERM=dumb`, whether it is a terminal).
pub fn use_color<S: anstream::stream::RawStream>(choice: ColorChoice, stream: &S) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => anstream::AutoStream::choice(stream) != anstream::ColorChoice::Never,
    }
}

/// What a step's processes are told about colour, so tools keep their colours through cigen
/// (whose pipe they would otherwise take for a file): when cigen colours, `FORCE_COLOR` and
/// `CLICOLOR_FORCE` (read by Node tools, cargo, pytest, ruff and most others); when the user
/// turned colour off with `--color never`, `NO_COLOR`. A variable the user set is kept.
pub fn child_color_env(
    choice: ColorChoice,
    coloured: bool,
) -> &'static [(&'static str, &'static str)] {
    match (choice, coloured) {
        (ColorChoice::Never, _) => &[("NO_COLOR", "1")],
        (_, true) => &[("FORCE_COLOR", "1"), ("CLICOLOR_FORCE", "1")],
        (_, false) => &[],
    }
}

pub fn stderr_style(choice: ColorChoice) -> Style {
    if use_color(choice, &std::io::stderr()) {
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
