//! Editors show the help of the key under the cursor, not of its type. A language server
//! (yaml-language-server, VS Code's JSON service) takes the first description among the
//! schemas a value matches, deepest first: for `timeout: 15m` that is the `Duration`
//! definition's generic text, reached through the `$ref` of the property's `anyOf` branch,
//! before the property's own "Time limit for the whole job". Putting the property's
//! description on the schema that holds the `$ref` fixes that: resolving a `$ref` keeps the
//! referring schema's own keys, so the match carries the field's text.

use serde_json::Value;

/// Copies each property's description onto the `$ref`-holding schemas under it (the property
/// itself, its `anyOf`/`oneOf`/`allOf` branches), everywhere in `schema`.
pub(super) fn apply(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            if let Some(Value::Object(props)) = map.get_mut("properties") {
                for prop in props.values_mut() {
                    if let Some(text) = prop.get("description").and_then(Value::as_str) {
                        let text = text.to_string();
                        label_refs(prop, &text);
                    }
                }
            }
            for v in map.values_mut() {
                apply(v);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(apply),
        _ => {}
    }
}

/// Gives every schema that holds a `$ref` in `prop` (itself or a branch, recursively through
/// combinators) the description `text`, unless it already has one.
fn label_refs(prop: &mut Value, text: &str) {
    let Value::Object(map) = prop else { return };
    if map.contains_key("$ref") && !map.contains_key("description") {
        map.insert("description".into(), Value::String(text.into()));
    }
    for key in ["anyOf", "oneOf", "allOf"] {
        if let Some(Value::Array(branches)) = map.get_mut(key) {
            for b in branches {
                label_refs(b, text);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn ref_branches_carry_the_field_text() {
        let mut s = json!({
            "properties": {
                "timeout": {
                    "description": "Time limit for the job.",
                    "anyOf": [{ "$ref": "#/definitions/Duration" }, { "type": "null" }]
                },
                "plain": { "description": "Text.", "type": "string" }
            },
            "definitions": {
                "Duration": { "description": "A duration.", "type": "string" },
                "Step": { "properties": { "timeout": {
                    "description": "Time limit for the step.",
                    "allOf": [{ "$ref": "#/definitions/Duration" }]
                } } }
            }
        });
        super::apply(&mut s);
        assert_eq!(
            s["properties"]["timeout"]["anyOf"][0]["description"],
            "Time limit for the job."
        );
        assert_eq!(
            s["properties"]["timeout"]["anyOf"][1].get("description"),
            None
        );
        assert_eq!(s["definitions"]["Duration"]["description"], "A duration.");
        assert_eq!(
            s["definitions"]["Step"]["properties"]["timeout"]["allOf"][0]["description"],
            "Time limit for the step."
        );
    }
}
