//! Semantic rules over the typed spec: one rule per file, all run, every problem reported.

mod action_pins;
mod caches;
mod cigen_versions;
mod concurrency;
mod cron;
mod cycles;
pub(crate) mod dangerous_env;
mod durations;
mod empty_steps;
mod env_references;
mod environment_url;
mod environments;
mod github_expressions;
pub(crate) mod job_names;
mod matrix_refs;
mod needs_exist;
mod never_runs;
mod node_registry;
mod nul_bytes;
mod output_needs;
mod output_paths;
mod outputs;
mod permissions;
mod pipeline_name;
mod ports;
mod reports;
pub(crate) mod reserved_names;
mod results;
mod runner_cells;
mod runner_images;
mod secret_sources;
mod secrets_declared;
pub(crate) use secrets_declared::expression_secrets;
mod event_filters;
mod service_names;
mod target_jobs;
mod templates;
mod when_matrix;

use std::collections::HashSet;

use indexmap::IndexMap;

use crate::diagnostic::{Code, Diagnostic};
use crate::source::{Node, YamlPath};
use crate::spec::{EnvValue, Job, RemoteStep, Spec, StepSpec, When};

/// What every rule sees.
pub struct Context<'a> {
    pub spec: &'a Spec,
    /// Jobs dropped by the shape check; rules must not report them as missing.
    pub dropped_jobs: &'a HashSet<String>,
    /// Every part dropped by the shape check; a rule about emptiness must not count them.
    pub dropped: &'a [YamlPath],
    pub tree: &'a Node<'a>,
    /// The spec's directory: rules about files on disk (output paths, templates, the pin
    /// lock) look there, so `check` refuses whatever `generate` would.
    pub root: &'a std::path::Path,
}

/// One semantic rule: its id, the codes it reports, and the check itself. Each rule file
/// declares its codes beside its code; `compile::catalogue` gathers them for the docs test.
pub struct Rule {
    pub id: &'static str,
    pub codes: &'static [Code],
    pub check: fn(&Context<'_>, &mut Vec<Diagnostic>),
}

macro_rules! rule {
    ($id:literal, $module:ident) => {
        Rule {
            id: $id,
            codes: $module::CODES,
            check: $module::check,
        }
    };
}

/// The single registration list.
pub const RULES: &[Rule] = &[
    rule!("job-names", job_names),
    rule!("reserved-names", reserved_names),
    rule!("needs-exist", needs_exist),
    rule!("cycles", cycles),
    rule!("empty-steps", empty_steps),
    rule!("nul-bytes", nul_bytes),
    rule!("matrix-refs", matrix_refs),
    rule!("durations", durations),
    rule!("secrets-declared", secrets_declared),
    rule!("secret-sources", secret_sources),
    rule!("dangerous-env", dangerous_env),
    rule!("github-expressions", github_expressions),
    rule!("outputs", outputs),
    rule!("output-needs", output_needs),
    rule!("permissions", permissions),
    rule!("ports", ports),
    rule!("service-names", service_names),
    rule!("target-jobs", target_jobs),
    rule!("action-pins", action_pins),
    rule!("cigen-versions", cigen_versions),
    rule!("output-paths", output_paths),
    rule!("templates", templates),
    rule!("environments", environments),
    rule!("runner-images", runner_images),
    rule!("runner-cells", runner_cells),
    rule!("pipeline-name", pipeline_name),
    rule!("cron", cron),
    rule!("concurrency", concurrency),
    rule!("environment-url", environment_url),
    rule!("when-matrix", when_matrix),
    rule!("env-references", env_references),
    rule!("never-runs", never_runs),
    rule!("event-filters", event_filters),
    rule!("caches", caches),
    rule!("node-registry", node_registry),
    rule!("reports", reports),
    rule!("results", results),
];

/// Runs every rule and returns all their diagnostics. A rule may report only the codes it
/// declares (checked in debug builds, so the test suite catches an undeclared code).
pub fn run(cx: &Context<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for rule in RULES {
        let before = out.len();
        (rule.check)(cx, &mut out);
        debug_assert!(
            out[before..]
                .iter()
                .all(|d| rule.codes.iter().any(|c| c.id() == d.code)),
            "rule `{}` reported a code it does not declare: {:?}",
            rule.id,
            out[before..].iter().map(|d| d.code).collect::<Vec<_>>()
        );
    }
    out
}

impl Context<'_> {
    /// Whether something below `path` was dropped by the shape check (already reported).
    pub fn dropped_under(&self, path: &YamlPath) -> bool {
        self.dropped.iter().any(|d| d.0.starts_with(&path.0))
    }
}

