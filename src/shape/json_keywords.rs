// The schema keywords that decide how `build.rs` lays the committed schema out. Included by
// `build.rs` (which cannot use the crate) and by the tests of `src/shape/json.rs` (which
// check the result), so the two never disagree. Not a module of the crate.

/// Keywords the shape walk never reads (`src/shape/walk.rs`). Dropped only where a key is a
/// keyword (in a schema), never where it is a name (in `properties`, `definitions` or
/// `patternProperties`).
const UNREAD: &[&str] = &[
    "description",
    "title",
    "$schema",
    "$id",
    "examples",
    "default",
    "deprecated",
];

/// Keywords whose value maps names to schemas.
const NAMED: &[&str] = &["properties", "definitions", "patternProperties"];

/// Keywords whose value is data, not a schema: kept whole.
const DATA: &[&str] = &["enum", "const", "required"];
