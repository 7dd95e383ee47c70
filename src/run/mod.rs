//! `cigen run`: the engine every generated output calls. See `README.md` beside this file
//! for the lifecycle and invariants.
//!
//! The command (`commands/run.rs`) drives it in two steps: [`prepare`] reads the env and
//! `.env`, detects where it runs and plans (selection, cells, conditions); then either the
//! plan is shown (`--dry-run`) or [`execute`] runs it: secrets masked, reporter started,
//! signal handlers, scheduler, CI output hand-over, and a [`Summary`] back.

mod attempt;
mod cancel;
mod cells;
mod changes;
mod coverage;
mod direct;
mod dotenv;
mod env;
mod events;
mod executor;
mod launch;
mod lines;
mod locate;
mod mask;
mod outputs;
mod overlay;
mod plan;
mod platform;
mod preflight;
mod preflight_cache;
#[cfg(target_os = "linux")]
mod proc_tree;
mod process;
#[cfg(any(not(unix), test))]
mod process_other;
#[cfg(unix)]
mod process_unix;
mod report;
mod reports;
mod resolve;
mod retry;
mod scheduler;
mod secrets;
mod services;
#[cfg(unix)]
mod spawn;
mod step_command;
#[cfg(unix)]
mod supervise;
mod toolchain;
#[cfg(target_os = "linux")]
mod watchdog;
mod when;
mod which;

use std::collections::HashMap;
use std::time::Duration;

use indexmap::IndexMap;

use crate::compile::Loaded;
use crate::provider::{LogFormat, RunContext};
use crate::spec::{parse_duration, Event};
use crate::ui::ColorChoice;

/// Default time between SIGTERM and SIGKILL; `CIGEN_KILL_GRACE` (e.g. `2s`) overrides.
const DEFAULT_GRACE: Duration = Duration::from_secs(5);

/// What to run and how: the engine's side of `cigen run`'s command line.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Jobs to run; empty: all.
    pub jobs: Vec<String>,
    /// Do not add the jobs' transitive needs.
    pub no_deps: bool,
    /// `KEY=VALUE` (or `KEY`: cells without it) cell filters.
    pub matrix: Vec<String>,
    /// One exact cell as JSON (`--cell`, what generated GitHub jobs pass).
    pub cell: Option<String>,
    /// Units running at once; `None`: one per CPU.
    pub jobs_limit: Option<usize>,
    pub keep_going: bool,
    /// Compare changed files against this ref instead of the detected base.
    pub base: Option<String>,
    /// `None`: the format that suits the place (`--log-format auto`).
    pub log_format: Option<LogFormat>,
    /// Use services already running instead of starting containers.
    pub host_services: bool,
    pub color: ColorChoice,
    /// Decide every `when` as a CI run of this event would (`--event`, `--tag`).
    pub event: Option<Event>,
    /// The branch that run is for (`--branch`).
    pub branch: Option<String>,
    /// The cron of the scheduled run (`--schedule`).
    pub schedule: Option<String>,
    /// The target branch of the pull request run (`--base-branch`).
    pub base_branch: Option<String>,
    /// The repository of the run (`--repository`).
    pub repository: Option<String>,
    /// Run jobs that `when.changed` would skip (`--force`).
    pub force: bool,
    /// Write a JUnit report here (`--junit`); in CI it goes to `contract::JUNIT_PATH` anyway.
    pub junit: Option<std::path::PathBuf>,
    /// Notices for steps running longer than this (`--slow-after`); `None`: none.
    pub slow_after: Option<std::time::Duration>,
}

/// A run that is ready to go: where it runs, its env layers and its plan.
pub(crate) struct Prepared<'a> {
    loaded: &'a Loaded,
    ctx: RunContext,
    base: env::BaseEnv,
    changes: when::LazyChanges,
    plan: plan::Plan,
    /// Process env plus env_file: where declared secrets are looked up.
    merged: HashMap<String, String>,
    /// Wrappers the selected toolchains need (`python`), kept until the run ends.
    toolchain_shims: Option<tempfile::TempDir>,
}

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// Every unit passed or was skipped by its own conditions (locally: or failed, allowed to).
    Passed,
    /// In CI: every unit passed or was skipped, except failures allowed (`allow_failure`).
    AllowedFailure,
    /// A unit failed, timed out or was cancelled.
    Failed,
    /// The run could not start (a temporary directory, say).
    NotStarted,
    /// Interrupted by this signal.
    Interrupted(i32),
}

