//! Toolchain versions a project declares for itself: `.python-version`, `requires-python`,
//! `rust-toolchain(.toml)`, `rust-version`, `.nvmrc`/`.node-version`, `engines.node`, the
//! `go` directive; and the versions `cigen init` uses when a project declares none.

use std::path::Path;

/// The version of a tool when nothing names one: current stable lines.
pub(crate) fn default_for(tool: &str) -> &'static str {
    match tool {
        "python" => "3.13",
        "uv" => "0.9",
        "node" => "22",
        "rust" => "stable",
        "go" => "1.24",
        _ => "21",
    }
}

/// The first non-comment line of a version file, without a leading `v`.
pub(crate) fn version_line(text: &str) -> Option<String> {
    text.lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .find(|l| !l.is_empty())
        .map(|l| l.trim_start_matches('v').to_string())
}

/// The `toolchain goX.Y.Z` directive of a `go.mod`, else its `go X.Y` directive.
pub(crate) fn go_directive(text: &str) -> Option<String> {
    let mut go = None;
    for line in text.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["toolchain", v, ..] => return v.strip_prefix("go").map(str::to_string),
            ["go", v, ..] => go = Some(v.to_string()),
            _ => {}
        }
    }
    go
}

/// The lowest version a requirement allows: `>=3.10,<4` → `3.10`, `^20.11` → `20.11`,
/// `~=3.11` → `3.11`. A strict `>` bound names no allowed version, so it is skipped.
pub(crate) fn lower_bound(req: &str) -> Option<String> {
    for clause in req.split([',', '|', ' ']).map(str::trim) {
        if clause.is_empty() || clause.starts_with('<') || clause.starts_with("!=") {
            continue;
        }
        if clause.starts_with('>') && !clause.starts_with(">=") {
            continue;
        }
        let v: String = clause
            .trim_start_matches(['>', '=', '^', '~', 'v'])
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        let v = v.trim_end_matches('.').to_string();
        if !v.is_empty() {
            // A bare major (`18`) or `18.x` stays as written; trailing `.0`s are kept.
            return Some(v);
        }
    }
    None
}

/// `major.minor` of a version (`3.12.4` → `3.12`).
pub(crate) fn major_minor(v: &str) -> String {
    v.split('.').take(2).collect::<Vec<_>>().join(".")
}

/// A file's text, if it exists and is readable.
pub(crate) fn read(root: &Path, rel: &str) -> Option<String> {
    std::fs::read_to_string(root.join(rel)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_declared_versions() {
        assert_eq!(
            version_line("# pinned\nv20.11.1\n").as_deref(),
            Some("20.11.1")
        );
        assert_eq!(
            go_directive("module x\n\ngo 1.22\n").as_deref(),
            Some("1.22")
        );
        assert_eq!(
            go_directive("module x\ngo 1.22\ntoolchain go1.23.4\n").as_deref(),
            Some("1.23.4")
        );
        assert_eq!(lower_bound(">=3.10,<4").as_deref(), Some("3.10"));
        assert_eq!(lower_bound("<4, >=3.9").as_deref(), Some("3.9"));
        assert_eq!(lower_bound("^20.11").as_deref(), Some("20.11"));
        assert_eq!(lower_bound(">18 || >=20").as_deref(), Some("20"));
        assert_eq!(lower_bound("~=3.11").as_deref(), Some("3.11"));
        assert_eq!(lower_bound("18.x").as_deref(), Some("18"));
        assert_eq!(lower_bound("*"), None);
        assert_eq!(major_minor("3.12.4"), "3.12");
    }
}
