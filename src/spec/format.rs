//! Text formats the spec's typed values carry in the schema (`"format": "cigen-…"`), and the
//! one table the shape check consults: a field typed `Duration`, `Glob` or `RelPath` is
//! validated, with a located error, wherever it appears — no rule lists fields by hand.

use crate::diagnostic::Code;

/// `Duration`: `30s`, `15m`, `1h30m`.
pub const DURATION: &str = "cigen-duration";
/// `Glob`: a glob, optionally negated with a leading `!`.
pub const GLOB: &str = "cigen-glob";
/// `RelPath`: a path inside the repository, relative to the spec.
pub const PATH: &str = "cigen-path";
/// `ArtifactPath`: a repository path or glob, optionally negated with a leading `!`.
pub const ARTIFACT: &str = "cigen-artifact";

pub const INVALID_DURATION: Code = Code::new("invalid-duration");
pub const INVALID_GLOB: Code = Code::new("invalid-glob");
pub const INVALID_PATH: Code = Code::new("invalid-path");

/// The codes a typed value that does not fit its format is reported with.
pub const CODES: &[Code] = &[INVALID_DURATION, INVALID_GLOB, INVALID_PATH];

/// Why a value does not fit its format, as a diagnostic's parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatError {
    pub code: Code,
    pub message: String,
    pub label: &'static str,
    pub help: String,
}

/// Checks `text` against the schema format `format`; `None` when the format is not one of
/// cigen's (standard formats are left to editors). `field` is the key the value sits under,
/// for messages.
pub fn check(format: &str, text: &str, field: Option<&str>) -> Option<Result<(), FormatError>> {
    Some(match format {
        DURATION => super::duration::check(text),
        GLOB => super::glob::check(text),
        PATH => super::path::check(text, field),
        ARTIFACT => super::path::check_artifact(text),
        _ => return None,
    })
}
