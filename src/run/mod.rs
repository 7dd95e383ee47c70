//! `cigen run`: the engine every generated output calls. See `README.md` beside this file
//! for the lifecycle and invariants.
//!
//! Order: env and `.env` → context (CI? provider, branch, event) → plan (selection, cells,
//! conditions) → dry run, or: secrets present → pre-flight → reporter start (GitHub
//! `::add-mask::`) → signal handlers → scheduler → CI output files → summary → exit code.

mod cancel;
mod changes;
mod context;
mod direct;
mod dotenv;
mod env;
mod events;
mod executor;
mod lines;
mod locate;
mod outputs;
mod plan;
mod preflight;
#[cfg(target_os = "linux")]
mod proc_tree;
mod process;
#[cfg(any(not(unix), test))]
mod process_other;
#[cfg(unix)]
mod process_unix;
mod report;
mod retry;
mod scheduler;
mod secrets;
mod services;
#[cfg(unix)]
mod spawn;
#[cfg(unix)]
mod supervise;
#[cfg(target_os = "linux")]
mod watchdog;
mod when;

use std::time::Duration;

use indexmap::IndexMap;

use crate::cli::{ColorChoice, LogFormat, RunArgs};
use crate::exit::Outcome;
use crate::model::{parse_duration, Loaded};

/// Default time between SIGTERM and SIGKILL; `CIGEN_KILL_GRACE` (e.g. `2s`) overrides.
const DEFAULT_GRACE: Duration = Duration::from_secs(5);

/// Runs `cigen run` and returns how it ended.
pub fn run(loaded: &Loaded, args: &RunArgs, color: ColorChoice) -> Outcome {
    limit_malloc_arenas();
    let p = &loaded.pipeline;
    let process = env::process_env();
    let env_file = match &p.env_file {
        Some(f) if p.root.join(f).is_file() => {
            let path = p.root.join(f);
            match std::fs::read_to_string(&path)
                .map_err(|e| e.to_string())
                .and_then(|t| {
                    dotenv::parse(&t).map_err(|e| format!("line {}: {}", e.line, e.message))
                }) {
                Ok(vars) => vars,
                Err(e) => {
                    eprintln!("error: {}: {e}", path.display());
                    return Outcome::Usage;
                }
            }
        }
        _ => IndexMap::new(),
    };
    let root = p.root.clone();
    // Opening the repository costs time and memory; only `when.branch` needs it here.
    let wants_branch = p.jobs.values().any(|j| {
        j.when.branch.is_some()
            || j.steps
                .iter()
                .any(|s| s.when.as_ref().is_some_and(|w| w.branch.is_some()))
    });
    let ctx = context::RunContext::detect(&process, || {
        wants_branch.then(|| context::local_branch(&root)).flatten()
    });
    let base = env::BaseEnv {
        process,
        env_file,
        ci: ctx.ci,
    };
    let changes = {
        let (root, env, ctx, base_ref) = (
            root.clone(),
            base.process.clone(),
            ctx.clone(),
            args.base.clone(),
        );
        when::LazyChanges::new(move || changes::detect(&root, &env, &ctx, base_ref.as_deref()))
    };
    let sel = plan::Selection {
        jobs: &args.jobs,
        no_deps: args.no_deps,
        matrix: &args.matrix,
    };
    let plan = match plan::build(p, &sel, &ctx, &changes) {
        Ok(plan) => plan,
        Err(e) => {
            eprintln!("error: {e}");
            return Outcome::Usage;
        }
    };
    let merged = base.merged();
    let missing = secrets::missing(p, &plan, &merged);
    if args.dry_run {
        // `--log-format json` gets the plan as its first event would be; others get text.
        if args.log_format == LogFormat::Json {
            report::plan_json(&plan);
        } else {
            print!("{}", plan::render(&plan, p));
        }
        if !missing.is_empty() {
            eprint!("{}", missing_text("warning", &missing));
        }
        return Outcome::Success;
    }
    if !missing.is_empty() {
        eprint!("{}", missing_text("error", &missing));
        return Outcome::Usage;
    }
    if !ctx.ci && !p.setup.is_empty() {
        if let Some(text) = preflight::render(&preflight::check(&p.setup)) {
            eprint!("{text}");
        }
    }
    let masker = {
        let mut names: Vec<&String> = p.secrets.iter().collect();
        for u in &plan.units {
            if let Some(j) = p.jobs.get(&u.job) {
                names.extend(j.secrets.iter());
            }
        }
        secrets::Masker::new(
            names
                .into_iter()
                .filter_map(|n| merged.get(n))
                .map(String::as_str),
        )
    };
    let jobs = args
        .jobs_limit
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);
    let cfg = report::ReportConfig {
        color,
        mask_patterns: &masker.patterns,
        sequential: jobs == 1 || plan.runnable() <= 1,
        env: &base.process,
        junit_path: p.root.join(".cigen/junit.xml"),
        pipeline_name: &p.name,
        step_lines: if report::resolve(args.log_format, &base.process) == LogFormat::Github {
            let workspace = base.process.get("GITHUB_WORKSPACE").map(String::as_str);
            locate::step_lines(&loaded.source, p, workspace)
        } else {
            locate::StepLines::default()
        },
    };
    let format = report::resolve(args.log_format, &base.process);
    let mut reporter = report::create(format, &cfg);
    let out_dir = match tempfile::Builder::new().prefix("cigen-run-").tempdir() {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: cannot create a temporary directory: {e}");
            return Outcome::Failure;
        }
    };
    let grace = base
        .process
        .get("CIGEN_KILL_GRACE")
        .and_then(|g| parse_duration(g).ok())
        .unwrap_or(DEFAULT_GRACE);
    let (tx, rx) = std::sync::mpsc::channel();
    if let Err(e) = watch_signals(tx.clone()) {
        eprintln!("warning: cannot install signal handlers: {e}");
    }
    let github_output = base
        .process
        .get("GITHUB_OUTPUT")
        .filter(|v| !v.is_empty())
        .map(std::path::PathBuf::from);
    let gitlab = base.process.get("GITLAB_CI").is_some_and(|v| v == "true");
    let shared = executor::Shared {
        pipeline: p,
        plan,
        base,
        ctx,
        changes,
        masker,
        out_dir: out_dir.path().to_path_buf(),
        grace,
        services: if args.host_services {
            services::ServiceMode::Host
        } else {
            services::ServiceMode::Docker
        },
    };
    reporter.start(&shared.plan);
    // Subreaper, watchdog and orphan reaping (Unix); dropped after the last step ended.
    #[cfg(unix)]
    let _supervision = supervise::start(grace);
    let opts = scheduler::Options {
        jobs,
        keep_going: args.keep_going,
    };
    let summary = scheduler::run(&shared, &opts, reporter.as_mut(), tx, rx);
    write_ci_outputs(&shared, &summary.results, github_output.as_deref(), gitlab);
    reporter.finish(
        &shared.plan,
        &summary.results,
        summary.elapsed,
        summary.signal,
    );
    if let Some(sig) = summary.signal {
        return Outcome::Signal(sig);
    }
    if summary.results.iter().all(|r| r.status.satisfies_needs()) {
        Outcome::Success
    } else {
        Outcome::Failure
    }
}

