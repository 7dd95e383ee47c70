//! Splits a byte stream into complete lines, carrying partial lines over between chunks so a
//! secret split across two reads is still seen whole by the masker.

/// Longest partial line kept before it is emitted anyway (a progress bar without newlines).
const MAX_CARRY: usize = 1 << 20;

#[derive(Default)]
pub(crate) struct LineBuf {
    carry: Vec<u8>,
}

impl LineBuf {
    /// Feeds a chunk; calls `line` for every completed line (without `\n` / `\r\n`).
    pub(crate) fn push(&mut self, chunk: &[u8], line: &mut dyn FnMut(String)) {
        let mut rest = chunk;
        while let Some(pos) = rest.iter().position(|b| *b == b'\n') {
            self.carry.extend_from_slice(&rest[..pos]);
            rest = &rest[pos + 1..];
            line(Self::text(&std::mem::take(&mut self.carry)));
        }
        self.carry.extend_from_slice(rest);
        if self.carry.len() > MAX_CARRY {
            line(Self::text(&std::mem::take(&mut self.carry)));
        }
    }

    /// Emits what is left after the stream ended.
    pub(crate) fn finish(&mut self, line: &mut dyn FnMut(String)) {
        if !self.carry.is_empty() {
            line(Self::text(&std::mem::take(&mut self.carry)));
        }
    }

    fn text(bytes: &[u8]) -> String {
        let b = bytes.strip_suffix(b"\r").unwrap_or(bytes);
        String::from_utf8_lossy(b).into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_split_chunks() {
        let mut b = LineBuf::default();
        let mut got = Vec::new();
        b.push(b"hel", &mut |l| got.push(l));
        b.push(b"lo\r\nwor", &mut |l| got.push(l));
        b.push(b"ld\n\nend", &mut |l| got.push(l));
        b.finish(&mut |l| got.push(l));
        assert_eq!(got, vec!["hello", "world", "", "end"]);
    }
}
