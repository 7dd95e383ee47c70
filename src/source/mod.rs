//! Spec source text and the located YAML tree every later layer reads.

mod file;
mod node;
mod path;
mod syntax;

pub use file::{SourceFile, Span};
pub use node::{parse, MapEntry, Node, NodeKind, Parsed, ScalarStyle};
pub use path::{PathSegment, YamlPath};
