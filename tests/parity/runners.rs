//! The five runners of one scenario, each on its own clone of the generated repository, run
//! at once: `cigen run` with `--event`, the justfile under just, the workflow under act (host
//! mode, stand-in actions, this working tree's cigen action installing the cigen under test),
//! the Forgejo workflow under act as Forgejo's runner runs it (`FORGEJO_ACTIONS=true`; the
//! runner is built on act) and the pipeline under gitlab-ci-local (shell executor, the cigen
//! under test on PATH).

use std::path::Path;
use std::process::Command;

use super::corpus::{Event, Pipeline, Scenario, PR_BRANCH, TAG};
use super::logs::{act_lost_output, from_act, from_glci, from_json, Outcomes, Unit};
use super::repo::{clone_for, Generated};
use crate::judges::forgejo::{github_view, WORKFLOW as FORGEJO_WORKFLOW};
use crate::judges::repo::Forge;
use crate::judges::runs::{act_command, gitlab_command, BinDir};
use crate::judges::tool::{Judge, Verdict};
use crate::test::{repo_root, scrubbed};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Runner {
    Local,
    Just,
    Act,
    Forgejo,
    Gitlab,
}

impl Runner {
    pub const ALL: [Runner; 5] = [
        Runner::Local,
        Runner::Just,
        Runner::Act,
        Runner::Forgejo,
        Runner::Gitlab,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Runner::Local => "local",
            Runner::Just => "just",
            Runner::Act => "act",
            Runner::Forgejo => "forgejo",
            Runner::Gitlab => "gitlab",
        }
    }
}

/// The judges the runs need.
pub struct Tools {
    pub just: Judge,
    pub act: Judge,
    pub glci: Judge,
}

/// What one runner did: the outcome per unit and the verbatim run, for failure reports.
pub struct Run {
    pub runner: Runner,
    pub outcomes: Outcomes,
    pub report: String,
    /// Wall time of the run (the suite must stay economical).
    pub elapsed: std::time::Duration,
    /// act showed nothing of a `cigen run` step ([`super::logs::act_lost_output`]).
    lost_output: bool,
}

const ZERO_SHA: &str = "0000000000000000000000000000000000000000";

