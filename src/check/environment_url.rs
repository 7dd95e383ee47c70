//! Rule: an environment URL is text plus the placeholders `{ref}`, `{repository}` and
//! `{project}`, nothing a provider would evaluate. GitHub
//! would evaluate `${{ }}` (or, escaped by cigen, show it literally) and GitLab expands
//! `$VARIABLE` where GitHub does not, so the same URL would point to different places.

use super::Context;
use crate::diagnostic::{Code, Diagnostic};
use crate::source::YamlPath;
use crate::spec::url_text;

pub(crate) const URL_EXPRESSION: Code = Code::new("url-expression");

/// The codes this rule reports.
pub(super) const CODES: &[Code] = &[URL_EXPRESSION];

const HELP: &str = "write `{ref}` for the branch or tag being built (`https://{ref}.preview.example.com`), `{repository}` for `owner/name`, `{project}` for the repository's name: cigen writes each provider's expression or variable for them (GitHub `github.head_ref || github.ref_name`, `github.repository`, `github.event.repository.name`; GitLab `$CI_COMMIT_REF_NAME`, `$CI_PROJECT_PATH`, `$CI_PROJECT_NAME`)";

pub fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for (job, j) in &cx.spec.jobs {
        let Some(url) = j.environment.as_ref().and_then(|e| e.url()) else {
            continue;
        };
        let at = YamlPath::job(job).key("environment").key("url");
        let rest = url_text(url);
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
                "the placeholders are `{ref}`, `{repository}` and `{project}`",
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
