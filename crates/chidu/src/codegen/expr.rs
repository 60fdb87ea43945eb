//! Compiled expressions (`Ir`) as Rust expressions over the generated record structs.
//!
//! Every expression becomes an `Option<T>` (`None`: missing) with the engine's semantics
//! (`expr/eval.rs`): three-valued `and`/`or`, missing operands giving missing, aggregates
//! counting missing items the same way. Arithmetic that is not finite returns `Err(Bail)`
//! through `?`, so the engine decides that record and reports the error.

use crate::expr::{Agg, AggKind, ArithOp, CmpOp, Func, Ir};
use crate::schema::{FieldTy, ObjId, ROOT, RecordSchema};
use crate::value::Value;

/// The static kind of a generated expression, and the Rust type `T` of its `Option<T>`.
#[derive(Debug, Clone, PartialEq)]
enum K {
    /// `bool`
    Bool,
    /// `f64` (ints too, as the engine views them)
    Num,
    /// `&str`
    Str,
    /// `i32` day number
    Date,
    /// `u32` value index
    Enum,
    /// `&O{id}`
    Obj(ObjId),
    /// `&[Option<item>]`
    List(FieldTy),
    /// A `null` constant.
    Null,
}

impl K {
    fn of(ty: &FieldTy) -> K {
        match ty {
            FieldTy::String => K::Str,
            FieldTy::Int | FieldTy::Number => K::Num,
            FieldTy::Bool => K::Bool,
            FieldTy::Date => K::Date,
            FieldTy::Enum(_) => K::Enum,
            FieldTy::Object(o) => K::Obj(*o),
            FieldTy::List(item) => K::List((**item).clone()),
        }
    }
    /// The Rust type of a scalar kind's values.
    fn rust(&self) -> &'static str {
        match self {
            K::Bool | K::Null => "bool",
            K::Num => "f64",
            K::Str => "&str",
            K::Date => "i32",
            K::Enum => "u32",
            K::Obj(_) | K::List(_) => "()",
        }
    }
    fn scalar(&self) -> bool {
        matches!(self, K::Bool | K::Num | K::Str | K::Date | K::Enum)
    }
}

/// `Option<&Base>` of a field (or list item) to the `Option<T>` of its kind.
fn view(ty: &FieldTy) -> &'static str {
    match ty {
        FieldTy::String => ".map(|t| t.as_str())",
        FieldTy::Int | FieldTy::Number => ".map(|n| n.0)",
        FieldTy::Date => ".map(|d| d.0)",
        FieldTy::Bool => ".copied()",
        FieldTy::Enum(_) => ".map(|e| e.0)",
        FieldTy::Object(_) => "",
        FieldTy::List(_) => ".map(|l| l.items())",
    }
}

/// Generates the checks of one pack; collects the regexes and enum-name tables they use.
pub(crate) struct Gen<'s> {
    schema: &'s RecordSchema,
    /// Item type of each open aggregate scope, by depth (index 0 unused: the record root).
    scopes: Vec<Option<FieldTy>>,
    pub(crate) patterns: Vec<String>,
    pub(crate) enum_names: Vec<Vec<String>>,
    /// Kinds of the current indicator's `let`s, bound as `l0`, `l1`, … in its block.
    lets: Vec<K>,
}

type Code = Result<(String, K), String>;

impl<'s> Gen<'s> {
    pub(crate) fn new(schema: &'s RecordSchema) -> Self {
        Gen {
            schema,
            scopes: vec![None],
            patterns: Vec::new(),
            enum_names: Vec::new(),
            lets: Vec::new(),
        }
    }

    /// Starts an indicator: no `let`s bound yet.
    pub(crate) fn clear_lets(&mut self) {
        self.lets.clear();
    }

    /// The statement binding the indicator's next `let` (`l0`, `l1`, …), evaluated as the
    /// engine does: all of them, in order, after `when`.
    pub(crate) fn bind_let(&mut self, ir: &Ir) -> Result<String, String> {
        let (code, kind) = self.expr(ir)?;
        let i = self.lets.len();
        self.lets.push(kind);
        Ok(format!("let l{i} = {code};"))
    }

