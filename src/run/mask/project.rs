//! What a log viewer shows of raw output: the bytes left after terminal escape sequences
//! (colours, cursor moves) are removed, each mapped back to where it came from, plus the
//! same text with wrapped encodings (base64, hex) joined across their line breaks.
//!
//! A tool that colours part of a secret (`\e[1mhun\e[0mter2`) shows it whole; matching on
//! the visible bytes finds it. Only sequences without a text payload are skipped: an OSC
//! hyperlink carries a URL (which may hold a token), so it stays visible and is matched.

/// Longest CSI sequence recognised; a longer one is treated as text.
const CSI_MAX: usize = 64;
/// Line widths at which tools wrap encodings: `xxd -p` (60), PEM and `openssl base64` (64),
/// coreutils `base64` and MIME (76).
const WRAP_WIDTHS: [usize; 3] = [60, 64, 76];

const ESC: u8 = 0x1b;

/// The visible bytes of `raw`.
pub(crate) enum Projection<'a> {
    /// No escape sequence: the visible bytes are the raw bytes.
    Same(&'a [u8]),
    Stripped {
        text: Vec<u8>,
        /// `at[i]`: index in `raw` of `text[i]`.
        at: Vec<usize>,
        /// Where an unfinished escape sequence starts (held back until it completes).
        open: Option<usize>,
        raw_len: usize,
    },
}

impl<'a> Projection<'a> {
    /// Projects `raw`; with `last`, an unfinished sequence at the end counts as text.
    pub(crate) fn new(raw: &'a [u8], last: bool) -> Self {
        if memchr::memchr(ESC, raw).is_none() {
            return Projection::Same(raw);
        }
        let mut text = Vec::with_capacity(raw.len());
        let mut at = Vec::with_capacity(raw.len());
        let mut open = None;
        let mut i = 0;
        while i < raw.len() {
            if raw[i] == ESC {
                match escape_len(&raw[i..]) {
                    Escape::Len(n) => {
                        i += n;
                        continue;
                    }
                    Escape::Unfinished if !last => {
                        open = Some(i);
                        break;
                    }
                    Escape::Unfinished | Escape::Text => {}
                }
            }
            text.push(raw[i]);
            at.push(i);
            i += 1;
        }
        Projection::Stripped {
            text,
            at,
            open,
            raw_len: raw.len(),
        }
    }

    pub(crate) fn text(&self) -> &[u8] {
        match self {
            Projection::Same(raw) => raw,
            Projection::Stripped { text, .. } => text,
        }
    }

    /// Raw index where visible byte `i` starts; `i == text().len()` gives the end of what
    /// may be emitted (before an unfinished escape sequence).
    pub(crate) fn start(&self, i: usize) -> usize {
        match self {
            Projection::Same(_) => i,
            Projection::Stripped {
                at, open, raw_len, ..
            } => at.get(i).copied().unwrap_or(open.unwrap_or(*raw_len)),
        }
    }

    /// Raw index just after visible byte `i`.
    pub(crate) fn end_of(&self, i: usize) -> usize {
        match self {
            Projection::Same(_) => i + 1,
            Projection::Stripped { at, .. } => at[i] + 1,
        }
    }

    /// How many visible bytes lie before raw index `raw`.
    pub(crate) fn visible_before(&self, raw: usize) -> usize {
        match self {
            Projection::Same(_) => raw,
            Projection::Stripped { at, .. } => at.partition_point(|i| *i < raw),
        }
    }
}

enum Escape {
    /// A complete sequence of this many bytes, invisible.
    Len(usize),
    /// The data ends inside what may become a sequence.
    Unfinished,
    /// Not a sequence without payload: the ESC is shown as text.
    Text,
}

/// Classifies the escape sequence at the start of `s` (which starts with ESC).
fn escape_len(s: &[u8]) -> Escape {
    match s.get(1) {
        None => Escape::Unfinished,
        // CSI: parameters and intermediates (0x20–0x3F), then a final byte (0x40–0x7E).
        Some(b'[') => {
            let mut j = 2;
            while j < s.len() && j < CSI_MAX && (0x20..=0x3f).contains(&s[j]) {
                j += 1;
            }
            match s.get(j) {
                Some(b) if (0x40..=0x7e).contains(b) => Escape::Len(j + 1),
                None if j < CSI_MAX => Escape::Unfinished,
                _ => Escape::Text,
            }
        }
        // OSC, DCS, SOS, PM, APC carry a payload: keep them visible.
        Some(b']' | b'P' | b'X' | b'^' | b'_') => Escape::Text,
        // Other escapes: intermediates (0x20–0x2F), then a final byte (0x30–0x7E).
        Some(_) => {
            let mut j = 1;
            while j < s.len() && j < 8 && (0x20..=0x2f).contains(&s[j]) {
                j += 1;
            }
            match s.get(j) {
                Some(b) if (0x30..=0x7e).contains(b) => Escape::Len(j + 1),
                None if j < 8 => Escape::Unfinished,
                _ => Escape::Text,
            }
        }
    }
}

