//! Spec → Pipeline: applies defaults, orders jobs, expands matrices, compiles conditions.
//!
//! Runs only after every check passed; the spec's values are already typed (durations
//! parsed, globs and paths checked), so nothing here parses text.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use indexmap::IndexMap;

use super::{
    when, GitlabOutput, Job, JustOutput, Pipeline, RetryPolicy, Service, Step, Targets,
    WorkflowDialect, WorkflowOutput, DEFAULT_SHELL,
};
use crate::spec::{self, Backoff, RetrySpec, Spec, StepSpec};
use crate::{dag, matrix};

fn dur(d: &Option<spec::Duration>) -> Option<Duration> {
    d.map(spec::Duration::get)
}

fn retry(r: &RetrySpec) -> RetryPolicy {
    match r {
        RetrySpec::Attempts(n) => RetryPolicy {
            attempts: (*n).max(1),
            backoff: Backoff::Exponential,
            delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(60),
        },
        RetrySpec::Policy(p) => RetryPolicy {
            attempts: p.attempts.max(1),
            backoff: p.backoff.unwrap_or(Backoff::Exponential),
            delay: dur(&p.delay).unwrap_or(Duration::from_secs(1)),
            max_delay: dur(&p.max_delay).unwrap_or(Duration::from_secs(60)),
        },
    }
}

/// The display name of a step: its `name`, else the first line of its command.
pub fn step_name(name: Option<&str>, run: &str) -> String {
    match name {
        Some(n) => n.to_string(),
        None => {
            let first = run
                .lines()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("")
                .trim();
            if first.chars().count() > 60 {
                format!("{}…", first.chars().take(59).collect::<String>())
            } else {
                first.to_string()
            }
        }
    }
}

/// The first non-blank line of a description, trimmed.
fn summary(description: Option<&str>) -> Option<String> {
    description
        .and_then(|d| d.lines().find(|l| !l.trim().is_empty()))
        .map(|l| l.trim().to_string())
}

/// The 1-based line in the spec of a step (the job's position among the spec's jobs, the
/// step's among its steps), when known.
pub type StepLine<'a> = &'a dyn Fn(usize, usize) -> Option<usize>;

/// Builds the resolved pipeline. `spec_file` is the spec's file name, `root` its directory.
pub fn build(spec: &Spec, spec_file: &str, root: &Path) -> Pipeline {
    build_located(spec.clone(), spec_file, root, &|_, _| None)
}

/// [`build`] on a spec it takes over (its jobs' text is moved, not copied: a big spec's
/// pipeline is not built beside a second copy of it), with each step's line in the spec.
pub fn build_located(mut spec: Spec, spec_file: &str, root: &Path, line: StepLine<'_>) -> Pipeline {
    let order: Vec<usize> = {
        let needs: IndexMap<&str, Vec<&str>> = spec
            .jobs
            .iter()
            .map(|(k, j)| (k.as_str(), j.needs.iter().map(String::as_str).collect()))
            .collect();
        let order = dag::topo_order(&needs).unwrap_or_else(|_| needs.keys().copied().collect());
        order
            .iter()
            .filter_map(|name| needs.get_index_of(*name))
            .collect()
    };
    let shared = Shared {
        setup: Arc::new(spec.setup.clone()),
        shell: DEFAULT_SHELL
            .split_whitespace()
            .map(str::to_string)
            .collect(),
        when: Arc::default(),
        runs_on: Arc::default(),
        reports: Arc::default(),
    };
    let secret_sources = secret_sources(&spec);
    let mut jobs = IndexMap::with_capacity(spec.jobs.len());
    // Each job is taken out of the spec (the last one moving into its place), and the spec's
    // table is shrunk as it empties: the jobs of a big spec are not held twice over.
    let mut now_at: Vec<usize> = (0..spec.jobs.len()).collect();
    let mut first_at: Vec<usize> = now_at.clone();
    for i in order {
        let at = now_at[i];
        let Some((name, j)) = spec.jobs.swap_remove_index(at) else {
            continue;
        };
        let last = spec.jobs.len();
        if at != last {
            let moved = first_at[last];
            first_at[at] = moved;
            now_at[moved] = at;
        }
        if spec.jobs.capacity() > spec.jobs.len() + SHRINK_SLACK {
            spec.jobs.shrink_to_fit();
        }
        let job = job(&name, j, &spec.secrets, &shared, &|step| line(i, step));
        jobs.insert(name, job);
    }
    Pipeline {
        name: spec.name.take().unwrap_or_else(|| "CI".to_string()),
        spec_file: spec_file.to_string(),
        root: root.to_path_buf(),
        env: std::mem::take(&mut spec.env),
        env_file: spec.env_file.as_ref().map(|p| p.to_string()),
        secrets: spec.secrets.iter().map(|s| s.name().to_string()).collect(),
        secret_sources,
        setup: std::mem::take(&mut spec.setup),
        triggers: std::mem::take(&mut spec.triggers),
        jobs,
        targets: targets(spec.targets.as_ref(), root),
    }
}

