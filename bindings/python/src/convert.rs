//! Python values → JSON values (records the direct reader cannot take, waivers), and pandas
//! DataFrames → records. Record dicts are copied onto a `tape::Tape`, which hands the rarer
//! types to this converter.
//!
//! `None` and NaN are missing (JSON null; a DataFrame cell that is missing leaves the field
//! absent), `datetime.date`/`datetime.datetime` become ISO dates, numpy scalars their Python
//! value. Anything else is an error that names the path of the offending value.

use std::cell::RefCell;

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyBytes, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple, PyType};
use serde_json::{Map, Number, Value as J};

use crate::tape::KeyCache;

/// Deepest nesting accepted from Python (records are a few levels deep; this stops cycles).
const MAX_DEPTH: usize = 64;

static DATE: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static DATETIME: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static DECIMAL: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static MAPPING: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// A value that cannot be a record value: where, and why.
#[derive(Debug, Clone)]
pub(crate) struct ConvError {
    /// Path segments, outermost first (`staff`, `[2]`, `start`).
    segs: Vec<String>,
    pub(crate) message: String,
}

impl ConvError {
    fn new(message: impl Into<String>) -> Self {
        ConvError {
            segs: Vec::new(),
            message: message.into(),
        }
    }
    fn at(mut self, seg: String) -> Self {
        self.segs.push(seg);
        self
    }
    /// `staff[2].start`, as record errors write paths.
    pub(crate) fn path(&self) -> String {
        let mut s = String::new();
        for seg in self.segs.iter().rev() {
            if !seg.starts_with('[') && !s.is_empty() {
                s.push('.');
            }
            s.push_str(seg);
        }
        s
    }
    /// As a record error (for a batch entry or `evaluate`).
    pub(crate) fn into_record_error(self, record: Option<String>) -> chidu::RecordError {
        chidu::RecordError {
            record,
            path: self.path(),
            message: self.message,
        }
    }
}

/// What converting a batch needs at hand: the Python types the converter checks against, and
/// the record keys seen so far (`tape::KeyCache`).
pub(crate) struct Types<'py> {
    date: Bound<'py, PyType>,
    datetime: Bound<'py, PyType>,
    pub(crate) keys: RefCell<KeyCache>,
}

impl<'py> Types<'py> {
    pub(crate) fn new(py: Python<'py>) -> PyResult<Self> {
        Self::with_keys(py, KeyCache::default())
    }

    /// As `new`, going on with the keys an earlier part of the same batch saw.
    pub(crate) fn with_keys(py: Python<'py>, keys: KeyCache) -> PyResult<Self> {
        Ok(Types {
            date: DATE.import(py, "datetime", "date")?.clone(),
            datetime: DATETIME.import(py, "datetime", "datetime")?.clone(),
            keys: RefCell::new(keys),
        })
    }

    pub(crate) fn py(&self) -> Python<'py> {
        self.date.py()
    }

    /// The keys seen, for the next part of the batch.
    pub(crate) fn into_keys(self) -> KeyCache {
        self.keys.into_inner()
    }
}

/// An ISO date from a `datetime.date`/`datetime.datetime` or a string.
pub(crate) fn date_text(v: &Bound<'_, PyAny>) -> PyResult<String> {
    let types = Types::new(v.py())?;
    if let Ok(s) = v.cast::<PyString>() {
        return Ok(s.to_str()?.to_owned());
    }
    match date_of(&types, v)? {
        Some(J::String(s)) => Ok(s),
        _ => Err(PyTypeError::new_err(format!(
            "expected a datetime.date or a YYYY-MM-DD string, got {}",
            type_name(v)
        ))),
    }
}

