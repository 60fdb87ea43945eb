//! From resolved YAML nodes to the compiled model: params, grades, sections, indicators with
//! type-checked expressions, and the pack-level lint (point sums, ids, grade bands).

use std::collections::HashMap;

use indexmap::IndexMap;
use sha2::{Digest, Sha256};

use super::read::{FileTable, Reader, Text};
use super::resolve::RawPack;
use crate::diag::{Code, Diagnostic, Diags, did_you_mean};
use crate::expr::check::{Checker, LetDef, ParamValue, Used};
use crate::expr::syntax;
use crate::expr::{Ir, Ty};
use crate::model::*;
use crate::schema::RecordSchema;
use crate::score::forms;
use crate::value::Value;
use crate::yaml::{Node, NodeKind, scalar_offset};

const INDICATOR_KEYS: &[&str] = &[
    "id",
    "title",
    "description",
    "clause",
    "points",
    "method",
    "when",
    "let",
    "check",
    "items",
    "deduct",
    "add",
    "for_each",
    "where",
    "measure",
    "target",
    "linear",
    "tiers",
    "veto",
    "bonus",
    "message",
    "remediation",
    "evidence",
    "notes",
    "tags",
];
const SECTION_KEYS: &[&str] = &["id", "title", "description", "points", "indicators"];
const GRADE_KEYS: &[&str] = &["id", "label", "min_score", "min_section_ratio"];
const PARAM_KEYS: &[&str] = &["value", "unit", "basis", "source", "description"];
const METHODS: &[&str] = &["document", "site", "interview", "survey"];

/// Context for reading one indicator: compiles its expressions against the schema.
pub(crate) struct IndCx<'a> {
    pub(crate) files: &'a FileTable,
    pub(crate) diags: &'a mut Diags,
    pub(crate) schema: &'a RecordSchema,
    pub(crate) params: &'a IndexMap<String, ParamValue>,
    pub(crate) used: &'a mut Used,
    pub(crate) lets: Vec<LetDef>,
    pub(crate) items: Vec<Ty>,
    pub(crate) id_node: Node,
    pub(crate) points: f64,
    pub(crate) bonus: bool,
}

