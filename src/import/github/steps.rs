//! A job's steps: `run:` steps become spec steps (expressions translated); `uses:` steps
//! become cigen's own setup, artifacts, remote setup steps, or — after the main work — report
//! items with the original step kept as a comment.

use indexmap::IndexMap;
use serde_yaml::Value;

use super::actions::{meaning, split, Meaning};
use super::condition::{self, Status};
use super::job::{env_entry, plain_title, Converted, JobCx};
use super::model::{self, scalar_text};
use crate::import::expr;
use crate::import::report::Kind;
use crate::import::typed;
use crate::pins;
use crate::spec::{ActionStep, PostCondition, PostStep, Scalar, Step, StepSpec, When};

/// The original step as YAML, for a comment beside the job.
fn carried(raw: Option<&Value>, why: &str) -> String {
    let yaml = raw
        .and_then(|v| serde_yaml::to_string(&vec![v]).ok())
        .unwrap_or_default();
    format!("{why}\n{}", yaml.trim_end())
}

fn full_sha(r: &str) -> bool {
    r.len() == 40
        && r.chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
}

/// A remote step for `targets.github.setup`, or `None` (reported) when it cannot be one.
fn remote(
    cx: &mut JobCx<'_>,
    c: &mut Converted,
    s: &model::Step,
    at: &str,
    raw: Option<&Value>,
    post: bool,
) -> Option<ActionStep> {
    let uses = s.uses.as_deref()?;
    let (name, reference) = split(uses);
    if name.starts_with("./") || name.starts_with("docker://") {
        cx.add(
            Kind::Lost,
            "action",
            at,
            format!("`{uses}`: local and Docker actions cannot be pinned by cigen"),
        );
        c.carried
            .push(carried(raw, "not carried (local or Docker action):"));
        return None;
    }
    let pinned = if pins::builtin_lookup(name).is_some() {
        name.to_string()
    } else if let Some(sha) = reference.filter(|r| full_sha(r)) {
        format!("{name}@{sha}")
    } else {
        let place = if post { "post" } else { "setup" };
        cx.add(Kind::Todo, "pin-action", at, format!("`{uses}` is not pinned to a commit and cigen has no pin for it: add the step to `targets.github.{place}.{}` as `{name}@<40-hex commit sha>`", cx.name));
        c.carried.push(carried(
            raw,
            &format!("to pin, then add to targets.github.{place} (see the report):"),
        ));
        return None;
    };
    let mut with = IndexMap::new();
    for (k, v) in &s.with {
        let Some(t) = scalar_text(v) else { continue };
        let mut found = expr::Found::default();
        let Some(t) = expr::action_input(&t, &cx.scope, &mut found) else {
            cx.add(Kind::Lost, "action-input", &format!("{at}.with.{k}"), format!("input `{k}: {t}`: remote step inputs may only use `${{{{ secrets.X }}}}`, `${{{{ vars.X }}}}` and `${{{{ matrix.AXIS }}}}` of the job's matrix; the input was left out"));
            continue;
        };
        for name in &found.secrets {
            crate::import::add_secret(&mut c.job.secrets, name);
        }
        with.insert(k.clone(), Scalar(t));
    }
    if s.condition.is_some() && !post {
        cx.add(
            Kind::Lost,
            "condition",
            &format!("{at}.if"),
            "a condition on a remote step: remote setup steps always run",
        );
    }
    if !s.env.is_empty() {
        cx.add(
            Kind::Lost,
            "action-env",
            &format!("{at}.env"),
            "env of a remote step: remote steps take inputs only",
        );
    }
    Some(ActionStep {
        name: s.name.clone(),
        uses: Some(pinned),
        with,
    })
}

/// The `if:` of a remote step after the commands as the post step's typed condition; any
/// other part of the condition is reported (post steps have no `when`).
fn post_condition(cx: &mut JobCx<'_>, s: &model::Step, at: &str) -> Option<PostCondition> {
    let text = s.condition.as_ref().and_then(scalar_text)?;
    let cond = condition::convert(&text);
    let typed_only = cond.lost.is_empty()
        && cond.events.is_none()
        && cond.branches.is_none()
        && cond.not_events.is_none()
        && cond.not_branches.is_none()
        && cond.repository.is_none()
        && cond.schedule.is_none()
        && cond.base.is_none()
        && cond.not_repository.is_none()
        && cond.not_schedule.is_none()
        && cond.not_base.is_none()
        && cond.matrix.is_empty();
    if !typed_only {
        cx.add(Kind::Lost, "condition", &format!("{at}.if"), format!("post step condition `{}`: only how the job went (`success()`, `failure()`, `always()`, `!cancelled()`) is typed; the rest was left out", text.trim()));
    }
    match cond.status {
        Status::Success => None,
        Status::Failure => Some(PostCondition::Failure),
        Status::Always => Some(PostCondition::Always),
        Status::NotCancelled => Some(PostCondition::NotCancelled),
        Status::Cancelled => {
            cx.add(
                Kind::Lost,
                "condition",
                &format!("{at}.if"),
                "`cancelled()`: a post step for cancelled runs only; it runs `always`",
            );
            Some(PostCondition::Always)
        }
    }
}

