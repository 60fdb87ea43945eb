//! Running kernel programs over a list's items.

use super::{DISTINCT, Kernel, MISSING, NumOp, PredOp, STACK};
use crate::expr::eval::DistinctKey;
use crate::expr::{AggKind, CmpOp};
use crate::value::{V, Value};

/// The value at `slots` below `item` (missing when any step is).
#[inline]
fn at<'a>(item: Item<'a>, slots: &[u32], arena: &'a [Value]) -> &'a Value {
    let Some((&first, rest)) = slots.split_first() else {
        return item.value;
    };
    let mut cur = item.slots.get(first as usize).unwrap_or(&MISSING);
    for &slot in rest {
        cur = match cur {
            Value::Obj(o) => o.slice(arena).get(slot as usize).unwrap_or(&MISSING),
            _ => &MISSING,
        };
    }
    cur
}

/// One list item, with its slots looked up once when it is an object.
#[derive(Clone, Copy)]
struct Item<'a> {
    value: &'a Value,
    slots: &'a [Value],
}

impl<'a> Item<'a> {
    #[inline]
    fn of(value: &'a Value, arena: &'a [Value]) -> Self {
        let slots = match value {
            Value::Obj(o) => o.slice(arena),
            _ => &[],
        };
        Item { value, slots }
    }
}

/// Kleene truth values on the predicate stack.
const FALSE: u8 = 0;
const TRUE: u8 = 1;
const UNKNOWN: u8 = 2;
/// Arithmetic overflowed: the general evaluator must decide (it reports the error).
const GIVE_UP: u8 = 3;

/// The predicate on one item in three-valued logic (`UNKNOWN` when missing values decide it).
#[inline]
fn test<'a>(ops: &[PredOp], item: Item<'a>, arena: &'a [Value], as_of: i32) -> u8 {
    // The common shapes without the operand stack: one test, or two joined by and/or.
    match ops {
        [one] => return leaf(one, item, arena, as_of),
        [a, b, join @ (PredOp::And | PredOp::Or)] if !is_operator(a) && !is_operator(b) => {
            return combine(
                join,
                leaf(a, item, arena, as_of),
                leaf(b, item, arena, as_of),
            );
        }
        _ => {}
    }
    let mut stack = [UNKNOWN; STACK];
    let mut sp = 0usize;
    for op in ops {
        let pushed = match op {
            PredOp::Cmp { .. }
            | PredOp::In { .. }
            | PredOp::Bool(_)
            | PredOp::Exists(_)
            | PredOp::Num { .. } => leaf(op, item, arena, as_of),
            PredOp::Not => {
                if let Some(top) = sp.checked_sub(1).and_then(|i| stack.get_mut(i)) {
                    *top = match *top {
                        FALSE => TRUE,
                        TRUE => FALSE,
                        GIVE_UP => GIVE_UP,
                        _ => UNKNOWN,
                    };
                }
                continue;
            }
            PredOp::And | PredOp::Or => {
                let Some(top) = sp.checked_sub(1) else {
                    return UNKNOWN;
                };
                sp = top;
                let b = stack.get(sp).copied().unwrap_or(UNKNOWN);
                if let Some(a) = sp.checked_sub(1).and_then(|i| stack.get_mut(i)) {
                    *a = combine(op, *a, b);
                }
                continue;
            }
        };
        if let Some(slot) = stack.get_mut(sp) {
            *slot = pushed;
        }
        sp += 1;
    }
    stack.first().copied().unwrap_or(UNKNOWN)
}

fn is_operator(op: &PredOp) -> bool {
    matches!(op, PredOp::Not | PredOp::And | PredOp::Or)
}

/// One test on the item, in three-valued logic.
#[inline(always)]
fn leaf<'a>(op: &PredOp, item: Item<'a>, arena: &'a [Value], as_of: i32) -> u8 {
    let truth = |b: Option<bool>| b.map_or(UNKNOWN, u8::from);
    match op {
        PredOp::Cmp { slots, op, value } => truth(value.compared(*op, at(item, slots, arena))),
        PredOp::In {
            slots,
            set,
            negated,
        } => truth(
            set.contains(at(item, slots, arena))
                .map(|found| found != *negated),
        ),
        PredOp::Bool(slots) => match at(item, slots, arena) {
            Value::Bool(b) => u8::from(*b),
            _ => UNKNOWN,
        },
        PredOp::Exists(slots) => u8::from(!matches!(at(item, slots, arena), Value::Missing)),
        PredOp::Num { ops, op, value: c } => match value(ops, item, arena, as_of) {
            // As the general `compare` does it on two numbers.
            Ok(x) => u8::from(match op {
                CmpOp::Eq => x == *c,
                CmpOp::Ne => x != *c,
                CmpOp::Lt => x < *c,
                CmpOp::Le => x <= *c,
                CmpOp::Gt => x > *c,
                CmpOp::Ge => x >= *c,
            }),
            Err(Stop::Missing) => UNKNOWN,
            Err(Stop::Failed) => GIVE_UP,
        },
        PredOp::Not | PredOp::And | PredOp::Or => UNKNOWN,
    }
}

