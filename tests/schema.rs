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

/// What an editor shows on hover for `key` of the definition `def` (root when `None`): the
/// first description among the schemas the value matches, deepest first, as the
/// yaml-language-server and VS Code's JSON service pick it. A `$ref` keeps the referring
/// schema's own description, so a `$ref` branch with one shows it, not the definition's.
fn hover(schema: &serde_json::Value, def: Option<&str>, key: &str) -> String {
    let owner = match def {
        Some(d) => &schema["definitions"][d],
        None => schema,
    };
    let prop = &owner["properties"][key];
    let branch = prop["anyOf"]
        .as_array()
        .or(prop["allOf"].as_array())
        .and_then(|b| b.iter().find(|b| b.get("$ref").is_some()));
    let deepest = match (branch, prop.get("$ref")) {
        (Some(b), _) => b,
        (None, Some(_)) => prop,
        (None, None) => return prop["description"].as_str().unwrap_or("").to_string(),
    };
    match deepest.get("description") {
        Some(d) => d.as_str().unwrap_or("").to_string(),
        None => {
            let name = deepest["$ref"]
                .as_str()
                .unwrap_or("")
                .rsplit('/')
                .next()
                .unwrap_or("");
            schema["definitions"][name]["description"]
                .as_str()
                .unwrap_or("")
                .to_string()
        }
    }
}

#[test]
fn hovering_a_key_shows_that_key_s_help() {
    let schema = committed_schema();
    // Every property's hover is its own description, not its type's (a `Duration`'s generic
    // "a duration: ..." on a job's `timeout`).
    let mut wrong = Vec::new();
    let mut defs: Vec<Option<&str>> = vec![None];
    let names: Vec<String> = schema["definitions"]
        .as_object()
        .expect("definitions")
        .keys()
        .cloned()
        .collect();
    defs.extend(names.iter().map(|n| Some(n.as_str())));
    for def in defs {
        let owner = match def {
            Some(d) => &schema["definitions"][d],
            None => &schema,
        };
        for (key, prop) in owner["properties"].as_object().into_iter().flatten() {
            let own = prop["description"].as_str().unwrap_or("");
            if hover(&schema, def, key) != own {
                wrong.push(format!("{}.{key}", def.unwrap_or("(root)")));
            }
        }
    }
    assert!(wrong.is_empty(), "hover shows another text for: {wrong:?}");
    assert!(hover(&schema, Some("Job"), "timeout").starts_with("Time limit for the whole job"));
    assert!(hover(&schema, Some("Step"), "timeout").starts_with("Time limit for this step alone"));
    assert!(hover(&schema, Some("Retry"), "delay").starts_with("Wait before the second attempt"));
}

#[test]
fn the_schema_states_the_limits_check_enforces() {
    let validator = jsonschema::draft7::new(&committed_schema()).expect("schema compiles");
    let spec = |extra: &str| -> serde_json::Value {
        serde_yaml::from_str(&format!("version: 1\njobs:\n  a:\n    steps: [x]\n{extra}"))
            .expect("yaml")
    };
    for bad in [
        "    timeout: 0s\n",
        "    timeout: 0m0s\n",
        "    retry: 0\n",
        "    retry: { attempts: 0 }\n",
        "    services: { db: { image: postgres, health_timeout: 0ms } }\n",
    ] {
        assert!(!validator.is_valid(&spec(bad)), "schema accepted: {bad}");
    }
    for good in [
        "    timeout: 10s\n",
        "    retry: { attempts: 1, delay: 0s }\n",
        "    timeout: ~\n",
    ] {
        assert!(validator.is_valid(&spec(good)), "schema refused: {good}");
    }
    let v2: serde_json::Value =
        serde_yaml::from_str("version: 2\njobs: { a: { steps: [x] } }").expect("yaml");
    assert!(!validator.is_valid(&v2), "version 2 accepted");
    let schema = committed_schema();
    assert_eq!(schema["properties"]["version"]["const"], 1);
    // A stable `$id` for SchemaStore and `yaml-language-server: $schema=` lines.
    assert_eq!(schema["$id"], "https://cigen.dev/schema/cigen.schema.json");
}
