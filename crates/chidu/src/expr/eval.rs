//! The evaluator: walks compiled IR over typed record slots. Missing values propagate with
//! three-valued logic; the paths of missing values are collected for the report.

use std::collections::HashSet;

use super::{Agg, AggKind, ArithOp, CmpOp, Func, Ir, MAX_AGG_DEPTH};
use crate::value::{V, Value, civil_from_days, equal};

/// One open aggregate item: its value, index, and how to name its path.
#[derive(Clone, Copy)]
struct Frame<'a> {
    item: V<'a>,
    index: u32,
    list_name: &'a str,
    list_scope: u8,
}

/// Per-record evaluation state, reused across the indicators of one record.
pub(crate) struct Cx<'a> {
    /// The record's value arena and its root object's slots.
    pub(crate) arena: &'a [Value],
    root: &'a [Value],
    frames: [Frame<'a>; MAX_AGG_DEPTH + 1],
    pub(crate) lets: Vec<V<'a>>,
    /// Missing paths behind each `let` that ended missing (reported where the let is used).
    pub(crate) let_missing: Vec<Vec<MissingRef<'a>>>,
    /// Values of shared lets already computed for this record, with their missing paths.
    pub(crate) shared: Vec<Option<(V<'a>, Vec<MissingRef<'a>>)>>,
    /// Values of shared aggregates already computed for this record.
    pub(crate) shared_aggs: Vec<Option<(V<'a>, Vec<MissingRef<'a>>)>>,
    pub(crate) as_of: i32,
    /// Missing values met on the way; formatted into paths only when reported.
    pub(crate) missing: Vec<MissingRef<'a>>,
    /// Set when evaluation failed (numeric overflow).
    pub(crate) error: Option<&'static str>,
    /// Whether a report is being built: scorecards skip what only a report shows (the two
    /// sides of comparisons, let values, missing paths, deductions).
    pub(crate) explain: bool,
}

/// Where a missing value was met: its name and the open aggregate items, copied without
/// allocating; [`MissingRef::path`] formats it (`staff[2].certificate`) when a report needs it.
#[derive(Clone, Copy)]
pub(crate) struct MissingRef<'a> {
    name: &'a str,
    depth: u8,
    frames: [(u32, &'a str, u8); MAX_AGG_DEPTH],
}

impl MissingRef<'_> {
    pub(crate) fn path(&self) -> String {
        let item = self.item_path(self.depth);
        match (item.is_empty(), self.name.is_empty()) {
            (true, _) => self.name.to_owned(),
            (false, true) => item,
            (false, false) => format!("{item}.{}", self.name),
        }
    }

    fn item_path(&self, depth: u8) -> String {
        if depth == 0 {
            return String::new();
        }
        let Some(&(index, list_name, scope)) = self.frames.get(depth as usize - 1) else {
            return String::new();
        };
        let prefix = if scope == 0 || scope >= depth {
            String::new()
        } else {
            self.item_path(scope) + "."
        };
        let name = if list_name.is_empty() {
            "list"
        } else {
            list_name
        };
        format!("{prefix}{name}[{index}]")
    }
}

impl<'a> Cx<'a> {
    pub(crate) fn new(arena: &'a [Value], root: &'a [Value], as_of: i32) -> Self {
        let empty = Frame {
            item: V::Missing,
            index: 0,
            list_name: "",
            list_scope: 0,
        };
        Cx {
            arena,
            root,
            frames: [empty; MAX_AGG_DEPTH + 1],
            lets: Vec::new(),
            let_missing: Vec::new(),
            shared: Vec::new(),
            shared_aggs: Vec::new(),
            as_of,
            missing: Vec::new(),
            error: None,
            explain: true,
        }
    }

    /// Opens an item scope for `for_each` (depth 1) and evaluates `f` inside it.
    pub(crate) fn set_item(
        &mut self,
        depth: u8,
        item: V<'a>,
        index: u32,
        list_name: &'a str,
        list_scope: u8,
    ) {
        if let Some(f) = self.frames.get_mut(depth as usize) {
            *f = Frame {
                item,
                index,
                list_name,
                list_scope,
            };
        }
    }

