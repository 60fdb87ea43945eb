//! What one standard changed against another (`chidu diff-standard A B`), usually an overlay
//! against its base: sections, indicators and params added, removed, re-weighted or changed,
//! and the resolved totals of both. Plain data, serialisable as JSON, with a text view.

use indexmap::IndexMap;
use serde::Serialize;

use super::round2;
use crate::Lang;
use crate::model::{Indicator, Model};
use crate::pack::read::Text;
use crate::standard::Standard;

mod text;

/// A value before and after.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change<T> {
    /// In the first standard (A).
    pub old: T,
    /// In the second standard (B).
    pub new: T,
}

impl<T: PartialEq> Change<T> {
    fn of(old: T, new: T) -> Option<Change<T>> {
        (old != new).then_some(Change { old, new })
    }
}

/// The resolved figures of one standard.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StandardTotals {
    /// Pack id.
    pub id: String,
    /// Pack version.
    pub version: String,
    /// Pack title.
    pub title: Text,
    /// `sha256:` digest of the pack's sources.
    pub digest: String,
    /// Base packs, nearest last.
    pub extends: Vec<String>,
    /// Declared total points.
    pub total: f64,
    /// Sum of the section points.
    pub section_points: f64,
    /// Sum of the points of scored (not veto, not bonus) indicators.
    pub indicator_points: f64,
    /// Cap on bonus points.
    pub bonus_cap: f64,
    /// Number of sections.
    pub sections: usize,
    /// Number of indicators of every kind.
    pub indicators: usize,
    /// Scored indicators.
    pub scored: usize,
    /// Veto items.
    pub vetoes: usize,
    /// Bonus items.
    pub bonuses: usize,
    /// Number of params.
    pub params: usize,
    /// Number of grade bands.
    pub grades: usize,
}

/// A section present in only one of the standards.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SectionEntry {
    /// Section id.
    pub id: String,
    /// Section title.
    pub title: Text,
    /// Section points.
    pub points: f64,
}

/// A section present in both standards whose weight or title changed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SectionChange {
    /// Section id.
    pub id: String,
    /// Title in B.
    pub title: Text,
    /// Points, when re-weighted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub points: Option<Change<f64>>,
    /// Title, when renamed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retitled: Option<Change<Text>>,
}

/// An indicator present in only one of the standards.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorEntry {
    /// Indicator id.
    pub id: String,
    /// Id of its section.
    pub section: String,
    /// Title.
    pub title: Text,
    /// Points.
    pub points: f64,
    /// `scored`, `veto` or `bonus`.
    pub kind: &'static str,
    /// Scoring form id (`all_or_nothing`, `per_item`, ...).
    pub form: &'static str,
}

/// An indicator present in both standards that changed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorChange {
    /// Indicator id.
    pub id: String,
    /// Id of its section in B.
    pub section: String,
    /// Title in B.
    pub title: Text,
    /// Points, when re-weighted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub points: Option<Change<f64>>,
    /// Scoring form id, when the form changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub form: Option<Change<&'static str>>,
    /// Expression texts (`let`s, `when`, the form's expressions), when any changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expressions: Option<Change<Vec<String>>>,
    /// The scoring rule in words (each at its own standard's points), when it reads differently
    /// at equal points (form, expressions, tiers, deductions): a pure re-weighting is not here.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scoring: Option<Change<Text>>,
    /// `scored`, `veto` or `bonus`, when that changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<Change<&'static str>>,
    /// Section id, when the indicator moved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub moved: Option<Change<String>>,
    /// Title, when renamed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retitled: Option<Change<Text>>,
    /// Clause reference, when changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clause: Option<Change<Option<String>>>,
}

impl IndicatorChange {
    /// Whether the scoring itself changed (form, expressions or the rule in words).
    pub fn scoring_changed(&self) -> bool {
        self.form.is_some() || self.expressions.is_some() || self.scoring.is_some()
    }
    /// Whether anything besides points and scoring changed.
    pub fn other_changed(&self) -> bool {
        self.kind.is_some()
            || self.moved.is_some()
            || self.retitled.is_some()
            || self.clause.is_some()
    }
}