impl IndCx<'_> {
    pub(crate) fn reader(&mut self) -> Reader<'_> {
        Reader {
            files: self.files,
            diags: self.diags,
        }
    }
    pub(crate) fn error(&mut self, code: Code, node: &Node, msg: impl Into<String>) {
        self.reader().err(code, node, msg);
    }
    pub(crate) fn error_at_id(&mut self, code: Code, msg: String) {
        let node = self.id_node.clone();
        self.reader().err(code, &node, msg);
    }

    /// Compiles the expression under `key` of `parent`.
    fn compile(
        &mut self,
        parent: &Node,
        key: &str,
        want: Want,
    ) -> Option<(crate::expr::check::Typed, String)> {
        let node = parent.get(key)?;
        let src = match &node.kind {
            NodeKind::Str(s) => s.clone(),
            NodeKind::Int(i) => i.to_string(),
            NodeKind::Float(f) => f.to_string(),
            NodeKind::Bool(b) => b.to_string(),
            _ => {
                self.error(
                    Code::InvalidValue,
                    node,
                    format!("`{key}` must be an expression, found {}", node.type_name()),
                );
                return None;
            }
        };
        let ast = match syntax::parse(&src) {
            Ok(a) => a,
            Err(e) => {
                let d = self.expr_diag(node, &src, Code::ExpressionSyntax, e.message, e.span, None);
                self.diags.push(d);
                return None;
            }
        };
        let mut checker = Checker::new(self.schema, self.params, &self.lets, self.used);
        checker.items = self.items.clone();
        let what = format!("`{key}`");
        let typed = match want {
            Want::Bool => checker.boolean(&ast, &what),
            Want::Num => checker.numeric(&ast, &what),
            Want::Any => checker.expr(&ast),
            Want::List => checker.list(&ast, &what).0,
        };
        let errors = std::mem::take(&mut checker.errors);
        let failed = !errors.is_empty();
        for e in errors {
            let d = self.expr_diag(node, &src, e.code, e.message, e.span, e.help);
            self.diags.push(d);
        }
        if failed {
            None
        } else {
            Some((
                crate::expr::check::Typed {
                    ir: crate::expr::optimize(typed.ir),
                    ..typed
                },
                src,
            ))
        }
    }

    fn expr_diag(
        &self,
        node: &Node,
        src: &str,
        code: Code,
        msg: String,
        span: std::ops::Range<usize>,
        help: Option<String>,
    ) -> Diagnostic {
        let mut d = Diagnostic::new(code, msg);
        if let Some(file) = self.files.get(node.file) {
            let start = scalar_offset(&file.text, node, src, span.start);
            let len = span.end.saturating_sub(span.start).max(1);
            d = d.at(file, crate::diag::Span { offset: start, len });
        }
        if let Some(h) = help {
            d = d.with_help(h);
        }
        d
    }

    pub(crate) fn boolean(&mut self, parent: &Node, key: &str) -> Option<(Ir, String)> {
        self.compile(parent, key, Want::Bool)
            .map(|(t, s)| (t.ir, s))
    }
    pub(crate) fn numeric(&mut self, parent: &Node, key: &str) -> Option<(Ir, String)> {
        self.compile(parent, key, Want::Num).map(|(t, s)| (t.ir, s))
    }
    pub(crate) fn list(&mut self, parent: &Node, key: &str) -> Option<(Ir, Ty, String)> {
        let (t, s) = self.compile(parent, key, Want::List)?;
        let item = match t.ty {
            Ty::List(i) => *i,
            _ => Ty::Err,
        };
        Some((t.ir, item, s))
    }
    pub(crate) fn with_item<T>(&mut self, item: Ty, f: impl FnOnce(&mut Self) -> T) -> T {
        self.items.push(item);
        let out = f(self);
        self.items.pop();
        out
    }

    /// A number, or `params.x` naming a numeric param.
    pub(crate) fn amount(&mut self, node: &Node, what: &str) -> Option<f64> {
        if let Some(f) = node.as_f64() {
            return Some(f);
        }
        let Some(s) = node.as_str() else {
            self.error(
                Code::InvalidValue,
                node,
                format!("{what} must be a number or `params.<name>`"),
            );
            return None;
        };
        let Some(name) = s.strip_prefix("params.") else {
            self.error(
                Code::InvalidValue,
                node,
                format!("{what} must be a number or `params.<name>`, found `{s}`"),
            );
            return None;
        };
        match self.params.get(name).map(|p| &p.value) {
            Some(Value::Int(i)) => Some(*i as f64),
            Some(Value::Num(n)) => Some(*n),
            Some(_) => {
                self.error(
                    Code::TypeMismatch,
                    node,
                    format!("param `{name}` is not a number"),
                );
                None
            }
            None => {
                let help = did_you_mean(name, self.params.keys().map(String::as_str));
                let d = Reader {
                    files: self.files,
                    diags: self.diags,
                }
                .diag_at(
                    Code::UndefinedParam,
                    node.file,
                    node.span,
                    format!("param `{name}` is not defined"),
                );
                self.diags.push(match help {
                    Some(h) => d.with_help(h),
                    None => d,
                });
                None
            }
        }
    }

    /// `deduct: d` (or `add: d` on a bonus indicator).
    pub(crate) fn per_amount(&mut self, node: &Node) -> Option<f64> {
        let (want, other) = if self.bonus {
            ("add", "deduct")
        } else {
            ("deduct", "add")
        };
        if let Some(n) = node.get(other) {
            self.error(
                Code::InvalidValue,
                n,
                format!(
                    "`{other}` is for {} indicators; use `{want}`",
                    if self.bonus { "scored" } else { "bonus" }
                ),
            );
            return None;
        }
        let Some(n) = node.get(want) else {
            self.error_at_id(
                Code::MissingKey,
                format!("this scoring form needs `{want}: <points per item>`"),
            );
            return None;
        };
        let v = self.amount(n, &format!("`{want}`"))?;
        if v <= 0.0 {
            self.error(Code::InvalidValue, n, format!("`{want}` must be above 0"));
            return None;
        }
        Some(v)
    }
}

#[derive(Clone, Copy)]
enum Want {
    Bool,
    Num,
    Any,
    List,
}

