//! Output held back until it can be printed whole: a GitHub group or GitLab section of a step
//! that ran while other units printed too. Small output stays in memory; past `IN_MEMORY` it
//! goes to an unnamed temporary file, so a flooding parallel step costs disk, not memory.

use std::fs::File;
use std::io::{self, Seek, Write};

/// Bytes held in memory before the rest goes to a file.
const IN_MEMORY: usize = 64 * 1024;

#[derive(Default)]
pub(crate) struct Spill {
    file: Option<File>,
    /// What came after the file (or all of it while small, or when no file could be made).
    mem: Vec<u8>,
    /// A temporary file could not be created or written: keep the rest in memory.
    no_file: bool,
}

impl Spill {
    pub(crate) fn write(&mut self, bytes: &[u8]) {
        if let Some(f) = &mut self.file {
            if self.mem.is_empty() && f.write_all(bytes).is_ok() {
                return;
            }
            self.no_file = true;
        }
        self.mem.extend_from_slice(bytes);
        if self.file.is_none() && !self.no_file && self.mem.len() > IN_MEMORY {
            match tempfile::tempfile().and_then(|mut f| f.write_all(&self.mem).map(|()| f)) {
                Ok(f) => {
                    self.file = Some(f);
                    self.mem = Vec::new();
                }
                Err(_) => self.no_file = true,
            }
        }
    }

    /// Writes everything held, in order, to `out`; the file goes away with `self`.
    pub(crate) fn copy_to(self, out: &mut dyn Write) -> io::Result<()> {
        if let Some(mut f) = self.file {
            f.rewind()?;
            io::copy(&mut f, out)?;
        }
        out.write_all(&self.mem)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gives_back_what_it_got_in_order() {
        let mut s = Spill::default();
        let mut want = Vec::new();
        for i in 0..20_000 {
            let line = format!("line {i}\n");
            s.write(line.as_bytes());
            want.extend_from_slice(line.as_bytes());
        }
        assert!(s.file.is_some() && s.mem.is_empty());
        let mut got = Vec::new();
        s.copy_to(&mut got).unwrap();
        assert_eq!(got, want);
        let mut small = Spill::default();
        small.write(b"a\n");
        let mut got = Vec::new();
        small.copy_to(&mut got).unwrap();
        assert_eq!(got, b"a\n");
    }
}
