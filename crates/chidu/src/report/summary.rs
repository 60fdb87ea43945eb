//! Batch summary (SPEC §4/§9): counts, mean and median score, grades, vetoes, per-indicator
//! met rate, per-group figures and the pack's named fleet aggregates.

use indexmap::IndexMap;
use serde::Serialize;
use serde::ser::SerializeMap;

use super::json::Num2;
use super::{Report, Status};
use crate::model::{AggregateKind, Model};

/// Per-indicator fleet figures.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IndicatorSummary {
    /// Records where the indicator applies and is not waived.
    pub applicable: usize,
    /// Of those, records that met it.
    pub met: usize,
    /// Sum of earned points over applicable records.
    pub earned_sum: f64,
}

/// Figures for one value of a group field.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GroupSummary {
    /// Records in the group.
    pub records: usize,
    /// Scores (non-null) of the group, in input order.
    pub scores: Vec<f64>,
    /// Grade counts.
    pub grades: IndexMap<String, usize>,
}

/// What a batch summary holds.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// Records read (evaluated and invalid).
    pub records: usize,
    /// Records that could not be evaluated.
    pub invalid: usize,
    /// Non-null scores in input order (kept for the median).
    pub scores: Vec<f64>,
    /// Grade counts; every grade id appears.
    pub grades: IndexMap<String, usize>,
    /// Vetoed records.
    pub vetoed: usize,
    /// Per indicator id.
    pub indicators: IndexMap<String, IndicatorSummary>,
    /// Group field → group value → figures.
    pub groups: IndexMap<String, IndexMap<String, GroupSummary>>,
    /// Named aggregates: id → (numerator, denominator).
    pub aggregates: IndexMap<String, (f64, f64)>,
    /// Per section id: (sum of ratios, records with a ratio) for the mean section ratio.
    pub sections: IndexMap<String, (f64, usize)>,
}

impl Summary {
    pub(crate) fn new(model: &Model) -> Summary {
        let grades = model.grades.iter().map(|g| (g.id.clone(), 0)).collect();
        let sections = model
            .sections
            .iter()
            .map(|s| (s.id.clone(), (0.0, 0)))
            .collect();
        let indicators = model
            .indicators
            .iter()
            .map(|i| (i.id.to_string(), IndicatorSummary::default()))
            .collect();
        let groups = model
            .schema
            .group_fields
            .iter()
            .map(|g| (g.clone(), IndexMap::new()))
            .collect();
        let aggregates = model
            .aggregates
            .iter()
            .map(|a| (a.id.clone(), (0.0, 0.0)))
            .collect();
        Summary {
            grades,
            indicators,
            groups,
            aggregates,
            sections,
            ..Default::default()
        }
    }

    /// Adds an invalid record.
    pub fn add_invalid(&mut self) {
        self.records += 1;
        self.invalid += 1;
    }

    /// Adds one evaluated report. Per-indicator and per-section figures are found by position
    /// (the summary lists them in pack order, as reports do), checked against the id; grade
    /// and group keys are cloned only the first time they are seen.
    pub(crate) fn add(&mut self, report: &Report) {
        self.records += 1;
        let score = report.rounded_score();
        if let Some(s) = score {
            self.scores.push(s);
        }
        if let Some(g) = &report.grade {
            count(&mut self.grades, g);
        }
        for sec in &report.sections {
            let Some(r) = sec.ratio else { continue };
            if let Some(acc) = by_position(&mut self.sections, sec.index, report.section_id(sec)) {
                acc.0 += r;
                acc.1 += 1;
            }
        }
        if report.vetoed() {
            self.vetoed += 1;
        }
        for r in &report.indicators {
            if matches!(r.status, Status::NotApplicable | Status::Waived) {
                continue;
            }
            let id = report.indicator_id(r);
            if let Some(s) = by_position(&mut self.indicators, r.index, id) {
                s.applicable += 1;
                s.earned_sum += r.earned;
                if r.status == Status::Met {
                    s.met += 1;
                }
            }
        }
        for (i, (field, value)) in report.record.groups.iter().enumerate() {
            let key = value.as_deref().unwrap_or("—");
            let Some(groups) = by_position(&mut self.groups, i, field) else {
                continue;
            };
            let at = match groups.get_index_of(key) {
                Some(at) => at,
                None => {
                    let g = GroupSummary {
                        grades: self.grades.keys().map(|k| (k.clone(), 0)).collect(),
                        ..Default::default()
                    };
                    groups.insert_full(key.to_owned(), g).0
                }
            };
            let Some((_, g)) = groups.get_index_mut(at) else {
                continue;
            };
            g.records += 1;
            if let Some(s) = score {
                g.scores.push(s);
            }
            if let Some(grade) = &report.grade {
                count(&mut g.grades, grade);
            }
        }
        for ((_, acc), value) in self.aggregates.iter_mut().zip(&report.aggregates) {
            if let Some(v) = value {
                acc.1 += 1.0;
                acc.0 += v;
            }
        }
    }

