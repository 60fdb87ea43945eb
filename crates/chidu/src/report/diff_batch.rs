//! `chidu diff OLD NEW`: two batch results (`chidu.batch/1`, e.g. mid-term and final evaluation)
//! compared per station (matched by record id) and for the fleet.
//!
//! Works on the JSON values, so results written by any chidu version with the same format can
//! be compared without the standard at hand.

use std::fmt::Write as _;

use indexmap::IndexMap;
use serde::Serialize;
use serde_json::Value;

use super::{fmt_num, round2};
use crate::Lang;

/// One station's change between two batches.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StationDiff {
    /// Record id.
    pub id: String,
    /// Record name (from the new batch, else the old one).
    pub name: Option<String>,
    /// Score in the old batch.
    pub old_score: Option<f64>,
    /// Score in the new batch.
    pub new_score: Option<f64>,
    /// new − old, when both are known.
    pub delta: Option<f64>,
    /// Grade id in the old batch.
    pub old_grade: Option<String>,
    /// Grade id in the new batch.
    pub new_grade: Option<String>,
    /// Indicators met now that were not met before (applicable in both).
    pub newly_met: Vec<String>,
    /// Indicators met before that are not met now (applicable in both).
    pub lost: Vec<String>,
}

/// An old and a new figure with their difference.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct FigureChange {
    /// Old value.
    pub old: Option<f64>,
    /// New value.
    pub new: Option<f64>,
    /// new − old, when both are known (rounded to 2 decimals, 4 for rates).
    pub delta: Option<f64>,
}

fn change(old: Option<f64>, new: Option<f64>, digits: i32) -> FigureChange {
    let delta = match (old, new) {
        (Some(o), Some(n)) => Some(crate::expr::eval::round_half_away(n - o, digits)),
        _ => None,
    };
    FigureChange { old, new, delta }
}

/// The fleet summaries compared.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FleetDiff {
    /// Records read.
    pub records: FigureChange,
    /// Invalid records.
    pub invalid: FigureChange,
    /// Mean score.
    pub mean_score: FigureChange,
    /// Median score.
    pub median_score: FigureChange,
    /// Vetoed records.
    pub vetoed: FigureChange,
    /// Grade counts, every grade of either batch.
    pub grades: IndexMap<String, FigureChange>,
    /// Per-indicator met rate (达标率).
    pub met_rates: IndexMap<String, FigureChange>,
}

/// Two batch results compared.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BatchDiff {
    /// `id version` of the old batch's standard.
    pub old_standard: String,
    /// `id version` of the new batch's standard.
    pub new_standard: String,
    /// The old batch's evaluation date.
    pub old_as_of: String,
    /// The new batch's evaluation date.
    pub new_as_of: String,
    /// Stations in both batches, in the new batch's order.
    pub stations: Vec<StationDiff>,
    /// Record ids only in the new batch.
    pub added: Vec<String>,
    /// Record ids only in the old batch.
    pub removed: Vec<String>,
    /// Fleet summary change.
    pub fleet: FleetDiff,
    /// Grade labels by id, shown instead of ids when known ([`BatchDiff::with_grade_labels`]).
    #[serde(skip)]
    pub grade_labels: IndexMap<String, crate::Text>,
}

fn str_at(v: &Value, ptr: &str) -> Option<String> {
    v.pointer(ptr).and_then(Value::as_str).map(str::to_owned)
}

fn num_at(v: &Value, ptr: &str) -> Option<f64> {
    v.pointer(ptr).and_then(Value::as_f64)
}

/// Checks the format and returns the reports as (id, report) in order.
fn reports<'v>(v: &'v Value, which: &str) -> Result<Vec<(String, &'v Value)>, String> {
    if v.get("format").and_then(Value::as_str) != Some("chidu.batch/1") {
        return Err(format!(
            "{which}: not a chidu batch result (expected \"format\": \"chidu.batch/1\"; write one with `chidu check … --format json`)"
        ));
    }
    let list = v
        .get("reports")
        .and_then(Value::as_array)
        .ok_or_else(|| format!("{which}: `reports` is missing or not a list"))?;
    Ok(list
        .iter()
        .filter_map(|r| str_at(r, "/record/id").map(|id| (id, r)))
        .collect())
}

fn statuses(report: &Value) -> IndexMap<String, String> {
    report
        .get("indicators")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|i| Some((str_at(i, "/id")?, str_at(i, "/status")?)))
                .collect()
        })
        .unwrap_or_default()
}

/// Statuses in which an indicator counts for the comparison (applicable, not waived).
fn counts(status: &str) -> bool {
    !matches!(status, "not_applicable" | "waived")
}

