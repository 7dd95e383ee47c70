//! Help texts for shape errors: where a misplaced key belongs, what other CI systems call a
//! key, and how to write a value that is out of range or missing.

use super::json::Json;

/// Where else in the spec `key` is a known key, for a key written at the wrong level.
pub(super) fn belongs_elsewhere(schema_root: &Json, key: &str, at_root: bool) -> Option<String> {
    const PLACES: &[(&str, &str)] = &[
        ("Job", "in a job (`jobs.<name>`)"),
        ("Step", "in a step (`- run: ...`)"),
        ("When", "under `when:`"),
        ("Retry", "under `retry:`"),
        ("Service", "in a service (`services.<name>`)"),
        ("Setup", "under `setup:`"),
        ("Triggers", "under `triggers:`"),
        ("Targets", "under `targets:`"),
        (
            "WorkflowTarget",
            "under `targets.github` or `targets.forgejo`",
        ),
        ("GitlabTarget", "under `targets.gitlab`"),
    ];
    let defs = schema_root.get("definitions")?;
    let mut places: Vec<&str> = PLACES
        .iter()
        .filter(|(def, _)| {
            defs.get(def)
                .and_then(|d| d.get("properties"))
                .is_some_and(|p| p.get(key).is_some())
        })
        .map(|(_, place)| *place)
        .collect();
    if !at_root
        && schema_root
            .get("properties")
            .is_some_and(|p| p.get(key).is_some())
    {
        places.insert(0, "at the top level of the spec");
    }
    (!places.is_empty()).then(|| places.join(" or "))
}

/// A key that reads like a command or sentence rather than a key (`curl -H "Authorization`).
pub(super) fn looks_like_text(key: &str) -> bool {
    key.contains(' ') || key.contains('"') || key.contains('$')
}

/// Hints for keys that other CI systems use, where edit distance finds nothing.
pub(super) fn foreign_key_hint(key: &str) -> Option<String> {
    let hint = match key {
        "stages" | "stage" => "cigen has no stages: jobs run in the order their `needs` give",
        "on" => "events that start the pipeline go under `triggers:`",
        "depends_on" | "dependencies" | "requires" | "after" => "jobs wait for others with `needs: [job]`",
        "script" | "command" | "commands" | "cmd" => "commands go under `steps:` (or `run:` inside a step)",
        "if" | "only" | "except" | "rules" | "condition" => "conditions go under `when:` (changed, branch, event, ci, provider)",
        "timeout-minutes" | "timeout_minutes" | "timeout_in_minutes" => "write `timeout: 10m`",
        "variables" | "environment_variables" | "environment" | "enviroment" | "environ" => "environment variables go under `env:`",
        "uses" => "actions run only as remote setup, under `targets.github.setup.<job>`",
        "image" => "a job's image goes under `runs-on: { image: ... }`; the default under `targets.gitlab.image`",
        _ => return None,
    };
    Some(hint.to_string())
}

/// Help for an out-of-range number.
pub(super) fn range_help(field: Option<&str>, range: &str) -> String {
    match field {
        Some("version") => "write `version: 1`".into(),
        Some("attempts" | "retry") => {
            "attempts count every run including the first: `1` means no retry, `3` two retries"
                .into()
        }
        Some(f) => format!("`{f}` must be {range}"),
        None => format!("use a value {range}"),
    }
}

pub(super) fn required_help(key: &str) -> String {
    match key {
        "version" => "add `version: 1` at the top of the spec".into(),
        "jobs" => "add a `jobs:` mapping with at least one job".into(),
        "run" => "a step needs a command: `run: make test`".into(),
        "image" => "a service needs a container image: `image: postgres:17`".into(),
        "attempts" => "say how many attempts in total: `attempts: 3`".into(),
        other => format!("add `{other}:`"),
    }
}
