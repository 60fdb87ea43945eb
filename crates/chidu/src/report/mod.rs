//! Findings: the report data (SPEC §4). Plain serialisable data, never load errors.

pub(crate) mod ci;
pub(crate) mod diff_batch;
pub mod diff_standard;
pub mod doc;
pub(crate) mod html;
mod json;
mod json_write;
mod page;
pub mod render;
pub(crate) mod summary;
pub(crate) mod template;
mod xlsx;

use std::sync::Arc;

use serde::Serialize;

use crate::model::Model;
use crate::pack::read::Text;
use crate::value::{V, Value, format_date};
use crate::yaml::{Node, NodeKind};

pub use summary::Summary;

/// An indicator's outcome for one record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Earned equals possible.
    Met,
    /// Some points earned, not all.
    Partial,
    /// No points earned.
    NotMet,
    /// `when` was false.
    NotApplicable,
    /// A value the indicator needs is missing (无佐证).
    NoEvidence,
    /// A valid waiver applies.
    Waived,
    /// Evaluation failed.
    Error,
}

impl Status {
    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Met => "met",
            Status::Partial => "partial",
            Status::NotMet => "not_met",
            Status::NotApplicable => "not_applicable",
            Status::NoEvidence => "no_evidence",
            Status::Waived => "waived",
            Status::Error => "error",
        }
    }
    /// Short bilingual label.
    pub fn label(self, lang: crate::Lang) -> &'static str {
        let zh = lang == crate::Lang::Zh;
        match self {
            Status::Met => {
                if zh {
                    "达标"
                } else {
                    "met"
                }
            }
            Status::Partial => {
                if zh {
                    "部分达标"
                } else {
                    "partial"
                }
            }
            Status::NotMet => {
                if zh {
                    "未达标"
                } else {
                    "not met"
                }
            }
            Status::NotApplicable => {
                if zh {
                    "不适用"
                } else {
                    "n/a"
                }
            }
            Status::NoEvidence => {
                if zh {
                    "无佐证"
                } else {
                    "no evidence"
                }
            }
            Status::Waived => {
                if zh {
                    "已豁免"
                } else {
                    "waived"
                }
            }
            Status::Error => {
                if zh {
                    "错误"
                } else {
                    "error"
                }
            }
        }
    }
}

/// A value shown in a report.
#[derive(Debug, Clone, PartialEq)]
pub enum Shown {
    /// Missing.
    Null,
    /// Boolean.
    Bool(bool),
    /// A whole number.
    Int(i64),
    /// A number.
    Num(f64),
    /// Text (strings, enum values). Boxed rather than a `String` (and lists below rather
    /// than a `Vec`) to keep every shown value, and so every kept report, 8 bytes smaller.
    Str(Box<str>),
    /// A date.
    Date(Date),
    /// A list of values.
    List(Box<[Shown]>),
    /// Hidden because it derives from personal data.
    Masked,
}

impl Shown {
    /// `enum_names` resolves enum indexes to names when the static type is known.
    pub(crate) fn from_view(v: V, enum_names: Option<&[String]>, arena: &[Value]) -> Shown {
        // Scalars inline; text and lists out of line, so the common case (two numbers per
        // comparison of every indicator of every report) stays a few instructions.
        match v {
            V::Missing | V::Obj(_) => Shown::Null,
            V::Bool(b) => Shown::Bool(b),
            V::Num(n) => crate::value::whole(n).map_or(Shown::Num(n), Shown::Int),
            V::Date(d) => Shown::Date(Date(d)),
            _ => Shown::from_view_cold(v, enum_names, arena),
        }
    }

    #[inline(never)]
    fn from_view_cold(v: V, enum_names: Option<&[String]>, arena: &[Value]) -> Shown {
        match v {
            V::Str(s) => Shown::Str(s.into()),
            V::Enum(i) => Shown::Str(
                enum_names
                    .and_then(|n| n.get(i as usize))
                    .map_or_else(|| format!("#{i}").into(), |name| name.as_str().into()),
            ),
            V::List(items) => Shown::List(
                items
                    .iter()
                    .take(50)
                    .map(|x| Shown::from_view(x.view(arena), enum_names, arena))
                    .collect(),
            ),
            _ => Shown::Null,
        }
    }

    /// Text for messages and tables.
    pub fn display(&self) -> String {
        match self {
            Shown::Null => "—".to_owned(),
            Shown::Bool(b) => b.to_string(),
            Shown::Int(i) => i.to_string(),
            Shown::Num(n) => fmt_num(*n),
            Shown::Str(s) => s.to_string(),
            Shown::Date(d) => d.to_string(),
            Shown::List(l) => l.iter().map(Shown::display).collect::<Vec<_>>().join(", "),
            Shown::Masked => "***".to_owned(),
        }
    }
}

