//! Item kernels: aggregate bodies of the common shapes (`field OP const`, `field in [...]`,
//! boolean fields, `exists(field)`, per-item arithmetic compared with a number, and their
//! `and`/`or`/`not`; arithmetic over fields for `sum/avg`; a bare field for
//! `min/max/distinct`) compiled at load time (`compile.rs`) into short postfix programs over
//! one item's slots, run by `run.rs`.
//!
//! A kernel runs the aggregate in a tight loop with none of the general evaluator's
//! bookkeeping (scope frames, missing paths); `any` and `all` without per-item arithmetic stop
//! at the item that decides them. Predicates use three-valued logic like the
//! general evaluator; where the result would carry missing-value paths (an undecided `any`,
//! `all` or `ratio`, a missing operand of `sum`), or arithmetic divides by zero or overflows,
//! the kernel gives up (`None`) and the general evaluator re-runs the aggregate to report it;
//! whenever the kernel answers, both give the same value (`tests/kernels.rs` checks this on
//! random records).

mod compile;
mod run;

pub(crate) use compile::compile;
pub(crate) use run::run;

use super::CmpOp;
use crate::value::{V, Value, equal};

/// Deepest operand stack a kernel may need; deeper bodies use the general evaluator.
const STACK: usize = 16;

static MISSING: Value = Value::Missing;

/// A compiled aggregate body.
#[derive(Debug, Clone)]
pub(crate) enum Kernel {
    /// `count/any/all/ratio(L, predicate)`.
    Pred(Box<[PredOp]>),
    /// `min/max(L, field)`.
    Field(Box<[u32]>),
    /// `sum/avg(L, arithmetic over the item's fields)`.
    Num(Box<[NumOp]>),
    /// `distinct(L, field)`, for up to `DISTINCT` different values.
    Distinct(Box<[u32]>),
}

/// Most different values the `distinct` kernel keeps (in a stack array, compared linearly);
/// more go to the general evaluator.
const DISTINCT: usize = 32;

/// One step of a predicate program.
#[derive(Debug, Clone)]
pub(crate) enum PredOp {
    Cmp {
        slots: Box<[u32]>,
        op: CmpOp,
        value: Const,
    },
    In {
        slots: Box<[u32]>,
        set: Set,
        negated: bool,
    },
    Bool(Box<[u32]>),
    Exists(Box<[u32]>),
    /// Arithmetic over the item's fields against a number (`days_since(date) <= 365`); only
    /// operations that cannot fail on finite inputs, so a missing field is the only way out.
    Num {
        ops: Box<[NumOp]>,
        op: CmpOp,
        value: f64,
    },
    Not,
    And,
    Or,
}

/// One step of an arithmetic program (dates as day numbers).
#[derive(Debug, Clone)]
pub(crate) enum NumOp {
    Field(Box<[u32]>),
    Const(f64),
    AsOf,
    Abs,
    /// Pops `y`, applies `x ⊕ y` to the new top `x`.
    Bin(Bin),
    /// Applies `top ⊕ c` (a constant right operand, fused so it is not pushed).
    BinConst(Bin, f64),
    /// Applies `c ⊕ top` (a constant left operand).
    ConstBin(Bin, f64),
}

/// A binary arithmetic operation.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Bin {
    Add,
    Sub,
    Mul,
    Div,
    Least,
    Greatest,
    /// `days_between(a, b)` is `b - a`; `days_since(a)` is `days_between(a, as_of)`.
    Between,
}

impl Bin {
    /// `x ⊕ y`; `None` for a zero divisor or a result that is not finite.
    #[inline(always)]
    fn apply(self, x: f64, y: f64) -> Option<f64> {
        let r = match self {
            Bin::Add => x + y,
            Bin::Sub => x - y,
            Bin::Mul => x * y,
            Bin::Div if y == 0.0 => return None,
            Bin::Div => x / y,
            Bin::Least => x.min(y),
            Bin::Greatest => x.max(y),
            Bin::Between => y - x,
        };
        r.is_finite().then_some(r)
    }
}

