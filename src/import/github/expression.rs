//! A parser for GitHub Actions expressions (the text of `if:` and `${{ }}`), enough to read
//! conditions: literals, context paths, function calls, `!`, comparisons, `&&`, `||`.
//!
//! Written by hand because no crate parses this small language; precedence follows GitHub's
//! documentation (`!` > comparisons > `&&` > `||`).

/// A parsed expression.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expr {
    Str(String),
    Num(String),
    Bool(bool),
    Null,
    /// A context path, `github.ref` or `matrix['os']` as `["matrix", "os"]`.
    Path(Vec<String>),
    Call(String, Vec<Expr>),
    Not(Box<Expr>),
    Cmp(Box<Expr>, CmpOp, Box<Expr>),
    And(Vec<Expr>),
    Or(Vec<Expr>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Str(String),
    Num(String),
    Ident(String),
    Dot,
    LBracket,
    RBracket,
    LParen,
    RParen,
    Comma,
    Not,
    And,
    Or,
    Op(CmpOp),
}

fn lex(text: &str) -> Option<Vec<Tok>> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        match c {
            c if c.is_whitespace() => i += 1,
            '\'' => {
                let mut s = String::new();
                i += 1;
                loop {
                    match (chars.get(i), chars.get(i + 1)) {
                        (Some('\''), Some('\'')) => {
                            s.push('\'');
                            i += 2;
                        }
                        (Some('\''), _) => {
                            i += 1;
                            break;
                        }
                        (Some(c), _) => {
                            s.push(*c);
                            i += 1;
                        }
                        (None, _) => return None,
                    }
                }
                out.push(Tok::Str(s));
            }
            '.' => {
                out.push(Tok::Dot);
                i += 1;
            }
            '[' => {
                out.push(Tok::LBracket);
                i += 1;
            }
            ']' => {
                out.push(Tok::RBracket);
                i += 1;
            }
            '(' => {
                out.push(Tok::LParen);
                i += 1;
            }
            ')' => {
                out.push(Tok::RParen);
                i += 1;
            }
            ',' => {
                out.push(Tok::Comma);
                i += 1;
            }
            '!' if next == Some('=') => {
                out.push(Tok::Op(CmpOp::Ne));
                i += 2;
            }
            '!' => {
                out.push(Tok::Not);
                i += 1;
            }
            '=' if next == Some('=') => {
                out.push(Tok::Op(CmpOp::Eq));
                i += 2;
            }
            '<' | '>' => {
                let eq = next == Some('=');
                out.push(Tok::Op(match (c, eq) {
                    ('<', false) => CmpOp::Lt,
                    ('<', true) => CmpOp::Le,
                    ('>', false) => CmpOp::Gt,
                    _ => CmpOp::Ge,
                }));
                i += if eq { 2 } else { 1 };
            }
            '&' if next == Some('&') => {
                out.push(Tok::And);
                i += 2;
            }
            '|' if next == Some('|') => {
                out.push(Tok::Or);
                i += 2;
            }
            c if c.is_ascii_digit() || (c == '-' && next.is_some_and(|n| n.is_ascii_digit())) => {
                let start = i;
                i += 1;
                while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '.') {
                    i += 1;
                }
                out.push(Tok::Num(chars[start..i].iter().collect()));
            }
            c if c.is_ascii_alphabetic() || c == '_' => {
                let start = i;
                while i < chars.len()
                    && (chars[i].is_ascii_alphanumeric() || chars[i] == '_' || chars[i] == '-')
                {
                    i += 1;
                }
                out.push(Tok::Ident(chars[start..i].iter().collect()));
            }
            '*' => {
                out.push(Tok::Ident("*".into()));
                i += 1;
            }
            _ => return None,
        }
    }
    Some(out)
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }

    fn eat(&mut self, t: &Tok) -> bool {
        if self.peek() == Some(t) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn or(&mut self) -> Option<Expr> {
        let mut items = vec![self.and()?];
        while self.eat(&Tok::Or) {
            items.push(self.and()?);
        }
        Some(if items.len() == 1 {
            items.remove(0)
        } else {
            Expr::Or(items)
        })
    }

    fn and(&mut self) -> Option<Expr> {
        let mut items = vec![self.cmp()?];
        while self.eat(&Tok::And) {
            items.push(self.cmp()?);
        }
        Some(if items.len() == 1 {
            items.remove(0)
        } else {
            Expr::And(items)
        })
    }

    fn cmp(&mut self) -> Option<Expr> {
        let left = self.unary()?;
        if let Some(Tok::Op(op)) = self.peek().cloned() {
            self.pos += 1;
            let right = self.unary()?;
            return Some(Expr::Cmp(Box::new(left), op, Box::new(right)));
        }
        Some(left)
    }

    fn unary(&mut self) -> Option<Expr> {
        if self.eat(&Tok::Not) {
            return Some(Expr::Not(Box::new(self.unary()?)));
        }
        self.primary()
    }

    fn primary(&mut self) -> Option<Expr> {
        match self.peek().cloned()? {
            Tok::Str(s) => {
                self.pos += 1;
                Some(Expr::Str(s))
            }
            Tok::Num(n) => {
                self.pos += 1;
                Some(Expr::Num(n))
            }
            Tok::LParen => {
                self.pos += 1;
                let e = self.or()?;
                self.eat(&Tok::RParen).then_some(e)
            }
            Tok::Ident(name) => {
                self.pos += 1;
                match name.as_str() {
                    "true" => return Some(Expr::Bool(true)),
                    "false" => return Some(Expr::Bool(false)),
                    "null" => return Some(Expr::Null),
                    _ => {}
                }
                if self.eat(&Tok::LParen) {
                    let mut args = Vec::new();
                    if !self.eat(&Tok::RParen) {
                        loop {
                            args.push(self.or()?);
                            if self.eat(&Tok::RParen) {
                                break;
                            }
                            if !self.eat(&Tok::Comma) {
                                return None;
                            }
                        }
                    }
                    return Some(Expr::Call(name.to_ascii_lowercase(), args));
                }
                let mut path = vec![name];
                loop {
                    if self.eat(&Tok::Dot) {
                        match self.peek().cloned() {
                            Some(Tok::Ident(n)) => {
                                self.pos += 1;
                                path.push(n);
                            }
                            _ => return None,
                        }
                    } else if self.eat(&Tok::LBracket) {
                        match self.peek().cloned() {
                            Some(Tok::Str(s)) => {
                                self.pos += 1;
                                path.push(s);
                            }
                            Some(Tok::Ident(n)) if n == "*" => {
                                self.pos += 1;
                                path.push(n);
                            }
                            _ => return None,
                        }
                        if !self.eat(&Tok::RBracket) {
                            return None;
                        }
                    } else {
                        break;
                    }
                }
                Some(Expr::Path(path))
            }
            _ => None,
        }
    }
}

