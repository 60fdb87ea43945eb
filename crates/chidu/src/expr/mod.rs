//! The expression language: syntax, type checking against the record schema, and a compiled
//! evaluator over typed record slots (no re-parsing, no string lookups per record).

pub(crate) mod check;
pub(crate) mod eval;
pub(crate) mod kernel;
pub(crate) mod syntax;

use crate::schema::{EnumId, ObjId};
use crate::value::Value;
pub(crate) use syntax::{ArithOp, CmpOp};

/// Deepest nesting of aggregates (each opens an item scope).
pub(crate) const MAX_AGG_DEPTH: usize = 8;

/// Static type of an expression.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Ty {
    Bool,
    Int,
    Num,
    Str,
    Date,
    Enum(EnumId),
    Obj(ObjId),
    List(Box<Ty>),
    Null,
    /// An operand that already failed to check; suppresses follow-on errors.
    Err,
}

impl Ty {
    pub(crate) fn is_numeric(&self) -> bool {
        matches!(self, Ty::Int | Ty::Num | Ty::Err)
    }
    pub(crate) fn name(&self) -> String {
        match self {
            Ty::Bool => "bool".into(),
            Ty::Int => "int".into(),
            Ty::Num => "number".into(),
            Ty::Str => "string".into(),
            Ty::Date => "date".into(),
            Ty::Enum(_) => "enum".into(),
            Ty::Obj(_) => "object".into(),
            Ty::List(t) => format!("list of {}", t.name()),
            Ty::Null => "null".into(),
            Ty::Err => "unknown".into(),
        }
    }
    /// The name with its indefinite article (`an int`, `a date`), for messages.
    pub(crate) fn with_article(&self) -> String {
        let name = self.name();
        let article = if name.starts_with(['a', 'e', 'i', 'o', 'u']) {
            "an"
        } else {
            "a"
        };
        format!("{article} {name}")
    }
}

/// Aggregate kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AggKind {
    Count,
    Any,
    All,
    Ratio,
    Sum,
    Min,
    Max,
    Avg,
    Distinct,
}

/// Built-in functions other than aggregates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Func {
    Exists,
    Coalesce,
    LenStr,
    LenList,
    DaysSince,
    DaysBetween,
    Year,
    ContainsStr,
    ContainsList,
    Round(i32),
    Abs,
    Least,
    Greatest,
}

/// Compiled expression: names resolved to slots, literals to typed constants.
#[derive(Debug, Clone)]
pub(crate) enum Ir {
    Const(Value),
    /// A path of slots from a scope: depth 0 is the record root, `d` the `d`-th aggregate item.
    Field {
        depth: u8,
        slots: Box<[u32]>,
        name: Box<str>,
    },
    /// The current item of an aggregate over a list of scalars (`it`).
    Item {
        depth: u8,
    },
    Let(u16),
    AsOf,
    Not(Box<Ir>),
    Neg(Box<Ir>),
    And(Box<Ir>, Box<Ir>),
    Or(Box<Ir>, Box<Ir>),
    Cmp(CmpOp, Box<Ir>, Box<Ir>),
    In {
        negated: bool,
        item: Box<Ir>,
        list: Box<Ir>,
    },
    Arith(ArithOp, Box<Ir>, Box<Ir>),
    Agg(Box<Agg>),
    Call(Func, Box<[Ir]>),
    Matches(Box<Ir>, Box<regex::Regex>),
    /// An enum value as its name, to compare with strings or enums of another field.
    EnumName(Box<Ir>, Box<[Box<str>]>),
    /// `field OP constant`, fused so the hottest shape needs no recursion.
    CmpFieldConst(Box<CmpFieldConst>),
    /// An aggregate that appears identically in several places of the pack: computed once
    /// per record and cached under its id.
    SharedAgg(u32, Box<Agg>),
}

#[derive(Debug, Clone)]
pub(crate) struct CmpFieldConst {
    pub(crate) depth: u8,
    pub(crate) slots: Box<[u32]>,
    pub(crate) name: Box<str>,
    pub(crate) op: CmpOp,
    pub(crate) value: Value,
}

impl CmpOp {
    /// The operator with its operands swapped (`3 < x` is `x > 3`).
    pub(crate) fn flipped(self) -> CmpOp {
        match self {
            CmpOp::Lt => CmpOp::Gt,
            CmpOp::Le => CmpOp::Ge,
            CmpOp::Gt => CmpOp::Lt,
            CmpOp::Ge => CmpOp::Le,
            other => other,
        }
    }
}