/// Removes the escape sequences from a pattern, as the projection does to output.
pub(crate) fn strip(s: &[u8]) -> Vec<u8> {
    Projection::new(s, true).text().to_vec()
}

/// `text` with the line breaks of wrapped encodings removed, and for each byte its index in
/// `text`; `None` when no line looks like one (the common case: nothing to join).
///
/// A line break joins when the line before it is exactly a wrap width long and consists of
/// base64 or hex characters only: the next line may continue the same encoding. `carried` is
/// the start of the first line, already emitted (`None`: longer than any wrap width).
pub(crate) fn join_wrapped(text: &[u8], carried: Option<&[u8]>) -> Option<(Vec<u8>, Vec<usize>)> {
    let mut breaks: Vec<(usize, usize)> = Vec::new();
    let mut line_start = 0;
    let mut before: Option<&[u8]> = carried;
    for n in memchr::memchr_iter(b'\n', text) {
        let mut end = n;
        if end > line_start && text[end - 1] == b'\r' {
            end -= 1;
        }
        let line = &text[line_start..end];
        if let Some(before) = before {
            let len = before.len() + line.len();
            if WRAP_WIDTHS.contains(&len) && before.iter().chain(line).all(|b| encoding_byte(*b)) {
                breaks.push((end, n + 1));
            }
        }
        line_start = n + 1;
        before = Some(&[]);
    }
    if breaks.is_empty() {
        return None;
    }
    let mut joined = Vec::with_capacity(text.len());
    let mut at = Vec::with_capacity(text.len());
    let mut from = 0;
    for (cut, resume) in breaks {
        joined.extend_from_slice(&text[from..cut]);
        at.extend(from..cut);
        from = resume;
    }
    joined.extend_from_slice(&text[from..]);
    at.extend(from..text.len());
    Some((joined, at))
}

/// The start of the line that continues after `text` (its visible bytes), given the start
/// of the line `text` began in; `None` once it is longer than any wrap width.
pub(crate) fn line_tail(carried: Option<&[u8]>, text: &[u8]) -> Option<Vec<u8>> {
    let tail = match memchr::memrchr(b'\n', text) {
        Some(nl) => text[nl + 1..].to_vec(),
        None => {
            let mut t = carried?.to_vec();
            t.extend_from_slice(text);
            t
        }
    };
    (tail.len() <= MAX_WIDTH + 1).then_some(tail)
}

const MAX_WIDTH: usize = 76;

fn encoding_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'-' | b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_are_invisible_and_mapped_back() {
        let raw = b"a\x1b[1;31mb\x1b(Bc\x1b]8;;u\x07d\x1b[";
        let p = Projection::new(raw, false);
        assert_eq!(p.text(), b"abc\x1b]8;;u\x07d");
        assert_eq!(p.start(1), 8);
        assert_eq!(p.end_of(2), 13);
        assert_eq!(
            p.start(p.text().len()),
            raw.len() - 2,
            "the unfinished CSI is held"
        );
        assert_eq!(Projection::new(raw, true).text().last(), Some(&b'['));
        assert!(matches!(
            Projection::new(b"plain", false),
            Projection::Same(_)
        ));
    }

    #[test]
    fn joins_only_full_width_encoded_lines() {
        let line = "QUJD".repeat(19); // 76 characters
        let text = format!("{line}\r\nRA==\nshort\nmore\n");
        let (joined, at) = join_wrapped(text.as_bytes(), Some(b"")).unwrap();
        assert_eq!(joined, format!("{line}RA==\nshort\nmore\n").as_bytes());
        assert_eq!(at[76], 78);
        assert!(join_wrapped(b"no wrapped lines here\n", Some(b"")).is_none());
        // The start of the first line was emitted earlier: it still counts.
        let (joined, _) = join_wrapped(
            format!("{}\nRA==", &line[10..]).as_bytes(),
            Some(&line.as_bytes()[..10]),
        )
        .unwrap();
        assert_eq!(joined, format!("{}RA==", &line[10..]).as_bytes());
        assert_eq!(line_tail(Some(b"ab"), b"cd"), Some(b"abcd".to_vec()));
        assert_eq!(line_tail(None, b"x\nyz"), Some(b"yz".to_vec()));
        assert_eq!(line_tail(None, b"yz"), None);
    }
}