/// A `run:` step.
fn run_step(
    cx: &mut JobCx<'_>,
    c: &mut Converted,
    s: &model::Step,
    at: &str,
    exports: &[String],
) -> Step {
    let text = s.run.clone().unwrap_or_default();
    let mut run = expr::translate_shell(&text, &cx.scope, &mut cx.found);
    // Outputs: cigen hands `$CIGEN_OUTPUT` lines on to GitHub's output file itself; the
    // later steps of the unit read `$CIGEN_ENV` lines as env, as GitHub's `$GITHUB_ENV`.
    run = run
        .replace("GITHUB_OUTPUT", "CIGEN_OUTPUT")
        .replace("GITHUB_ENV", "CIGEN_ENV");
    if run.contains("GITHUB_PATH") {
        cx.add(
            Kind::Lost,
            "step-env",
            at,
            "writes to `$GITHUB_PATH`: later steps do not get the directory on PATH (write `PATH=<dir>:$PATH` to `$CIGEN_ENV` instead)",
        );
    }
    let mut step = Step {
        name: s.name.as_deref().and_then(plain_title),
        ..Step::default()
    };
    let mut step_exports = exports.to_vec();
    let env_at = format!("{at}.env");
    for (k, v) in &s.env {
        env_entry(
            cx,
            &env_at,
            &mut step.env,
            &mut step_exports,
            &mut c.job.secrets,
            k,
            v,
        );
    }
    if !step_exports.is_empty() {
        run = format!("{}\n{run}", step_exports.join("\n"));
    }
    step.run = run;
    if let Some(cond) = s.condition.as_ref().and_then(scalar_text) {
        let cond = condition::convert(&cond);
        for (feature, text) in &cond.lost {
            cx.add(
                Kind::Lost,
                feature,
                &format!("{at}.if"),
                format!("step condition `{text}` (only events, branches, matrix values, the repository, the schedule and a pull request's target branch are typed)"),
            );
        }
        let typed = condition::typed(&cond, &cx.scope.matrix, c.job.matrix.as_deref());
        for (feature, text) in &typed.lost {
            cx.add(
                Kind::Lost,
                feature,
                &format!("{at}.if"),
                format!("step condition: {text}"),
            );
        }
        match cond.status {
            Status::Success => {}
            _ => cx.add(
                Kind::Lost,
                "condition",
                &format!("{at}.if"),
                "a step that runs after an earlier step failed: steps stop at the first failure",
            ),
        }
        let mut rejected = Vec::new();
        let (repository, schedule, base) = condition::values(&cond, &mut |r| rejected.push(r));
        let when = When {
            event: cond.events.and_then(|e| e.to_when()),
            branch: cond.branches.and_then(|b| typed::branch(&b, &mut rejected)),
            matrix: typed.matrix,
            not: typed.not,
            repository,
            schedule,
            base,
            ..When::default()
        };
        for r in rejected {
            cx.add(
                Kind::Lost,
                "condition",
                &format!("{at}.if"),
                format!("`{r}` is not a glob cigen reads; the condition was left out"),
            );
        }
        if when != When::default() {
            step.when = Some(when);
        }
    }
    if let Some(wd) = &s.working_directory {
        if expr::has_expression(wd) {
            cx.add(
                Kind::Lost,
                "expression",
                &format!("{at}.working-directory"),
                format!("working directory `{wd}` is an expression"),
            );
        } else {
            match typed::rel_path(wd) {
                Ok(p) => step.working_directory = Some(p),
                Err(why) => cx.add(
                    Kind::Lost,
                    "working-directory",
                    &format!("{at}.working-directory"),
                    why,
                ),
            }
        }
    }
    if let Some(sh) = s.shell.as_deref().filter(|s| *s != "bash") {
        cx.add(
            Kind::Lost,
            "shell",
            &format!("{at}.shell"),
            format!("`shell: {sh}`: the step runs in bash"),
        );
    }
    if let Some(v) = &s.continue_on_error {
        if scalar_text(v).as_deref() != Some("false") {
            cx.add(
                Kind::Lost,
                "continue-on-error",
                &format!("{at}.continue-on-error"),
                "a step allowed to fail: a failing step fails the job",
            );
        }
    }
    if let Some(t) = &s.timeout_minutes {
        match t.as_u64() {
            Some(n) => step.timeout = typed::duration(&format!("{n}m")).ok(),
            None => cx.add(
                Kind::Lost,
                "timeout",
                &format!("{at}.timeout-minutes"),
                "a timeout computed by an expression",
            ),
        }
    }
    for k in s.other.keys() {
        cx.add(
            Kind::Lost,
            "unknown-key",
            &format!("{at}.{k}"),
            format!("step key `{k}` has no equivalent"),
        );
    }
    step
}