/// Builds the model. Every problem is collected into `diags`.
pub(crate) fn build(raw: RawPack, files: FileTable, diags: &mut Diags) -> Option<Model> {
    let mut r = Reader {
        files: &files,
        diags,
    };
    let std = &raw.standard;
    match std.get("chidu") {
        Some(v) if v.as_f64() == Some(1.0) => {}
        Some(v) => r.err(
            Code::InvalidValue,
            v,
            "unsupported format version; this chidu reads `chidu: 1`",
        ),
        None => r.err(
            Code::MissingKey,
            std,
            "standard.yaml has no `chidu: 1` format line",
        ),
    }
    let id = r
        .required(std, "id", "standard.yaml")
        .and_then(|n| r.string(n, "`id`"))
        .unwrap_or_default();
    let version = std
        .get("version")
        .and_then(|n| r.string(n, "`version`"))
        .unwrap_or_default();
    let title = r
        .required(std, "title", "standard.yaml")
        .and_then(|n| r.text(n, "`title`"))
        .unwrap_or_default();
    let total_node = r.required(std, "total", "standard.yaml").cloned();
    let total = total_node
        .as_ref()
        .and_then(|n| r.number(n, "`total`"))
        .unwrap_or(100.0);
    let bonus_cap = std
        .get("bonus_cap")
        .and_then(|n| r.number(n, "`bonus_cap`"));
    let na_mode = match std.get("not_applicable").map(|n| (n, n.as_str())) {
        None | Some((_, Some("rescale"))) => NaMode::Rescale,
        Some((_, Some("full_marks"))) => NaMode::FullMarks,
        Some((n, _)) => {
            r.err(
                Code::InvalidValue,
                n,
                "`not_applicable` must be `rescale` or `full_marks`",
            );
            NaMode::Rescale
        }
    };
    let params = read_params(std.get("params"), &mut r);
    let grades = read_grades(std.get("grades"), &mut r);
    let veto_grade = std.get("veto_grade").and_then(|n| {
        let name = r.string(n, "`veto_grade`")?;
        let found = grades.iter().position(|g| g.id == name);
        if found.is_none() {
            let d = r.diag_at(
                Code::UnknownGrade,
                n.file,
                n.span,
                format!("`veto_grade` names `{name}`, which is not a grade"),
            );
            let help = did_you_mean(&name, grades.iter().map(|g| g.id.as_str()));
            r.push(match help {
                Some(h) => d.with_help(h),
                None => d,
            });
        }
        found
    });
    let schema = RecordSchema::read(&raw.record, &mut r)?;
    let mut used = Used::for_schema(&schema);
    for name in std::iter::once(&schema.id_field)
        .chain(schema.name_field.iter())
        .chain(schema.group_fields.iter())
    {
        if let Some((slot, _)) = schema.root().field(name) {
            used.mark(crate::schema::ROOT, slot);
        }
    }
    let param_values: IndexMap<String, ParamValue> = params
        .iter()
        .map(|(k, p)| (k.clone(), p.value.clone()))
        .collect();

    let mut sections = Vec::new();
    let mut indicators = Vec::new();
    let mut seen_ids: HashMap<String, ()> = HashMap::new();
    let mut section_points_nodes = Vec::new();
    let mut incomplete = Vec::new();
    for snode in &raw.sections {
        let mut r = Reader {
            files: &files,
            diags,
        };
        if r.map(snode, "a section file", SECTION_KEYS).is_none() {
            continue;
        }
        let sid_node = r.required(snode, "id", "section").cloned();
        let sid = sid_node
            .as_ref()
            .and_then(|n| r.string(n, "section `id`"))
            .unwrap_or_default();
        if let Some(n) = &sid_node
            && seen_ids.insert(sid.clone(), ()).is_some()
        {
            r.err(Code::DuplicateId, n, format!("id `{sid}` is used twice"));
        }
        let stitle = r
            .required(snode, "title", "section")
            .and_then(|n| r.text(n, "`title`"))
            .unwrap_or_default();
        let points_node = r.required(snode, "points", "section").cloned();
        let spoints = points_node
            .as_ref()
            .and_then(|n| r.number(n, "`points`"))
            .unwrap_or(0.0);
        let section_index = sections.len();
        let mut members = Vec::new();
        let mut section_incomplete = false;
        let list = snode
            .get("indicators")
            .and_then(Node::as_seq)
            .unwrap_or(&[]);
        for inode in list {
            match read_indicator(
                inode,
                section_index,
                &files,
                diags,
                &schema,
                &param_values,
                &params,
                &mut used,
                &mut seen_ids,
            ) {
                Some(ind) => {
                    members.push(indicators.len());
                    indicators.push(ind);
                }
                // Its points are unknown now: a sum check would only repeat the error.
                None => section_incomplete = true,
            }
        }
        sections.push(Section {
            id: sid,
            title: stitle,
            points: spoints,
            indicators: members,
        });
        section_points_nodes.push(points_node);
        incomplete.push(section_incomplete);
    }

    // Pack-level lint: point sums and totals (skipped when an indicator already failed).
    let mut r = Reader {
        files: &files,
        diags,
    };
    let mut sum_sections = 0.0;
    for ((s, pnode), skip) in sections.iter().zip(&section_points_nodes).zip(&incomplete) {
        let sum: f64 = s
            .indicators
            .iter()
            .map(|&i| &indicators[i])
            .filter(|i: &&Indicator| !i.bonus && !i.veto)
            .map(|i| i.points)
            .sum();
        if !skip
            && (sum - s.points).abs() > 1e-6
            && let Some(n) = pnode
        {
            r.err(
                Code::SectionPointsMismatch,
                n,
                format!(
                    "section `{}` has {} points, but its indicators sum to {}",
                    s.id,
                    crate::report::fmt_num(s.points),
                    crate::report::fmt_num(sum)
                ),
            );
        }
        sum_sections += s.points;
    }
    if (sum_sections - total).abs() > 1e-6
        && let Some(n) = &total_node
    {
        r.err(
            Code::TotalMismatch,
            n,
            format!(
                "`total` is {}, but the sections sum to {}",
                crate::report::fmt_num(total),
                crate::report::fmt_num(sum_sections)
            ),
        );
    }
    let aggregates = read_aggregates(
        std.get("aggregates"),
        &files,
        diags,
        &schema,
        &param_values,
        &mut used,
    );
    if !diags.is_empty() {
        return None;
    }
    let shared_lets = share_lets(&mut indicators);
    let shared_aggs = {
        let mut ids = HashMap::new();
        for ind in &mut indicators {
            if let Some((w, _)) = &mut ind.when {
                crate::expr::share_aggregates(w, &mut ids);
            }
            for l in &mut ind.lets {
                crate::expr::share_aggregates(&mut l.ir, &mut ids);
            }
            for ir in ind.form.irs_mut() {
                crate::expr::share_aggregates(ir, &mut ids);
            }
        }
        ids.len() as u32
    };
    let digest = digest_of(&files);
    Some(Model {
        id,
        version,
        title,
        total,
        bonus_cap,
        na_mode,
        params,
        grades,
        veto_grade,
        sections,
        indicators,
        aggregates,
        schema,
        used,
        files,
        digest,
        bases: raw.bases,
        shared_lets,
        shared_aggs,
    })
}

