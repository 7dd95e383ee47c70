//! Masking: replaces every form of every secret value with `***` in what a step prints.
//!
//! # How the engine calls it
//!
//! Build one [`Masker`] per run from every secret value any job may see (cheap to clone, shared
//! by all threads). For each output stream (one per step attempt: stdout and stderr share a
//! pipe) take a [`MaskStream`] with [`Masker::stream`] and feed it the raw chunks as they are
//! read, *before* splitting lines or keeping tails:
//!
//! ```text
//! let mut s = masker.stream();
//! for chunk in reads { emit(&s.push(chunk)); }   // bytes ready to show, maybe empty
//! emit(&s.finish());                             // when the stream ends
//! ```
//!
//! `push` returns the bytes that can no longer be part of a secret and holds back only a tail
//! that could still become one (at most the longest form minus one visible byte), so a line
//! that cannot start a secret comes out at once. Whatever is done downstream with the masked
//! bytes (line splitting, a forced flush of a long line, a bounded tail, JUnit) cannot reveal
//! a secret, since a match is never split by the chunking. [`Masker::mask`] masks one
//! complete text (a line, a message).
//!
//! # What is matched
//!
//! The forms of each value (`forms.rs`) are matched on the *visible* bytes (`project.rs`:
//! terminal escape sequences removed); wrapped base64/hex forms also across the breaks of
//! full-width lines. Overlapping matches of different secrets are masked as their union.

mod forms;
mod project;
mod stream;

use std::borrow::Cow;
use std::sync::Arc;

use aho_corasick::{packed, AhoCorasick, MatchKind};

pub(crate) use forms::MIN_FORM;
pub(crate) use stream::MaskStream;

/// Patterns per SIMD searcher (Teddy's own limit).
const QUICK_GROUP: usize = 64;

/// What replaces a secret in logs.
pub(crate) const MASK: &str = "***";

/// Replaces secret values in output. Cheap to clone and share across threads.
#[derive(Clone, Default)]
pub(crate) struct Masker {
    matcher: Option<Arc<Matcher>>,
    /// Every form as text, for the GitHub runner's `::add-mask::`.
    pub patterns: Vec<String>,
}

/// The compiled forms.
pub(crate) struct Matcher {
    /// Every form, on the visible text.
    main: Patterns,
    /// Forms that tools print wrapped (base64, hex), on the text with wrapped lines joined.
    wrap: Option<Patterns>,
}

/// One pattern set: an automaton for matching and a sorted list for "could this tail still
/// become a match" (`stream.rs`).
pub(crate) struct Patterns {
    ac: AhoCorasick,
    /// SIMD searchers (Teddy) over groups of the patterns, where the CPU has them: output
    /// that none of them finds in holds no secret, which they tell several times faster than
    /// the automaton (there are too many forms for one). `None`: always use the automaton.
    quick: Option<Vec<packed::Searcher>>,
    sorted: Vec<Vec<u8>>,
    /// Bytes that start some pattern.
    first: [bool; 256],
    max_len: usize,
}

impl Patterns {
    fn new(mut pats: Vec<Vec<u8>>) -> Option<Self> {
        pats.sort();
        pats.dedup();
        if pats.is_empty() {
            return None;
        }
        // Standard semantics allow overlapping search: every match of every form is found,
        // so overlapping secrets are masked as a union.
        let ac = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(&pats)
            .ok()?;
        let mut first = [false; 256];
        for p in &pats {
            first[p[0] as usize] = true;
        }
        let max_len = pats.iter().map(Vec::len).max().unwrap_or(0);
        let quick = pats
            .chunks(QUICK_GROUP)
            .map(packed::Searcher::new)
            .collect::<Option<Vec<_>>>();
        Some(Patterns {
            ac,
            quick,
            sorted: pats,
            first,
            max_len,
        })
    }
}

impl Patterns {
    /// Whether some pattern may occur in `text` (`false` only when none does).
    pub(crate) fn may_occur(&self, text: &[u8]) -> bool {
        match &self.quick {
            Some(searchers) => searchers.iter().any(|s| s.find(text).is_some()),
            None => true,
        }
    }
}

impl Masker {
    /// A masker for these values. Values shorter than [`MIN_FORM`] bytes are left out: they
    /// cannot be masked without masking ordinary text (the caller warns about them).
    pub(crate) fn new<'a>(values: impl IntoIterator<Item = &'a str>) -> Self {
        let mut patterns: Vec<String> = Vec::new();
        let mut main: Vec<Vec<u8>> = Vec::new();
        let mut wrap: Vec<Vec<u8>> = Vec::new();
        for v in values {
            if v.len() < MIN_FORM {
                continue;
            }
            for f in forms::forms(v) {
                let visible = project::strip(f.text.as_bytes());
                if visible.len() >= MIN_FORM {
                    if f.wrappable {
                        wrap.push(visible.clone());
                    }
                    main.push(visible);
                }
                if !patterns.contains(&f.text) {
                    patterns.push(f.text);
                }
            }
        }
        // Longest first: the runner then masks a whole value before one of its lines.
        patterns.sort_by_key(|p| std::cmp::Reverse(p.len()));
        let matcher = Patterns::new(main).map(|main| {
            Arc::new(Matcher {
                main,
                wrap: Patterns::new(wrap),
            })
        });
        Masker { matcher, patterns }
    }

    /// A masking state for one output stream; see the module documentation.
    pub(crate) fn stream(&self) -> MaskStream {
        MaskStream::new(self.matcher.clone())
    }

    /// Masks one complete text (a line, a message, a value).
    pub(crate) fn mask<'a>(&self, text: &'a str) -> Cow<'a, str> {
        if self.matcher.is_none() {
            return Cow::Borrowed(text);
        }
        let mut s = self.stream();
        let mut out = s.push(text.as_bytes()).into_owned();
        out.extend_from_slice(&s.finish());
        if out == text.as_bytes() {
            return Cow::Borrowed(text);
        }
        Cow::Owned(String::from_utf8_lossy(&out).into_owned())
    }

    /// Whether `text` holds some form of a secret.
    pub(crate) fn finds(&self, text: &str) -> bool {
        matches!(self.mask(text), Cow::Owned(_))
    }
}

#[cfg(test)]
mod tests;
