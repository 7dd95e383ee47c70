//! The pin lock: the pins a repository's generated workflow uses, in a file bots can bump.
//!
//! It is a composite action, `.github/actions/cigen-pins/action.yml`, that lists each pin as
//! a `uses:` step with its `# vX.Y.Z` comment. That shape is what Dependabot's and Renovate's
//! github-actions managers read and rewrite (SHA and comment), so a bot's pull request bumps
//! the lock and the generated workflow together and `cigen generate --check` still passes.
//! The action is never run. `cigen generate` writes it; bots and `cigen pins update` edit it.

use std::path::Path;

use super::{is_full_sha, Pin, Table};

/// Where the lock lives, relative to the spec's directory (beside `.github/workflows/`).
pub const PATH: &str = ".github/actions/cigen-pins/action.yml";

/// Reads the lock of the repository whose spec is in `root`: an empty table when there is no
/// lock; an error naming the line when a line looks like a pin but is not one.
pub fn load(root: &Path) -> Result<Table, String> {
    match std::fs::read_to_string(root.join(PATH)) {
        Ok(text) => parse(&text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Table::default()),
        Err(e) => Err(format!("cannot read {PATH}: {e}")),
    }
}

/// The `uses:` value and trailing comment of a line, if it is a `uses:` line.
fn uses_parts(line: &str) -> Option<(&str, &str)> {
    // Generated files indent with spaces: skip those before the general (Unicode) trim.
    let t = line.trim_start_matches(' ').trim_start();
    let t = t.strip_prefix("- ").map_or(t, str::trim_start);
    let rest = t.strip_prefix("uses:")?;
    // A `#` after a space: found with memchr (a substring search set up per line cost more
    // than the rest of the line's reading).
    let bytes = rest.as_bytes();
    let hash = memchr::memchr_iter(b'#', bytes).find(|&i| i > 0 && bytes[i - 1] == b' ');
    let (value, comment) = match hash.map(|i| i - 1) {
        Some(i) => (&rest[..i], rest[i + 2..].trim()),
        None => (rest, ""),
    };
    Some((value.trim().trim_matches(['\'', '"']), comment))
}

/// A `uses: owner/repo@<sha>  # vX.Y.Z` line as a pin: SHA-pinned, with a version comment.
/// The lock and generated workflows write exactly this; bots keep the shape when they bump.
pub fn pin_line(line: &str) -> Option<Pin> {
    pin_parts(line).map(owned)
}

/// A pin line's action, SHA and version, borrowed from the line.
fn pin_parts(line: &str) -> Option<(&str, &str, &str)> {
    let (value, comment) = uses_parts(line)?;
    let (action, sha) = value.split_once('@')?;
    let version = comment.split_whitespace().next()?;
    let versioned = version
        .strip_prefix('v')
        .is_some_and(|v| v.starts_with(|c: char| c.is_ascii_digit()));
    (is_full_sha(sha) && versioned && action.contains('/')).then_some((action, sha, version))
}

fn owned((action, sha, version): (&str, &str, &str)) -> Pin {
    Pin {
        action: action.to_string(),
        sha: sha.to_string(),
        version: version.to_string(),
    }
}

/// The distinct pins of `text`'s pin lines, in the order they first appear. A generated
/// workflow repeats the same few pins in every job (600 lines for 200 jobs): they are told
/// apart as borrowed text and owned once each.
pub fn pins_in(text: &str) -> Vec<Pin> {
    let mut seen: Vec<(&str, &str, &str)> = Vec::new();
    for p in uses_lines(text).filter_map(pin_parts) {
        if !seen.iter().any(|s| s.1 == p.1 && *s == p) {
            seen.push(p);
        }
    }
    seen.into_iter().map(owned).collect()
}

/// The lines of `text` (as `str::lines` gives them) that hold `uses:`, the only ones that can
/// be pin lines: found by searching the text rather than splitting all of it into lines, as
/// a generated workflow has some twenty other lines for each `uses:` line.
fn uses_lines(text: &str) -> impl Iterator<Item = &str> {
    let finder = memchr::memmem::Finder::new("uses:");
    let mut from = 0;
    std::iter::from_fn(move || {
        let at = from + finder.find(text.get(from..)?.as_bytes())?;
        let start = text[..at].rfind('\n').map_or(0, |n| n + 1);
        let end = text[at..].find('\n').map_or(text.len(), |n| at + n);
        from = end;
        let line = &text[start..end];
        // `lines` drops a carriage return only before a newline.
        Some(match end < text.len() {
            true => line.strip_suffix('\r').unwrap_or(line),
            false => line,
        })
    })
}

