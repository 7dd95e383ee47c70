//! The wrong-type diagnostic: what was expected, what was found, and help that shows the
//! value written the way the schema wants it.

use super::super::foreign;
use super::{describe_node, describe_type, kind, shorten, Kind, Walker};
use crate::diagnostic::Diagnostic;
use crate::source::{Node, NodeKind, PathSegment, YamlPath};

impl Walker<'_> {
    pub(super) fn type_error(
        &mut self,
        node: &Node,
        ts: &[&str],
        path: &YamlPath,
        field: Option<&str>,
    ) {
        // Where text is accepted, numbers and booleans are just text too: say "text" once.
        let texty = ts.contains(&"string");
        let wanted: Vec<&str> = ts
            .iter()
            .filter(|t| {
                **t != "null" && !(texty && matches!(**t, "number" | "integer" | "boolean"))
            })
            .map(|t| describe_type(t))
            .collect();
        let wanted = if wanted.is_empty() {
            "a value".to_string()
        } else {
            wanted.join(" or ")
        };
        let mut d = Diagnostic::error(
            super::super::WRONG_TYPE,
            format!("expected {wanted}, found {}", describe_node(node)),
        )
        .at(path.clone())
        .with_label(format!("expected {wanted}"));
        let name = field.unwrap_or("key");
        let is_job =
            matches!(path.0.as_slice(), [PathSegment::Key(j), PathSegment::Key(_)] if j == "jobs");
        let help = if path.0.is_empty() {
            "a spec is a mapping that starts with `version: 1` and has a `jobs:` mapping"
                .to_string()
        } else if is_job && kind(node) == Kind::Scalar && !node.is_null() {
            format!(
                "a job is a mapping with `steps:`, e.g. `{name}: {{ steps: [{}] }}`",
                shorten(node.as_str().unwrap_or(""))
            )
        } else if node.is_null() {
            "give this key a value, or remove it".to_string()
        } else if ts.contains(&"array") && kind(node) == Kind::Scalar {
            format!(
                "write a list, e.g. `{name}: [{}]`",
                shorten(node.as_str().unwrap_or(""))
            )
        } else if let (true, NodeKind::Seq(items)) = (ts.contains(&"string"), &node.kind) {
            let words: Vec<&str> = items.iter().filter_map(Node::as_str).collect();
            format!("write one text value, e.g. `{}`", shorten(&words.join(" ")))
        } else if ts.contains(&"object") && kind(node) == Kind::Seq {
            format!("write `key: value` entries instead of a list, e.g. `{name}: {{ KEY: value }}`")
        } else if ts.contains(&"object") {
            format!("write `key: value` entries under `{name}:`")
        } else if ts.contains(&"string") && kind(node) != Kind::Scalar {
            "write the text directly; quote it if it contains `: `, `#`, `[` or `{`".to_string()
        } else if let (true, NodeKind::Map(entries)) = (ts.contains(&"array"), &node.kind) {
            let keys: Vec<&str> = entries.iter().map(|e| e.key.as_str()).collect();
            format!(
                "write a list, e.g. `{name}: [{}]`",
                shorten(&keys.join(", "))
            )
        } else if ts.contains(&"array") {
            format!("write a list, e.g. `{name}: [a, b]`")
        } else if ts.contains(&"integer") {
            format!("write a whole number, e.g. `{name}: 3`")
        } else {
            format!("write {wanted}")
        };
        let help = foreign::type_help(path, field, node).unwrap_or(help);
        d = d.with_help(help);
        self.diagnostics.push(d);
    }
}