/// Gives lets with the same text a shared slot when they read only record fields (no other
/// `let`), so a value many indicators use (e.g. the full-time social worker count) is
/// computed once per record.
fn share_lets(indicators: &mut [Indicator]) -> u32 {
    fn reads_lets(ir: &Ir) -> bool {
        match ir {
            Ir::Let(_) | Ir::Item { .. } => true,
            Ir::Not(x) | Ir::Neg(x) | Ir::Matches(x, _) | Ir::EnumName(x, _) => reads_lets(x),
            Ir::And(a, b) | Ir::Or(a, b) | Ir::Cmp(_, a, b) | Ir::Arith(_, a, b) => {
                reads_lets(a) || reads_lets(b)
            }
            Ir::In { item, list, .. } => reads_lets(item) || reads_lets(list),
            Ir::Agg(agg) => reads_lets(&agg.list) || agg.body.as_ref().is_some_and(reads_lets),
            Ir::Call(_, args) => args.iter().any(reads_lets),
            Ir::Const(_) | Ir::Field { .. } | Ir::AsOf | Ir::CmpFieldConst(_) => false,
            Ir::SharedAgg(_, agg) => {
                reads_lets(&agg.list) || agg.body.as_ref().is_some_and(reads_lets)
            }
        }
    }
    let mut ids: HashMap<String, u32> = HashMap::new();
    for ind in indicators.iter_mut() {
        for l in &mut ind.lets {
            if reads_lets(&l.ir) {
                continue;
            }
            let key = l.src.split_whitespace().collect::<Vec<_>>().join(" ");
            let next = ids.len() as u32;
            l.shared = Some(*ids.entry(key).or_insert(next));
        }
    }
    ids.len() as u32
}

