//! Spec source text and the located YAML tree every later layer reads.

mod file;
mod node;
mod parse;
mod path;
mod syntax;
mod text;

pub use file::{SourceFile, Span};
pub use node::{MapEntry, Mapping, Node, NodeKind, Parsed, ScalarStyle};
pub use parse::parse;
pub use path::{PathSegment, YamlPath};
pub use text::Text;

use crate::diagnostic::Code;

/// The text is not valid YAML (or too deep, or too large after expanding aliases).
pub const YAML_SYNTAX: Code = Code::new("yaml-syntax");
/// A mapping key is a collection.
pub const YAML_KEY: Code = Code::new("yaml-key");
/// A key appears twice in one mapping.
pub const DUPLICATE_KEY: Code = Code::new("duplicate-key");

/// The codes reading YAML can report.
pub const CODES: &[Code] = &[YAML_SYNTAX, YAML_KEY, DUPLICATE_KEY];