/// A param present in only one of the standards.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParamEntry {
    /// Param name (`params.<name>` in expressions).
    pub name: String,
    /// The value as written.
    pub value: String,
    /// Unit.
    pub unit: Option<String>,
}

/// A param present in both standards whose value, unit or basis changed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParamChange {
    /// Param name.
    pub name: String,
    /// The value as written, old → new (equal when only the unit or basis changed).
    pub value: Change<String>,
    /// Unit, old → new (equal when unchanged).
    pub unit: Change<Option<String>>,
    /// Whether the basis text changed.
    pub basis_changed: bool,
}

/// A grade band whose threshold changed, or that exists in only one standard.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GradeChange {
    /// Grade id.
    pub id: String,
    /// Minimum score, old → new (`None` for a grade without one, or absent).
    pub min_score: Change<Option<f64>>,
    /// Minimum section ratio, old → new.
    pub min_section_ratio: Change<Option<f64>>,
    /// Whether the grade exists in A and in B.
    pub present: Change<bool>,
}

/// What standard B changed against standard A.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StandardDiff {
    /// JSON schema id of this document.
    pub schema: &'static str,
    /// Totals of A.
    pub a: StandardTotals,
    /// Totals of B.
    pub b: StandardTotals,
    /// Sections only in B, in B's order.
    pub sections_added: Vec<SectionEntry>,
    /// Sections only in A, in A's order.
    pub sections_removed: Vec<SectionEntry>,
    /// Sections in both that were re-weighted or renamed, in B's order.
    pub sections_changed: Vec<SectionChange>,
    /// Indicators only in B, in B's order.
    pub indicators_added: Vec<IndicatorEntry>,
    /// Indicators only in A, in A's order.
    pub indicators_removed: Vec<IndicatorEntry>,
    /// Indicators in both that changed, in B's order.
    pub indicators_changed: Vec<IndicatorChange>,
    /// Params only in B.
    pub params_added: Vec<ParamEntry>,
    /// Params only in A.
    pub params_removed: Vec<ParamEntry>,
    /// Params in both whose value, unit or basis changed.
    pub params_changed: Vec<ParamChange>,
    /// Grade bands added, removed or with new thresholds.
    pub grades_changed: Vec<GradeChange>,
    /// Aggregate ids only in B.
    pub aggregates_added: Vec<String>,
    /// Aggregate ids only in A.
    pub aggregates_removed: Vec<String>,
}

/// Rounded to 2 decimals, without a negative zero (an empty `f64` sum is `-0.0`).
fn num(x: f64) -> f64 {
    round2(x) + 0.0
}

fn kind(ind: &Indicator) -> &'static str {
    if ind.veto {
        "veto"
    } else if ind.bonus {
        "bonus"
    } else {
        "scored"
    }
}

fn section_id(model: &Model, ind: &Indicator) -> String {
    model
        .sections
        .get(ind.section)
        .map(|s| s.id.clone())
        .unwrap_or_default()
}

/// The expression texts of an indicator, labelled, in a stable order.
fn expressions(ind: &Indicator) -> Vec<String> {
    let mut v: Vec<String> = ind
        .lets
        .iter()
        .map(|l| format!("let {} = {}", l.def.name, l.src))
        .collect();
    if let Some((_, w)) = &ind.when {
        v.push(format!("when: {w}"));
    }
    let label = crate::score::forms::FORMS
        .iter()
        .find(|f| f.id == ind.form.id())
        .map_or("", |f| f.key);
    v.extend(ind.form.sources().iter().map(|s| format!("{label}: {s}")));
    v
}

fn describe(ind: &Indicator, points: f64) -> Text {
    Text {
        zh: ind.form.describe(points, ind.bonus, ind.veto, Lang::Zh),
        en: ind.form.describe(points, ind.bonus, ind.veto, Lang::En),
    }
}

fn totals(m: &Model) -> StandardTotals {
    let count = |k: &str| m.indicators.iter().filter(|i| kind(i) == k).count();
    StandardTotals {
        id: m.id.clone(),
        version: m.version.clone(),
        title: m.title.clone(),
        digest: m.digest.clone(),
        extends: m.bases.clone(),
        total: num(m.total),
        section_points: num(m.sections.iter().map(|s| s.points).sum()),
        indicator_points: num(m
            .indicators
            .iter()
            .filter(|i| !i.veto && !i.bonus)
            .map(|i| i.points)
            .sum()),
        bonus_cap: num(m.bonus_cap()),
        sections: m.sections.len(),
        indicators: m.indicators.len(),
        scored: count("scored"),
        vetoes: count("veto"),
        bonuses: count("bonus"),
        params: m.params.len(),
        grades: m.grades.len(),
    }
}

