//! GitHub Actions back end: Pipeline → [`context::Workflow`] → `templates/github.yml.j2`.
//!
//! A job here only checks out, installs toolchains and cigen, hands artifacts over, and calls
//! `exec cigen run <job> --no-deps`; all pipeline logic stays in cigen (docs/contracts.md).

mod cache;
mod condition;
mod context;
mod remote;
mod runs_on;
mod steps;

use std::path::Path;

use context::{Entry, Environment, Filters, Job, On, Permission, Service, Value, Workflow};

use super::escape::github_text;
use super::templates::{self, Dialect};
use super::{Backend, GenerateError};
use crate::contract::{self, output_env_name, provider_timeout_minutes};
use crate::model::{
    AllowFailure, Job as ModelJob, Pipeline, TargetKind, WorkflowDialect, WorkflowOutput,
};
use crate::spec::{self, Port, UrlPart, UrlPlaceholder};

/// The GitHub Actions back end.
pub(crate) struct Github;

impl Backend for Github {
    fn kind(&self) -> TargetKind {
        TargetKind::Github
    }

    fn title(&self) -> &'static str {
        "GitHub"
    }

    fn enabled(&self, p: &Pipeline) -> bool {
        p.targets.github.is_some()
    }

    fn default_path(&self) -> Option<&'static str> {
        Some(crate::spec::GITHUB_PATH)
    }

    fn output_path(&self, p: &Pipeline) -> String {
        p.targets
            .github
            .as_ref()
            .map(|g| g.path.clone())
            .unwrap_or_default()
    }

    fn custom_template(&self, p: &Pipeline) -> bool {
        p.targets
            .github
            .as_ref()
            .is_some_and(|g| g.template.is_some())
    }

    fn render(&self, p: &Pipeline) -> Result<String, GenerateError> {
        match &p.targets.github {
            Some(t) => render(p, t, &p.root),
            None => Err(GenerateError::bug("the GitHub target is not enabled")),
        }
    }

    fn read(&self, text: &str) -> Result<super::Outline, String> {
        super::outline::github(text)
    }

    fn verify(&self, p: &Pipeline, _text: &str, read: &super::Outline) -> Result<(), String> {
        super::verify::github(p, read)
    }
}

/// Renders the workflow (without the header line), in the target's dialect.
pub(super) fn render(
    p: &Pipeline,
    t: &WorkflowOutput,
    root: &Path,
) -> Result<String, GenerateError> {
    let wf = workflow(p, t)?;
    let out = templates::render(
        Dialect::Github,
        "github.yml.j2",
        t.template.as_deref(),
        root,
        &wf,
    );
    // Kept, as the template's value tree is (`templates::render`): freeing a big workflow's
    // context string by string delays the end of the check.
    std::mem::forget(wf);
    out
}

fn workflow(p: &Pipeline, t: &WorkflowOutput) -> Result<Workflow, GenerateError> {
    let mut jobs = Vec::with_capacity(p.jobs.len());
    let below = condition::BelowGate::new(p);
    for j in p.jobs.values() {
        jobs.push(job(p, t, j, &below)?);
    }
    // Forgejo hands out OIDC tokens only when the workflow asks at its top level; a job's
    // `id-token: write` alone (GitHub's way) is not enough there.
    let enable_openid_connect = t.dialect == WorkflowDialect::Forgejo
        && p.jobs.values().any(|j| {
            j.permissions
                .get("id-token")
                .is_some_and(|l| *l == spec::Permission::Write)
        });
    Ok(Workflow {
        name: p.name.clone(),
        on: on(&p.triggers),
        enable_openid_connect,
        jobs,
    })
}

fn texts(globs: &[spec::Glob]) -> Vec<String> {
    globs.iter().map(|g| g.as_str().to_string()).collect()
}

/// Triggers. No trigger at all means push and pull request on every branch (GitHub needs `on:`).
fn on(tr: &spec::Triggers) -> On {
    if tr.is_empty() {
        return On {
            push: Some(Filters {
                branches: vec![],
                tags: vec![],
            }),
            pull_request: Some(Filters {
                branches: vec![],
                tags: vec![],
            }),
            schedule: vec![],
            workflow_dispatch: false,
        };
    }
    On {
        push: tr.push.as_ref().map(|p| Filters {
            branches: texts(&p.branches),
            tags: texts(&p.tags),
        }),
        pull_request: tr.pull_request.as_ref().map(|p| Filters {
            branches: texts(&p.branches),
            tags: vec![],
        }),
        // One space between fields, as `when.schedule` compares them (`model::cron_text`):
        // GitHub hands this text back as `github.event.schedule`.
        schedule: tr
            .schedule
            .iter()
            .map(|c| crate::model::cron_text(c))
            .collect(),
        workflow_dispatch: tr.manual,
    }
}