    /// The path of the item open at `depth`, e.g. `staff[2]` or `groups[1].sessions[0]`.
    pub(crate) fn item_path(&self, depth: u8) -> String {
        let Some(f) = self.frames.get(depth as usize) else {
            return String::new();
        };
        let prefix = if f.list_scope == 0 || f.list_scope >= depth {
            String::new()
        } else {
            self.item_path(f.list_scope) + "."
        };
        let name = if f.list_name.is_empty() {
            "list"
        } else {
            f.list_name
        };
        format!("{prefix}{name}[{}]", f.index)
    }

    #[cold]
    #[inline(never)]
    fn note_let_missing(&mut self, i: u16) {
        if let Some(paths) = self.let_missing.get(i as usize) {
            let paths = paths.clone();
            self.missing.extend(paths);
        }
    }

    #[cold]
    #[inline(never)]
    fn note_missing(&mut self, depth: u8, name: &'a str) {
        if self.missing.len() >= 64 {
            return;
        }
        let mut frames = [(0, "", 0); MAX_AGG_DEPTH];
        for (slot, f) in frames
            .iter_mut()
            .zip(self.frames.iter().skip(1))
            .take(depth as usize)
        {
            *slot = (f.index, f.list_name, f.list_scope);
        }
        self.missing.push(MissingRef {
            name,
            depth,
            frames,
        });
    }
}

#[inline]
fn truth(v: V) -> Option<bool> {
    match v {
        V::Bool(b) => Some(b),
        _ => None,
    }
}

fn num(v: V) -> Option<f64> {
    match v {
        V::Num(n) => Some(n),
        _ => None,
    }
}

/// Reads a field path from the record root (depth 0) or an open aggregate item.
#[inline(always)]
pub(crate) fn field<'a>(depth: u8, slots: &[u32], name: &'a str, cx: &mut Cx<'a>) -> V<'a> {
    let mut cur = if depth == 0 {
        V::Obj(cx.root)
    } else {
        cx.frames.get(depth as usize).map_or(V::Missing, |f| f.item)
    };
    let arena = cx.arena;
    for slot in slots {
        cur = match cur {
            V::Obj(o) => o.get(*slot as usize).map_or(V::Missing, |v| v.view(arena)),
            _ => V::Missing,
        };
    }
    if cur.is_missing() {
        cx.note_missing(depth, name);
    }
    cur
}

/// Evaluates `ir`.
pub(crate) fn eval<'a>(ir: &'a Ir, cx: &mut Cx<'a>) -> V<'a> {
    match ir {
        Ir::Const(v) => v.view_const(),
        Ir::Field { depth, slots, name } => field(*depth, slots, name, cx),
        Ir::CmpFieldConst(c) => {
            let v = field(c.depth, &c.slots, &c.name, cx);
            compare(c.op, v, c.value.view_const())
        }
        Ir::Item { depth } => {
            let v = cx
                .frames
                .get(*depth as usize)
                .map_or(V::Missing, |f| f.item);
            if v.is_missing() {
                cx.note_missing(*depth, "");
            }
            v
        }
        Ir::Let(i) => {
            let v = cx.lets.get(*i as usize).copied().unwrap_or(V::Missing);
            if v.is_missing() {
                cx.note_let_missing(*i);
            }
            v
        }
        Ir::AsOf => V::Date(cx.as_of),
        Ir::Not(x) => match eval(x, cx) {
            V::Bool(b) => V::Bool(!b),
            _ => V::Missing,
        },
        Ir::Neg(x) => match eval(x, cx) {
            V::Num(n) => V::Num(-n),
            _ => V::Missing,
        },
        Ir::And(a, b) => {
            let mark = cx.missing.len();
            let va = truth(eval(a, cx));
            if va == Some(false) {
                return V::Bool(false);
            }
            let mid = cx.missing.len();
            match (va, truth(eval(b, cx))) {
                (_, Some(false)) => {
                    cx.missing.truncate(mark);
                    V::Bool(false)
                }
                (Some(true), Some(true)) => V::Bool(true),
                _ => {
                    let _ = mid;
                    V::Missing
                }
            }
        }
        Ir::Or(a, b) => {
            let mark = cx.missing.len();
            let va = truth(eval(a, cx));
            if va == Some(true) {
                return V::Bool(true);
            }
            match (va, truth(eval(b, cx))) {
                (_, Some(true)) => {
                    cx.missing.truncate(mark);
                    V::Bool(true)
                }
                (Some(false), Some(false)) => V::Bool(false),
                _ => V::Missing,
            }
        }
        Ir::Cmp(op, a, b) => {
            let va = eval(a, cx);
            let vb = eval(b, cx);
            compare(*op, va, vb)
        }
        Ir::In {
            negated,
            item,
            list,
        } => {
            let vi = eval(item, cx);
            let vl = eval(list, cx);
            match (vi, vl) {
                (V::Missing, _) | (_, V::Missing) => V::Missing,
                (x, V::List(items)) => {
                    let arena = cx.arena;
                    let found = items.iter().any(|e| equal(x, e.view(arena)) == Some(true));
                    V::Bool(found != *negated)
                }
                _ => V::Missing,
            }
        }
        Ir::Arith(op, a, b) => {
            let (Some(x), Some(y)) = (num(eval(a, cx)), num(eval(b, cx))) else {
                return V::Missing;
            };
            let r = match op {
                ArithOp::Add => x + y,
                ArithOp::Sub => x - y,
                ArithOp::Mul => x * y,
                ArithOp::Div => {
                    if y == 0.0 {
                        return V::Missing;
                    }
                    x / y
                }
            };
            if !r.is_finite() {
                cx.error = Some("numeric overflow");
                return V::Missing;
            }
            V::Num(r)
        }
        Ir::Agg(agg) => aggregate(agg, cx),
        Ir::SharedAgg(id, agg) => shared_aggregate(*id, agg, cx),
        Ir::Call(f, args) => call(*f, args, cx),
        Ir::Matches(s, re) => match eval(s, cx) {
            V::Str(s) => V::Bool(re.is_match(s)),
            _ => V::Missing,
        },
        Ir::EnumName(x, names) => match eval(x, cx) {
            V::Enum(i) => names.get(i as usize).map_or(V::Missing, |s| V::Str(s)),
            other => other,
        },
    }
}