    /// Mean of non-null scores.
    pub fn mean_score(&self) -> Option<f64> {
        mean(&self.scores)
    }
    /// Median of non-null scores.
    pub fn median_score(&self) -> Option<f64> {
        median(&self.scores)
    }
}

fn mean(xs: &[f64]) -> Option<f64> {
    if xs.is_empty() {
        None
    } else {
        Some(xs.iter().sum::<f64>() / xs.len() as f64)
    }
}

fn median(xs: &[f64]) -> Option<f64> {
    if xs.is_empty() {
        return None;
    }
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    })
}

struct OptNum(Option<f64>);
impl Serialize for OptNum {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Some(x) => Num2(x).serialize(s),
            None => s.serialize_none(),
        }
    }
}

struct Rate(Option<f64>);
impl Serialize for Rate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Some(x) => s.serialize_f64(crate::expr::eval::round_half_away(x, 4)),
            None => s.serialize_none(),
        }
    }
}

/// The summary with the pack it summarises, as JSON.
pub(crate) struct SummaryJson<'a>(pub(crate) &'a Summary, pub(crate) &'a Model);

impl Serialize for SummaryJson<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (sum, model) = (self.0, self.1);
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("records", &sum.records)?;
        m.serialize_entry("invalid", &sum.invalid)?;
        m.serialize_entry("mean_score", &OptNum(sum.mean_score()))?;
        m.serialize_entry("median_score", &OptNum(sum.median_score()))?;
        m.serialize_entry("grades", &sum.grades)?;
        m.serialize_entry("vetoed", &sum.vetoed)?;
        let inds: IndexMap<&str, IndJson> = sum
            .indicators
            .iter()
            .map(|(k, v)| (k.as_str(), IndJson(v)))
            .collect();
        m.serialize_entry("indicators", &inds)?;
        let groups: IndexMap<&str, IndexMap<&str, GroupJson>> = sum
            .groups
            .iter()
            .map(|(f, g)| {
                (
                    f.as_str(),
                    g.iter().map(|(k, v)| (k.as_str(), GroupJson(v))).collect(),
                )
            })
            .collect();
        m.serialize_entry("groups", &groups)?;
        let aggs: IndexMap<&str, AggJson> = model
            .aggregates
            .iter()
            .filter_map(|a| {
                sum.aggregates
                    .get(&a.id)
                    .map(|v| (a.id.as_str(), AggJson(a, *v)))
            })
            .collect();
        m.serialize_entry("aggregates", &aggs)?;
        let sections: IndexMap<&str, serde_json::Value> = sum
            .sections
            .iter()
            .map(|(id, (total, n))| {
                let mean =
                    (*n > 0).then(|| crate::expr::eval::round_half_away(total / *n as f64, 4));
                (
                    id.as_str(),
                    serde_json::json!({"mean_ratio": mean, "records": n}),
                )
            })
            .collect();
        m.serialize_entry("sections", &sections)?;
        m.serialize_entry("weakest", &pareto(sum, model))?;
        m.end()
    }
}

