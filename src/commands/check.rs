//! `cigen check`: validate the spec and print every problem (human or JSON).

use std::path::Path;

use crate::cli::{CheckArgs, ColorChoice, DiagnosticFormat};
use crate::diagnostic::{render_all, render_json};
use crate::exit::Outcome;
use crate::model::{self, LoadError};
use crate::ui;

pub fn run(path: &Path, args: &CheckArgs, color: ColorChoice) -> Outcome {
    match (model::load_file(path), args.format) {
        (Ok(loaded), DiagnosticFormat::Json) => {
            print!("{}", render_json(&loaded.source, &loaded.warnings));
            Outcome::Success
        }
        (Ok(loaded), DiagnosticFormat::Human) => {
            if !loaded.warnings.is_empty() {
                eprint!(
                    "{}",
                    render_all(&loaded.source, &loaded.warnings, ui::stderr_style(color))
                );
            }
            eprintln!(
                "{}: ok ({} jobs)",
                path.display(),
                loaded.pipeline.jobs.len()
            );
            Outcome::Success
        }
        (
            Err(LoadError::Invalid {
                source,
                diagnostics,
            }),
            DiagnosticFormat::Json,
        ) => {
            print!("{}", render_json(&source, &diagnostics));
            Outcome::Usage
        }
        (Err(e), _) => {
            ui::report_load_error(&e, color);
            Outcome::Usage
        }
    }
}
