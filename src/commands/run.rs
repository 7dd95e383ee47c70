//! `cigen run`: plan the jobs, show the plan or run it, and map how it ended to an exit code.
//! The engine is `crate::run`; this is the command flow around it.

use indexmap::IndexMap;

use crate::cli::RunArgs;
use crate::compile::Loaded;
use crate::exit::Outcome;
use crate::run::{self, Ended, Options};
use crate::ui::ColorChoice;

/// The engine's options from the command line.
fn options(args: &RunArgs, color: ColorChoice) -> Options {
    Options {
        jobs: args.jobs.clone(),
        no_deps: args.no_deps,
        matrix: args.matrix.clone(),
        jobs_limit: args.jobs_limit,
        keep_going: args.keep_going,
        base: args.base.clone(),
        log_format: args.log_format.chosen(),
        host_services: args.host_services,
        color,
    }
}

pub fn run(loaded: &Loaded, args: &RunArgs, color: ColorChoice) -> Outcome {
    let opts = options(args, color);
    let prepared = match run::prepare(loaded, &opts) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return Outcome::Usage;
        }
    };
    let missing = prepared.missing_secrets();
    if args.dry_run {
        prepared.show_plan(opts.log_format);
        if !missing.is_empty() {
            eprint!("{}", missing_text("warning", &missing));
        }
        return Outcome::Success;
    }
    if !missing.is_empty() {
        eprint!("{}", missing_text("error", &missing));
        return Outcome::Usage;
    }
    if let Some(table) = prepared.preflight() {
        eprint!("{table}");
    }
    match run::execute(prepared, &opts).ended {
        Ended::Passed => Outcome::Success,
        Ended::Failed | Ended::NotStarted => Outcome::Failure,
        Ended::Interrupted(sig) => Outcome::Signal(sig),
    }
}

fn missing_text(level: &str, missing: &IndexMap<String, Vec<String>>) -> String {
    let mut s =
        format!("{level}: missing secrets (set them in the environment or in the env_file):\n");
    for (job, names) in missing {
        s.push_str(&format!("  {job}: {}\n", names.join(", ")));
    }
    s
}