/// Kleene `and`/`or` of two truth values.
#[inline]
fn combine(join: &PredOp, a: u8, b: u8) -> u8 {
    if a == GIVE_UP || b == GIVE_UP {
        return GIVE_UP;
    }
    let (absorbing, identity) = if matches!(join, PredOp::And) {
        (FALSE, TRUE)
    } else {
        (TRUE, FALSE)
    };
    if a == absorbing || b == absorbing {
        absorbing
    } else if a == identity && b == identity {
        identity
    } else {
        UNKNOWN
    }
}

/// Why per-item arithmetic has no value.
#[derive(Clone, Copy)]
enum Stop {
    /// An operand is missing (or not a number): unknown, as in the general evaluator.
    Missing,
    /// A divisor was zero or the result not finite: the general evaluator reports it.
    Failed,
}

/// The arithmetic on one item.
#[inline(always)]
fn value<'a>(ops: &[NumOp], item: Item<'a>, arena: &'a [Value], as_of: i32) -> Result<f64, Stop> {
    let mut stack = [0.0f64; STACK];
    let mut sp = 0usize;
    for op in ops {
        let pushed = match op {
            NumOp::Field(slots) => match at(item, slots, arena) {
                Value::Num(x) => *x,
                Value::Int(i) => *i as f64,
                Value::Date(d) => f64::from(*d),
                _ => return Err(Stop::Missing),
            },
            NumOp::Const(x) => *x,
            NumOp::AsOf => f64::from(as_of),
            NumOp::Abs | NumOp::BinConst(..) | NumOp::ConstBin(..) => {
                let top = sp
                    .checked_sub(1)
                    .and_then(|i| stack.get_mut(i))
                    .ok_or(Stop::Failed)?;
                *top = match op {
                    NumOp::BinConst(bin, c) => bin.apply(*top, *c),
                    NumOp::ConstBin(bin, c) => bin.apply(*c, *top),
                    _ => Some(top.abs()),
                }
                .ok_or(Stop::Failed)?;
                continue;
            }
            NumOp::Bin(bin) => {
                sp = sp.checked_sub(1).ok_or(Stop::Failed)?;
                let y = *stack.get(sp).ok_or(Stop::Failed)?;
                let x = sp
                    .checked_sub(1)
                    .and_then(|i| stack.get_mut(i))
                    .ok_or(Stop::Failed)?;
                *x = bin.apply(*x, y).ok_or(Stop::Failed)?;
                continue;
            }
        };
        *stack.get_mut(sp).ok_or(Stop::Failed)? = pushed;
        sp += 1;
    }
    stack.first().copied().ok_or(Stop::Failed)
}

/// Runs the aggregate over `items`; `None` when a missing value needs the general path.
pub(crate) fn run<'a>(
    kernel: &Kernel,
    kind: AggKind,
    items: &'a [Value],
    arena: &'a [Value],
    as_of: i32,
) -> Option<V<'a>> {
    let n = items.len();
    match kernel {
        Kernel::Pred(ops) => {
            // `any` is decided by its first true item and `all` by its first false one. Only
            // per-item arithmetic can give up (and then the general evaluator must report the
            // error), so without it the rest of the list cannot change the answer.
            let decided_by = match kind {
                AggKind::Any => Some(TRUE),
                AggKind::All => Some(FALSE),
                _ => None,
            }
            .filter(|_| !ops.iter().any(|op| matches!(op, PredOp::Num { .. })));
            let mut counts = [0usize; 4];
            for item in items {
                let truth = test(ops, Item::of(item, arena), arena, as_of);
                if Some(truth) == decided_by {
                    return Some(V::Bool(truth == TRUE));
                }
                if let Some(c) = counts.get_mut(usize::from(truth)) {
                    *c += 1;
                }
            }
            let [falses, trues, unknown, give_up] = counts;
            if give_up > 0 {
                return None;
            }
            // Where the general evaluator would report missing paths, let it.
            match kind {
                AggKind::Count => Some(V::Num(trues as f64)),
                AggKind::Any if trues > 0 => Some(V::Bool(true)),
                AggKind::All if falses > 0 => Some(V::Bool(false)),
                _ if unknown > 0 => None,
                AggKind::Any => Some(V::Bool(false)),
                AggKind::All => Some(V::Bool(true)),
                AggKind::Ratio if n > 0 => Some(V::Num(trues as f64 / n as f64)),
                _ => Some(V::Missing),
            }
        }
        Kernel::Num(ops) => {
            let mut sum = 0.0;
            for item in items {
                sum += value(ops, Item::of(item, arena), arena, as_of).ok()?;
            }
            Some(match kind {
                AggKind::Sum => V::Num(sum),
                _ if n > 0 => V::Num(sum / n as f64),
                _ => V::Missing,
            })
        }
        Kernel::Distinct(slots) => {
            let mut seen = [DistinctKey::B(false); DISTINCT];
            let mut n = 0usize;
            for item in items {
                let Some(key) =
                    DistinctKey::of(at(Item::of(item, arena), slots, arena).view(arena))
                else {
                    continue;
                };
                if seen.get(..n).is_some_and(|s| s.contains(&key)) {
                    continue;
                }
                *seen.get_mut(n)? = key;
                n += 1;
            }
            Some(V::Num(n as f64))
        }
        Kernel::Field(slots) => {
            let mut best: Option<V> = None;
            for item in items {
                let v = at(Item::of(item, arena), slots, arena).view(arena);
                let better = match (best, v) {
                    (None, V::Num(_) | V::Date(_)) => true,
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
            Some(best.unwrap_or(V::Missing))
        }
    }
}