fn digest_of(files: &FileTable) -> String {
    let mut h = Sha256::new();
    let mut sorted: Vec<_> = files.files.iter().collect();
    sorted.sort_by(|a, b| a.name.cmp(&b.name));
    for f in sorted {
        h.update(f.name.as_bytes());
        h.update([0]);
        h.update(f.text.as_bytes());
        h.update([0]);
    }
    let bytes = h.finalize();
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

fn param_from_node(node: &Node) -> Option<(Value, Ty)> {
    Some(match &node.kind {
        NodeKind::Int(i) => (Value::Int(*i), Ty::Int),
        NodeKind::Float(f) => (Value::Num(*f), Ty::Num),
        NodeKind::Str(s) => (Value::Str(s.as_str().into()), Ty::Str),
        NodeKind::Bool(b) => (Value::Bool(*b), Ty::Bool),
        NodeKind::Seq(items) => {
            let mut values = Vec::new();
            let mut ty = None;
            for i in items {
                let (v, t) = param_from_node(i)?;
                let t = if t == Ty::Int { Ty::Num } else { t };
                if matches!(t, Ty::List(_)) || ty.as_ref().is_some_and(|p| *p != t) {
                    return None;
                }
                ty = Some(t);
                values.push(v);
            }
            (
                Value::List(values.into()),
                Ty::List(Box::new(ty.unwrap_or(Ty::Str))),
            )
        }
        _ => return None,
    })
}

fn read_params(node: Option<&Node>, r: &mut Reader) -> IndexMap<String, Param> {
    let mut out = IndexMap::new();
    let Some(node) = node else { return out };
    let Some(entries) = node.as_map() else {
        r.err(
            Code::InvalidValue,
            node,
            "`params` must be a mapping of name → value",
        );
        return out;
    };
    for (k, v) in entries {
        let (value_node, unit, basis, source) = if v.as_map().is_some() {
            if r.map(v, &format!("param `{}`", k.name), PARAM_KEYS)
                .is_none()
            {
                continue;
            }
            let Some(value) = r.required(v, "value", &format!("param `{}`", k.name)) else {
                continue;
            };
            let unit = v.get("unit").and_then(|n| r.string(n, "`unit`"));
            let basis = v.get("basis").and_then(|n| r.text(n, "`basis`"));
            let source = v.get("source").and_then(|n| r.string(n, "`source`"));
            (value.clone(), unit, basis, source)
        } else {
            (v.clone(), None, None, None)
        };
        let Some((value, ty)) = param_from_node(&value_node) else {
            r.err(
                Code::InvalidValue,
                &value_node,
                format!(
                    "param `{}` must be a number, string, boolean or a list of one of those",
                    k.name
                ),
            );
            continue;
        };
        let shown = match &value_node.kind {
            NodeKind::Seq(items) => items
                .iter()
                .map(crate::report::node_scalar)
                .collect::<Vec<_>>()
                .join(", "),
            _ => crate::report::node_scalar(&value_node),
        };
        out.insert(
            k.name.clone(),
            Param {
                value: ParamValue { value, ty },
                unit,
                basis,
                source,
                shown,
            },
        );
    }
    out
}

fn read_grades(node: Option<&Node>, r: &mut Reader) -> Vec<Grade> {
    let mut grades = Vec::new();
    let Some(node) = node else { return grades };
    let Some(items) = node.as_seq() else {
        r.err(
            Code::InvalidValue,
            node,
            "`grades` must be a list, best first",
        );
        return grades;
    };
    for g in items {
        if r.map(g, "a grade", GRADE_KEYS).is_none() {
            continue;
        }
        let Some(id) = r
            .required(g, "id", "a grade")
            .and_then(|n| r.string(n, "grade `id`"))
        else {
            continue;
        };
        let label = g
            .get("label")
            .and_then(|n| r.text(n, "`label`"))
            .unwrap_or_else(|| Text {
                zh: id.clone(),
                en: id.clone(),
            });
        let min_score = g.get("min_score").and_then(|n| r.number(n, "`min_score`"));
        let min_section_ratio = g
            .get("min_section_ratio")
            .and_then(|n| r.number(n, "`min_section_ratio`"));
        grades.push(Grade {
            id,
            label,
            min_score,
            min_section_ratio,
        });
    }
    if let (Some(last), Some(last_node)) = (grades.last(), items.last())
        && (last.min_score.is_some() || last.min_section_ratio.is_some())
    {
        let d = r.diag_at(
            Code::GradesNoCatchAll,
            last_node.file,
            last_node.span,
            format!(
                "the last grade `{}` has conditions, so some records would get no grade",
                last.id
            ),
        );
        r.push(d.with_help("add a last band without `min_score`/`min_section_ratio`, e.g. {id: fail, label: {zh: 不合格, en: Fail}}"));
    }
    grades
}

#[allow(
    clippy::too_many_arguments,
    reason = "one call site; the borrows are disjoint"
)]
fn read_indicator(
    node: &Node,
    section: usize,
    files: &FileTable,
    diags: &mut Diags,
    schema: &RecordSchema,
    param_values: &IndexMap<String, ParamValue>,
    params: &IndexMap<String, Param>,
    used: &mut Used,
    seen: &mut HashMap<String, ()>,
) -> Option<Indicator> {
    let mut r = Reader { files, diags };
    r.map(node, "an indicator", INDICATOR_KEYS)?;
    let id_node = r.required(node, "id", "an indicator")?.clone();
    let id = r.string(&id_node, "indicator `id`")?;
    if seen.insert(id.clone(), ()).is_some() {
        r.err(
            Code::DuplicateId,
            &id_node,
            format!("id `{id}` is used twice"),
        );
    }
    let title = r
        .required(node, "title", "an indicator")
        .and_then(|n| r.text(n, "`title`"))
        .unwrap_or_default();
    let description = node
        .get("description")
        .and_then(|n| r.text(n, "`description`"));
    let clause = node.get("clause").and_then(|n| r.string(n, "`clause`"));
    let veto = node
        .get("veto")
        .and_then(|n| r.boolean(n, "`veto`"))
        .unwrap_or(false);
    let bonus = node
        .get("bonus")
        .and_then(|n| r.boolean(n, "`bonus`"))
        .unwrap_or(false);
    if veto && bonus {
        r.err(
            Code::InvalidValue,
            &id_node,
            "an indicator cannot be both `veto` and `bonus`",
        );
    }
    let points = match node.get("points") {
        Some(n) => {
            let p = r.number(n, "`points`").unwrap_or(0.0);
            if p < 0.0 {
                r.err(Code::InvalidValue, n, "`points` cannot be negative");
            }
            if veto && p != 0.0 {
                r.err(Code::InvalidValue, n, "veto indicators carry no points");
            }
            p
        }
        None if veto => 0.0,
        None => {
            r.err(
                Code::MissingKey,
                &id_node,
                format!("indicator `{id}` has no `points`"),
            );
            0.0
        }
    };
    let method = node.get("method").and_then(|n| {
        let m = r.string(n, "`method`")?;
        if !METHODS.contains(&m.as_str()) {
            let d = r.diag_at(
                Code::InvalidValue,
                n.file,
                n.span,
                format!("unknown method `{m}`"),
            );
            r.push(
                d.with_help(
                    did_you_mean(&m, METHODS.iter().copied())
                        .unwrap_or_else(|| format!("expected one of: {}", METHODS.join(", "))),
                ),
            );
        }
        Some(m)
    });
    let remediation = node
        .get("remediation")
        .and_then(|n| r.text(n, "`remediation`"));
    let message_text = node
        .get("message")
        .and_then(|n| r.text(n, "`message`").map(|t| (t, n.clone())));
    let mut cx = IndCx {
        files,
        diags,
        schema,
        params: param_values,
        used,
        lets: Vec::new(),
        items: Vec::new(),
        id_node: id_node.clone(),
        points,
        bonus,
    };
    let when = if node.get("when").is_some() {
        cx.boolean(node, "when")
    } else {
        None
    };
    let mut lets = Vec::new();
    if let Some(let_node) = node.get("let") {
        match let_node.as_map() {
            Some(entries) => {
                for (k, _) in entries {
                    if schema.root().field(&k.name).is_some() {
                        let d = cx.reader().diag_at(
                            Code::InvalidValue,
                            k.file,
                            k.span,
                            format!("`let` name `{}` shadows a record field", k.name),
                        );
                        cx.diags.push(d);
                        continue;
                    }
                    let Some((typed, src)) = cx.compile(let_node, &k.name, Want::Any) else {
                        continue;
                    };
                    let def = LetDef {
                        name: k.name.clone(),
                        ty: typed.ty.clone(),
                        pii: typed.pii == Some(true),
                    };
                    cx.lets.push(def.clone());
                    lets.push(LetC {
                        def,
                        ir: typed.ir,
                        src,
                        shared: None,
                    });
                }
            }
            None => cx.error(
                Code::InvalidValue,
                let_node,
                "`let` must map names to expressions",
            ),
        }
    }
    let form = forms::read(node, &mut cx);
    if veto && !matches!(form, Some(forms::Form::AllOrNothing(_)) | None) {
        cx.error_at_id(
            Code::InvalidValue,
            "a veto indicator is scored by `check` only".to_owned(),
        );
    }
    let comparison_pii = comparison_is_pii(node, &mut cx);
    let let_names: Vec<String> = cx.lets.iter().map(|l| l.name.clone()).collect();
    let message = message_text.and_then(|(t, n)| template(&t, &n, &let_names, params, &mut cx));
    let form = form?;
    let title_json = serde_json::value::to_raw_value(&title).ok()?;
    let remediation_json = match &remediation {
        Some(r) => Some(serde_json::value::to_raw_value(r).ok()?),
        None => None,
    };
    Some(Indicator {
        title_json,
        remediation_json,
        id: id.into(),
        section,
        title,
        description,
        clause,
        points,
        method,
        veto,
        bonus,
        when,
        lets,
        form,
        message,
        remediation,
        comparison_pii,
    })
}

