//! Comparisons and membership: unifying the two sides' types, and string constants turned into
//! enum indexes (an unknown value is an error with the enum's values as help).

use std::ops::Range;

use super::super::syntax::{Expr, ExprKind};
use super::super::{CmpOp, Ir, Ty};
use super::{Checker, Typed, combine_pii};
use crate::diag::{Code, did_you_mean};
use crate::value::Value;

impl Checker<'_> {
    /// Converts a string constant (or list of them) to the enum's indexes, reporting unknown values.
    pub(super) fn enum_const(&mut self, t: Typed, enum_id: u32, span: &Range<usize>) -> Typed {
        self.enum_const_at(t, enum_id, span, &[])
    }

    /// Like `enum_const`; `item_spans` point errors at the elements of a list literal.
    fn enum_const_at(
        &mut self,
        t: Typed,
        enum_id: u32,
        span: &Range<usize>,
        item_spans: &[Range<usize>],
    ) -> Typed {
        let values = self.schema.enum_values(enum_id).to_vec();
        let convert = |s: &str, at: &Range<usize>, me: &mut Self| -> Value {
            match values.iter().position(|v| v == s) {
                Some(i) => Value::Enum(i as u32),
                None => {
                    let help = did_you_mean(s, values.iter().map(String::as_str))
                        .or_else(|| Some(format!("expected one of: {}", values.join(", "))));
                    me.error_help(
                        Code::UnknownEnumValue,
                        at,
                        format!("`{s}` is not a value of this enum"),
                        help,
                    );
                    Value::Missing
                }
            }
        };
        match t.ir {
            Ir::Const(Value::Str(s)) => Typed {
                ir: Ir::Const(convert(&s, span, self)),
                ty: Ty::Enum(enum_id),
                pii: None,
            },
            Ir::Const(Value::Consts(items)) => {
                let out: Vec<Value> = items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| match v {
                        Value::Str(s) => convert(s, item_spans.get(i).unwrap_or(span), self),
                        other => other.clone(),
                    })
                    .collect();
                Typed {
                    ir: Ir::Const(Value::Consts(out.into())),
                    ty: Ty::List(Box::new(Ty::Enum(enum_id))),
                    pii: None,
                }
            }
            ir => Typed {
                ir,
                ty: t.ty,
                pii: t.pii,
            },
        }
    }

    fn enum_names(&self, enum_id: u32) -> Box<[Box<str>]> {
        self.schema
            .enum_values(enum_id)
            .iter()
            .map(|s| s.as_str().into())
            .collect()
    }

    /// Brings two operands to a comparable pair of types, converting enum/string as needed;
    /// `call` names the function they are arguments of (`coalesce`), if any, for the error.
    pub(super) fn unify_eq(
        &mut self,
        ta: Typed,
        tb: Typed,
        a: &Expr,
        b: &Expr,
        call: Option<&str>,
    ) -> Option<(Typed, Typed)> {
        let is_const = |t: &Typed| matches!(t.ir, Ir::Const(_));
        match (&ta.ty, &tb.ty) {
            (Ty::Err, _) | (_, Ty::Err) => None,
            (Ty::Enum(e), Ty::Str) if is_const(&tb) => {
                let e = *e;
                Some((ta, self.enum_const(tb, e, &b.span)))
            }
            (Ty::Str, Ty::Enum(e)) if is_const(&ta) => {
                let e = *e;
                Some((self.enum_const(ta, e, &a.span), tb))
            }
            (Ty::Enum(x), Ty::Enum(y)) if x != y => {
                let (x, y) = (*x, *y);
                let na = Typed {
                    ir: Ir::EnumName(Box::new(ta.ir), self.enum_names(x)),
                    ty: Ty::Str,
                    pii: ta.pii,
                };
                let nb = Typed {
                    ir: Ir::EnumName(Box::new(tb.ir), self.enum_names(y)),
                    ty: Ty::Str,
                    pii: tb.pii,
                };
                Some((na, nb))
            }
            (Ty::Enum(x), Ty::Str) => {
                let x = *x;
                Some((
                    Typed {
                        ir: Ir::EnumName(Box::new(ta.ir), self.enum_names(x)),
                        ty: Ty::Str,
                        pii: ta.pii,
                    },
                    tb,
                ))
            }
            (Ty::Str, Ty::Enum(y)) => {
                let y = *y;
                Some((
                    ta,
                    Typed {
                        ir: Ir::EnumName(Box::new(tb.ir), self.enum_names(y)),
                        ty: Ty::Str,
                        pii: tb.pii,
                    },
                ))
            }
            (x, y) if x == y || (x.is_numeric() && y.is_numeric()) => Some((ta, tb)),
            (x, y) => {
                let (x, y) = (x.with_article(), y.with_article());
                let msg = match call {
                    Some(f) => format!("`{f}` takes two values of one type, not {x} and {y}"),
                    None => format!("cannot compare {x} with {y}"),
                };
                self.error(Code::TypeMismatch, &(a.span.start..b.span.end), msg);
                None
            }
        }
    }

    pub(super) fn comparison(
        &mut self,
        op: CmpOp,
        a: &Expr,
        b: &Expr,
        span: &Range<usize>,
    ) -> Typed {
        let ta = self.expr(a);
        let tb = self.expr(b);
        if ta.ty == Ty::Null || tb.ty == Ty::Null {
            let x = if ta.ty == Ty::Null { a } else { b };
            return self.error_help(
                Code::TypeMismatch,
                &x.span,
                "comparing with `null` is not allowed",
                Some("use exists(path) to test for a value".into()),
            );
        }
        if op.is_ordering() {
            let ok = (ta.ty.is_numeric() && tb.ty.is_numeric())
                || (ta.ty == Ty::Date && tb.ty == Ty::Date)
                || ta.ty == Ty::Err
                || tb.ty == Ty::Err;
            if !ok {
                let msg = format!(
                    "`{}` orders numbers or dates, not a {} and a {}",
                    op.as_str(),
                    ta.ty.name(),
                    tb.ty.name()
                );
                return self.error(Code::TypeMismatch, span, msg);
            }
            let pii = combine_pii(&[ta.pii, tb.pii]);
            return Typed {
                ir: Ir::Cmp(op, Box::new(ta.ir), Box::new(tb.ir)),
                ty: Ty::Bool,
                pii,
            };
        }
        match self.unify_eq(ta, tb, a, b, None) {
            Some((ta, tb)) => {
                let pii = combine_pii(&[ta.pii, tb.pii]);
                Typed {
                    ir: Ir::Cmp(op, Box::new(ta.ir), Box::new(tb.ir)),
                    ty: Ty::Bool,
                    pii,
                }
            }
            None => Typed {
                ir: Ir::Const(Value::Missing),
                ty: Ty::Bool,
                pii: None,
            },
        }
    }

    pub(super) fn membership(&mut self, negated: bool, item: &Expr, list: &Expr) -> Typed {
        let ti = self.expr(item);
        let tl = self.expr(list);
        let elem = match &tl.ty {
            Ty::List(e) => (**e).clone(),
            Ty::Err => Ty::Err,
            other => {
                let msg = format!("`in` needs a list on the right, found a {}", other.name());
                return self.error(Code::TypeMismatch, &list.span, msg);
            }
        };
        let (ti, tl) = match (&ti.ty, &elem) {
            (Ty::Enum(e), Ty::Str) if matches!(tl.ir, Ir::Const(_)) => {
                let e = *e;
                let spans: Vec<Range<usize>> = match &list.kind {
                    ExprKind::List(items) => items.iter().map(|x| x.span.clone()).collect(),
                    _ => Vec::new(),
                };
                (ti, self.enum_const_at(tl, e, &list.span, &spans))
            }
            (Ty::Str, Ty::Enum(e)) if matches!(ti.ir, Ir::Const(_)) => {
                let e = *e;
                (self.enum_const(ti, e, &item.span), tl)
            }
            (x, y)
                if x == y
                    || (x.is_numeric() && y.is_numeric())
                    || *x == Ty::Err
                    || *y == Ty::Err =>
            {
                (ti, tl)
            }
            (x, y) => {
                let msg = format!("cannot look for a {} in a list of {}", x.name(), y.name());
                return self.error(Code::TypeMismatch, &item.span, msg);
            }
        };
        let pii = combine_pii(&[ti.pii, tl.pii]);
        Typed {
            ir: Ir::In {
                negated,
                item: Box::new(ti.ir),
                list: Box::new(tl.ir),
            },
            ty: Ty::Bool,
            pii,
        }
    }
}
