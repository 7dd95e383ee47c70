//! The spec's checked value types (globs, repository paths, durations) built from imported
//! text through their own deserialisers, so an import can never make one that `cigen check`
//! would refuse; text that does not qualify is handed back to be reported.

use serde::de::DeserializeOwned;
use serde_yaml::Value;

use crate::spec::{ArtifactPath, Duration, Glob, OneOrMany, RelPath};

/// `text` as a checked spec value, or why not.
pub(crate) fn parse<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    serde_yaml::from_value(Value::String(text.to_string())).map_err(|e| e.to_string())
}

/// Globs; patterns that are not valid globs go to `rejected`.
pub(crate) fn globs(patterns: &[String], rejected: &mut Vec<String>) -> Vec<Glob> {
    patterns
        .iter()
        .filter_map(|p| match parse::<Glob>(p) {
            Ok(g) => Some(g),
            Err(_) => {
                rejected.push(p.clone());
                None
            }
        })
        .collect()
}

/// One glob or a list, as `when.branch` takes them (`None` when none is valid).
pub(crate) fn branch(patterns: &[String], rejected: &mut Vec<String>) -> Option<OneOrMany<Glob>> {
    let mut g = globs(patterns, rejected);
    match g.len() {
        0 => None,
        1 => g.pop().map(OneOrMany::One),
        _ => Some(OneOrMany::Many(g)),
    }
}

/// Texts of globs, for comparisons.
pub(crate) fn texts(g: &[Glob]) -> Vec<String> {
    g.iter().map(|g| g.as_str().to_string()).collect()
}

pub(crate) fn rel_path(text: &str) -> Result<RelPath, String> {
    parse(text)
}

pub(crate) fn artifact(text: &str) -> Result<ArtifactPath, String> {
    parse(text)
}

pub(crate) fn duration(text: &str) -> Result<Duration, String> {
    parse(text)
}
