//! A fast first reading of a rendered output, line by line, for the self-check (`reader.rs`):
//! it gives saphyr's events for the plain block style cigen's built-in templates write, and
//! gives up (`Bail`) at the first thing outside it; the reader then reads the whole text
//! again with saphyr, whose verdict stands. So it never decides that a text is invalid, and
//! it accepts a construct only where its meaning is plain (`tests` compares its events with
//! saphyr's on random documents and on every output the examples render).
//!
//! Written by hand because saphyr (the parser specs are read with; the other Rust YAML
//! parsers measured within 20% of it) scans a character at a time: reading a 200-job
//! workflow and pipeline back took 90M of the 185M instructions of a cold `generate --check`
//! (scripts/bench-generate (a)), and takes 28M with this reader under the same fact-taking.
//! No crate reads a subset of YAML fast and says where it cannot.
//!
//! What it reads: block mappings and sequences indented with spaces; plain keys and values
//! on one line (no `: ` and no ` #` inside, no indicator first); single-quoted scalars,
//! continued over more-indented lines; double-quoted ones on one line with the escapes cigen
//! writes; `{}` and `[]`; comments. Anything else (tags, anchors, aliases, block scalars,
//! flow collections, `?` keys, document markers, tabs, control characters, non-ASCII
//! outside comments) gives up.

use std::borrow::Cow;
use std::collections::VecDeque;

use saphyr_parser::{Event, ScalarStyle};

/// The text is outside what this reader reads: read it with saphyr.
#[derive(Debug)]
pub(super) struct Bail;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Map,
    Seq,
}

pub(super) struct Lines<'t> {
    text: &'t str,
    /// Byte offset of the next line not yet read.
    pos: usize,
    /// Open block collections with the column of their entries.
    open: Vec<(Kind, usize)>,
    /// Events of the line read last, not yet given.
    queue: VecDeque<Event<'t>>,
    /// After `key:` or `-` with nothing after it: the column a nested node must be right of
    /// (else the value is null).
    pending: Option<usize>,
    started: bool,
    done: bool,
}

impl<'t> Lines<'t> {
    /// `None` when the text holds a byte this reader never reads (a control character, a
    /// tab, a carriage return, a byte-order mark).
    pub(super) fn new(text: &'t str) -> Option<Self> {
        let clean = clean(text.as_bytes()) && !text.starts_with('\u{feff}');
        clean.then(|| Lines {
            text,
            pos: 0,
            open: Vec::new(),
            queue: VecDeque::with_capacity(8),
            pending: None,
            started: false,
            done: false,
        })
    }

