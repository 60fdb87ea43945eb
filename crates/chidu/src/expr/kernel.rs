//! Item kernels: aggregate bodies of the common shapes (`field OP const`, `field in [...]`,
//! boolean fields, `exists(field)` and their `and`/`or`/`not`; a bare numeric field for
//! `sum/avg/min/max`) compiled at load time into small predicates over one item's slots.
//!
//! A kernel runs the whole aggregate in a tight loop with none of the general evaluator's
//! bookkeeping (scope frames, missing paths). The first missing value makes it give up
//! (`None`), and the general evaluator re-runs the aggregate to report where evidence is
//! missing; both give the same value whenever the kernel answers.

use super::{Agg, AggKind, CmpOp, Func, Ir};
use crate::value::{V, Value, equal};

/// A compiled aggregate body.
#[derive(Debug, Clone)]
pub(crate) enum Kernel {
    /// `count/any/all/ratio(L, predicate)`.
    Pred(Pred),
    /// `min/max(L, field)`.
    Field(Box<[u32]>),
    /// `sum/avg(L, arithmetic over the item's fields)`.
    Num(Num),
}

/// Per-item arithmetic: numeric and date fields and constants (dates as day numbers), `+ - * /`,
/// `least`, `greatest`, `abs`, `days_between`, `days_since`.
#[derive(Debug, Clone)]
pub(crate) enum Num {
    Field(Box<[u32]>),
    Const(f64),
    AsOf,
    Arith(super::ArithOp, Box<Num>, Box<Num>),
    Least(Box<Num>, Box<Num>),
    Greatest(Box<Num>, Box<Num>),
    Abs(Box<Num>),
    /// `days_between(a, b)` is `b - a`; `days_since(a)` is `as_of - a`.
    Between(Box<Num>, Box<Num>),
}

/// A predicate over one item.
#[derive(Debug, Clone)]
pub(crate) enum Pred {
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
    Not(Box<Pred>),
    And(Box<Pred>, Box<Pred>),
    Or(Box<Pred>, Box<Pred>),
}

/// The constant side of a comparison, typed so the hot loop compares without dispatching.
#[derive(Debug, Clone)]
pub(crate) enum Const {
    Num(f64),
    Date(i32),
    Enum(u32),
    Other(Value),
}

impl Const {
    fn of(v: &Value) -> Const {
        match v {
            Value::Num(x) => Const::Num(*x),
            Value::Int(i) => Const::Num(*i as f64),
            Value::Date(d) => Const::Date(*d),
            Value::Enum(e) => Const::Enum(*e),
            other => Const::Other(other.clone()),
        }
    }

