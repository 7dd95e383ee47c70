//! `docs/diagnostics.md` lists exactly the diagnostic codes the source can produce.

use std::collections::{BTreeMap, BTreeSet};

use crate::test::repo_root;

/// The codes in the tables of each `## ` section of the doc: "| `code` | ...".
fn documented() -> BTreeMap<String, BTreeSet<String>> {
    let doc = std::fs::read_to_string(repo_root().join("docs/diagnostics.md"))
        .expect("docs/diagnostics.md");
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut section = String::new();
    for line in doc.lines() {
        if let Some(title) = line.strip_prefix("## ") {
            section = title.to_string();
        } else if let Some(code) = line
            .strip_prefix("| `")
            .and_then(|l| l.split_once('`').map(|(code, _)| code.to_string()))
        {
            out.entry(section.clone()).or_default().insert(code);
        }
    }
    out
}

/// The doc documents every code the catalogue declares, each in its layer's section (a code
/// two layers share, like `missing-key`, once), and no code that does not exist.
#[test]
fn every_diagnostic_code_is_documented_in_its_layer() {
    let catalogue = cigen::compile::catalogue();
    let all: BTreeSet<String> = catalogue
        .iter()
        .flat_map(|(_, codes)| codes.iter().map(|c| c.id().to_string()))
        .collect();
    assert!(
        all.len() > 30 && all.contains("unknown-key"),
        "found too few codes: {all:?}"
    );
    let doc = documented();
    for (layer, codes) in &catalogue {
        let section = doc
            .iter()
            .find(|(title, _)| title.starts_with(layer))
            .map(|(_, c)| c.clone())
            .unwrap_or_else(|| panic!("docs/diagnostics.md has no `## {layer}` section"));
        let declared: BTreeSet<String> = codes.iter().map(|c| c.id().to_string()).collect();
        let foreign: Vec<_> = section.difference(&declared).collect();
        assert!(
            foreign.is_empty(),
            "docs/diagnostics.md documents under `{layer}` codes that layer does not report: {foreign:?}"
        );
    }
    let documented: BTreeSet<String> = doc.values().flatten().cloned().collect();
    let missing: Vec<_> = all.difference(&documented).collect();
    let stale: Vec<_> = documented.difference(&all).collect();
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
