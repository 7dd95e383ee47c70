//! Dispatch: finds and loads the spec, runs the chosen command, maps the result to an exit code.

use std::path::PathBuf;

use crate::cli::{Cli, Command};
use crate::commands;
use crate::compile::{self, Loaded};
use crate::exit::Outcome;
use crate::generate::prefetch::Prefetch;
use crate::ui::{self, ColorChoice};

/// Runs a parsed command line and returns how it ended.
pub fn run(cli: Cli) -> Outcome {
    let color: ColorChoice = cli.color.into();
    match &cli.command {
        Command::Schema => {
            print!("{}", crate::shape::schema_text());
            return Outcome::Success;
        }
        Command::Completions(args) => return commands::completions::run(args),
        Command::Init(args) => return commands::init::run(cli.spec.as_deref(), args),
        Command::Import(args) => return commands::import::run(cli.spec.as_deref(), args),
        _ => {}
    }
    let path = match spec_path(cli.spec.clone()) {
        Ok(p) => p,
        Err(msg) => {
            eprintln!("error: {msg}");
            return Outcome::Usage;
        }
    };
    if let Command::Check(args) = &cli.command {
        return commands::check::run(&path, args, color);
    }
    if let Command::Generate(args) = &cli.command {
        if args.check {
            if let Some(outcome) = commands::generate::check_recorded(&path, args) {
                return outcome;
            }
        }
    }
    // What the spec says is known only once it is loaded; the generated files at the default
    // paths are read meanwhile (`generate::prefetch`).
    let prefetch = match &cli.command {
        Command::Generate(args) => Prefetch::start(&path, &args.kinds()),
        _ => Prefetch::default(),
    };
    let loaded = match load(&path, color) {
        Some(l) => l,
        None => return Outcome::Usage,
    };
    let outcome = match &cli.command {
        Command::List(args) => commands::list::run(&loaded, args),
        Command::Graph(args) => commands::graph::run(&loaded, args),
        Command::Generate(args) => commands::generate::run(&loaded, args, color, prefetch),
        Command::Run(args) => commands::run::run(&loaded, args, color),
        Command::Pins(args) => commands::pins::run(&loaded, &path, args, color),
        Command::Check(_)
        | Command::Schema
        | Command::Completions(_)
        | Command::Init(_)
        | Command::Import(_) => Outcome::Success,
    };
    // The process ends next: freeing a big spec's every string one by one would only delay
    // the exit (a tenth of running one job of 5,000). It holds memory, nothing to flush.
    std::mem::forget(loaded);
    outcome
}

/// `-f PATH`, else `cigen.yaml` in the working directory or its nearest parent.
fn spec_path(explicit: Option<PathBuf>) -> Result<PathBuf, String> {
    if let Some(p) = explicit {
        return Ok(p);
    }
    let cwd =
        std::env::current_dir().map_err(|e| format!("cannot read the working directory: {e}"))?;
    compile::discover(&cwd).ok_or_else(|| {
        format!(
            "no {} found in {} or any parent directory (use -f PATH to name one)",
            crate::contract::SPEC_FILE_NAME,
            cwd.display()
        )
    })
}

/// Loads the spec, printing diagnostics (errors, or warnings on success).
pub fn load(path: &std::path::Path, color: ColorChoice) -> Option<Loaded> {
    match compile::load_file(path) {
        Ok(loaded) => {
            if !loaded.warnings.is_empty() {
                eprint!(
                    "{}",
                    crate::diagnostic::render_all(
                        &loaded.source,
                        &loaded.warnings,
                        ui::stderr_style(color)
                    )
                );
            }
            Some(loaded)
        }
        Err(e) => {
            ui::report_load_error(&e, color);
            None
        }
    }
}
