//! `chidu.Report` and `chidu.BatchReport`: the engine's results, shown to Python as the JSON
//! of SPEC §4 (attributes are dicts and lists), as Markdown, HTML and pandas DataFrames.

use std::sync::{Arc, OnceLock};

use pyo3::exceptions::{PyIndexError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PySlice, PyString};
use serde_json::Value as J;

use crate::errors;
use crate::standard::lang;

fn to_py<'py>(py: Python<'py>, v: &J) -> PyResult<Bound<'py, PyAny>> {
    Ok(pythonize::pythonize(py, v)?)
}

/// The scored gap report of one record (`chidu.report/1`).
#[pyclass(frozen, module = "chidu._chidu", name = "Report")]
pub struct PyReport {
    pub(crate) report: Arc<chidu::Report>,
    /// The standard the report was evaluated against (grade labels, field names).
    standard: chidu::Standard,
    json: OnceLock<J>,
}

impl PyReport {
    pub(crate) fn new(report: Arc<chidu::Report>, standard: chidu::Standard) -> Self {
        PyReport {
            report,
            standard,
            json: OnceLock::new(),
        }
    }

    fn json(&self) -> &J {
        self.json.get_or_init(|| self.report.to_json_value())
    }

    fn field<'py>(&self, py: Python<'py>, key: &str) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, self.json().get(key).unwrap_or(&J::Null))
    }

    /// The label of the report's grade in `lang` (the grade id if the standard has no label).
    fn grade_label(&self, lang: chidu::Lang) -> Option<String> {
        let id = self.report.grade.as_deref()?;
        Some(self.standard.grade_label(id, lang).unwrap_or(id).to_owned())
    }
}

#[pymethods]
impl PyReport {
    /// The record's id.
    #[getter]
    fn id(&self) -> Option<String> {
        self.report.record.id.clone()
    }
    /// The record's name (masked as `***` when it is personal data).
    #[getter]
    fn name(&self) -> Option<String> {
        let name = self.report.record.name.as_deref()?;
        Some(if names_masked(&self.standard, &self.report) {
            "***".to_owned()
        } else {
            name.to_owned()
        })
    }
    /// `{"id", "name", "groups"}`.
    #[getter]
    fn record<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.field(py, "record")
    }
    /// `{"id", "version", "digest"}` of the standard.
    #[getter]
    fn standard<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.field(py, "standard")
    }
    /// The evaluation date, `YYYY-MM-DD`.
    #[getter]
    fn as_of(&self) -> String {
        self.report.as_of()
    }
    /// Score rounded to 2 decimals, bonus included; `None` when nothing applicable carries points.
    #[getter]
    fn score(&self) -> Option<f64> {
        self.report.score.map(chidu::round2)
    }
    /// The score scale (`total` of the standard).
    #[getter]
    fn total<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.field(py, "total")
    }
    /// Bonus points added (within the cap).
    #[getter]
    fn bonus(&self) -> f64 {
        chidu::round2(self.report.bonus)
    }
    /// Grade id, `None` when there is no score.
    #[getter]
    fn grade(&self) -> Option<String> {
        self.report.grade.clone()
    }
    /// True when a veto indicator failed (一票否决).
    #[getter]
    fn vetoed(&self) -> bool {
        self.report.vetoed()
    }
    /// Failed veto indicators.
    #[getter]
    fn vetoes(&self) -> Vec<String> {
        self.report.vetoes.iter().map(|v| v.to_string()).collect()
    }
    /// Veto indicators without evidence or in error.
    #[getter]
    fn vetoes_unresolved(&self) -> Vec<String> {
        self.report
            .vetoes_unresolved
            .iter()
            .map(|v| v.to_string())
            .collect()
    }
    /// The score as if no waiver applied.
    #[getter]
    fn score_without_waivers(&self) -> Option<f64> {
        self.report.score_without_waivers.map(chidu::round2)
    }
    /// Waivers and their state (`applied`, `unused`, `expired`).
    #[getter]
    fn waivers<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.field(py, "waivers")
    }
    /// Fields of the record the schema does not know.
    #[getter]
    fn warnings<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.field(py, "warnings")
    }
    /// Per section: id, title, earned, possible, ratio.
    #[getter]
    fn sections<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.field(py, "sections")
    }
    /// Per indicator, in pack order (see SPEC §4).
    #[getter]
    fn indicators<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.field(py, "indicators")
    }
    /// The remediation order (整改清单): failed vetoes first, then most points lost.
    #[getter]
    fn gaps<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        crate::gaps::gap_list(py, &self.report.gaps)
    }

    /// One indicator's result by id, or `None`.
    fn indicator<'py>(&self, py: Python<'py>, id: &str) -> PyResult<Bound<'py, PyAny>> {
        let found = self
            .json()
            .get("indicators")
            .and_then(J::as_array)
            .and_then(|a| {
                a.iter()
                    .find(|i| i.get("id").and_then(J::as_str) == Some(id))
            });
        to_py(py, found.unwrap_or(&J::Null))
    }

    /// The grade's label in `lang` (优秀 / Excellent), or `None`.
    #[pyo3(signature = (lang = "zh"))]
    fn grade_label_in(&self, lang: &str) -> PyResult<Option<String>> {
        Ok(self.grade_label(self::lang(lang)?))
    }

    /// The report as a dict (`chidu.report/1`).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, self.json())
    }

    /// The report as JSON text (`indent` pretty-prints).
    #[pyo3(signature = (indent = None))]
    fn to_json(&self, indent: Option<usize>) -> PyResult<String> {
        match indent {
            None => Ok(self.report.to_json()),
            Some(n) => pretty(self.json(), n),
        }
    }

    /// The report as Markdown (`lang` is "zh" or "en").
    #[pyo3(signature = (lang = "zh"))]
    fn to_markdown(&self, lang: &str) -> PyResult<String> {
        Ok(chidu::render::report_markdown(
            &self.report,
            self::lang(lang)?,
        ))
    }

    /// The report as plain text, as `chidu check` prints it.
    #[pyo3(signature = (lang = "zh"))]
    fn to_text(&self, lang: &str) -> PyResult<String> {
        Ok(chidu::render::report_text(
            &self.report,
            self::lang(lang)?,
            false,
        ))
    }

    /// Bilingual HTML table for notebooks, gaps first.
    fn _repr_html_(&self, py: Python<'_>) -> PyResult<String> {
        let labels = PyDict::new(py);
        labels.set_item("zh", self.grade_label(chidu::Lang::Zh))?;
        labels.set_item("en", self.grade_label(chidu::Lang::En))?;
        py.import("chidu._html")?
            .call_method1("report_html", (self.to_dict(py)?, labels))?
            .extract()
    }

    fn __repr__(&self) -> String {
        let score = self.report.score.map_or("None".to_owned(), chidu::fmt_num);
        format!(
            "<chidu.Report {} score={score} grade={}{}>",
            self.report.record.id.as_deref().unwrap_or("?"),
            self.report.grade.as_deref().unwrap_or("None"),
            if self.report.vetoed() { " vetoed" } else { "" }
        )
    }

    fn __str__(&self) -> String {
        chidu::render::report_text(&self.report, chidu::Lang::Zh, false)
    }
}