    pub(super) fn next_event(&mut self) -> Result<Event<'t>, Bail> {
        loop {
            if let Some(e) = self.queue.pop_front() {
                return Ok(e);
            }
            if self.done {
                return Ok(Event::StreamEnd);
            }
            match self.content_line() {
                Some((indent, content)) => self.line(indent, content)?,
                None => self.finish()?,
            }
        }
    }

    /// The next raw line, without its newline.
    fn raw_line(&mut self) -> Option<&'t str> {
        if self.pos >= self.text.len() {
            return None;
        }
        let rest = &self.text[self.pos..];
        let end = memchr::memchr(b'\n', rest.as_bytes()).unwrap_or(rest.len());
        self.pos += (end + 1).min(rest.len());
        Some(&rest[..end])
    }

    /// The next line that holds a node: its indentation and the rest. Blank lines and
    /// comment lines are passed over.
    fn content_line(&mut self) -> Option<(usize, &'t str)> {
        while let Some(line) = self.raw_line() {
            let content = line.trim_start_matches(' ');
            if content.is_empty() || content.starts_with('#') {
                continue;
            }
            return Some((line.len() - content.len(), content));
        }
        None
    }

    fn finish(&mut self) -> Result<(), Bail> {
        if !self.started {
            return Err(Bail);
        }
        if self.pending.take().is_some() {
            self.queue.push_back(empty());
        }
        while let Some((kind, _)) = self.open.pop() {
            self.queue.push_back(end(kind));
        }
        self.queue.push_back(Event::DocumentEnd);
        self.done = true;
        Ok(())
    }

    fn line(&mut self, indent: usize, content: &'t str) -> Result<(), Bail> {
        if indent == 0 && (content.starts_with("---") || content.starts_with("...")) {
            return Err(Bail);
        }
        let seq = content == "-" || content.starts_with("- ");
        let kind = if seq { Kind::Seq } else { Kind::Map };
        if !self.started {
            if indent != 0 || seq {
                return Err(Bail);
            }
            self.started = true;
            self.queue
                .extend([Event::StreamStart, Event::DocumentStart(false)]);
            self.begin(kind, indent);
        } else if let Some(parent) = self.pending.take() {
            if indent > parent && !seq && !is_key(content) {
                // The value on a line of its own (`{}` under `pull_request:`).
                return self.value(parent, content);
            }
            if indent > parent {
                self.begin(kind, indent);
            } else {
                self.queue.push_back(empty());
                self.close_to(indent, kind)?;
            }
        } else {
            self.close_to(indent, kind)?;
        }
        if seq {
            self.item(indent, &content[1..])
        } else {
            self.entry(indent, content)
        }
    }

    fn begin(&mut self, kind: Kind, indent: usize) {
        self.queue.push_back(start(kind));
        self.open.push((kind, indent));
    }

    /// Ends the collections right of `indent`; the one left must take an entry of `kind`
    /// at `indent`.
    fn close_to(&mut self, indent: usize, kind: Kind) -> Result<(), Bail> {
        while let Some(&(k, at)) = self.open.last() {
            if at <= indent {
                break;
            }
            self.open.pop();
            self.queue.push_back(end(k));
        }
        match self.open.last() {
            Some(&(k, at)) if at == indent && k == kind => Ok(()),
            _ => Err(Bail),
        }
    }

    /// A sequence entry at `indent`, `rest` after its `-`.
    fn item(&mut self, indent: usize, rest: &'t str) -> Result<(), Bail> {
        let node = rest.trim_start_matches(' ');
        if node.is_empty() || node.starts_with('#') {
            self.pending = Some(indent);
            return Ok(());
        }
        if node == "-" || node.starts_with("- ") {
            return Err(Bail);
        }
        let column = indent + 1 + (rest.len() - node.len());
        if is_key(node) {
            self.begin(Kind::Map, column);
            return self.entry(column, node);
        }
        self.value(indent, node)
    }

    /// A mapping entry at `indent`.
    fn entry(&mut self, indent: usize, content: &'t str) -> Result<(), Bail> {
        let (key, rest) = match content.as_bytes()[0] {
            b'\'' | b'"' => {
                let (key, after) = quoted_on_line(content)?;
                let rest = after.strip_prefix(':').ok_or(Bail)?;
                if !(rest.is_empty() || rest.starts_with(' ')) {
                    return Err(Bail);
                }
                (key, rest)
            }
            _ => {
                let end = key_end(content).ok_or(Bail)?;
                let key = &content[..end];
                if key.len() > 1000
                    || key.ends_with(' ')
                    || comment_start(key).is_some()
                    || !plain_ok(key)
                {
                    return Err(Bail);
                }
                (plain(key), &content[end + 1..])
            }
        };
        self.queue.push_back(key);
        let value = rest.trim_start_matches(' ');
        if value.is_empty() || value.starts_with('#') {
            self.pending = Some(indent);
            return Ok(());
        }
        self.value(indent, value)
    }

    /// A value that starts on this line (`node`, in a collection at `indent`).
    fn value(&mut self, indent: usize, node: &'t str) -> Result<(), Bail> {
        for (open, kind) in [("{}", Kind::Map), ("[]", Kind::Seq)] {
            if let Some(after) = node.strip_prefix(open) {
                if !tail_ok(after) {
                    return Err(Bail);
                }
                self.queue.extend([start(kind), end(kind)]);
                return Ok(());
            }
        }
        let scalar = match node.as_bytes()[0] {
            b'\'' => self.single_quoted(indent, node)?,
            b'"' => {
                let (scalar, after) = quoted_on_line(node)?;
                if !tail_ok(after) {
                    return Err(Bail);
                }
                scalar
            }
            _ => {
                let text = match comment_start(node) {
                    Some(i) => &node[..i],
                    None => node,
                }
                .trim_end_matches(' ');
                if !plain_ok(text) || text.ends_with(':') {
                    return Err(Bail);
                }
                plain(text)
            }
        };
        self.queue.push_back(scalar);
        Ok(())
    }

    /// A single-quoted scalar from `node` on, continued on lines right of `indent`: each
    /// line break with the spaces around it folds into one space.
    fn single_quoted(&mut self, indent: usize, node: &'t str) -> Result<Event<'t>, Bail> {
        let mut owned: Option<String> = None;
        let mut part = &node[1..];
        loop {
            let bytes = part.as_bytes();
            let mut start = 0;
            let mut i = 0;
            while i < bytes.len() {
                match bytes[i] {
                    0x80.. => return Err(Bail),
                    b'\'' if bytes.get(i + 1) == Some(&b'\'') => {
                        owned
                            .get_or_insert_with(String::new)
                            .push_str(&part[start..=i]);
                        i += 2;
                        start = i;
                    }
                    b'\'' => {
                        if !tail_ok(&part[i + 1..]) {
                            return Err(Bail);
                        }
                        let value = match owned {
                            Some(mut s) => {
                                s.push_str(&part[start..i]);
                                Cow::Owned(s)
                            }
                            None => Cow::Borrowed(&part[start..i]),
                        };
                        return Ok(Event::Scalar(value, ScalarStyle::SingleQuoted, 0, None));
                    }
                    _ => i += 1,
                }
            }
            // The line ends inside the quotes: the next one must go on, right of `indent`.
            let s = owned.get_or_insert_with(String::new);
            s.push_str(part[start..].trim_end_matches(' '));
            let next = self.raw_line().ok_or(Bail)?;
            let more = next.trim_start_matches(' ');
            if more.is_empty() || next.len() - more.len() <= indent {
                return Err(Bail);
            }
            s.push(' ');
            part = more;
        }
    }
}