/// Parses an `if:` value: with or without the `${{ }}` around it.
pub(crate) fn parse(text: &str) -> Option<Expr> {
    let t = text.trim();
    let t = match t.strip_prefix("${{").and_then(|r| r.strip_suffix("}}")) {
        Some(inner) if !inner.contains("${{") => inner,
        _ if t.contains("${{") => return None,
        _ => t,
    };
    let mut p = Parser {
        toks: lex(t)?,
        pos: 0,
    };
    let e = p.or()?;
    (p.pos == p.toks.len()).then_some(e)
}

impl Expr {
    /// The dotted path, `github.ref`, when this is one.
    pub(crate) fn path(&self) -> Option<String> {
        match self {
            Expr::Path(p) => Some(p.join(".")),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(s: &str) -> Expr {
        Expr::Path(s.split('.').map(str::to_string).collect())
    }

    #[test]
    fn parses_with_github_precedence() {
        let e = parse("${{ github.event_name == 'push' && startsWith(github.ref, 'refs/tags/') || !cancelled() }}").unwrap();
        assert_eq!(
            e,
            Expr::Or(vec![
                Expr::And(vec![
                    Expr::Cmp(
                        Box::new(path("github.event_name")),
                        CmpOp::Eq,
                        Box::new(Expr::Str("push".into()))
                    ),
                    Expr::Call(
                        "startswith".into(),
                        vec![path("github.ref"), Expr::Str("refs/tags/".into())]
                    ),
                ]),
                Expr::Not(Box::new(Expr::Call("cancelled".into(), vec![]))),
            ])
        );
        assert_eq!(
            parse("matrix['python-version'] != 'it''s'").unwrap(),
            Expr::Cmp(
                Box::new(Expr::Path(vec!["matrix".into(), "python-version".into()])),
                CmpOp::Ne,
                Box::new(Expr::Str("it's".into()))
            )
        );
        assert_eq!(
            parse("(a || b) && c").unwrap(),
            Expr::And(vec![Expr::Or(vec![path("a"), path("b")]), path("c")])
        );
        assert!(parse("a ==").is_none());
        assert_eq!(parse("x ${{ y }}"), None);
    }
}
