//! The located YAML tree: every node and mapping key keeps its byte span.
//!
//! Built from saphyr's event parser instead of a serde `Value`, because serde loses positions
//! and silently drops duplicate keys; here both survive for diagnostics. Scalars keep their raw
//! text and style so that later layers decide how to type them (YAML 1.1 and 1.2 disagree about
//! `no`, `on`, `012`, so the raw text is the only safe truth).

use std::borrow::Cow;
use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle as SaphyrStyle, ScanError};

use super::{SourceFile, Span, YamlPath};
use crate::diagnostic::Diagnostic;

/// Alias expansion budget: defeats "billion laughs" documents.
const MAX_NODES: usize = 200_000;
/// Nesting limit: keeps recursion in later layers bounded on hostile input.
const MAX_DEPTH: usize = 128;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScalarStyle {
    Plain,
    Quoted,
    Block,
}

#[derive(Debug, Clone)]
pub struct MapEntry {
    pub key: String,
    pub key_span: Span,
    pub value: Node,
}

#[derive(Debug, Clone)]
pub enum NodeKind {
    Scalar { value: String, style: ScalarStyle },
    Seq(Vec<Node>),
    Map(Vec<MapEntry>),
}

#[derive(Debug, Clone)]
pub struct Node {
    pub kind: NodeKind,
    pub span: Span,
}

/// Result of parsing: the tree when the syntax was readable, plus every problem found.
#[derive(Debug)]
pub struct Parsed {
    pub root: Option<Node>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Node {
    pub fn type_name(&self) -> &'static str {
        match &self.kind {
            NodeKind::Scalar { .. } if self.is_null() => "null",
            NodeKind::Scalar { .. } => "scalar",
            NodeKind::Seq(_) => "list",
            NodeKind::Map(_) => "mapping",
        }
    }

    /// A plain scalar that YAML 1.2 (core schema) reads as null.
    pub fn is_null(&self) -> bool {
        matches!(&self.kind, NodeKind::Scalar { value, style: ScalarStyle::Plain }
            if matches!(value.as_str(), "" | "~" | "null" | "Null" | "NULL"))
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Scalar { value, .. } => Some(value),
            _ => None,
        }
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.kind {
            NodeKind::Map(entries) => entries.iter().find(|e| e.key == key).map(|e| &e.value),
            _ => None,
        }
    }

    /// Span of the node at `path`; with `key_span`, the span of its mapping key instead.
    pub fn locate(&self, path: &YamlPath, key_span: bool) -> Option<Span> {
        use super::PathSegment;
        let mut node = self;
        let mut last_key = None;
        for seg in &path.0 {
            match (seg, &node.kind) {
                (PathSegment::Key(k), NodeKind::Map(entries)) => {
                    let e = entries.iter().find(|e| &e.key == k)?;
                    last_key = Some(e.key_span);
                    node = &e.value;
                }
                (PathSegment::Index(i), NodeKind::Seq(items)) => {
                    node = items.get(*i)?;
                    last_key = None;
                }
                _ => return None,
            }
        }
        if key_span {
            last_key.or(Some(node.span))
        } else {
            Some(node.span)
        }
    }

    /// The deepest existing node along `path`, so a missing key still points somewhere close.
    pub fn locate_nearest(&self, path: &YamlPath, key_span: bool) -> Span {
        let mut p = path.clone();
        loop {
            if let Some(span) = self.locate(&p, key_span) {
                return span;
            }
            if p.0.pop().is_none() {
                return self.span;
            }
        }
    }
}

/// Parses one YAML document. Syntax errors stop parsing; duplicate keys are reported and the
/// first occurrence wins, so every later layer still sees a usable tree.
pub fn parse(file: &SourceFile) -> Parsed {
    let mut builder = Builder::new(file);
    let result = builder.run();
    let mut diagnostics = builder.diagnostics;
    match result {
        Ok(root) => Parsed { root, diagnostics },
        Err(e) => {
            diagnostics.push(*e);
            Parsed {
                root: None,
                diagnostics,
            }
        }
    }
}

enum Frame {
    Seq {
        start: Span,
        items: Vec<Node>,
        anchor: usize,
    },
    Map {
        start: Span,
        entries: Vec<MapEntry>,
        pending_key: Option<(String, Span)>,
        anchor: usize,
    },
}

struct Builder<'a> {
    file: &'a SourceFile,
    /// Byte offset of each character index; empty when the text is ASCII (identity).
    char_bytes: Vec<usize>,
    anchors: HashMap<usize, Node>,
    node_count: usize,
    diagnostics: Vec<Diagnostic>,
}

