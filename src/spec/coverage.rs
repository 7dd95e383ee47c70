//! The dialect of a job's `coverage:` regex: what both GitLab (RE2) and `cigen run` (the
//! regex crate) read the same way. Both lack backreferences and look-around and share the
//! Perl syntax; what only one reads is refused, so a figure never differs by runner:
//! - `x`, `u` and `R` flags (Rust only; RE2 has `i`, `m`, `s`, `U`);
//! - class set operations `[a&&b]`, `[a--b]`, `[a~~b]` and the boundaries `\<`, `\>`,
//!   `\b{start}` and the like (Rust only);
//! - Unicode classes `\p{..}` (their tables differ by version), and `\d`, `\w`, `\s`, `\b`
//!   are ASCII, as in RE2: the regex is compiled with Unicode off, over bytes;
//! - more than one capture group: readers disagree on which group holds the figure (GitLab
//!   flattens the groups and takes the last, gitlab-ci-local takes the first), so the spec
//!   allows one, and `(?:...)` for the rest.

use regex::bytes::{Regex, RegexBuilder};
use regex_syntax::ast::{self, AssertionKind, Ast, ClassSetBinaryOp, Flag};

/// The regex compiled as `cigen run` matches it, or why it is refused.
pub fn coverage_regex(pattern: &str) -> Result<Regex, String> {
    if pattern.is_empty() {
        return Err("is empty".into());
    }
    if pattern.len() > 1 && pattern.starts_with('/') && pattern.ends_with('/') {
        return Err(
            "is wrapped in `/.../`: cigen writes GitLab's slashes itself, write the regex alone"
                .into(),
        );
    }
    let tree = ast::parse::Parser::new()
        .parse(pattern)
        .map_err(|e| format!("does not parse: {}", e.kind()))?;
    ast::visit(&tree, Common)
        .map_err(|why| format!("uses {why}, which GitLab's RE2 does not read"))?;
    let re = RegexBuilder::new(pattern)
        .unicode(false)
        .build()
        .map_err(|e| match e {
            regex::Error::Syntax(s) if s.contains("Unicode") => {
                "uses Unicode classes (`\\p{..}` or a class that needs them): write ASCII classes such as `[0-9]`".to_string()
            }
            regex::Error::Syntax(s) => format!("does not compile: {}", s.lines().last().unwrap_or_default().trim()),
            regex::Error::CompiledTooBig(_) => "is too large".to_string(),
            _ => "does not compile".to_string(),
        })?;
    match re.captures_len() - 1 {
        0 | 1 => Ok(re),
        n => Err(format!(
            "has {n} capture groups: keep one around the figure and write the others as `(?:...)`"
        )),
    }
}

/// Finds what only the regex crate reads.
struct Common;

impl ast::Visitor for Common {
    type Output = ();
    type Err = &'static str;

    fn finish(self) -> Result<(), &'static str> {
        Ok(())
    }

    fn visit_pre(&mut self, a: &Ast) -> Result<(), &'static str> {
        let flags = match a {
            Ast::Flags(f) => Some(&f.flags),
            Ast::Group(g) => match &g.kind {
                ast::GroupKind::NonCapturing(f) => Some(f),
                _ => None,
            },
            Ast::Assertion(x) => {
                return match x.kind {
                    AssertionKind::StartLine
                    | AssertionKind::EndLine
                    | AssertionKind::StartText
                    | AssertionKind::EndText
                    | AssertionKind::WordBoundary
                    | AssertionKind::NotWordBoundary => Ok(()),
                    _ => Err("a word-start or word-end boundary (`\\<`, `\\>`, `\\b{start}`)"),
                }
            }
            _ => None,
        };
        for item in flags.map(|f| f.items.as_slice()).unwrap_or_default() {
            if let ast::FlagsItemKind::Flag(Flag::IgnoreWhitespace | Flag::Unicode | Flag::CRLF) =
                item.kind
            {
                return Err("the flag `x`, `u` or `R`");
            }
        }
        Ok(())
    }

    fn visit_class_set_binary_op_pre(&mut self, _: &ClassSetBinaryOp) -> Result<(), &'static str> {
        Err("a class set operation (`&&`, `--`, `~~`)")
    }
}

#[cfg(test)]
mod tests {
    use super::coverage_regex;

    #[test]
    fn the_common_dialect() {
        for ok in [
            r"TOTAL.*\s+(\d+%)$",
            r"^Lines:\s*(\d+\.\d+)%",
            r"(?i)coverage: (\d+)",
            r"All files[^|]*\|[^|]*\s+([\d\.]+)",
            r"(?P<pct>\d+)%",
        ] {
            assert!(
                coverage_regex(ok).is_ok(),
                "{ok}: {:?}",
                coverage_regex(ok).err()
            );
        }
        for (bad, why) in [
            ("", "empty"),
            (r"/TOTAL.*/", "slashes"),
            (r"(?x) a b", "flag"),
            (r"[a-z&&[^aeiou]]", "class set"),
            (r"\<word\>", "boundary"),
            (r"\p{Greek}", "Unicode"),
            (r"(a", "parse"),
            (r"(?=a)", "parse"),
            (r"(\w+)=(\d+)", "2 capture groups"),
        ] {
            let e = coverage_regex(bad).expect_err(bad);
            assert!(e.contains(why), "{bad}: {e}");
        }
    }

    #[test]
    fn perl_classes_are_ascii_as_in_re2() {
        let re = coverage_regex(r"(\d+)%").unwrap();
        assert!(re.is_match(b"87%"));
        // Arabic-Indic digits are digits to Unicode, not to RE2.
        assert!(!re.is_match("٨٧%".as_bytes()));
    }
}
