//! The spec's JSON Schema, generated from the serde types (and committed in `schema/`).

use std::sync::OnceLock;

use crate::spec::Spec;

/// The schema as a JSON value (generated once per process).
pub fn schema_json() -> &'static serde_json::Value {
    static SCHEMA: OnceLock<serde_json::Value> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let schema = schemars::generate::SchemaSettings::draft07()
            .into_generator()
            .into_root_schema_for::<Spec>();
        let mut value = serde_json::to_value(schema).unwrap_or_default();
        super::field_help::apply(&mut value);
        value
    })
}

/// The schema as committed in `schema/cigen.schema.json`: pretty JSON with a trailing newline.
pub fn schema_text() -> String {
    serde_json::to_string_pretty(schema_json()).unwrap_or_default() + "\n"
}