/// A calendar date (kept as days since 1970-01-01; displayed as `YYYY-MM-DD`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub(crate) i32);

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (y, m, d) = crate::value::civil_from_days(self.0);
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

/// Both sides of a top-level comparison: "found 1, required ≥ 2".
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// Left side's value.
    pub left: Shown,
    /// Operator.
    pub op: &'static str,
    /// Right side's value.
    pub right: Shown,
}

/// One deduction: an item or instance that cost points.
#[derive(Debug, Clone, PartialEq)]
pub struct Deduction {
    /// Points deducted.
    pub points: f64,
    /// Index of the item (per-item form); its id and reason come from the standard.
    pub(crate) item: Option<u32>,
    /// The instance path (per-instance form), e.g. `staff[2]`.
    pub path: Option<String>,
    /// The check was missing rather than false (无佐证).
    pub missing: bool,
}

/// One indicator's result within a report.
///
/// A report keeps one per indicator, so a batch of 100,000 stations keeps millions: the
/// fields most results leave empty (deductions, missing paths, an error) live behind one
/// pointer, allocated only when one of them is filled.
#[derive(Debug, Clone)]
pub struct IndicatorResult {
    /// Top-level comparison.
    pub comparison: Option<Comparison>,
    /// Points earned.
    pub earned: f64,
    /// Points possible.
    pub possible: f64,
    pub(crate) measure: Option<f64>,
    pub(crate) index: usize,
    /// `let` values in declaration order (names: [`Report::values`]).
    pub(crate) values: std::ops::Range<u32>,
    pub(crate) details: Option<Box<Details>>,
    /// What would have been earned without a waiver.
    pub(crate) unwaived_earned: f64,
    pub(crate) failed: u32,
    /// Outcome.
    pub status: Status,
    pub(crate) unwaived_status: Status,
}

/// The rarely filled parts of an [`IndicatorResult`].
#[derive(Debug, Clone, Default)]
pub(crate) struct Details {
    pub(crate) deductions: Vec<Deduction>,
    pub(crate) missing: Vec<String>,
    pub(crate) error: Option<String>,
}

impl IndicatorResult {
    /// A result before evaluation: not met, nothing earned.
    pub(crate) fn blank(index: usize, possible: f64) -> IndicatorResult {
        IndicatorResult {
            comparison: None,
            earned: 0.0,
            possible,
            measure: None,
            index,
            values: 0..0,
            details: None,
            unwaived_earned: 0.0,
            failed: 0,
            status: Status::NotMet,
            unwaived_status: Status::NotMet,
        }
    }

    /// Deductions (per-item and per-instance forms).
    pub fn deductions(&self) -> &[Deduction] {
        self.details.as_deref().map_or(&[], |d| &d.deductions)
    }

    /// Paths of missing values.
    pub fn missing(&self) -> &[String] {
        self.details.as_deref().map_or(&[], |d| &d.missing)
    }

    /// Evaluation error, for status `error`.
    pub fn error(&self) -> Option<&str> {
        self.details.as_deref().and_then(|d| d.error.as_deref())
    }

    /// The details, allocated on first write.
    pub(crate) fn details_mut(&mut self) -> &mut Details {
        self.details.get_or_insert_with(Box::default)
    }

    /// What would have been earned without a waiver.
    pub(crate) fn unwaived(&self) -> (Status, f64) {
        (self.unwaived_status, self.unwaived_earned)
    }

    pub(crate) fn set_unwaived(&mut self, status: Status, earned: f64) {
        self.unwaived_status = status;
        self.unwaived_earned = earned;
    }
}

/// A waiver's fate in a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WaiverUse {
    /// Indicator id.
    pub indicator: String,
    /// `applied`, `unused` or `expired`.
    pub state: &'static str,
}

/// A record field the schema does not know.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordWarning {
    /// Path of the field.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

/// Identity of the evaluated record.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecordInfo {
    /// The `id_field` value.
    pub id: Option<String>,
    /// The `name_field` value.
    pub name: Option<String>,
    /// Group field values.
    pub groups: Vec<(String, Option<String>)>,
}

/// A gap in remediation order.
#[derive(Debug, Clone, PartialEq)]
pub struct Gap {
    /// Indicator id.
    pub indicator: std::sync::Arc<str>,
    /// Points lost.
    pub lost: f64,
    /// Its status.
    pub status: Status,
    /// A failed veto.
    pub veto: bool,
}

