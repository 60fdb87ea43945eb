//! Type checking and name resolution: AST → IR, against the record schema, params and lets.

use std::ops::Range;

use indexmap::IndexMap;

use super::syntax::{Expr, ExprKind};
use super::{ArithOp, CmpOp, Ir, Ty};
use crate::diag::{Code, did_you_mean};
use crate::schema::{FieldTy, ROOT, RecordSchema};
use crate::value::Value;

mod calls;

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

    fn field_ty(ty: &FieldTy) -> Ty {
        match ty {
            FieldTy::String => Ty::Str,
            FieldTy::Int => Ty::Int,
            FieldTy::Number => Ty::Num,
            FieldTy::Bool => Ty::Bool,
            FieldTy::Date => Ty::Date,
            FieldTy::Enum(e) => Ty::Enum(*e),
            FieldTy::Object(o) => Ty::Obj(*o),
            FieldTy::List(t) => Ty::List(Box::new(Self::field_ty(t))),
        }
    }

    fn path(&mut self, segs: &[(String, Range<usize>)]) -> Typed {
        let Some((first, first_span)) = segs.first() else {
            return Typed::invalid();
        };
        match first.as_str() {
            "params" => return self.param(segs, first_span),
            "as_of" => {
                if segs.len() > 1 {
                    return self.error(
                        Code::TypeMismatch,
                        &segs[1].1,
                        "`as_of` is a date and has no fields",
                    );
                }
                return Typed {
                    ir: Ir::AsOf,
                    ty: Ty::Date,
                    pii: None,
                };
            }
            "record" => return self.walk(0, Ty::Obj(ROOT), &segs[1..], first_span),
            "it" => {
                let Some(item) = self.items.last().cloned() else {
                    return self.error(
                        Code::UnknownField,
                        first_span,
                        "`it` is only defined inside an aggregate over a list",
                    );
                };
                let depth = self.items.len() as u8;
                if let Ty::Obj(_) = item {
                    return self.walk(depth, item, &segs[1..], first_span);
                }
                if segs.len() > 1 {
                    return self.error(
                        Code::TypeMismatch,
                        &segs[1].1,
                        "`it` is a single value and has no fields",
                    );
                }
                return Typed {
                    ir: Ir::Item { depth },
                    ty: item,
                    pii: None,
                };
            }
            _ => {}
        }
        // Bare name: innermost item's fields (or the record's), then lets.
        let depth = self.items.len() as u8;
        let scope = self.items.last().cloned().unwrap_or(Ty::Obj(ROOT));
        if let Ty::Obj(obj) = scope
            && self.schema.obj(obj).field(first).is_some()
        {
            return self.walk(depth, Ty::Obj(obj), segs, first_span);
        }
        if let Some((i, def)) = self.lets.iter().enumerate().find(|(_, l)| l.name == *first) {
            if segs.len() > 1 {
                return self.error(
                    Code::TypeMismatch,
                    &segs[1].1,
                    format!("`{first}` is a value and has no fields"),
                );
            }
            return Typed {
                ir: Ir::Let(i as u16),
                ty: def.ty.clone(),
                pii: Some(def.pii),
            };
        }
        let mut candidates: Vec<&str> = Vec::new();
        if let Ty::Obj(obj) = scope {
            candidates.extend(self.schema.obj(obj).fields.iter().map(|f| f.name.as_str()));
        }
        candidates.extend(self.lets.iter().map(|l| l.name.as_str()));
        let help = did_you_mean(first, candidates.iter().copied());
        let message = if self.items.is_empty() {
            format!("unknown field `{first}`")
        } else {
            format!(
                "unknown field `{first}` in the list item (use `record.{first}` for a field of the record)"
            )
        };
        self.error_help(Code::UnknownField, first_span, message, help)
    }

    fn walk(
        &mut self,
        depth: u8,
        start: Ty,
        segs: &[(String, Range<usize>)],
        start_span: &Range<usize>,
    ) -> Typed {
        let mut ty = start;
        let mut slots = Vec::with_capacity(segs.len());
        let mut names = Vec::with_capacity(segs.len());
        let mut pii = false;
        for (seg, span) in segs {
            let Ty::Obj(obj) = ty else {
                let msg = match &ty {
                    Ty::List(_) => format!(
                        "`{}` is a list; use an aggregate such as count(...) or any(...)",
                        names.join(".")
                    ),
                    other => format!(
                        "`{}` is a {} and has no field `{seg}`",
                        names.join("."),
                        other.name()
                    ),
                };
                return self.error(Code::TypeMismatch, span, msg);
            };
            let o = self.schema.obj(obj);
            let Some((slot, field)) = o.field(seg) else {
                let help = did_you_mean(seg, o.fields.iter().map(|f| f.name.as_str()));
                let prefix = if names.is_empty() {
                    String::new()
                } else {
                    format!(" in `{}`", names.join("."))
                };
                return self.error_help(
                    Code::UnknownField,
                    span,
                    format!("unknown field `{seg}`{prefix}"),
                    help,
                );
            };
            pii = field.pii;
            ty = Self::field_ty(&field.ty);
            self.used.mark(obj, slot);
            slots.push(slot);
            names.push(seg.as_str());
        }
        if slots.is_empty() {
            return self.error(
                Code::TypeMismatch,
                start_span,
                "`record` must be followed by a field, e.g. `record.name`",
            );
        }
        Typed {
            ir: Ir::Field {
                depth,
                slots: slots.into(),
                name: names.join(".").into(),
            },
            ty,
            pii: Some(pii),
        }
    }

    fn param(&mut self, segs: &[(String, Range<usize>)], span: &Range<usize>) -> Typed {
        let Some((name, name_span)) = segs.get(1) else {
            return self.error(
                Code::UndefinedParam,
                span,
                "`params` must be followed by a name, e.g. `params.min_area_m2`",
            );
        };
        if segs.len() > 2 {
            return self.error(
                Code::TypeMismatch,
                &segs[2].1,
                format!("`params.{name}` has no fields"),
            );
        }
        match self.params.get(name) {
            Some(p) => Typed {
                ir: Ir::Const(p.value.clone()),
                ty: p.ty.clone(),
                pii: None,
            },
            None => {
                let help = did_you_mean(name, self.params.keys().map(String::as_str));
                self.error_help(
                    Code::UndefinedParam,
                    name_span,
                    format!("param `{name}` is not defined"),
                    help,
                )
            }
        }
    }

    /// Converts a string constant (or list of them) to the enum's indexes, reporting unknown values.
    fn enum_const(&mut self, t: Typed, enum_id: u32, span: &Range<usize>) -> Typed {
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

    /// Brings two operands to a comparable pair of types, converting enum/string as needed.
    fn unify_eq(&mut self, ta: Typed, tb: Typed, a: &Expr, b: &Expr) -> Option<(Typed, Typed)> {
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
                let msg = format!("cannot compare a {} with a {}", x.name(), y.name());
                self.error(Code::TypeMismatch, &(a.span.start..b.span.end), msg);
                None
            }
        }
    }

    fn comparison(&mut self, op: CmpOp, a: &Expr, b: &Expr, span: &Range<usize>) -> Typed {
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
        match self.unify_eq(ta, tb, a, b) {
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

    fn membership(&mut self, negated: bool, item: &Expr, list: &Expr) -> Typed {
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