/// Comparison of two evaluated operands (missing on either side gives missing).
pub(crate) fn compare(op: CmpOp, a: V, b: V) -> V<'static> {
    if a.is_missing() || b.is_missing() {
        return V::Missing;
    }
    let ord = match (a, b) {
        (V::Num(x), V::Num(y)) => x.partial_cmp(&y),
        (V::Date(x), V::Date(y)) => Some(x.cmp(&y)),
        _ => None,
    };
    let r = match op {
        CmpOp::Eq => equal(a, b).unwrap_or(false),
        CmpOp::Ne => !equal(a, b).unwrap_or(false),
        CmpOp::Lt => ord.is_some_and(|o| o.is_lt()),
        CmpOp::Le => ord.is_some_and(|o| o.is_le()),
        CmpOp::Gt => ord.is_some_and(|o| o.is_gt()),
        CmpOp::Ge => ord.is_some_and(|o| o.is_ge()),
    };
    V::Bool(r)
}

/// What `distinct` compares: one key per present value (numbers by bits, with -0 as 0).
#[derive(Hash, PartialEq, Eq, Clone, Copy)]
pub(crate) enum DistinctKey<'a> {
    B(bool),
    N(u64),
    S(&'a str),
    D(i32),
    E(u32),
}

impl<'a> DistinctKey<'a> {
    #[inline]
    pub(crate) fn of(v: V<'a>) -> Option<Self> {
        Some(match v {
            V::Bool(b) => DistinctKey::B(b),
            V::Num(n) => DistinctKey::N(if n == 0.0 { 0 } else { n.to_bits() }),
            V::Str(s) => DistinctKey::S(s),
            V::Date(d) => DistinctKey::D(d),
            V::Enum(e) => DistinctKey::E(e),
            _ => return None,
        })
    }
}

#[inline(never)]
fn shared_aggregate<'a>(id: u32, agg: &'a Agg, cx: &mut Cx<'a>) -> V<'a> {
    if let Some(Some((v, paths))) = cx.shared_aggs.get(id as usize) {
        let v = *v;
        if !paths.is_empty() {
            let paths = paths.clone();
            cx.missing.extend(paths);
        }
        return v;
    }
    let mark = cx.missing.len();
    let v = aggregate(agg, cx);
    let paths = cx
        .missing
        .get(mark..)
        .map(<[_]>::to_vec)
        .unwrap_or_default();
    if let Some(slot) = cx.shared_aggs.get_mut(id as usize) {
        *slot = Some((v, paths));
    }
    v
}