/// Jobs' worth of room the spec's emptying table may keep before it is shrunk: often
/// enough that the two tables together stay near the size of one (a big table is its own
/// mapping, so shrinking returns its pages without copying), rarely enough that rebuilding
/// its index costs nothing measurable.
const SHRINK_SLACK: usize = 1024;

/// What jobs that leave a setting out share instead of each holding a copy.
struct Shared {
    setup: Arc<spec::Setup>,
    shell: Arc<[String]>,
    when: Arc<super::When>,
    runs_on: Arc<spec::RunsOn>,
    reports: Arc<spec::Reports>,
}

/// One job of the pipeline, from the spec's job `j` (taken over).
fn job(
    name: &str,
    j: spec::Job,
    spec_secrets: &[spec::Secret],
    shared: &Shared,
    line: &dyn Fn(usize) -> Option<usize>,
) -> Job {
    let job_retry = j.retry.as_deref().map(retry);
    let steps = j
        .steps
        .into_iter()
        .enumerate()
        .map(|(i, s)| match s {
            StepSpec::Command(run) => Step {
                name: step_name(None, &run),
                line: line(i),
                run,
                env: IndexMap::new(),
                timeout: None,
                retry: job_retry,
                when: None,
                working_directory: None,
            },
            StepSpec::Full(s) => {
                let s = *s;
                Step {
                    name: step_name(s.name.as_deref(), &s.run),
                    line: line(i),
                    run: s.run,
                    env: s.env,
                    timeout: dur(&s.timeout),
                    retry: s.retry.as_ref().map(retry).or(job_retry),
                    when: s.when.as_ref().map(|w| Box::new(when::resolve(w))),
                    working_directory: s.working_directory.as_ref().map(|p| p.to_string()),
                }
            }
        })
        .collect();
    let mut secrets: Vec<String> = Vec::new();
    for s in spec_secrets.iter().chain(&j.secrets) {
        if !secrets.iter().any(|n| n == s.name()) {
            secrets.push(s.name().to_string());
        }
    }
    Job {
        name: name.to_string(),
        summary: summary(j.description.as_deref()),
        description: j.description,
        needs: j.needs,
        steps,
        setup: match j.setup {
            Some(own) => Arc::new(*own),
            None => Arc::clone(&shared.setup),
        },
        env: j.env,
        matrix: j.matrix.as_deref().map(|m| Box::new(matrix::expand(m))),
        when: match j.when.as_deref() {
            Some(w) => Arc::new(when::resolve(w)),
            None => Arc::clone(&shared.when),
        },
        timeout: dur(&j.timeout),
        services: j
            .services
            .iter()
            .map(|(k, s)| (k.clone(), service(s)))
            .collect(),
        artifacts: j.artifacts.iter().map(|a| a.to_string()).collect(),
        cache: j.cache,
        reports: match j.reports {
            Some(own) => Arc::from(own),
            None => Arc::clone(&shared.reports),
        },
        coverage: j.coverage,
        outputs: j.outputs,
        permissions: j.permissions,
        environment: j.environment,
        secrets,
        shell: match j.shell.as_deref() {
            None => Arc::clone(&shared.shell),
            Some(own) => own.split_whitespace().map(str::to_string).collect(),
        },
        working_directory: j.working_directory.as_ref().map(|p| p.to_string()),
        runs_on: match j.runs_on {
            Some(own) => Arc::from(own),
            None => Arc::clone(&shared.runs_on),
        },
        fail_fast: j.fail_fast.unwrap_or(true),
        full_history: j.full_history.unwrap_or(false),
        concurrency: j.concurrency,
        allow_failure: match j.allow_failure.as_deref() {
            None | Some(spec::AllowFailure::All(false)) => super::AllowFailure::None,
            Some(spec::AllowFailure::All(true)) => super::AllowFailure::All,
            Some(spec::AllowFailure::Cells(c)) => when::matrix(&c.matrix)
                .map(|m| super::AllowFailure::Cells(Box::new(m)))
                .unwrap_or_default(),
        },
        after: j.when.as_ref().and_then(|w| w.needs).unwrap_or_default(),
        manual: j.manual.unwrap_or(false),
    }
}

