//! The report's JSON form (`chidu.report/1`), written with serde so the same inputs give the
//! same bytes.

use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

use super::{Comparison, Deduction, Gap, IndicatorResult, Report, SectionResult, Shown, round2};

/// Version line of the engine in reports.
pub(crate) const ENGINE: &str = concat!("chidu ", env!("CARGO_PKG_VERSION"));

impl Serialize for Shown {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Shown::Null => s.serialize_none(),
            Shown::Bool(b) => s.serialize_bool(*b),
            Shown::Int(i) => s.serialize_i64(*i),
            Shown::Num(n) => s.serialize_f64(round_value(*n)),
            Shown::Str(t) => s.serialize_str(t),
            Shown::Date(d) => s.collect_str(d),
            Shown::List(l) => {
                let mut seq = s.serialize_seq(Some(l.len()))?;
                for x in l {
                    seq.serialize_element(x)?;
                }
                seq.end()
            }
            Shown::Masked => s.serialize_str("***"),
        }
    }
}

/// Values carry 4 decimals: enough to read a ratio, stable across platforms.
fn round_value(x: f64) -> f64 {
    crate::expr::eval::round_half_away(x, 4)
}

/// A number with 2 decimals, written as an integer when whole (so `2`, not `2.0`).
pub(crate) struct Num2(pub(crate) f64);

impl Serialize for Num2 {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let r = round2(self.0);
        match crate::value::whole(r) {
            Some(i) => s.serialize_i64(i),
            None => s.serialize_f64(r),
        }
    }
}

struct Opt2(Option<f64>);
impl Serialize for Opt2 {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Some(x) => Num2(x).serialize(s),
            None => s.serialize_none(),
        }
    }
}

struct Ratio(Option<f64>);
impl Serialize for Ratio {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Some(x) => s.serialize_f64(round_value(x)),
            None => s.serialize_none(),
        }
    }
}

impl Serialize for Comparison {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(3))?;
        m.serialize_entry("left", &self.left)?;
        m.serialize_entry("op", self.op)?;
        m.serialize_entry("right", &self.right)?;
        m.end()
    }
}

struct DeductionJson<'a>(&'a Report, &'a IndicatorResult, &'a Deduction);
impl Serialize for DeductionJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (report, r, d) = (self.0, self.1, self.2);
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("points", &Num2(d.points))?;
        if let Some(i) = report.deduction_item(r, d) {
            m.serialize_entry("item", i)?;
        }
        if let Some(p) = &d.path {
            m.serialize_entry("path", p)?;
        }
        m.serialize_entry("reason", &report.deduction_reason(r, d))?;
        m.end()
    }
}

pub(crate) struct Deductions<'a>(pub(crate) &'a Report, pub(crate) &'a IndicatorResult);
impl Serialize for Deductions<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.1.deductions().len()))?;
        for d in self.1.deductions() {
            seq.serialize_element(&DeductionJson(self.0, self.1, d))?;
        }
        seq.end()
    }
}

impl Serialize for Gap {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("indicator", &self.indicator)?;
        m.serialize_entry("lost", &Num2(self.lost))?;
        m.serialize_entry("status", &self.status)?;
        if self.veto {
            m.serialize_entry("veto", &true)?;
        }
        m.end()
    }
}

struct SectionJson<'a>(&'a Report, &'a SectionResult);
impl Serialize for SectionJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (report, sec) = (self.0, self.1);
        let mut m = s.serialize_map(Some(5))?;
        m.serialize_entry("id", report.section_id(sec))?;
        if let Some(def) = report.model.sections.get(sec.index) {
            m.serialize_entry("title", &def.title)?;
        }
        m.serialize_entry("earned", &Num2(sec.earned))?;
        m.serialize_entry("possible", &Num2(sec.possible))?;
        m.serialize_entry("ratio", &Ratio(sec.ratio))?;
        m.end()
    }
}

