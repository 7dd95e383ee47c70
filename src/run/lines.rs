//! Cuts a byte stream at line ends: each read is passed on up to its last `\n` in one piece,
//! the partial line after it is carried over to the next read. So downstream (the masker, the
//! reporters) always sees whole lines, yet works per read rather than per line.

/// Longest partial line kept before it is passed on anyway (a progress bar without newlines).
const MAX_CARRY: usize = 1 << 20;

#[derive(Default)]
pub(crate) struct LineBuf {
    carry: Vec<u8>,
}

impl LineBuf {
    /// Feeds a chunk; calls `lines` with the complete lines it ends (each with its `\n`), if any.
    pub(crate) fn push(&mut self, chunk: &[u8], lines: &mut dyn FnMut(&[u8])) {
        match chunk.iter().rposition(|b| *b == b'\n') {
            Some(end) if self.carry.is_empty() => {
                lines(&chunk[..=end]);
                self.carry.extend_from_slice(&chunk[end + 1..]);
            }
            Some(end) => {
                self.carry.extend_from_slice(&chunk[..=end]);
                lines(&self.carry);
                self.carry.clear();
                self.carry.extend_from_slice(&chunk[end + 1..]);
            }
            None => self.carry.extend_from_slice(chunk),
        }
        if self.carry.len() > MAX_CARRY {
            self.flush(lines);
        }
    }

    /// Passes on what is left after the stream ended, as a line of its own.
    pub(crate) fn finish(&mut self, lines: &mut dyn FnMut(&[u8])) {
        if !self.carry.is_empty() {
            self.flush(lines);
        }
    }

    fn flush(&mut self, lines: &mut dyn FnMut(&[u8])) {
        self.carry.push(b'\n');
        lines(&self.carry);
        self.carry.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed(chunks: &[&[u8]]) -> Vec<String> {
        let mut b = LineBuf::default();
        let mut got = Vec::new();
        let mut take = |l: &[u8]| got.push(String::from_utf8_lossy(l).into_owned());
        for c in chunks {
            b.push(c, &mut take);
        }
        b.finish(&mut take);
        got
    }

    #[test]
    fn passes_whole_lines_per_read() {
        assert_eq!(
            feed(&[b"hel", b"lo\r\nwor", b"ld\n\nend"]),
            vec!["hello\r\n", "world\n\n", "end\n"]
        );
        assert_eq!(feed(&[b"a\nb\nc\n"]), vec!["a\nb\nc\n"]);
        assert_eq!(feed(&[b""]), Vec::<String>::new());
    }

    #[test]
    fn a_long_partial_line_is_passed_on_at_the_cap() {
        let big = vec![b'x'; MAX_CARRY + 1];
        let got = feed(&[&big, b"tail\n"]);
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].len(), MAX_CARRY + 2);
        assert_eq!(got[1], "tail\n");
    }
}