/// The lock's pins. Every `uses:` line must be a pin (a line a bot rewrote into another shape
/// is an error, not a silently ignored entry); other lines are the action's frame.
pub fn parse(text: &str) -> Result<Table, String> {
    let mut table = Table::default();
    for (i, line) in text.lines().enumerate() {
        if uses_parts(line).is_none() {
            continue;
        }
        let pin = pin_line(line).ok_or_else(|| {
            format!(
                "{PATH}:{}: expected `- uses: owner/repo@<40-hex sha>  # vX.Y.Z`, found `{}`",
                i + 1,
                line.trim()
            )
        })?;
        if table.locked.iter().any(|p| p.action == pin.action) {
            return Err(format!(
                "{PATH}:{}: `{}` is pinned twice",
                i + 1,
                pin.action
            ));
        }
        table.locked.push(pin);
    }
    Ok(table)
}

/// The lock's text for `pins` (sorted by action, so it is deterministic). `header` is the
/// generated-file line that lets `generate` replace it.
pub fn render(header: &str, pins: &[Pin]) -> String {
    let mut pins = pins.to_vec();
    pins.sort();
    pins.dedup_by(|a, b| a.action == b.action);
    let mut out = String::from(header);
    out.push_str(
        "# The actions the generated GitHub workflow uses, pinned by commit. Dependabot and\n\
         # Renovate may bump these lines (with the workflow's); `cigen generate` keeps their\n\
         # bumps, and `cigen pins update` moves them to cigen's own pins (docs/pins.md).\n\
         # This composite action is never run.\n\
         name: cigen pins\n\
         description: Pins of the actions in the workflow cigen generates (not meant to be run).\n\
         runs:\n  using: composite\n  steps:\n",
    );
    for p in &pins {
        out.push_str(&format!(
            "    - uses: {}@{}  # {}\n",
            p.action, p.sha, p.version
        ));
        // What the workflow sets too; without it auditors (zizmor's `artipacked`) flag the
        // lock, though it never runs.
        if p.action == super::CHECKOUT {
            out.push_str("      with:\n        persist-credentials: false\n");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    proptest! {
        /// Searching for `uses:` finds the pin lines splitting every line would.
        #[test]
        fn uses_lines_are_the_lines_that_hold_uses(parts in proptest::collection::vec(
            prop_oneof![
                Just("uses:"), Just("- uses: a/b@"), Just("\n"), Just("\r\n"), Just("\r"),
                Just("  "), Just(" # v1.2.3"), Just("0123456789012345678901234567890123456789"),
                Just("x"), Just("é"), Just("uses"),
            ],
            0..40,
        )) {
            let text: String = parts.concat();
            let by_lines: Vec<&str> = text.lines().filter(|l| l.contains("uses:")).collect();
            prop_assert_eq!(uses_lines(&text).collect::<Vec<_>>(), by_lines);
        }
    }

    use super::*;

    #[test]
    fn lines_in_every_shape_bots_write() {
        let sha = "08c6903cd8c0fde910a37f88322edcfb5dd907a8";
        for line in [
            format!("    - uses: actions/checkout@{sha}  # v5.0.0"),
            format!("      uses: actions/checkout@{sha} # v5.0.0"),
            format!("- uses: 'actions/checkout@{sha}' # v5.0.0 extra words"),
        ] {
            let pin = pin_line(&line).unwrap_or_else(|| panic!("{line}"));
            assert_eq!(
                (pin.action.as_str(), pin.version.as_str()),
                ("actions/checkout", "v5.0.0")
            );
        }
        assert_eq!(
            pin_line(&format!(
                "uses: actions/checkout@{sha}  # pinned in the spec"
            )),
            None
        );
        assert_eq!(pin_line("uses: actions/checkout@v5  # v5"), None);
        assert_eq!(pin_line("run: echo uses: x"), None);
    }

    #[test]
    fn render_then_parse_round_trips() {
        let pins = vec![
            Pin {
                action: "b/x".into(),
                sha: "b".repeat(40),
                version: "v2.0.0".into(),
            },
            Pin {
                action: "a/y".into(),
                sha: "a".repeat(40),
                version: "v1.0.0".into(),
            },
        ];
        let text = render("# Generated by cigen from cigen.yaml\n", &pins);
        let mut sorted = pins.clone();
        sorted.sort();
        assert_eq!(parse(&text).unwrap().locked, sorted);
        let broken = text.replace(&"a".repeat(40), "v1");
        assert!(parse(&broken).unwrap_err().contains("expected `- uses:"));
    }
}