/// `Some(date)` when `v` is a date or datetime (pandas `NaT` gives null).
fn date_of(types: &Types<'_>, v: &Bound<'_, PyAny>) -> PyResult<Option<J>> {
    if !v.is_instance(&types.date)? {
        return Ok(None);
    }
    let d = if v.is_instance(&types.datetime)? {
        v.call_method0("date")?
    } else {
        v.clone()
    };
    let text: String = d.call_method0("isoformat")?.extract()?;
    // pandas.NaT is a datetime whose isoformat() is "NaT".
    Ok(Some(if text == "NaT" {
        J::Null
    } else {
        J::String(text)
    }))
}

/// `Some(Some(iso))` when `v` is a date or datetime, `Some(None)` for pandas `NaT`, else `None`.
pub(crate) fn date_value(
    types: &Types<'_>,
    v: &Bound<'_, PyAny>,
) -> PyResult<Option<Option<String>>> {
    Ok(date_of(types, v)?.map(|d| match d {
        J::String(s) => Some(s),
        _ => None,
    }))
}

/// The type name of `v`, for messages.
pub(crate) fn type_name(v: &Bound<'_, PyAny>) -> String {
    v.get_type()
        .qualname()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "object".to_owned())
}

fn float_value(x: f64) -> Result<J, ConvError> {
    if x.is_nan() {
        return Ok(J::Null);
    }
    Number::from_f64(x)
        .map(J::Number)
        .ok_or_else(|| ConvError::new(format!("{x} is not a finite number")))
}

/// True for `None`, NaN, `pandas.NA` and `pandas.NaT` (DataFrame cells that hold nothing).
pub(crate) fn is_missing(v: &Bound<'_, PyAny>) -> bool {
    if v.is_none() {
        return true;
    }
    if let Ok(f) = v.cast::<PyFloat>() {
        return f.value().is_nan();
    }
    let name = v
        .get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_default();
    name == "NAType" || name == "NaTType"
}

/// Converts one Python value to JSON.
pub(crate) fn to_json(
    types: &Types<'_>,
    v: &Bound<'_, PyAny>,
    depth: usize,
) -> Result<J, ConvError> {
    if depth > MAX_DEPTH {
        return Err(ConvError::new(format!(
            "nesting deeper than {MAX_DEPTH} levels (a cycle?)"
        )));
    }
    let py_err = |e: PyErr| ConvError::new(e.to_string());
    if let Ok(s) = v.cast::<PyString>() {
        return s.to_str().map(|s| J::String(s.to_owned())).map_err(py_err);
    }
    if v.is_none() {
        return Ok(J::Null);
    }
    if let Ok(b) = v.cast::<PyBool>() {
        return Ok(J::Bool(b.is_true()));
    }
    if let Ok(i) = v.cast::<PyInt>() {
        if let Ok(n) = i.extract::<i64>() {
            return Ok(J::from(n));
        }
        if let Ok(n) = i.extract::<u64>() {
            return Ok(J::from(n));
        }
        return Err(ConvError::new("integer out of range"));
    }
    if let Ok(f) = v.cast::<PyFloat>() {
        return float_value(f.value());
    }
    if let Ok(d) = v.cast::<PyDict>() {
        let mut map = Map::with_capacity(d.len());
        for (k, item) in d.iter() {
            let key = key_text(&k)?;
            let value = to_json(types, &item, depth + 1).map_err(|e| e.at(key.clone()))?;
            map.insert(key, value);
        }
        return Ok(J::Object(map));
    }
    if let Ok(l) = v.cast::<PyList>() {
        let mut out = Vec::with_capacity(l.len());
        for (i, item) in l.iter().enumerate() {
            out.push(to_json(types, &item, depth + 1).map_err(|e| e.at(format!("[{i}]")))?);
        }
        return Ok(J::Array(out));
    }
    if let Ok(t) = v.cast::<PyTuple>() {
        let mut out = Vec::with_capacity(t.len());
        for (i, item) in t.iter().enumerate() {
            out.push(to_json(types, &item, depth + 1).map_err(|e| e.at(format!("[{i}]")))?);
        }
        return Ok(J::Array(out));
    }
    to_json_slow(types, v, depth)
}