/// Replaces self-contained aggregates (reading only record fields and their own items) that
/// occur more than once across the pack with cached `SharedAgg` nodes. `ids` maps the
/// aggregate's structure to its cache slot; returns nothing, the map grows.
pub(crate) fn share_aggregates(ir: &mut Ir, ids: &mut std::collections::HashMap<String, u32>) {
    fn self_contained(ir: &Ir, min_depth: u8) -> bool {
        let ok = |d: u8| d == 0 || d >= min_depth;
        match ir {
            Ir::Let(_) => false,
            Ir::Field { depth, .. } | Ir::Item { depth } => ok(*depth),
            Ir::CmpFieldConst(c) => ok(c.depth),
            Ir::Const(_) | Ir::AsOf => true,
            Ir::Not(x) | Ir::Neg(x) | Ir::Matches(x, _) | Ir::EnumName(x, _) => {
                self_contained(x, min_depth)
            }
            Ir::And(a, b) | Ir::Or(a, b) | Ir::Cmp(_, a, b) | Ir::Arith(_, a, b) => {
                self_contained(a, min_depth) && self_contained(b, min_depth)
            }
            Ir::In { item, list, .. } => {
                self_contained(item, min_depth) && self_contained(list, min_depth)
            }
            Ir::Agg(agg) | Ir::SharedAgg(_, agg) => {
                self_contained(&agg.list, min_depth)
                    && agg
                        .body
                        .as_ref()
                        .is_none_or(|b| self_contained(b, min_depth))
            }
            Ir::Call(_, args) => args.iter().all(|a| self_contained(a, min_depth)),
        }
    }
    match ir {
        Ir::Agg(agg) => {
            if self_contained(&agg.list, u8::MAX)
                && agg
                    .body
                    .as_ref()
                    .is_none_or(|b| self_contained(b, agg.depth))
            {
                let key = format!("{agg:?}");
                let next = ids.len() as u32;
                let id = *ids.entry(key).or_insert(next);
                let inner = std::mem::replace(ir, Ir::Const(Value::Missing));
                if let Ir::Agg(agg) = inner {
                    *ir = Ir::SharedAgg(id, agg);
                }
                return;
            }
            share_aggregates(&mut agg.list, ids);
            if let Some(b) = &mut agg.body {
                share_aggregates(b, ids);
            }
        }
        Ir::Not(x) | Ir::Neg(x) | Ir::Matches(x, _) | Ir::EnumName(x, _) => {
            share_aggregates(x, ids)
        }
        Ir::And(a, b) | Ir::Or(a, b) | Ir::Cmp(_, a, b) | Ir::Arith(_, a, b) => {
            share_aggregates(a, ids);
            share_aggregates(b, ids);
        }
        Ir::In { item, list, .. } => {
            share_aggregates(item, ids);
            share_aggregates(list, ids);
        }
        Ir::Call(_, args) => args.iter_mut().for_each(|a| share_aggregates(a, ids)),
        _ => {}
    }
}

/// Peephole pass after type checking: fuses `field OP constant` comparisons.
pub(crate) fn optimize(ir: Ir) -> Ir {
    let fuse = |op: CmpOp, field: Ir, value: Value| match field {
        Ir::Field { depth, slots, name } => Ir::CmpFieldConst(Box::new(CmpFieldConst {
            depth,
            slots,
            name,
            op,
            value,
        })),
        other => Ir::Cmp(op, Box::new(other), Box::new(Ir::Const(value))),
    };
    match ir {
        Ir::Cmp(op, a, b) => match (optimize(*a), optimize(*b)) {
            (f @ Ir::Field { .. }, Ir::Const(v)) if !matches!(v, Value::Missing) => fuse(op, f, v),
            (Ir::Const(v), f @ Ir::Field { .. }) if !matches!(v, Value::Missing) => {
                fuse(op.flipped(), f, v)
            }
            (a, b) => Ir::Cmp(op, Box::new(a), Box::new(b)),
        },
        Ir::Not(x) => Ir::Not(Box::new(optimize(*x))),
        Ir::Neg(x) => Ir::Neg(Box::new(optimize(*x))),
        Ir::And(a, b) => Ir::And(Box::new(optimize(*a)), Box::new(optimize(*b))),
        Ir::Or(a, b) => Ir::Or(Box::new(optimize(*a)), Box::new(optimize(*b))),
        Ir::In {
            negated,
            item,
            list,
        } => Ir::In {
            negated,
            item: Box::new(optimize(*item)),
            list: Box::new(optimize(*list)),
        },
        Ir::Arith(op, a, b) => Ir::Arith(op, Box::new(optimize(*a)), Box::new(optimize(*b))),
        Ir::Agg(mut agg) => {
            agg.list = optimize(agg.list);
            agg.body = agg.body.map(optimize);
            agg.kernel = kernel::compile(&agg).map(Box::new);
            Ir::Agg(agg)
        }
        Ir::Call(f, args) => Ir::Call(f, args.into_vec().into_iter().map(optimize).collect()),
        Ir::Matches(x, re) => Ir::Matches(Box::new(optimize(*x)), re),
        Ir::SharedAgg(id, mut agg) => {
            agg.list = optimize(agg.list);
            agg.body = agg.body.map(optimize);
            agg.kernel = kernel::compile(&agg).map(Box::new);
            Ir::SharedAgg(id, agg)
        }
        Ir::EnumName(x, names) => Ir::EnumName(Box::new(optimize(*x)), names),
        other => other,
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Agg {
    pub(crate) kind: AggKind,
    pub(crate) list: Ir,
    pub(crate) body: Option<Ir>,
    /// Scope depth of the items (1 for the outermost aggregate).
    pub(crate) depth: u8,
    /// The list's path and the scope it is relative to, for instance paths like `staff[2]`.
    pub(crate) list_name: Box<str>,
    pub(crate) list_scope: u8,
    /// The body compiled for the tight loop, when it has a supported shape (set by `optimize`).
    pub(crate) kernel: Option<Box<kernel::Kernel>>,
}
