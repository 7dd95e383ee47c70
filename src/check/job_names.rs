//! Rule: job names must be valid, unescaped, as a GitHub job id, a GitLab job key and a just recipe.

use super::Context;
use crate::diagnostic::{Code, Diagnostic};
use crate::source::YamlPath;

pub(crate) const NO_JOBS: Code = Code::new("no-jobs");
pub(crate) const INVALID_JOB_NAME: Code = Code::new("invalid-job-name");

/// The codes this rule reports.
pub(super) const CODES: &[Code] = &[NO_JOBS, INVALID_JOB_NAME];

/// `^[a-z_][a-z0-9_-]*$`, at most 64 characters.
pub fn is_valid_job_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c == '_' || c.is_ascii_lowercase())
        && chars.all(|c| c == '_' || c == '-' || c.is_ascii_lowercase() || c.is_ascii_digit())
        && name.len() <= 64
}

fn suggestion(name: &str) -> String {
    let mut s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    if !s.starts_with(|c: char| c.is_ascii_lowercase() || c == '_') {
        s.insert(0, '_');
    }
    s.chars().take(64).collect()
}

pub fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    if cx.spec.jobs.is_empty() {
        out.push(
            Diagnostic::error(NO_JOBS, "the spec defines no jobs")
                .at_key(YamlPath::root().key("jobs"))
                .with_help("add at least one job under `jobs:`"),
        );
    }
    for name in cx.spec.jobs.keys() {
        if !is_valid_job_name(name) {
            out.push(
                Diagnostic::error(
                    INVALID_JOB_NAME,
                    format!("job name `{name}` is not valid in every target"),
                )
                .at_key(YamlPath::job(name))
                .with_label("must match ^[a-z_][a-z0-9_-]*$ (at most 64 characters)")
                .with_help(format!(
                    "rename it, e.g. `{}`; put free text in `description:`",
                    suggestion(name)
                )),
            );
        }
    }
}