    /// A condition: Rust of type `Option<bool>`.
    pub(crate) fn boolean(&mut self, ir: &Ir) -> Result<String, String> {
        match self.expr(ir)? {
            (code, K::Bool) => Ok(code),
            (_, K::Null) => Ok("None::<bool>".into()),
            (_, k) => Err(format!("a condition of kind {k:?}")),
        }
    }

    fn expr(&mut self, ir: &Ir) -> Code {
        match ir {
            Ir::Const(v) => constant(v),
            Ir::Field { depth, slots, .. } => self.field(*depth, slots),
            Ir::CmpFieldConst(c) => {
                let a = self.field(c.depth, &c.slots)?;
                let b = constant(&c.value)?;
                Ok((compare(c.op, a, b), K::Bool))
            }
            Ir::Item { depth } => {
                let ty = self.scope(*depth)?;
                if !K::of(&ty).scalar() {
                    return Err("`it` over a list of objects or lists".into());
                }
                Ok((format!("it{depth}.as_ref(){}", view(&ty)), K::of(&ty)))
            }
            Ir::Let(i) => match self.lets.get(*i as usize) {
                Some(K::Null) => Ok(("None::<bool>".into(), K::Null)),
                Some(kind) => Ok((format!("l{i}"), kind.clone())),
                None => Err(format!("`let` {i} used before it is bound")),
            },
            Ir::AsOf => Ok(("Some(cx.as_of())".into(), K::Date)),
            Ir::Not(x) => {
                let x = self.bool_operand(x)?;
                Ok((format!("({x}).map(|b: bool| !b)"), K::Bool))
            }
            Ir::Neg(x) => {
                let x = self.num_operand(x)?;
                Ok((format!("({x}).map(|n: f64| -n)"), K::Num))
            }
            Ir::And(a, b) => {
                let (a, b) = (self.bool_operand(a)?, self.bool_operand(b)?);
                Ok((
                    format!(
                        "{{ let a: Option<bool> = {a}; if a == Some(false) {{ Some(false) }} else {{ match (a, {b}) {{ (_, Some(false)) => Some(false), (Some(true), Some(true)) => Some(true), _ => None }} }} }}"
                    ),
                    K::Bool,
                ))
            }
            Ir::Or(a, b) => {
                let (a, b) = (self.bool_operand(a)?, self.bool_operand(b)?);
                Ok((
                    format!(
                        "{{ let a: Option<bool> = {a}; if a == Some(true) {{ Some(true) }} else {{ match (a, {b}) {{ (_, Some(true)) => Some(true), (Some(false), Some(false)) => Some(false), _ => None }} }} }}"
                    ),
                    K::Bool,
                ))
            }
            Ir::Cmp(op, a, b) => {
                let (a, b) = (self.expr(a)?, self.expr(b)?);
                Ok((compare(*op, a, b), K::Bool))
            }
            Ir::In {
                negated,
                item,
                list,
            } => self.membership(*negated, item, list),
            Ir::Arith(op, a, b) => {
                let (a, b) = (self.num_operand(a)?, self.num_operand(b)?);
                let f = match op {
                    ArithOp::Add => "add",
                    ArithOp::Sub => "sub",
                    ArithOp::Mul => "mul",
                    ArithOp::Div => "div",
                };
                Ok((format!("rt::{f}({a}, {b})?"), K::Num))
            }
            Ir::Agg(agg) | Ir::SharedAgg(_, agg) => self.aggregate(agg),
            Ir::Call(f, args) => self.call(*f, args),
            Ir::Matches(x, re) => {
                let (x, k) = self.expr(x)?;
                if k != K::Str {
                    return Err("`matches` on a value that is not a string".into());
                }
                let i = self.pattern(re.as_str());
                Ok((format!("({x}).map(|s: &str| cx.is_match({i}, s))"), K::Bool))
            }
            Ir::EnumName(x, names) => {
                let (x, k) = self.expr(x)?;
                if k != K::Enum {
                    return Ok((x, k));
                }
                let t = self.enum_names.len();
                self.enum_names
                    .push(names.iter().map(|n| n.to_string()).collect());
                Ok((
                    format!("({x}).and_then(|e: u32| ENUM_NAMES_{t}.get(e as usize).copied())"),
                    K::Str,
                ))
            }
        }
    }