/// Whose `when:` a condition is, for messages.
pub(crate) enum WhenOf {
    Job,
    Step,
}

impl WhenOf {
    /// `job `x`` or `a step of job `x``.
    pub(crate) fn describe(&self, job: &str) -> String {
        match self {
            WhenOf::Job => format!("job `{job}`"),
            WhenOf::Step => format!("a step of job `{job}`"),
        }
    }
}

/// The job's `when:` and each of its steps' `when:`, with their paths (`jp` is the job's).
pub(crate) fn whens<'a>(name: &str, job: &'a Job) -> Vec<(WhenOf, &'a When, YamlPath)> {
    // The job's path is made only for a job with conditions: most have none.
    let jp = || YamlPath::job(name);
    let mut out = Vec::new();
    if let Some(w) = &job.when {
        out.push((WhenOf::Job, &**w, jp().key("when")));
    }
    for (i, s) in job.steps.iter().enumerate() {
        if let StepSpec::Full(s) = s {
            if let Some(w) = &s.when {
                out.push((WhenOf::Step, w, jp().key("steps").index(i).key("when")));
            }
        }
    }
    out
}

/// Every remote step of the workflow targets with the path of its entry
/// (`targets.<target>.<setup|post>.<job>[i]`), for the rules that look into them.
pub(crate) fn remote_steps(spec: &Spec) -> impl Iterator<Item = (YamlPath, RemoteStep<'_>)> {
    spec.targets
        .iter()
        .flat_map(|t| t.workflows())
        .flat_map(|(target, w)| {
            w.remote_steps().map(move |s| {
                let at = YamlPath::root()
                    .key("targets")
                    .key(target)
                    .key(s.place)
                    .key(s.job)
                    .index(s.index);
                (at, s)
            })
        })
}

/// Path of a step's command text (the step itself for the string shorthand).
pub(crate) fn run_path(step: &StepSpec, path: &YamlPath) -> YamlPath {
    match step {
        StepSpec::Command(_) => path.clone(),
        StepSpec::Full(_) => path.key("run"),
    }
}

pub(crate) fn run_text(step: &StepSpec) -> &str {
    match step {
        StepSpec::Command(c) => c,
        StepSpec::Full(s) => &s.run,
    }
}

/// Every non-empty env map in the spec with its path: spec, job and step level. Empty maps
/// are left out (callers look at entries): building a path for each of thousands of jobs
/// without env was a tenth of loading a big spec.
pub(crate) fn env_maps(spec: &Spec) -> Vec<(&IndexMap<String, EnvValue>, YamlPath)> {
    let mut out = Vec::new();
    if !spec.env.is_empty() {
        out.push((&spec.env, YamlPath::root().key("env")));
    }
    for (name, job) in &spec.jobs {
        let jp = || YamlPath::job(name);
        if !job.env.is_empty() {
            out.push((&job.env, jp().key("env")));
        }
        for (i, s) in job.steps.iter().enumerate() {
            if let StepSpec::Full(s) = s {
                if !s.env.is_empty() {
                    out.push((&s.env, jp().key("steps").index(i).key("env")));
                }
            }
        }
    }
    out
}

/// Whether `text` reads the shell variable `name` (`$NAME` or `${NAME}`).
pub(crate) fn reads_var(text: &str, name: &str) -> bool {
    let bytes = text.as_bytes();
    for (i, _) in text.match_indices(name) {
        let after = i + name.len();
        let ends =
            after >= bytes.len() || !(bytes[after].is_ascii_alphanumeric() || bytes[after] == b'_');
        let plain = i >= 1 && bytes[i - 1] == b'$';
        let braced = i >= 2
            && &text[i - 2..i] == "${"
            && (after < bytes.len() && matches!(bytes[after], b'}' | b':' | b'-' | b'?'));
        if ends && (plain || braced) {
            return true;
        }
    }
    false
}

/// `true` for a portable environment variable name.
pub(crate) fn is_env_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
}
