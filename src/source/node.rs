//! The located YAML tree: every node and mapping key keeps its byte span (`parse.rs` builds
//! it).
//!
//! Scalars keep their raw text and style so that later layers decide how to type them (YAML
//! 1.1 and 1.2 disagree about `no`, `on`, `012`, so the raw text is the only safe truth).

use super::{Span, YamlPath};
use crate::diagnostic::Diagnostic;

/// Mappings up to this size are searched linearly (cheaper than hashing every key).
pub(super) const LINEAR_KEYS: usize = 16;

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
    Map(Mapping),
}

/// A mapping's entries in document order. A large mapping (the `jobs:` of a monorepo) also
/// keeps its entry positions sorted by key, so looking a key up is a binary search rather
/// than a scan: locating every job's steps stays linear in the number of jobs.
#[derive(Debug, Clone, Default)]
pub struct Mapping {
    entries: Vec<MapEntry>,
    /// Positions in `entries` sorted by key; empty for mappings of at most `LINEAR_KEYS`.
    sorted: Box<[u32]>,
}

impl Mapping {
    pub(super) fn new(entries: Vec<MapEntry>) -> Self {
        let sorted = if entries.len() > LINEAR_KEYS {
            let mut order: Vec<u32> = (0..entries.len() as u32).collect();
            order.sort_by(|a, b| entries[*a as usize].key.cmp(&entries[*b as usize].key));
            order.into_boxed_slice()
        } else {
            Box::default()
        };
        Mapping { entries, sorted }
    }

    /// The entry for `key` (keys are unique: duplicates were reported and dropped).
    pub fn find(&self, key: &str) -> Option<&MapEntry> {
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

impl<'a> IntoIterator for &'a Mapping {
    type Item = &'a MapEntry;
    type IntoIter = std::slice::Iter<'a, MapEntry>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter()
    }
}

impl std::ops::Deref for Mapping {
    type Target = [MapEntry];
    fn deref(&self) -> &[MapEntry] {
        &self.entries
    }
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
