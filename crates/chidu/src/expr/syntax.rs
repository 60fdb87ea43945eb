//! Lexer (logos) and recursive-descent parser for the expression language (SPEC §3).

use std::ops::Range;

use logos::Logos;

/// Deepest nesting of parentheses, calls and operators accepted.
const MAX_DEPTH: usize = 64;
/// Longest expression accepted, in bytes.
const MAX_LEN: usize = 16 * 1024;

#[derive(Logos, Debug, Clone, PartialEq)]
#[logos(skip r"[ \t\r\n]+")]
enum Tok {
    #[regex(r"[0-9]+", |lex| lex.slice().to_owned(), priority = 3)]
    Int(String),
    #[regex(r"[0-9]+\.[0-9]+([eE][+-]?[0-9]+)?|[0-9]+[eE][+-]?[0-9]+", |lex| lex.slice().to_owned())]
    Float(String),
    #[regex(r#""([^"\\]|\\.)*""#, |lex| lex.slice().to_owned())]
    DqString(String),
    #[regex(r"'([^'\\]|\\.)*'", |lex| lex.slice().to_owned())]
    SqString(String),
    #[regex(r"[A-Za-z_][A-Za-z0-9_]*", |lex| lex.slice().to_owned())]
    Ident(String),
    #[token("==")]
    Eq,
    #[token("!=")]
    Ne,
    #[token("<=")]
    Le,
    #[token(">=")]
    Ge,
    #[token("<")]
    Lt,
    #[token(">")]
    Gt,
    #[token("+")]
    Plus,
    #[token("-")]
    Minus,
    #[token("*")]
    Star,
    #[token("/")]
    Slash,
    #[token("(")]
    LParen,
    #[token(")")]
    RParen,
    #[token("[")]
    LBracket,
    #[token("]")]
    RBracket,
    #[token(",")]
    Comma,
    #[token(".")]
    Dot,
}

/// Comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }
    pub(crate) fn is_ordering(self) -> bool {
        !matches!(self, CmpOp::Eq | CmpOp::Ne)
    }
}

