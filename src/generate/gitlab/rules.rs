//! Triggers → `workflow: rules`, without duplicate branch + merge request pipelines.

use super::context::Rule;
use crate::spec::{Glob, Triggers};

/// A GitHub-style filter glob as an RE2 regex literal (`/^...$/`): `**` any text, `*` any text
/// without `/`; `?`, `+` and `[...]` keep their (regex-like) GitHub meaning.
fn glob_regex(glob: &str) -> String {
    let mut out = String::from("/^");
    let mut chars = glob.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '*' if chars.peek() == Some(&'*') => {
                chars.next();
                out.push_str(".*");
            }
            '*' => out.push_str("[^\\/]*"),
            '?' | '+' | '[' | ']' => out.push(c),
            '/' => out.push_str("\\/"),
            c if c.is_ascii_alphanumeric() || c == '_' || c == '-' => out.push(c),
            c if c.is_ascii() => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out.push_str("$/");
    out
}

/// `VAR =~ /a/ || VAR =~ /b/` for positive globs, `&& VAR !~ /c/` for `!` globs; `None` when
/// there is no filter.
fn matches(var: &str, globs: &[Glob]) -> Option<String> {
    if globs.is_empty() {
        return None;
    }
    let positive: Vec<String> = globs
        .iter()
        .filter(|g| !g.negation().0)
        .map(|g| format!("{var} =~ {}", glob_regex(g.as_str())))
        .collect();
    let negative: Vec<String> = globs
        .iter()
        .filter_map(|g| g.as_str().strip_prefix('!'))
        .map(|g| format!("{var} !~ {}", glob_regex(g)))
        .collect();
    let mut parts = Vec::new();
    match positive.len() {
        0 => {}
        1 => parts.push(positive[0].clone()),
        _ => parts.push(format!("({})", positive.join(" || "))),
    }
    parts.extend(negative);
    Some(parts.join(" && "))
}

fn rule(parts: &[Option<String>]) -> Rule {
    Rule {
        condition: parts
            .iter()
            .flatten()
            .cloned()
            .collect::<Vec<_>>()
            .join(" && "),
        never: false,
    }
}

pub(super) fn rules(tr: &Triggers) -> Vec<Rule> {
    let all = Triggers {
        push: Some(Default::default()),
        pull_request: Some(Default::default()),
        schedule: vec![],
        manual: false,
    };
    let tr = if tr.is_empty() { &all } else { tr };
    let mut out = Vec::new();
    let mr = Some("$CI_PIPELINE_SOURCE == \"merge_request_event\"".to_string());
    if let Some(pr) = &tr.pull_request {
        out.push(rule(&[
            mr.clone(),
            matches("$CI_MERGE_REQUEST_TARGET_BRANCH_NAME", &pr.branches),
        ]));
        // A push to a branch with an open merge request runs as the merge request pipeline only.
        out.push(Rule {
            condition: "$CI_COMMIT_BRANCH && $CI_OPEN_MERGE_REQUESTS".into(),
            never: true,
        });
    }
    if let Some(push) = &tr.push {
        let push_src = Some("$CI_PIPELINE_SOURCE == \"push\"".to_string());
        match (push.branches.is_empty(), push.tags.is_empty()) {
            (true, true) => out.push(rule(&[push_src])),
            (branches_empty, tags_empty) => {
                if !branches_empty {
                    out.push(rule(&[
                        push_src.clone(),
                        Some("$CI_COMMIT_BRANCH".into()),
                        matches("$CI_COMMIT_BRANCH", &push.branches),
                    ]));
                }
                if !tags_empty {
                    out.push(rule(&[
                        push_src,
                        Some("$CI_COMMIT_TAG".into()),
                        matches("$CI_COMMIT_TAG", &push.tags),
                    ]));
                }
            }
        }
    }
    if !tr.schedule.is_empty() {
        out.push(rule(&[Some("$CI_PIPELINE_SOURCE == \"schedule\"".into())]));
    }
    if tr.manual {
        out.push(rule(&[Some("$CI_PIPELINE_SOURCE == \"web\"".into())]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_become_anchored_regexes() {
        assert_eq!(glob_regex("main"), "/^main$/");
        assert_eq!(glob_regex("release/*"), "/^release\\/[^\\/]*$/");
        assert_eq!(glob_regex("v*.*"), "/^v[^\\/]*\\.[^\\/]*$/");
        assert_eq!(glob_regex("feature/**"), "/^feature\\/.*$/");
        let globs: Vec<Glob> =
            serde_json::from_str(r#"["main", "release/*", "!release/old"]"#).unwrap();
        let m = matches("$CI_COMMIT_BRANCH", &globs).unwrap();
        assert_eq!(m, "($CI_COMMIT_BRANCH =~ /^main$/ || $CI_COMMIT_BRANCH =~ /^release\\/[^\\/]*$/) && $CI_COMMIT_BRANCH !~ /^release\\/old$/");
    }

    #[test]
    fn merge_requests_suppress_duplicate_branch_pipelines() {
        let tr: Triggers = serde_json::from_str(r#"{"push":{"branches":["main"],"tags":["v*"]},"pull_request":{},"schedule":["0 3 * * 1"],"manual":true}"#).unwrap();
        let r: Vec<(String, bool)> = rules(&tr)
            .into_iter()
            .map(|r| (r.condition, r.never))
            .collect();
        assert_eq!(
            r[0],
            (
                "$CI_PIPELINE_SOURCE == \"merge_request_event\"".to_string(),
                false
            )
        );
        assert_eq!(
            r[1],
            (
                "$CI_COMMIT_BRANCH && $CI_OPEN_MERGE_REQUESTS".to_string(),
                true
            )
        );
        assert_eq!(
            r[2].0,
            "$CI_PIPELINE_SOURCE == \"push\" && $CI_COMMIT_BRANCH && $CI_COMMIT_BRANCH =~ /^main$/"
        );
        assert_eq!(
            r[3].0,
            "$CI_PIPELINE_SOURCE == \"push\" && $CI_COMMIT_TAG && $CI_COMMIT_TAG =~ /^v[^\\/]*$/"
        );
        assert_eq!(r[4].0, "$CI_PIPELINE_SOURCE == \"schedule\"");
        assert_eq!(r[5].0, "$CI_PIPELINE_SOURCE == \"web\"");
    }
}