struct IndicatorJson<'a>(&'a Report, &'a IndicatorResult);
impl Serialize for IndicatorJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (report, r) = (self.0, self.1);
        let Some(ind) = report.model.indicators.get(r.index) else {
            return s.serialize_none();
        };
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("id", &ind.id)?;
        m.serialize_entry(
            "section",
            report
                .model
                .sections
                .get(ind.section)
                .map_or("", |x| x.id.as_str()),
        )?;
        m.serialize_entry("title", &ind.title)?;
        if let Some(c) = &ind.clause {
            m.serialize_entry("clause", c)?;
        }
        m.serialize_entry("status", &r.status)?;
        m.serialize_entry("earned", &Num2(r.earned))?;
        m.serialize_entry("possible", &Num2(r.possible))?;
        if ind.veto {
            m.serialize_entry("veto", &true)?;
        }
        if ind.bonus {
            m.serialize_entry("bonus", &true)?;
        }
        m.serialize_entry("values", &ValuesJson(report, r))?;
        if let Some(c) = &r.comparison {
            if report.mask_pii && ind.comparison_pii {
                m.serialize_entry(
                    "comparison",
                    &Comparison {
                        left: Shown::Masked,
                        op: c.op,
                        right: Shown::Masked,
                    },
                )?;
            } else {
                m.serialize_entry("comparison", c)?;
            }
        }
        if !r.deductions().is_empty() {
            m.serialize_entry("deductions", &Deductions(report, r))?;
        }
        m.serialize_entry("missing", &r.missing())?;
        if let Some(e) = r.error() {
            m.serialize_entry("error", e)?;
        }
        if let Some(msg) = report.message(r) {
            m.serialize_entry("message", &msg)?;
        }
        if let Some(rem) = &ind.remediation {
            m.serialize_entry("remediation", rem)?;
        }
        m.end()
    }
}

pub(crate) struct ValuesJson<'a>(pub(crate) &'a Report, pub(crate) &'a IndicatorResult);
impl Serialize for ValuesJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (report, r) = (self.0, self.1);
        let values = report.values(r);
        let mut m = s.serialize_map(Some(values.len()))?;
        for (name, v) in values {
            m.serialize_entry(name, v)?;
        }
        m.end()
    }
}

pub(crate) struct RecordJson<'a>(pub(crate) &'a Report);
impl Serialize for RecordJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let rec = &self.0.record;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("id", &rec.id)?;
        if let Some(n) = &rec.name {
            if self.0.mask_pii && self.0.name_is_pii() {
                m.serialize_entry("name", "***")?;
            } else {
                m.serialize_entry("name", n)?;
            }
        }
        m.serialize_entry("groups", &Groups(&rec.groups))?;
        m.end()
    }
}

pub(crate) struct Groups<'a>(pub(crate) &'a [(String, Option<String>)]);
impl Serialize for Groups<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

pub(crate) struct StandardJson<'a>(pub(crate) &'a crate::model::Model);
impl Serialize for StandardJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(3))?;
        m.serialize_entry("id", &self.0.id)?;
        m.serialize_entry("version", &self.0.version)?;
        m.serialize_entry("digest", &self.0.digest)?;
        m.end()
    }
}

pub(crate) struct Sections<'a>(pub(crate) &'a Report);
impl Serialize for Sections<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.sections.len()))?;
        for sec in &self.0.sections {
            seq.serialize_element(&SectionJson(self.0, sec))?;
        }
        seq.end()
    }
}

struct Indicators<'a>(&'a Report);
impl Serialize for Indicators<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.indicators.len()))?;
        for r in &self.0.indicators {
            seq.serialize_element(&IndicatorJson(self.0, r))?;
        }
        seq.end()
    }
}

impl Serialize for Report {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("format", "chidu.report/1")?;
        m.serialize_entry("engine", ENGINE)?;
        m.serialize_entry("standard", &StandardJson(&self.model))?;
        m.serialize_entry("as_of", &self.as_of())?;
        m.serialize_entry("record", &RecordJson(self))?;
        m.serialize_entry("score", &Opt2(self.score))?;
        m.serialize_entry("total", &Num2(self.model.total))?;
        m.serialize_entry("bonus", &Num2(self.bonus))?;
        m.serialize_entry("grade", &self.grade)?;
        m.serialize_entry("vetoed", &self.vetoed())?;
        m.serialize_entry("vetoes", &self.vetoes)?;
        m.serialize_entry("vetoes_unresolved", &self.vetoes_unresolved)?;
        m.serialize_entry("score_without_waivers", &Opt2(self.score_without_waivers))?;
        m.serialize_entry("waivers", &self.waivers)?;
        m.serialize_entry("warnings", &self.warnings)?;
        m.serialize_entry("sections", &Sections(self))?;
        m.serialize_entry("indicators", &Indicators(self))?;
        m.serialize_entry("gaps", &self.gaps)?;
        m.end()
    }
}

impl Report {
    /// The report as JSON text (`chidu.report/1`).
    pub fn to_json(&self) -> String {
        let mut out = Vec::with_capacity(16 * 1024);
        self.write_json(&mut out);
        String::from_utf8(out).unwrap_or_default()
    }
    /// Appends the report's JSON text (the bytes of [`Report::to_json`]) to `out`.
    pub fn write_json(&self, out: &mut Vec<u8>) {
        super::json_write::report(out, self);
    }
    /// The report as a JSON value.
    pub fn to_json_value(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }
}
