//! Shell completion through clap_complete's dynamic engine: the shell asks the `cigen` binary
//! itself (`COMPLETE=bash cigen -- cigen run sm`), so job names and `--matrix` values come
//! from the spec in front of the user, not from a script frozen when it was generated.
//!
//! `cigen completions SHELL` prints the registration for a shell (the same text as
//! `COMPLETE=SHELL cigen`); `main` answers completion requests before parsing anything.

use std::ffi::{OsStr, OsString};
use std::path::PathBuf;

use clap::CommandFactory;
use clap_complete::engine::{ArgValueCompleter, CompletionCandidate};
use clap_complete::env::EnvCompleter;

use crate::cli::{Cli, CompletionsArgs};
use crate::exit::Outcome;

/// The environment variable that turns a run of `cigen` into a completion request.
const VAR: &str = "COMPLETE";

/// The command line definition with the spec-aware completers attached (they live here, not in
/// `cli`, so the clap types stay plain definitions).
pub fn command() -> clap::Command {
    Cli::command().mut_subcommand("run", |run| {
        run.mut_arg("jobs", |a| a.add(ArgValueCompleter::new(complete_jobs)))
            .mut_arg("matrix", |a| a.add(ArgValueCompleter::new(complete_matrix)))
    })
}

/// Answers a completion request (`COMPLETE` set) and exits; otherwise returns at once.
pub fn answer_if_asked() {
    clap_complete::CompleteEnv::with_factory(command)
        .var(VAR)
        .complete();
}

pub fn run(args: &CompletionsArgs) -> Outcome {
    use clap_complete::env::{Bash, Elvish, Fish, Powershell, Zsh};
    use clap_complete::Shell;
    let shell: &dyn EnvCompleter = match args.shell {
        Shell::Bash => &Bash,
        Shell::Zsh => &Zsh,
        Shell::Fish => &Fish,
        Shell::Elvish => &Elvish,
        Shell::PowerShell => &Powershell,
        other => {
            eprintln!("error: no completion support for {other}");
            return Outcome::Usage;
        }
    };
    let mut out = Vec::new();
    let written = shell
        .write_registration(VAR, "cigen", "cigen", &completer(), &mut out)
        .and_then(|()| std::io::Write::write_all(&mut std::io::stdout(), &out));
    match written {
        Ok(()) => Outcome::Success,
        Err(e) => {
            eprintln!("error: cannot write the completion script: {e}");
            Outcome::Failure
        }
    }
}

/// The program the shell calls back: this binary as it was invoked (`cigen` from PATH stays
/// `cigen`; a path such as `./target/debug/cigen` becomes absolute), as `CompleteEnv` does.
fn completer() -> String {
    let arg0 = std::env::args_os()
        .next()
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("cigen"));
    let path = match std::env::current_dir() {
        Ok(cwd) if arg0.components().count() > 1 => cwd.join(arg0),
        _ => arg0,
    };
    path.to_string_lossy().into_owned()
}

/// The words of the command line being completed (what the shell passed after `--`).
fn words() -> Vec<OsString> {
    let mut args: Vec<OsString> = std::env::args_os().collect();
    match args.iter().position(|a| a == "--") {
        Some(i) => args.split_off(i + 1),
        None => Vec::new(),
    }
}

/// `-f/--spec` from the words, else `cigen.yaml` here or in the nearest parent.
fn spec_path(words: &[OsString]) -> Option<PathBuf> {
    let mut it = words.iter().map(|w| w.to_string_lossy());
    while let Some(w) = it.next() {
        if let Some(v) = w.strip_prefix("--spec=") {
            return Some(PathBuf::from(v));
        }
        if w == "-f" || w == "--spec" {
            // bash splits `--spec=x` into `--spec`, `=`, `x`.
            let v = it.next()?;
            let v = if v == "=" { it.next()? } else { v };
            return Some(PathBuf::from(v.as_ref()));
        }
        if let Some(v) = w
            .strip_prefix("-f")
            .filter(|v| !v.is_empty() && !w.starts_with("--"))
        {
            return Some(PathBuf::from(v));
        }
    }
    crate::compile::discover(&std::env::current_dir().ok()?)
}

