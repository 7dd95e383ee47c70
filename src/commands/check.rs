//! `cigen check`: validate the spec and print every problem (human or JSON).

use std::path::Path;

use crate::cli::{CheckArgs, DiagnosticFormat};
use crate::compile::{self, LoadError};
use crate::diagnostic::{render_all, render_json, Diagnostic};
use crate::exit::Outcome;
use crate::source::SourceFile;
use crate::ui;
use crate::ui::ColorChoice;

pub fn run(path: &Path, args: &CheckArgs, color: ColorChoice) -> Outcome {
    let loaded = compile::load_file(path);
    let outcome = match (&loaded, args.format) {
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
            print!("{}", render_json(source, diagnostics));
            Outcome::Usage
        }
        // Tools reading JSON get the unreadable file as a diagnostic too, not stray stderr.
        (Err(LoadError::Io { path, error }), DiagnosticFormat::Json) => {
            let file = SourceFile::new(path, "");
            let d = Diagnostic::error(
                crate::compile::UNREADABLE_SPEC,
                format!("cannot read {}: {error}", path.display()),
            )
            .with_help("name an existing spec with -f PATH, or run cigen where cigen.yaml is");
            print!("{}", render_json(&file, &[d]));
            Outcome::Usage
        }
        (Err(e), _) => {
            ui::report_load_error(e, color);
            Outcome::Usage
        }
    };
    // The process ends next: freeing a big spec string by string only delays the exit
    // (as in `app::run`).
    std::mem::forget(loaded);
    outcome
}