fn text(key: &str, value: impl Into<String>) -> Entry {
    Entry {
        key: key.to_string(),
        value: Value::Text(value.into()),
        expr: false,
    }
}

fn expr(key: &str, value: impl Into<String>) -> Entry {
    Entry {
        key: key.to_string(),
        value: Value::Text(value.into()),
        expr: true,
    }
}

/// Least privilege: read the repository, plus what the job asks for. Write permissions carry
/// a comment (zizmor's pedantic persona asks every write grant to say why).
fn permissions(j: &ModelJob) -> Vec<Permission> {
    let mut out = vec![Permission {
        scope: "contents".into(),
        level: "read".into(),
        why: None,
    }];
    for (scope, level) in &j.permissions {
        let level = match level {
            spec::Permission::Read => "read",
            spec::Permission::Write => "write",
            spec::Permission::None => "none",
        };
        let why = (level == "write").then(|| match scope.as_str() {
            "id-token" => format!(
                "OIDC token for cloud login, requested by jobs.{}.permissions in the spec",
                j.name
            ),
            _ => format!("requested by jobs.{}.permissions in the spec", j.name),
        });
        match out.iter_mut().find(|p| &p.scope == scope) {
            Some(p) => {
                p.level = level.into();
                p.why = why;
            }
            None => out.push(Permission {
                scope: scope.clone(),
                level: level.into(),
                why,
            }),
        }
    }
    out
}

fn port(p: &Port) -> String {
    match p {
        Port::Number(n) => format!("{n}:{n}"),
        Port::Mapping(m) => m.clone(),
    }
}

/// Docker health-check options; the runner waits for healthy services before the steps.
fn health_options(s: &crate::model::Service) -> Option<String> {
    let cmd = s.health.as_ref()?;
    let limit = s.health_timeout.as_secs().max(1);
    let quoted = format!("\"{}\"", cmd.replace('\\', "\\\\").replace('"', "\\\""));
    Some(format!(
        "--health-cmd {quoted} --health-interval 2s --health-timeout 5s --health-retries {}",
        limit.div_ceil(2)
    ))
}

fn job(
    p: &Pipeline,
    t: &WorkflowOutput,
    j: &ModelJob,
    below: &condition::BelowGate<'_>,
) -> Result<Job, GenerateError> {
    let runs_on = runs_on::labels(t, j);
    let runner_cells = runs_on::per_cell(t, j);
    let mut cells: Vec<Vec<Entry>> = match &j.matrix {
        Some(m) => m
            .cells
            .iter()
            .map(|c| c.values.iter().map(|(k, v)| text(k, v.clone())).collect())
            .collect(),
        None => Vec::new(),
    };
    if let Some((_, labels)) = &runner_cells {
        for (cell, label) in cells.iter_mut().zip(labels) {
            cell.push(text(contract::GITHUB_RUNNER_KEY, label.clone()));
        }
    }
    if let (AllowFailure::Cells(_), Some(m)) = (&j.allow_failure, &j.matrix) {
        for (cell, c) in cells.iter_mut().zip(&m.cells) {
            cell.push(Entry {
                key: contract::GITHUB_ALLOW_FAILURE_KEY.into(),
                value: Value::Bool(j.allow_failure.allows(c)),
                expr: false,
            });
        }
    }
    let services = j
        .services
        .iter()
        .map(|(id, s)| Service {
            id: id.clone(),
            image: s.image.clone(),
            ports: s.ports.iter().map(port).collect(),
            env: s.env.iter().map(|(k, v)| text(k, v.clone())).collect(),
            options: health_options(s),
        })
        .collect();
    let step_output = |k: &str| {
        expr(
            k,
            format!(
                "${{{{ steps.{}.outputs.{k} }}}}",
                contract::GITHUB_RUN_STEP_ID
            ),
        )
    };
    let mut outputs: Vec<Entry> = j.outputs.iter().map(|k| step_output(k)).collect();
    if !outputs.is_empty() {
        // Which outputs were written, so dependents can tell "unset" from "empty".
        outputs.push(step_output(contract::GITHUB_WRITTEN_OUTPUT));
    }
    Ok(Job {
        id: j.name.clone(),
        name: j.title().to_string(),
        needs: j.needs.clone(),
        condition: condition::job_condition(p, below, j),
        runs_on,
        runs_on_expr: runner_cells.map(|(e, _)| format!("${{{{ {e} }}}}")),
        timeout_minutes: provider_timeout_minutes(j.timeout),
        permissions: permissions(j),
        environment: j.environment.as_ref().map(|e| Environment {
            name: e.name().to_string(),
            url: e.url_parts().map(|parts| {
                parts
                    .iter()
                    .map(|p| match p {
                        UrlPart::Text(t) => github_text(t),
                        UrlPart::Placeholder(p) => url_expr(*p).to_string(),
                    })
                    .collect::<String>()
            }),
        }),
        concurrency: j.concurrency.clone(),
        cells,
        // Locally a failing cell cancels its siblings unless the job says `fail_fast: false`;
        // GitHub's switch says the same for the job's cells.
        fail_fast: j.fail_fast,
        services,
        outputs,
        steps: steps::steps(p, t, j)?,
    })
}