/// Whether `report` shows record names as `***` (the name field is personal data and the
/// report masks it).
fn names_masked(standard: &chidu::Standard, report: &chidu::Report) -> bool {
    report.mask_pii
        && standard
            .name_field()
            .is_some_and(|f| standard.is_pii_field(f))
}

/// pandas, or an ImportError that says how to get it.
fn import_pandas(py: Python<'_>) -> PyResult<Bound<'_, PyModule>> {
    py.import("pandas").map_err(|e| {
        pyo3::exceptions::PyImportError::new_err(format!(
            "this needs pandas: pip install \"chidu[pandas]\" ({e})"
        ))
    })
}

fn pretty(v: &J, indent: usize) -> PyResult<String> {
    use serde::Serialize;
    let spaces = " ".repeat(indent);
    let fmt = serde_json::ser::PrettyFormatter::with_indent(spaces.as_bytes());
    let mut out = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(&mut out, fmt);
    v.serialize(&mut ser)
        .map_err(|e| PyTypeError::new_err(e.to_string()))?;
    String::from_utf8(out).map_err(|e| PyTypeError::new_err(e.to_string()))
}

/// A batch entry as Python sees it: a `Report`, or a `RecordError` value (not raised).
pub(crate) fn entry_object<'py>(
    py: Python<'py>,
    entry: &chidu::Entry,
    standard: &chidu::Standard,
) -> PyResult<Bound<'py, PyAny>> {
    match entry {
        chidu::Entry::Report(r) => {
            let report = PyReport::new(Arc::clone(r), standard.clone());
            Ok(Bound::new(py, report)?.into_any())
        }
        chidu::Entry::Invalid { origin, error } => {
            errors::record_error_value(py, error, Some(origin))
        }
    }
}

/// The results of many records (`chidu.batch/1`), in input order, with the fleet summary.
#[pyclass(frozen, module = "chidu._chidu", name = "BatchReport")]
pub struct PyBatchReport {
    engine: chidu::Engine,
    standard: chidu::Standard,
    batch: chidu::Batch,
}

