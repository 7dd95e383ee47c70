//! Walks the located YAML tree against the JSON Schema, reporting every shape problem at once
//! and producing a JSON value typed the way the schema expects.
//!
//! Typing follows the schema, not YAML's resolver: where text is expected, a plain scalar is
//! taken as the exact text written (`3.10` stays `3.10`, `on` stays `on`), which is what the
//! user meant and what every output re-quotes. Booleans accept only `true`/`false`: the YAML
//! 1.1 words (`yes`, `on`) mean different things to GitHub and GitLab and are refused.

mod allowed;
mod scalar;
mod type_error;

use serde_json::{Map, Value};

use super::json::{Json, ANY};

use super::foreign;
use super::hints::{belongs_elsewhere, foreign_key_hint, looks_like_text, required_help};
use crate::diagnostic::{did_you_mean, Diagnostic};
use crate::source::{Node, NodeKind, PathSegment, YamlPath};

/// The `definitions` of a root schema without any: no `$ref` resolves.
static NO_DEFINITIONS: Json = Json::Sorted(&[]);

/// Result of the walk: the typed value (entries with errors dropped so later rules can still
/// run) and the diagnostics.
pub struct Walked {
    pub value: Option<Value>,
    pub diagnostics: Vec<Diagnostic>,
    /// Paths of map entries dropped because of errors (e.g. `jobs.test`).
    pub dropped: Vec<YamlPath>,
    /// When `value` is `None` because a required key is missing or broken: the document's
    /// top-level entries that were fine, so that semantic rules still check the rest.
    pub partial: Option<Map<String, Value>>,
}

/// Takes each entry of one top-level mapping as soon as it is walked (the `jobs:` of a big
/// spec), so its caller can type it at once: the JSON form of only one entry exists at a
/// time, rather than of the whole document beside its tree. That mapping's value in the
/// result is then an empty object.
pub struct Stream<'s> {
    /// The top-level key whose entries are streamed.
    pub key: &'s str,
    /// Receives each entry that walked without errors: its key and its JSON form.
    pub sink: &'s mut dyn FnMut(&str, Value),
}

/// Converts `root` to JSON following `schema` (a root schema with `definitions`), handing
/// the entries of `stream`'s mapping to its sink instead of keeping them.
pub fn to_json<'s>(root: &Node, schema: &'static Json, stream: Option<Stream<'s>>) -> Walked {
    let mut w = Walker {
        root: schema,
        definitions: schema.get("definitions").unwrap_or(&NO_DEFINITIONS),
        diagnostics: Vec::new(),
        dropped: Vec::new(),
        partial: None,
        reported: Vec::new(),
        stream,
    };
    let value = w.walk(root, schema, &mut YamlPath::root(), None);
    Walked {
        value,
        diagnostics: w.diagnostics,
        dropped: w.dropped,
        partial: w.partial,
    }
}

struct Walker<'s> {
    root: &'static Json,
    /// The root's `definitions`, looked up once: every `$ref` resolves in them.
    definitions: &'static Json,
    diagnostics: Vec<Diagnostic>,
    dropped: Vec<YamlPath>,
    partial: Option<Map<String, Value>>,
    /// Entries already reported as written in the wrong place (`foreign::misindented`).
    reported: Vec<YamlPath>,
    stream: Option<Stream<'s>>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Map,
    Seq,
    Scalar,
}

fn kind(node: &Node) -> Kind {
    match node.kind {
        NodeKind::Map(_) => Kind::Map,
        NodeKind::Seq(_) => Kind::Seq,
        NodeKind::Scalar { .. } => Kind::Scalar,
    }
}

fn types(schema: &Json) -> Vec<&'static str> {
    match schema.get("type") {
        Some(Json::Str(s)) => vec![s],
        Some(Json::Array(a)) => a.iter().filter_map(Json::as_str).collect(),
        _ => Vec::new(),
    }
}

fn describe_type(t: &str) -> &'static str {
    match t {
        "string" => "text",
        "integer" => "a whole number",
        "number" => "a number",
        "boolean" => "true or false",
        "array" => "a list",
        "object" => "a mapping",
        "null" => "nothing",
        _ => "a value",
    }
}

