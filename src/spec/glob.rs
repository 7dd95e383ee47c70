//! Globs (`src/**`, `release/*`): checked when the spec is read, compiled once in the model.

use std::borrow::Cow;

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Deserializer, Serialize};

use super::format::{self, FormatError};

/// A glob pattern; a leading `!` negates it where the key says so (`changed`, filters).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Glob(String);

impl Glob {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The pattern without a leading `!`, and whether it had one.
    pub fn negation(&self) -> (bool, &str) {
        match self.0.strip_prefix('!') {
            Some(p) => (true, p),
            None => (false, &self.0),
        }
    }

    /// A matcher for `pattern` (no `!` handling): `*` stays within a path segment.
    pub fn matcher(pattern: &str) -> Result<globset::Glob, globset::Error> {
        globset::GlobBuilder::new(pattern)
            .literal_separator(true)
            .build()
    }
}

impl std::fmt::Display for Glob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Glob {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        check(&text).map_err(|e| serde::de::Error::custom(e.message))?;
        Ok(Glob(text))
    }
}

impl JsonSchema for Glob {
    fn schema_name() -> Cow<'static, str> {
        "Glob".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A glob: `*` matches within a path segment, `**` any depth, `?` one character, `[abc]` and `{a,b}` alternatives. A leading `!` excludes.",
            "type": "string",
            "format": format::GLOB,
            "examples": ["src/**", "!**/*.md", "release/*"]
        })
    }
}

/// The located error for a glob that does not compile (see `format::check`).
pub(crate) fn check(pattern: &str) -> Result<(), FormatError> {
    let p = pattern.strip_prefix('!').unwrap_or(pattern);
    let problem = if p.trim().is_empty() {
        Some("the pattern is empty".to_string())
    } else {
        Glob::matcher(p).err().map(|e| e.kind().to_string())
    };
    match problem {
        None => Ok(()),
        Some(why) => Err(FormatError {
            code: format::INVALID_GLOB,
            message: format!("invalid glob `{pattern}`: {why}"),
            label: "not a valid glob",
            help: "globs use `*` (within a directory), `**` (any depth), `?`, `[abc]` and `{a,b}`"
                .into(),
        }),
    }
}