/// Converts the steps of `j` into `c`.
pub(super) fn convert(
    cx: &mut JobCx<'_>,
    c: &mut Converted,
    j: &model::Job,
    raw: &Value,
    exports: &[String],
) {
    let raw_steps = raw.get("steps").and_then(Value::as_sequence);
    let runs: Vec<usize> = j
        .steps
        .iter()
        .enumerate()
        .filter(|(_, s)| s.run.is_some())
        .map(|(i, _)| i)
        .collect();
    let (first_run, last_run) = (runs.first().copied(), runs.last().copied());
    for (i, s) in j.steps.iter().enumerate() {
        let at = format!("steps[{i}]");
        let raw_step = raw_steps.and_then(|r| r.get(i));
        if s.run.is_some() {
            let step = run_step(cx, c, s, &at, exports);
            c.job.steps.push(
                if step
                    == (Step {
                        run: step.run.clone(),
                        ..Step::default()
                    })
                {
                    StepSpec::Command(step.run)
                } else {
                    StepSpec::Full(Box::new(step))
                },
            );
            continue;
        }
        let Some(uses) = s.uses.as_deref() else {
            cx.add(
                Kind::Lost,
                "unknown-key",
                &at,
                "a step with neither `run` nor `uses`",
            );
            continue;
        };
        let mut findings = Vec::new();
        let m = meaning(uses, &s.with, cx.root, &mut findings);
        for (kind, feature, msg) in findings {
            cx.add(kind, feature, &at, msg);
        }
        match m {
            Meaning::Checkout { full_history } => {
                if full_history {
                    c.job.full_history = Some(true);
                }
            }
            Meaning::Toolchain(t) => c.tools.push(t),
            Meaning::Cache(u) => c.caches.extend(u),
            Meaning::Upload(paths) => {
                for p in paths {
                    if expr::has_expression(&p) {
                        cx.add(
                            Kind::Lost,
                            "artifacts",
                            &at,
                            format!("artifact path `{p}` is an expression"),
                        );
                    } else {
                        match typed::artifact(&p) {
                            Ok(a) if !c.job.artifacts.contains(&a) => c.job.artifacts.push(a),
                            Ok(_) => {}
                            Err(why) => cx.add(Kind::Lost, "artifacts", &at, why),
                        }
                    }
                }
                if s.condition.is_some() {
                    cx.add(Kind::Note, "artifacts", &format!("{at}.if"), "artifacts are uploaded after the job whether it passed or failed (not when cancelled)");
                }
            }
            Meaning::Download => {
                if c.job.needs.is_empty() {
                    cx.add(
                        Kind::Lost,
                        "artifacts",
                        &at,
                        "downloads artifacts, but the job needs no job that uploads them",
                    );
                } else {
                    cx.add(Kind::Note, "artifacts", &at, "download-artifact: the generated job downloads the artifacts of the jobs it needs, into the workspace root with their paths kept");
                }
            }
            Meaning::Remote => {
                let after = last_run.is_some_and(|l| i > l);
                if after {
                    if let Some(a) = remote(cx, c, s, &at, raw_step, true) {
                        let condition = post_condition(cx, s, &at);
                        c.post.push(PostStep {
                            name: a.name,
                            uses: a.uses.unwrap_or_default(),
                            with: a.with,
                            condition,
                        });
                    }
                    continue;
                }
                if first_run.is_some_and(|f| i > f) {
                    cx.add(Kind::Note, "remote-step", &at, format!("`{uses}` ran between commands; as a remote setup step it runs before all of them"));
                }
                if let Some(a) = remote(cx, c, s, &at, raw_step, false) {
                    c.remote.push(a);
                }
            }
        }
    }
    if j.steps.is_empty() && j.uses.is_none() {
        cx.add(Kind::Lost, "unknown-key", "steps", "a job without steps");
    }
    if c.job.steps.is_empty() && c.remote.is_empty() && c.post.is_empty() {
        // A job of remote steps only needs no command; one with nothing carried needs one.
        cx.add(
            Kind::Lost,
            "remote-only-job",
            "steps",
            "the job has no commands and no remote step could be carried; a placeholder command stands in",
        );
        c.job.steps.push(StepSpec::Full(Box::new(Step {
            name: Some("remote steps only".into()),
            run: format!(
                "echo \"{}: the work is done by the remote steps in targets.github.setup\"",
                cx.name
            ),
            ..Step::default()
        })));
    }
}
