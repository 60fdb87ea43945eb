//! Raising the pure-Python exception classes of `chidu._errors` from Rust.

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyList, PyType};

static CHIDU_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static STANDARD_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static RECORD_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static DIAGNOSTIC: PyOnceLock<Py<PyType>> = PyOnceLock::new();

const MODULE: &str = "chidu._errors";

/// `chidu.ChiduError(message)`.
pub(crate) fn chidu_error(py: Python<'_>, message: impl Into<String>) -> PyErr {
    match CHIDU_ERROR
        .import(py, MODULE, "ChiduError")
        .and_then(|cls| cls.call1((message.into(),)))
    {
        Ok(e) => PyErr::from_value(e),
        Err(e) => e,
    }
}

/// One diagnostic as a `chidu.Diagnostic`.
pub(crate) fn diagnostic<'py>(
    py: Python<'py>,
    d: &chidu::Diagnostic,
) -> PyResult<Bound<'py, PyAny>> {
    let cls = DIAGNOSTIC.import(py, MODULE, "Diagnostic")?;
    let (line, column) = d
        .line_col()
        .map_or((None, None), |(l, c)| (Some(l), Some(c)));
    let kw = PyDict::new(py);
    kw.set_item("code", d.code.as_str())?;
    kw.set_item("message", &d.message)?;
    kw.set_item("file", d.file_name())?;
    kw.set_item("line", line)?;
    kw.set_item("column", column)?;
    kw.set_item("help", d.help.as_deref())?;
    kw.set_item("snippet", d.snippet())?;
    cls.call((), Some(&kw))
}

/// The diagnostics as a list of `chidu.Diagnostic`.
pub(crate) fn diagnostics<'py>(
    py: Python<'py>,
    diags: &[chidu::Diagnostic],
) -> PyResult<Bound<'py, PyList>> {
    let items = diags
        .iter()
        .map(|d| diagnostic(py, d))
        .collect::<PyResult<Vec<_>>>()?;
    PyList::new(py, items)
}

/// `chidu.StandardError` carrying every diagnostic of a load error.
pub(crate) fn standard_error(py: Python<'_>, err: &chidu::LoadError) -> PyErr {
    let build = || -> PyResult<Bound<'_, PyAny>> {
        let cls = STANDARD_ERROR.import(py, MODULE, "StandardError")?;
        cls.call1((err.to_string(), diagnostics(py, &err.diagnostics)?))
    };
    match build() {
        Ok(e) => PyErr::from_value(e),
        Err(e) => e,
    }
}

/// `chidu.RecordError` for a record that breaks the record schema.
pub(crate) fn record_error_value<'py>(
    py: Python<'py>,
    err: &chidu::RecordError,
    origin: Option<&str>,
) -> PyResult<Bound<'py, PyAny>> {
    let cls = RECORD_ERROR.import(py, MODULE, "RecordError")?;
    let kw = PyDict::new(py);
    kw.set_item("record", err.record.as_deref())?;
    kw.set_item("path", &err.path)?;
    kw.set_item("origin", origin)?;
    cls.call((err.to_string(), &err.message), Some(&kw))
}

/// The same, raised.
pub(crate) fn record_error(
    py: Python<'_>,
    err: &chidu::RecordError,
    origin: Option<&str>,
) -> PyErr {
    match record_error_value(py, err, origin) {
        Ok(e) => PyErr::from_value(e),
        Err(e) => e,
    }
}

/// An I/O error as the matching Python exception (`FileNotFoundError`, `PermissionError`, …)
/// with errno, message and file name.
pub(crate) fn io_error(err: &std::io::Error, path: &std::path::Path) -> PyErr {
    use pyo3::exceptions::{PyFileNotFoundError, PyOSError, PyPermissionError};
    let args = (
        err.raw_os_error().unwrap_or(0),
        err.to_string(),
        path.display().to_string(),
    );
    match err.kind() {
        std::io::ErrorKind::NotFound => PyFileNotFoundError::new_err(args),
        std::io::ErrorKind::PermissionDenied => PyPermissionError::new_err(args),
        _ => PyOSError::new_err(args),
    }
}

/// A records path that could not be read: missing → `FileNotFoundError`, else `ChiduError`.
pub(crate) fn input_error(
    py: Python<'_>,
    err: &chidu::InputError,
    path: &std::path::Path,
) -> PyErr {
    match std::fs::metadata(path) {
        Err(e) => io_error(&e, path),
        Ok(_) => chidu_error(py, err.to_string()),
    }
}

/// A failure inside the binding that should never happen (a worker thread died).
pub(crate) fn internal(message: impl Into<String>) -> PyErr {
    PyRuntimeError::new_err(message.into())
}