    fn pattern(&mut self, p: &str) -> usize {
        match self.patterns.iter().position(|x| x == p) {
            Some(i) => i,
            None => {
                self.patterns.push(p.to_owned());
                self.patterns.len() - 1
            }
        }
    }

    fn scope(&self, depth: u8) -> Result<FieldTy, String> {
        self.scopes
            .get(depth as usize)
            .cloned()
            .flatten()
            .ok_or_else(|| format!("no aggregate scope at depth {depth}"))
    }

    /// A measure: Rust of type `Option<f64>`.
    pub(crate) fn number(&mut self, ir: &Ir) -> Result<String, String> {
        self.num_operand(ir)
    }

    /// A list: Rust of type `Option<&[Option<item>]>`, and the item type.
    pub(crate) fn list(&mut self, ir: &Ir) -> Result<(String, FieldTy), String> {
        match self.expr(ir)? {
            (code, K::List(item)) => Ok((code, item)),
            (_, k) => Err(format!("a list expected, found kind {k:?}")),
        }
    }

    /// Runs `f` with the items of a list of `item`s in scope as `it{depth}` (the next depth),
    /// as the per-instance form binds them; returns that depth and what `f` returned.
    pub(crate) fn with_item<T>(
        &mut self,
        item: FieldTy,
        f: impl FnOnce(&mut Self) -> T,
    ) -> (usize, T) {
        let depth = self.scopes.len();
        self.scopes.push(Some(item));
        let out = f(self);
        self.scopes.truncate(depth);
        (depth, out)
    }

    fn bool_operand(&mut self, ir: &Ir) -> Result<String, String> {
        self.boolean(ir)
    }

    fn num_operand(&mut self, ir: &Ir) -> Result<String, String> {
        match self.expr(ir)? {
            (code, K::Num) => Ok(code),
            (_, K::Null) => Ok("None::<f64>".into()),
            (_, k) => Err(format!("arithmetic on kind {k:?}")),
        }
    }

    /// A field path from the record root (depth 0) or an aggregate item.
    fn field(&self, depth: u8, slots: &[u32]) -> Code {
        let (mut code, mut obj) = if depth == 0 {
            ("Some(r)".to_owned(), ROOT)
        } else {
            match self.scope(depth)? {
                FieldTy::Object(o) => (format!("it{depth}.as_ref()"), o),
                _ => return Err("a field of a list item that is not an object".into()),
            }
        };
        let mut kind = K::Obj(obj);
        for (i, &slot) in slots.iter().enumerate() {
            let f = self
                .schema
                .objects
                .get(obj as usize)
                .and_then(|o| o.fields.get(slot as usize))
                .ok_or("a field outside the record schema")?;
            let access = if f.required {
                format!("Some(&o.f{slot})")
            } else {
                format!("o.f{slot}.as_ref()")
            };
            code = format!("{code}.and_then(|o| {access}){}", view(&f.ty));
            kind = K::of(&f.ty);
            match (&f.ty, i + 1 < slots.len()) {
                (FieldTy::Object(o), true) => obj = *o,
                (_, true) => return Err("a path through a value that is not an object".into()),
                _ => {}
            }
        }
        Ok((code, kind))
    }

    fn membership(&mut self, negated: bool, item: &Ir, list: &Ir) -> Code {
        let (x, k) = self.expr(item)?;
        if k == K::Null {
            return Ok((format!("{{ let _ = {x}; None::<bool> }}"), K::Bool));
        }
        if !k.scalar() {
            return Err("`in` on a value that is not a scalar".into());
        }
        let Ir::Const(Value::Consts(values)) = list else {
            let (l, lk) = self.expr(list)?;
            let K::List(item_ty) = lk else {
                return Err("`in` a value that is not a list".into());
            };
            if K::of(&item_ty) != k {
                return Err("`in` a list of another kind".into());
            }
            return Ok((
                format!(
                    "match ({x}, {l}) {{ (Some(x), Some(items)) => Some(items.iter().any(|e| e.as_ref(){} == Some(x)) != {negated}), _ => None }}",
                    view(&item_ty)
                ),
                K::Bool,
            ));
        };
        let mut tests = Vec::new();
        for v in values.iter() {
            let (c, ck) = constant(v)?;
            // Missing items never equal; items of another kind are never equal either.
            if ck == k {
                tests.push(format!("Some(x) == {c}"));
            }
        }
        let any = if tests.is_empty() {
            "false".to_owned()
        } else {
            tests.join(" || ")
        };
        Ok((format!("({x}).map(|x| ({any}) != {negated})"), K::Bool))
    }

