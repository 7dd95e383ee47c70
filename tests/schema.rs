//! The committed JSON Schema: every field documented for editors, and every example valid
//! against it under a real JSON Schema validator.

use crate::test::repo_root;

fn committed_schema() -> serde_json::Value {
    let text = std::fs::read_to_string(repo_root().join("schema/cigen.schema.json"))
        .expect("schema/cigen.schema.json");
    serde_json::from_str(&text).expect("schema is JSON")
}

/// Every `properties` entry and every definition, anywhere in the schema, with its JSON pointer.
fn undocumented(node: &serde_json::Value, pointer: &str, out: &mut Vec<String>) {
    match node {
        serde_json::Value::Object(map) => {
            if let Some(serde_json::Value::Object(props)) = map.get("properties") {
                for (k, v) in props {
                    if v.get("description")
                        .and_then(|d| d.as_str())
                        .is_none_or(|d| d.trim().is_empty())
                    {
                        out.push(format!("{pointer}/properties/{k}"));
                    }
                }
            }
            for (k, v) in map {
                undocumented(v, &format!("{pointer}/{k}"), out);
            }
        }
        serde_json::Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                undocumented(v, &format!("{pointer}/{i}"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn every_property_has_a_description() {
    let schema = committed_schema();
    let mut missing = Vec::new();
    undocumented(&schema, "", &mut missing);
    if let Some(defs) = schema.get("definitions").and_then(|d| d.as_object()) {
        for (name, def) in defs {
            if def.get("description").is_none() {
                missing.push(format!("/definitions/{name}"));
            }
        }
    }
    assert!(
        schema
            .get("properties")
            .and_then(|p| p.as_object())
            .is_some_and(|p| p.len() > 5),
        "schema has no properties"
    );
    assert!(
        missing.is_empty(),
        "undocumented schema entries (add a doc comment to the spec type):\n{}",
        missing.join("\n")
    );
}

pub fn example_specs() -> Vec<std::path::PathBuf> {
    let mut out: Vec<_> = std::fs::read_dir(repo_root().join("examples"))
        .expect("examples/")
        .filter_map(|e| e.ok())
        .map(|e| e.path().join("cigen.yaml"))
        .filter(|p| p.is_file())
        .collect();
    out.sort();
    out
}

#[test]
fn every_example_validates_against_the_committed_schema() {
    let schema = committed_schema();
    let validator = jsonschema::draft7::new(&schema).expect("schema compiles");
    let examples = example_specs();
    assert!(
        examples.len() >= 4,
        "expected at least four examples, found {examples:?}"
    );
    for path in examples {
        let text = std::fs::read_to_string(&path).expect("read example");
        assert!(
            text.starts_with("# yaml-language-server: $schema=../../schema/cigen.schema.json\n"),
            "{}: first line must point editors at the schema",
            path.display()
        );
        let value: serde_json::Value = serde_yaml::from_str(&text).expect("example is YAML");
        let errors: Vec<String> = validator
            .iter_errors(&value)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "{} does not match the schema:\n{}",
            path.display(),
            errors.join("\n")
        );
    }
}

#[test]
fn the_validator_rejects_what_cigen_rejects() {
    // Guards the test above: a validator that accepted everything would pass it too.
    let validator = jsonschema::draft7::new(&committed_schema()).expect("schema compiles");
    for bad in [
        "jobs: { a: { steps: [x] } }",
        "version: 1\njobs: { a: { nedes: [b], steps: [x] } }",
        "version: 1\njobs: { a: { steps: [x], retry: { attempts: 2, backoff: linear } } }",
        "version: 1\njobs: { a: { steps: [x] } }\nstages: [a]",
    ] {
        let value: serde_json::Value = serde_yaml::from_str(bad).expect("yaml");
        assert!(!validator.is_valid(&value), "schema accepted: {bad}");
    }
    let ok: serde_json::Value =
        serde_yaml::from_str("version: 1\nx-anchors: { a: 1 }\njobs: { a: { steps: [x] } }")
            .expect("yaml");
    assert!(
        validator.is_valid(&ok),
        "x- extension keys are allowed at the top level"
    );
}