/// The hidden watchdog mode (`watchdog.rs`): its exit code when `args` (after the program
/// name) ask for it.
pub fn watchdog(args: &[std::ffi::OsString]) -> Option<i32> {
    #[cfg(target_os = "linux")]
    if args.first().is_some_and(|a| a == watchdog::ARG) {
        let rest: Vec<String> = args[1..]
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        return Some(watchdog::main(&rest));
    }
    let _ = args;
    None
}

/// glibc gives every thread that allocates its own malloc arena; unit threads allocate little,
/// so one shared arena keeps peak memory flat however many units run at once.
fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only tunes the allocator; called before any unit thread exists.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
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

/// SIGINT, SIGTERM and SIGHUP become messages to the scheduler, which forwards them.
#[cfg(unix)]
fn watch_signals(tx: std::sync::mpsc::Sender<executor::Msg>) -> std::io::Result<()> {
    use process::{SIGHUP, SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])?;
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            for sig in signals.forever() {
                if tx.send(executor::Msg::Signal(sig)).is_err() {
                    break;
                }
            }
        })?;
    Ok(())
}

/// Elsewhere Ctrl-C reaches cigen and its children through the console, as usual.
#[cfg(not(unix))]
fn watch_signals(_tx: std::sync::mpsc::Sender<executor::Msg>) -> std::io::Result<()> {
    Ok(())
}

/// In CI, hands outputs to the provider: `$GITHUB_OUTPUT` heredocs, GitLab dotenv report.
fn write_ci_outputs(
    sh: &executor::Shared<'_>,
    results: &[events::UnitResult],
    github: Option<&std::path::Path>,
    gitlab: bool,
) {
    let mut by_job: IndexMap<String, IndexMap<String, String>> = IndexMap::new();
    for (u, r) in sh.plan.units.iter().zip(results) {
        by_job
            .entry(u.job.clone())
            .or_default()
            .extend(r.outputs.clone());
    }
    let all: IndexMap<String, String> = by_job.values().flat_map(|o| o.clone()).collect();
    if let Some(path) = github {
        if !all.is_empty() {
            if let Err(e) = outputs::write_github(path, &all) {
                eprintln!(
                    "warning: cannot write $GITHUB_OUTPUT ({}): {e}",
                    path.display()
                );
            }
        }
    }
    if gitlab {
        let env: IndexMap<String, String> = by_job
            .iter()
            .flat_map(|(j, o)| outputs::as_env(j, o))
            .collect();
        let path = sh.pipeline.root.join(".cigen/outputs.env");
        match outputs::write_gitlab(&path, &env) {
            Ok(skipped) if !skipped.is_empty() => eprintln!(
                "warning: GitLab dotenv reports cannot carry multi-line values; left out: {}",
                skipped.join(", ")
            ),
            Ok(_) => {}
            Err(e) => eprintln!("warning: cannot write {}: {e}", path.display()),
        }
    }
}