/// Job names with their descriptions, and the matrix cells of each, read from the spec. A spec
/// with errors still offers the job names it has (from the YAML tree), so completion helps
/// while it is being fixed.
struct Jobs {
    names: Vec<(String, Option<String>)>,
    cells: Vec<(String, Vec<(String, String)>)>,
}

fn jobs(words: &[OsString]) -> Option<Jobs> {
    let path = spec_path(words)?;
    if let Ok(loaded) = crate::compile::load_file(&path) {
        let p = &loaded.pipeline;
        return Some(Jobs {
            names: p
                .jobs
                .values()
                .map(|j| (j.name.clone(), j.description.clone()))
                .collect(),
            cells: p
                .jobs
                .values()
                .flat_map(|j| {
                    j.matrix.iter().flat_map(|m| {
                        m.cells.iter().map(|c| {
                            (
                                j.name.clone(),
                                c.values
                                    .iter()
                                    .map(|(k, v)| (k.clone(), v.clone()))
                                    .collect(),
                            )
                        })
                    })
                })
                .collect(),
        });
    }
    let text = String::from_utf8(crate::compile::read_spec(&path).ok()?).ok()?;
    let file = crate::source::SourceFile::new(&path, text);
    let tree = crate::source::parse(&file).root?;
    let names = match &tree.get("jobs")?.kind {
        crate::source::NodeKind::Map(entries) => entries
            .iter()
            .map(|e| {
                let description = e
                    .value
                    .get("description")
                    .and_then(|d| d.as_str())
                    .map(str::to_string);
                (String::from(&e.key), description)
            })
            .collect(),
        _ => Vec::new(),
    };
    Some(Jobs {
        names,
        cells: Vec::new(),
    })
}

fn first_line(s: &str) -> String {
    s.lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or_default()
        .to_string()
}

fn complete_jobs(current: &OsStr) -> Vec<CompletionCandidate> {
    let Some(current) = current.to_str() else {
        return Vec::new();
    };
    let words = words();
    let Some(jobs) = jobs(&words) else {
        return Vec::new();
    };
    jobs.names
        .into_iter()
        .filter(|(name, _)| name.starts_with(current))
        // A job already named earlier on the line is not offered again.
        .filter(|(name, _)| {
            let n = OsStr::new(name);
            words.iter().rev().skip(1).all(|w| w != n)
        })
        .map(|(name, description)| {
            CompletionCandidate::new(name).help(description.map(|d| first_line(&d).into()))
        })
        .collect()
}

/// `KEY=VALUE` pairs of the matrix cells of the jobs named on the line (every job's when none
/// is), each with the jobs it selects.
fn complete_matrix(current: &OsStr) -> Vec<CompletionCandidate> {
    let Some(current) = current.to_str() else {
        return Vec::new();
    };
    let words = words();
    let Some(jobs) = jobs(&words) else {
        return Vec::new();
    };
    let named: Vec<&str> = jobs
        .names
        .iter()
        .map(|(n, _)| n.as_str())
        .filter(|n| words.iter().any(|w| w == OsStr::new(n)))
        .collect();
    let mut pairs: indexmap::IndexMap<String, Vec<String>> = indexmap::IndexMap::new();
    for (job, cell) in &jobs.cells {
        if !named.is_empty() && !named.contains(&job.as_str()) {
            continue;
        }
        for (k, v) in cell {
            let owners = pairs.entry(format!("{k}={v}")).or_default();
            if !owners.contains(job) {
                owners.push(job.clone());
            }
        }
    }
    pairs
        .into_iter()
        .filter(|(pair, _)| pair.starts_with(current))
        .map(|(pair, owners)| CompletionCandidate::new(pair).help(Some(owners.join(", ").into())))
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_completers_are_attached_to_run() {
        // `mut_arg` panics on a renamed argument: this catches a drift between `cli` and here.
        let cmd = super::command();
        let run = cmd.find_subcommand("run").expect("run");
        for id in ["jobs", "matrix"] {
            assert!(run.get_arguments().any(|a| a.get_id() == id), "{id}");
        }
    }
}
