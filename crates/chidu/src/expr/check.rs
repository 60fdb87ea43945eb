//! Type checking and name resolution: AST → IR, against the record schema, params and lets.

use std::ops::Range;

use indexmap::IndexMap;

use super::syntax::{Expr, ExprKind};
use super::{ArithOp, Ir, Ty};
use crate::diag::Code;
use crate::schema::RecordSchema;
use crate::value::Value;

mod calls;
mod compare;
mod names;

/// A param as expressions see it.
#[derive(Debug, Clone)]
pub(crate) struct ParamValue {
    pub(crate) value: Value,
    pub(crate) ty: Ty,
}

/// A `let` visible to later expressions of the same indicator.
#[derive(Debug, Clone)]
pub(crate) struct LetDef {
    pub(crate) name: String,
    pub(crate) ty: Ty,
    pub(crate) pii: bool,
}

/// One problem found while checking, with a byte range inside the expression.
#[derive(Debug, Clone)]
pub(crate) struct CheckError {
    pub(crate) code: Code,
    pub(crate) message: String,
    pub(crate) span: Range<usize>,
    pub(crate) help: Option<String>,
}

/// Which record slots any expression reads: the record reader keeps only these.
#[derive(Debug, Clone, Default)]
pub(crate) struct Used {
    pub(crate) slots: Vec<Vec<bool>>,
}

impl Used {
    pub(crate) fn for_schema(schema: &RecordSchema) -> Used {
        Used {
            slots: schema
                .objects
                .iter()
                .map(|o| vec![false; o.fields.len()])
                .collect(),
        }
    }
    pub(crate) fn mark(&mut self, obj: u32, slot: u32) {
        if let Some(s) = self
            .slots
            .get_mut(obj as usize)
            .and_then(|o| o.get_mut(slot as usize))
        {
            *s = true;
        }
    }
}

/// A typed, compiled expression.
#[derive(Debug, Clone)]
pub(crate) struct Typed {
    pub(crate) ir: Ir,
    pub(crate) ty: Ty,
    /// Derived only from `pii` fields (None: from no field at all).
    pub(crate) pii: Option<bool>,
}

impl Typed {
    /// What a sub-expression with an error types as: it stops further errors about it.
    pub(crate) fn invalid() -> Typed {
        Typed {
            ir: Ir::Const(Value::Missing),
            ty: Ty::Err,
            pii: None,
        }
    }
}

/// What an expression may see.
pub(crate) struct Checker<'s> {
    pub(crate) schema: &'s RecordSchema,
    pub(crate) params: &'s IndexMap<String, ParamValue>,
    pub(crate) lets: &'s [LetDef],
    pub(crate) used: &'s mut Used,
    pub(crate) errors: Vec<CheckError>,
    /// Item types of the enclosing aggregates, innermost last.
    pub(crate) items: Vec<Ty>,
}

fn combine_pii(parts: &[Option<bool>]) -> Option<bool> {
    let mut out = None;
    for p in parts.iter().flatten() {
        out = Some(out.unwrap_or(true) && *p);
    }
    out
}

impl<'s> Checker<'s> {
    pub(crate) fn new(
        schema: &'s RecordSchema,
        params: &'s IndexMap<String, ParamValue>,
        lets: &'s [LetDef],
        used: &'s mut Used,
    ) -> Self {
        Checker {
            schema,
            params,
            lets,
            used,
            errors: Vec::new(),
            items: Vec::new(),
        }
    }

    fn error(&mut self, code: Code, span: &Range<usize>, message: impl Into<String>) -> Typed {
        self.errors.push(CheckError {
            code,
            message: message.into(),
            span: span.clone(),
            help: None,
        });
        Typed::invalid()
    }

    fn error_help(
        &mut self,
        code: Code,
        span: &Range<usize>,
        message: impl Into<String>,
        help: Option<String>,
    ) -> Typed {
        self.errors.push(CheckError {
            code,
            message: message.into(),
            span: span.clone(),
            help,
        });
        Typed::invalid()
    }

    /// Checks an expression that must be boolean (`check`, `when`, `where`).
    pub(crate) fn boolean(&mut self, e: &Expr, what: &str) -> Typed {
        let t = self.expr(e);
        if !matches!(t.ty, Ty::Bool | Ty::Err) {
            self.error(
                Code::NonBooleanCheck,
                &e.span,
                format!(
                    "{what} must be a condition (true/false), but this is a {}",
                    t.ty.name()
                ),
            );
        }
        t
    }

    /// Checks an expression that must be numeric (`measure`, `target`).
    pub(crate) fn numeric(&mut self, e: &Expr, what: &str) -> Typed {
        let t = self.expr(e);
        if !t.ty.is_numeric() {
            self.error(
                Code::TypeMismatch,
                &e.span,
                format!("{what} must be a number, but this is a {}", t.ty.name()),
            );
        }
        t
    }

    /// Checks that `e` is a list and returns its item type (for `for_each`).
    pub(crate) fn list(&mut self, e: &Expr, what: &str) -> (Typed, Ty) {
        let t = self.expr(e);
        match &t.ty {
            Ty::List(item) => {
                let item = (**item).clone();
                (t, item)
            }
            Ty::Err => (t, Ty::Err),
            other => {
                let name = other.name();
                (
                    self.error(
                        Code::TypeMismatch,
                        &e.span,
                        format!("{what} must be a list, but this is a {name}"),
                    ),
                    Ty::Err,
                )
            }
        }
    }