fn standard_name(v: &Value) -> String {
    format!(
        "{} {}",
        str_at(v, "/standard/id").unwrap_or_default(),
        str_at(v, "/standard/version").unwrap_or_default()
    )
    .trim()
    .to_owned()
}

/// Compares two `chidu.batch/1` values (old first). Fails when either is not a batch.
pub fn diff_batches(old: &Value, new: &Value) -> Result<BatchDiff, String> {
    let olds = reports(old, "OLD")?;
    let news = reports(new, "NEW")?;
    let old_by_id: IndexMap<&str, &Value> = olds.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    let new_ids: std::collections::HashSet<&str> = news.iter().map(|(k, _)| k.as_str()).collect();
    let mut stations = Vec::new();
    let mut added = Vec::new();
    for (id, n) in &news {
        let Some(o) = old_by_id.get(id.as_str()) else {
            added.push(id.clone());
            continue;
        };
        let (so, sn) = (statuses(o), statuses(n));
        let mut newly_met = Vec::new();
        let mut lost = Vec::new();
        for (ind, ns) in &sn {
            let Some(os) = so.get(ind) else { continue };
            if !counts(os) || !counts(ns) {
                continue;
            }
            if ns == "met" && os != "met" {
                newly_met.push(ind.clone());
            } else if os == "met" && ns != "met" {
                lost.push(ind.clone());
            }
        }
        let (old_score, new_score) = (num_at(o, "/score"), num_at(n, "/score"));
        stations.push(StationDiff {
            id: id.clone(),
            name: str_at(n, "/record/name").or_else(|| str_at(o, "/record/name")),
            old_score,
            new_score,
            delta: change(old_score, new_score, 2).delta,
            old_grade: str_at(o, "/grade"),
            new_grade: str_at(n, "/grade"),
            newly_met,
            lost,
        });
    }
    let removed = olds
        .iter()
        .filter(|(id, _)| !new_ids.contains(id.as_str()))
        .map(|(id, _)| id.clone())
        .collect();
    let fig = |key: &str, digits: i32| {
        let p = format!("/summary/{key}");
        change(num_at(old, &p), num_at(new, &p), digits)
    };
    let keys = |key: &str| -> Vec<String> {
        let mut ks: Vec<String> = Vec::new();
        for v in [old, new] {
            if let Some(m) = v
                .pointer(&format!("/summary/{key}"))
                .and_then(Value::as_object)
            {
                for k in m.keys() {
                    if !ks.contains(k) {
                        ks.push(k.clone());
                    }
                }
            }
        }
        ks
    };
    let grades = keys("grades")
        .into_iter()
        .map(|g| {
            let p = format!("/summary/grades/{}", escape_ptr(&g));
            let c = change(
                Some(num_at(old, &p).unwrap_or(0.0)),
                Some(num_at(new, &p).unwrap_or(0.0)),
                0,
            );
            (g, c)
        })
        .collect();
    let met_rates = keys("indicators")
        .into_iter()
        .map(|i| {
            let p = format!("/summary/indicators/{}/met_rate", escape_ptr(&i));
            let c = change(num_at(old, &p), num_at(new, &p), 4);
            (i, c)
        })
        .collect();
    Ok(BatchDiff {
        old_standard: standard_name(old),
        new_standard: standard_name(new),
        old_as_of: str_at(old, "/as_of").unwrap_or_default(),
        new_as_of: str_at(new, "/as_of").unwrap_or_default(),
        stations,
        added,
        removed,
        fleet: FleetDiff {
            records: fig("records", 0),
            invalid: fig("invalid", 0),
            mean_score: fig("mean_score", 2),
            median_score: fig("median_score", 2),
            vetoed: fig("vetoed", 0),
            grades,
            met_rates,
        },
        grade_labels: IndexMap::new(),
    })
}

impl BatchDiff {
    /// Shows grades by their labels in `standard` (batch results carry only grade ids).
    pub fn with_grade_labels(mut self, standard: &crate::Standard) -> Self {
        self.grade_labels = standard
            .grades()
            .into_iter()
            .map(|g| (g.id, g.label))
            .collect();
        self
    }

    /// A grade's label in `lang`, or its id when no label is known.
    fn grade_name(&self, id: &str, lang: Lang) -> String {
        self.grade_labels
            .get(id)
            .map_or(id, |t| t.get(lang))
            .to_owned()
    }
}