/// The constant side of a comparison, typed so the loop compares without converting.
#[derive(Debug, Clone)]
pub(crate) struct Const {
    fast: Fast,
    /// For the comparisons the fast kinds do not cover, through the general `compare`.
    value: Value,
}

#[derive(Debug, Clone)]
enum Fast {
    Num(f64),
    Date(i32),
    Enum(u32),
    Str(Box<str>),
    Other,
}

impl Const {
    fn of(v: &Value) -> Const {
        let fast = match v {
            Value::Num(x) => Fast::Num(*x),
            Value::Int(i) => Fast::Num(*i as f64),
            Value::Date(d) => Fast::Date(*d),
            Value::Enum(e) => Fast::Enum(*e),
            Value::Str(s) => Fast::Str(s.as_str().into()),
            _ => Fast::Other,
        };
        Const {
            fast,
            value: v.clone(),
        }
    }

    /// `v OP self`; `None` when `v` is missing.
    #[inline(always)]
    fn compared(&self, op: CmpOp, v: &Value) -> Option<bool> {
        let equality = matches!(op, CmpOp::Eq | CmpOp::Ne);
        let ord = match (&self.fast, v) {
            (_, Value::Missing) => return None,
            (Fast::Num(c), Value::Num(x)) => x.partial_cmp(c),
            (Fast::Num(c), Value::Int(i)) => (*i as f64).partial_cmp(c),
            (Fast::Date(c), Value::Date(x)) => Some(x.cmp(c)),
            (Fast::Enum(c), Value::Enum(x)) if equality => {
                return Some((x == c) == (op == CmpOp::Eq));
            }
            (Fast::Str(c), Value::Str(x)) if equality => {
                return Some((x.as_str() == &**c) == (op == CmpOp::Eq));
            }
            _ => {
                // Fast kinds aside, comparisons are of scalars: no arena is needed to view them.
                return match super::eval::compare(op, v.view_const(), self.value.view_const()) {
                    V::Bool(b) => Some(b),
                    _ => None,
                };
            }
        }?;
        Some(match op {
            CmpOp::Eq => ord.is_eq(),
            CmpOp::Ne => ord.is_ne(),
            CmpOp::Lt => ord.is_lt(),
            CmpOp::Le => ord.is_le(),
            CmpOp::Gt => ord.is_gt(),
            CmpOp::Ge => ord.is_ge(),
        })
    }
}

/// The constant list of an `in` test; enum values become a bit mask.
#[derive(Debug, Clone)]
pub(crate) enum Set {
    Mask(u64),
    Strs(Box<[Box<str>]>),
    Values(Box<[Value]>),
}

impl Set {
    fn of(values: &[Value]) -> Set {
        if let Some(strs) = values
            .iter()
            .map(|v| match v {
                Value::Str(s) => Some(Box::<str>::from(s.as_str())),
                _ => None,
            })
            .collect::<Option<Vec<_>>>()
        {
            return Set::Strs(strs.into());
        }
        let mut mask = 0u64;
        for v in values {
            match v {
                Value::Enum(i) if *i < 64 => mask |= 1 << i,
                _ => return Set::Values(values.into()),
            }
        }
        Set::Mask(mask)
    }

    #[inline]
    fn contains(&self, v: &Value) -> Option<bool> {
        match (self, v) {
            (_, Value::Missing) => None,
            (Set::Mask(m), Value::Enum(i)) => Some(*i < 64 && m & (1 << i) != 0),
            (Set::Strs(ss), Value::Str(x)) => {
                let x = x.as_str();
                Some(ss.iter().any(|s| **s == *x))
            }
            (Set::Mask(_), _) => Some(false),
            (Set::Strs(ss), x) => Some(
                ss.iter()
                    .any(|s| equal(x.view_const(), V::Str(s)) == Some(true)),
            ),
            (Set::Values(vs), x) => Some(
                vs.iter()
                    .any(|e| equal(x.view_const(), e.view_const()) == Some(true)),
            ),
        }
    }
}
