//! Job outputs: parse `$CIGEN_OUTPUT`, hand them to dependents, and to CI (GitHub
//! `$GITHUB_OUTPUT` heredocs, GitLab `.cigen/outputs.env` dotenv).

use std::io::Write;
use std::path::Path;

use indexmap::IndexMap;

use crate::contract::output_env_name;

/// Parses `key=value` lines and `key<<DELIM … DELIM` blocks; later writes win.
pub(crate) fn parse(text: &str) -> IndexMap<String, String> {
    let mut out = IndexMap::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let eq = line.find('=');
        let heredoc = line.find("<<");
        match (eq, heredoc) {
            (Some(e), Some(h)) if h < e => out.insert(
                line[..h].trim().to_string(),
                block(&mut lines, line[h + 2..].trim()),
            ),
            (None, Some(h)) => out.insert(
                line[..h].trim().to_string(),
                block(&mut lines, line[h + 2..].trim()),
            ),
            (Some(e), _) => out.insert(line[..e].trim().to_string(), line[e + 1..].to_string()),
            (None, None) => None,
        };
    }
    out
}

fn block<'a>(lines: &mut impl Iterator<Item = &'a str>, delim: &str) -> String {
    let mut value: Vec<&str> = Vec::new();
    for l in lines.by_ref() {
        if l.trim_end_matches('\r') == delim {
            break;
        }
        value.push(l.trim_end_matches('\r'));
    }
    value.join("\n")
}

/// Keeps the declared outputs of a job from what its steps wrote.
pub(crate) fn read_declared(file: &Path, declared: &[String]) -> IndexMap<String, String> {
    let Ok(text) = std::fs::read_to_string(file) else {
        return IndexMap::new();
    };
    let all = parse(&text);
    declared
        .iter()
        .filter_map(|k| all.get(k).map(|v| (k.clone(), v.clone())))
        .collect()
}

/// The env a dependent sees for a need's outputs (`BUILD_IMAGE`).
pub(crate) fn as_env(job: &str, outputs: &IndexMap<String, String>) -> IndexMap<String, String> {
    outputs
        .iter()
        .map(|(k, v)| (output_env_name(job, k), v.clone()))
        .collect()
}

/// A heredoc delimiter that does not occur in the value.
fn delimiter(value: &str) -> String {
    loop {
        let d = format!("CIGEN_EOF_{:016x}", fastrand::u64(..));
        if !value.contains(&d) {
            return d;
        }
    }
}

/// Appends outputs to GitHub's `$GITHUB_OUTPUT` as heredocs (safe for any value).
pub(crate) fn write_github(path: &Path, outputs: &IndexMap<String, String>) -> std::io::Result<()> {
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    let mut text = String::new();
    for (k, v) in outputs {
        let d = delimiter(v);
        text.push_str(&format!("{k}<<{d}\n{v}\n{d}\n"));
    }
    f.write_all(text.as_bytes())
}

/// Writes GitLab's dotenv report. GitLab dotenv values are single-line; multi-line values are
/// left out and returned so the caller can warn.
pub(crate) fn write_gitlab(
    path: &Path,
    env: &IndexMap<String, String>,
) -> std::io::Result<Vec<String>> {
    if let Some(dir) = path.parent() {
        crate::state_dir::create_dir_all(dir)?;
    }
    let mut text = String::new();
    let mut skipped = Vec::new();
    for (k, v) in env {
        if v.contains('\n') || v.contains('\r') {
            skipped.push(k.clone());
        } else {
            text.push_str(&format!("{k}={v}\n"));
        }
    }
    std::fs::write(path, text)?;
    Ok(skipped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_pairs_and_heredocs() {
        let o = parse("image=ghcr.io/a:b=c\nnotes<<EOF\nline 1\nline=2\nEOF\n\nimage=final\n");
        assert_eq!(o["image"], "final");
        assert_eq!(o["notes"], "line 1\nline=2");
    }
}