/// Services wait 60s for health unless the spec says otherwise.
fn service(s: &spec::Service) -> Service {
    Service {
        image: s.image.clone(),
        ports: s.ports.clone(),
        env: s
            .env
            .iter()
            .map(|(k, v)| (k.clone(), v.0.clone()))
            .collect(),
        health: s.health.clone(),
        health_timeout: dur(&s.health_timeout).unwrap_or(Duration::from_secs(60)),
    }
}

fn text(p: &Option<spec::RelPath>) -> Option<String> {
    p.as_ref().map(|p| p.to_string())
}

/// Where a local run reads each secret that says so (the first declaration with a source wins;
/// `check` refuses two different ones).
fn secret_sources(spec: &spec::Spec) -> IndexMap<String, spec::LocalSource> {
    let mut out = IndexMap::new();
    let all = spec
        .secrets
        .iter()
        .chain(spec.jobs.values().flat_map(|j| &j.secrets));
    for s in all {
        if let Some(local) = s.local() {
            out.entry(s.name().to_string())
                .or_insert_with(|| local.clone());
        }
    }
    out
}

/// A workflow target with its dialect's defaults.
fn workflow(g: &spec::WorkflowTarget, dialect: WorkflowDialect, root: &Path) -> WorkflowOutput {
    let (path, runner) = match dialect {
        WorkflowDialect::Github => (spec::GITHUB_PATH, "ubuntu-24.04"),
        WorkflowDialect::Forgejo => (spec::FORGEJO_PATH, "docker"),
    };
    WorkflowOutput {
        dialect,
        path: text(&g.path).unwrap_or_else(|| path.into()),
        actions_url: g
            .actions_url
            .as_ref()
            .map(|u| u.trim_end_matches('/').to_string()),
        runs_on: g
            .runs_on
            .as_ref()
            .map(|r| r.to_vec().into_iter().cloned().collect())
            .unwrap_or_else(|| vec![runner.into()]),
        setup: g.setup.clone(),
        post: g.post.clone(),
        action: g.action.clone(),
        cigen_version: g.cigen_version.clone(),
        cigen_build: g.cigen_build.clone(),
        template: text(&g.template),
        // A lock that does not parse was reported by the `action-pins` rule.
        pins: crate::pins::lock::load(root).unwrap_or_default(),
    }
}

fn targets(t: Option<&spec::Targets>, root: &Path) -> Targets {
    let default_all = spec::Targets {
        github: Some(Default::default()),
        forgejo: None,
        gitlab: Some(Default::default()),
        just: Some(Default::default()),
    };
    let t = t.unwrap_or(&default_all);
    Targets {
        github: t
            .github
            .as_ref()
            .map(|g| workflow(g, WorkflowDialect::Github, root)),
        forgejo: t
            .forgejo
            .as_ref()
            .map(|g| workflow(g, WorkflowDialect::Forgejo, root)),
        gitlab: t.gitlab.as_ref().map(|g| GitlabOutput {
            path: text(&g.path).unwrap_or_else(|| spec::GITLAB_PATH.into()),
            image: g.image.clone(),
            tags: g
                .tags
                .as_ref()
                .map(|r| r.to_vec().into_iter().cloned().collect())
                .unwrap_or_default(),
            install: g.install.unwrap_or_default(),
            cigen_version: g.cigen_version.clone(),
            cigen_build: g.cigen_build.clone(),
            before_script: g.before_script.clone(),
            after_script: g.after_script.clone(),
            template: text(&g.template),
        }),
        just: t.just.as_ref().map(|j| JustOutput {
            path: text(&j.path),
            template: text(&j.template),
        }),
    }
}
