//! `chidu.Standard`: a loaded, compiled standard pack.

use std::path::PathBuf;
use std::sync::Arc;

use pyo3::exceptions::{PyKeyError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyString, PyTuple};
use rayon::prelude::*;

use crate::convert::{self, Types};
use crate::errors;
use crate::inputs::Input;
use crate::report::{PyBatchReport, PyReport};
use crate::stream::{PyReportStream, Source};
use crate::tape::KeyCache;
use crate::tape::frame::Rows;

/// The `TypeError` of `evaluate_many` and `evaluate_iter` for an input that is none of theirs.
const NOT_RECORDS: &str =
    "records must be a list of dicts, a pandas DataFrame, JSON Lines text or a path";

/// Where a standard came from, to rebuild it after pickling.
#[derive(Debug, Clone)]
enum Origin {
    /// `Standard.builtin(id)`: the other side has the same built-in packs.
    Builtin(String),
    /// A directory or in-memory files: rebuilt from the source texts, with this root.
    Sources(String),
}

/// A loaded, type-checked standard pack, compiled for evaluation.
#[pyclass(frozen, module = "chidu._chidu", name = "Standard")]
pub struct PyStandard {
    pub(crate) standard: chidu::Standard,
    pub(crate) engine: chidu::Engine,
    origin: Origin,
}

/// Parses a language name.
pub(crate) fn lang(name: &str) -> PyResult<chidu::Lang> {
    match name.to_ascii_lowercase().as_str() {
        "zh" | "zh-cn" | "zh_cn" | "cn" | "chinese" => Ok(chidu::Lang::Zh),
        "en" | "en-us" | "en_us" | "english" => Ok(chidu::Lang::En),
        _ => Err(PyValueError::new_err(format!(
            "unknown language `{name}` (use \"zh\" or \"en\")"
        ))),
    }
}

impl PyStandard {
    fn new(
        py: Python<'_>,
        loaded: Result<chidu::Standard, chidu::LoadError>,
        origin: Origin,
    ) -> PyResult<Self> {
        let standard = loaded.map_err(|e| errors::standard_error(py, &e))?;
        let engine = standard
            .compile()
            .map_err(|e| errors::standard_error(py, &e))?;
        Ok(PyStandard {
            standard,
            engine,
            origin,
        })
    }

    /// Builds the evaluation options from the Python arguments.
    pub(crate) fn options(
        &self,
        py: Python<'_>,
        as_of: Option<&Bound<'_, PyAny>>,
        waivers: Option<&Bound<'_, PyAny>>,
        mask_pii: bool,
    ) -> PyResult<chidu::Options> {
        let date = match as_of {
            Some(d) if !d.is_none() => convert::date_text(d)?,
            _ => py
                .import("datetime")?
                .getattr("date")?
                .call_method0("today")?
                .call_method0("isoformat")?
                .extract()?,
        };
        let mut options = chidu::Options::default()
            .with_as_of(&date)
            .map_err(|e| errors::chidu_error(py, format!("as_of: {e}")))?;
        options.mask_pii = mask_pii;
        if let Some(w) = waivers.filter(|w| !w.is_none()) {
            options.waivers = self.waivers(py, w)?;
        }
        Ok(options)
    }

    /// Waivers from a path (YAML/JSON file) or a list of dicts.
    fn waivers(&self, py: Python<'_>, w: &Bound<'_, PyAny>) -> PyResult<Vec<chidu::Waiver>> {
        let is_path = w.is_instance_of::<PyString>() || w.hasattr("__fspath__")?;
        if is_path {
            let path: PathBuf = w.extract()?;
            let text = std::fs::read_to_string(&path).map_err(|e| errors::io_error(&e, &path))?;
            return self
                .standard
                .waivers_from_str(&text, &path.display().to_string())
                .map_err(|e| errors::standard_error(py, &e));
        }
        let value = convert::to_json_value(w)?;
        chidu::Waiver::from_json(&value, &self.standard, "<waivers>")
            .map_err(|e| errors::standard_error(py, &e))
    }
}

#[pymethods]
impl PyStandard {
    /// Loads a pack directory (`standards/taicang`).
    #[staticmethod]
    fn load(py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        let root = path.to_string_lossy().replace('\\', "/");
        let loaded = py.detach(|| chidu::Standard::load(&path));
        Self::new(py, loaded, Origin::Sources(root))
    }

    /// Loads a built-in pack by id (see `chidu.builtins()`).
    #[staticmethod]
    fn builtin(py: Python<'_>, id: &str) -> PyResult<Self> {
        let id = id.strip_prefix("builtin:").unwrap_or(id).to_owned();
        let loaded = chidu::Standard::builtin(&id);
        Self::new(py, loaded, Origin::Builtin(id))
    }