/// Whether `bytes` hold no control character but line feeds: eight bytes at a time (a word
/// with a byte below 0x20 or a DEL is looked at byte by byte; most such words hold a line
/// feed). The byte-wise loop was a tenth of reading a workflow back.
fn clean(bytes: &[u8]) -> bool {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    let ok = |b: &u8| (*b >= 0x20 && *b != 0x7f) || *b == b'\n';
    let mut words = bytes.chunks_exact(8);
    for word in &mut words {
        let w = u64::from_ne_bytes(word.try_into().unwrap_or([0; 8]));
        // A byte below 0x20, or equal to 0x7f (a zero after xor), sets a high bit here (the
        // classic test for a zero byte: exact as a test of the whole word).
        let low = w.wrapping_sub(ONES * 0x20) & !w & HIGH;
        let d = w ^ (ONES * 0x7f);
        let del = d.wrapping_sub(ONES) & !d & HIGH;
        if (low | del) != 0 && !word.iter().all(ok) {
            return false;
        }
    }
    words.remainder().iter().all(ok)
}

fn start(kind: Kind) -> Event<'static> {
    match kind {
        Kind::Map => Event::MappingStart(0, None),
        Kind::Seq => Event::SequenceStart(0, None),
    }
}

fn end(kind: Kind) -> Event<'static> {
    match kind {
        Kind::Map => Event::MappingEnd,
        Kind::Seq => Event::SequenceEnd,
    }
}

/// A null node: what saphyr gives for a key or `-` with nothing after it.
fn empty<'t>() -> Event<'t> {
    Event::Scalar(Cow::Borrowed(""), ScalarStyle::Plain, 0, None)
}

fn plain(text: &str) -> Event<'_> {
    Event::Scalar(Cow::Borrowed(text), ScalarStyle::Plain, 0, None)
}