/// Reads the env and `env_file`, detects the place and plans. An error is the user's
/// (an unreadable env_file, an unknown job, a matrix filter that selects nothing).
pub(crate) fn prepare<'a>(loaded: &'a Loaded, opts: &Options) -> Result<Prepared<'a>, String> {
    let p = &loaded.pipeline;
    let process = env::process_env();
    let env_file = match &p.env_file {
        Some(f) if p.root.join(f).is_file() => {
            let path = p.root.join(f);
            std::fs::read_to_string(&path)
                .map_err(|e| e.to_string())
                .and_then(|t| {
                    dotenv::parse(&t).map_err(|e| format!("line {}: {}", e.line, e.message))
                })
                .map_err(|e| format!("{}: {e}", path.display()))?
        }
        _ => IndexMap::new(),
    };
    let root = p.root.clone();
    // Opening the repository costs time and memory; only `when.branch` needs it here.
    let wants_branch = p.jobs.values().any(|j| {
        j.when.asks_branch()
            || j.steps
                .iter()
                .any(|s| s.when.as_ref().is_some_and(|w| w.asks_branch()))
    });
    let mut ctx = RunContext::detect(&process, || {
        wants_branch
            .then(|| crate::provider::local_branch(&root))
            .flatten()
    });
    ctx.simulate(opts.event, opts.branch.clone());
    ctx.simulate_details(
        opts.schedule.as_deref(),
        opts.base_branch.clone(),
        opts.repository.clone(),
    );
    // A scheduled run that names no cron (GitLab without `CIGEN_SCHEDULE`, `--event
    // schedule` alone) is of the only schedule, when the spec has one.
    if ctx.event == Some(crate::spec::Event::Schedule) && ctx.schedule.is_none() {
        if let [only] = p.triggers.schedule.as_slice() {
            ctx.schedule = Some(crate::model::cron_text(only));
        }
    }
    let wants_repository = p.jobs.values().any(|j| {
        j.when.asks_repository()
            || j.steps
                .iter()
                .any(|s| s.when.as_ref().is_some_and(|w| w.asks_repository()))
    });
    if wants_repository {
        ctx.local_repository(|| crate::provider::origin_repository(&root));
    }
    let base = env::BaseEnv {
        process,
        sorted: std::sync::OnceLock::new(),
        env_file,
        ci: ctx.ci,
        secret_names: secrets::names(p),
        resolved: IndexMap::new(),
    };
    if let Some(rev) = &opts.base {
        check_base(&root, rev)?;
    }
    let changes = {
        let (root, env, ctx, base_ref) = (
            root.clone(),
            base.process.clone(),
            ctx.clone(),
            opts.base.clone(),
        );
        when::LazyChanges::new(move || changes::detect(&root, &env, &ctx, base_ref.as_deref()))
            .forced(opts.force)
    };
    let sel = plan::Selection {
        jobs: &opts.jobs,
        no_deps: opts.no_deps,
        matrix: &opts.matrix,
        cell: opts.cell.as_deref(),
    };
    let mut plan = plan::build(p, &sel, &ctx, &changes)?;
    // Toolchain versions per unit: strict on a laptop, what the provider set up in CI.
    let mut toolchains = toolchain::Resolver::new(&base.process, !ctx.ci, &p.root);
    for u in plan.units.iter_mut() {
        if matches!(u.verdict, when::Verdict::Run(_)) {
            if let Some(job) = p.jobs.get(&u.job) {
                u.toolchain = toolchains.select(&toolchain::wanted(job, &u.cell));
            }
        }
    }
    let toolchain_shims = toolchains.into_shims();
    let merged = base.merged();
    Ok(Prepared {
        loaded,
        ctx,
        base,
        changes,
        plan,
        merged,
        toolchain_shims,
    })
}

