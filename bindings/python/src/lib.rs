//! `chidu._chidu`: the native module behind the `chidu` Python package.
//!
//! A thin adapter over the `chidu` crate: it converts Python values to the engine's inputs,
//! delegates, and shows the results to Python. No scoring logic lives here.

mod convert;
mod errors;
mod gaps;
mod inputs;
mod report;
mod standard;
mod stream;
mod tape;

use std::path::PathBuf;

use pyo3::prelude::*;
use pyo3::types::PyList;

use crate::report::{PyBatchReport, PyReport};
use crate::standard::PyStandard;

/// Ids of the built-in standard packs.
#[pyfunction]
fn builtins() -> Vec<String> {
    chidu::builtins().into_iter().map(str::to_owned).collect()
}

/// Reads records from a file or directory (.yaml .yml .json .jsonl .csv) into a list of dicts.
/// With `standard`, CSV cells are typed by its record schema.
#[pyfunction]
#[pyo3(signature = (path, standard = None))]
fn load_records<'py>(
    py: Python<'py>,
    path: PathBuf,
    standard: Option<&Bound<'py, PyStandard>>,
) -> PyResult<Bound<'py, PyList>> {
    let std = standard.map(|s| s.get().standard.clone());
    let raws = py
        .detach(|| chidu::read_path(&path, std.as_ref()))
        .map_err(|e| errors::input_error(py, &e, &path))?;
    let out = PyList::empty(py);
    for raw in &raws {
        let value = raw.to_value().map_err(|message| {
            let err = chidu::RecordError {
                record: None,
                path: String::new(),
                message,
            };
            errors::record_error(py, &err, Some(&raw.origin))
        })?;
        out.append(pythonize::pythonize(py, &value)?)?;
    }
    Ok(out)
}

/// Loads and lints a standard (a pack directory or a built-in id) and returns its diagnostics:
/// an empty list when it has no problems.
#[pyfunction]
fn lint<'py>(py: Python<'py>, path: PathBuf) -> PyResult<Bound<'py, PyList>> {
    let spec = path.to_string_lossy().into_owned();
    match py.detach(|| chidu::Standard::open(&spec)) {
        Ok(_) => errors::diagnostics(py, &[]),
        Err(e) => errors::diagnostics(py, &e.diagnostics),
    }
}

/// Parses YAML (1.2, as chidu reads rule and record files) into Python values.
#[pyfunction]
#[pyo3(signature = (text, name = "<string>"))]
fn _parse_yaml<'py>(py: Python<'py>, text: &str, name: &str) -> PyResult<Bound<'py, PyAny>> {
    let value = chidu::testing::yaml_to_json(text, name).map_err(|e| errors::chidu_error(py, e))?;
    Ok(pythonize::pythonize(py, &value)?)
}

/// The native module.
#[pymodule]
fn _chidu(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<PyStandard>()?;
    m.add_class::<PyReport>()?;
    m.add_class::<PyBatchReport>()?;
    m.add_class::<stream::PyReportStream>()?;
    m.add_function(wrap_pyfunction!(builtins, m)?)?;
    m.add_function(wrap_pyfunction!(load_records, m)?)?;
    m.add_function(wrap_pyfunction!(lint, m)?)?;
    m.add_function(wrap_pyfunction!(_parse_yaml, m)?)?;
    Ok(())
}