// Kept out of line: inlined, its locals would bloat every `eval` frame.
#[inline(never)]
fn aggregate<'a>(agg: &'a Agg, cx: &mut Cx<'a>) -> V<'a> {
    let items = match eval(&agg.list, cx) {
        V::List(items) => items,
        _ => return V::Missing,
    };
    let Some(body) = &agg.body else {
        // A null item is a missing item, so `count(L)` counts the items that are present.
        return V::Num(
            items
                .iter()
                .filter(|v| !matches!(v, Value::Missing))
                .count() as f64,
        );
    };
    if let Some(v) = agg
        .kernel
        .as_deref()
        .and_then(|k| super::kernel::run(k, agg.kind, items, cx.arena, cx.as_of))
    {
        return v;
    }
    let depth = agg.depth as usize;
    let saved = cx.frames.get(depth).copied();
    let mark = cx.missing.len();
    let (mut trues, mut falses, mut missing) = (0usize, 0usize, 0usize);
    let mut acc: Option<f64> = None;
    let mut acc_date: Option<i32> = None;
    let mut sum = 0.0;
    // Only `distinct` needs a set; creating one costs a hasher seed, so keep it lazy.
    let mut seen: Option<HashSet<DistinctKey<'a>>> = None;
    let mut small_seen: Vec<DistinctKey<'a>> = Vec::new();
    let arena = cx.arena;
    for (i, item) in items.iter().enumerate() {
        if let Some(f) = cx.frames.get_mut(depth) {
            f.item = item.view(arena);
            f.index = i as u32;
            f.list_name = &agg.list_name;
            f.list_scope = agg.list_scope;
        }
        let v = eval(body, cx);
        match agg.kind {
            AggKind::Count | AggKind::Any | AggKind::All | AggKind::Ratio => match v {
                V::Bool(true) => trues += 1,
                V::Bool(false) => falses += 1,
                _ => missing += 1,
            },
            AggKind::Sum | AggKind::Avg => match v {
                V::Num(n) => {
                    sum += n;
                    trues += 1;
                }
                _ => missing += 1,
            },
            AggKind::Min | AggKind::Max => {
                let better = |new: f64, old: f64| {
                    if agg.kind == AggKind::Min {
                        new < old
                    } else {
                        new > old
                    }
                };
                match v {
                    V::Num(n) => {
                        if acc.is_none_or(|a| better(n, a)) {
                            acc = Some(n);
                        }
                    }
                    V::Date(d) => {
                        if acc_date.is_none_or(|a| better(d as f64, a as f64)) {
                            acc_date = Some(d);
                        }
                    }
                    _ => missing += 1,
                }
            }
            AggKind::Distinct => {
                match DistinctKey::of(v) {
                    Some(k) => {
                        // Lists are short: a linear scan beats hashing until they are not.
                        if small_seen.len() < 32 {
                            if !small_seen.contains(&k) {
                                small_seen.push(k);
                            }
                        } else if !small_seen.contains(&k) {
                            seen.get_or_insert_with(HashSet::new).insert(k);
                        }
                    }
                    None => missing += 1,
                }
            }
        }
        if cx.error.is_some() {
            break;
        }
    }
    if let (Some(s), Some(f)) = (saved, cx.frames.get_mut(depth)) {
        *f = s;
    }
    let n = items.len();
    let result = match agg.kind {
        AggKind::Count => V::Num(trues as f64),
        AggKind::Any => {
            if trues > 0 {
                V::Bool(true)
            } else if missing > 0 {
                V::Missing
            } else {
                V::Bool(false)
            }
        }
        AggKind::All => {
            if falses > 0 {
                V::Bool(false)
            } else if missing > 0 {
                V::Missing
            } else {
                V::Bool(true)
            }
        }
        AggKind::Ratio => {
            if n == 0 || missing == n {
                V::Missing
            } else {
                V::Num(trues as f64 / n as f64)
            }
        }
        AggKind::Sum => V::Num(sum),
        AggKind::Avg => {
            if trues == 0 {
                V::Missing
            } else {
                V::Num(sum / trues as f64)
            }
        }
        AggKind::Min | AggKind::Max => match (acc, acc_date) {
            (Some(x), _) => V::Num(x),
            (None, Some(d)) => V::Date(d),
            _ => V::Missing,
        },
        AggKind::Distinct => V::Num((small_seen.len() + seen.map_or(0, |s| s.len())) as f64),
    };
    // count/any/all that reached a value do not report the items they skipped.
    if matches!(
        agg.kind,
        AggKind::Count | AggKind::Any | AggKind::All | AggKind::Distinct
    ) && !result.is_missing()
    {
        cx.missing.truncate(mark);
    }
    result
}