    fn aggregate(&mut self, agg: &Agg) -> Code {
        let (list, lk) = self.expr(&agg.list)?;
        let K::List(item_ty) = lk else {
            return Err("an aggregate over a value that is not a list".into());
        };
        let d = agg.depth;
        let Some(body) = &agg.body else {
            // A null item is a missing item: `count(L)` counts the items present.
            return Ok((
                format!(
                    "({list}).map(|items| items.iter().filter(|x| x.as_ref().is_some()).count() as f64)"
                ),
                K::Num,
            ));
        };
        if self.scopes.len() != d as usize {
            return Err("aggregates nested out of order".into());
        }
        self.scopes.push(Some(item_ty));
        let body = self.expr(body);
        self.scopes.pop();
        let (body, bk) = body?;
        let stops = !contains_arith(agg.body.as_ref());
        let (setup, step, result, kind) = match agg.kind {
            AggKind::Count | AggKind::Any | AggKind::All | AggKind::Ratio => {
                if bk != K::Bool {
                    return Err("a condition of another kind in an aggregate".into());
                }
                // Without arithmetic nothing can fail later, so `any`/`all` stop when decided.
                let (on_true, on_false) = match agg.kind {
                    AggKind::Any if stops => ("t += 1; break;", "f += 1;"),
                    AggKind::All if stops => ("t += 1;", "f += 1; break;"),
                    _ => ("t += 1;", "f += 1;"),
                };
                let step = format!(
                    "match {body} {{ Some(true) => {{ {on_true} }} Some(false) => {{ {on_false} }} None => m += 1 }}"
                );
                let result = match agg.kind {
                    AggKind::Count => "Some(t as f64)",
                    AggKind::Any => {
                        "if t > 0 { Some(true) } else if m > 0 { None } else { Some(false) }"
                    }
                    AggKind::All => {
                        "if f > 0 { Some(false) } else if m > 0 { None } else { Some(true) }"
                    }
                    _ => {
                        "if items.is_empty() || m == items.len() { None } else { Some(t as f64 / items.len() as f64) }"
                    }
                };
                let kind = if matches!(agg.kind, AggKind::Any | AggKind::All) {
                    K::Bool
                } else {
                    K::Num
                };
                (
                    "let (mut t, mut f, mut m) = (0usize, 0usize, 0usize);",
                    step,
                    result.to_owned(),
                    kind,
                )
            }
            AggKind::Sum | AggKind::Avg => {
                if bk != K::Num {
                    return Err("a sum of values that are not numbers".into());
                }
                let result = if agg.kind == AggKind::Sum {
                    "Some(s)"
                } else {
                    "if t == 0 { None } else { Some(s / t as f64) }"
                };
                (
                    "let (mut s, mut t) = (0.0f64, 0usize);",
                    format!("if let Some(v) = {body} {{ s += v; t += 1; }}"),
                    result.to_owned(),
                    K::Num,
                )
            }
            AggKind::Min | AggKind::Max => {
                let (ty, cmp) = match (&bk, agg.kind == AggKind::Min) {
                    (K::Num, true) => ("f64", "<"),
                    (K::Num, false) => ("f64", ">"),
                    (K::Date, true) => ("i32", "<"),
                    (K::Date, false) => ("i32", ">"),
                    _ => return Err("min/max of values that are not numbers or dates".into()),
                };
                (
                    "let mut best = None;",
                    format!(
                        "if let Some(v) = {body} {{ if best.is_none_or(|b: {ty}| v {cmp} b) {{ best = Some(v); }} }}"
                    ),
                    "best".to_owned(),
                    bk,
                )
            }
            AggKind::Distinct => {
                // As the engine's `DistinctKey`: numbers by bits, with -0 as 0.
                let key = match bk {
                    K::Num => "if v == 0.0 { 0u64 } else { v.to_bits() }",
                    K::Bool | K::Str | K::Date | K::Enum => "v",
                    _ => return Err("`distinct` of values that are not scalars".into()),
                };
                (
                    "let mut seen = Vec::new();",
                    format!(
                        "if let Some(v) = {body} {{ let k = {key}; if !seen.contains(&k) {{ seen.push(k); }} }}"
                    ),
                    "Some(seen.len() as f64)".to_owned(),
                    K::Num,
                )
            }
        };
        Ok((
            format!(
                "match {list} {{ None => None, Some(items) => {{ {setup} for it{d} in items {{ {step} }} {result} }} }}"
            ),
            kind,
        ))
    }