/// An environment URL's placeholder as GitHub's expression. `{ref}`: the branch or tag being
/// built, the pull request's source branch for a pull request (as `cigen run` reads the
/// branch, `provider/github.rs`). `{project}`: the payload's repository name (every event
/// that starts a cigen workflow carries `repository`, scheduled runs included).
fn url_expr(p: UrlPlaceholder) -> &'static str {
    match p {
        UrlPlaceholder::Ref => "${{ github.head_ref || github.ref_name }}",
        UrlPlaceholder::Repository => "${{ github.repository }}",
        UrlPlaceholder::Project => "${{ github.event.repository.name }}",
    }
}

/// The run step's env: matrix values, secrets and needs outputs (nothing else: spec env is
/// applied by cigen itself, identically everywhere).
pub(crate) fn run_env(p: &Pipeline, j: &ModelJob) -> Vec<Entry> {
    let mut env = Vec::new();
    if j.matrix.is_some() {
        // The cell, exactly: cigen sets MATRIX_<KEY> for the keys it has, and only those.
        env.push(expr(contract::GITHUB_MATRIX_VAR, "${{ toJSON(matrix) }}"));
    }
    // Only what the job's steps get in CI: a secret only remote steps name stays with them.
    for s in &crate::model::step_secrets(p, j, true) {
        env.push(expr(s, format!("${{{{ secrets.{s} }}}}")));
    }
    for need in &j.needs {
        if let Some(n) = p.jobs.get(need) {
            for k in &n.outputs {
                env.push(expr(
                    &output_env_name(need, k),
                    format!("${{{{ needs.{need}.outputs.{k} }}}}"),
                ));
            }
            if !n.outputs.is_empty() {
                env.push(expr(
                    &contract::written_env_name(need),
                    format!(
                        "${{{{ needs.{need}.outputs.{} }}}}",
                        contract::GITHUB_WRITTEN_OUTPUT
                    ),
                ));
            }
        }
    }
    env
}

/// Every key of the job's cells: axes, then include-only keys.
#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn job(timeout: Option<Duration>, perms: &[(&str, spec::Permission)]) -> ModelJob {
        let spec: spec::Job = serde_json::from_str(r#"{"steps": ["true"]}"#).unwrap();
        let mut specs = indexmap::IndexMap::new();
        specs.insert("deploy".to_string(), spec);
        let full = spec::Spec {
            version: 1,
            name: None,
            env: Default::default(),
            env_file: None,
            secrets: vec![],
            setup: Default::default(),
            triggers: Default::default(),
            jobs: specs,
            targets: None,
        };
        let mut j = crate::model::build(&full, "cigen.yaml", std::path::Path::new("."))
            .jobs
            .swap_remove("deploy")
            .unwrap();
        j.timeout = timeout;
        j.permissions = perms.iter().map(|(k, v)| (k.to_string(), *v)).collect();
        j
    }

    #[test]
    fn permissions_are_least_privilege_and_writes_say_why() {
        use spec::Permission::{None as No, Write};
        let p = permissions(&job(None, &[("id-token", Write), ("contents", No)]));
        let lines: Vec<(String, String, bool)> = p
            .into_iter()
            .map(|p| (p.scope, p.level, p.why.is_some()))
            .collect();
        assert_eq!(
            lines,
            vec![
                ("contents".into(), "none".into(), false),
                ("id-token".into(), "write".into(), true)
            ]
        );
    }
}
