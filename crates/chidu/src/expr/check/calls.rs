//! Type checking of function calls and aggregates (`count`, `sum`, `days_since`, `matches`…):
//! the part of the checker that knows each built-in's arity and types.

use std::ops::Range;

use super::super::syntax::{Expr, ExprKind};
use super::super::{Agg, AggKind, Func, Ir, MAX_AGG_DEPTH, Ty};
use super::{Checker, Typed, combine_pii};
use crate::diag::{Code, did_you_mean};
use crate::value::{Value, parse_date};

impl Checker<'_> {
    fn arity(
        &mut self,
        name: &str,
        args: &[Expr],
        span: &Range<usize>,
        min: usize,
        max: usize,
    ) -> bool {
        if args.len() < min || args.len() > max {
            let want = if min == max {
                min.to_string()
            } else {
                format!("{min} to {max}")
            };
            self.error(
                Code::TypeMismatch,
                span,
                format!("`{name}` takes {want} argument(s), found {}", args.len()),
            );
            return false;
        }
        true
    }

    pub(super) fn call(
        &mut self,
        name: &str,
        name_span: &Range<usize>,
        args: &[Expr],
        span: &Range<usize>,
    ) -> Typed {
        let agg = match name {
            "count" => Some(AggKind::Count),
            "any" => Some(AggKind::Any),
            "all" => Some(AggKind::All),
            "ratio" => Some(AggKind::Ratio),
            "sum" => Some(AggKind::Sum),
            "min" => Some(AggKind::Min),
            "max" => Some(AggKind::Max),
            "avg" => Some(AggKind::Avg),
            "distinct" => Some(AggKind::Distinct),
            _ => None,
        };
        if let Some(kind) = agg {
            return self.aggregate(kind, name, args, span);
        }
        let unary_num = |me: &mut Self, f: Func| -> Typed {
            if !me.arity(name, args, span, 1, 1) {
                return Typed::invalid();
            }
            let t = me.expr(&args[0]);
            if !t.ty.is_numeric() {
                return me.error(
                    Code::TypeMismatch,
                    &args[0].span,
                    format!("`{name}` needs a number, found a {}", t.ty.name()),
                );
            }
            Typed {
                ir: Ir::Call(f, Box::new([t.ir])),
                ty: t.ty,
                pii: t.pii,
            }
        };
        match name {
            "date" => {
                if !self.arity(name, args, span, 1, 1) {
                    return Typed::invalid();
                }
                match &args[0].kind {
                    ExprKind::Str(s) => match parse_date(s) {
                        Some(d) => Typed {
                            ir: Ir::Const(Value::Date(d)),
                            ty: Ty::Date,
                            pii: None,
                        },
                        None => self.error(
                            Code::InvalidValue,
                            &args[0].span,
                            format!("`{s}` is not a valid YYYY-MM-DD date"),
                        ),
                    },
                    _ => self.error(
                        Code::TypeMismatch,
                        &args[0].span,
                        "`date` takes a string literal such as \"2024-01-01\"",
                    ),
                }
            }
            "exists" => {
                if !self.arity(name, args, span, 1, 1) {
                    return Typed::invalid();
                }
                let t = self.expr(&args[0]);
                Typed {
                    ir: Ir::Call(Func::Exists, Box::new([t.ir])),
                    ty: Ty::Bool,
                    pii: t.pii,
                }
            }
            "coalesce" => {
                if !self.arity(name, args, span, 2, 2) {
                    return Typed::invalid();
                }
                let ta = self.expr(&args[0]);
                let tb = self.expr(&args[1]);
                let Some((ta, tb)) = self.unify_eq(ta, tb, &args[0], &args[1], Some(name)) else {
                    return Typed::invalid();
                };
                let ty = if ta.ty == Ty::Int && tb.ty == Ty::Int {
                    Ty::Int
                } else if ta.ty.is_numeric() {
                    Ty::Num
                } else {
                    ta.ty.clone()
                };
                let pii = combine_pii(&[ta.pii, tb.pii]);
                Typed {
                    ir: Ir::Call(Func::Coalesce, Box::new([ta.ir, tb.ir])),
                    ty,
                    pii,
                }
            }
            "len" => {
                if !self.arity(name, args, span, 1, 1) {
                    return Typed::invalid();
                }
                let t = self.expr(&args[0]);
                let f = match t.ty {
                    Ty::Str => Func::LenStr,
                    Ty::List(_) => Func::LenList,
                    Ty::Err => Func::LenList,
                    ref other => {
                        let msg =
                            format!("`len` needs a string or a list, found a {}", other.name());
                        return self.error(Code::TypeMismatch, &args[0].span, msg);
                    }
                };
                Typed {
                    ir: Ir::Call(f, Box::new([t.ir])),
                    ty: Ty::Int,
                    pii: None,
                }
            }
            "days_since" | "year" => {
                if !self.arity(name, args, span, 1, 1) {
                    return Typed::invalid();
                }
                let t = self.expr(&args[0]);
                if !matches!(t.ty, Ty::Date | Ty::Err) {
                    return self.error(
                        Code::TypeMismatch,
                        &args[0].span,
                        format!("`{name}` needs a date, found a {}", t.ty.name()),
                    );
                }
                let f = if name == "year" {
                    Func::Year
                } else {
                    Func::DaysSince
                };
                Typed {
                    ir: Ir::Call(f, Box::new([t.ir])),
                    ty: Ty::Int,
                    pii: t.pii,
                }
            }
            "days_between" => {
                if !self.arity(name, args, span, 2, 2) {
                    return Typed::invalid();
                }
                let ta = self.expr(&args[0]);
                let tb = self.expr(&args[1]);
                for (t, x) in [(&ta, &args[0]), (&tb, &args[1])] {
                    if !matches!(t.ty, Ty::Date | Ty::Err) {
                        let msg = format!("`days_between` needs dates, found a {}", t.ty.name());
                        return self.error(Code::TypeMismatch, &x.span, msg);
                    }
                }
                let pii = combine_pii(&[ta.pii, tb.pii]);
                Typed {
                    ir: Ir::Call(Func::DaysBetween, Box::new([ta.ir, tb.ir])),
                    ty: Ty::Int,
                    pii,
                }
            }
            "matches" => {
                if !self.arity(name, args, span, 2, 2) {
                    return Typed::invalid();
                }
                let t = self.expr(&args[0]);
                if !matches!(t.ty, Ty::Str | Ty::Err) {
                    return self.error(
                        Code::TypeMismatch,
                        &args[0].span,
                        format!("`matches` needs a string, found a {}", t.ty.name()),
                    );
                }
                let ExprKind::Str(pattern) = &args[1].kind else {
                    return self.error(
                        Code::TypeMismatch,
                        &args[1].span,
                        "the regex of `matches` must be a string literal",
                    );
                };
                match regex::RegexBuilder::new(pattern)
                    .size_limit(1 << 20)
                    .dfa_size_limit(1 << 20)
                    .build()
                {
                    Ok(re) => Typed {
                        ir: Ir::Matches(Box::new(t.ir), Box::new(re)),
                        ty: Ty::Bool,
                        pii: t.pii,
                    },
                    Err(e) => {
                        let first = e.to_string().lines().last().unwrap_or("").trim().to_owned();
                        self.error(
                            Code::InvalidValue,
                            &args[1].span,
                            format!("invalid regex: {first}"),
                        )
                    }
                }
            }
            "contains" => {
                if !self.arity(name, args, span, 2, 2) {
                    return Typed::invalid();
                }
                let ta = self.expr(&args[0]);
                match ta.ty.clone() {
                    Ty::Str | Ty::Err => {
                        let tb = self.expr(&args[1]);
                        if !matches!(tb.ty, Ty::Str | Ty::Err) {
                            return self.error(
                                Code::TypeMismatch,
                                &args[1].span,
                                format!(
                                    "`contains` on a string needs a string, found a {}",
                                    tb.ty.name()
                                ),
                            );
                        }
                        let pii = combine_pii(&[ta.pii, tb.pii]);
                        Typed {
                            ir: Ir::Call(Func::ContainsStr, Box::new([ta.ir, tb.ir])),
                            ty: Ty::Bool,
                            pii,
                        }
                    }
                    Ty::List(elem) => {
                        let mut tb = self.expr(&args[1]);
                        if let (Ty::Enum(e), Ty::Str) = (&*elem, &tb.ty)
                            && matches!(tb.ir, Ir::Const(_))
                        {
                            tb = self.enum_const(tb, *e, &args[1].span);
                        } else if !(*elem == tb.ty
                            || (elem.is_numeric() && tb.ty.is_numeric())
                            || tb.ty == Ty::Err)
                        {
                            let msg = format!(
                                "cannot look for a {} in a list of {}",
                                tb.ty.name(),
                                elem.name()
                            );
                            return self.error(Code::TypeMismatch, &args[1].span, msg);
                        }
                        let pii = combine_pii(&[ta.pii, tb.pii]);
                        Typed {
                            ir: Ir::Call(Func::ContainsList, Box::new([ta.ir, tb.ir])),
                            ty: Ty::Bool,
                            pii,
                        }
                    }
                    other => self.error(
                        Code::TypeMismatch,
                        &args[0].span,
                        format!(
                            "`contains` needs a string or a list, found a {}",
                            other.name()
                        ),
                    ),
                }
            }
            "round" => {
                if !self.arity(name, args, span, 1, 2) {
                    return Typed::invalid();
                }
                let t = self.expr(&args[0]);
                if !t.ty.is_numeric() {
                    return self.error(
                        Code::TypeMismatch,
                        &args[0].span,
                        format!("`round` needs a number, found a {}", t.ty.name()),
                    );
                }
                let digits = match args.get(1).map(|a| &a.kind) {
                    None => 0,
                    Some(ExprKind::Int(n)) if (0..=12).contains(n) => *n as i32,
                    Some(_) => {
                        return self.error(
                            Code::TypeMismatch,
                            &args[1].span,
                            "the digits of `round` must be an integer literal from 0 to 12",
                        );
                    }
                };
                let ty = if digits == 0 { Ty::Int } else { Ty::Num };
                Typed {
                    ir: Ir::Call(Func::Round(digits), Box::new([t.ir])),
                    ty,
                    pii: t.pii,
                }
            }
            "abs" => unary_num(self, Func::Abs),
            "least" | "greatest" => {
                if !self.arity(name, args, span, 2, 2) {
                    return Typed::invalid();
                }
                let ta = self.expr(&args[0]);
                let tb = self.expr(&args[1]);
                let ty = match (&ta.ty, &tb.ty) {
                    (Ty::Int, Ty::Int) => Ty::Int,
                    (x, y) if x.is_numeric() && y.is_numeric() => Ty::Num,
                    (Ty::Date, Ty::Date) => Ty::Date,
                    (x, y) => {
                        let msg = format!(
                            "`{name}` needs two numbers or two dates, found a {} and a {}",
                            x.name(),
                            y.name()
                        );
                        return self.error(Code::TypeMismatch, span, msg);
                    }
                };
                let f = if name == "least" {
                    Func::Least
                } else {
                    Func::Greatest
                };
                let pii = combine_pii(&[ta.pii, tb.pii]);
                Typed {
                    ir: Ir::Call(f, Box::new([ta.ir, tb.ir])),
                    ty,
                    pii,
                }
            }
            _ => {
                let known = [
                    "count",
                    "any",
                    "all",
                    "ratio",
                    "sum",
                    "min",
                    "max",
                    "avg",
                    "distinct",
                    "exists",
                    "coalesce",
                    "len",
                    "days_since",
                    "days_between",
                    "year",
                    "matches",
                    "contains",
                    "round",
                    "abs",
                    "least",
                    "greatest",
                    "date",
                ];
                let help = did_you_mean(name, known);
                self.error_help(
                    Code::UnknownField,
                    name_span,
                    format!("unknown function `{name}`"),
                    help,
                )
            }
        }
    }

    fn aggregate(
        &mut self,
        kind: AggKind,
        name: &str,
        args: &[Expr],
        span: &Range<usize>,
    ) -> Typed {
        let needs_body = matches!(kind, AggKind::Any | AggKind::All | AggKind::Ratio);
        let min = if needs_body { 2 } else { 1 };
        if !self.arity(name, args, span, min, 2) {
            return Typed::invalid();
        }
        if self.items.len() >= MAX_AGG_DEPTH {
            return self.error(
                Code::LimitExceeded,
                span,
                format!("aggregates nested deeper than {MAX_AGG_DEPTH}"),
            );
        }
        let (tl, item_ty) = self.list(&args[0], &format!("the first argument of `{name}`"));
        let (list_name, list_scope) = match &tl.ir {
            Ir::Field { depth, name, .. } => (name.clone(), *depth),
            _ => (String::from("").into_boxed_str(), 0),
        };
        let depth = self.items.len() as u8 + 1;
        let body = args.get(1).map(|b| {
            self.with_item(item_ty.clone(), |me| {
                let t = me.expr(b);
                (t, b)
            })
        });
        let scalar_item = !matches!(item_ty, Ty::Obj(_));
        let ty = match kind {
            AggKind::Count | AggKind::Distinct => Ty::Int,
            AggKind::Any | AggKind::All => Ty::Bool,
            AggKind::Ratio | AggKind::Avg => Ty::Num,
            AggKind::Sum | AggKind::Min | AggKind::Max => {
                body.as_ref().map_or(item_ty.clone(), |(t, _)| t.ty.clone())
            }
        };
        if let Some((t, b)) = &body {
            let ok = match kind {
                AggKind::Count | AggKind::Any | AggKind::All | AggKind::Ratio => {
                    matches!(t.ty, Ty::Bool | Ty::Err)
                }
                AggKind::Sum | AggKind::Avg => t.ty.is_numeric(),
                AggKind::Min | AggKind::Max => t.ty.is_numeric() || t.ty == Ty::Date,
                AggKind::Distinct => !matches!(t.ty, Ty::Obj(_) | Ty::List(_)),
            };
            if !ok {
                let want = match kind {
                    AggKind::Count | AggKind::Any | AggKind::All | AggKind::Ratio => "a condition",
                    AggKind::Sum | AggKind::Avg => "a number",
                    AggKind::Min | AggKind::Max => "a number or a date",
                    AggKind::Distinct => "a single value",
                };
                let code = if want == "a condition" {
                    Code::NonBooleanCheck
                } else {
                    Code::TypeMismatch
                };
                let msg = format!(
                    "the second argument of `{name}` must be {want}, found a {}",
                    t.ty.name()
                );
                return self.error(code, &b.span, msg);
            }
        } else if !matches!(kind, AggKind::Count) {
            let ok = match kind {
                AggKind::Sum | AggKind::Avg => item_ty.is_numeric(),
                AggKind::Min | AggKind::Max => item_ty.is_numeric() || item_ty == Ty::Date,
                _ => scalar_item,
            };
            if !ok || !scalar_item {
                return self.error(
                    Code::TypeMismatch,
                    span,
                    format!(
                        "`{name}` over a list of {} needs a second argument",
                        item_ty.name()
                    ),
                );
            }
        }
        let ty = if ty == Ty::Int && matches!(kind, AggKind::Sum) {
            Ty::Int
        } else if matches!(kind, AggKind::Sum) && ty.is_numeric() {
            Ty::Num
        } else {
            ty
        };
        let body_ir = body.map(|(t, _)| t.ir);
        // Aggregating over a list of scalars without a body uses the item itself.
        let body_ir = match (body_ir, kind) {
            (
                None,
                AggKind::Sum | AggKind::Min | AggKind::Max | AggKind::Avg | AggKind::Distinct,
            ) => Some(Ir::Item { depth }),
            (b, _) => b,
        };
        Typed {
            ir: Ir::Agg(Box::new(Agg {
                kind,
                list: tl.ir,
                body: body_ir,
                depth,
                list_name,
                list_scope,
                kernel: None,
            })),
            ty,
            pii: Some(false),
        }
    }
}
