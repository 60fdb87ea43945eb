//! Compiling aggregate bodies into kernel programs.

use super::{Bin, Const, Kernel, NumOp, PredOp, STACK, Set};
use crate::expr::{Agg, AggKind, ArithOp, Func, Ir};
use crate::value::Value;

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