    fn call(&mut self, f: Func, args: &[Ir]) -> Code {
        let mut arg = |i: usize| -> Code {
            match args.get(i) {
                Some(a) => self.expr(a),
                None => Err("a missing argument".into()),
            }
        };
        let num = |c: (String, K)| -> Result<String, String> {
            match c {
                (code, K::Num) => Ok(code),
                (_, k) => Err(format!("a number expected, found kind {k:?}")),
            }
        };
        let one = |c: (String, K), want: K, map: &str, out: K| -> Code {
            if c.1 == K::Null {
                return Ok((
                    format!("{{ let _ = {}; None::<{}> }}", c.0, out.rust()),
                    out,
                ));
            }
            if c.1 != want {
                return Err(format!("a {want:?} argument expected, found {:?}", c.1));
            }
            Ok((format!("({}).map({map})", c.0), out))
        };
        Ok(match f {
            Func::Exists => {
                let (a, _) = arg(0)?;
                (format!("Some(({a}).is_some())"), K::Bool)
            }
            Func::Coalesce => {
                let (a, ak) = arg(0)?;
                let (b, bk) = match args.get(1) {
                    Some(_) => arg(1)?,
                    None => return Ok((a, ak)),
                };
                let kind = match (&ak, &bk) {
                    (K::Null, _) => bk,
                    (_, K::Null) => ak.clone(),
                    _ if ak == bk => ak.clone(),
                    _ => return Err("`coalesce` of two kinds".into()),
                };
                (
                    format!("match {a} {{ Some(v) => Some(v), None => {b} }}"),
                    kind,
                )
            }
            Func::LenStr => one(
                arg(0)?,
                K::Str,
                "|s: &str| s.chars().count() as f64",
                K::Num,
            )?,
            Func::LenList => {
                let (a, k) = arg(0)?;
                if !matches!(k, K::List(_)) {
                    return Err("`len` of a value that is not a list".into());
                }
                (format!("({a}).map(|l| l.len() as f64)"), K::Num)
            }
            Func::DaysSince => one(
                arg(0)?,
                K::Date,
                "|d: i32| f64::from(cx.as_of() - d)",
                K::Num,
            )?,
            Func::Year => one(arg(0)?, K::Date, "rt::year", K::Num)?,
            Func::Round(digits) => {
                let a = num(arg(0)?)?;
                (
                    format!("({a}).map(|n: f64| rt::round(n, {digits}))"),
                    K::Num,
                )
            }
            Func::Abs => {
                let a = num(arg(0)?)?;
                (format!("({a}).map(f64::abs)"), K::Num)
            }
            Func::DaysBetween | Func::ContainsStr | Func::Least | Func::Greatest => {
                let (a, ak) = arg(0)?;
                let (b, bk) = arg(1)?;
                let (body, kind) = match (f, &ak, &bk) {
                    (Func::DaysBetween, K::Date, K::Date) => ("f64::from(y - x)", K::Num),
                    (Func::ContainsStr, K::Str, K::Str) => ("x.contains(y)", K::Bool),
                    (Func::Least, K::Num, K::Num) => ("x.min(y)", K::Num),
                    (Func::Greatest, K::Num, K::Num) => ("x.max(y)", K::Num),
                    (Func::Least, K::Date, K::Date) => ("x.min(y)", K::Date),
                    (Func::Greatest, K::Date, K::Date) => ("x.max(y)", K::Date),
                    _ => return Err(format!("{f:?} of kinds {ak:?} and {bk:?}")),
                };
                (
                    format!("match ({a}, {b}) {{ (Some(x), Some(y)) => Some({body}), _ => None }}"),
                    kind,
                )
            }
            Func::ContainsList => {
                let (l, lk) = arg(0)?;
                let (x, xk) = arg(1)?;
                let K::List(item_ty) = lk else {
                    return Err("`contains` on a value that is not a list".into());
                };
                if K::of(&item_ty) != xk {
                    return Err("`contains` of another kind".into());
                }
                (
                    format!(
                        "match ({l}, {x}) {{ (Some(items), Some(x)) => Some(items.iter().any(|e| e.as_ref(){} == Some(x))), _ => None }}",
                        view(&item_ty)
                    ),
                    K::Bool,
                )
            }
        })
    }
}

