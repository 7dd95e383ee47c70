//! Job outputs: parse `$CIGEN_OUTPUT`, refuse what cannot be handed over (a secret, on every
//! provider; what GitLab's dotenv report would change), hand them to dependents, and to CI
//! (GitHub `$GITHUB_OUTPUT` heredocs, GitLab `.cigen/outputs.env` dotenv).

use std::io::Write;
use std::path::Path;

use indexmap::IndexMap;

use super::mask::Masker;
use crate::contract::output_env_name;
use crate::provider::Handover;

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
    // Nothing to keep: not even a look for the file (a lookup that misses costs a fresh
    // negative dentry on every unit, 2–3% of cigen's own CPU in a long chain).
    if declared.is_empty() {
        return IndexMap::new();
    }
    let Ok(text) = std::fs::read_to_string(file) else {
        return IndexMap::new();
    };
    let all = parse(&text);
    declared
        .iter()
        .filter_map(|k| all.get(k).map(|v| (k.clone(), v.clone())))
        .collect()
}

/// Checks a job's outputs before anyone sees them. An output holding a secret is refused
/// everywhere: outputs travel in clear (GitHub job outputs, GitLab dotenv artifacts, and in
/// memory locally, which must behave the same). On GitLab, a value the dotenv report would
/// alter is refused too. The message names the output and the job, never the value.
pub(crate) fn refuse(
    job: &str,
    outputs: &IndexMap<String, String>,
    masker: &Masker,
    handover: &Handover,
) -> Result<(), String> {
    let mut why: Vec<String> = Vec::new();
    for (k, v) in outputs {
        let what = format!("output `{k}` of job `{job}`");
        if masker.finds(v) {
            why.push(format!(
                "{what} contains a secret; outputs are passed between jobs in clear, so cigen \
                 refuses it (declare the secret in the jobs that need it instead)"
            ));
        } else if *handover == Handover::GitlabDotenv {
            if let Some(problem) = gitlab_problem(v) {
                why.push(format!(
                    "{what} cannot be carried by GitLab's dotenv report: {problem}"
                ));
            }
        }
    }
    if why.is_empty() {
        Ok(())
    } else {
        Err(why.join("; "))
    }
}

/// What GitLab would change in a dotenv value: it reads one line per variable and strips the
/// blanks around each value (`Ci::ParseDotenvArtifactService`). `$` is escaped on writing.
fn gitlab_problem(v: &str) -> Option<&'static str> {
    if v.contains(['\n', '\r']) {
        Some("it holds a line break, and each value is one line")
    } else if v.trim() != v {
        Some("it starts or ends with blank space, which GitLab trims")
    } else {
        None
    }
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

/// Writes GitLab's dotenv report. Values were checked by [`refuse`]: one line, no blank
/// edges. GitLab expands `$NAME` in dotenv values (they are not raw variables) and reads `$$`
/// as one `$`, so every `$` is doubled to arrive as written.
pub(crate) fn write_gitlab(path: &Path, env: &IndexMap<String, String>) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut text = String::new();
    for (k, v) in env {
        text.push_str(&format!("{k}={}\n", v.replace('$', "$$")));
    }
    std::fs::write(path, text)
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

    #[test]
    fn refuses_secrets_everywhere_and_what_gitlab_would_change() {
        let m = Masker::new(["s3cret-token"]);
        let outs = |v: &str| IndexMap::from([("k".to_string(), v.to_string())]);
        let err = refuse("build", &outs("x=s3cret-token"), &m, &Handover::None).unwrap_err();
        assert!(
            err.starts_with("output `k` of job `build` contains a secret"),
            "{err}"
        );
        assert!(!err.contains("s3cret"), "{err}");
        assert!(refuse("b", &outs(" edge"), &m, &Handover::None).is_ok());
        for bad in [" edge", "edge\t", "two\nlines", "cr\r"] {
            let err = refuse("b", &outs(bad), &m, &Handover::GitlabDotenv).unwrap_err();
            assert!(err.contains("GitLab's dotenv report"), "{err}");
        }
        assert!(refuse("b", &outs("a $HOME b"), &m, &Handover::GitlabDotenv).is_ok());
    }
}