impl PyBatchReport {
    pub(crate) fn new(engine: chidu::Engine, batch: chidu::Batch) -> Self {
        PyBatchReport {
            standard: engine.standard(),
            engine,
            batch,
        }
    }

    fn evaluated(&self) -> impl Iterator<Item = &chidu::Report> {
        self.batch.entries.iter().filter_map(|e| match e {
            chidu::Entry::Report(r) => Some(&**r),
            chidu::Entry::Invalid { .. } => None,
        })
    }

    fn entry<'py>(&self, py: Python<'py>, i: usize) -> PyResult<Bound<'py, PyAny>> {
        match self.batch.entries.get(i) {
            Some(entry) => entry_object(py, entry, &self.standard),
            None => Err(PyIndexError::new_err("batch index out of range")),
        }
    }

    fn group_fields(&self) -> Vec<String> {
        self.standard
            .group_fields()
            .into_iter()
            .map(str::to_owned)
            .collect()
    }

    /// Whether reports show names as `***` (the name field is personal data and masking is on).
    fn names_masked(&self) -> bool {
        self.evaluated()
            .next()
            .is_some_and(|r| names_masked(&self.standard, r))
    }
}

#[pymethods]
impl PyBatchReport {
    fn __len__(&self) -> usize {
        self.batch.entries.len()
    }

