//! The spec's JSON Schema, generated from the serde types (and committed in `schema/`).

use super::json::Json;
use crate::spec::Spec;

/// The schema the shape walk follows.
///
/// Release builds use the committed schema as `build.rs` laid it out: generating it from the
/// types took about half a millisecond per start, and parsing the committed JSON about as
/// much (half the instructions of a small `cigen run --dry-run`). Debug builds (the tests,
/// and anyone changing the spec types) generate it once per process, so a change is seen at
/// once, and the committed file is checked against it (`committed_schema_is_the_generated_one`
/// and the `schema` CLI test).
pub fn schema() -> &'static Json {
    #[cfg(not(debug_assertions))]
    return &super::json::committed::COMMITTED;
    #[cfg(debug_assertions)]
    {
        static SCHEMA: std::sync::OnceLock<Json> = std::sync::OnceLock::new();
        SCHEMA.get_or_init(|| Json::leak(&generated()))
    }
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
        let committed: serde_json::Value =
            serde_json::from_str(include_str!("../../schema/cigen.schema.json")).unwrap();
        assert!(
            committed == generated(),
            "schema/cigen.schema.json is stale: run `cargo run -- schema > schema/cigen.schema.json`"
        );
    }
}
