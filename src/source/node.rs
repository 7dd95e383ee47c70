//! The located YAML tree: every node and mapping key keeps its byte span (`parse.rs` builds
//! it).
//!
//! Scalars keep their raw text and style so that later layers decide how to type them (YAML
//! 1.1 and 1.2 disagree about `no`, `on`, `012`, so the raw text is the only safe truth).
//!
//! The tree is kept small, as a big spec's tree is held while the typed spec is built and
//! checked: text borrowed from the spec (`text.rs`), spans as two `u32`, collections boxed
//! at their exact length.

use super::{Span, Text, YamlPath};
use crate::diagnostic::Diagnostic;

/// Mappings up to this size are searched linearly (cheaper than hashing every key).
pub(super) const LINEAR_KEYS: usize = 16;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScalarStyle {
    Plain,
    Quoted,
    Block,
}

/// A byte range of the spec as the tree stores it (`parse` refuses texts beyond `u32`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Range {
    start: u32,
    end: u32,
}

impl From<Span> for Range {
    fn from(s: Span) -> Self {
        let at = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Range {
            start: at(s.start),
            end: at(s.end),
        }
    }
}

impl From<Range> for Span {
    fn from(r: Range) -> Self {
        Span::new(r.start as usize, r.end as usize)
    }
}

#[derive(Debug, Clone)]
pub struct MapEntry<'t> {
    pub key: Text<'t>,
    key_range: Range,
    pub value: Node<'t>,
}

impl<'t> MapEntry<'t> {
    pub(super) fn new(key: Text<'t>, key_span: Span, value: Node<'t>) -> Self {
        MapEntry {
            key,
            key_range: key_span.into(),
            value,
        }
    }

    pub fn key_span(&self) -> Span {
        self.key_range.into()
    }
}

#[derive(Debug, Clone)]
pub enum NodeKind<'t> {
    Scalar { value: Text<'t>, style: ScalarStyle },
    Seq(Box<[Node<'t>]>),
    Map(Mapping<'t>),
}

/// A mapping's entries in document order. A large mapping (the `jobs:` of a monorepo) also
/// keeps its entry positions sorted by key, so looking a key up is a binary search rather
/// than a scan: locating every job's steps stays linear in the number of jobs.
#[derive(Debug, Clone, Default)]
pub struct Mapping<'t> {
    entries: Box<[MapEntry<'t>]>,
    /// Positions in `entries` sorted by key; empty for mappings of at most `LINEAR_KEYS`.
    sorted: Box<[u32]>,
}

impl<'t> Mapping<'t> {
    pub(super) fn new(entries: Vec<MapEntry<'t>>) -> Self {
        let sorted = if entries.len() > LINEAR_KEYS {
            let mut order: Vec<u32> = (0..entries.len() as u32).collect();
            order.sort_by(|a, b| entries[*a as usize].key.cmp(&entries[*b as usize].key));
            order.into_boxed_slice()
        } else {
            Box::default()
        };
        Mapping {
            entries: entries.into_boxed_slice(),
            sorted,
        }
    }

    /// The entry for `key` (keys are unique: duplicates were reported and dropped).
    pub fn find(&self, key: &str) -> Option<&MapEntry<'t>> {
        if self.sorted.is_empty() {
            return self.entries.iter().find(|e| e.key == key);
        }
        let i = self
            .sorted
            .binary_search_by(|i| self.entries[*i as usize].key.as_str().cmp(key))
            .ok()?;
        Some(&self.entries[self.sorted[i] as usize])
    }
}

impl<'a, 't> IntoIterator for &'a Mapping<'t> {
    type Item = &'a MapEntry<'t>;
    type IntoIter = std::slice::Iter<'a, MapEntry<'t>>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter()
    }
}

impl<'t> std::ops::Deref for Mapping<'t> {
    type Target = [MapEntry<'t>];
    fn deref(&self) -> &[MapEntry<'t>] {
        &self.entries
    }
}

/// A node of the tree, borrowing from the spec's text (`'t`).
#[derive(Debug, Clone)]
pub struct Node<'t> {
    pub kind: NodeKind<'t>,
    range: Range,
}

/// Result of parsing: the tree when the syntax was readable, plus every problem found.
#[derive(Debug)]
pub struct Parsed<'t> {
    pub root: Option<Node<'t>>,
    pub diagnostics: Vec<Diagnostic>,
}

impl<'t> Node<'t> {
    pub(super) fn new(kind: NodeKind<'t>, span: Span) -> Self {
        Node {
            kind,
            range: span.into(),
        }
    }

    /// Where the node is in the spec's text.
    pub fn span(&self) -> Span {
        self.range.into()
    }

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

    pub fn get(&self, key: &str) -> Option<&Node<'t>> {
        match &self.kind {
            NodeKind::Map(entries) => entries.find(key).map(|e| &e.value),
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
                    let e = entries.find(k)?;
                    last_key = Some(e.key_span());
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
            last_key.or(Some(node.span()))
        } else {
            Some(node.span())
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
                return self.span();
            }
        }
    }
}
