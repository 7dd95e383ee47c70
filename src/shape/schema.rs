//! The spec's JSON Schema, generated from the serde types (and committed in `schema/`).

use std::sync::OnceLock;

use crate::spec::Spec;

/// `schema/cigen.schema.json` as committed; the tests keep it equal to the generated schema.
#[cfg_attr(debug_assertions, allow(dead_code))]
const COMMITTED: &str = include_str!("../../schema/cigen.schema.json");

/// The schema as a JSON value (once per process).
///
/// Release builds parse the committed schema: generating it from the types took about half a
/// millisecond per start, a fifth of a small `cigen run`. Debug builds (the tests, and anyone
/// changing the spec types) generate it, so a change is seen at once, and the committed file
/// is checked against it (`committed_schema_is_the_generated_one` and the `schema` CLI test).
pub fn schema_json() -> &'static serde_json::Value {
    static SCHEMA: OnceLock<serde_json::Value> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        #[cfg(not(debug_assertions))]
        if let Ok(v) = serde_json::from_str(COMMITTED) {
            return v;
        }
        generated()
    })
}

fn generated() -> serde_json::Value {
    let schema = schemars::generate::SchemaSettings::draft07()
        .into_generator()
        .into_root_schema_for::<Spec>();
    let mut value = serde_json::to_value(schema).unwrap_or_default();
    super::field_help::apply(&mut value);
    value
}

/// The schema as committed in `schema/cigen.schema.json`: pretty JSON with a trailing newline.
pub fn schema_text() -> String {
    serde_json::to_string_pretty(&generated()).unwrap_or_default() + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn committed_schema_is_the_generated_one() {
        let committed: serde_json::Value = serde_json::from_str(COMMITTED).unwrap();
        assert!(
            committed == generated(),
            "schema/cigen.schema.json is stale: run `cargo run -- schema > schema/cigen.schema.json`"
        );
    }
}
