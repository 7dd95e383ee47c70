//! Rule: an environment URL is text plus `{ref}`, nothing a provider would evaluate. GitHub
//! would evaluate `${{ }}` (or, escaped by cigen, show it literally) and GitLab expands
//! `$VARIABLE` where GitHub does not, so the same URL would point to different places.

use super::Context;
use crate::diagnostic::{Code, Diagnostic};
use crate::source::YamlPath;
use crate::spec::REF_PLACEHOLDER;

pub(crate) const URL_EXPRESSION: Code = Code::new("url-expression");

/// The codes this rule reports.
pub(super) const CODES: &[Code] = &[URL_EXPRESSION];

const HELP: &str = "write `{ref}` for the branch or tag being built (`https://{ref}.preview.example.com`): cigen writes GitHub's `github.head_ref || github.ref_name` and GitLab's `$CI_COMMIT_REF_NAME` for it";

pub fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for (job, j) in &cx.spec.jobs {
        let Some(url) = j.environment.as_ref().and_then(|e| e.url()) else {
            continue;
        };
        let at = YamlPath::root()
            .key("jobs")
            .key(job)
            .key("environment")
            .key("url");
        let rest = url.replace(REF_PLACEHOLDER, "");
        let (message, label) = if url.contains("${{") {
            (
                "`${{ }}` in an environment URL is not evaluated".to_string(),
                "a GitHub expression",
            )
        } else if rest.contains('$') {
            (
                "`$` in an environment URL means a variable on GitLab and nothing on GitHub"
                    .to_string(),
                "a provider variable",
            )
        } else if let Some(i) = rest.find(['{', '}']) {
            let tail = &rest[i..];
            let piece = match tail.find('}') {
                Some(end) if end < 40 => &tail[..=end],
                _ => &tail[..tail.len().min(1)],
            };
            (
                format!("unknown placeholder at `{piece}` in an environment URL"),
                "only `{ref}` is a placeholder",
            )
        } else {
            continue;
        };
        out.push(
            Diagnostic::error(URL_EXPRESSION, message)
                .at(at)
                .with_label(label)
                .with_help(HELP),
        );
    }
}
