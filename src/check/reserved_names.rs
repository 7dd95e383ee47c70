//! Rule: job names that GitLab reads as pipeline keywords (or that cigen's outputs use) are refused.

use super::Context;
use crate::diagnostic::{Code, Diagnostic};
use crate::source::YamlPath;

pub(crate) const RESERVED_JOB_NAME: Code = Code::new("reserved-job-name");

/// The codes this rule reports.
pub(super) const CODES: &[Code] = &[RESERVED_JOB_NAME];

/// GitLab's global keywords and special job names; `default` is also the justfile's listing recipe.
pub const RESERVED: &[&str] = &[
    "after_script",
    "before_script",
    "cache",
    "default",
    "image",
    "include",
    "pages",
    "services",
    "stages",
    "types",
    "variables",
    "workflow",
];

pub fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for name in cx.spec.jobs.keys() {
        if RESERVED.contains(&name.as_str()) {
            out.push(
                Diagnostic::error(
                    RESERVED_JOB_NAME,
                    format!("`{name}` is a reserved name and cannot be a job"),
                )
                .at_key(YamlPath::job(name))
                .with_label("GitLab reads this key as a pipeline keyword")
                .with_help(format!("rename the job, e.g. `{name}-job` or `{name}_`")),
            );
        }
    }
}
