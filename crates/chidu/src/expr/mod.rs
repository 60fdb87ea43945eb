//! The expression language: syntax, type checking against the record schema, and a compiled
//! evaluator over typed record slots (no re-parsing, no string lookups per record).

pub(crate) mod check;
pub(crate) mod eval;
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
}