impl Prepared<'_> {
    /// Declared secrets that are missing, per job that will run (empty when all are there).
    pub(crate) fn missing_secrets(&self) -> IndexMap<String, Vec<String>> {
        secrets::missing(&self.loaded.pipeline, &self.plan, &self.merged, self.ctx.ci)
    }

    /// Reads the secrets that jobs about to run need from their local sources (a laptop only,
    /// and only those the environment does not set). An error names each secret that failed.
    pub(crate) fn resolve_secrets(&mut self) -> Result<(), String> {
        let p = &self.loaded.pipeline;
        let names = secrets::to_resolve(p, &self.plan, &self.merged, self.ctx.ci);
        if !names.is_empty() {
            self.base.resolved = resolve::resolve(p, &names, &self.base.process)?;
        }
        Ok(())
    }

    /// Warnings about secret values too short to be masked (values known so far).
    pub(crate) fn secret_warnings(&self) -> Vec<String> {
        secrets::too_short(&secrets::values(&self.loaded.pipeline, &self.base))
    }

    /// Prints the plan as `--dry-run` shows it: text, or with `--log-format json` the JSON
    /// reporter's plan event.
    pub(crate) fn show_plan(&self, format: Option<LogFormat>) {
        if format == Some(LogFormat::Json) {
            report::plan_json(&self.plan);
        } else {
            print!("{}", plan::render(&self.plan));
        }
    }

    /// Warnings about the plan to show before it runs (or is shown).
    pub(crate) fn warnings(&self) -> Vec<String> {
        plan::unknown_event_warning(&self.loaded.pipeline, &self.plan, &self.ctx)
            .into_iter()
            .collect()
    }

    /// Locally, starts checking the `setup:` toolchains of the jobs that run (each job's own
    /// `setup:`, else the spec's) against PATH (see `preflight.rs`); `None` in CI, where the
    /// runner installed them.
    pub(crate) fn preflight(&self) -> Option<Preflight> {
        let p = &self.loaded.pipeline;
        let mut tools: Vec<(&'static str, String)> = Vec::new();
        for u in self.plan.units.iter() {
            if !matches!(u.verdict, when::Verdict::Run(_)) {
                continue;
            }
            for (tool, v) in p
                .jobs
                .get(&u.job)
                .map(|j| j.setup.tools())
                .unwrap_or_default()
            {
                if !tools.iter().any(|(t, w)| *t == tool && w == v) {
                    tools.push((tool, v.to_string()));
                }
            }
        }
        if self.ctx.ci || tools.is_empty() {
            return None;
        }
        Some(Preflight(preflight::start(
            &tools,
            &self.base.process,
            &p.root,
        )))
    }
}

/// Pre-flight under way; its answers are known at once when nothing had to be probed.
pub struct Preflight(preflight::Preflight);

impl Preflight {
    /// Whether the warning is ready without waiting.
    pub fn known(&self) -> bool {
        self.0.known()
    }

    /// The warning table, or nothing when every toolchain matches; waits for the probes.
    pub fn finish(self) -> Option<String> {
        preflight::render(&self.0.finish())
    }
}

/// `--base REF` is a typed argument: one that names no commit is the user's mistake (exit 2),
/// not a reason to run everything ("running to be safe" is for bases cigen found itself).
fn check_base(root: &std::path::Path, rev: &str) -> Result<(), String> {
    let repo = git2::Repository::discover(root).map_err(|_| {
        format!(
            "--base {rev}: {} is not in a git repository",
            root.display()
        )
    })?;
    repo.revparse_single(rev)
        .and_then(|o| o.peel_to_commit())
        .map(|_| ())
        .map_err(|_| {
            let shallow = if repo.is_shallow() {
                " (this is a shallow clone: fetch more history)"
            } else {
                ""
            };
            format!("--base {rev} names no commit in this repository{shallow}")
        })
}

/// How the engine's run went.
pub struct Summary {
    pub ended: Ended,
}

