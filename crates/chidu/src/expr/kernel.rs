//! Item kernels: aggregate bodies of the common shapes (`field OP const`, `field in [...]`,
//! boolean fields, `exists(field)` and their `and`/`or`/`not`; arithmetic over fields for
//! `sum/avg`, a bare field for `min/max`) compiled at load time into short postfix programs
//! over one item's slots.
//!
//! A kernel runs the whole aggregate in a tight loop with none of the general evaluator's
//! bookkeeping (scope frames, missing paths). Predicates use three-valued logic like the
//! general evaluator; where the result would carry missing-value paths (an undecided `any`,
//! `all` or `ratio`, a missing operand of `sum`), or arithmetic divides by zero or overflows,
//! the kernel gives up (`None`) and the general evaluator re-runs the aggregate to report it; whenever the kernel answers, both give
//! the same value (`tests/kernels.rs` checks this on random records).

use super::eval::DistinctKey;
use super::{Agg, AggKind, ArithOp, CmpOp, Func, Ir};
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

/// The kernel for `agg`, when its body has one of the supported shapes.
pub(crate) fn compile(agg: &Agg) -> Option<Kernel> {
    let body = agg.body.as_ref()?;
    match agg.kind {
        AggKind::Count | AggKind::Any | AggKind::All | AggKind::Ratio => {
            let mut ops = Vec::new();
            (pred_ops(body, agg.depth, &mut ops)? <= STACK).then(|| Kernel::Pred(ops.into()))
        }
        AggKind::Sum | AggKind::Avg => {
            let mut ops = Vec::new();
            (num_ops(body, agg.depth, &mut ops)? <= STACK).then(|| Kernel::Num(ops.into()))
        }
        AggKind::Min | AggKind::Max => item_field(body, agg.depth).map(|s| Kernel::Field(s.into())),
        AggKind::Distinct => item_field(body, agg.depth).map(|s| Kernel::Distinct(s.into())),
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

/// Appends the postfix program of a predicate; returns the stack depth it needs.
fn pred_ops(ir: &Ir, depth: u8, ops: &mut Vec<PredOp>) -> Option<usize> {
    let leaf = |op: PredOp, ops: &mut Vec<PredOp>| {
        ops.push(op);
        Some(1)
    };
    match ir {
        Ir::CmpFieldConst(c) if c.depth == depth && !matches!(c.value, Value::Missing) => leaf(
            PredOp::Cmp {
                slots: c.slots.clone(),
                op: c.op,
                value: Const::of(&c.value),
            },
            ops,
        ),
        Ir::In {
            negated,
            item,
            list,
        } => match &**list {
            Ir::Const(Value::Consts(values)) => leaf(
                PredOp::In {
                    slots: item_field(item, depth)?.into(),
                    set: Set::of(values),
                    negated: *negated,
                },
                ops,
            ),
            _ => None,
        },
        Ir::Field { .. } => leaf(PredOp::Bool(item_field(ir, depth)?.into()), ops),
        Ir::Cmp(op, a, b) => {
            let number = |ir: &Ir| match ir {
                Ir::Const(Value::Num(x)) => Some(*x),
                Ir::Const(Value::Int(i)) => Some(*i as f64),
                _ => None,
            };
            let (side, op, value) = match (number(a), number(b)) {
                (None, Some(c)) => (a, *op, c),
                (Some(c), None) => (b, op.flipped(), c),
                _ => return None,
            };
            let mut program = Vec::new();
            let need = num_ops(side, depth, &mut program)?;
            (need <= STACK && program.iter().all(cannot_fail)).then_some(())?;
            leaf(
                PredOp::Num {
                    ops: program.into(),
                    op,
                    value,
                },
                ops,
            )
        }
        Ir::Call(Func::Exists, args) => match &args[..] {
            [arg] => leaf(PredOp::Exists(item_field(arg, depth)?.into()), ops),
            _ => None,
        },
        Ir::Not(x) => {
            let d = pred_ops(x, depth, ops)?;
            ops.push(PredOp::Not);
            Some(d)
        }
        Ir::And(a, b) | Ir::Or(a, b) => {
            let da = pred_ops(a, depth, ops)?;
            let db = pred_ops(b, depth, ops)?;
            ops.push(if matches!(ir, Ir::And(..)) {
                PredOp::And
            } else {
                PredOp::Or
            });
            Some(da.max(db + 1))
        }
        _ => None,
    }
}

/// True for arithmetic steps that give a finite number from finite operands (no division,
/// no multiplication).
fn cannot_fail(op: &NumOp) -> bool {
    let total = |b: &Bin| {
        matches!(
            b,
            Bin::Add | Bin::Sub | Bin::Least | Bin::Greatest | Bin::Between
        )
    };
    match op {
        NumOp::Field(_) | NumOp::Const(_) | NumOp::AsOf | NumOp::Abs => true,
        NumOp::Bin(b) | NumOp::BinConst(b, _) | NumOp::ConstBin(b, _) => total(b),
    }
}

/// Appends the postfix program of per-item arithmetic; returns the stack depth it needs.
fn num_ops(ir: &Ir, depth: u8, ops: &mut Vec<NumOp>) -> Option<usize> {
    let constant = |ir: &Ir| match ir {
        Ir::Const(Value::Num(x)) => Some(*x),
        Ir::Const(Value::Int(i)) => Some(*i as f64),
        Ir::Const(Value::Date(d)) => Some(f64::from(*d)),
        _ => None,
    };
    let binary = |a: &Ir, b: &Ir, op: Bin, ops: &mut Vec<NumOp>| match (constant(a), constant(b)) {
        (_, Some(c)) => {
            let d = num_ops(a, depth, ops)?;
            ops.push(NumOp::BinConst(op, c));
            Some(d)
        }
        (Some(c), None) => {
            let d = num_ops(b, depth, ops)?;
            ops.push(NumOp::ConstBin(op, c));
            Some(d)
        }
        (None, None) => {
            let da = num_ops(a, depth, ops)?;
            let db = num_ops(b, depth, ops)?;
            ops.push(NumOp::Bin(op));
            Some(da.max(db + 1))
        }
    };
    let leaf = |op: NumOp, ops: &mut Vec<NumOp>| {
        ops.push(op);
        Some(1)
    };
    if let Some(c) = constant(ir) {
        return leaf(NumOp::Const(c), ops);
    }
    match ir {
        Ir::Field { .. } => leaf(NumOp::Field(item_field(ir, depth)?.into()), ops),
        Ir::AsOf => leaf(NumOp::AsOf, ops),
        Ir::Arith(op, a, b) => {
            let op = match op {
                ArithOp::Add => Bin::Add,
                ArithOp::Sub => Bin::Sub,
                ArithOp::Mul => Bin::Mul,
                ArithOp::Div => Bin::Div,
            };
            binary(a, b, op, ops)
        }
        Ir::Call(f, args) => match (f, &args[..]) {
            (Func::Least, [a, b]) => binary(a, b, Bin::Least, ops),
            (Func::Greatest, [a, b]) => binary(a, b, Bin::Greatest, ops),
            (Func::DaysBetween, [a, b]) => binary(a, b, Bin::Between, ops),
            (Func::DaysSince, [a]) => binary(a, &Ir::AsOf, Bin::Between, ops),
            (Func::Abs, [a]) => {
                let d = num_ops(a, depth, ops)?;
                ops.push(NumOp::Abs);
                Some(d)
            }
            _ => None,
        },
        _ => None,
    }
}

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
            Some(x) => u8::from(match op {
                CmpOp::Eq => x == *c,
                CmpOp::Ne => x != *c,
                CmpOp::Lt => x < *c,
                CmpOp::Le => x <= *c,
                CmpOp::Gt => x > *c,
                CmpOp::Ge => x >= *c,
            }),
            // Missing operands make it unknown, as in the general evaluator; otherwise the
            // arithmetic overflowed.
            None if ops.iter().any(|o| match o {
                NumOp::Field(slots) => !matches!(
                    at(item, slots, arena),
                    Value::Num(_) | Value::Int(_) | Value::Date(_)
                ),
                _ => false,
            }) =>
            {
                UNKNOWN
            }
            None => GIVE_UP,
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

/// The arithmetic on one item; `None` when a value is missing, a divisor is zero or the
/// result is not finite.
#[inline(always)]
fn value<'a>(ops: &[NumOp], item: Item<'a>, arena: &'a [Value], as_of: i32) -> Option<f64> {
    let mut stack = [0.0f64; STACK];
    let mut sp = 0usize;
    for op in ops {
        let pushed = match op {
            NumOp::Field(slots) => match at(item, slots, arena) {
                Value::Num(x) => *x,
                Value::Int(i) => *i as f64,
                Value::Date(d) => f64::from(*d),
                _ => return None,
            },
            NumOp::Const(x) => *x,
            NumOp::AsOf => f64::from(as_of),
            NumOp::Abs | NumOp::BinConst(..) | NumOp::ConstBin(..) => {
                let top = stack.get_mut(sp.checked_sub(1)?)?;
                *top = match op {
                    NumOp::BinConst(bin, c) => bin.apply(*top, *c)?,
                    NumOp::ConstBin(bin, c) => bin.apply(*c, *top)?,
                    _ => top.abs(),
                };
                continue;
            }
            NumOp::Bin(bin) => {
                sp = sp.checked_sub(1)?;
                let y = *stack.get(sp)?;
                let x = stack.get_mut(sp.checked_sub(1)?)?;
                *x = bin.apply(*x, y)?;
                continue;
            }
        };
        *stack.get_mut(sp)? = pushed;
        sp += 1;
    }
    stack.first().copied()
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
            let mut counts = [0usize; 4];
            for item in items {
                if let Some(c) =
                    counts.get_mut(usize::from(test(ops, Item::of(item, arena), arena, as_of)))
                {
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
                sum += value(ops, Item::of(item, arena), arena, as_of)?;
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