    /// `batch[i]`: the `Report` of record `i`, or the `RecordError` (not raised) of an invalid one.
    fn __getitem__<'py>(
        &self,
        py: Python<'py>,
        index: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let n = self.batch.entries.len();
        if let Ok(slice) = index.cast::<PySlice>() {
            let ind = slice.indices(n as isize)?;
            let mut out = Vec::new();
            let mut i = ind.start;
            while (ind.step > 0 && i < ind.stop) || (ind.step < 0 && i > ind.stop) {
                out.push(self.entry(py, i as usize)?);
                i += ind.step;
            }
            return Ok(PyList::new(py, out)?.into_any());
        }
        let i: isize = index.extract()?;
        let j = if i < 0 { i + n as isize } else { i };
        if j < 0 || j as usize >= n {
            return Err(PyIndexError::new_err("batch index out of range"));
        }
        self.entry(py, j as usize)
    }

    /// Reports and errors, in input order.
    #[getter]
    fn reports<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let items = (0..self.batch.entries.len())
            .map(|i| self.entry(py, i))
            .collect::<PyResult<Vec<_>>>()?;
        PyList::new(py, items)
    }

    fn __iter__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.reports(py)?.try_iter().map(Bound::into_any)
    }

    /// Invalid records: index, origin, record id, path and message of each.
    #[getter]
    fn errors<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let out = PyList::empty(py);
        for (i, e) in self.batch.entries.iter().enumerate() {
            if let chidu::Entry::Invalid { origin, error } = e {
                let d = PyDict::new(py);
                d.set_item("index", i)?;
                d.set_item("origin", origin)?;
                d.set_item("record", error.record.as_deref())?;
                d.set_item("path", &error.path)?;
                d.set_item("message", &error.message)?;
                out.append(d)?;
            }
        }
        Ok(out)
    }

    /// Number of records that could not be evaluated.
    #[getter]
    fn invalid(&self) -> usize {
        self.batch.invalid()
    }

    /// The evaluation date, `YYYY-MM-DD`.
    #[getter]
    fn as_of(&self) -> String {
        self.batch.as_of()
    }

    /// The fleet summary as in the batch JSON: records, invalid, mean/median score, grades,
    /// vetoed, per-indicator met rates, per-group figures and named aggregates.
    fn summary<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.engine.summary_json(&self.batch.summary))
    }

    /// The batch as a dict (`chidu.batch/1`).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let v: J =
            serde_json::to_value(&self.batch).map_err(|e| PyTypeError::new_err(e.to_string()))?;
        to_py(py, &v)
    }

    /// The batch as JSON text (`chidu.batch/1`).
    #[pyo3(signature = (indent = None))]
    fn to_json(&self, indent: Option<usize>) -> PyResult<String> {
        match indent {
            None => Ok(self.batch.to_json()),
            Some(n) => pretty(
                &serde_json::to_value(&self.batch)
                    .map_err(|e| PyTypeError::new_err(e.to_string()))?,
                n,
            ),
        }
    }

    /// The batch as Markdown.
    #[pyo3(signature = (lang = "zh"))]
    fn to_markdown(&self, lang: &str) -> PyResult<String> {
        Ok(chidu::render::batch_markdown(
            &self.batch,
            self::lang(lang)?,
        ))
    }

    /// One row per record: `id`, `name`, one column per group field, `score`, `grade`,
    /// `vetoed`, `bonus`, `error`, `ratio.<section>`. Built column by column.
    fn to_pandas<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let pandas = import_pandas(py)?;
        let n = self.batch.entries.len();
        let groups = self.group_fields();
        let masked = self.names_masked();
        let sections: Vec<String> = self.standard.sections().into_iter().map(|s| s.id).collect();
        let mut id = Vec::with_capacity(n);
        let mut name = Vec::with_capacity(n);
        let mut group_cols: Vec<Vec<Option<String>>> =
            groups.iter().map(|_| Vec::with_capacity(n)).collect();
        let mut score = Vec::with_capacity(n);
        let mut grade = Vec::with_capacity(n);
        let mut vetoed = Vec::with_capacity(n);
        let mut bonus = Vec::with_capacity(n);
        let mut error = Vec::with_capacity(n);
        let mut ratios: Vec<Vec<f64>> = sections.iter().map(|_| Vec::with_capacity(n)).collect();
        for entry in &self.batch.entries {
            match entry {
                chidu::Entry::Report(r) => {
                    id.push(r.record.id.clone());
                    name.push(if masked {
                        r.record.name.as_ref().map(|_| "***".to_owned())
                    } else {
                        r.record.name.clone()
                    });
                    for (col, g) in group_cols.iter_mut().zip(&groups) {
                        col.push(
                            r.record
                                .groups
                                .iter()
                                .find(|(k, _)| k == g)
                                .and_then(|(_, v)| v.clone()),
                        );
                    }
                    score.push(r.score.map_or(f64::NAN, chidu::round2));
                    grade.push(r.grade.clone());
                    vetoed.push(Some(r.vetoed()));
                    bonus.push(chidu::round2(r.bonus));
                    error.push(None);
                    for (col, sid) in ratios.iter_mut().zip(&sections) {
                        let ratio = r
                            .sections
                            .iter()
                            .find(|s| r.section_id(s) == sid)
                            .and_then(|s| s.ratio);
                        col.push(ratio.map_or(f64::NAN, |x| (x * 10_000.0).round() / 10_000.0));
                    }
                }
                chidu::Entry::Invalid { error: e, .. } => {
                    id.push(e.record.clone());
                    name.push(None);
                    for col in &mut group_cols {
                        col.push(None);
                    }
                    score.push(f64::NAN);
                    grade.push(None);
                    vetoed.push(None);
                    bonus.push(f64::NAN);
                    error.push(Some(if e.path.is_empty() {
                        e.message.clone()
                    } else {
                        format!("{}: {}", e.path, e.message)
                    }));
                    for col in &mut ratios {
                        col.push(f64::NAN);
                    }
                }
            }
        }
        let columns = PyDict::new(py);
        columns.set_item("id", id)?;
        columns.set_item("name", name)?;
        for (g, col) in groups.iter().zip(group_cols) {
            columns.set_item(g, col)?;
        }
        columns.set_item("score", score)?;
        columns.set_item("grade", grade)?;
        let has_invalid = vetoed.iter().any(Option::is_none);
        columns.set_item(
            "vetoed",
            pandas.call_method1(
                "array",
                (vetoed, if has_invalid { "boolean" } else { "bool" }),
            )?,
        )?;
        columns.set_item("bonus", bonus)?;
        columns.set_item("error", error)?;
        for (sid, col) in sections.iter().zip(ratios) {
            columns.set_item(format!("ratio.{sid}"), col)?;
        }
        pandas.call_method1("DataFrame", (columns,))
    }

    /// One row per record × indicator: `id`, group fields, `indicator`, `section`, `title_zh`,
    /// `title_en`, `status`, `earned`, `possible`, `lost` (points lost, as in `gaps`), `veto`,
    /// `bonus`. Invalid records have no rows.
    fn findings<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let pandas = import_pandas(py)?;
        let groups = self.group_fields();
        // Titles and kinds per indicator, from the standard, in pack order (as in reports).
        let meta = self.standard.indicators();
        let rows: usize = self.evaluated().map(|r| r.indicators.len()).sum();
        let mut id = Vec::with_capacity(rows);
        let mut group_cols: Vec<Vec<Option<String>>> =
            groups.iter().map(|_| Vec::with_capacity(rows)).collect();
        let (mut indicator, mut section, mut title_zh, mut title_en) = (
            Vec::with_capacity(rows),
            Vec::with_capacity(rows),
            Vec::with_capacity(rows),
            Vec::with_capacity(rows),
        );
        let (mut status, mut earned, mut possible, mut lost, mut veto, mut bonus) = (
            Vec::with_capacity(rows),
            Vec::with_capacity(rows),
            Vec::with_capacity(rows),
            Vec::with_capacity(rows),
            Vec::with_capacity(rows),
            Vec::with_capacity(rows),
        );
        // Interned Python strings: one object per distinct indicator/section/title/status.
        let intern = |s: &str| PyString::intern(py, s).unbind();
        let meta_py: Vec<_> = meta
            .iter()
            .map(|m| {
                (
                    intern(&m.id),
                    intern(&m.section),
                    intern(&m.title.zh),
                    intern(&m.title.en),
                    m.veto,
                    m.bonus,
                )
            })
            .collect();
        for r in self.evaluated() {
            let gvals: Vec<Option<String>> = groups
                .iter()
                .map(|g| {
                    r.record
                        .groups
                        .iter()
                        .find(|(k, _)| k == g)
                        .and_then(|(_, v)| v.clone())
                })
                .collect();
            let rid = r
                .record
                .id
                .as_deref()
                .map(|s| PyString::new(py, s).unbind());
            for (k, ir) in r.indicators.iter().enumerate() {
                let ind_id = r.indicator_id(ir);
                let m = meta
                    .get(k)
                    .filter(|m| m.id == ind_id)
                    .and_then(|_| meta_py.get(k));
                id.push(rid.as_ref().map(|s| s.clone_ref(py)));
                for (col, v) in group_cols.iter_mut().zip(&gvals) {
                    col.push(v.clone());
                }
                match m {
                    Some(m) => {
                        indicator.push(m.0.clone_ref(py));
                        section.push(Some(m.1.clone_ref(py)));
                        title_zh.push(Some(m.2.clone_ref(py)));
                        title_en.push(Some(m.3.clone_ref(py)));
                        veto.push(m.4);
                        bonus.push(m.5);
                    }
                    None => {
                        indicator.push(intern(ind_id));
                        section.push(None);
                        title_zh.push(None);
                        title_en.push(None);
                        veto.push(false);
                        bonus.push(false);
                    }
                }
                status.push(intern(ir.status.as_str()));
                earned.push(chidu::round2(ir.earned));
                possible.push(chidu::round2(ir.possible));
                lost.push(
                    r.gaps
                        .iter()
                        .find(|g| &*g.indicator == ind_id)
                        .map_or(0.0, |g| chidu::round2(g.lost)),
                );
            }
        }
        let columns = PyDict::new(py);
        columns.set_item("id", id)?;
        for (g, col) in groups.iter().zip(group_cols) {
            columns.set_item(g, col)?;
        }
        columns.set_item("indicator", indicator)?;
        columns.set_item("section", section)?;
        columns.set_item("title_zh", title_zh)?;
        columns.set_item("title_en", title_en)?;
        columns.set_item("status", status)?;
        columns.set_item("earned", earned)?;
        columns.set_item("possible", possible)?;
        columns.set_item("lost", lost)?;
        columns.set_item("veto", veto)?;
        columns.set_item("bonus", bonus)?;
        pandas.call_method1("DataFrame", (columns,))
    }

    /// Bilingual HTML summary for notebooks.
    fn _repr_html_(&self, py: Python<'_>) -> PyResult<String> {
        let summary = self.summary(py)?;
        let rows = PyList::empty(py);
        let masked = self.names_masked();
        for entry in self.batch.entries.iter().take(20) {
            let d = PyDict::new(py);
            match entry {
                chidu::Entry::Report(r) => {
                    d.set_item("id", r.record.id.as_deref())?;
                    d.set_item(
                        "name",
                        if masked {
                            r.record.name.as_ref().map(|_| "***")
                        } else {
                            r.record.name.as_deref()
                        },
                    )?;
                    d.set_item("score", r.score.map(chidu::round2))?;
                    d.set_item("grade", r.grade.as_deref())?;
                    d.set_item("vetoed", r.vetoed())?;
                    d.set_item("gaps", r.gaps.len())?;
                }
                chidu::Entry::Invalid { error, .. } => {
                    d.set_item("id", error.record.as_deref())?;
                    d.set_item("error", error.to_string())?;
                }
            }
            rows.append(d)?;
        }
        py.import("chidu._html")?
            .call_method1("batch_html", (summary, rows, self.batch.entries.len()))?
            .extract()
    }

    fn __repr__(&self) -> String {
        let s = &self.batch.summary;
        format!(
            "<chidu.BatchReport {} records, {} invalid, mean score {}>",
            s.records,
            s.invalid,
            s.mean_score().map_or("None".to_owned(), chidu::fmt_num)
        )
    }
}
