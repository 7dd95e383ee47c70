//! The last lines of a step's output, bounded in lines and in bytes: what a failure recap,
//! an `::error` annotation or a JUnit case repeats. A step may print gigabytes; this keeps
//! at most twice `MAX_BYTES` of it, whatever the volume.

/// Bytes of recent output kept per step (enough for hundreds of ordinary lines).
const MAX_BYTES: usize = 64 * 1024;

pub(crate) struct Tail {
    /// Recent output: whole lines, except that the first one may have lost its start.
    text: String,
    lines: usize,
    /// Output was dropped from the front.
    cut: bool,
}

impl Tail {
    /// Keeps the last `lines` lines (and at most `MAX_BYTES` of them).
    pub(crate) fn new(lines: usize) -> Self {
        Tail {
            text: String::new(),
            lines,
            cut: false,
        }
    }

    /// Adds whole lines (an `Output` event's text).
    pub(crate) fn push(&mut self, text: &str) {
        self.text.push_str(text);
        // Trimmed in batches, so a flood costs a copy now and then, not one per read.
        if self.text.len() > 2 * MAX_BYTES {
            let at = floor_boundary(&self.text, self.text.len() - MAX_BYTES);
            self.text.drain(..at);
            self.cut = true;
        }
    }

    /// The kept lines, oldest first, without line ends. A line longer than the byte bound
    /// keeps its end, marked with a leading `…`.
    pub(crate) fn lines(&self) -> Vec<String> {
        let mut text = self.text.as_str();
        let mut cut = self.cut;
        if text.len() > MAX_BYTES {
            text = &text[floor_boundary(text, text.len() - MAX_BYTES)..];
            cut = true;
        }
        let mut all: Vec<&str> = text.lines().collect();
        let mut first_partial = cut;
        if cut && all.len() > 1 {
            all.remove(0);
            first_partial = false;
        }
        let skip = all.len().saturating_sub(self.lines);
        all.iter()
            .enumerate()
            .skip(skip)
            .map(|(i, l)| {
                if i == 0 && first_partial {
                    format!("…{l}")
                } else {
                    l.to_string()
                }
            })
            .collect()
    }
}

/// The largest char boundary at or below `i`.
fn floor_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_last_lines() {
        let mut t = Tail::new(2);
        t.push("a\nb\r\n");
        t.push("c\n");
        assert_eq!(t.lines(), ["b", "c"]);
        assert!(Tail::new(3).lines().is_empty());
    }

    #[test]
    fn a_flood_keeps_a_bounded_tail() {
        let mut t = Tail::new(3);
        let chunk = "é line\n".repeat(2000);
        for _ in 0..200 {
            t.push(&chunk);
            assert!(t.text.len() <= 2 * MAX_BYTES + chunk.len());
        }
        t.push("last\n");
        assert_eq!(t.lines(), ["é line", "é line", "last"]);
    }

    #[test]
    fn one_huge_line_keeps_its_end() {
        let mut t = Tail::new(5);
        t.push(&format!("{}end\n", "x".repeat(3 * MAX_BYTES)));
        let lines = t.lines();
        assert_eq!(lines.len(), 1);
        assert!(lines[0].starts_with('…') && lines[0].ends_with("xend"));
        assert!(lines[0].len() <= MAX_BYTES + 3);
    }
}
