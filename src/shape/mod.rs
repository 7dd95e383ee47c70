//! Shape checking: the located YAML tree against the spec's JSON Schema.

mod foreign;
mod hints;
mod schema;
mod walk;

pub use schema::{schema_json, schema_text};
pub use walk::{to_json, Walked};
