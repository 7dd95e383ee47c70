//! Rule: a job has steps (or only remote steps in some target), and no step command is blank.

use super::{run_path, run_text, Context};
use crate::diagnostic::{did_you_mean, Code, Diagnostic};
use crate::source::{Node, NodeKind, YamlPath};

/// Whether the job's steps are there but written wrong, which the shape check already
/// reported: a misspelt key (`step:`, `setps:`) or `steps:` one level too deep (under
/// `matrix:`, `env:`, ...). "Job has no steps" would only repeat it, less precisely.
fn steps_reported_elsewhere(job: Option<&Node>) -> bool {
    let Some(NodeKind::Map(entries)) = job.map(|j| &j.kind) else {
        return false;
    };
    entries.iter().any(|e| {
        (e.key != "steps" && did_you_mean(&e.key, ["steps"]).is_some())
            || e.value.get("steps").is_some()
    })
}

pub(crate) const NO_STEPS: Code = Code::new("no-steps");
pub(crate) const EMPTY_STEP: Code = Code::new("empty-step");

/// The codes this rule reports.
pub(super) const CODES: &[Code] = &[NO_STEPS, EMPTY_STEP];

pub fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for (name, job) in &cx.spec.jobs {
        if !job.steps.is_empty() {
            continue;
        }
        let node = cx.tree.get("jobs").and_then(|j| j.get(name));
        let remote_only = cx
            .spec
            .targets
            .as_ref()
            .is_some_and(|t| t.has_remote_steps(name));
        if !remote_only && !steps_reported_elsewhere(node) {
            let has_key = node.and_then(|j| j.get("steps")).is_some();
            let path = YamlPath::job(name);
            let d = Diagnostic::error(NO_STEPS, format!("job `{name}` has no steps"));
            out.push(
                if has_key {
                    d.at(path.key("steps"))
                } else {
                    d.at_key(path)
                }
                .with_help("add `steps:` with at least one command, e.g. `steps: [make test]`, or give the job remote-only steps (`targets.github.setup.<job>` or `post.<job>`, `targets.gitlab.before_script.<job>` or `after_script.<job>`)"),
            );
        }
    }
    let steps = cx
        .spec
        .jobs
        .iter()
        .flat_map(|(job, j)| j.steps.iter().enumerate().map(move |(i, s)| (job, i, s)));
    for (job, i, step) in steps {
        if run_text(step).trim().is_empty() {
            let path = YamlPath::job(job).key("steps").index(i);
            out.push(
                Diagnostic::error(
                    EMPTY_STEP,
                    format!("a step of job `{job}` has an empty command"),
                )
                .at(run_path(step, &path))
                .with_label("nothing to run")
                .with_help("write the command to run, or remove the step"),
            );
        }
    }
}