/// Escapes a JSON pointer segment (RFC 6901).
fn escape_ptr(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

fn opt(x: Option<f64>) -> String {
    x.map_or("—".to_owned(), fmt_num)
}

fn signed(x: Option<f64>) -> String {
    match x {
        None => "—".to_owned(),
        Some(d) if round2(d) > 0.0 => format!("+{}", fmt_num(d)),
        Some(d) if round2(d) < 0.0 => fmt_num(d),
        Some(_) => "±0".to_owned(),
    }
}

fn pct(x: Option<f64>) -> String {
    x.map_or("—".to_owned(), |r| format!("{:.1}%", r * 100.0))
}

fn pct_signed(x: Option<f64>) -> String {
    match x {
        None => "—".to_owned(),
        Some(d) if d > 5e-5 => format!("+{:.1}pp", d * 100.0),
        Some(d) if d < -5e-5 => format!("{:.1}pp", d * 100.0),
        Some(_) => "±0".to_owned(),
    }
}

impl BatchDiff {
    /// The comparison as text for a terminal or a file (no colour).
    pub fn to_text(&self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        let t = |a: &'static str, b: &'static str| if zh { a } else { b };
        let mut s = String::new();
        let _ = writeln!(
            s,
            "{}: {} {} → {} {}",
            t("评估对比", "Comparison"),
            self.old_standard,
            self.old_as_of,
            self.new_standard,
            self.new_as_of
        );
        if self.old_standard != self.new_standard {
            let _ = writeln!(
                s,
                "{}",
                t(
                    "注意：两次评估使用的标准不同",
                    "note: the two batches use different standards"
                )
            );
        }
        let _ = writeln!(s, "\n{}", t("站点", "Stations"));
        for st in &self.stations {
            let grade = |g: &Option<String>| {
                g.as_deref()
                    .map_or_else(|| "—".to_owned(), |g| self.grade_name(g, lang))
            };
            let grade_part = if st.old_grade == st.new_grade {
                grade(&st.new_grade)
            } else {
                format!("{} → {}", grade(&st.old_grade), grade(&st.new_grade))
            };
            let _ = writeln!(
                s,
                "  {} {}  {} → {} ({})  {}",
                st.id,
                st.name.as_deref().unwrap_or(""),
                opt(st.old_score),
                opt(st.new_score),
                signed(st.delta),
                grade_part
            );
            if !st.newly_met.is_empty() {
                let _ = writeln!(
                    s,
                    "      {}: {}",
                    t("新达标", "newly met"),
                    st.newly_met.join(", ")
                );
            }
            if !st.lost.is_empty() {
                let _ = writeln!(
                    s,
                    "      {}: {}",
                    t("不再达标", "no longer met"),
                    st.lost.join(", ")
                );
            }
        }
        if !self.added.is_empty() {
            let _ = writeln!(s, "  {}: {}", t("新增站点", "added"), self.added.join(", "));
        }
        if !self.removed.is_empty() {
            let _ = writeln!(
                s,
                "  {}: {}",
                t("移除站点", "removed"),
                self.removed.join(", ")
            );
        }
        let f = &self.fleet;
        let _ = writeln!(s, "\n{}", t("总体", "Fleet"));
        for (label, c) in [
            (t("记录", "records"), &f.records),
            (t("无效", "invalid"), &f.invalid),
            (t("平均分", "mean score"), &f.mean_score),
            (t("中位数", "median score"), &f.median_score),
            (t("否决", "vetoed"), &f.vetoed),
        ] {
            let _ = writeln!(
                s,
                "  {label}: {} → {} ({})",
                opt(c.old),
                opt(c.new),
                signed(c.delta)
            );
        }
        let grades: Vec<String> = f
            .grades
            .iter()
            .map(|(g, c)| {
                format!(
                    "{} {} → {}",
                    self.grade_name(g, lang),
                    opt(c.old),
                    opt(c.new)
                )
            })
            .collect();
        let _ = writeln!(s, "  {}: {}", t("等级", "grades"), grades.join(", "));
        let changed: Vec<(&String, &FigureChange)> = f
            .met_rates
            .iter()
            .filter(|(_, c)| c.delta.is_none_or(|d| d.abs() > 5e-5))
            .collect();
        if !changed.is_empty() {
            let _ = writeln!(s, "  {}:", t("达标率变化", "met rate changes"));
            for (id, c) in changed {
                let _ = writeln!(
                    s,
                    "    {id}: {} → {} ({})",
                    pct(c.old),
                    pct(c.new),
                    pct_signed(c.delta)
                );
            }
        }
        s
    }

    /// The comparison as JSON (`chidu.diff/1`).
    pub fn to_json(&self) -> Value {
        let mut v = serde_json::to_value(self).unwrap_or(Value::Null);
        if let Some(m) = v.as_object_mut() {
            m.shift_insert(0, "format".to_owned(), Value::from("chidu.diff/1"));
        }
        v
    }
}

const HTML_TEMPLATE: &str = include_str!("diff_batch.html.j2");

/// A change as the HTML page shows it: the signed number and its colour class.
#[derive(Serialize)]
struct DeltaCell {
    text: String,
    class: &'static str,
}

fn cell(v: Option<f64>) -> String {
    v.map_or("—".to_owned(), crate::report::fmt_num)
}

fn delta_cell(v: Option<f64>) -> DeltaCell {
    let (text, class) = match v {
        Some(d) if d > 0.0 => (format!("+{}", crate::report::fmt_num(d)), "up"),
        Some(d) if d < 0.0 => (crate::report::fmt_num(d), "down"),
        Some(_) => ("0".to_owned(), ""),
        None => ("—".to_owned(), ""),
    };
    DeltaCell { text, class }
}

#[derive(Serialize)]
struct FleetRow {
    label: String,
    old: String,
    new: String,
    delta: DeltaCell,
}

#[derive(Serialize)]
struct StationRow<'a> {
    id: &'a str,
    name: &'a str,
    old: String,
    new: String,
    delta: DeltaCell,
    old_grade: String,
    new_grade: String,
    newly_met: String,
    lost: String,
}