    /// Loads a pack from file texts: a mapping (or pairs) of path → YAML text. `root` is the
    /// pack's directory among the paths ("" when standard.yaml is at the top).
    #[staticmethod]
    #[pyo3(signature = (files, root = ""))]
    fn from_strings(py: Python<'_>, files: &Bound<'_, PyAny>, root: &str) -> PyResult<Self> {
        let pairs: Vec<(String, String)> = if let Ok(d) = files.cast::<PyDict>() {
            d.iter()
                .map(|(k, v)| Ok((k.extract::<String>()?, v.extract::<String>()?)))
                .collect::<PyResult<_>>()?
        } else if files.hasattr("items")? {
            files
                .call_method0("items")?
                .try_iter()?
                .map(|p| p?.extract::<(String, String)>())
                .collect::<PyResult<_>>()?
        } else {
            files
                .try_iter()?
                .map(|p| p?.extract::<(String, String)>())
                .collect::<PyResult<_>>()?
        };
        let loaded = chidu::Standard::from_strings(pairs, root);
        Self::new(py, loaded, Origin::Sources(root.to_owned()))
    }

    /// Rebuilds a pickled standard (see `__reduce__`).
    #[staticmethod]
    fn _from_state(
        py: Python<'_>,
        kind: &str,
        key: &str,
        files: Vec<(String, String)>,
    ) -> PyResult<Self> {
        match kind {
            "builtin" => Self::builtin(py, key),
            "sources" => {
                let loaded = chidu::Standard::from_strings(files, key);
                Self::new(py, loaded, Origin::Sources(key.to_owned()))
            }
            other => Err(PyValueError::new_err(format!(
                "unknown pickled standard kind `{other}`"
            ))),
        }
    }

    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyTuple>)> {
        let py = slf.py();
        let this = slf.get();
        let ctor = py.get_type::<PyStandard>().getattr("_from_state")?;
        let args = match &this.origin {
            Origin::Builtin(id) => {
                ("builtin", id.clone(), Vec::<(String, String)>::new()).into_pyobject(py)?
            }
            Origin::Sources(root) => {
                // Bases from built-in packs are found on the other side by their `builtin:` name.
                let files: Vec<(String, String)> = this
                    .standard
                    .sources()
                    .into_iter()
                    .filter(|(name, _)| !name.starts_with("builtin:"))
                    .collect();
                ("sources", root.clone(), files).into_pyobject(py)?
            }
        };
        Ok((ctor, args))
    }

    /// Pack id.
    #[getter]
    fn id(&self) -> &str {
        self.standard.id()
    }

    /// Pack version.
    #[getter]
    fn version(&self) -> &str {
        self.standard.version()
    }

    /// `sha256:` digest of the pack's source files.
    #[getter]
    fn digest(&self) -> &str {
        self.standard.digest()
    }

    /// Indicator ids in pack order.
    #[getter]
    fn indicator_ids(&self) -> Vec<String> {
        self.standard
            .indicator_ids()
            .into_iter()
            .map(str::to_owned)
            .collect()
    }

    /// The pack's title, `{"zh": …, "en": …}`.
    #[getter]
    fn title<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(pythonize::pythonize(py, self.standard.title())?)
    }

    /// The score scale (`total`).
    #[getter]
    fn total(&self) -> f64 {
        self.standard.total()
    }

    /// Grade bands in the order they are tried (best first): `id`, `label` (`{"zh", "en"}`),
    /// `min_score`, `min_section_ratio`.
    #[getter]
    fn grades<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(pythonize::pythonize(py, &self.standard.grades())?)
    }

    /// Sections in pack order: `id`, `title`, `points`, `indicators` (their ids).
    #[getter]
    fn sections<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(pythonize::pythonize(py, &self.standard.sections())?)
    }

    /// Indicators in pack order: `id`, `section`, `title`, `clause`, `points`, `veto`, `bonus`.
    #[getter]
    fn indicators<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(pythonize::pythonize(py, &self.standard.indicators())?)
    }

    /// The record field holding a record's id.
    #[getter]
    fn id_field(&self) -> &str {
        self.standard.id_field()
    }

    /// The record field holding a record's name, if the pack names one.
    #[getter]
    fn name_field(&self) -> Option<&str> {
        self.standard.name_field()
    }

    /// The record fields reports group by (`county`, `town`…).
    #[getter]
    fn group_fields(&self) -> Vec<String> {
        self.standard
            .group_fields()
            .into_iter()
            .map(str::to_owned)
            .collect()
    }

    /// Source files (name, text) of the pack and its bases.
    fn sources(&self) -> Vec<(String, String)> {
        self.standard.sources()
    }

    /// What an indicator checks, its points, scoring and clause, in words.
    #[pyo3(signature = (indicator, lang = "zh"))]
    fn explain(&self, indicator: &str, lang: &str) -> PyResult<String> {
        self.standard
            .explain(indicator, self::lang(lang)?)
            .ok_or_else(|| {
                PyKeyError::new_err(format!("the standard has no indicator `{indicator}`"))
            })
    }

    /// Sections, points and indicators, as text.
    #[pyo3(signature = (lang = "zh"))]
    fn outline(&self, lang: &str) -> PyResult<String> {
        Ok(self.standard.outline(self::lang(lang)?))
    }

    /// JSON Schema of the pack's records (from record.yaml), as a dict.
    fn record_schema<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(pythonize::pythonize(
            py,
            &self.standard.record_schema_json(),
        )?)
    }

    /// The standard's diagnostics. A loaded standard has passed lint, so this is always
    /// empty; use `chidu.lint(path)` to lint a pack that may not load.
    fn lint<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        errors::diagnostics(py, &[])
    }

    /// Evaluates one record (a dict, or JSON text) and returns its `Report`. Raises
    /// `RecordError` when the record breaks the record schema.
    #[pyo3(signature = (record, as_of = None, waivers = None, *, mask_pii = true))]
    fn evaluate(
        &self,
        py: Python<'_>,
        record: &Bound<'_, PyAny>,
        as_of: Option<&Bound<'_, PyAny>>,
        waivers: Option<&Bound<'_, PyAny>>,
        mask_pii: bool,
    ) -> PyResult<PyReport> {
        let options = self.options(py, as_of, waivers, mask_pii)?;
        let parsed = if let Ok(s) = record.cast::<PyString>() {
            self.engine.parse_json_str(s.to_str()?)
        } else if let Ok(b) = record.cast::<PyBytes>() {
            self.engine.parse_json(b.as_bytes())
        } else {
            // One record: its keys are read, not cached (`tape::KeyCache`).
            let types = Types::with_keys(py, KeyCache::none())?;
            match self.read_dict(&types, record) {
                Some(read) => read,
                None => match convert::record_to_json(&types, record) {
                    (value, None) => self.engine.record_from_value(&value),
                    (partial, Some(e)) => Err(e.into_record_error(self.id_of(&partial))),
                },
            }
        };
        let parsed = parsed.map_err(|e| errors::record_error(py, &e, None))?;
        let report = py.detach(|| self.engine.evaluate_record(&parsed, &options));
        Ok(PyReport::new(Arc::new(report), self.standard.clone()))
    }

    /// Evaluates many records in parallel (the GIL is released) and returns a `BatchReport`.
    /// `records` is a list (or any iterable) of dicts or JSON texts, a pandas DataFrame with
    /// dotted column names, JSON Lines text (`str` or `bytes`), or a path (`os.PathLike`) to a
    /// records file or directory. A record that cannot be evaluated becomes an error entry.
    #[pyo3(signature = (records, as_of = None, waivers = None, *, mask_pii = true))]
    fn evaluate_many(
        &self,
        py: Python<'_>,
        records: &Bound<'_, PyAny>,
        as_of: Option<&Bound<'_, PyAny>>,
        waivers: Option<&Bound<'_, PyAny>>,
        mask_pii: bool,
    ) -> PyResult<PyBatchReport> {
        let options = self.options(py, as_of, waivers, mask_pii)?;
        // JSON Lines text: parsed by the engine straight into typed slots.
        if let Ok(s) = records.cast::<PyString>() {
            let text = s.to_str()?;
            let entries = py.detach(|| self.engine.evaluate_jsonl(text, "<jsonl>", &options));
            return Ok(self.batch(entries, &options));
        }
        if let Ok(b) = records.cast::<PyBytes>() {
            // UTF-8 is checked line by line: a line that is not becomes one error entry.
            let bytes = b.as_bytes();
            let entries = py.detach(|| {
                self.engine
                    .evaluate_jsonl_part(bytes, "<jsonl>", 1, &options)
            });
            return Ok(self.batch(entries, &options));
        }
        if records.hasattr("__fspath__")? {
            let path: PathBuf = records.extract()?;
            let raws = py
                .detach(|| chidu::read_path(&path, Some(&self.standard)))
                .map_err(|e| errors::input_error(py, &e, &path))?;
            let entries = py.detach(|| {
                raws.par_iter()
                    .map(|r| self.engine.evaluate_raw(r, &options))
                    .collect()
            });
            return Ok(self.batch(entries, &options));
        }
        if records.is_instance_of::<PyDict>() {
            return Err(PyTypeError::new_err(
                "evaluate_many takes a list of records (use evaluate for one record)",
            ));
        }
        let types = Types::new(py)?;
        let batch = if convert::is_dataframe(records)? {
            match Rows::read(&types, records)? {
                // Each row copied when its chunk is, as for a list of dicts.
                Some(rows) => {
                    let inputs = (0..rows.len()).map(|i| Ok(Input::Tape(i, rows.tape(&types, i))));
                    self.run_pipelined(py, inputs, &options)?
                }
                None => {
                    let inputs = self.dataframe_json_inputs(&types, records)?;
                    let entries = py.detach(|| self.run(&inputs, &options));
                    return Ok(self.batch(entries, &options));
                }
            }
        } else {
            let iter = records
                .try_iter()
                .map_err(|_| PyTypeError::new_err(NOT_RECORDS))?;
            let inputs = iter
                .enumerate()
                .map(|(i, item)| item.map(|item| self.item(&types, i, &item)));
            self.run_pipelined(py, inputs, &options)?
        };
        Ok(PyBatchReport::new(self.engine.clone(), batch))
    }

    /// Evaluates records part by part and yields each record's `Report` (or `RecordError`)
    /// in input order, as iterating `evaluate_many`'s batch does; each part of `chunk_size`
    /// records (lines, for JSON Lines) is evaluated in parallel without the GIL. Only one
    /// part's reports are alive at a time, so memory stays flat however many records there
    /// are. Takes what `evaluate_many` takes; an iterator or generator is read lazily. With one
    /// evaluation thread (`RAYON_NUM_THREADS=1`), parts of at most 16 run on the calling thread.
    // 256 records: a part's reports stay in the CPU cache until Python reads them (simulated
    // last-level misses per record on the peer workload: 70 at 2048, 18 at 256, 8 at 64),
    // and a part is still ample work to share among threads.
    #[pyo3(signature = (records, as_of = None, waivers = None, *, mask_pii = true, chunk_size = 256))]
    fn evaluate_iter(
        slf: &Bound<'_, Self>,
        records: &Bound<'_, PyAny>,
        as_of: Option<&Bound<'_, PyAny>>,
        waivers: Option<&Bound<'_, PyAny>>,
        mask_pii: bool,
        chunk_size: usize,
    ) -> PyResult<PyReportStream> {
        let py = slf.py();
        if chunk_size == 0 {
            return Err(PyValueError::new_err("chunk_size must be at least 1"));
        }
        let this = slf.get();
        let options = this.options(py, as_of, waivers, mask_pii)?;
        let source = if records.is_instance_of::<PyString>() || records.is_instance_of::<PyBytes>()
        {
            Source::Jsonl {
                text: records.clone().unbind(),
                offset: 0,
                line: 1,
            }
        } else if records.hasattr("__fspath__")? {
            let path: PathBuf = records.extract()?;
            let is_jsonl = path.is_file()
                && path
                    .extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case("jsonl"));
            if is_jsonl {
                // Read part by part: neither the file nor its lines are held whole.
                let file = std::fs::File::open(&path).map_err(|e| errors::io_error(&e, &path))?;
                Source::JsonlFile {
                    reader: std::io::BufReader::with_capacity(1 << 20, file),
                    path,
                    line: 1,
                    buf: Vec::new(),
                }
            } else {
                let raws = py
                    .detach(|| chidu::read_path(&path, Some(&this.standard)))
                    .map_err(|e| errors::input_error(py, &e, &path))?;
                let inputs = raws.into_iter().map(Input::Raw).collect();
                Source::Inputs { inputs, next: 0 }
            }
        } else if records.is_instance_of::<PyDict>() {
            return Err(PyTypeError::new_err(
                "evaluate_iter takes a list of records (use evaluate for one record)",
            ));
        } else if convert::is_dataframe(records)? {
            let types = Types::new(py)?;
            match Rows::read(&types, records)? {
                Some(rows) => Source::Frame {
                    rows,
                    next: 0,
                    keys: types.into_keys(),
                },
                None => Source::Inputs {
                    inputs: this.dataframe_json_inputs(&types, records)?,
                    next: 0,
                },
            }
        } else {
            let iter = records
                .try_iter()
                .map_err(|_| PyTypeError::new_err(NOT_RECORDS))?;
            Source::Items {
                iter: iter.unbind(),
                index: 0,
                keys: KeyCache::default(),
            }
        };
        Ok(PyReportStream::new(
            slf.clone().unbind(),
            options,
            chunk_size,
            source,
        ))
    }

    fn __repr__(&self) -> String {
        format!(
            "<chidu.Standard {} {} ({} indicators)>",
            self.standard.id(),
            self.standard.version(),
            self.standard.indicator_ids().len()
        )
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<PyStandard>()
            .is_ok_and(|o| o.get().standard.digest() == self.standard.digest())
    }

    fn __hash__(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        self.standard.digest().hash(&mut h);
        h.finish()
    }
}