/// A constant as `Option<T>`.
fn constant(v: &Value) -> Code {
    Ok(match v {
        Value::Missing => ("None::<bool>".into(), K::Null),
        Value::Bool(b) => (format!("Some({b})"), K::Bool),
        Value::Int(i) => (format!("Some({:?}_f64)", *i as f64), K::Num),
        Value::Num(n) => (format!("Some({n:?}_f64)"), K::Num),
        Value::Str(s) => (format!("Some({:?})", s.as_str()), K::Str),
        Value::Date(d) => (format!("Some({d}_i32)"), K::Date),
        Value::Enum(e) => (format!("Some({e}_u32)"), K::Enum),
        Value::Obj(_) | Value::List(_) | Value::Consts(_) => {
            return Err("a list constant outside `in`".into());
        }
    })
}

/// `a OP b` as the engine's `compare`: missing either side gives missing; equality across
/// kinds is false; only numbers and dates order.
fn compare(op: CmpOp, (a, ak): (String, K), (b, bk): (String, K)) -> String {
    if ak == K::Null || bk == K::Null {
        return format!("{{ let _ = ({a}, {b}); None::<bool> }}");
    }
    let orders = ak == bk && matches!(ak, K::Num | K::Date);
    let same = ak == bk && ak.scalar();
    let body = match op {
        CmpOp::Eq if same => "x == y",
        CmpOp::Ne if same => "x != y",
        CmpOp::Eq => "false",
        CmpOp::Ne => "true",
        CmpOp::Lt if orders => "x < y",
        CmpOp::Le if orders => "x <= y",
        CmpOp::Gt if orders => "x > y",
        CmpOp::Ge if orders => "x >= y",
        _ => "false",
    };
    format!("match ({a}, {b}) {{ (Some(x), Some(y)) => Some({body}), _ => None }}")
}

/// Whether an aggregate body has arithmetic, which can fail on a later item.
fn contains_arith(ir: Option<&Ir>) -> bool {
    let Some(ir) = ir else { return false };
    match ir {
        Ir::Arith(..) => true,
        Ir::Const(_) | Ir::Field { .. } | Ir::Item { .. } | Ir::Let(_) | Ir::AsOf => false,
        Ir::CmpFieldConst(_) => false,
        Ir::Not(x) | Ir::Neg(x) | Ir::Matches(x, _) | Ir::EnumName(x, _) => contains_arith(Some(x)),
        Ir::And(a, b) | Ir::Or(a, b) | Ir::Cmp(_, a, b) => {
            contains_arith(Some(a)) || contains_arith(Some(b))
        }
        Ir::In { item, list, .. } => contains_arith(Some(item)) || contains_arith(Some(list)),
        Ir::Agg(agg) | Ir::SharedAgg(_, agg) => {
            contains_arith(Some(&agg.list)) || contains_arith(agg.body.as_ref())
        }
        Ir::Call(_, args) => args.iter().any(|a| contains_arith(Some(a))),
    }
}
