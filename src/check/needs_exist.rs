//! Rule: every `needs` entry names an existing job, not itself, once.

use super::Context;
use crate::diagnostic::{did_you_mean, Code, Diagnostic};
use crate::source::YamlPath;

pub(crate) const SELF_NEED: Code = Code::new("self-need");
pub(crate) const UNKNOWN_NEED: Code = Code::new("unknown-need");
pub(crate) const DUPLICATE_NEED: Code = Code::new("duplicate-need");

/// The codes this rule reports.
pub(super) const CODES: &[Code] = &[SELF_NEED, UNKNOWN_NEED, DUPLICATE_NEED];

pub fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let names: std::collections::HashSet<&str> = cx
        .spec
        .jobs
        .keys()
        .map(String::as_str)
        .chain(cx.dropped_jobs.iter().map(String::as_str))
        .collect();
    for (job, j) in &cx.spec.jobs {
        for (i, need) in j.needs.iter().enumerate() {
            // Built only for a report: thousands of jobs pass.
            let path = || YamlPath::job(job).key("needs").index(i);
            if need == job {
                out.push(
                    Diagnostic::error(SELF_NEED, format!("job `{job}` needs itself"))
                        .at(path())
                        .with_label("a job cannot wait for itself")
                        .with_help("remove this entry"),
                );
            } else if !names.contains(&need.as_str()) {
                let mut d = Diagnostic::error(
                    UNKNOWN_NEED,
                    format!("job `{job}` needs `{need}`, which does not exist"),
                )
                .at(path())
                .with_label("no such job");
                d = match did_you_mean(need, cx.spec.jobs.keys().map(String::as_str)) {
                    Some(s) => d.with_help(format!("did you mean `{s}`?")),
                    None => {
                        // A long list helps nobody: name the first few.
                        let mut jobs: Vec<&str> =
                            cx.spec.jobs.keys().map(String::as_str).take(12).collect();
                        if cx.spec.jobs.len() > jobs.len() {
                            jobs.push("…");
                        }
                        d.with_help(format!("jobs in this spec: {}", jobs.join(", ")))
                    }
                };
                out.push(d);
            } else if j.needs[..i].contains(need) {
                out.push(
                    Diagnostic::warning(
                        DUPLICATE_NEED,
                        format!("`{need}` is listed twice in `needs`"),
                    )
                    .at(path())
                    .with_help("remove the repeated entry"),
                );
            }
        }
    }
}