    /// `v OP self`; `None` when `v` is missing.
    #[inline]
    fn compared(&self, op: CmpOp, v: V) -> Option<bool> {
        use std::cmp::Ordering;
        let ord = match (self, v) {
            (Const::Num(c), V::Num(x)) => x.partial_cmp(c),
            (Const::Date(c), V::Date(x)) => Some(x.cmp(c)),
            (Const::Enum(c), V::Enum(x)) => Some(if x == *c {
                Ordering::Equal
            } else {
                Ordering::Less
            }),
            (Const::Other(c), v) => {
                return match super::eval::compare(op, v, c.view()) {
                    V::Bool(b) => Some(b),
                    _ => None,
                };
            }
            (_, V::Missing) => return None,
            // Mismatched kinds: only `!=` holds, as in the general evaluator.
            _ => return Some(op == CmpOp::Ne),
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
    Values(Box<[Value]>),
}

impl Set {
    fn of(values: &[Value]) -> Set {
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
    fn contains(&self, v: V) -> Option<bool> {
        match (self, v) {
            (_, V::Missing) => None,
            (Set::Mask(m), V::Enum(i)) => Some(i < 64 && m & (1 << i) != 0),
            (Set::Mask(_), _) => Some(false),
            (Set::Values(vs), x) => Some(vs.iter().any(|e| equal(x, e.view()) == Some(true))),
        }
    }
}

/// The kernel for `agg`, when its body has one of the supported shapes.
pub(crate) fn compile(agg: &Agg) -> Option<Kernel> {
    let body = agg.body.as_ref()?;
    match agg.kind {
        AggKind::Count | AggKind::Any | AggKind::All | AggKind::Ratio => {
            Pred::from_ir(body, agg.depth).map(Kernel::Pred)
        }
        AggKind::Sum | AggKind::Avg => Num::from_ir(body, agg.depth).map(Kernel::Num),
        AggKind::Min | AggKind::Max => match body {
            Ir::Field { depth, slots, .. } if *depth == agg.depth => {
                Some(Kernel::Field(slots.clone()))
            }
            _ => None,
        },
        AggKind::Distinct => None,
    }
}

/// Slots of a field read from the aggregate's own item.
fn item_field(ir: &Ir, depth: u8) -> Option<&[u32]> {
    match ir {
        Ir::Field {
            depth: d, slots, ..
        } if *d == depth => Some(slots),
        _ => None,
    }
}

impl Pred {
    fn from_ir(ir: &Ir, depth: u8) -> Option<Pred> {
        let boxed = |ir: &Ir| Pred::from_ir(ir, depth).map(Box::new);
        Some(match ir {
            Ir::CmpFieldConst(c) if c.depth == depth && !matches!(c.value, Value::Missing) => {
                Pred::Cmp {
                    slots: c.slots.clone(),
                    op: c.op,
                    value: Const::of(&c.value),
                }
            }
            Ir::In {
                negated,
                item,
                list,
            } => match &**list {
                Ir::Const(Value::List(values)) => Pred::In {
                    slots: item_field(item, depth)?.into(),
                    set: Set::of(values),
                    negated: *negated,
                },
                _ => return None,
            },
            Ir::Field { .. } => Pred::Bool(item_field(ir, depth)?.into()),
            Ir::Call(Func::Exists, args) => match &args[..] {
                [arg] => Pred::Exists(item_field(arg, depth)?.into()),
                _ => return None,
            },
            Ir::Not(x) => Pred::Not(boxed(x)?),
            Ir::And(a, b) => Pred::And(boxed(a)?, boxed(b)?),
            Ir::Or(a, b) => Pred::Or(boxed(a)?, boxed(b)?),
            _ => return None,
        })
    }

    /// The predicate on one item; `None` when a value it reads is missing.
    fn test(&self, item: V) -> Option<bool> {
        match self {
            Pred::Cmp { slots, op, value } => value.compared(*op, read(item, slots)),
            Pred::In {
                slots,
                set,
                negated,
            } => set
                .contains(read(item, slots))
                .map(|found| found != *negated),
            Pred::Bool(slots) => match read(item, slots) {
                V::Bool(b) => Some(b),
                _ => None,
            },
            Pred::Exists(slots) => Some(!read(item, slots).is_missing()),
            Pred::Not(p) => p.test(item).map(|b| !b),
            Pred::And(a, b) => Some(a.test(item)? && b.test(item)?),
            Pred::Or(a, b) => Some(a.test(item)? || b.test(item)?),
        }
    }
}

impl Num {
    fn from_ir(ir: &Ir, depth: u8) -> Option<Num> {
        let boxed = |ir: &Ir| Num::from_ir(ir, depth).map(Box::new);
        Some(match ir {
            Ir::Field { .. } => Num::Field(item_field(ir, depth)?.into()),
            Ir::Const(Value::Num(x)) => Num::Const(*x),
            Ir::Const(Value::Int(i)) => Num::Const(*i as f64),
            Ir::Const(Value::Date(d)) => Num::Const(f64::from(*d)),
            Ir::AsOf => Num::AsOf,
            Ir::Arith(op, a, b) => Num::Arith(*op, boxed(a)?, boxed(b)?),
            Ir::Call(f, args) => match (f, &args[..]) {
                (Func::Least, [a, b]) => Num::Least(boxed(a)?, boxed(b)?),
                (Func::Greatest, [a, b]) => Num::Greatest(boxed(a)?, boxed(b)?),
                (Func::Abs, [a]) => Num::Abs(boxed(a)?),
                (Func::DaysBetween, [a, b]) => Num::Between(boxed(a)?, boxed(b)?),
                (Func::DaysSince, [a]) => Num::Between(boxed(a)?, Box::new(Num::AsOf)),
                _ => return None,
            },
            _ => return None,
        })
    }

    /// The value on one item; `None` when a value is missing or the result is not finite.
    fn value(&self, item: V, as_of: i32) -> Option<f64> {
        Some(match self {
            Num::Field(slots) => match read(item, slots) {
                V::Num(x) => x,
                V::Date(d) => f64::from(d),
                _ => return None,
            },
            Num::Const(x) => *x,
            Num::AsOf => f64::from(as_of),
            Num::Arith(op, a, b) => {
                let (x, y) = (a.value(item, as_of)?, b.value(item, as_of)?);
                let r = match op {
                    super::ArithOp::Add => x + y,
                    super::ArithOp::Sub => x - y,
                    super::ArithOp::Mul => x * y,
                    super::ArithOp::Div if y == 0.0 => return None,
                    super::ArithOp::Div => x / y,
                };
                if !r.is_finite() {
                    return None;
                }
                r
            }
            Num::Least(a, b) => a.value(item, as_of)?.min(b.value(item, as_of)?),
            Num::Greatest(a, b) => a.value(item, as_of)?.max(b.value(item, as_of)?),
            Num::Abs(a) => a.value(item, as_of)?.abs(),
            Num::Between(a, b) => b.value(item, as_of)? - a.value(item, as_of)?,
        })
    }
}

#[inline]
fn read<'a>(item: V<'a>, slots: &[u32]) -> V<'a> {
    let mut cur = item;
    for slot in slots {
        cur = match cur {
            V::Obj(o) => o.get(*slot as usize).map_or(V::Missing, Value::view),
            _ => V::Missing,
        };
    }
    cur
}

/// Runs the aggregate over `items`; `None` when a missing value needs the general path.
pub(crate) fn run<'a>(
    kernel: &Kernel,
    kind: AggKind,
    items: &'a [Value],
    as_of: i32,
) -> Option<V<'a>> {
    let n = items.len();
    match kernel {
        Kernel::Num(expr) => {
            let mut sum = 0.0;
            for item in items {
                sum += expr.value(item.view(), as_of)?;
            }
            match kind {
                AggKind::Sum => Some(V::Num(sum)),
                _ if n > 0 => Some(V::Num(sum / n as f64)),
                _ => Some(V::Missing),
            }
        }
        Kernel::Pred(pred) => {
            let mut trues = 0usize;
            for item in items {
                trues += usize::from(pred.test(item.view())?);
            }
            Some(match kind {
                AggKind::Count => V::Num(trues as f64),
                AggKind::Any => V::Bool(trues > 0),
                AggKind::All => V::Bool(trues == n),
                AggKind::Ratio if n > 0 => V::Num(trues as f64 / n as f64),
                _ => V::Missing,
            })
        }
        Kernel::Field(slots) => {
            let mut best: Option<V> = None;
            for item in items {
                let v = read(item.view(), slots);
                match (kind, v) {
                    (AggKind::Min | AggKind::Max, V::Num(_) | V::Date(_)) => {
                        let better = match (best, v) {
                            (None, _) => true,
                            (Some(V::Num(b)), V::Num(x)) => {
                                if kind == AggKind::Min {
                                    x < b
                                } else {
                                    x > b
                                }
                            }
                            (Some(V::Date(b)), V::Date(x)) => {
                                if kind == AggKind::Min {
                                    x < b
                                } else {
                                    x > b
                                }
                            }
                            _ => return None,
                        };
                        if better {
                            best = Some(v);
                        }
                    }
                    _ => return None,
                }
            }
            Some(best.unwrap_or(V::Missing))
        }
    }
}
