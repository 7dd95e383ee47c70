//! A workflow job's `permissions`, `environment` (its URL's ref and repository expressions
//! become placeholders) and `concurrency` as the spec's keys, with what cannot be said
//! reported.

use indexmap::IndexMap;
use serde_yaml::Value;

use super::job::JobCx;
use super::model::scalar_text;
use crate::import::expr;
use crate::import::report::Kind;
use crate::spec::{Environment, Permission};

pub(super) fn permissions(cx: &mut JobCx<'_>, v: &Value, at: &str) -> IndexMap<String, Permission> {
    let mut out = IndexMap::new();
    match v {
        Value::Mapping(m) => {
            for (k, v) in m {
                let (Some(k), Some(level)) = (scalar_text(k), scalar_text(v)) else {
                    continue;
                };
                let p = match level.as_str() {
                    "read" => Permission::Read,
                    "write" => Permission::Write,
                    "none" => Permission::None,
                    _ => continue,
                };
                // Every generated job already reads the repository contents.
                if k == "contents" && p == Permission::Read {
                    continue;
                }
                out.insert(k, p);
            }
        }
        other => {
            let t = scalar_text(other).unwrap_or_default();
            cx.add(Kind::Lost, "permissions", at, format!("`permissions: {t}`: the spec grants scopes one by one; the job gets `contents: read`"));
        }
    }
    out
}

pub(super) fn environment(cx: &mut JobCx<'_>, v: &Value) -> Option<Environment> {
    let (name, url) = match v {
        Value::Mapping(_) => (
            v.get("name").and_then(scalar_text),
            v.get("url").and_then(scalar_text),
        ),
        other => (scalar_text(other), None),
    };
    let name = name?;
    if expr::has_expression(&name) {
        cx.add(
            Kind::Lost,
            "environment",
            "environment",
            format!("environment name `{name}` is an expression"),
        );
        return None;
    }
    match url {
        Some(u) => match ref_url(&u) {
            Some(url) => {
                if url != u && u.contains("ref_name") && !u.contains("head_ref") {
                    cx.add(Kind::Note, "environment-url", "environment.url", format!("`{u}`: `{{ref}}` is the branch or tag being built; on a pull request that is its source branch, where GitHub's `ref_name` is `<number>/merge`"));
                }
                Some(Environment::Full {
                    name,
                    url: Some(url),
                })
            }
            None => {
                cx.add(Kind::Lost, "environment-url", "environment.url", format!("environment URL `{u}` uses an expression other than the ref name, `github.repository` and `github.event.repository.name` (`{{ref}}`, `{{repository}}`, `{{project}}` in the spec); the URL was left out"));
                Some(Environment::Name(name))
            }
        },
        None => Some(Environment::Name(name)),
    }
}

/// An environment URL with the ref name (`${{ github.ref_name }}`, or
/// `${{ github.head_ref || github.ref_name }}`) as the spec's `{ref}`, the repository's
/// `owner/name` and name as `{repository}` and `{project}`; `None` when it holds another
/// expression.
fn ref_url(url: &str) -> Option<String> {
    let mut out = String::new();
    let mut rest = url;
    while let Some(open) = rest.find("${{") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 3..];
        let close = after.find("}}")?;
        let e = after[..close]
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        out.push_str(match e.as_str() {
            "github.ref_name" | "github.head_ref || github.ref_name" => "{ref}",
            "github.repository" => "{repository}",
            "github.event.repository.name" => "{project}",
            _ => return None,
        });
        rest = &after[close + 2..];
    }
    out.push_str(rest);
    Some(out)
}

/// A job's `concurrency` (a group, or `{group, cancel-in-progress}`) as the spec's group,
/// which never cancels the job in progress and is refused on a matrix job.
pub(super) fn concurrency(cx: &mut JobCx<'_>, v: &Value, matrix: bool) -> Option<String> {
    let group = match v {
        Value::Mapping(_) => v.get("group").and_then(scalar_text),
        other => scalar_text(other),
    }?;
    let cancel = v
        .get("cancel-in-progress")
        .and_then(scalar_text)
        .is_some_and(|c| c != "false");
    let plain = !group.is_empty()
        && group
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/'));
    let why = if !plain {
        Some(format!("concurrency group `{group}` is not a plain name (letters, digits, `_-./`): jobs of several runs may overlap"))
    } else if matrix {
        Some(format!("concurrency group `{group}` on a matrix job: GitHub would cancel waiting cells, so the spec refuses it; the cells may overlap with other runs"))
    } else {
        None
    };
    if let Some(why) = why {
        cx.add(Kind::Lost, "concurrency", "concurrency", why);
        return None;
    }
    if cancel {
        cx.add(Kind::Lost, "concurrency", "concurrency.cancel-in-progress", format!("`cancel-in-progress`: a newer run waits for the job in progress of group `{group}` instead of cancelling it"));
    }
    Some(group)
}