fn comparison_is_pii(node: &Node, cx: &mut IndCx) -> bool {
    let Some(src) = node.get("check").and_then(Node::as_str) else {
        return false;
    };
    if node.get("for_each").is_some() {
        return false;
    }
    let Ok(ast) = syntax::parse(src) else {
        return false;
    };
    let mut scratch = Used::default();
    let mut checker = Checker::new(cx.schema, cx.params, &cx.lets, &mut scratch);
    checker.expr(&ast).pii == Some(true)
}

fn template(
    text: &Text,
    node: &Node,
    lets: &[String],
    params: &IndexMap<String, Param>,
    cx: &mut IndCx,
) -> Option<Template> {
    let zh = pieces(&text.zh, node, lets, params, cx);
    // A plain-string message fills both languages: check it once, not twice.
    let en = if text.en == text.zh {
        zh.clone()
    } else {
        pieces(&text.en, node, lets, params, cx)
    };
    Some(Template { zh: zh?, en: en? })
}

fn pieces(
    s: &str,
    node: &Node,
    lets: &[String],
    params: &IndexMap<String, Param>,
    cx: &mut IndCx,
) -> Option<Vec<Piece>> {
    let mut out = Vec::new();
    let mut rest = s;
    let mut ok = true;
    while let Some(open) = rest.find('{') {
        if open > 0 {
            out.push(Piece::Lit(rest[..open].to_owned()));
        }
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            out.push(Piece::Lit(rest[open..].to_owned()));
            rest = "";
            break;
        };
        let name = after[..close].trim();
        let piece = if let Some(p) = name.strip_prefix("params.") {
            // Params are fixed once the pack is built: fill them in now, not per report.
            params.get(p).map(|param| Piece::Lit(param.shown.clone()))
        } else {
            match name {
                "earned" => Some(Piece::Earned),
                "possible" | "points" => Some(Piece::Possible),
                "measure" => Some(Piece::Measure),
                "failed" => Some(Piece::Failed),
                _ => lets.iter().position(|l| l == name).map(Piece::Let),
            }
        };
        match piece {
            Some(p) => out.push(p),
            None => {
                ok = false;
                let mut candidates: Vec<String> = lets.to_vec();
                candidates.extend(params.keys().map(|k| format!("params.{k}")));
                let help = did_you_mean(name, candidates.iter().map(String::as_str));
                let mut d = Diagnostic::new(
                    Code::UnknownPlaceholder,
                    format!("message placeholder `{{{name}}}` names no `let` value or param"),
                );
                if let Some(f) = cx.files.get(node.file) {
                    let offset = f
                        .text
                        .get(node.span.offset..)
                        .and_then(|t| t.find(&format!("{{{name}")))
                        .map_or(node.span.offset, |i| node.span.offset + i);
                    d = d.at(
                        f,
                        crate::diag::Span {
                            offset,
                            len: name.len() + 2,
                        },
                    );
                }
                cx.diags.push(match help {
                    Some(h) => d.with_help(h),
                    None => d.with_help("placeholders name `let` values, `params.<name>`, `earned`, `possible`, `measure` or `failed`"),
                });
            }
        }
        rest = &after[close + 1..];
    }
    if !rest.is_empty() {
        out.push(Piece::Lit(rest.to_owned()));
    }
    ok.then_some(out)
}

