//! `docs/diagnostics.md` lists exactly the diagnostic codes the source can produce.

use std::collections::BTreeSet;
use std::path::Path;

use crate::test::repo_root;

/// Codes passed to `Diagnostic::error(` / `Diagnostic::warning(` (or a format error's
/// `code:`) outside unit tests.
fn codes_in(dir: &Path, out: &mut BTreeSet<String>) {
    for entry in std::fs::read_dir(dir)
        .expect("read src")
        .filter_map(|e| e.ok())
    {
        let path = entry.path();
        if path.is_dir() {
            codes_in(&path, out);
            continue;
        }
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("read source");
        let code_part = text.split("#[cfg(test)]").next().unwrap_or("");
        for marker in ["Diagnostic::error(", "Diagnostic::warning(", "code: "] {
            for (at, _) in code_part.match_indices(marker) {
                let rest = code_part[at + marker.len()..].trim_start();
                if let Some(lit) = rest.strip_prefix('"') {
                    let code: String = lit.chars().take_while(|c| *c != '"').collect();
                    out.insert(code);
                }
            }
        }
    }
}

/// Codes in the first column of the doc's tables: "| `code` | ...".
fn documented() -> BTreeSet<String> {
    let doc = std::fs::read_to_string(repo_root().join("docs/diagnostics.md"))
        .expect("docs/diagnostics.md");
    doc.lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split_once('`').map(|(code, _)| code.to_string()))
        .collect()
}

#[test]
fn every_diagnostic_code_is_documented_and_every_documented_code_exists() {
    let mut used = BTreeSet::new();
    codes_in(&repo_root().join("src"), &mut used);
    assert!(
        used.len() > 30 && used.contains("unknown-key"),
        "found too few codes: {used:?}"
    );
    let doc = documented();
    let missing: Vec<_> = used.difference(&doc).collect();
    let stale: Vec<_> = doc.difference(&used).collect();
    assert!(
        missing.is_empty(),
        "add these codes to docs/diagnostics.md: {missing:?}"
    );
    assert!(
        stale.is_empty(),
        "docs/diagnostics.md lists codes no longer produced: {stale:?}"
    );
}

/// The fenced block after the first line starting with `start` in the README.
fn readme_block(start: &str) -> String {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).expect("README.md");
    let at = readme
        .find(start)
        .unwrap_or_else(|| panic!("README has no `{start}` block"));
    let body = &readme[at + start.len()..];
    body[..body.find("```").expect("closing fence")]
        .trim_start_matches('\n')
        .to_string()
}

#[test]
fn readme_spec_excerpt_is_valid_and_its_error_example_is_real() {
    let spec = readme_block("```yaml\n");
    crate::test::Test::new()
        .spec(&spec)
        .args(["check"])
        .expect_code(0);
    let broken = spec.replacen("    needs: [lint]", "    nedes: [lint]", 1);
    let out = crate::test::Test::new()
        .spec(&broken)
        .args(["--color", "never", "-f", "cigen.yaml", "check"])
        .expect_code(2);
    let shown = readme_block(
        "Mistakes are caught before anything runs, all at once, with the place and a fix:\n\n```\n",
    );
    assert!(
        out.stderr.starts_with(&shown),
        "README shows:\n{shown}\ncigen prints:\n{}",
        out.stderr
    );
}
