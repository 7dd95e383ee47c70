//! Builds the located tree (`node.rs`) from saphyr's event parser instead of a serde
//! `Value`, because serde loses positions and silently drops duplicate keys; here both
//! survive for diagnostics. Aliases, size and depth are bounded against hostile documents.

use std::borrow::Cow;
use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle as SaphyrStyle, ScanError};

use super::node::{MapEntry, Mapping, Node, NodeKind, Parsed, ScalarStyle, LINEAR_KEYS};
use super::{SourceFile, Span, Text};
use crate::diagnostic::Diagnostic;

/// Alias expansion budget (nodes copied in by `*alias`): defeats "billion laughs" documents.
/// Only expansion counts, so a big spec without aliases is never blamed on them.
const MAX_ALIAS_NODES: usize = 200_000;
/// Size limit for the whole tree (about 170,000 jobs of a typical spec): bounds memory on a
/// document that is simply huge, with a message that says so.
const MAX_NODES: usize = 2_000_000;
/// Nesting limit: keeps recursion in later layers bounded on hostile input.
const MAX_DEPTH: usize = 128;

/// Parses one YAML document. Syntax errors stop parsing; duplicate keys are reported and the
/// first occurrence wins, so every later layer still sees a usable tree.
pub fn parse(file: &SourceFile) -> Parsed<'_> {
    if u32::try_from(file.text().len()).is_err() {
        // The tree keeps spans as `u32` (node.rs): a spec of 4 GiB is no spec.
        let d = Diagnostic::error(super::YAML_SYNTAX, "the spec is too large (over 4 GiB)")
            .with_span(Span::new(0, 0))
            .with_help("split the pipeline, or generate the spec from smaller parts");
        return Parsed {
            root: None,
            diagnostics: vec![d],
        };
    }
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

enum Frame<'t> {
    Seq {
        start: Span,
        items: Vec<Node<'t>>,
        anchor: usize,
    },
    Map {
        start: Span,
        entries: Vec<MapEntry<'t>>,
        /// Key → position in `entries`, built once a mapping outgrows a short linear scan,
        /// so duplicate detection stays linear on mappings of thousands of jobs.
        index: HashMap<Text<'t>, usize>,
        pending_key: Option<(Text<'t>, Span)>,
        anchor: usize,
    },
}

/// Position of `key` among `entries`, through `index` once the mapping is large.
fn find_key<'t>(
    entries: &[MapEntry<'t>],
    index: &mut HashMap<Text<'t>, usize>,
    key: &str,
) -> Option<usize> {
    if entries.len() <= LINEAR_KEYS {
        return entries.iter().position(|e| e.key == key);
    }
    if index.is_empty() {
        for (i, e) in entries.iter().enumerate() {
            index.entry(e.key.clone()).or_insert(i);
        }
    }
    index.get(key).copied()
}