/// Whether a node is a mapping's first key: a quoted scalar with `:` and a space (or the
/// line's end) after it, or plain text with such a `:`.
fn is_key(node: &str) -> bool {
    match node.as_bytes()[0] {
        b'\'' | b'"' => quoted_on_line(node).is_ok_and(|(_, after)| {
            after
                .strip_prefix(':')
                .is_some_and(|r| r.is_empty() || r.starts_with(' '))
        }),
        _ => key_end(node).is_some(),
    }
}

/// Where a plain key ends: the first `:` followed by a space or the end of the line.
fn key_end(content: &str) -> Option<usize> {
    let bytes = content.as_bytes();
    memchr::memchr_iter(b':', bytes).find(|&i| matches!(bytes.get(i + 1), None | Some(b' ')))
}

/// Whether `text` is a plain scalar that means itself here: it starts with no indicator,
/// holds no `: ` (which would make it a key), and is ASCII.
fn plain_ok(text: &str) -> bool {
    let Some(&first) = text.as_bytes().first() else {
        return false;
    };
    let bytes = text.as_bytes();
    (first.is_ascii_alphanumeric()
        || matches!(first, b'_' | b'.' | b'/' | b'$' | b'(' | b'+' | b'~' | b'='))
        && text.is_ascii()
        && !memchr::memchr_iter(b':', bytes).any(|i| bytes.get(i + 1) == Some(&b' '))
}

/// Where ` #` (a comment after a value) starts in `text`.
fn comment_start(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    memchr::memchr_iter(b'#', bytes)
        .find(|&i| i > 0 && bytes[i - 1] == b' ')
        .map(|i| i - 1)
}

/// What may follow a scalar or `{}` on its line: nothing, or a comment after a space.
fn tail_ok(after: &str) -> bool {
    let rest = after.trim_start_matches(' ');
    rest.is_empty() || (rest.starts_with('#') && rest.len() < after.len())
}

/// A quoted scalar that ends on its line, and the text after its closing quote. Double
/// quotes take the escapes cigen writes (`\\ \" \n \t \r \/ \0 \uXXXX`); any other gives up.
fn quoted_on_line(s: &str) -> Result<(Event<'_>, &str), Bail> {
    let quote = s.as_bytes()[0];
    let body = &s[1..];
    let bytes = body.as_bytes();
    let mut owned: Option<String> = None;
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b >= 0x80 {
            return Err(Bail);
        }
        if b == quote {
            if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') {
                owned
                    .get_or_insert_with(String::new)
                    .push_str(&body[start..=i]);
                i += 2;
                start = i;
                continue;
            }
            let value = match owned {
                Some(mut o) => {
                    o.push_str(&body[start..i]);
                    Cow::Owned(o)
                }
                None => Cow::Borrowed(&body[start..i]),
            };
            let style = if quote == b'\'' {
                ScalarStyle::SingleQuoted
            } else {
                ScalarStyle::DoubleQuoted
            };
            return Ok((Event::Scalar(value, style, 0, None), &body[i + 1..]));
        }
        if b == b'\\' && quote == b'"' {
            let o = owned.get_or_insert_with(String::new);
            o.push_str(&body[start..i]);
            let (c, len) = match bytes.get(i + 1) {
                Some(b'\\') => ('\\', 2),
                Some(b'"') => ('"', 2),
                Some(b'n') => ('\n', 2),
                Some(b't') => ('\t', 2),
                Some(b'r') => ('\r', 2),
                Some(b'/') => ('/', 2),
                Some(b'0') => ('\0', 2),
                Some(b'u') => {
                    let hex = body.get(i + 2..i + 6).ok_or(Bail)?;
                    if !hex.bytes().all(|h| h.is_ascii_hexdigit()) {
                        return Err(Bail);
                    }
                    let code = u32::from_str_radix(hex, 16).map_err(|_| Bail)?;
                    (char::from_u32(code).ok_or(Bail)?, 6)
                }
                _ => return Err(Bail),
            };
            o.push(c);
            i += len;
            start = i;
            continue;
        }
        i += 1;
    }
    Err(Bail)
}

#[cfg(test)]
mod tests;