/// The less common types: dates, numpy scalars and arrays, Decimal, other mappings and sequences.
fn to_json_slow(types: &Types<'_>, v: &Bound<'_, PyAny>, depth: usize) -> Result<J, ConvError> {
    let py = v.py();
    let py_err = |e: PyErr| ConvError::new(e.to_string());
    if let Some(d) = date_of(types, v).map_err(py_err)? {
        return Ok(d);
    }
    if is_missing(v) {
        return Ok(J::Null);
    }
    if v.is_instance_of::<PyBytes>() {
        return Err(ConvError::new(
            "bytes are not a record value (decode them to str)",
        ));
    }
    let module: String = v
        .get_type()
        .getattr("__module__")
        .and_then(|m| m.extract())
        .unwrap_or_default();
    if module == "numpy" {
        // numpy scalars (`.item()` → Python scalar) and arrays (`.tolist()`).
        let plain = if v.hasattr("tolist").unwrap_or(false)
            && v.hasattr("shape").unwrap_or(false)
            && v.getattr("shape")
                .map(|s| s.len().unwrap_or(0) > 0)
                .unwrap_or(false)
        {
            v.call_method0("tolist")
        } else {
            v.call_method0("item")
        };
        let plain = plain.map_err(py_err)?;
        if plain.get_type().is(v.get_type()) {
            return Err(ConvError::new(format!(
                "unsupported value of type {}",
                type_name(v)
            )));
        }
        return to_json(types, &plain, depth + 1);
    }
    let decimal = DECIMAL.import(py, "decimal", "Decimal").map_err(py_err)?;
    if v.is_instance(decimal).map_err(py_err)? {
        let f: f64 = v.extract().map_err(py_err)?;
        return float_value(f);
    }
    let mapping = MAPPING
        .import(py, "collections.abc", "Mapping")
        .map_err(py_err)?;
    if v.is_instance(mapping).map_err(py_err)? {
        let mut map = Map::new();
        let items = v.call_method0("items").map_err(py_err)?;
        for pair in items.try_iter().map_err(py_err)? {
            let pair = pair.map_err(py_err)?;
            let (k, item): (Bound<'_, PyAny>, Bound<'_, PyAny>) = pair.extract().map_err(py_err)?;
            let key = key_text(&k)?;
            let value = to_json(types, &item, depth + 1).map_err(|e| e.at(key.clone()))?;
            map.insert(key, value);
        }
        return Ok(J::Object(map));
    }
    if v.hasattr("__len__").unwrap_or(false)
        && v.hasattr("__getitem__").unwrap_or(false)
        && let Ok(iter) = v.try_iter()
    {
        let mut out = Vec::new();
        for (i, item) in iter.enumerate() {
            let item = item.map_err(py_err)?;
            out.push(to_json(types, &item, depth + 1).map_err(|e| e.at(format!("[{i}]")))?);
        }
        return Ok(J::Array(out));
    }
    Err(ConvError::new(format!(
        "unsupported value of type {}",
        type_name(v)
    )))
}

fn key_text(k: &Bound<'_, PyAny>) -> Result<String, ConvError> {
    match k.cast::<PyString>() {
        Ok(s) => s
            .to_str()
            .map(str::to_owned)
            .map_err(|e| ConvError::new(e.to_string())),
        Err(_) => Err(ConvError::new(format!(
            "keys must be strings, found a key of type {}",
            type_name(k)
        ))),
    }
}

/// Converts a Python object for a waivers list (or any JSON-like value), as a TypeError on failure.
pub(crate) fn to_json_value(v: &Bound<'_, PyAny>) -> PyResult<J> {
    let types = Types::new(v.py())?;
    to_json(&types, v, 0).map_err(|e| {
        let path = e.path();
        PyTypeError::new_err(if path.is_empty() {
            e.message
        } else {
            format!("{path}: {}", e.message)
        })
    })
}