impl<'a> Builder<'a> {
    fn new(file: &'a SourceFile) -> Self {
        let text = file.text();
        let char_bytes = if text.is_ascii() {
            Vec::new()
        } else {
            text.char_indices()
                .map(|(b, _)| b)
                .chain(std::iter::once(text.len()))
                .collect()
        };
        Builder {
            file,
            char_bytes,
            anchors: HashMap::new(),
            node_count: 0,
            diagnostics: Vec::new(),
        }
    }

    fn byte(&self, char_index: usize) -> usize {
        if self.char_bytes.is_empty() {
            char_index.min(self.file.text().len())
        } else {
            self.char_bytes
                .get(char_index)
                .copied()
                .unwrap_or(self.file.text().len())
        }
    }

    fn span(&self, s: &saphyr_parser::Span) -> Span {
        Span::new(self.byte(s.start.index()), self.byte(s.end.index()))
    }

    fn syntax_error(&self, e: &ScanError) -> Diagnostic {
        super::syntax::syntax_diagnostic(self.file.text(), self.byte(e.marker().index()), e.info())
    }

    fn run(&mut self) -> Result<Option<Node>, Box<Diagnostic>> {
        let text = self.file.text();
        let mut parser = Parser::new_from_str(text);
        let mut stack: Vec<Frame> = Vec::new();
        let mut root: Option<Node> = None;
        let mut documents = 0usize;
        while let Some(item) = parser.next_event() {
            let (event, raw_span) = item.map_err(|e| Box::new(self.syntax_error(&e)))?;
            let span = self.span(&raw_span);
            let finished: Option<Node> = match event {
                Event::StreamStart | Event::StreamEnd | Event::Nothing | Event::DocumentEnd => None,
                Event::DocumentStart(_) => {
                    documents += 1;
                    if documents > 1 {
                        return Err(Box::new(Diagnostic::error(super::YAML_SYNTAX, "a spec holds exactly one YAML document")
                            .with_span(span)
                            .with_help("remove the `---` separator and everything after it, or merge the documents")));
                    }
                    None
                }
                Event::Alias(id) => {
                    let Some(node) = self.anchors.get(&id).cloned() else {
                        return Err(Box::new(
                            Diagnostic::error(
                                super::YAML_SYNTAX,
                                "alias refers to an anchor that is not defined",
                            )
                            .with_span(span)
                            .with_help("define the anchor (`&name`) before using it (`*name`)"),
                        ));
                    };
                    self.count(span, weight(&node))?;
                    Some(Node {
                        kind: node.kind,
                        span,
                    })
                }
                Event::Scalar(value, style, anchor, _tag) => {
                    self.count(span, 1)?;
                    let style = match style {
                        SaphyrStyle::Plain => ScalarStyle::Plain,
                        SaphyrStyle::SingleQuoted | SaphyrStyle::DoubleQuoted => {
                            ScalarStyle::Quoted
                        }
                        _ => ScalarStyle::Block,
                    };
                    let node = Node {
                        kind: NodeKind::Scalar {
                            value: Cow::into_owned(value),
                            style,
                        },
                        span,
                    };
                    if anchor > 0 {
                        self.anchors.insert(anchor, node.clone());
                    }
                    Some(node)
                }
                Event::SequenceStart(anchor, _) => {
                    self.depth_check(&stack, span)?;
                    stack.push(Frame::Seq {
                        start: span,
                        items: Vec::new(),
                        anchor,
                    });
                    None
                }
                Event::MappingStart(anchor, _) => {
                    self.depth_check(&stack, span)?;
                    stack.push(Frame::Map {
                        start: span,
                        entries: Vec::new(),
                        pending_key: None,
                        anchor,
                    });
                    None
                }
                Event::SequenceEnd | Event::MappingEnd => {
                    let (start, kind, anchor) = match (stack.pop(), &event) {
                        (
                            Some(Frame::Seq {
                                start,
                                items,
                                anchor,
                            }),
                            Event::SequenceEnd,
                        ) => (start, NodeKind::Seq(items), anchor),
                        (
                            Some(Frame::Map {
                                start,
                                entries,
                                anchor,
                                ..
                            }),
                            Event::MappingEnd,
                        ) => (start, NodeKind::Map(entries), anchor),
                        _ => {
                            return Err(Box::new(
                                Diagnostic::error(super::YAML_SYNTAX, "unbalanced collection")
                                    .with_span(span),
                            ))
                        }
                    };
                    self.count(span, 1)?;
                    let node = Node {
                        kind,
                        span: Span::new(start.start, span.end.max(start.end)),
                    };
                    if anchor > 0 {
                        self.anchors.insert(anchor, node.clone());
                    }
                    Some(node)
                }
            };
            if let Some(node) = finished {
                self.attach(&mut stack, &mut root, node);
            }
        }
        Ok(root)
    }

