//! Repository paths: relative to the spec and inside the repository, so the same spec works
//! on every checkout (a laptop's `/home/me/...` does not exist on a runner).

use std::borrow::Cow;

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Deserializer, Serialize};

use super::format::{self, FormatError};

/// A path inside the repository, relative to the spec (`services/api`, `.env`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct RelPath(String);

/// A file or glob inside the repository kept as an artifact; a leading `!` excludes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct ArtifactPath(String);

impl RelPath {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl ArtifactPath {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for RelPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::fmt::Display for ArtifactPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for RelPath {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        check(&text, None).map_err(|e| serde::de::Error::custom(e.message))?;
        Ok(RelPath(text))
    }
}

impl<'de> Deserialize<'de> for ArtifactPath {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        check_artifact(&text).map_err(|e| serde::de::Error::custom(e.message))?;
        Ok(ArtifactPath(text))
    }
}

impl JsonSchema for RelPath {
    fn schema_name() -> Cow<'static, str> {
        "RelPath".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A path inside the repository, relative to cigen.yaml (no leading `/` or `~`, no `..`).",
            "type": "string",
            "format": format::PATH
        })
    }
}

impl JsonSchema for ArtifactPath {
    fn schema_name() -> Cow<'static, str> {
        "ArtifactPath".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A file or glob inside the repository, relative to cigen.yaml; a leading `!` excludes.",
            "type": "string",
            "format": format::ARTIFACT
        })
    }
}

/// Why `path` is not a repository-relative path, if it is not.
pub(crate) fn problem(path: &str) -> Option<&'static str> {
    let p = path.trim();
    if p.is_empty() {
        return Some("is empty");
    }
    if p.starts_with('/')
        || p.starts_with('\\')
        || p.as_bytes().get(1) == Some(&b':')
        || p.starts_with('~')
    {
        return Some("is absolute");
    }
    if p.split(['/', '\\']).any(|c| c == "..") {
        return Some("leaves it with `..`");
    }
    None
}

fn error(what: &str, text: &str, why: &str) -> FormatError {
    FormatError {
        code: format::INVALID_PATH,
        message: format!("{what} must be a path inside the repository: `{text}` {why}"),
        label: "not a repository path",
        help: "write a path inside the repository, relative to cigen.yaml, e.g. `services/api`"
            .into(),
    }
}

/// A repository path; `field` names it in the message (`path` is a target's output path).
pub(crate) fn check(text: &str, field: Option<&str>) -> Result<(), FormatError> {
    let what = match field {
        Some("path") => "output path",
        Some(f) => f,
        None => "path",
    };
    problem(text).map_or(Ok(()), |why| Err(error(what, text, why)))
}

/// An artifact path or glob, `!` allowed in front.
pub(crate) fn check_artifact(text: &str) -> Result<(), FormatError> {
    let t = text.trim_start_matches('!');
    problem(t).map_or(Ok(()), |why| Err(error("artifact", t, why)))
}

#[cfg(test)]
mod tests {
    #[test]
    fn relative_paths_only() {
        assert_eq!(super::problem("services/api"), None);
        assert_eq!(super::problem("./a/b.env"), None);
        assert!(super::problem("/etc/passwd").is_some());
        assert!(super::problem("C:\\x").is_some());
        assert!(super::problem("a/../../b").is_some());
        assert!(super::problem(" ").is_some());
    }
}