fn describe_node(node: &Node) -> String {
    match &node.kind {
        NodeKind::Map(_) => "a mapping".into(),
        NodeKind::Seq(_) => "a list".into(),
        NodeKind::Scalar { .. } if node.is_null() => "nothing (null)".into(),
        NodeKind::Scalar { value, .. } => format!("`{}`", shorten(value)),
    }
}

fn shorten(s: &str) -> String {
    let first = s.lines().next().unwrap_or("");
    if first.chars().count() > 40 || first.len() != s.len() {
        format!("{}…", first.chars().take(40).collect::<String>())
    } else {
        first.to_string()
    }
}

impl<'s> Walker<'s> {
    fn resolve(&self, mut schema: &'static Json) -> &'static Json {
        // `$ref` chains and single-element `allOf` wrappers (schemars emits both).
        for _ in 0..32 {
            if let Some(r) = schema.get("$ref").and_then(Json::as_str) {
                let name = r.rsplit('/').next().unwrap_or("");
                match self.definitions.get(name) {
                    Some(s) => schema = s,
                    None => return schema,
                }
            } else if let Some(Json::Array(all)) = schema.get("allOf") {
                if all.len() == 1 {
                    schema = &all[0];
                } else {
                    return schema;
                }
            } else {
                return schema;
            }
        }
        schema
    }

    /// Kinds of node a schema can accept (for choosing a branch of `anyOf`).
    fn accepts(&self, schema: &'static Json, k: Kind) -> bool {
        let schema = self.resolve(schema);
        if let Some(branches) = schema
            .get("anyOf")
            .or_else(|| schema.get("oneOf"))
            .and_then(Json::as_array)
        {
            return branches.iter().any(|b| self.accepts(b, k));
        }
        if schema.get("enum").is_some() || schema.get("const").is_some() {
            return k == Kind::Scalar;
        }
        let ts = types(schema);
        if ts.is_empty() {
            return true;
        }
        ts.iter().any(|t| match *t {
            "object" => k == Kind::Map,
            "array" => k == Kind::Seq,
            _ => k == Kind::Scalar,
        })
    }

    /// `path` is where `node` stands. The walk extends it in place for each child and takes
    /// the child off again, rather than building a new path per node: cloning the path at
    /// every node was an eighth of `cigen check` on 15,000 jobs (callgrind).
    fn walk(
        &mut self,
        node: &Node,
        schema: &'static Json,
        path: &mut YamlPath,
        field: Option<&str>,
    ) -> Option<Value> {
        let schema = self.resolve(schema);
        if let Some(branches) = schema
            .get("anyOf")
            .or_else(|| schema.get("oneOf"))
            .and_then(Json::as_array)
        {
            return self.walk_any_of(node, schema, branches, path, field);
        }
        if let Some(allowed) = schema.get("enum").and_then(Json::as_array) {
            let allowed: Vec<&Json> = allowed.iter().collect();
            return self.walk_enum(node, &allowed, path);
        }
        if let Some(c) = schema.get("const") {
            return self.walk_enum(node, &[c], path);
        }
        let ts = types(schema);
        match &node.kind {
            NodeKind::Map(entries) if ts.is_empty() || ts.contains(&"object") => {
                self.walk_object(node, entries, schema, path)
            }
            NodeKind::Seq(items) if ts.is_empty() || ts.contains(&"array") => {
                let item_schema = schema.get("items").unwrap_or(&ANY);
                let mut out = Vec::with_capacity(items.len());
                let mut ok = true;
                for (i, item) in items.iter().enumerate() {
                    match self.walk_at(item, item_schema, path, PathSegment::Index(i), None) {
                        Some(v) => out.push(v),
                        None => ok = false,
                    }
                }
                ok.then_some(Value::Array(out))
            }
            NodeKind::Scalar { value, style } => {
                self.walk_scalar(node, value, *style, schema, &ts, path, field)
            }
            _ => {
                self.type_error(node, &ts, path, field);
                None
            }
        }
    }

    /// Walks `node`, the child `at` of `path`: the path is extended for that walk only.
    fn walk_at(
        &mut self,
        node: &Node,
        schema: &'static Json,
        path: &mut YamlPath,
        at: PathSegment,
        field: Option<&str>,
    ) -> Option<Value> {
        path.0.push(at);
        let walked = self.walk(node, schema, path, field);
        path.0.pop();
        walked
    }

    fn walk_any_of(
        &mut self,
        node: &Node,
        schema: &'static Json,
        branches: &'static [Json],
        path: &mut YamlPath,
        field: Option<&str>,
    ) -> Option<Value> {
        let k = kind(node);
        // A documented enum (one `const` branch per value, as schemars emits for variants with
        // doc comments) is still one choice among all its values.
        let consts: Option<Vec<&Json>> = branches
            .iter()
            .map(|b| {
                let b = self.resolve(b);
                b.get("const").map(|c| vec![c]).or_else(|| {
                    b.get("enum")
                        .and_then(Json::as_array)
                        .map(|a| a.iter().collect())
                })
            })
            .collect::<Option<Vec<_>>>()
            .map(|v| v.concat());
        if let Some(allowed) = consts {
            return self.walk_enum(node, &allowed, path);
        }
        // Only `null` itself takes the `null` branch of an optional value: `runs-on: linux`
        // is a mapping written wrong, not "expected a value".
        let candidates: Vec<&'static Json> = branches
            .iter()
            .filter(|b| self.accepts(b, k))
            .filter(|b| node.is_null() || types(self.resolve(b)) != ["null"])
            .collect();
        // A plain `null` may match a `type: null` branch even though the kind is scalar.
        let mut first_failure: Option<(Vec<Diagnostic>, Vec<YamlPath>, Option<Value>)> = None;
        for branch in &candidates {
            let saved = std::mem::take(&mut self.diagnostics);
            let saved_dropped = std::mem::take(&mut self.dropped);
            let result = self.walk(node, branch, path, field);
            let diags = std::mem::replace(&mut self.diagnostics, saved);
            let dropped = std::mem::replace(&mut self.dropped, saved_dropped);
            if diags.is_empty() && result.is_some() {
                self.dropped.extend(dropped);
                return result;
            }
            if first_failure.is_none() {
                first_failure = Some((diags, dropped, result));
            }
        }
        // Report the first plausible branch; its partial value keeps later rules running.
        if let Some((diags, dropped, result)) = first_failure {
            self.diagnostics.extend(diags);
            self.dropped.extend(dropped);
            return result;
        }
        // No branch takes this kind of node: list what would be accepted.
        let mut ts: Vec<&str> = Vec::new();
        for b in branches {
            let b = self.resolve(b);
            let bt = types(b);
            if bt.is_empty() && (b.get("enum").is_some() || b.get("const").is_some()) {
                ts.push("string");
            }
            for t in bt {
                if !ts.contains(&t) {
                    ts.push(t);
                }
            }
        }
        let _ = schema;
        self.type_error(node, &ts, path, field);
        None
    }

    fn walk_object(
        &mut self,
        node: &Node,
        entries: &[crate::source::MapEntry],
        schema: &'static Json,
        path: &mut YamlPath,
    ) -> Option<Value> {
        let _ = node;
        if let Some(d) = foreign::action_step(path, entries) {
            self.diagnostics.push(d);
            return None;
        }
        let props = schema.get("properties").filter(|p| p.is_object());
        let known = |k: &str| props.is_some_and(|p| p.get(k).is_some());
        for (at, d) in foreign::misindented(path, entries, known) {
            self.diagnostics.push(d);
            self.reported.push(at);
        }
        let additional = schema.get("additionalProperties");
        let mut out = Map::new();
        let mut ok = true;
        let mut read_as_mapping = false;
        let streamed = matches!(
            (&self.stream, path.0.as_slice()),
            (Some(s), [PathSegment::Key(k)]) if k == s.key
        );
        for e in entries {
            if e.key.starts_with('\u{0}') {
                ok = false;
                continue;
            }
            let switch = foreign::matrix_switch(path, e);
            let child = |path: &YamlPath| path.key(&e.key);
            if switch.is_some() || self.reported.iter().any(|r| *r == child(path)) {
                self.diagnostics.extend(switch);
                self.dropped.push(child(path));
                continue;
            }
            if let Some(prop) = props.and_then(|p| p.get(&e.key)) {
                match self.walk_at(&e.value, prop, path, key(e), Some(&e.key)) {
                    Some(v) => {
                        out.insert(String::from(&e.key), v);
                    }
                    // An optional property with errors is dropped so later rules still run.
                    None => {
                        if is_required(schema, &e.key) {
                            ok = false;
                        }
                        self.dropped.push(child(path));
                    }
                }
                continue;
            }
            // Extension keys (`x-...`) hold YAML anchors for reuse; they are accepted and
            // left out of the typed value, so serde never sees them.
            if matches_pattern_property(schema, &e.key) {
                continue;
            }
            match additional {
                Some(Json::Bool(false)) => {
                    let known: Vec<&str> = props
                        .and_then(Json::as_object)
                        .map(|p| p.iter().map(|(k, _)| *k).collect())
                        .unwrap_or_default();
                    if looks_like_text(&e.key) && entries.len() == 1 {
                        // `- echo a: b` is a one-entry mapping to YAML; the author meant text.
                        read_as_mapping = true;
                        self.diagnostics.push(
                            Diagnostic::error(super::UNQUOTED_COLON, format!("`{}: ...` was read as a mapping, not as text", shorten(&e.key)))
                                .at_key(child(path))
                                .with_label("`: ` makes this a key")
                                .with_help("quote the whole value, e.g. - \"echo a: b\", or use a block: `run: |`"),
                        );
                        continue;
                    }
                    let mut d =
                        Diagnostic::error(super::UNKNOWN_KEY, format!("unknown key `{}`", e.key))
                            .at_key(child(path))
                            .with_label("not a known key here");
                    let elsewhere = || belongs_elsewhere(self.root, &e.key, path.0.is_empty());
                    d = match (
                        foreign::unknown_key_help(path, &e.key, &e.value),
                        did_you_mean(&e.key, known.iter().copied()),
                        foreign_key_hint(&e.key),
                    ) {
                        (Some(habit), _, _) => d.with_help(habit),
                        (None, Some(s), _) => d.with_help(format!("did you mean `{s}`?")),
                        (None, None, Some(hint)) => d.with_help(hint),
                        (None, None, None) => match elsewhere() {
                            Some(place) => {
                                d.with_help(format!("`{}` belongs {place}, not here", e.key))
                            }
                            None => d.with_help(format!("allowed keys here: {}", known.join(", "))),
                        },
                    };
                    self.diagnostics.push(d);
                }
                Some(extra) if extra.is_object() => {
                    let walked = self.walk_at(&e.value, extra, path, key(e), Some(&e.key));
                    match (walked, &mut self.stream) {
                        (Some(v), Some(s)) if streamed => (s.sink)(&e.key, v),
                        (Some(v), _) => {
                            out.insert(String::from(&e.key), v);
                        }
                        (None, _) => self.dropped.push(child(path)),
                    }
                }
                _ => {
                    if let Some(v) = self.walk_at(&e.value, &ANY, path, key(e), Some(&e.key)) {
                        out.insert(String::from(&e.key), v);
                    }
                }
            }
        }
        if read_as_mapping {
            // Missing keys would only repeat that this was never meant to be a mapping.
            return None;
        }
        if let Some(required) = schema.get("required").and_then(Json::as_array) {
            for r in required.iter().filter_map(Json::as_str) {
                if !entries.iter().any(|e| e.key == r) {
                    ok = false;
                    let d = Diagnostic::error(
                        super::MISSING_KEY,
                        format!("missing required key `{r}`"),
                    )
                    .at_key(path.clone())
                    .with_label(format!("`{r}` is required here"))
                    .with_help(required_help(r));
                    self.diagnostics.push(d);
                }
            }
        }
        // The document itself: when it is not fine, its good entries still go to the rules.
        // Kept only then (a copy of a big document costs its size again).
        if path.0.is_empty() && !ok {
            self.partial = Some(out);
            return None;
        }
        ok.then_some(Value::Object(out))
    }
}

/// The path segment of a mapping entry.
fn key(e: &crate::source::MapEntry) -> PathSegment {
    PathSegment::Key(String::from(&e.key))
}

/// Whether `key` matches one of the schema's `patternProperties`. Only `^literal` prefix
/// patterns are supported, which is all the spec's schema uses.
fn matches_pattern_property(schema: &Json, key: &str) -> bool {
    schema
        .get("patternProperties")
        .and_then(Json::as_object)
        .is_some_and(|pats| {
            pats.iter().any(|(p, _)| {
                p.strip_prefix('^')
                    .is_some_and(|prefix| key.starts_with(prefix))
            })
        })
}

fn is_required(schema: &Json, key: &str) -> bool {
    schema
        .get("required")
        .and_then(Json::as_array)
        .is_some_and(|r| r.iter().any(|v| v.as_str() == Some(key)))
}