struct IndJson<'a>(&'a IndicatorSummary);
impl Serialize for IndJson<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let v = self.0;
        let mut m = s.serialize_map(Some(3))?;
        let rate = if v.applicable == 0 {
            None
        } else {
            Some(v.met as f64 / v.applicable as f64)
        };
        m.serialize_entry("applicable", &v.applicable)?;
        m.serialize_entry("met_rate", &Rate(rate))?;
        m.serialize_entry(
            "mean_earned",
            &OptNum(if v.applicable == 0 {
                None
            } else {
                Some(v.earned_sum / v.applicable as f64)
            }),
        )?;
        m.end()
    }
}

struct GroupJson<'a>(&'a GroupSummary);
impl Serialize for GroupJson<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let g = self.0;
        let mut m = s.serialize_map(Some(4))?;
        m.serialize_entry("records", &g.records)?;
        m.serialize_entry("mean_score", &OptNum(mean(&g.scores)))?;
        m.serialize_entry("median_score", &OptNum(median(&g.scores)))?;
        m.serialize_entry("grades", &g.grades)?;
        m.end()
    }
}

struct AggJson<'a>(&'a crate::model::AggregateDef, (f64, f64));
impl Serialize for AggJson<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (def, (num, den)) = (self.0, self.1);
        let value = match def.kind {
            AggregateKind::Ratio | AggregateKind::Mean => (den > 0.0).then(|| num / den),
            AggregateKind::Sum | AggregateKind::Count => Some(num),
        };
        let mut m = s.serialize_map(Some(3))?;
        m.serialize_entry("label", &def.label)?;
        m.serialize_entry(
            "agg",
            match def.kind {
                AggregateKind::Ratio => "ratio",
                AggregateKind::Sum => "sum",
                AggregateKind::Mean => "mean",
                AggregateKind::Count => "count",
            },
        )?;
        m.serialize_entry("value", &Rate(value))?;
        m.end()
    }
}

/// Adds one to `key`'s count, cloning the key only when it is new.
fn count(counts: &mut IndexMap<String, usize>, key: &str) {
    // Grade lists are short: comparing a few ids is cheaper than hashing one.
    let found = if counts.len() <= 16 {
        counts
            .iter_mut()
            .find(|(k, _)| k.as_str() == key)
            .map(|(_, c)| c)
    } else {
        counts.get_mut(key)
    };
    match found {
        Some(c) => *c += 1,
        None => {
            counts.insert(key.to_owned(), 1);
        }
    }
}

/// The entry at `index` when its key is `id` (the summary and the report come from the same
/// pack), else the entry for `id` wherever it is.
fn by_position<'a, T>(
    map: &'a mut IndexMap<String, T>,
    index: usize,
    id: &str,
) -> Option<&'a mut T> {
    if map.get_index(index).is_some_and(|(k, _)| k == id) {
        return map.get_index_mut(index).map(|(_, v)| v);
    }
    map.get_mut(id)
}

/// The weakest indicators: points lost across the fleet, most first, with the cumulative share
/// of all points lost (a Pareto list; where fixing pays most).
fn pareto(sum: &Summary, model: &Model) -> Vec<serde_json::Value> {
    let mut lost: Vec<(&str, f64)> = model
        .indicators
        .iter()
        .filter(|i| !i.veto && !i.bonus)
        .filter_map(|i| {
            let s = sum.indicators.get(&*i.id)?;
            let l = i.points * s.applicable as f64 - s.earned_sum;
            (l > 1e-9).then_some((&*i.id, l))
        })
        .collect();
    lost.sort_by(|a, b| b.1.total_cmp(&a.1));
    let total: f64 = lost.iter().map(|(_, l)| l).sum();
    let mut cumulative = 0.0;
    lost.iter()
        .take(20)
        .map(|(id, l)| {
            cumulative += l;
            serde_json::json!({
                "indicator": id,
                "points_lost": crate::expr::eval::round_half_away(*l, 2),
                "cumulative_share": crate::expr::eval::round_half_away(cumulative / total, 4),
            })
        })
        .collect()
}
