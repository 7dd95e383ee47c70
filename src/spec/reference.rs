//! `$NAME` and `${NAME}` in env values: what they mean (the value of `NAME` in the env built
//! so far, empty when unset), `$$` for a literal `$`, and which texts are malformed. One
//! function expands and one checks, so `check` refuses exactly what `run` could not read.

/// A malformed reference: its byte offset in the text and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferenceError {
    pub offset: usize,
    pub message: String,
}

fn name_start(c: u8) -> bool {
    c == b'_' || c.is_ascii_alphabetic()
}

fn name_char(c: u8) -> bool {
    c == b'_' || c.is_ascii_alphanumeric()
}

/// One piece of an env value.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece<'a> {
    Text(&'a str),
    Var(&'a str),
}

/// Splits `text` into literal text and variable references. `$$` is one `$`; a `$` not
/// followed by a name, `{` or `$` is itself (`cost $5`, `a$`).
fn pieces(text: &str) -> Result<Vec<Piece<'_>>, ReferenceError> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let (mut i, mut lit) = (0, 0);
    while i < b.len() {
        if b[i] != b'$' {
            i += 1;
            continue;
        }
        let next = b.get(i + 1).copied();
        match next {
            Some(b'$') => {
                out.push(Piece::Text(&text[lit..=i]));
                i += 2;
                lit = i;
            }
            Some(b'{') => {
                let start = i + 2;
                let Some(len) = text[start..].find('}') else {
                    return Err(ReferenceError {
                        offset: i,
                        message: "`${` is not closed by `}`".into(),
                    });
                };
                let name = &text[start..start + len];
                let ok = name.bytes().next().is_some_and(name_start) && name.bytes().all(name_char);
                if !ok {
                    return Err(ReferenceError {
                        offset: i,
                        message: format!("`${{{name}}}` is not a variable reference"),
                    });
                }
                out.push(Piece::Text(&text[lit..i]));
                out.push(Piece::Var(name));
                i = start + len + 1;
                lit = i;
            }
            Some(c) if name_start(c) => {
                let mut end = i + 1;
                while end < b.len() && name_char(b[end]) {
                    end += 1;
                }
                out.push(Piece::Text(&text[lit..i]));
                out.push(Piece::Var(&text[i + 1..end]));
                i = end;
                lit = i;
            }
            _ => i += 1,
        }
    }
    out.push(Piece::Text(&text[lit..]));
    Ok(out)
}

/// Checks the references of an env value (`check` reports the error where it stands).
pub fn check_references(text: &str) -> Result<(), ReferenceError> {
    pieces(text).map(|_| ())
}

/// The names `text` reads, in order (none when it is malformed).
pub fn referenced_names(text: &str) -> Vec<&str> {
    pieces(text)
        .map(|ps| {
            ps.into_iter()
                .filter_map(|p| match p {
                    Piece::Var(n) => Some(n),
                    Piece::Text(_) => None,
                })
                .collect()
        })
        .unwrap_or_default()
}

/// `text` with every reference replaced by `lookup(name)` (empty when `None`) and `$$` by
/// `$`. A malformed text (refused by `check`) is returned as it is.
pub fn expand<'a>(text: &str, lookup: impl Fn(&str) -> Option<&'a str>) -> String {
    let Ok(ps) = pieces(text) else {
        return text.to_string();
    };
    let mut out = String::with_capacity(text.len());
    for p in ps {
        match p {
            Piece::Text(t) => out.push_str(t),
            Piece::Var(n) => out.push_str(lookup(n).unwrap_or("")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Option<&'static str> {
        match name {
            "HOME" => Some("/home/me"),
            "PATH" => Some("/usr/bin"),
            "EMPTY" => Some(""),
            _ => None,
        }
    }

    #[test]
    fn references_expand_and_dollars_escape() {
        assert_eq!(
            expand("$HOME/.local/bin:$PATH", env),
            "/home/me/.local/bin:/usr/bin"
        );
        assert_eq!(expand("${HOME}x ${EMPTY}|$UNSET|", env), "/home/mex ||");
        assert_eq!(
            expand("cost $$5, $5, a$ and $", env),
            "cost $5, $5, a$ and $"
        );
        assert_eq!(expand("$$HOME ${HOME}_$HOME_x", env), "$HOME /home/me_");
        assert_eq!(expand("ünï$HOME", env), "ünï/home/me");
        assert_eq!(referenced_names("a $X ${Y} $$Z"), ["X", "Y"]);
    }

    #[test]
    fn malformed_references_are_located() {
        let e = check_references("ab ${HOME").unwrap_err();
        assert_eq!(
            (e.offset, e.message.as_str()),
            (3, "`${` is not closed by `}`")
        );
        let e = check_references("${VAR:-default}").unwrap_err();
        assert_eq!(e.message, "`${VAR:-default}` is not a variable reference");
        assert!(check_references("${}").is_err());
        assert!(check_references("$$ {x} $").is_ok());
    }
}
