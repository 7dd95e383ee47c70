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

#[cfg_attr(not(any(debug_assertions, test)), allow(dead_code))]
fn generated() -> serde_json::Value {
    let schema = schemars::generate::SchemaSettings::draft07()
        .into_generator()
        .into_root_schema_for::<Spec>();
    let mut value = serde_json::to_value(schema).unwrap_or_default();
    super::field_help::apply(&mut value);
    value
}

/// The schema as committed in `schema/cigen.schema.json`: pretty JSON with a trailing newline.
///
/// Release builds print the committed file, as their shape walk follows it (`schema`), so
/// the schema generator (schemars and a `JsonSchema` impl per spec type, about 0.4 MB of
/// code) is not linked into them; debug builds generate it, and the tests above and the
/// `schema` CLI test keep the two equal.
pub fn schema_text() -> String {
    #[cfg(not(debug_assertions))]
    return include_str!("../../schema/cigen.schema.json").to_string();
    #[cfg(debug_assertions)]
    {
        serde_json::to_string_pretty(&generated()).unwrap_or_default() + "\n"
    }
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
