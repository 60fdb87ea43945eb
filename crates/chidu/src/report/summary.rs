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

    /// Adds one evaluated report; `aggregate_values` are its named aggregate inputs.
    pub(crate) fn add(&mut self, report: &Report, aggregate_values: &[(Option<f64>, bool)]) {
        self.records += 1;
        let score = report.rounded_score();
        if let Some(s) = score {
            self.scores.push(s);
        }
        if let Some(g) = &report.grade {
            *self.grades.entry(g.clone()).or_default() += 1;
        }
        for sec in &report.sections {
            if let (Some(r), Some(acc)) = (sec.ratio, self.sections.get_mut(report.section_id(sec)))
            {
                acc.0 += r;
                acc.1 += 1;
            }
        }
        if report.vetoed() {
            self.vetoed += 1;
        }
        for r in &report.indicators {
            let id = report.indicator_id(r);
            if matches!(r.status, Status::NotApplicable | Status::Waived) {
                continue;
            }
            if let Some(s) = self.indicators.get_mut(id) {
                s.applicable += 1;
                s.earned_sum += r.earned;
                if r.status == Status::Met {
                    s.met += 1;
                }
            }
        }
        for (field, value) in &report.record.groups {
            let key = value.clone().unwrap_or_else(|| "—".to_owned());
            let Some(groups) = self.groups.get_mut(field) else {
                continue;
            };
            let g = groups.entry(key).or_insert_with(|| GroupSummary {
                grades: self.grades.keys().map(|k| (k.clone(), 0)).collect(),
                ..Default::default()
            });
            g.records += 1;
            if let Some(s) = score {
                g.scores.push(s);
            }
            if let Some(grade) = &report.grade {
                *g.grades.entry(grade.clone()).or_default() += 1;
            }
        }
        for ((_, acc), (value, counted)) in self.aggregates.iter_mut().zip(aggregate_values) {
            if *counted {
                acc.1 += 1.0;
                acc.0 += value.unwrap_or(0.0);
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

/// The inputs of the pack's named aggregates for one record: (value, counted).
pub(crate) fn aggregate_inputs(model: &Model, report: &Report) -> Vec<(Option<f64>, bool)> {
    let _ = model;
    report
        .aggregates
        .iter()
        .map(|v| (*v, v.is_some()))
        .collect()
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
