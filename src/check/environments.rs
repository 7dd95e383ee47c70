//! Rule: a deployment environment has a name both providers accept and, when it has a URL, an
//! absolute `http(s)://` one: GitHub rejects the workflow over a blank name, GitLab the
//! pipeline over characters outside its set, and a URL without a scheme is a dead link (or a
//! refused pipeline) on both.

use super::Context;
use crate::diagnostic::{Code, Diagnostic};
use crate::source::YamlPath;
use crate::spec::Environment;

pub(crate) const INVALID_ENVIRONMENT: Code = Code::new("invalid-environment");

/// The codes this rule reports.
pub(super) const CODES: &[Code] = &[INVALID_ENVIRONMENT];

/// Why GitLab refuses `name` as an environment name, if it does (its documented set: letters,
/// digits, spaces, `-`, `_`, `/`, `.`, `$`, `{`, `}`; not starting or ending with `/`).
fn gitlab_problem(name: &str) -> Option<String> {
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || " -_/.${}".contains(*c)))
    {
        return Some(format!("GitLab does not allow `{c}` in environment names"));
    }
    (name.starts_with('/') || name.ends_with('/'))
        .then(|| "GitLab environment names cannot start or end with `/`".to_string())
}

fn url_problem(url: &str) -> Option<&'static str> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    match rest {
        None => Some("it has no `https://` (or `http://`) scheme"),
        Some(r) if r.is_empty() || r.starts_with('/') => Some("it has no host"),
        Some(_) if url.chars().any(char::is_whitespace) => Some("it contains spaces"),
        Some(_) => None,
    }
}

pub fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let gitlab = cx.spec.targets.as_ref().is_none_or(|t| t.gitlab.is_some());
    for (job, j) in &cx.spec.jobs {
        let Some(env) = &j.environment else { continue };
        let ep = YamlPath::job(job).key("environment");
        let name_at = match &**env {
            Environment::Name(_) => ep.clone(),
            Environment::Full { .. } => ep.key("name"),
        };
        let name = env.name();
        let problem = if name.trim().is_empty() {
            Some("an environment needs a name".to_string())
        } else if name.chars().count() > 255 {
            Some("environment names are at most 255 characters".to_string())
        } else if gitlab {
            gitlab_problem(name)
        } else {
            None
        };
        if let Some(why) = problem {
            let message = if name.trim().is_empty() {
                "the environment name is empty".to_string()
            } else {
                format!("invalid environment name `{name}`: {why}")
            };
            out.push(
                Diagnostic::error(INVALID_ENVIRONMENT, message)
                .at(name_at)
                .with_label("not an environment name")
                .with_help("name it with letters, digits, `-`, `_` and `/`, e.g. `production` or `review/app`"),
            );
        }
        // An expression is the `url-expression` rule's (`environment_url.rs`) to report.
        if let Some(url) = env.url().filter(|u| !u.contains("${{")) {
            if let Some(why) = url_problem(url) {
                out.push(
                    Diagnostic::error(
                        INVALID_ENVIRONMENT,
                        format!("invalid environment URL `{url}`: {why}"),
                    )
                    .at(ep.key("url"))
                    .with_label("not an absolute URL")
                    .with_help(format!(
                        "write the whole address, e.g. `https://{}`",
                        url.trim_start_matches("//").trim()
                    )),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_urls() {
        assert_eq!(gitlab_problem("review/app-1.2 ${CI_COMMIT_REF_SLUG}"), None);
        assert!(gitlab_problem("prod:eu").is_some());
        assert!(gitlab_problem("/prod").is_some());
        assert_eq!(url_problem("https://example.com/x"), None);
        assert!(url_problem("example.com").is_some());
        assert!(url_problem("https://").is_some());
        assert!(url_problem("https://a b").is_some());
    }
}