    /// Runs `f` with one more item scope open (used for `for_each` bodies).
    pub(crate) fn with_item<T>(&mut self, item: Ty, f: impl FnOnce(&mut Self) -> T) -> T {
        self.items.push(item);
        let out = f(self);
        self.items.pop();
        out
    }

    pub(crate) fn expr(&mut self, e: &Expr) -> Typed {
        match &e.kind {
            ExprKind::Int(i) => Typed {
                ir: Ir::Const(Value::Int(*i)),
                ty: Ty::Int,
                pii: None,
            },
            ExprKind::Float(f) => Typed {
                ir: Ir::Const(Value::Num(*f)),
                ty: Ty::Num,
                pii: None,
            },
            ExprKind::Str(s) => Typed {
                ir: Ir::Const(Value::Str(s.as_str().into())),
                ty: Ty::Str,
                pii: None,
            },
            ExprKind::Bool(b) => Typed {
                ir: Ir::Const(Value::Bool(*b)),
                ty: Ty::Bool,
                pii: None,
            },
            ExprKind::Null => Typed {
                ir: Ir::Const(Value::Missing),
                ty: Ty::Null,
                pii: None,
            },
            ExprKind::List(items) => self.list_literal(items, &e.span),
            ExprKind::Path(segs) => self.path(segs),
            ExprKind::Not(x) => {
                let t = self.expr(x);
                if !matches!(t.ty, Ty::Bool | Ty::Err) {
                    return self.error(
                        Code::TypeMismatch,
                        &x.span,
                        format!("`not` needs a condition, found a {}", t.ty.name()),
                    );
                }
                Typed {
                    ir: Ir::Not(Box::new(t.ir)),
                    ty: Ty::Bool,
                    pii: t.pii,
                }
            }
            ExprKind::Neg(x) => {
                let t = self.expr(x);
                if !t.ty.is_numeric() {
                    return self.error(
                        Code::TypeMismatch,
                        &x.span,
                        format!("`-` needs a number, found a {}", t.ty.name()),
                    );
                }
                Typed {
                    ir: Ir::Neg(Box::new(t.ir)),
                    ty: t.ty,
                    pii: t.pii,
                }
            }
            ExprKind::And(a, b) | ExprKind::Or(a, b) => {
                let is_and = matches!(e.kind, ExprKind::And(..));
                let word = if is_and { "and" } else { "or" };
                let ta = self.expr(a);
                let tb = self.expr(b);
                for (t, x) in [(&ta, a), (&tb, b)] {
                    if !matches!(t.ty, Ty::Bool | Ty::Err) {
                        self.error(
                            Code::TypeMismatch,
                            &x.span,
                            format!(
                                "`{word}` needs conditions on both sides, found a {}",
                                t.ty.name()
                            ),
                        );
                    }
                }
                let pii = combine_pii(&[ta.pii, tb.pii]);
                let ir = if is_and {
                    Ir::And(Box::new(ta.ir), Box::new(tb.ir))
                } else {
                    Ir::Or(Box::new(ta.ir), Box::new(tb.ir))
                };
                Typed {
                    ir,
                    ty: Ty::Bool,
                    pii,
                }
            }
            ExprKind::Cmp(op, a, b) => self.comparison(*op, a, b, &e.span),
            ExprKind::In {
                negated,
                item,
                list,
            } => self.membership(*negated, item, list),
            ExprKind::Arith(op, a, b) => {
                let ta = self.expr(a);
                let tb = self.expr(b);
                if !ta.ty.is_numeric() || !tb.ty.is_numeric() {
                    let (bad, x) = if !ta.ty.is_numeric() {
                        (&ta, a)
                    } else {
                        (&tb, b)
                    };
                    let name = bad.ty.name();
                    return self.error(
                        Code::TypeMismatch,
                        &x.span,
                        format!("arithmetic needs numbers, found a {name}"),
                    );
                }
                let ty = if ta.ty == Ty::Int && tb.ty == Ty::Int && *op != ArithOp::Div {
                    Ty::Int
                } else {
                    Ty::Num
                };
                let pii = combine_pii(&[ta.pii, tb.pii]);
                Typed {
                    ir: Ir::Arith(*op, Box::new(ta.ir), Box::new(tb.ir)),
                    ty,
                    pii,
                }
            }
            ExprKind::Call {
                name,
                name_span,
                args,
            } => self.call(name, name_span, args, &e.span),
        }
    }

    fn list_literal(&mut self, items: &[Expr], span: &Range<usize>) -> Typed {
        let mut values = Vec::with_capacity(items.len());
        let mut elem_ty: Option<Ty> = None;
        for item in items {
            let t = self.expr(item);
            let Ir::Const(v) = t.ir else {
                return self.error(
                    Code::TypeMismatch,
                    &item.span,
                    "list literals may only hold literal values",
                );
            };
            let ty = if t.ty == Ty::Int { Ty::Num } else { t.ty };
            match &elem_ty {
                None => elem_ty = Some(ty),
                Some(prev) if *prev == ty || ty == Ty::Err => {}
                Some(prev) => {
                    let msg = format!("list mixes {} and {}", prev.name(), ty.name());
                    return self.error(Code::TypeMismatch, &item.span, msg);
                }
            }
            values.push(v);
        }
        let _ = span;
        Typed {
            ir: Ir::Const(Value::Consts(values.into())),
            ty: Ty::List(Box::new(elem_ty.unwrap_or(Ty::Err))),
            pii: None,
        }
    }
}