/// A section's score.
#[derive(Debug, Clone, PartialEq)]
pub struct SectionResult {
    pub(crate) index: usize,
    /// Earned over applicable indicators.
    pub earned: f64,
    /// Possible over applicable indicators.
    pub possible: f64,
    /// earned / possible, `None` when nothing applies.
    pub ratio: Option<f64>,
}

/// A scored gap report for one record (`chidu.report/1`).
#[derive(Debug, Clone)]
pub struct Report {
    pub(crate) model: Arc<Model>,
    /// Evaluation date (days since 1970-01-01).
    pub(crate) as_of: i32,
    /// The record's identity (shared with the record it came from).
    pub record: std::sync::Arc<RecordInfo>,
    /// Score, `None` when nothing applicable carries points.
    pub score: Option<f64>,
    /// Bonus added (within the cap).
    pub bonus: f64,
    /// Grade id.
    pub grade: Option<String>,
    /// Failed veto indicators.
    pub vetoes: Vec<std::sync::Arc<str>>,
    /// Veto indicators without evidence or in error.
    pub vetoes_unresolved: Vec<std::sync::Arc<str>>,
    /// Score as if no waiver applied.
    pub score_without_waivers: Option<f64>,
    /// Waivers and what became of them.
    pub waivers: Vec<WaiverUse>,
    /// Unknown fields in the record.
    pub warnings: Vec<RecordWarning>,
    /// Per section.
    pub sections: Vec<SectionResult>,
    /// Per indicator, in pack order.
    pub indicators: Vec<IndicatorResult>,
    /// Remediation order.
    pub gaps: Vec<Gap>,
    /// Mask values derived from `pii` fields when serialised.
    pub mask_pii: bool,
    /// `let` values of all indicators; each result holds its range (one allocation per report).
    pub(crate) values: Vec<Shown>,
    /// Inputs of the pack's named fleet aggregates (None: not counted).
    pub(crate) aggregates: Vec<Option<f64>>,
}

impl Report {
    /// True when a veto indicator failed.
    pub fn vetoed(&self) -> bool {
        !self.vetoes.is_empty()
    }
    /// The evaluation date as `YYYY-MM-DD`.
    pub fn as_of(&self) -> String {
        format_date(self.as_of)
    }
    /// Id of the indicator behind a result.
    pub fn indicator_id(&self, r: &IndicatorResult) -> &str {
        self.model.indicators.get(r.index).map_or("", |i| &*i.id)
    }
    /// Id of the section behind a result.
    pub fn section_id(&self, s: &SectionResult) -> &str {
        self.model
            .sections
            .get(s.index)
            .map_or("", |x| x.id.as_str())
    }
    /// Result of one indicator by id.
    pub fn indicator(&self, id: &str) -> Option<&IndicatorResult> {
        self.indicators.iter().find(|r| self.indicator_id(r) == id)
    }
    /// The `let` values of a result, in declaration order (without names).
    pub(crate) fn let_values(&self, r: &IndicatorResult) -> &[Shown] {
        self.values
            .get(r.values.start as usize..r.values.end as usize)
            .unwrap_or(&[])
    }

