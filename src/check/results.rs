//! Rule: the keys about how a job's result counts are used where they mean something.
//! `when.needs` belongs to a job with needs (a step, or a job that waits for nothing, has no
//! needs' results to look at); a manual job takes no `when.needs` (GitLab has one `when:` per
//! job, and nobody starts a job by hand after a failure) and can be started by hand on every
//! workflow target (GitHub runs it only for a manual run, so `triggers.manual` must allow one).
//! Cells named by `allow_failure.matrix` are the `when-matrix` rule's business.

use super::Context;
use crate::diagnostic::{Code, Diagnostic};
use crate::source::YamlPath;
use crate::spec::StepSpec;

pub(crate) const NEEDS_CONDITION_PLACE: Code = Code::new("when-needs-place");
pub(crate) const MANUAL_WHEN_NEEDS: Code = Code::new("manual-when-needs");
pub(crate) const MANUAL_NOT_TRIGGERED: Code = Code::new("manual-not-triggered");

/// The codes this rule reports.
pub(super) const CODES: &[Code] = &[
    NEEDS_CONDITION_PLACE,
    MANUAL_WHEN_NEEDS,
    MANUAL_NOT_TRIGGERED,
];

pub fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let workflows = cx
        .spec
        .targets
        .as_ref()
        .is_none_or(|t| !t.workflows().is_empty());
    // Without a manual run among the triggers (none given means push and pull request),
    // GitHub never starts a manual job.
    let no_manual_run = !cx.spec.triggers.manual;
    for (name, job) in &cx.spec.jobs {
        let jp = || YamlPath::job(name);
        for (i, s) in job.steps.iter().enumerate() {
            if let StepSpec::Full(s) = s {
                if s.when.as_ref().is_some_and(|w| w.needs.is_some()) {
                    out.push(
                        Diagnostic::error(NEEDS_CONDITION_PLACE, "`when.needs` on a step")
                            .at_key(jp().key("steps").index(i).key("when").key("needs"))
                            .with_help("it decides whether a job runs after its needs ended; put it in the job's `when:`"),
                    );
                }
            }
        }
        let needs_condition = job.when.as_ref().and_then(|w| w.needs);
        let at = || jp().key("when").key("needs");
        if needs_condition.is_some() && job.needs.is_empty() {
            out.push(
                Diagnostic::error(
                    NEEDS_CONDITION_PLACE,
                    format!("`when.needs` on job `{name}`, which needs no job"),
                )
                .at_key(at())
                .with_help(
                    "list the jobs whose results it looks at in `needs:`, or remove the condition",
                ),
            );
        }
        if job.manual != Some(true) {
            continue;
        }
        if needs_condition.is_some() {
            out.push(
                Diagnostic::error(MANUAL_WHEN_NEEDS, format!("manual job `{name}` has `when.needs`"))
                    .at_key(at())
                    .with_help("a manual job is started by hand after its needs succeeded (GitLab has one `when:` per job); remove one of the two"),
            );
        }
        if workflows && no_manual_run {
            out.push(
                Diagnostic::error(MANUAL_NOT_TRIGGERED, format!("manual job `{name}` can never run on GitHub: the triggers allow no manual run"))
                    .at_key(jp().key("manual"))
                    .with_help("add `manual: true` under `triggers:` (GitHub `workflow_dispatch`), where a manual job runs"),
            );
        }
    }
}