/// Runs the plan to the end: masks secrets, reports, schedules, hands outputs to CI.
pub(crate) fn execute(prepared: Prepared<'_>, opts: &Options) -> Summary {
    limit_malloc_arenas();
    let Prepared {
        loaded,
        ctx,
        base,
        changes,
        plan,
        toolchain_shims: _shims,
        ..
    } = prepared;
    let p = &loaded.pipeline;
    // Every value any job may see, not only those of the jobs in the plan (`--no-deps`).
    let values = secrets::values(p, &base);
    let masker = mask::Masker::new(values.iter().map(|(_, v)| v.as_str()));
    let jobs = opts
        .jobs_limit
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);
    let format = opts.log_format.unwrap_or_else(|| ctx.log_format());
    // Steps print into a pipe: tell them whether the log they end up in is coloured.
    let mut base = base;
    let coloured =
        format == LogFormat::Human && crate::ui::use_color(opts.color, &std::io::stdout());
    for (k, v) in crate::ui::child_color_env(opts.color, coloured) {
        base.process
            .entry(k.to_string())
            .or_insert_with(|| v.to_string());
    }
    let cfg = report::ReportConfig {
        color: opts.color,
        mask_patterns: &masker.patterns,
        sequential: jobs == 1 || plan.runnable() <= 1,
        pipeline_name: &p.name,
        step_lines: if format == LogFormat::Github {
            let workspace = base.process.get("GITHUB_WORKSPACE").map(String::as_str);
            locate::step_lines(&loaded.source, p, workspace)
        } else {
            locate::StepLines::default()
        },
        sinks: sinks(&ctx, &base.process, &p.root, opts.junit.as_deref()),
        slow_after: opts.slow_after,
    };
    let mut reporter = report::create(format, &cfg);
    let out_dir = match tempfile::Builder::new().prefix("cigen-run-").tempdir() {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: cannot create a temporary directory: {e}");
            return Summary {
                ended: Ended::NotStarted,
            };
        }
    };
    let grace = base
        .process
        .get("CIGEN_KILL_GRACE")
        .and_then(|g| parse_duration(g).ok())
        .unwrap_or(DEFAULT_GRACE);
    let (tx, rx) = std::sync::mpsc::sync_channel(events::CHANNEL_CAP);
    if let Err(e) = watch_signals(tx.clone()) {
        eprintln!("warning: cannot install signal handlers: {e}");
    }
    let shared = executor::Shared {
        pipeline: p,
        plan,
        base,
        ctx,
        changes,
        masker,
        out_dir: out_dir.path().to_path_buf(),
        grace,
        services: if opts.host_services {
            services::ServiceMode::Host
        } else {
            services::ServiceMode::Docker
        },
    };
    reporter.start(&shared.plan);
    // Subreaper, watchdog and orphan reaping (Unix); dropped after the last step ended.
    #[cfg(unix)]
    let _supervision = supervise::start(grace);
    let sched = scheduler::Options {
        jobs,
        keep_going: opts.keep_going,
    };
    let summary = scheduler::run(&shared.plan, &shared, &sched, reporter.as_mut(), tx, rx);
    reporter.finish(
        &shared.plan,
        &summary.results,
        summary.elapsed,
        summary.signal,
    );
    let ended = if let Some(sig) = summary.signal {
        Ended::Interrupted(sig)
    } else if summary.results.iter().all(|r| r.status.satisfies_needs()) {
        let allowed = summary
            .results
            .iter()
            .any(|r| r.status == events::UnitStatus::FailedAllowed);
        if allowed && shared.ctx.ci {
            Ended::AllowedFailure
        } else {
            Ended::Passed
        }
    } else {
        Ended::Failed
    };
    Summary { ended }
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

/// SIGINT, SIGTERM and SIGHUP become messages to the scheduler, which forwards them.
#[cfg(unix)]
fn watch_signals(tx: events::Tx) -> std::io::Result<()> {
    use process::{SIGHUP, SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])?;
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            for sig in signals.forever() {
                if tx.send(events::Msg::Signal(sig)).is_err() {
                    break;
                }
            }
        })?;
    Ok(())
}

/// Elsewhere Ctrl-C reaches cigen and its children through the console, as usual.
#[cfg(not(unix))]
fn watch_signals(_tx: events::Tx) -> std::io::Result<()> {
    Ok(())
}

/// The files written besides the log, chosen by where the run happens and what was asked
/// (never by the log format): the JUnit report where `--junit` says and in every CI run (at
/// `contract::JUNIT_PATH`, which the generated GitLab pipeline declares), the step summary and
/// `$GITHUB_OUTPUT` on GitHub, the dotenv report on GitLab.
fn sinks(
    ctx: &RunContext,
    env: &HashMap<String, String>,
    root: &std::path::Path,
    junit: Option<&std::path::Path>,
) -> report::Sinks {
    report::Sinks {
        junit: junit
            .map(std::path::Path::to_path_buf)
            .or_else(|| ctx.ci.then(|| root.join(crate::contract::JUNIT_PATH))),
        step_summary: env
            .get("GITHUB_STEP_SUMMARY")
            .filter(|v| !v.is_empty())
            .map(std::path::PathBuf::from),
        handover: (
            ctx.handover(env),
            root.join(crate::contract::OUTPUTS_DOTENV_PATH),
        ),
    }
}