/// True when `v` is a pandas DataFrame (without importing pandas).
pub(crate) fn is_dataframe(v: &Bound<'_, PyAny>) -> PyResult<bool> {
    let py = v.py();
    let modules = py.import("sys")?.getattr("modules")?;
    let Ok(pandas) = modules.get_item("pandas") else {
        return Ok(false);
    };
    let frame = pandas.getattr("DataFrame")?;
    v.is_instance(&frame)
}

/// One record converted from Python: the JSON object and, when some value could not be
/// converted, the first error (the object then lacks that value).
pub(crate) type Converted = (J, Option<ConvError>);

/// Converts one record (a mapping) from Python. Values that cannot be converted are left out
/// and the first such error is returned alongside, so the caller can still read the id.
pub(crate) fn record_to_json(types: &Types<'_>, v: &Bound<'_, PyAny>) -> Converted {
    let Ok(d) = v.cast::<PyDict>() else {
        return match to_json(types, v, 0) {
            Ok(J::Object(m)) => (J::Object(m), None),
            Ok(_) => (
                J::Null,
                Some(ConvError::new(format!(
                    "a record must be a mapping, found {}",
                    type_name(v)
                ))),
            ),
            Err(e) => (J::Null, Some(e)),
        };
    };
    let mut map = Map::with_capacity(d.len());
    let mut first = None;
    for (k, item) in d.iter() {
        let key = match key_text(&k) {
            Ok(k) => k,
            Err(e) => {
                first.get_or_insert(e);
                continue;
            }
        };
        match to_json(types, &item, 1) {
            Ok(value) => {
                map.insert(key, value);
            }
            Err(e) => {
                first.get_or_insert(e.at(key));
            }
        }
    }
    (J::Object(map), first)
}

/// A DataFrame, column by column, into one JSON object per row. Dotted column names nest
/// (`premises.area_m2`); missing cells (None, NaN, NA, NaT) leave the field absent. Only for
/// frames whose column names clash (`tape::frame` reads the others), where the later column
/// wins.
pub(crate) fn dataframe_rows(
    types: &Types<'_>,
    frame: &Bound<'_, PyAny>,
) -> PyResult<Vec<Converted>> {
    let n: usize = frame.len()?;
    let mut rows: Vec<(Map<String, J>, Option<ConvError>)> =
        (0..n).map(|_| (Map::new(), None)).collect();
    for pair in frame.call_method0("items")?.try_iter()? {
        let (name, series): (Bound<'_, PyAny>, Bound<'_, PyAny>) = pair?.extract()?;
        let column = match name.cast::<PyString>() {
            Ok(s) => s.to_str()?.to_owned(),
            Err(_) => name.str()?.to_str()?.to_owned(),
        };
        let segs: Vec<&str> = column.split('.').collect();
        let values = series.call_method0("tolist")?;
        let values = values.cast::<PyList>()?;
        for (cell, (row, error)) in values.iter().zip(rows.iter_mut()) {
            if is_missing(&cell) {
                continue;
            }
            match to_json(types, &cell, 1) {
                Ok(v) => insert_path(row, &segs, v),
                Err(mut e) => {
                    // Error paths collect innermost first: the column's segments go last.
                    for s in segs.iter().rev() {
                        e = e.at((*s).to_owned());
                    }
                    error.get_or_insert(e);
                }
            }
        }
    }
    Ok(rows.into_iter().map(|(m, e)| (J::Object(m), e)).collect())
}

fn insert_path(obj: &mut Map<String, J>, segs: &[&str], v: J) {
    match segs {
        [] => {}
        [last] => {
            obj.insert((*last).to_owned(), v);
        }
        [first, rest @ ..] => {
            let entry = obj
                .entry((*first).to_owned())
                .or_insert_with(|| J::Object(Map::new()));
            if !entry.is_object() {
                *entry = J::Object(Map::new());
            }
            if let J::Object(inner) = entry {
                insert_path(inner, rest, v);
            }
        }
    }
}