    /// The `let` values of an indicator result, by name (masked where they derive from pii).
    pub fn values<'r>(&'r self, r: &'r IndicatorResult) -> Vec<(&'r str, &'r Shown)> {
        let lets = self
            .model
            .indicators
            .get(r.index)
            .map_or(&[][..], |i| &i.lets[..]);
        lets.iter()
            .zip(self.let_values(r))
            .enumerate()
            .map(|(i, (l, v))| (l.def.name.as_str(), self.masked_value(r, i, v)))
            .collect()
    }

    /// The item id of a per-item deduction.
    pub fn deduction_item(&self, r: &IndicatorResult, d: &Deduction) -> Option<&str> {
        let ind = self.model.indicators.get(r.index)?;
        match (&ind.form, d.item) {
            (crate::score::forms::Form::PerItem(f), Some(i)) => {
                f.items.get(i as usize).map(|it| it.id.as_str())
            }
            _ => None,
        }
    }

    /// Why a deduction was made, in both languages.
    pub fn deduction_reason(&self, r: &IndicatorResult, d: &Deduction) -> Text {
        let ind = self.model.indicators.get(r.index);
        match ind.map(|i| &i.form) {
            Some(crate::score::forms::Form::PerItem(f)) => {
                let item = d.item.and_then(|i| f.items.get(i as usize));
                let (zh, en) = item.map_or((String::new(), String::new()), |it| {
                    it.title
                        .as_ref()
                        .map_or((it.id.clone(), it.id.clone()), |t| {
                            (t.zh.clone(), t.en.clone())
                        })
                });
                if d.missing {
                    Text {
                        zh: format!("{zh}：无佐证"),
                        en: format!("{en}: no evidence"),
                    }
                } else {
                    Text {
                        zh: format!("{zh}：未达标"),
                        en: format!("{en}: not met"),
                    }
                }
            }
            Some(crate::score::forms::Form::PerInstance(f)) => {
                if d.missing {
                    Text {
                        zh: format!("无佐证：{}", f.src),
                        en: format!("no evidence: {}", f.src),
                    }
                } else {
                    Text {
                        zh: format!("不满足：{}", f.src),
                        en: format!("fails: {}", f.src),
                    }
                }
            }
            _ => Text::default(),
        }
    }

    /// The rendered message of an indicator result.
    pub fn message(&self, r: &IndicatorResult) -> Option<Text> {
        let ind = self.model.indicators.get(r.index)?;
        let t = ind.message.as_ref()?;
        Some(Text {
            zh: self.fill(&t.zh, r),
            en: self.fill(&t.en, r),
        })
    }
    /// The score rounded as reports show it.
    pub fn rounded_score(&self) -> Option<f64> {
        self.score.map(round2)
    }

    fn fill(&self, pieces: &[crate::model::Piece], r: &IndicatorResult) -> String {
        use crate::model::Piece;
        let capacity = pieces
            .iter()
            .map(|p| match p {
                Piece::Lit(t) => t.len(),
                _ => 12,
            })
            .sum();
        let mut s = String::with_capacity(capacity);
        let lets = self.let_values(r);
        for p in pieces {
            match p {
                Piece::Lit(t) => s.push_str(t),
                Piece::Let(i) => match lets.get(*i) {
                    Some(v) => s.push_str(&self.masked_value(r, *i, v).display()),
                    None => s.push('—'),
                },
                Piece::Earned => s.push_str(&fmt_num(round2(r.earned))),
                Piece::Possible => s.push_str(&fmt_num(r.possible)),
                Piece::Measure => match r.measure {
                    Some(m) => s.push_str(&fmt_num(m)),
                    None => s.push('—'),
                },
                Piece::Failed => s.push_str(&r.failed.to_string()),
            }
        }
        s
    }

    pub(crate) fn masked_value<'v>(
        &self,
        r: &IndicatorResult,
        let_index: usize,
        v: &'v Shown,
    ) -> &'v Shown {
        static MASKED: Shown = Shown::Masked;
        let pii = self
            .model
            .indicators
            .get(r.index)
            .and_then(|i| i.lets.get(let_index))
            .is_some_and(|l| l.def.pii);
        if self.mask_pii && pii { &MASKED } else { v }
    }

    pub(crate) fn name_is_pii(&self) -> bool {
        let schema = &self.model.schema;
        schema
            .name_field
            .as_deref()
            .and_then(|n| schema.root().field(n))
            .is_some_and(|(_, f)| f.pii)
    }
}

/// Rounds half away from zero to 2 decimals.
pub fn round2(x: f64) -> f64 {
    crate::expr::eval::round_half_away(x, 2)
}

/// A number as people write it: no trailing zeros, at most 2 decimals.
pub fn fmt_num(x: f64) -> String {
    let r = round2(x);
    if let Some(i) = crate::value::whole(r) {
        i.to_string()
    } else {
        let s = format!("{r:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    }
}

pub(crate) fn node_scalar(n: &Node) -> String {
    match &n.kind {
        NodeKind::Int(i) => i.to_string(),
        NodeKind::Float(f) => fmt_num(*f),
        NodeKind::Str(s) => s.clone(),
        NodeKind::Bool(b) => b.to_string(),
        _ => String::new(),
    }
}

pub(crate) fn json_standard(model: &Model) -> impl Serialize + '_ {
    json::StandardJson(model)
}

#[cfg(test)]
mod size_tests {
    /// A report keeps one result per indicator and a batch keeps every report: this size is
    /// the bulk of a kept batch's memory (stop 13: 232 bytes before the rare parts moved out).
    #[test]
    fn an_indicator_result_stays_small() {
        assert_eq!(std::mem::size_of::<super::Shown>(), 24);
        assert_eq!(std::mem::size_of::<Option<super::Comparison>>(), 64);
        assert_eq!(std::mem::size_of::<super::IndicatorResult>(), 136);
    }
}