#[derive(Serialize)]
struct HtmlView<'a> {
    html_lang: &'static str,
    l: IndexMap<&'static str, &'static str>,
    old_standard: &'a str,
    old_as_of: &'a str,
    new_standard: &'a str,
    new_as_of: &'a str,
    fleet: Vec<FleetRow>,
    stations: Vec<StationRow<'a>>,
    added: String,
    removed: String,
}

impl BatchDiff {
    /// A self-contained HTML page (no network): fleet change, then one row per station with
    /// score and grade change and the indicators gained or lost. All text is escaped.
    pub fn to_html(&self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        let t = |a: &'static str, b: &'static str| if zh { a } else { b };
        let l = [
            ("title", t("评估对比", "Evaluation comparison")),
            ("fleet", t("总体", "Fleet")),
            ("old", t("前", "Old")),
            ("new", t("后", "New")),
            ("change", t("变化", "Change")),
            ("stations", t("各站点", "Stations")),
            ("id", t("编号", "Id")),
            ("name", t("名称", "Name")),
            ("score", t("得分", "Score")),
            ("grade", t("等级", "Grade")),
            ("newly_met", t("新达标", "Newly met")),
            ("lost", t("新失分", "Lost")),
            ("added", t("新增站点", "Added")),
            ("removed", t("移除站点", "Removed")),
        ];
        let figure = |label: String, f: &FigureChange| FleetRow {
            label,
            old: cell(f.old),
            new: cell(f.new),
            delta: delta_cell(f.delta),
        };
        let fixed = [
            (t("记录数", "Records"), &self.fleet.records),
            (t("平均分", "Mean score"), &self.fleet.mean_score),
            (t("中位数", "Median score"), &self.fleet.median_score),
            (t("否决", "Vetoed"), &self.fleet.vetoed),
        ];
        let grade =
            |g: Option<&str>| g.map_or_else(|| "—".to_owned(), |g| self.grade_name(g, lang));
        let view = HtmlView {
            html_lang: if zh { "zh" } else { "en" },
            l: l.into_iter().collect(),
            old_standard: &self.old_standard,
            old_as_of: &self.old_as_of,
            new_standard: &self.new_standard,
            new_as_of: &self.new_as_of,
            fleet: fixed
                .into_iter()
                .map(|(label, f)| figure(label.to_owned(), f))
                .chain(
                    self.fleet
                        .grades
                        .iter()
                        .map(|(g, f)| figure(self.grade_name(g, lang), f)),
                )
                .collect(),
            stations: self
                .stations
                .iter()
                .map(|st| StationRow {
                    id: &st.id,
                    name: st.name.as_deref().unwrap_or(""),
                    old: cell(st.old_score),
                    new: cell(st.new_score),
                    delta: delta_cell(st.delta),
                    old_grade: grade(st.old_grade.as_deref()),
                    new_grade: grade(st.new_grade.as_deref()),
                    newly_met: st.newly_met.join(", "),
                    lost: st.lost.join(", "),
                })
                .collect(),
            added: self.added.join(", "),
            removed: self.removed.join(", "),
        };
        super::page::render("diff.html", HTML_TEMPLATE, &view, |_| {})
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_non_batches() {
        let err = diff_batches(&serde_json::json!({}), &serde_json::json!({}));
        assert!(err.is_err_and(|e| e.contains("OLD")));
    }

    #[test]
    fn signs() {
        assert_eq!(signed(Some(2.5)), "+2.5");
        assert_eq!(signed(Some(-1.0)), "-1");
        assert_eq!(signed(Some(0.0)), "±0");
        assert_eq!(pct_signed(Some(0.25)), "+25.0pp");
    }
}
