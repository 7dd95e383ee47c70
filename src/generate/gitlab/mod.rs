//! GitLab CI back end: Pipeline → [`context::Pipeline`] → `templates/gitlab.yml.j2`.
//!
//! Jobs install cigen, run `cigen run <job> --no-deps`, and declare the reports cigen writes
//! (JUnit, dotenv outputs); the DAG is `needs`, one stage per DAG depth.

mod after;
mod cache;
mod cell_image;
mod context;
mod image;
pub(crate) mod install;
mod rules;
mod tags;

use std::collections::HashMap;
use std::path::Path;

use context::{Environment, Job, Pipeline as Ctx, Service, Variable};

use super::templates::{self, Dialect};
use super::{invocation, Backend, GenerateError};
use crate::contract::{
    matrix_env_name, provider_timeout_minutes, GITLAB_IMAGE_VAR, JUNIT_PATH, OUTPUTS_DOTENV_PATH,
};
use crate::model::{GitlabOutput, Job as ModelJob, Pipeline, TargetKind};
use crate::spec::{UrlPart, UrlPlaceholder};

/// The GitLab CI back end.
pub(crate) struct Gitlab;

impl Backend for Gitlab {
    fn kind(&self) -> TargetKind {
        TargetKind::Gitlab
    }

    fn title(&self) -> &'static str {
        "GitLab"
    }

    fn enabled(&self, p: &Pipeline) -> bool {
        p.targets.gitlab.is_some()
    }

    fn default_path(&self) -> Option<&'static str> {
        Some(crate::spec::GITLAB_PATH)
    }

    fn output_path(&self, p: &Pipeline) -> String {
        p.targets
            .gitlab
            .as_ref()
            .map(|g| g.path.clone())
            .unwrap_or_default()
    }

    fn custom_template(&self, p: &Pipeline) -> bool {
        p.targets
            .gitlab
            .as_ref()
            .is_some_and(|g| g.template.is_some())
    }

    fn render(&self, p: &Pipeline) -> Result<String, GenerateError> {
        match &p.targets.gitlab {
            Some(t) => render(p, t, &p.root),
            None => Err(GenerateError::bug("the GitLab target is not enabled")),
        }
    }

    fn read(&self, text: &str) -> Result<super::Outline, String> {
        super::outline::gitlab(text)
    }

    fn verify(&self, p: &Pipeline, _text: &str, read: &super::Outline) -> Result<(), String> {
        super::verify::gitlab(p, read)
    }
}

/// Renders the pipeline file (without the header line).
fn render(p: &Pipeline, t: &GitlabOutput, root: &Path) -> Result<String, GenerateError> {
    let ctx = pipeline(p, t)?;
    templates::render(
        Dialect::Gitlab,
        "gitlab.yml.j2",
        t.template.as_deref(),
        root,
        &ctx,
    )
}

/// DAG depth of every job (jobs are in topological order).
fn depths(p: &Pipeline) -> HashMap<&str, usize> {
    let mut d: HashMap<&str, usize> = HashMap::new();
    for j in p.jobs.values() {
        let depth = j
            .needs
            .iter()
            .filter_map(|n| d.get(n.as_str()))
            .map(|x| x + 1)
            .max()
            .unwrap_or(0);
        d.insert(&j.name, depth);
    }
    d
}

fn stage_name(depth: usize) -> String {
    format!("stage-{}", depth + 1)
}

/// GitLab refuses a `parallel: matrix` with more jobs than this.
const MAX_CELLS: usize = 200;

fn pipeline(p: &Pipeline, t: &GitlabOutput) -> Result<Ctx, GenerateError> {
    let depth = depths(p);
    let max = depth.values().copied().max().unwrap_or(0);
    let install = match &t.cigen_build {
        Some(b) => install::build(b),
        None => install::cigen(
            t.install,
            crate::pins::cigen_version(t.cigen_version.as_deref()),
        )?,
    };
    if let Some(j) = p
        .jobs
        .values()
        .find(|j| j.matrix.as_ref().is_some_and(|m| m.cells.len() > MAX_CELLS))
    {
        return Err(GenerateError::user(format!(
            "job `{}` has more than {MAX_CELLS} matrix cells, the most GitLab's `parallel: matrix` runs: split the job or narrow the matrix",
            j.name
        )));
    }
    let jobs = p
        .jobs
        .values()
        .map(|j| job(t, j, stage_name(depth[j.name.as_str()]), &install))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Ctx {
        name: p.name.clone(),
        rules: rules::rules(&p.triggers),
        schedules: p.triggers.schedule.clone(),
        // With one schedule, a scheduled run is that one (`run/mod.rs`): no variable needed.
        schedule_var: (p.triggers.schedule.len() > 1
            && p.jobs.values().any(|j| {
                j.when.schedule.is_some()
                    || j.steps
                        .iter()
                        .any(|s| s.when.as_ref().is_some_and(|w| w.schedule.is_some()))
            }))
        .then_some(crate::contract::SCHEDULE_VAR),
        stages: (0..=max).map(stage_name).collect(),
        jobs,
        junit_path: JUNIT_PATH,
        dotenv_path: OUTPUTS_DOTENV_PATH,
    })
}

