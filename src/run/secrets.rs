//! Secrets: presence check before anything starts, and masking of every form of every value.

use std::borrow::Cow;
use std::collections::HashMap;

use aho_corasick::{AhoCorasick, MatchKind};
use base64::Engine;
use indexmap::IndexMap;

use super::plan::Plan;
use crate::model::Pipeline;

/// What replaces a secret in logs.
pub(crate) const MASK: &str = "***";

/// Shorter forms would mask ordinary text everywhere (and such values are not secret anyway).
const MIN_LEN: usize = 3;

/// Missing secrets per job that will run, in plan order; empty when all are present.
pub(crate) fn missing(
    pipeline: &Pipeline,
    plan: &Plan,
    env: &HashMap<String, String>,
) -> IndexMap<String, Vec<String>> {
    let mut out: IndexMap<String, Vec<String>> = IndexMap::new();
    for u in plan
        .units
        .iter()
        .filter(|u| matches!(u.verdict, super::when::Verdict::Run(_)))
    {
        let Some(job) = pipeline.jobs.get(&u.job) else {
            continue;
        };
        let absent: Vec<String> = job
            .secrets
            .iter()
            .filter(|s| env.get(*s).is_none_or(|v| v.is_empty()))
            .cloned()
            .collect();
        if !absent.is_empty() {
            out.insert(u.job.clone(), absent);
        }
    }
    out
}

/// Every form of a value that could show up in a log: itself, each line, base64, URL-encoded.
pub(crate) fn forms(value: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut add = |s: String| {
        if s.len() >= MIN_LEN && !out.contains(&s) {
            out.push(s);
        }
    };
    add(value.to_string());
    for line in value.lines() {
        add(line.trim_end_matches('\r').to_string());
    }
    let b = base64::engine::general_purpose::STANDARD.encode(value);
    add(b.trim_end_matches('=').to_string());
    add(b);
    add(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(value));
    add(
        percent_encoding::utf8_percent_encode(value, percent_encoding::NON_ALPHANUMERIC)
            .to_string(),
    );
    // Forms without the trailing newline that `echo "$SECRET" | base64` adds are covered above;
    // with it, too:
    add(base64::engine::general_purpose::STANDARD
        .encode(format!("{value}\n"))
        .trim_end_matches('=')
        .to_string());
    out
}

/// Replaces secret values in text. Cheap to clone and share across threads.
#[derive(Clone, Default)]
pub(crate) struct Masker {
    matcher: Option<std::sync::Arc<AhoCorasick>>,
    /// Every form, for `::add-mask::`.
    pub patterns: Vec<String>,
}

impl Masker {
    pub(crate) fn new<'a>(values: impl IntoIterator<Item = &'a str>) -> Self {
        let mut patterns: Vec<String> = Vec::new();
        for v in values {
            for f in forms(v) {
                if !patterns.contains(&f) {
                    patterns.push(f);
                }
            }
        }
        // Longest first so a whole value wins over one of its lines.
        patterns.sort_by_key(|p| std::cmp::Reverse(p.len()));
        let matcher = if patterns.is_empty() {
            None
        } else {
            AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostLongest)
                .build(&patterns)
                .ok()
                .map(std::sync::Arc::new)
        };
        Masker { matcher, patterns }
    }

    pub(crate) fn mask<'a>(&self, text: &'a str) -> Cow<'a, str> {
        match &self.matcher {
            Some(m) if m.is_match(text) => {
                Cow::Owned(m.replace_all(text, &vec![MASK; self.patterns.len()]))
            }
            _ => Cow::Borrowed(text),
        }
    }
}

/// Escapes a value for a GitHub workflow command's data part (`::add-mask::<data>`).
pub(crate) fn escape_command_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_lines_and_encodings() {
        let m = Masker::new(["hunter2-top\nsecond-line", "a b/c?"]);
        assert_eq!(m.mask("x hunter2-top y"), "x *** y");
        assert_eq!(m.mask("second-line"), "***");
        let b64 = base64::engine::general_purpose::STANDARD.encode("hunter2-top\nsecond-line");
        assert_eq!(m.mask(&format!("<{b64}>")), "<***>");
        assert_eq!(m.mask("q=a%20b%2Fc%3F"), "q=***");
        assert_eq!(m.mask("nothing here"), "nothing here");
        assert_eq!(escape_command_data("a%b\r\nc"), "a%25b%0D%0Ac");
    }
}
