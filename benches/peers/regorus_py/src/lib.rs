//! Minimal Python module `regorus` over the regorus crate (see Cargo.toml for why).

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use rego::Value;

fn err(e: impl std::fmt::Display) -> PyErr {
    PyValueError::new_err(e.to_string())
}

/// A Rego engine: policies are parsed once; each evaluation sets the input and evaluates a rule.
#[pyclass(unsendable)]
struct Engine {
    engine: rego::Engine,
}

#[pymethods]
impl Engine {
    #[new]
    fn new() -> Self {
        Self { engine: rego::Engine::new() }
    }

    /// Parses a policy; returns its package name.
    fn add_policy(&mut self, path: String, rego: String) -> PyResult<String> {
        self.engine.add_policy(path, rego).map_err(err)
    }

    /// Input from Python objects (dict, list, str, number, bool, None).
    fn set_input(&mut self, input: &Bound<'_, PyAny>) -> PyResult<()> {
        let v: Value = pythonize::depythonize(input).map_err(err)?;
        self.engine.set_input(v);
        Ok(())
    }

    /// Input from a JSON document.
    fn set_input_json(&mut self, input: &str) -> PyResult<()> {
        self.engine.set_input(Value::from_json_str(input).map_err(err)?);
        Ok(())
    }

    /// Evaluates a rule by its full path (e.g. "data.pkg.rule"); undefined becomes None.
    fn eval_rule<'py>(&mut self, py: Python<'py>, rule: String) -> PyResult<Bound<'py, PyAny>> {
        let v = self.engine.eval_rule(rule).map_err(err)?;
        if v == Value::Undefined {
            return Ok(py.None().into_bound(py));
        }
        pythonize::pythonize(py, &v).map_err(err)
    }
}

#[pymodule]
fn regorus(m: &Bound<'_, PyModule>) -> PyResult<()> {
    // Lets bench.py say which regorus it measured.
    m.add("__standin__", "benches/peers/regorus_py (regorus crate 0.14.1)")?;
    m.add_class::<Engine>()
}
