//! A job's coverage figure, found in its output as GitLab finds it (`lib/gitlab/ci/trace`):
//! on the last line with a match that yields one, the last match's capture group (the regex
//! has at most one, `spec/coverage.rs`; the whole match when it has none or the group took no
//! part, as gitlab-ci-local reads it), and in it the first number, `\d+(\.\d+)?`.
//! Lines are fed as they are read, so memory does not grow with output: only the figure
//! of the latest line that had one is kept.

use regex::bytes::Regex;

use super::events::lines;

pub(crate) struct CoverageScan {
    re: Regex,
    figure: Option<f64>,
}

impl CoverageScan {
    pub(crate) fn new(re: Regex) -> Self {
        CoverageScan { re, figure: None }
    }

    /// Feeds whole lines of (masked) output.
    pub(crate) fn feed(&mut self, text: &str) {
        for line in lines(text) {
            if let Some(f) = self.figure_of(line.as_bytes()) {
                self.figure = Some(f);
            }
        }
    }

    pub(crate) fn figure(&self) -> Option<f64> {
        self.figure
    }

    fn figure_of(&self, line: &[u8]) -> Option<f64> {
        let last = self.re.captures_iter(line).last()?;
        let fragment = last.get(1).or_else(|| last.get(0))?.as_bytes();
        first_number(fragment)
    }
}

/// The first `\d+(\.\d+)?` in `text`, as a number (leading zeros go, as on GitLab).
fn first_number(text: &[u8]) -> Option<f64> {
    let start = text.iter().position(u8::is_ascii_digit)?;
    let rest = &text[start..];
    let int = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    let mut end = int;
    if rest.get(int) == Some(&b'.') {
        let frac = rest[int + 1..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        if frac > 0 {
            end = int + 1 + frac;
        }
    }
    std::str::from_utf8(&rest[..end]).ok()?.parse().ok()
}

/// `87.5%`, `100%`: the figure as GitLab shows it.
pub(crate) fn percent(f: f64) -> String {
    format!("{f}%")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::coverage_regex;

    fn scan(re: &str, out: &str) -> Option<f64> {
        let mut s = CoverageScan::new(coverage_regex(re).unwrap());
        s.feed(out);
        s.figure()
    }

    #[test]
    fn the_last_line_with_a_figure_wins() {
        let out = "TOTAL 10 2 80%\nmore\nTOTAL 20 1 95%\nTOTAL no figure\n";
        assert_eq!(scan(r"TOTAL.*\s+(\d+%)$", out), Some(95.0));
        assert_eq!(scan(r"^TOTAL.*", out), Some(20.0));
    }

    #[test]
    fn groups_matches_and_numbers() {
        // The last match of a line, its last group, the first number in it.
        assert_eq!(scan(r"(?:\w+)=(\d+\.\d+)", "a=1.5 b=07.25\n"), Some(7.25));
        // The group took no part in the last match: the whole match (`none 4`).
        assert_eq!(scan(r"cov (\d+)|none \d", "cov 3 none 4\n"), Some(4.0));
        assert_eq!(scan(r"Lines: (.*)", "Lines: 12.5.3%\n"), Some(12.5));
        assert_eq!(scan(r"x", "nothing here\n"), None);
        assert_eq!(percent(87.0), "87%");
        assert_eq!(percent(87.5), "87.5%");
    }
}