struct Builder<'a> {
    file: &'a SourceFile,
    /// Byte offset of each character index; empty when the text is ASCII (identity).
    char_bytes: Vec<usize>,
    anchors: HashMap<usize, Node<'a>>,
    node_count: usize,
    /// `MAX_NODES`, lowered by tests.
    max_nodes: usize,
    alias_nodes: usize,
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
            max_nodes: MAX_NODES,
            alias_nodes: 0,
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

    fn run(&mut self) -> Result<Option<Node<'a>>, Box<Diagnostic>> {
        let text: &'a str = self.file.text();
        let mut parser = Parser::new_from_str(text);
        let mut stack: Vec<Frame> = Vec::new();
        let mut root: Option<Node> = None;
        let mut documents = 0usize;
        while let Some(item) = parser.next_event() {
            let (event, raw_span) = item.map_err(|e| Box::new(self.syntax_error(&e)))?;
            let span = self.span(&raw_span);
            let finished: Option<Node<'a>> = match event {
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
                    self.count_alias(span, weight(&node))?;
                    Some(Node::new(node.kind, span))
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
                    let written = text.get(span.start..span.end).unwrap_or("");
                    let value = Text::new(Cow::into_owned(value), written);
                    let node = Node::new(NodeKind::Scalar { value, style }, span);
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
                        index: HashMap::new(),
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
                        ) => (start, NodeKind::Seq(items.into_boxed_slice()), anchor),
                        (
                            Some(Frame::Map {
                                start,
                                entries,
                                anchor,
                                ..
                            }),
                            Event::MappingEnd,
                        ) => (start, NodeKind::Map(Mapping::new(entries)), anchor),
                        _ => {
                            return Err(Box::new(
                                Diagnostic::error(super::YAML_SYNTAX, "unbalanced collection")
                                    .with_span(span),
                            ))
                        }
                    };
                    self.count(span, 1)?;
                    let node = Node::new(kind, Span::new(start.start, span.end.max(start.end)));
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
        if self.node_count > self.max_nodes {
            return Err(Box::new(
                Diagnostic::error(
                    super::YAML_SYNTAX,
                    format!("document is too large: more than {} YAML nodes", self.max_nodes),
                )
                .with_span(span)
                .with_help(format!(
                    "a spec may hold at most {MAX_NODES} values, lists and mappings (about 170,000 jobs of a few lines each)"
                )),
            ));
        }
        Ok(())
    }

    fn count_alias(&mut self, span: Span, n: usize) -> Result<(), Box<Diagnostic>> {
        self.alias_nodes = self.alias_nodes.saturating_add(n);
        if self.alias_nodes > MAX_ALIAS_NODES {
            return Err(Box::new(
                Diagnostic::error(
                    super::YAML_SYNTAX,
                    "document is too large after expanding aliases",
                )
                .with_span(span)
                .with_help(format!(
                    "aliases may copy in at most {MAX_ALIAS_NODES} nodes in all; avoid nesting aliases"
                )),
            ));
        }
        self.count(span, n)
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

    fn attach(&mut self, stack: &mut [Frame<'a>], root: &mut Option<Node<'a>>, node: Node<'a>) {
        match stack.last_mut() {
            None => *root = Some(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map {
                entries,
                index,
                pending_key,
                ..
            }) => match pending_key.take() {
                None => {
                    let span = node.span();
                    let key = match node.kind {
                        NodeKind::Scalar { value, .. } => value,
                        _ => {
                            self.diagnostics.push(
                                Diagnostic::error(
                                    super::YAML_KEY,
                                    "mapping keys must be plain text, not a list or mapping",
                                )
                                .with_span(span)
                                .with_help("write the key as a simple word such as `name:`"),
                            );
                            Text::from(format!("\u{0}complex@{}", span.start).as_str())
                        }
                    };
                    *pending_key = Some((key, span));
                }
                Some((key, key_span)) => {
                    if let Some(first) = find_key(entries, index, &key) {
                        let (line, col) = self.file.line_col(entries[first].key_span().start);
                        self.diagnostics.push(
                            Diagnostic::error(super::DUPLICATE_KEY, format!("duplicate key `{key}`"))
                                .with_span(key_span)
                                .with_label("defined again here")
                                .with_help(format!(
                                    "`{key}` is first defined at line {line}, column {col}; remove one of them (YAML readers disagree about which one wins)"
                                )),
                        );
                    } else {
                        if !index.is_empty() {
                            index.insert(key.clone(), entries.len());
                        }
                        entries.push(MapEntry::new(key, key_span, node));
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
    use crate::source::YamlPath;

    fn file(s: &str) -> SourceFile {
        SourceFile::new("t.yaml", s)
    }

    #[test]
    fn keeps_spans_and_raw_scalars() {
        let f = file("a:\n  b: 3.10\n  c: 'no'\n");
        let p = parse(&f);
        let root = p.root.unwrap();
        let b = root.get("a").unwrap().get("b").unwrap();
        assert_eq!(b.as_str(), Some("3.10"));
        assert_eq!(b.span(), Span::new(8, 12));
        let span = root.locate(&YamlPath::parse("a.c"), true).unwrap();
        assert_eq!(span.start, 15);
    }

    #[test]
    fn reports_duplicates_and_keeps_first() {
        let f = file("a: 1\nb: 2\na: 3\n");
        let p = parse(&f);
        assert_eq!(p.diagnostics.len(), 1);
        assert_eq!(p.root.unwrap().get("a").unwrap().as_str(), Some("1"));

        // Past the linear scan: the index finds duplicates of early and late keys alike.
        let mut s: String = (0..40).map(|i| format!("k{i}: {i}\n")).collect();
        s.push_str("k3: again\nk39: again\n");
        let f = file(&s);
        let p = parse(&f);
        assert_eq!(p.diagnostics.len(), 2);
        assert!(p.diagnostics[0]
            .help
            .as_deref()
            .unwrap()
            .contains("line 4, column 1"));
        assert!(p.diagnostics[1]
            .help
            .as_deref()
            .unwrap()
            .contains("line 40, column 1"));
        let root = p.root.unwrap();
        // Lookups in a large mapping go through its sorted index.
        assert_eq!(root.get("k39").unwrap().as_str(), Some("39"));
        assert_eq!(root.get("k7").unwrap().as_str(), Some("7"));
        assert!(root.get("k40").is_none());
        let at = root.locate(&YamlPath::parse("k20"), true).unwrap();
        assert_eq!(&s[at.start..at.end], "k20");
    }

    #[test]
    fn alias_bomb_is_refused() {
        let mut s = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..9 {
            let prev = i - 1;
            s.push_str(&format!("a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"));
        }
        let f = file(&s);
        let p = parse(&f);
        assert!(p.root.is_none());
        assert!(p.diagnostics[0].message.contains("too large"));
    }

    #[test]
    fn big_document_without_aliases_is_not_blamed_on_them() {
        // More nodes than the alias budget, none of them from an alias.
        let mut s = String::from("jobs:\n");
        for i in 0..MAX_ALIAS_NODES / 4 {
            s.push_str(&format!("  j{i}: {{ steps: [x] }}\n"));
        }
        let f = file(&s);
        let p = parse(&f);
        assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics.first());
        assert!(p.root.is_some());

        let file = SourceFile::new("t.yaml", s);
        let mut b = Builder::new(&file);
        b.max_nodes = 1000;
        let d = b.run().unwrap_err();
        assert_eq!(
            d.message,
            "document is too large: more than 1000 YAML nodes"
        );
    }

    #[test]
    fn syntax_error_is_located() {
        let f = file("a: [1, 2\nb: 3\n");
        let p = parse(&f);
        assert!(p.root.is_none());
        assert!(p.diagnostics[0].span.is_some());
    }
}