/// Runs the scenario under all five runners at once.
pub fn run_all(
    p: &Pipeline,
    g: &Generated,
    units: &[Unit],
    s: Scenario,
    tools: &Tools,
) -> Vec<Run> {
    std::thread::scope(|scope| {
        let handles: Vec<_> = Runner::ALL
            .iter()
            .map(|r| {
                scope.spawn(move || {
                    let run = run_one(*r, p, g, units, s, tools);
                    if !run.lost_output {
                        return run;
                    }
                    // Once more, from a fresh clone: act lost a step's whole output, which
                    // a second run does not repeat; a runner that really prints nothing
                    // fails the same way twice.
                    eprintln!(
                        "parity: {} lost the output of a step; running it again",
                        r.name()
                    );
                    run_one(*r, p, g, units, s, tools)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a runner thread"))
            .collect()
    })
}

fn run_one(
    runner: Runner,
    p: &Pipeline,
    g: &Generated,
    units: &[Unit],
    s: Scenario,
    tools: &Tools,
) -> Run {
    let forge = match runner {
        Runner::Act | Runner::Forgejo => Forge::Github,
        _ => Forge::Gitlab,
    };
    let start = std::time::Instant::now();
    let repo = clone_for(g, forge);
    if s.event != Event::Tag {
        // Only a tag run has the tag: act takes a tagged checkout for a tag push whatever
        // the event, and a real runner of any other event does not see it either.
        repo.git(["tag", "-d", TAG]);
    }
    let home = tempfile::tempdir().expect("tempdir");
    let bin = toolchain_bin(runner);
    let rustup_state = home.path().join("standin-rustup");
    // A laptop (and the toolchain image a GitLab job names) already has the toolchains the
    // pipeline asks for (stable and nightly at least); a GitHub job installs what the
    // workflow asks for.
    let installed = if matches!(runner, Runner::Act | Runner::Forgejo) {
        "stable".to_string()
    } else {
        laptop_rust(p.spec).join("\n")
    };
    std::fs::create_dir_all(&rustup_state).expect("mkdir");
    std::fs::write(rustup_state.join("installed"), format!("{installed}\n")).expect("write");
    let state = format!("STANDIN_RUSTUP_HOME={}", rustup_state.display());
    // Likewise a laptop (nvm) and a GitLab job's image have the Node versions the pipeline
    // names; a GitHub job gets them from the setup-node stand-in.
    if !matches!(runner, Runner::Act | Runner::Forgejo) {
        let homes = [home.path().to_path_buf(), home.path().join("glci-home")];
        for h in &homes {
            installed_nodes(h, p.spec);
        }
    }
    let secrets = secrets_of(p);
    let cron = first_schedule(p.spec);
    let v = match runner {
        Runner::Local | Runner::Just => {
            let mut cmd = if runner == Runner::Local {
                let mut c = scrubbed(crate::test::cigen_bin());
                c.arg("run");
                c
            } else {
                let mut c = tools.just.command();
                c.args(units_jobs(units));
                c
            };
            cmd.args(local_flags(g, s, &cron))
                .current_dir(repo.path())
                .env("HOME", home.path())
                .env("PATH", bin.run_path())
                .env("STANDIN_RUSTUP_HOME", &rustup_state)
                .env("NO_COLOR", "1")
                .envs(secrets.iter().map(|(k, v)| (k, v)));
            if has_services(p.spec) {
                // No Docker engine here: a laptop's run uses the services already running
                // (the stand-in steps never connect), as CI runners ignore them (act's host
                // mode, gitlab-ci-local's shell executor).
                cmd.arg("--host-services");
            }
            Verdict::of(runner.name(), without_cargo_toolchain(cmd))
        }
        Runner::Act | Runner::Forgejo => {
            let workflow = if runner == Runner::Forgejo {
                // act does not know Forgejo's one extra key; the rest is the dialect act runs.
                let path = Path::new(FORGEJO_WORKFLOW);
                let text = std::fs::read_to_string(repo.path().join(path))
                    .expect("the generated Forgejo workflow");
                std::fs::write(repo.path().join(path), github_view(&text)).expect("write");
                path
            } else {
                Path::new(".github/workflows/ci.yml")
            };
            let mut cmd = act_command(
                &tools.act,
                &repo,
                &bin,
                workflow,
                act_event(s.event),
                home.path(),
            )
            .unwrap_or_else(|e| panic!("{e}"));
            let payload = home.path().join("event.json");
            std::fs::write(&payload, act_payload(g, s.event, &cron)).expect("write payload");
            cmd.arg("-e")
                .arg(&payload)
                .arg("--env")
                .arg(&state)
                .arg("--env")
                .arg("CIGEN_STANDIN_TOOLCHAINS=1");
            if runner == Runner::Forgejo {
                cmd.arg("--env").arg("FORGEJO_ACTIONS=true");
            }
            for (k, v) in &secrets {
                cmd.arg("--secret").arg(format!("{k}={v}"));
            }
            Verdict::of(runner.name(), without_cargo_toolchain(cmd))
        }
        Runner::Gitlab => {
            let glci_home = home.path().join("glci-home");
            std::fs::create_dir_all(&glci_home).expect("mkdir");
            let mut cmd = gitlab_command(&tools.glci, &repo, &bin, &glci_home);
            // A directory of its own per job, as on a real runner (without it, jobs of one
            // stage share one working tree and overwrite each other's dotenv reports).
            cmd.args(["--shell-isolation", "--no-json-schema-validation"])
                .arg("--ignore-predefined-vars")
                .arg("CI_PIPELINE_SOURCE,CI_COMMIT_BRANCH,CI_COMMIT_REF_NAME,CI_COMMIT_TAG,CI_COMMIT_BEFORE_SHA")
                .arg("--variable")
                .arg(&state);
            for (k, v) in &secrets {
                cmd.arg("--variable").arg(format!("{k}={v}"));
            }
            if has_services(p.spec) {
                // Its shell executor starts a job's services through a container engine,
                // and there is none here: the stand-in answers and starts nothing.
                cmd.arg("--container-executable")
                    .arg(repo_root().join("tests/stand-ins/engine/docker"));
            }
            gitlab_event(&mut cmd, g, s.event, &cron);
            Verdict::of("gitlab-ci-local", without_cargo_toolchain(cmd))
        }
    };
    let text = format!("{}\n{}", v.stdout, v.stderr);
    let outcomes = match runner {
        Runner::Local | Runner::Just => from_json(units, &v.stdout),
        Runner::Act | Runner::Forgejo => from_act(units, p.name, &text),
        Runner::Gitlab => {
            let gitlab_ci = std::fs::read_to_string(repo.path().join(".gitlab-ci.yml"))
                .expect("the generated .gitlab-ci.yml");
            from_glci(units, &gitlab_ci, &text)
        }
    };
    Run {
        runner,
        outcomes,
        report: v.report(),
        elapsed: start.elapsed(),
        lost_output: matches!(runner, Runner::Act | Runner::Forgejo) && act_lost_output(&text),
    }
}

/// Stable, nightly and every Rust toolchain the spec names (`setup.rust`, a job's
/// `setup.rust`, a `rust` matrix axis).
fn laptop_rust(spec: &str) -> Vec<String> {
    let mut out: Vec<String> = vec!["stable".into(), "nightly".into()];
    let spec: serde_yaml::Value = serde_yaml::from_str(spec).unwrap_or_default();
    let mut add = |v: &serde_yaml::Value| {
        if let Some(v) = v.as_str().filter(|v| !out.iter().any(|o| o == v)) {
            out.push(v.to_string());
        }
    };
    add(&spec["setup"]["rust"]);
    for job in spec["jobs"]
        .as_mapping()
        .into_iter()
        .flatten()
        .map(|(_, j)| j)
    {
        add(&job["setup"]["rust"]);
        for v in job["matrix"]["rust"].as_sequence().into_iter().flatten() {
            add(v);
        }
    }
    out
}

/// Node versions the spec names (`setup.node`, a job's `setup.node`, a `node` axis), each
/// installed under `home` as nvm does (`.nvm/versions/node/v<X.Y.Z>/bin/node`) as the Node
/// stand-in; a major or minor alone becomes its `.99` release, as setup-node's stand-in has it.
fn installed_nodes(home: &Path, spec: &str) {
    let spec: serde_yaml::Value = serde_yaml::from_str(spec).unwrap_or_default();
    let mut versions: Vec<String> = Vec::new();
    let mut add = |v: &serde_yaml::Value| match v {
        serde_yaml::Value::String(s) => versions.push(s.clone()),
        serde_yaml::Value::Number(n) => versions.push(n.to_string()),
        _ => {}
    };
    add(&spec["setup"]["node"]);
    for job in spec["jobs"]
        .as_mapping()
        .into_iter()
        .flatten()
        .map(|(_, j)| j)
    {
        add(&job["setup"]["node"]);
        for v in job["matrix"]["node"].as_sequence().into_iter().flatten() {
            add(v);
        }
    }
    let node = repo_root().join("tests/stand-ins/actions/actions/setup-node/node");
    for v in versions {
        let v = v.trim_start_matches('v');
        let full = match v.split('.').count() {
            1 => format!("{v}.99.0"),
            2 => format!("{v}.99"),
            _ => v.to_string(),
        };
        let bin = home.join(format!(".nvm/versions/node/v{full}/bin"));
        std::fs::create_dir_all(&bin).expect("mkdir");
        let _ = std::os::unix::fs::symlink(&node, bin.join("node"));
    }
}

/// Whether any job of the spec has services.
fn has_services(spec: &str) -> bool {
    let spec: serde_yaml::Value = serde_yaml::from_str(spec).unwrap_or_default();
    spec["jobs"]
        .as_mapping()
        .into_iter()
        .flatten()
        .any(|(_, j)| j["services"].as_mapping().is_some_and(|s| !s.is_empty()))
}

/// The made-up secret values every runner of the pipeline is given (name, value).
fn secrets_of(p: &Pipeline) -> Vec<(String, String)> {
    super::imported::SECRETS
        .iter()
        .filter(|(pipeline, _)| *pipeline == p.name)
        .map(|(_, name)| (name.to_string(), format!("standin-{}", name.to_lowercase())))
        .collect()
}

/// cargo runs the tests with `RUSTUP_TOOLCHAIN` set; a laptop's shell or a runner has none.
fn without_cargo_toolchain(mut cmd: Command) -> Command {
    cmd.env_remove("RUSTUP_TOOLCHAIN");
    cmd
}

/// Every job, for one `just` call: the first names the recipe, the rest reach its `*args`,
/// so just runs `cigen run <every job> <flags>`.
fn units_jobs(units: &[Unit]) -> Vec<String> {
    let mut jobs: Vec<String> = Vec::new();
    for u in units {
        if !jobs.contains(&u.job) {
            jobs.push(u.job.clone());
        }
    }
    jobs
}

/// The cron of a scheduled run: the spec's first `triggers.schedule` line (each runner is
/// told it as its provider tells it: GitHub's payload, GitLab's `CIGEN_SCHEDULE`, `cigen run
/// --schedule`), or the corpus' usual one.
fn first_schedule(spec: &str) -> String {
    let spec: serde_yaml::Value = serde_yaml::from_str(spec).unwrap_or_default();
    spec["triggers"]["schedule"][0]
        .as_str()
        .unwrap_or("0 4 * * 1")
        .to_string()
}

/// `cigen run` flags for the scenario: the simulated event (and its base commit, which CI
/// takes from the event; a pull request's target branch; a schedule's cron), JSON events,
/// and fail-fast with one job at a time or keep-going.
fn local_flags(g: &Generated, s: Scenario, cron: &str) -> Vec<String> {
    let mut f: Vec<String> = vec!["--log-format".into(), "json".into()];
    match s.event {
        Event::Push => f.extend([
            "--event".into(),
            "push".into(),
            "--base".into(),
            g.base.clone(),
        ]),
        Event::PullRequest => f.extend([
            "--event".into(),
            "pull_request".into(),
            "--branch".into(),
            PR_BRANCH.into(),
            "--base-branch".into(),
            "main".into(),
            "--base".into(),
            g.base.clone(),
        ]),
        Event::Tag => f.extend(["--tag".into(), TAG.into()]),
        Event::Schedule => f.extend(["--schedule".into(), cron.into()]),
    }
    if s.keep_going {
        f.push("--keep-going".into());
    } else {
        f.extend(["-j".into(), "1".into()]);
    }
    f
}

fn act_event(e: Event) -> &'static str {
    match e {
        Event::Push | Event::Tag => "push",
        Event::PullRequest => "pull_request",
        Event::Schedule => "schedule",
    }
}

/// The event payload act hands the workflow (`$GITHUB_EVENT_PATH`).
fn act_payload(g: &Generated, e: Event, cron: &str) -> String {
    let v = match e {
        Event::Push => serde_json::json!({
            "ref": "refs/heads/main", "before": g.base, "after": g.head,
            "repository": { "default_branch": "main" }
        }),
        Event::PullRequest => serde_json::json!({
            "action": "opened", "number": 1,
            "pull_request": {
                "number": 1,
                "head": { "ref": PR_BRANCH, "sha": g.head },
                "base": { "ref": "main", "sha": g.base }
            }
        }),
        Event::Tag => serde_json::json!({
            "ref": format!("refs/tags/{TAG}"), "before": ZERO_SHA, "after": g.head
        }),
        // act takes the ref from the payload, else from the checkout (tagged here).
        Event::Schedule => serde_json::json!({ "schedule": cron, "ref": "refs/heads/main" }),
    };
    v.to_string()
}

/// GitLab's variables for the event (gitlab-ci-local takes the rest from the repository).
fn gitlab_event(cmd: &mut Command, g: &Generated, e: Event, cron: &str) {
    let mut var = |kv: String| {
        cmd.arg("--variable").arg(kv);
    };
    match e {
        Event::Push => {
            var("CI_PIPELINE_SOURCE=push".into());
            var("CI_COMMIT_BRANCH=main".into());
            var(format!("CI_COMMIT_BEFORE_SHA={}", g.base));
        }
        Event::PullRequest => {
            var("CI_PIPELINE_SOURCE=merge_request_event".into());
            var(format!("CI_MERGE_REQUEST_SOURCE_BRANCH_NAME={PR_BRANCH}"));
            var("CI_MERGE_REQUEST_TARGET_BRANCH_NAME=main".into());
            var(format!("CI_MERGE_REQUEST_DIFF_BASE_SHA={}", g.base));
            var("CI_MERGE_REQUEST_IID=1".into());
            var(format!("CI_COMMIT_REF_NAME={PR_BRANCH}"));
        }
        Event::Tag => {
            var("CI_PIPELINE_SOURCE=push".into());
            var(format!("CI_COMMIT_TAG={TAG}"));
            var(format!("CI_COMMIT_REF_NAME={TAG}"));
            var(format!("CI_COMMIT_BEFORE_SHA={ZERO_SHA}"));
        }
        Event::Schedule => {
            var("CI_PIPELINE_SOURCE=schedule".into());
            // What the pipeline schedule in GitLab's settings sets (docs/contracts.md).
            var(format!("CIGEN_SCHEDULE={cron}"));
            var("CI_COMMIT_BRANCH=main".into());
            var(format!("CI_COMMIT_BEFORE_SHA={ZERO_SHA}"));
        }
    }
    if matches!(e, Event::PullRequest | Event::Tag) {
        // Merge request and tag pipelines have no branch.
        cmd.arg("--unset-variable").arg("CI_COMMIT_BRANCH");
    }
}

/// The run's PATH directory: the judge stand-ins (with `cigen` except for act, where the
/// cigen action installs it) and the toolchain stand-ins of `tests/stand-ins/toolchains`.
fn toolchain_bin(runner: Runner) -> BinDir {
    let bin = if runner == Runner::Act {
        BinDir::stand_ins_only()
    } else {
        BinDir::new()
    };
    let dir = repo_root().join("tests/stand-ins/toolchains");
    for entry in std::fs::read_dir(&dir)
        .expect("tests/stand-ins/toolchains")
        .flatten()
    {
        let link = bin.path().join(entry.file_name());
        let _ = std::fs::remove_file(&link);
        std::os::unix::fs::symlink(entry.path(), link).expect("link stand-in");
    }
    bin
}