fn read_aggregates(
    node: Option<&Node>,
    files: &FileTable,
    diags: &mut Diags,
    schema: &RecordSchema,
    params: &IndexMap<String, ParamValue>,
    used: &mut Used,
) -> Vec<AggregateDef> {
    let mut out = Vec::new();
    let Some(node) = node else { return out };
    let mut r = Reader { files, diags };
    let Some(entries) = node.as_map() else {
        r.err(
            Code::InvalidValue,
            node,
            "`aggregates` must map names to {label, agg, of}",
        );
        return out;
    };
    for (k, v) in entries {
        let mut r = Reader { files, diags };
        if r.map(
            v,
            &format!("aggregate `{}`", k.name),
            &["label", "agg", "of"],
        )
        .is_none()
        {
            continue;
        }
        let label = v
            .get("label")
            .and_then(|n| r.text(n, "`label`"))
            .unwrap_or_else(|| Text {
                zh: k.name.clone(),
                en: k.name.clone(),
            });
        let Some(agg_node) = r.required(v, "agg", &format!("aggregate `{}`", k.name)) else {
            continue;
        };
        let kind = match agg_node.as_str() {
            Some("ratio") => AggregateKind::Ratio,
            Some("sum") => AggregateKind::Sum,
            Some("mean") => AggregateKind::Mean,
            Some("count") => AggregateKind::Count,
            _ => {
                r.err(
                    Code::InvalidValue,
                    agg_node,
                    "`agg` must be one of ratio, sum, mean, count",
                );
                continue;
            }
        };
        let want = if kind == AggregateKind::Ratio || kind == AggregateKind::Count {
            Want::Bool
        } else {
            Want::Num
        };
        let mut cx = IndCx {
            files,
            diags,
            schema,
            params,
            used,
            lets: Vec::new(),
            items: Vec::new(),
            id_node: agg_node.clone(),
            points: 0.0,
            bonus: false,
        };
        let of = if v.get("of").is_some() {
            cx.compile(v, "of", want).map(|(t, _)| t.ir)
        } else {
            None
        };
        if of.is_none() && kind != AggregateKind::Count {
            continue;
        }
        out.push(AggregateDef {
            id: k.name.clone(),
            label,
            kind,
            of,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_plain_string_message_reports_an_unknown_placeholder_once() {
        let files = vec![
            (
                "standard.yaml",
                "chidu: 1\nid: t\ntitle: T\ntotal: 1\ngrades: [{id: ok}]\nsections: [s.yaml]\n",
            ),
            ("record.yaml", "fields:\n  id: {type: string}\n"),
            (
                "s.yaml",
                "id: S\ntitle: S\npoints: 1\nindicators:\n  - id: A\n    title: A\n    points: 1\n    check: exists(id)\n    message: \"found {nothing}\"\n",
            ),
        ];
        let err = crate::Standard::from_strings(files, "").unwrap_err();
        let codes: Vec<&str> = err.diagnostics.iter().map(|d| d.code.as_str()).collect();
        assert_eq!(codes, vec!["unknown_placeholder"]);
    }
}
