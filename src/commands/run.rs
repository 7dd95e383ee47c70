//! `cigen run`: plan the jobs, show the plan or run it, and map how it ended to an exit code.
//! The engine is `crate::run`; this is the command flow around it.

use indexmap::IndexMap;

use crate::cli::{EventArg, RunArgs};
use crate::compile::Loaded;
use crate::exit::Outcome;
use crate::run::{self, Ended, Options};
use crate::spec::Event;
use crate::ui::ColorChoice;

/// The event `--event`/`--tag` ask for (`--tag` is a tag push), or why the combination is
/// wrong.
fn event(args: &RunArgs) -> Result<Option<Event>, String> {
    match (args.event, &args.tag, &args.branch) {
        (Some(e), Some(_), _) if e != EventArg::Tag => {
            return Err("--tag is a tag push: use it with --event tag or alone".into())
        }
        (Some(EventArg::Tag), _, Some(_)) | (None, Some(_), Some(_)) => {
            return Err(
                "--branch with a tag: a tag run has no branch (name the tag with --tag)".into(),
            )
        }
        _ => {}
    }
    if args.tag.is_some() {
        return Ok(Some(Event::Tag));
    }
    // `--schedule` is a scheduled run, `--base-branch` a pull request: each implies its event.
    match (args.event, &args.schedule, &args.base_branch) {
        (Some(e), Some(_), _) if e != EventArg::Schedule => {
            return Err(
                "--schedule is a scheduled run: use it with --event schedule or alone".into(),
            )
        }
        (Some(e), _, Some(_)) if e != EventArg::PullRequest => return Err(
            "--base-branch is a pull request's target: use it with --event pull_request or alone"
                .into(),
        ),
        (None, Some(_), Some(_)) => {
            return Err(
                "--schedule and --base-branch: a run is scheduled or a pull request, not both"
                    .into(),
            )
        }
        (None, Some(_), None) => return Ok(Some(Event::Schedule)),
        (None, None, Some(_)) => return Ok(Some(Event::PullRequest)),
        _ => {}
    }
    Ok(args.event.map(|e| match e {
        EventArg::Push => Event::Push,
        EventArg::PullRequest => Event::PullRequest,
        EventArg::Tag => Event::Tag,
        EventArg::Schedule => Event::Schedule,
        EventArg::Manual => Event::Manual,
    }))
}

/// The engine's options from the command line.
fn options(args: &RunArgs, color: ColorChoice) -> Result<Options, String> {
    Ok(Options {
        jobs: args.jobs.clone(),
        no_deps: args.no_deps,
        matrix: args.matrix.clone(),
        cell: args.cell.clone(),
        jobs_limit: args.jobs_limit,
        keep_going: args.keep_going,
        base: args.base.clone(),
        log_format: args.log_format.chosen(),
        host_services: args.host_services,
        color,
        event: event(args)?,
        branch: args.branch.clone(),
        schedule: args.schedule.clone(),
        base_branch: args.base_branch.clone(),
        repository: args.repository.clone(),
        force: args.force,
        junit: args.junit.clone(),
        slow_after: Some(args.slow_after).filter(|d| !d.is_zero()),
    })
}

pub fn run(loaded: &Loaded, args: &RunArgs, color: ColorChoice) -> Outcome {
    let opts = match options(args, color) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: {e}");
            return Outcome::Usage;
        }
    };
    let mut prepared = match run::prepare(loaded, &opts) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return Outcome::Usage;
        }
    };
    for w in prepared.warnings() {
        eprintln!("warning: {w}");
    }
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
    if let Err(e) = prepared.resolve_secrets() {
        eprintln!("error: {e}");
        return Outcome::Usage;
    }
    for w in prepared.secret_warnings() {
        eprintln!("{w}");
    }
    // Known answers (cached) are shown first; probes still running are waited for, and
    // shown, after the run, so they never delay it.
    let mut preflight = prepared.preflight();
    if preflight.as_ref().is_some_and(|p| p.known()) {
        if let Some(table) = preflight.take().and_then(|p| p.finish()) {
            eprint!("{table}");
        }
    }
    let ended = run::execute(prepared, &opts).ended;
    if let Some(table) = preflight.and_then(|p| p.finish()) {
        eprint!("{table}");
    }
    match ended {
        Ended::Passed => Outcome::Success,
        Ended::AllowedFailure => Outcome::AllowedFailure,
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
