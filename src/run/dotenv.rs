//! A `.env` parser: comments, `export`, single and double quotes, escapes in double quotes,
//! multi-line quoted values, and no `$` expansion (values mean exactly what they say).

use indexmap::IndexMap;

/// A parse error with its 1-based line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DotenvError {
    pub line: usize,
    pub message: String,
}

/// Parses dotenv text into ordered pairs; a later key overrides an earlier one.
pub(crate) fn parse(text: &str) -> Result<IndexMap<String, String>, DotenvError> {
    let mut out = IndexMap::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    let mut line = 1;
    let err = |line, message: &str| DotenvError {
        line,
        message: message.to_string(),
    };
    while i < chars.len() {
        // Leading blanks, blank lines and comment lines.
        while i < chars.len() && (chars[i] == ' ' || chars[i] == '\t' || chars[i] == '\r') {
            i += 1;
        }
        if i >= chars.len() {
            break;
        }
        if chars[i] == '\n' {
            line += 1;
            i += 1;
            continue;
        }
        if chars[i] == '#' {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
            continue;
        }
        let start_line = line;
        let mut key = String::new();
        while i < chars.len()
            && (chars[i].is_ascii_alphanumeric() || chars[i] == '_' || chars[i] == '.')
        {
            key.push(chars[i]);
            i += 1;
        }
        if key == "export" && i < chars.len() && (chars[i] == ' ' || chars[i] == '\t') {
            while i < chars.len() && (chars[i] == ' ' || chars[i] == '\t') {
                i += 1;
            }
            key.clear();
            while i < chars.len()
                && (chars[i].is_ascii_alphanumeric() || chars[i] == '_' || chars[i] == '.')
            {
                key.push(chars[i]);
                i += 1;
            }
        }
        if key.is_empty() || key.starts_with(|c: char| c.is_ascii_digit()) {
            return Err(err(
                start_line,
                "expected KEY=VALUE with a KEY of letters, digits and `_`",
            ));
        }
        while i < chars.len() && (chars[i] == ' ' || chars[i] == '\t') {
            i += 1;
        }
        if i >= chars.len() || chars[i] != '=' {
            // Not `key`: without `=`, what looked like a name may be a pasted value.
            return Err(err(
                start_line,
                "expected `KEY=VALUE` (the line is not shown: it may hold a secret)",
            ));
        }
        i += 1;
        while i < chars.len() && (chars[i] == ' ' || chars[i] == '\t') {
            i += 1;
        }
        let mut value = String::new();
        let quote = chars.get(i).copied().filter(|c| *c == '"' || *c == '\'');
        if let Some(q) = quote {
            i += 1;
            loop {
                let Some(&c) = chars.get(i) else {
                    return Err(err(
                        start_line,
                        &format!(
                            "`{key}`: the {} quote is never closed",
                            if q == '"' { "double" } else { "single" }
                        ),
                    ));
                };
                i += 1;
                if c == q {
                    break;
                }
                if c == '\n' {
                    line += 1;
                }
                if q == '"' && c == '\\' {
                    let Some(&e) = chars.get(i) else { continue };
                    i += 1;
                    match e {
                        'n' => value.push('\n'),
                        't' => value.push('\t'),
                        'r' => value.push('\r'),
                        '\\' | '"' | '$' | '`' => value.push(e),
                        '\n' => line += 1, // line continuation
                        other => {
                            value.push('\\');
                            value.push(other);
                        }
                    }
                } else {
                    value.push(c);
                }
            }
            // After the closing quote only blanks and a comment may follow.
            while i < chars.len() && (chars[i] == ' ' || chars[i] == '\t' || chars[i] == '\r') {
                i += 1;
            }
            if i < chars.len() && chars[i] != '\n' && chars[i] != '#' {
                return Err(err(
                    line,
                    &format!("`{key}`: unexpected text after the closing quote"),
                ));
            }
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else {
            // Unquoted: up to the end of line; ` #` starts a comment; surrounding blanks trimmed.
            let mut prev_blank = true;
            while i < chars.len() && chars[i] != '\n' {
                if chars[i] == '#' && prev_blank {
                    while i < chars.len() && chars[i] != '\n' {
                        i += 1;
                    }
                    break;
                }
                prev_blank = chars[i] == ' ' || chars[i] == '\t';
                value.push(chars[i]);
                i += 1;
            }
            value = value.trim_end_matches([' ', '\t', '\r']).to_string();
        }
        out.insert(key, value);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_usual_forms() {
        let text = "# comment\n\nA=1\nexport B = two words  # trailing\nC='single $HOME \\n'\nD=\"line\\nnext \\\"q\\\" \\$X\"\nE=\"multi\nline\"\nF=\nG=a#b\nexport=3\n";
        let env = parse(text).unwrap();
        assert_eq!(env["A"], "1");
        assert_eq!(env["B"], "two words");
        assert_eq!(env["C"], "single $HOME \\n");
        assert_eq!(env["D"], "line\nnext \"q\" $X");
        assert_eq!(env["E"], "multi\nline");
        assert_eq!(env["F"], "");
        assert_eq!(env["G"], "a#b");
        assert_eq!(env["export"], "3");
    }

    #[test]
    fn reports_errors_with_lines() {
        assert_eq!(parse("A=1\nB='open\n").unwrap_err().line, 2);
        assert_eq!(parse("A=1\n\nnot a pair\n").unwrap_err().line, 3);
        assert_eq!(parse("A=\"x\" y\n").unwrap_err().line, 1);
        assert!(parse("1A=x").is_err());
    }

    #[test]
    fn errors_never_show_a_value() {
        for text in [
            "ghp_pasted_token_value\n",
            "TOKEN ghp_pasted_token_value\n",
            "ghp_pasted_token_value x=1\n",
            "K=\"ghp_pasted_token_value\" trailing\n",
            "K='ghp_pasted_token_value\n",
        ] {
            let e = parse(text).unwrap_err();
            assert!(!e.message.contains("ghp_"), "{text:?}: {}", e.message);
        }
    }
}
