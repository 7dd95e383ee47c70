//! The checksum table of cigen's release archives, compiled in from `action/checksums.txt`:
//! the table the GitHub Action trusts, which the GitLab install script embeds, so both
//! providers accept exactly the same archives.

/// `<version> <target> <sha256>` lines, `#` comments.
pub(crate) const CHECKSUMS: &str = include_str!("../../action/checksums.txt");

/// The recorded SHA-256 of `version` for `target` in `table`.
pub(crate) fn checksum(table: &str, version: &str, target: &str) -> Option<String> {
    table
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .find_map(|l| {
            let mut w = l.split_whitespace();
            (w.next() == Some(version) && w.next() == Some(target))
                .then(|| w.next().map(str::to_string))
                .flatten()
        })
}

/// Whether `table` records `version` (a leading `v` allowed) for any target.
pub(crate) fn recorded(table: &str, version: &str) -> bool {
    let version = version.strip_prefix('v').unwrap_or(version);
    table
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .any(|l| l.split_whitespace().next() == Some(version))
}

/// `MAJOR.MINOR.PATCH` (optionally with a `-pre`/`+build` suffix): what the install scripts
/// accept; ranges and `latest` are refused.
pub(crate) fn exact_version(v: &str) -> bool {
    let core = v.split(['-', '+']).next().unwrap_or("");
    core.split('.').count() == 3
        && core
            .split('.')
            .all(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+'))
}

/// The numeric `(major, minor, patch)` of an exact version (a leading `v` allowed).
pub(crate) fn numbers(v: &str) -> Option<(u64, u64, u64)> {
    let v = v.strip_prefix('v').unwrap_or(v);
    let core = v.split(['-', '+']).next()?;
    let mut it = core.split('.').map(|n| n.parse::<u64>().ok());
    let triple = (it.next()??, it.next()??, it.next()??);
    it.next().is_none().then_some(triple)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLE: &str = "# c\n0.2.0 x86_64-unknown-linux-musl abc\n";

    #[test]
    fn lookups() {
        assert_eq!(
            checksum(TABLE, "0.2.0", "x86_64-unknown-linux-musl").as_deref(),
            Some("abc")
        );
        assert!(recorded(TABLE, "v0.2.0"));
        assert!(!recorded(TABLE, "0.2.1"));
        assert!(!recorded(TABLE, "#"));
        assert_eq!(numbers("v1.20.3"), Some((1, 20, 3)));
        assert_eq!(numbers("1.2.3-rc.1"), Some((1, 2, 3)));
        assert_eq!(numbers("1.2"), None);
        assert!(exact_version("1.2.3") && !exact_version("1.2") && !exact_version("^1.2.3"));
    }
}