fn entry(m: &Model, ind: &Indicator) -> IndicatorEntry {
    IndicatorEntry {
        id: ind.id.to_string(),
        section: section_id(m, ind),
        title: ind.title.clone(),
        points: num(ind.points),
        kind: kind(ind),
        form: ind.form.id(),
    }
}

/// Compares two standards: what `b` changed against `a`.
pub fn diff_standards(a: &Standard, b: &Standard) -> StandardDiff {
    diff_models(a.model(), b.model())
}

pub(crate) fn diff_models(a: &Model, b: &Model) -> StandardDiff {
    // sections
    let a_secs: IndexMap<&str, &crate::model::Section> =
        a.sections.iter().map(|s| (s.id.as_str(), s)).collect();
    let b_secs: IndexMap<&str, &crate::model::Section> =
        b.sections.iter().map(|s| (s.id.as_str(), s)).collect();
    let sec_entry = |s: &crate::model::Section| SectionEntry {
        id: s.id.clone(),
        title: s.title.clone(),
        points: num(s.points),
    };
    let sections_added = b
        .sections
        .iter()
        .filter(|s| !a_secs.contains_key(s.id.as_str()))
        .map(sec_entry)
        .collect();
    let sections_removed = a
        .sections
        .iter()
        .filter(|s| !b_secs.contains_key(s.id.as_str()))
        .map(sec_entry)
        .collect();
    let sections_changed = b
        .sections
        .iter()
        .filter_map(|nb| {
            let old = a_secs.get(nb.id.as_str())?;
            let c = SectionChange {
                id: nb.id.clone(),
                title: nb.title.clone(),
                points: Change::of(num(old.points), num(nb.points)),
                retitled: Change::of(old.title.clone(), nb.title.clone()),
            };
            (c.points.is_some() || c.retitled.is_some()).then_some(c)
        })
        .collect();

    // indicators
    let a_inds: IndexMap<&str, &Indicator> = a.indicators.iter().map(|i| (&*i.id, i)).collect();
    let b_inds: IndexMap<&str, &Indicator> = b.indicators.iter().map(|i| (&*i.id, i)).collect();
    let indicators_added = b
        .indicators
        .iter()
        .filter(|i| !a_inds.contains_key(&*i.id))
        .map(|i| entry(b, i))
        .collect();
    let indicators_removed = a
        .indicators
        .iter()
        .filter(|i| !b_inds.contains_key(&*i.id))
        .map(|i| entry(a, i))
        .collect();
    let indicators_changed = b
        .indicators
        .iter()
        .filter_map(|nb| {
            let old = a_inds.get(&*nb.id)?;
            let (eo, en) = (expressions(old), expressions(nb));
            // Compared at the same points so that a pure re-weighting is not a scoring change;
            // shown at each standard's own points.
            let sn = describe(nb, nb.points);
            let scoring = (describe(old, nb.points) != sn).then(|| Change {
                old: describe(old, old.points),
                new: sn,
            });
            let c = IndicatorChange {
                id: nb.id.to_string(),
                section: section_id(b, nb),
                title: nb.title.clone(),
                points: Change::of(num(old.points), num(nb.points)),
                form: Change::of(old.form.id(), nb.form.id()),
                expressions: Change::of(eo, en),
                scoring,
                kind: Change::of(kind(old), kind(nb)),
                moved: Change::of(section_id(a, old), section_id(b, nb)),
                retitled: Change::of(old.title.clone(), nb.title.clone()),
                clause: Change::of(old.clause.clone(), nb.clause.clone()),
            };
            (c.points.is_some() || c.scoring_changed() || c.other_changed()).then_some(c)
        })
        .collect();

    // params
    let params_added = b
        .params
        .iter()
        .filter(|(k, _)| !a.params.contains_key(*k))
        .map(|(k, p)| ParamEntry {
            name: k.clone(),
            value: p.shown.clone(),
            unit: p.unit.clone(),
        })
        .collect();
    let params_removed = a
        .params
        .iter()
        .filter(|(k, _)| !b.params.contains_key(*k))
        .map(|(k, p)| ParamEntry {
            name: k.clone(),
            value: p.shown.clone(),
            unit: p.unit.clone(),
        })
        .collect();
    let params_changed = b
        .params
        .iter()
        .filter_map(|(k, nb)| {
            let old = a.params.get(k)?;
            let basis_changed = old.basis != nb.basis;
            let changed = old.shown != nb.shown || old.unit != nb.unit || basis_changed;
            changed.then(|| ParamChange {
                name: k.clone(),
                value: Change {
                    old: old.shown.clone(),
                    new: nb.shown.clone(),
                },
                unit: Change {
                    old: old.unit.clone(),
                    new: nb.unit.clone(),
                },
                basis_changed,
            })
        })
        .collect();

    // grades: B's order, then those only in A
    let mut grades_changed = Vec::new();
    let find = |m: &Model, id: &str| m.grades.iter().find(|g| g.id == id).cloned();
    let mut ids: Vec<&str> = b.grades.iter().map(|g| g.id.as_str()).collect();
    ids.extend(
        a.grades
            .iter()
            .map(|g| g.id.as_str())
            .filter(|id| !b.grades.iter().any(|g| g.id == *id)),
    );
    for id in ids {
        let (go, gn) = (find(a, id), find(b, id));
        let c = GradeChange {
            id: id.to_owned(),
            min_score: Change {
                old: go.as_ref().and_then(|g| g.min_score).map(round2),
                new: gn.as_ref().and_then(|g| g.min_score).map(round2),
            },
            min_section_ratio: Change {
                old: go.as_ref().and_then(|g| g.min_section_ratio),
                new: gn.as_ref().and_then(|g| g.min_section_ratio),
            },
            present: Change {
                old: go.is_some(),
                new: gn.is_some(),
            },
        };
        if c.min_score.old != c.min_score.new
            || c.min_section_ratio.old != c.min_section_ratio.new
            || c.present.old != c.present.new
        {
            grades_changed.push(c);
        }
    }

    let aggregates_added = b
        .aggregates
        .iter()
        .filter(|x| !a.aggregates.iter().any(|y| y.id == x.id))
        .map(|x| x.id.clone())
        .collect();
    let aggregates_removed = a
        .aggregates
        .iter()
        .filter(|x| !b.aggregates.iter().any(|y| y.id == x.id))
        .map(|x| x.id.clone())
        .collect();

    StandardDiff {
        schema: "chidu.standard_diff/1",
        a: totals(a),
        b: totals(b),
        sections_added,
        sections_removed,
        sections_changed,
        indicators_added,
        indicators_removed,
        indicators_changed,
        params_added,
        params_removed,
        params_changed,
        grades_changed,
        aggregates_added,
        aggregates_removed,
    }
}

impl StandardDiff {
    /// Whether B changed nothing that this comparison looks at.
    pub fn is_empty(&self) -> bool {
        self.sections_added.is_empty()
            && self.sections_removed.is_empty()
            && self.sections_changed.is_empty()
            && self.indicators_added.is_empty()
            && self.indicators_removed.is_empty()
            && self.indicators_changed.is_empty()
            && self.params_added.is_empty()
            && self.params_removed.is_empty()
            && self.params_changed.is_empty()
            && self.grades_changed.is_empty()
            && self.aggregates_added.is_empty()
            && self.aggregates_removed.is_empty()
    }

    /// Indicators whose points changed.
    pub fn reweighted(&self) -> impl Iterator<Item = &IndicatorChange> {
        self.indicators_changed
            .iter()
            .filter(|c| c.points.is_some())
    }

    /// The comparison as JSON (`chidu.standard_diff/1`).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use super::*;

    #[test]
    fn a_standard_against_itself_is_empty() {
        let s = Standard::builtin("demo").unwrap();
        let d = diff_standards(&s, &s);
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(d.a, d.b);
        assert!(d.to_text(Lang::En).contains("no differences"));
    }
}
