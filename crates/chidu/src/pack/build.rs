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

mod indicator;
mod parts;

use indicator::read_indicator;
use parts::{read_aggregates, read_grades, read_params};

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
pub(crate) fn build(
    raw: RawPack,
    files: FileTable,
    root: &str,
    diags: &mut Diags,
) -> Option<Model> {
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
    let let_count = indicators.iter().map(|i| i.lets.len()).sum();
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
    let digest = digest_of(&files, root);
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
        let_count,
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

/// Digest of the pack's file contents in load order, whatever directory it was loaded from
/// (file names, which carry the path given to `load`, are left out): what generated code is
/// checked against.
pub(crate) fn content_digest(files: &FileTable) -> String {
    let mut h = Sha256::new();
    for f in &files.files {
        h.update(f.text.as_bytes());
        h.update([0]);
    }
    let hex: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

/// The pack's digest: every file's path relative to the pack's directory (`../national/…`
/// for a pack it extends) and text, by path. Relative paths make it name the pack, not where
/// it was loaded from: the same files from another directory, or built in, give one digest.
fn digest_of(files: &FileTable, root: &str) -> String {
    let mut h = Sha256::new();
    let mut sorted: Vec<(String, &str)> = files
        .files
        .iter()
        .map(|f| (relative_to(&f.name, root), &*f.text))
        .collect();
    sorted.sort();
    for (name, text) in sorted {
        h.update(name.as_bytes());
        h.update([0]);
        h.update(text.as_bytes());
        h.update([0]);
    }
    let bytes = h.finalize();
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

/// `path` relative to the directory `root` (both normalised, `/`-separated; built-in files
/// are named `builtin:{pack}/…`, which reads as `{pack}/…`, as their own directory tree).
fn relative_to(path: &str, root: &str) -> String {
    let unprefixed = |s: &'_ str| s.strip_prefix("builtin:").unwrap_or(s).to_owned();
    let (path, root) = (unprefixed(path), unprefixed(root));
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    let base: Vec<&str> = root.split('/').filter(|p| !p.is_empty()).collect();
    let common = parts.iter().zip(&base).take_while(|(a, b)| a == b).count();
    let up = base.len().saturating_sub(common);
    let mut out: Vec<&str> = vec![".."; up];
    out.extend(parts.iter().skip(common));
    out.join("/")
}

#[cfg(test)]
mod tests {
    #[test]
    fn digest_paths_are_relative_to_the_pack() {
        use super::relative_to;
        assert_eq!(
            relative_to("standards/taicang/standard.yaml", "standards/taicang"),
            "standard.yaml"
        );
        assert_eq!(
            relative_to("/a/b/national/s/x.yaml", "/a/b/honghe"),
            "../national/s/x.yaml"
        );
        assert_eq!(
            relative_to("builtin:national/record.yaml", "honghe"),
            "../national/record.yaml"
        );
        assert_eq!(
            relative_to("builtin:honghe/standard.yaml", "builtin:honghe"),
            "standard.yaml"
        );
        assert_eq!(relative_to("standard.yaml", ""), "standard.yaml");
    }

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
