//! Shape checking: the located YAML tree against the spec's JSON Schema.

mod field_help;
mod foreign;
mod hints;
mod json;
mod schema;
mod walk;

pub use json::Json;
pub use schema::{schema, schema_text};
pub use walk::{to_json, Stream, Walked};

use crate::diagnostic::Code;

pub const UNKNOWN_KEY: Code = Code::new("unknown-key");
pub const UNQUOTED_COLON: Code = Code::new("unquoted-colon");
pub const MISSING_KEY: Code = Code::new("missing-key");
pub const WRONG_TYPE: Code = Code::new("wrong-type");
pub const INVALID_VALUE: Code = Code::new("invalid-value");
pub const OUT_OF_RANGE: Code = Code::new("out-of-range");
pub const ACTION_STEP: Code = Code::new("action-step");
pub const MISINDENTED_KEY: Code = Code::new("misindented-key");

/// The codes the shape check reports itself; typed values add `spec::format::CODES`.
pub const CODES: &[Code] = &[
    UNKNOWN_KEY,
    UNQUOTED_COLON,
    MISSING_KEY,
    WRONG_TYPE,
    INVALID_VALUE,
    OUT_OF_RANGE,
    ACTION_STEP,
    MISINDENTED_KEY,
];