fn var(key: &str, value: impl Into<String>) -> Variable {
    Variable {
        key: key.to_string(),
        value: value.into(),
    }
}

/// Provider timeout: cigen's own plus a margin, as on GitHub (docs/contracts.md).
fn timeout(j: &ModelJob) -> String {
    format!("{} minutes", provider_timeout_minutes(j.timeout))
}

fn job(
    t: &GitlabOutput,
    j: &ModelJob,
    stage: String,
    install: &[String],
) -> Result<Job, GenerateError> {
    let toolchains = install::toolchains(&j.setup);
    let image = cell_image::per_runner(j, image::job_image(t, j)?);
    let model_cells = j
        .matrix
        .as_ref()
        .map(|m| m.cells.as_slice())
        .unwrap_or_default();
    let tags::Tags {
        tags,
        cell_vars: tag_vars,
    } = tags::tags(t, j, model_cells)?;
    let cells = model_cells
        .iter()
        .zip(tag_vars)
        .enumerate()
        .map(|(i, (c, tag_vars))| {
            let mut vars: Vec<Variable> = c
                .values
                .iter()
                .map(|(k, v)| var(&matrix_env_name(k), v.clone()))
                .collect();
            if let Some(images) = &image.per_cell {
                vars.push(var(GITLAB_IMAGE_VAR, images[i].clone()));
            }
            vars.extend(tag_vars.into_iter().map(|(k, v)| var(&k, v)));
            vars
        })
        .collect();
    let mut variables = Vec::new();
    if j.needs_history() {
        // `full_history`, or change detection comparing against the base commit.
        variables.push(var("GIT_DEPTH", "0"));
    }
    let remote = t.before_script.get(&j.name).cloned().unwrap_or_default();
    // A job with no steps of its own is only its remote commands here: they become the
    // script, and cigen is not installed.
    let remote_only = j.steps.is_empty() && j.outputs.is_empty() && !remote.is_empty();
    // A build of cigen needs the toolchains first; an installed release does not.
    let mut before_script: Vec<String> = Vec::new();
    if remote_only {
        before_script.extend(toolchains.iter().cloned());
    } else if t.cigen_build.is_some() {
        before_script.extend(toolchains.iter().cloned());
        before_script.extend(install.iter().cloned());
    } else {
        before_script.extend(install.iter().cloned());
        before_script.extend(toolchains.iter().cloned());
    }
    let script = if remote_only {
        remote
    } else {
        before_script.extend(remote);
        vec![invocation::cigen_run(j, invocation::CellFrom::Variables)]
    };
    let services = j
        .services
        .iter()
        .map(|(id, s)| Service {
            image: s.image.clone(),
            alias: id.clone(),
            variables: s.env.iter().map(|(k, v)| var(k, v.clone())).collect(),
        })
        .collect();
    Ok(Job {
        id: j.name.clone(),
        stage,
        image: image.image,
        tags,
        needs: j.needs.clone(),
        cells,
        services,
        variables,
        timeout: timeout(j),
        environment: j.environment.as_ref().map(|e| Environment {
            name: e.name().to_string(),
            // The pull request's source branch too: GitLab sets it as the ref of a merge
            // request pipeline, as `cigen run` reads the branch (`provider/gitlab.rs`).
            url: e.url_parts().map(|parts| {
                parts
                    .iter()
                    .map(|p| match p {
                        UrlPart::Text(t) => *t,
                        UrlPart::Placeholder(UrlPlaceholder::Ref) => "$CI_COMMIT_REF_NAME",
                        UrlPart::Placeholder(UrlPlaceholder::Repository) => "$CI_PROJECT_PATH",
                        UrlPart::Placeholder(UrlPlaceholder::Project) => "$CI_PROJECT_NAME",
                    })
                    .collect::<String>()
            }),
        }),
        resource_group: j.concurrency.clone(),
        when: match (j.manual, j.after) {
            // Manual jobs keep GitLab's own default, `allow_failure: true`: a pipeline nobody
            // plays it in is not blocked (`check` refuses `manual` with `when.needs`).
            (true, _) => Some("manual"),
            (false, crate::spec::NeedsResult::Always) => Some("always"),
            (false, crate::spec::NeedsResult::Failure) => Some("on_failure"),
            (false, crate::spec::NeedsResult::Success) => None,
        },
        // cigen exits with this code only when the failed cells are allowed to fail, so one
        // list serves a `parallel: matrix` job whose cells differ.
        allow_exit_code: (j.allow_failure != crate::model::AllowFailure::None)
            .then_some(crate::contract::ALLOWED_FAILURE_EXIT),
        interruptible: j.environment.is_none(),
        cache: cache::cache(j),
        before_script,
        script,
        after_script: after::lines(t, j),
        artifact_paths: j.artifacts.clone(),
        dotenv: !j.outputs.is_empty(),
        junit: j.reports.junit.iter().map(|p| p.to_string()).collect(),
        coverage_report: j
            .reports
            .coverage
            .as_ref()
            .map(|c| context::CoverageReport {
                format: c.format.as_str(),
                path: c.path.to_string(),
            }),
        // GitLab reads the regex between slashes (RE2 syntax; `check` keeps it to what both
        // GitLab and `cigen run` read the same way).
        coverage: j.coverage.as_ref().map(|re| format!("/{re}/")),
    })
}