/// Arithmetic operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ArithOp {
    Add,
    Sub,
    Mul,
    Div,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Expr {
    pub(crate) kind: ExprKind,
    pub(crate) span: Range<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ExprKind {
    Int(i64),
    Float(f64),
    Str(String),
    Bool(bool),
    Null,
    List(Vec<Expr>),
    /// `a.b.c`, each segment with its span.
    Path(Vec<(String, Range<usize>)>),
    Not(Box<Expr>),
    Neg(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Cmp(CmpOp, Box<Expr>, Box<Expr>),
    In {
        negated: bool,
        item: Box<Expr>,
        list: Box<Expr>,
    },
    Arith(ArithOp, Box<Expr>, Box<Expr>),
    Call {
        name: String,
        name_span: Range<usize>,
        args: Vec<Expr>,
    },
}

/// A syntax error: message and byte range within the expression text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SyntaxError {
    pub(crate) message: String,
    pub(crate) span: Range<usize>,
}

/// Parses one expression.
pub(crate) fn parse(src: &str) -> Result<Expr, SyntaxError> {
    if src.len() > MAX_LEN {
        return Err(SyntaxError {
            message: format!("expression longer than {MAX_LEN} bytes"),
            span: 0..0,
        });
    }
    let mut toks = Vec::new();
    let mut lex = Tok::lexer(src);
    while let Some(t) = lex.next() {
        match t {
            Ok(t) => toks.push((t, lex.span())),
            Err(()) => {
                let span = lex.span();
                let text = &src[span.clone()];
                let message = if text.starts_with('"') || text.starts_with('\'') {
                    "unterminated string".to_owned()
                } else if text == "=" {
                    "`=` is not an operator; use `==` to compare".to_owned()
                } else if text == "!" {
                    "use `not` for negation and `!=` for inequality".to_owned()
                } else if text == "&" || text == "|" {
                    "use `and` / `or`".to_owned()
                } else {
                    format!("unexpected character `{text}`")
                };
                return Err(SyntaxError { message, span });
            }
        }
    }
    let mut p = Parser {
        toks,
        pos: 0,
        end: src.len(),
        depth: 0,
    };
    let e = p.or()?;
    if let Some((t, span)) = p.toks.get(p.pos) {
        return Err(SyntaxError {
            message: format!("unexpected {} after the expression", describe(t)),
            span: span.clone(),
        });
    }
    Ok(e)
}

fn describe(t: &Tok) -> String {
    match t {
        Tok::Int(s) | Tok::Float(s) => format!("number `{s}`"),
        Tok::DqString(s) | Tok::SqString(s) => format!("string {s}"),
        Tok::Ident(s) => format!("`{s}`"),
        other => {
            let s = match other {
                Tok::Eq => "==",
                Tok::Ne => "!=",
                Tok::Le => "<=",
                Tok::Ge => ">=",
                Tok::Lt => "<",
                Tok::Gt => ">",
                Tok::Plus => "+",
                Tok::Minus => "-",
                Tok::Star => "*",
                Tok::Slash => "/",
                Tok::LParen => "(",
                Tok::RParen => ")",
                Tok::LBracket => "[",
                Tok::RBracket => "]",
                Tok::Comma => ",",
                _ => ".",
            };
            format!("`{s}`")
        }
    }
}

struct Parser {
    toks: Vec<(Tok, Range<usize>)>,
    pos: usize,
    end: usize,
    depth: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|(t, _)| t)
    }
    fn peek_ident(&self, word: &str) -> bool {
        matches!(self.peek(), Some(Tok::Ident(s)) if s == word)
    }
    fn span_here(&self) -> Range<usize> {
        self.toks
            .get(self.pos)
            .map_or(self.end..self.end, |(_, s)| s.clone())
    }
    fn bump(&mut self) -> Option<(Tok, Range<usize>)> {
        let t = self.toks.get(self.pos).cloned();
        self.pos += 1;
        t
    }
    fn require(&mut self, want: &Tok, what: &str) -> Result<Range<usize>, SyntaxError> {
        match self.toks.get(self.pos) {
            Some((t, s)) if t == want => {
                let s = s.clone();
                self.pos += 1;
                Ok(s)
            }
            Some((t, s)) => Err(SyntaxError {
                message: format!("expected {what}, found {}", describe(t)),
                span: s.clone(),
            }),
            None => Err(SyntaxError {
                message: format!("expected {what} at the end"),
                span: self.end..self.end,
            }),
        }
    }
    fn enter(&mut self) -> Result<(), SyntaxError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(SyntaxError {
                message: format!("expression nested deeper than {MAX_DEPTH}"),
                span: self.span_here(),
            });
        }
        Ok(())
    }

    fn or(&mut self) -> Result<Expr, SyntaxError> {
        self.enter()?;
        let mut left = self.and()?;
        while self.peek_ident("or") {
            self.pos += 1;
            let right = self.and()?;
            let span = left.span.start..right.span.end;
            left = Expr {
                kind: ExprKind::Or(Box::new(left), Box::new(right)),
                span,
            };
        }
        self.depth -= 1;
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, SyntaxError> {
        let mut left = self.not()?;
        while self.peek_ident("and") {
            self.pos += 1;
            let right = self.not()?;
            let span = left.span.start..right.span.end;
            left = Expr {
                kind: ExprKind::And(Box::new(left), Box::new(right)),
                span,
            };
        }
        Ok(left)
    }

    fn not(&mut self) -> Result<Expr, SyntaxError> {
        if self.peek_ident("not") {
            let start = self.span_here().start;
            self.pos += 1;
            self.enter()?;
            let inner = self.not()?;
            self.depth -= 1;
            let span = start..inner.span.end;
            return Ok(Expr {
                kind: ExprKind::Not(Box::new(inner)),
                span,
            });
        }
        self.comparison()
    }

    fn cmp_op(&self) -> Option<CmpOp> {
        match self.peek()? {
            Tok::Eq => Some(CmpOp::Eq),
            Tok::Ne => Some(CmpOp::Ne),
            Tok::Lt => Some(CmpOp::Lt),
            Tok::Le => Some(CmpOp::Le),
            Tok::Gt => Some(CmpOp::Gt),
            Tok::Ge => Some(CmpOp::Ge),
            _ => None,
        }
    }

    fn is_in_op(&self) -> bool {
        self.peek_ident("in")
            || (self.peek_ident("not")
                && matches!(self.toks.get(self.pos + 1), Some((Tok::Ident(s), _)) if s == "in"))
    }

    fn comparison(&mut self) -> Result<Expr, SyntaxError> {
        let left = self.additive()?;
        let result = if let Some(op) = self.cmp_op() {
            self.pos += 1;
            let right = self.additive()?;
            let span = left.span.start..right.span.end;
            Expr {
                kind: ExprKind::Cmp(op, Box::new(left), Box::new(right)),
                span,
            }
        } else if self.is_in_op() {
            let negated = self.peek_ident("not");
            self.pos += if negated { 2 } else { 1 };
            let list = self.additive()?;
            let span = left.span.start..list.span.end;
            Expr {
                kind: ExprKind::In {
                    negated,
                    item: Box::new(left),
                    list: Box::new(list),
                },
                span,
            }
        } else {
            return Ok(left);
        };
        if self.cmp_op().is_some() || self.is_in_op() {
            return Err(SyntaxError {
                message: "chained comparisons are not allowed; join them with `and`".to_owned(),
                span: self.span_here(),
            });
        }
        Ok(result)
    }

    fn additive(&mut self) -> Result<Expr, SyntaxError> {
        let mut left = self.multiplicative()?;
        loop {
            let op = match self.peek() {
                Some(Tok::Plus) => ArithOp::Add,
                Some(Tok::Minus) => ArithOp::Sub,
                _ => return Ok(left),
            };
            self.pos += 1;
            let right = self.multiplicative()?;
            let span = left.span.start..right.span.end;
            left = Expr {
                kind: ExprKind::Arith(op, Box::new(left), Box::new(right)),
                span,
            };
        }
    }

    fn multiplicative(&mut self) -> Result<Expr, SyntaxError> {
        let mut left = self.unary()?;
        loop {
            let op = match self.peek() {
                Some(Tok::Star) => ArithOp::Mul,
                Some(Tok::Slash) => ArithOp::Div,
                _ => return Ok(left),
            };
            self.pos += 1;
            let right = self.unary()?;
            let span = left.span.start..right.span.end;
            left = Expr {
                kind: ExprKind::Arith(op, Box::new(left), Box::new(right)),
                span,
            };
        }
    }

    fn unary(&mut self) -> Result<Expr, SyntaxError> {
        if matches!(self.peek(), Some(Tok::Minus)) {
            let start = self.span_here().start;
            self.pos += 1;
            self.enter()?;
            let inner = self.unary()?;
            self.depth -= 1;
            let span = start..inner.span.end;
            return Ok(Expr {
                kind: ExprKind::Neg(Box::new(inner)),
                span,
            });
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Expr, SyntaxError> {
        let Some((tok, span)) = self.bump() else {
            return Err(SyntaxError {
                message: "expected a value at the end".to_owned(),
                span: self.end..self.end,
            });
        };
        let kind = match tok {
            Tok::Int(s) => match s.parse::<i64>() {
                Ok(i) => ExprKind::Int(i),
                Err(_) => {
                    return Err(SyntaxError {
                        message: format!("integer `{s}` is too large"),
                        span,
                    });
                }
            },
            Tok::Float(s) => match s.parse::<f64>() {
                Ok(f) if f.is_finite() => ExprKind::Float(f),
                _ => {
                    return Err(SyntaxError {
                        message: format!("number `{s}` is out of range"),
                        span,
                    });
                }
            },
            Tok::DqString(s) | Tok::SqString(s) => ExprKind::Str(unescape(&s, &span)?),
            Tok::LParen => {
                self.enter()?;
                let inner = self.or()?;
                self.depth -= 1;
                let close = self.require(&Tok::RParen, "`)`")?;
                return Ok(Expr {
                    kind: inner.kind,
                    span: span.start..close.end,
                });
            }
            Tok::LBracket => {
                let mut items = Vec::new();
                if !matches!(self.peek(), Some(Tok::RBracket)) {
                    loop {
                        items.push(self.or()?);
                        if matches!(self.peek(), Some(Tok::Comma)) {
                            self.pos += 1;
                        } else {
                            break;
                        }
                    }
                }
                let close = self.require(&Tok::RBracket, "`]` or `,`")?;
                return Ok(Expr {
                    kind: ExprKind::List(items),
                    span: span.start..close.end,
                });
            }
            Tok::Ident(name) => match name.as_str() {
                "true" => ExprKind::Bool(true),
                "false" => ExprKind::Bool(false),
                "null" => ExprKind::Null,
                "and" | "or" | "not" | "in" => {
                    return Err(SyntaxError {
                        message: format!("expected a value, found `{name}`"),
                        span,
                    });
                }
                _ if matches!(self.peek(), Some(Tok::LParen)) => {
                    self.pos += 1;
                    self.enter()?;
                    let mut args = Vec::new();
                    if !matches!(self.peek(), Some(Tok::RParen)) {
                        loop {
                            args.push(self.or()?);
                            if matches!(self.peek(), Some(Tok::Comma)) {
                                self.pos += 1;
                            } else {
                                break;
                            }
                        }
                    }
                    self.depth -= 1;
                    let close = self.require(&Tok::RParen, "`)` or `,`")?;
                    return Ok(Expr {
                        kind: ExprKind::Call {
                            name,
                            name_span: span.clone(),
                            args,
                        },
                        span: span.start..close.end,
                    });
                }
                _ => {
                    let mut segs = vec![(name, span.clone())];
                    let mut end = span.end;
                    while matches!(self.peek(), Some(Tok::Dot)) {
                        self.pos += 1;
                        match self.bump() {
                            Some((Tok::Ident(seg), s)) => {
                                end = s.end;
                                segs.push((seg, s));
                            }
                            Some((t, s)) => {
                                return Err(SyntaxError {
                                    message: format!(
                                        "expected a field name after `.`, found {}",
                                        describe(&t)
                                    ),
                                    span: s,
                                });
                            }
                            None => {
                                return Err(SyntaxError {
                                    message: "expected a field name after `.`".to_owned(),
                                    span: self.end..self.end,
                                });
                            }
                        }
                    }
                    return Ok(Expr {
                        kind: ExprKind::Path(segs),
                        span: span.start..end,
                    });
                }
            },
            other => {
                return Err(SyntaxError {
                    message: format!("expected a value, found {}", describe(&other)),
                    span,
                });
            }
        };
        Ok(Expr { kind, span })
    }
}

/// String literal with JSON escapes (single-quoted strings may also escape `'`).
fn unescape(lit: &str, span: &Range<usize>) -> Result<String, SyntaxError> {
    let inner = &lit[1..lit.len() - 1];
    if !inner.contains('\\') {
        return Ok(inner.to_owned());
    }
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let bad = || SyntaxError {
            message: "invalid escape in string".to_owned(),
            span: span.clone(),
        };
        match chars.next().ok_or_else(bad)? {
            '"' => out.push('"'),
            '\'' => out.push('\''),
            '\\' => out.push('\\'),
            '/' => out.push('/'),
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            'u' => {
                let hex: String = chars.by_ref().take(4).collect();
                let code = u32::from_str_radix(&hex, 16).map_err(|_| bad())?;
                out.push(char::from_u32(code).ok_or_else(bad)?);
            }
            _ => return Err(bad()),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(src: &str) -> String {
        fn go(e: &Expr) -> String {
            match &e.kind {
                ExprKind::Int(i) => i.to_string(),
                ExprKind::Float(f) => f.to_string(),
                ExprKind::Str(s) => format!("{s:?}"),
                ExprKind::Bool(b) => b.to_string(),
                ExprKind::Null => "null".into(),
                ExprKind::List(l) => {
                    format!("[{}]", l.iter().map(go).collect::<Vec<_>>().join(", "))
                }
                ExprKind::Path(p) => p
                    .iter()
                    .map(|(s, _)| s.as_str())
                    .collect::<Vec<_>>()
                    .join("."),
                ExprKind::Not(x) => format!("(not {})", go(x)),
                ExprKind::Neg(x) => format!("(- {})", go(x)),
                ExprKind::And(a, b) => format!("({} and {})", go(a), go(b)),
                ExprKind::Or(a, b) => format!("({} or {})", go(a), go(b)),
                ExprKind::Cmp(op, a, b) => format!("({} {} {})", go(a), op.as_str(), go(b)),
                ExprKind::In {
                    negated,
                    item,
                    list,
                } => format!(
                    "({} {}in {})",
                    go(item),
                    if *negated { "not " } else { "" },
                    go(list)
                ),
                ExprKind::Arith(op, a, b) => format!("({} {:?} {})", go(a), op, go(b)),
                ExprKind::Call { name, args, .. } => format!(
                    "{name}({})",
                    args.iter().map(go).collect::<Vec<_>>().join(", ")
                ),
            }
        }
        go(&parse(src).unwrap())
    }

    #[test]
    fn precedence_loosest_first() {
        assert_eq!(
            shape("a or b and not c == 1 + 2 * -3"),
            "(a or (b and (not (c == (1 Add (2 Mul (- 3)))))))"
        );
    }

    #[test]
    fn membership_and_negated_membership() {
        assert_eq!(
            shape(r#"level not in ["a", 'b']"#),
            r#"(level not in ["a", "b"])"#
        );
        assert_eq!(shape("x in params.allowed"), "(x in params.allowed)");
    }

    #[test]
    fn calls_paths_and_literals() {
        assert_eq!(
            shape(r#"count(staff, employment == "full_time") >= params.min"#),
            r#"(count(staff, (employment == "full_time")) >= params.min)"#
        );
        assert_eq!(shape(r#"date("2024-01-01")"#), r#"date("2024-01-01")"#);
        assert_eq!(
            shape("0.5 * premises.area_m2"),
            "(0.5 Mul premises.area_m2)"
        );
        assert_eq!(shape(r#""a\"b\u4e2d""#), r#""a\"b中""#);
    }

    #[test]
    fn chained_comparison_is_an_error() {
        let e = parse("1 < x < 3").unwrap_err();
        assert!(e.message.contains("chained"));
        assert_eq!(e.span, 6..7);
    }

    #[test]
    fn errors_point_at_the_token() {
        assert_eq!(parse("a = 1").unwrap_err().span, 2..3);
        assert_eq!(
            parse("count(staff").unwrap_err().message,
            "expected `)` or `,` at the end"
        );
        assert!(
            parse("a b")
                .unwrap_err()
                .message
                .contains("after the expression")
        );
        assert!(parse("'abc").is_err());
        assert!(parse("").is_err());
    }

    #[test]
    fn depth_is_bounded() {
        let deep = format!("{}1{}", "(".repeat(500), ")".repeat(500));
        assert!(parse(&deep).unwrap_err().message.contains("nested deeper"));
        let negs = format!("{}1", "-".repeat(5000));
        assert!(parse(&negs).is_err());
    }
}
