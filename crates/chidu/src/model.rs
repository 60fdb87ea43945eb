//! The compiled standard: what evaluation, reports and docs read. Built once by `pack::build`.

use indexmap::IndexMap;

use crate::expr::Ir;
use crate::expr::check::{LetDef, ParamValue, Used};
use crate::pack::read::{FileTable, Text};
use crate::schema::RecordSchema;
use crate::score::forms::Form;

#[derive(Debug, Clone)]
pub(crate) struct Param {
    pub(crate) value: ParamValue,
    pub(crate) unit: Option<String>,
    pub(crate) basis: Option<Text>,
    pub(crate) source: Option<String>,
    /// The value as written, for docs and messages.
    pub(crate) shown: String,
}

#[derive(Debug, Clone)]
pub(crate) struct Grade {
    pub(crate) id: String,
    pub(crate) label: Text,
    pub(crate) min_score: Option<f64>,
    pub(crate) min_section_ratio: Option<f64>,
}

#[derive(Debug, Clone)]
pub(crate) struct Section {
    pub(crate) id: String,
    pub(crate) title: Text,
    pub(crate) points: f64,
    pub(crate) indicators: Vec<usize>,
}

/// How `not_applicable` indicators affect the score.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NaMode {
    /// score = earned / applicable possible × total
    Rescale,
    /// not-applicable indicators count as fully earned
    FullMarks,
}

#[derive(Debug, Clone)]
pub(crate) struct LetC {
    pub(crate) def: LetDef,
    pub(crate) ir: Ir,
    pub(crate) src: String,
    /// Lets with the same text that read only record fields are computed once per record.
    pub(crate) shared: Option<u32>,
}

/// A message template per language.
#[derive(Debug, Clone)]
pub(crate) struct Template {
    pub(crate) zh: Vec<Piece>,
    pub(crate) en: Vec<Piece>,
}

#[derive(Debug, Clone)]
pub(crate) enum Piece {
    Lit(String),
    Let(usize),
    Earned,
    Possible,
    Measure,
    Failed,
}

#[derive(Debug, Clone)]
pub(crate) struct Indicator {
    /// Shared with reports (gaps, vetoes) without copying.
    pub(crate) id: std::sync::Arc<str>,
    pub(crate) section: usize,
    pub(crate) title: Text,
    pub(crate) description: Option<Text>,
    pub(crate) clause: Option<String>,
    pub(crate) points: f64,
    pub(crate) method: Option<String>,
    pub(crate) veto: bool,
    pub(crate) bonus: bool,
    pub(crate) when: Option<(Ir, String)>,
    pub(crate) lets: Vec<LetC>,
    pub(crate) form: Form,
    pub(crate) message: Option<Template>,
    pub(crate) remediation: Option<Text>,
    /// The top-level comparison's sides derive only from pii fields.
    pub(crate) comparison_pii: bool,
    /// `title` and `remediation` as JSON text, escaped once at load: reports repeat them for
    /// every record, and escaping them each time was most of the cost of writing a report.
    pub(crate) title_json: Box<serde_json::value::RawValue>,
    pub(crate) remediation_json: Option<Box<serde_json::value::RawValue>>,
}

#[derive(Debug, Clone)]
pub(crate) struct AggregateDef {
    pub(crate) id: String,
    pub(crate) label: Text,
    pub(crate) kind: AggregateKind,
    pub(crate) of: Option<Ir>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AggregateKind {
    Ratio,
    Sum,
    Mean,
    Count,
}

/// Everything a loaded standard holds.
#[derive(Debug)]
pub(crate) struct Model {
    pub(crate) id: String,
    pub(crate) version: String,
    pub(crate) title: Text,
    pub(crate) total: f64,
    pub(crate) bonus_cap: Option<f64>,
    pub(crate) na_mode: NaMode,
    pub(crate) params: IndexMap<String, Param>,
    pub(crate) grades: Vec<Grade>,
    pub(crate) veto_grade: Option<usize>,
    pub(crate) sections: Vec<Section>,
    pub(crate) indicators: Vec<Indicator>,
    pub(crate) aggregates: Vec<AggregateDef>,
    pub(crate) schema: RecordSchema,
    pub(crate) used: Used,
    pub(crate) files: FileTable,
    pub(crate) digest: String,
    pub(crate) bases: Vec<String>,
    /// Number of distinct shared `let` values (see [`LetC::shared`]).
    pub(crate) shared_lets: u32,
    /// Number of shared aggregate slots (see `Ir::SharedAgg`).
    pub(crate) shared_aggs: u32,
    /// `let`s over all indicators: the values a report shows (one vector, sized once).
    pub(crate) let_count: usize,
}

impl Model {
    pub(crate) fn bonus_cap(&self) -> f64 {
        self.bonus_cap.unwrap_or_else(|| {
            self.indicators
                .iter()
                .filter(|i| i.bonus)
                .map(|i| i.points)
                .sum()
        })
    }
}