#[inline(never)]
fn call<'a>(f: Func, args: &'a [Ir], cx: &mut Cx<'a>) -> V<'a> {
    let arg = |i: usize| args.get(i);
    let Some(a0) = arg(0) else { return V::Missing };
    match f {
        Func::Exists => {
            let mark = cx.missing.len();
            let v = eval(a0, cx);
            cx.missing.truncate(mark);
            V::Bool(!v.is_missing())
        }
        Func::Coalesce => {
            let mark = cx.missing.len();
            let v = eval(a0, cx);
            if !v.is_missing() {
                return v;
            }
            cx.missing.truncate(mark);
            match arg(1) {
                Some(b) => eval(b, cx),
                None => V::Missing,
            }
        }
        Func::LenStr => match eval(a0, cx) {
            V::Str(s) => V::Num(s.chars().count() as f64),
            _ => V::Missing,
        },
        Func::LenList => match eval(a0, cx) {
            V::List(l) => V::Num(l.len() as f64),
            _ => V::Missing,
        },
        Func::DaysSince => match eval(a0, cx) {
            V::Date(d) => V::Num(f64::from(cx.as_of - d)),
            _ => V::Missing,
        },
        Func::DaysBetween => {
            let a = eval(a0, cx);
            let b = arg(1).map_or(V::Missing, |b| eval(b, cx));
            match (a, b) {
                (V::Date(x), V::Date(y)) => V::Num(f64::from(y - x)),
                _ => V::Missing,
            }
        }
        Func::Year => match eval(a0, cx) {
            V::Date(d) => V::Num(f64::from(civil_from_days(d).0)),
            _ => V::Missing,
        },
        Func::ContainsStr => {
            let a = eval(a0, cx);
            let b = arg(1).map_or(V::Missing, |b| eval(b, cx));
            match (a, b) {
                (V::Str(s), V::Str(sub)) => V::Bool(s.contains(sub)),
                _ => V::Missing,
            }
        }
        Func::ContainsList => {
            let a = eval(a0, cx);
            let b = arg(1).map_or(V::Missing, |b| eval(b, cx));
            match (a, b) {
                (V::List(items), x) if !x.is_missing() => {
                    let arena = cx.arena;
                    V::Bool(items.iter().any(|e| equal(x, e.view(arena)) == Some(true)))
                }
                _ => V::Missing,
            }
        }
        Func::Round(digits) => match eval(a0, cx) {
            V::Num(n) => V::Num(round_half_away(n, digits)),
            _ => V::Missing,
        },
        Func::Abs => match eval(a0, cx) {
            V::Num(n) => V::Num(n.abs()),
            _ => V::Missing,
        },
        Func::Least | Func::Greatest => {
            let a = eval(a0, cx);
            let b = arg(1).map_or(V::Missing, |b| eval(b, cx));
            let least = f == Func::Least;
            match (a, b) {
                (V::Num(x), V::Num(y)) => V::Num(if least { x.min(y) } else { x.max(y) }),
                (V::Date(x), V::Date(y)) => V::Date(if least { x.min(y) } else { x.max(y) }),
                _ => V::Missing,
            }
        }
    }
}

/// Rounds half away from zero to `digits` decimals.
pub(crate) fn round_half_away(x: f64, digits: i32) -> f64 {
    let p = 10f64.powi(digits);
    // Nudge by a few ulps so that 2.675 (stored as 2.67499…) rounds as written.
    let y = x * p;
    let r = (y + y.signum() * y.abs() * 4.0 * f64::EPSILON).round() / p;
    if r.is_finite() { r } else { x }
}