    fn count(&mut self, span: Span, n: usize) -> Result<(), Box<Diagnostic>> {
        self.node_count = self.node_count.saturating_add(n);
        if self.node_count > MAX_NODES {
            return Err(Box::new(
                Diagnostic::error(
                    super::YAML_SYNTAX,
                    "document is too large after expanding aliases",
                )
                .with_span(span)
                .with_help(format!(
                    "a spec may hold at most {MAX_NODES} nodes; avoid nesting aliases"
                )),
            ));
        }
        Ok(())
    }

    fn depth_check(&self, stack: &[Frame], span: Span) -> Result<(), Box<Diagnostic>> {
        if stack.len() >= MAX_DEPTH {
            return Err(Box::new(
                Diagnostic::error(super::YAML_SYNTAX, "document is nested too deeply")
                    .with_span(span)
                    .with_help(format!("a spec may nest at most {MAX_DEPTH} levels")),
            ));
        }
        Ok(())
    }

    fn attach(&mut self, stack: &mut [Frame], root: &mut Option<Node>, node: Node) {
        match stack.last_mut() {
            None => *root = Some(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map {
                entries,
                pending_key,
                ..
            }) => match pending_key.take() {
                None => {
                    let key = match &node.kind {
                        NodeKind::Scalar { value, .. } => value.clone(),
                        _ => {
                            self.diagnostics.push(
                                Diagnostic::error(
                                    super::YAML_KEY,
                                    "mapping keys must be plain text, not a list or mapping",
                                )
                                .with_span(node.span)
                                .with_help("write the key as a simple word such as `name:`"),
                            );
                            format!("\u{0}complex@{}", node.span.start)
                        }
                    };
                    *pending_key = Some((key, node.span));
                }
                Some((key, key_span)) => {
                    if let Some(first) = entries.iter().find(|e| e.key == key) {
                        let (line, col) = self.file.line_col(first.key_span.start);
                        self.diagnostics.push(
                            Diagnostic::error(super::DUPLICATE_KEY, format!("duplicate key `{key}`"))
                                .with_span(key_span)
                                .with_label("defined again here")
                                .with_help(format!(
                                    "`{key}` is first defined at line {line}, column {col}; remove one of them (YAML readers disagree about which one wins)"
                                )),
                        );
                    } else {
                        entries.push(MapEntry {
                            key,
                            key_span,
                            value: node,
                        });
                    }
                }
            },
        }
    }
}

fn weight(node: &Node) -> usize {
    match &node.kind {
        NodeKind::Scalar { .. } => 1,
        NodeKind::Seq(items) => 1 + items.iter().map(weight).sum::<usize>(),
        NodeKind::Map(entries) => 1 + entries.iter().map(|e| 1 + weight(&e.value)).sum::<usize>(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(s: &str) -> Parsed {
        parse(&SourceFile::new("t.yaml", s))
    }

    #[test]
    fn keeps_spans_and_raw_scalars() {
        let p = parse_str("a:\n  b: 3.10\n  c: 'no'\n");
        let root = p.root.unwrap();
        let b = root.get("a").unwrap().get("b").unwrap();
        assert_eq!(b.as_str(), Some("3.10"));
        assert_eq!(b.span, Span::new(8, 12));
        let span = root.locate(&YamlPath::parse("a.c"), true).unwrap();
        assert_eq!(span.start, 15);
    }

    #[test]
    fn reports_duplicates_and_keeps_first() {
        let p = parse_str("a: 1\nb: 2\na: 3\n");
        assert_eq!(p.diagnostics.len(), 1);
        assert_eq!(p.root.unwrap().get("a").unwrap().as_str(), Some("1"));
    }

    #[test]
    fn alias_bomb_is_refused() {
        let mut s = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..9 {
            let prev = i - 1;
            s.push_str(&format!("a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"));
        }
        let p = parse_str(&s);
        assert!(p.root.is_none());
        assert!(p.diagnostics[0].message.contains("too large"));
    }

    #[test]
    fn syntax_error_is_located() {
        let p = parse_str("a: [1, 2\nb: 3\n");
        assert!(p.root.is_none());
        assert!(p.diagnostics[0].span.is_some());
    }
}
