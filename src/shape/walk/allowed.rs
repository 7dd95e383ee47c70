//! Typing a node that must be one of a fixed set of values (`enum`, `const`): the exact
//! value, or an error naming the allowed ones and the nearest (or habitual) spelling.

use serde_json::Value;

use super::super::json::Json;

use super::{describe_node, Walker};
use crate::diagnostic::{did_you_mean, Diagnostic};
use crate::source::{Node, NodeKind, PathSegment, ScalarStyle, YamlPath};

impl<'s> Walker<'s> {
    pub(super) fn walk_enum(
        &mut self,
        node: &Node,
        allowed: &[&Json],
        path: &YamlPath,
    ) -> Option<Value> {
        // A constant that is not text (`version: 1`): the one value there is, typed as such.
        if let [c @ (Json::Int(_) | Json::Float(_) | Json::Bool(_))] = allowed {
            let c = c.to_value();
            let want = c.to_string();
            let plain = matches!(
                node.kind,
                NodeKind::Scalar {
                    style: ScalarStyle::Plain,
                    ..
                }
            );
            if plain && node.as_str() == Some(want.as_str()) {
                return Some(c);
            }
            let field = match path.0.last() {
                Some(PathSegment::Key(k)) => k.as_str(),
                _ => "value",
            };
            let quoted = !plain && node.as_str() == Some(want.as_str());
            let found = match quoted {
                true => format!("the quoted text \"{want}\""),
                false => describe_node(node),
            };
            self.diagnostics.push(
                Diagnostic::error(
                    super::super::INVALID_VALUE,
                    format!("expected `{want}`, found {found}"),
                )
                .at(path.clone())
                .with_label("the only value allowed here")
                .with_help(match quoted {
                    true => format!("write `{field}: {want}`, without quotes"),
                    false => format!("write `{field}: {want}`"),
                }),
            );
            return None;
        }
        let names: Vec<&str> = allowed.iter().filter_map(|v| v.as_str()).collect();
        if let Some(text) = node.as_str().filter(|_| !node.is_null()) {
            if names.contains(&text) {
                return Some(Value::String(text.to_string()));
            }
        }
        let list = names
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let mut d = Diagnostic::error(
            super::super::INVALID_VALUE,
            format!("expected one of {list}, found {}", describe_node(node)),
        )
        .at(path.clone())
        .with_label("not an allowed value");
        let text = node.as_str().unwrap_or("");
        let alias = match text {
            "pr" | "mr" | "merge_request" | "pull-request" => Some("pull_request"),
            "cron" | "scheduled" => Some("schedule"),
            "dispatch" | "workflow_dispatch" | "web" => Some("manual"),
            "tags" => Some("tag"),
            // GitHub's status functions, where a post step's typed `if:` goes.
            "!cancelled()" | "${{ !cancelled() }}" => Some("not_cancelled"),
            "always()" | "${{ always() }}" => Some("always"),
            "failure()" | "${{ failure() }}" => Some("failure"),
            "success()" | "${{ success() }}" => Some("success"),
            _ => None,
        }
        .filter(|a| names.contains(a));
        d = match alias.or_else(|| did_you_mean(text, names.iter().copied())) {
            Some(s) => d.with_help(format!("did you mean `{s}`?")),
            None => d.with_help(format!("write one of {list}")),
        };
        self.diagnostics.push(d);
        None
    }
}
