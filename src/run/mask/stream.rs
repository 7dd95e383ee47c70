//! Masks a byte stream chunk by chunk, however the chunks fall: a secret split between two
//! reads, or by a forced flush of a very long line, is still found whole.
//!
//! After each chunk everything is emitted except the shortest tail that could still become
//! a match: the longest suffix (of the visible text) that is a prefix of some pattern, at
//! most the longest pattern minus one byte, plus an unfinished escape sequence. So a line
//! that cannot be the start of a secret is released at once, never waiting for more output.

use std::borrow::Cow;
use std::sync::Arc;

use super::project::{join_wrapped, line_tail, Projection};
use super::{Matcher, Patterns, MASK};

/// Most bytes held back between chunks (only reached by absurd input, such as an endless run
/// of escape sequences inside what looks like a secret); past it the oldest bytes are emitted.
const HOLD_CAP: usize = 64 * 1024;

/// One output stream's masking state. Create one per stream with `Masker::stream`.
pub(crate) struct MaskStream {
    m: Option<Arc<Matcher>>,
    /// Raw bytes received but not emitted yet.
    held: Vec<u8>,
    /// The first `masked` bytes of `held` belong to a match already being masked.
    masked: usize,
    /// The output so far ends inside a masked run whose line already shows the mask.
    shown: bool,
    /// Visible start of the line the held bytes are in (whether a break there can join a
    /// wrapped encoding depends on the whole line); `None` once longer than any wrap width.
    line: Option<Vec<u8>>,
}

impl MaskStream {
    pub(crate) fn new(m: Option<Arc<Matcher>>) -> Self {
        MaskStream {
            m,
            held: Vec::new(),
            masked: 0,
            shown: false,
            line: Some(Vec::new()),
        }
    }

    /// Feeds a chunk; returns the masked bytes that are final (possibly none, possibly more
    /// than `chunk` when held bytes are released). Borrows `chunk` when nothing changes.
    pub(crate) fn push<'a>(&mut self, chunk: &'a [u8]) -> Cow<'a, [u8]> {
        if self.m.is_none() {
            return Cow::Borrowed(chunk);
        }
        self.process(chunk, false)
    }

    /// Ends the stream: returns whatever is still held, masked.
    pub(crate) fn finish(&mut self) -> Vec<u8> {
        if self.m.is_none() {
            return Vec::new();
        }
        self.process(&[], true).into_owned()
    }

    fn process<'a>(&mut self, chunk: &'a [u8], last: bool) -> Cow<'a, [u8]> {
        let Some(m) = self.m.clone() else {
            return Cow::Borrowed(chunk);
        };
        let owned: Vec<u8>;
        let data: &[u8] = if self.held.is_empty() {
            chunk
        } else {
            self.held.extend_from_slice(chunk);
            owned = std::mem::take(&mut self.held);
            &owned
        };
        let proj = Projection::new(data, last);
        let text = proj.text();
        let mut runs: Vec<(usize, usize)> = Vec::new();
        if self.masked > 0 {
            runs.push((0, self.masked));
        }
        let found = m
            .main
            .may_occur(text)
            .then(|| m.main.ac.find_overlapping_iter(text));
        for mt in found.into_iter().flatten() {
            runs.push((proj.start(mt.start()), proj.end_of(mt.end() - 1)));
        }
        let mut hold = if last {
            text.len()
        } else {
            m.main.held_from(text)
        };
        if let Some(wrap) = &m.wrap {
            if let Some((joined, at)) = join_wrapped(text, self.line.as_deref()) {
                for mt in wrap.ac.find_overlapping_iter(&joined) {
                    runs.push((proj.start(at[mt.start()]), proj.end_of(at[mt.end() - 1])));
                }
                if !last {
                    let h = wrap.held_from(&joined);
                    hold = hold.min(at.get(h).copied().unwrap_or(text.len()));
                }
            }
        }
        let mut cut = if last { data.len() } else { proj.start(hold) };
        if data.len() - cut > HOLD_CAP {
            cut = data.len() - HOLD_CAP;
        }
        if m.wrap.is_some() {
            self.line = line_tail(self.line.as_deref(), &text[..proj.visible_before(cut)]);
        }
        if runs.is_empty() && cut == data.len() && std::ptr::eq(data, chunk) {
            self.masked = 0;
            self.shown &= chunk.is_empty();
            return Cow::Borrowed(chunk);
        }
        runs.sort_unstable();
        let mut out = Vec::with_capacity(cut + 16);
        let mut pos = 0;
        let mut masked_end = 0;
        let mut i = 0;
        while i < runs.len() {
            let (a, mut b) = runs[i];
            i += 1;
            // Merge overlapping and touching runs: the union of all matches.
            while i < runs.len() && runs[i].0 <= b {
                b = b.max(runs[i].1);
                i += 1;
            }
            if a >= cut {
                // Held: found again, whole, with the next chunk.
                break;
            }
            masked_end = masked_end.max(b);
            out.extend_from_slice(&data[pos..a]);
            let continues = a == 0 && self.shown;
            self.shown = render(&data[a..b.min(cut)], continues, &mut out);
            pos = b.min(cut);
        }
        if pos < cut {
            out.extend_from_slice(&data[pos..cut]);
            self.shown = false;
        }
        // The run carried in from the last chunk stays masked even when nothing was emitted.
        self.masked = masked_end.max(self.masked).saturating_sub(cut);
        self.held = data[cut..].to_vec();
        Cow::Owned(out)
    }
}

/// Writes a masked run: one mask per line it touches, its line breaks kept (so a wrapped
/// base64 block stays as many lines). Returns whether the last line shows a mask.
fn render(run: &[u8], continues: bool, out: &mut Vec<u8>) -> bool {
    let mut shown = continues;
    for &b in run {
        match b {
            b'\n' => {
                out.push(b'\n');
                shown = false;
            }
            b'\r' => {}
            _ if !shown => {
                out.extend_from_slice(MASK.as_bytes());
                shown = true;
            }
            _ => {}
        }
    }
    shown
}

impl Patterns {
    /// Start of the longest suffix of `text` that is a proper prefix of some pattern (a match
    /// that may complete with the next chunk); `text.len()` when there is none.
    pub(crate) fn held_from(&self, text: &[u8]) -> usize {
        let from = text.len().saturating_sub(self.max_len.saturating_sub(1));
        for s in from..text.len() {
            if !self.first[text[s] as usize] {
                continue;
            }
            let tail = &text[s..];
            let i = self.sorted.partition_point(|p| p.as_slice() < tail);
            // Patterns starting with `tail` sort right after it; `tail` itself may be one.
            let proper = self.sorted[i..]
                .iter()
                .take(2)
                .any(|p| p.len() > tail.len() && p.starts_with(tail));
            if proper {
                return s;
            }
        }
        text.len()
    }
}
