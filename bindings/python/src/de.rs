//! A serde `Deserializer` over Python objects, so a record dict is read by the engine's
//! schema-driven seed (`Engine::record_from_deserializer`) with no JSON text or value tree in
//! between.
//!
//! It maps Python values the way the value converter (`convert::to_json`) does: `None`, NaN,
//! `pandas.NA` and `NaT` are missing, dates and datetimes are ISO dates, and the rarer types
//! (numpy scalars, `Decimal`, other mappings and sequences) go through the converter. The
//! common types are checked first and read in place: dicts are walked with `PyDict_Next`, and
//! values of fields the schema does not know are skipped without being looked at.
//!
//! (`pythonize::Depythonizer` does the same job in general, but asks every dict for
//! `__dataclass_fields__` — an AttributeError raised and cleared per dict before Python 3.13 —
//! and copies its keys and values into lists: on station records that costs more than the JSON
//! round trip it was meant to remove.)

use std::fmt;

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde::de::{
    self, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, SeqAccess, Visitor,
};

use crate::convert::{self, Types};

/// Why a Python value could not be read (the seed adds where).
#[derive(Debug)]
pub(crate) struct DeError(String);

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DeError {}

impl de::Error for DeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        DeError(msg.to_string())
    }
}

impl From<PyErr> for DeError {
    fn from(e: PyErr) -> Self {
        DeError(e.to_string())
    }
}

/// One Python value, read as serde data.
pub(crate) struct PyDe<'a, 'py> {
    value: &'a Bound<'py, PyAny>,
    types: &'a Types<'py>,
}

impl<'a, 'py> PyDe<'a, 'py> {
    pub(crate) fn new(value: &'a Bound<'py, PyAny>, types: &'a Types<'py>) -> Self {
        PyDe { value, types }
    }

    /// Dates, missing markers, bytes, and whatever the value converter can turn into JSON.
    fn slow<'de, V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let v = self.value;
        if let Some(date) = convert::date_value(self.types, v)? {
            return match date {
                Some(text) => visitor.visit_str(&text),
                None => visitor.visit_unit(),
            };
        }
        if convert::is_missing(v) {
            return visitor.visit_unit();
        }
        if v.is_instance_of::<PyBytes>() {
            return Err(DeError(
                "bytes are not a record value (decode them to str)".to_owned(),
            ));
        }
        // numpy scalars and arrays, Decimal, other mappings and sequences.
        let json = convert::to_json(self.types, v, 1).map_err(|e| {
            let path = e.path();
            DeError(if path.is_empty() {
                e.message
            } else {
                format!("{path}: {}", e.message)
            })
        })?;
        json.deserialize_any(visitor)
            .map_err(|e| DeError(e.to_string()))
    }
}

impl<'de> Deserializer<'de> for PyDe<'_, '_> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let v = self.value;
        // Exact built-in types first: an exact check is one pointer comparison, while the
        // subclass-aware checks below are function calls under the stable ABI.
        if let Ok(s) = v.cast_exact::<PyString>() {
            return visitor.visit_str(s.to_str()?);
        }
        if let Ok(i) = v.cast_exact::<PyInt>() {
            if let Ok(n) = i.extract::<i64>() {
                return visitor.visit_i64(n);
            }
        } else if let Ok(b) = v.cast_exact::<PyBool>() {
            return visitor.visit_bool(b.is_true());
        } else if let Ok(d) = v.cast_exact::<PyDict>() {
            return visitor.visit_map(DictAccess {
                iter: d.iter(),
                value: None,
                types: self.types,
            });
        }
        if let Ok(s) = v.cast::<PyString>() {
            return visitor.visit_str(s.to_str()?);
        }
        if let Ok(d) = v.cast::<PyDict>() {
            return visitor.visit_map(DictAccess {
                iter: d.iter(),
                value: None,
                types: self.types,
            });
        }
        if let Ok(l) = v.cast::<PyList>() {
            return visitor.visit_seq(SeqItems {
                items: l.iter(),
                types: self.types,
            });
        }
        if let Ok(b) = v.cast::<PyBool>() {
            return visitor.visit_bool(b.is_true());
        }
        if let Ok(i) = v.cast::<PyInt>() {
            if let Ok(n) = i.extract::<i64>() {
                return visitor.visit_i64(n);
            }
            if let Ok(n) = i.extract::<u64>() {
                return visitor.visit_u64(n);
            }
            return Err(DeError("integer out of range".to_owned()));
        }
        if let Ok(f) = v.cast::<PyFloat>() {
            let x = f.value();
            // NaN is missing, as in a DataFrame; infinities reach the seed, which rejects them.
            return if x.is_nan() {
                visitor.visit_unit()
            } else {
                visitor.visit_f64(x)
            };
        }
        if v.is_none() {
            return visitor.visit_unit();
        }
        if let Ok(t) = v.cast::<PyTuple>() {
            return visitor.visit_seq(SeqItems {
                items: t.iter(),
                types: self.types,
            });
        }
        self.slow(visitor)
    }

    /// Values of fields the schema does not know are not looked at.
    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier
    }
}

/// A dict's items, in insertion order; keys must be strings.
struct DictAccess<'a, 'py> {
    iter: pyo3::types::dict::BoundDictIterator<'py>,
    value: Option<Bound<'py, PyAny>>,
    types: &'a Types<'py>,
}

impl<'de> MapAccess<'de> for DictAccess<'_, '_> {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        let Some((key, value)) = self.iter.next() else {
            return Ok(None);
        };
        self.value = Some(value);
        let key = key
            .cast_exact::<PyString>()
            .or_else(|_| key.cast::<PyString>())
            .map_err(|_| {
                DeError(format!(
                    "keys must be strings, found a key of type {}",
                    convert::type_name(&key)
                ))
            })?;
        let text: &str = key.to_str()?;
        seed.deserialize(text.into_deserializer()).map(Some)
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, DeError> {
        let value = self
            .value
            .take()
            .ok_or_else(|| DeError("a value was read before its key".to_owned()))?;
        seed.deserialize(PyDe::new(&value, self.types))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.iter.len())
    }
}

/// The items of a list or tuple.
struct SeqItems<'a, 'py, I> {
    items: I,
    types: &'a Types<'py>,
}

impl<'de, 'py, I: Iterator<Item = Bound<'py, PyAny>>> SeqAccess<'de> for SeqItems<'_, 'py, I> {
    type Error = DeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DeError> {
        match self.items.next() {
            Some(item) => seed.deserialize(PyDe::new(&item, self.types)).map(Some),
            None => Ok(None),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        self.items.size_hint().1
    }
}
