//! Name resolution: a path's first segment (`params`, `as_of`, `record`, `it`, a `let`, a field
//! of the current list item or of the record) and the walk through its fields, with
//! did-you-mean help for unknown names.

use std::ops::Range;

use super::super::{Ir, Ty};
use super::{Checker, Typed};
use crate::diag::{Code, did_you_mean};
use crate::schema::{FieldTy, ROOT};

impl Checker<'_> {
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

    /// A reserved name that stands for one value (`as_of`, `it` over scalars): a path that goes
    /// on past it is an error at its first field.
    fn single_value(
        &mut self,
        segs: &[(String, Range<usize>)],
        ir: Ir,
        ty: Ty,
        what: &str,
    ) -> Typed {
        if let Some((_, field)) = segs.get(1) {
            return self.error(
                Code::TypeMismatch,
                field,
                format!("{what} and has no fields"),
            );
        }
        Typed { ir, ty, pii: None }
    }

    pub(super) fn path(&mut self, segs: &[(String, Range<usize>)]) -> Typed {
        let Some((first, first_span)) = segs.first() else {
            return Typed::invalid();
        };
        match first.as_str() {
            "params" => return self.param(segs, first_span),
            "as_of" => {
                return self.single_value(segs, Ir::AsOf, Ty::Date, "`as_of` is a date");
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
                return self.single_value(segs, Ir::Item { depth }, item, "`it` is a single value");
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
}
