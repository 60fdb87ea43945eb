//! Python records as a flat token tape, read by the engine's schema-driven seed
//! (`Engine::record_from_deserializer`) as serde data.
//!
//! Reading Python objects needs the GIL, and in `evaluate_many` the one thread that holds it is
//! the bottleneck. So that thread only copies each record onto a tape (tokens plus one text
//! buffer; keys seen earlier in the batch are not copied but found by their object's address,
//! `KeyCache`), and the evaluation threads run the schema checks (types, enums, dates, paths
//! for errors) on the tape, in parallel.
//!
//! Values map the way the value converter (`convert::to_json`) maps them: `None`, NaN,
//! `pandas.NA` and `NaT` are missing, dates and datetimes are ISO dates, and the rarer types
//! (numpy scalars, `Decimal`, other mappings and sequences) go through the converter. A value
//! that cannot be read becomes a `Bad` token: it is an error only if the schema reads it (a
//! field the schema does not know is skipped, whatever it holds).

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value as J;

use crate::convert::{self, Types};

pub(crate) mod frame;

/// Deepest nesting copied (records are a few levels deep; this stops cycles).
const MAX_DEPTH: usize = 64;

/// Why a value on the tape could not be read (the seed adds where).
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

#[derive(Debug, Clone)]
enum Tok {
    /// A mapping; the index of its `End`. Keys and values alternate until then.
    Map(u32),
    /// A list; the index of its `End`.
    Seq(u32),
    End,
    /// Text at `start..start + len` of the tape's text buffer.
    Str(u32, u32),
    /// A key at `start..start + len` of the batch's key text (`KeyCache`).
    Key(u32, u32),
    Int(i64),
    UInt(u64),
    Float(f64),
    Bool(bool),
    Null,
    /// A value that cannot be a record value, and why.
    Bad(Box<str>),
}

/// One record copied out of Python objects.
#[derive(Debug, Default)]
pub(crate) struct Tape {
    toks: Vec<Tok>,
    text: String,
    /// The batch's key text when this record was copied (`Tok::Key` points into it).
    keys: Arc<str>,
}

/// The text at `start..start + len` of `text` (empty if out of range: spans are made from
/// the same text, so that does not happen).
fn span(text: &str, start: u32, len: u32) -> &str {
    text.get(start as usize..(start as usize).saturating_add(len as usize))
        .unwrap_or_default()
}

/// Most keys a batch caches, and the longest cached key (in bytes): records have tens of
/// distinct field names, and a batch whose keys never repeat must not grow the cache.
const MAX_KEYS: usize = 1024;
const MAX_KEY_LEN: usize = 64;

/// The record keys of a batch, by the address of their `str` object. The records of a batch
/// share their key objects (orjson and `json.load` reuse them, a DataFrame's rows share its
/// column labels), so a key seen before is found by address, without reading its UTF-8 or
/// copying it: per peer-benchmark station (about 230 keys) that was a quarter of the copying.
/// Each cached key is held by a strong reference, so while it is cached its address cannot
/// pass to another object. Only exact `str` objects are cached (a subclass may override
/// anything).
pub(crate) struct KeyCache {
    /// How many keys may be cached: `MAX_KEYS` in a batch, 0 for a lone record, whose keys
    /// would only be cached to be dropped.
    limit: usize,
    by_address: HashMap<usize, (u32, u32), foldhash::fast::FixedState>,
    held: Vec<Py<PyString>>,
    text: String,
    /// `text` as the tapes share it: remade only when a record brought new keys.
    shared: Arc<str>,
}

impl Default for KeyCache {
    fn default() -> Self {
        KeyCache {
            limit: MAX_KEYS,
            by_address: HashMap::default(),
            held: Vec::new(),
            text: String::new(),
            shared: Arc::default(),
        }
    }
}

impl KeyCache {
    /// A cache that caches nothing, for reading one record.
    pub(crate) fn none() -> Self {
        KeyCache {
            limit: 0,
            ..KeyCache::default()
        }
    }

    /// The key token of `key` if it is cached or can be.
    fn token(&mut self, key: &Bound<'_, PyString>) -> Option<Tok> {
        let address = key.as_ptr() as usize;
        if let Some(&(start, len)) = self.by_address.get(&address) {
            return Some(Tok::Key(start, len));
        }
        if self.held.len() >= self.limit {
            return None;
        }
        let text = key.to_str().ok().filter(|t| t.len() <= MAX_KEY_LEN)?;
        let (start, len) = self.add_text(text)?;
        self.by_address.insert(address, (start, len));
        self.held.push(key.clone().unbind());
        Some(Tok::Key(start, len))
    }

    /// Adds `text` to the key text (not cached by any address): its span.
    fn add_text(&mut self, text: &str) -> Option<(u32, u32)> {
        let start = u32::try_from(self.text.len()).ok()?;
        let len = u32::try_from(text.len()).ok()?;
        self.text.push_str(text);
        Some((start, len))
    }

    fn text(&self, start: u32, len: u32) -> &str {
        span(&self.text, start, len)
    }

    /// The key text for a tape, shared with the tapes before it while no key is added.
    fn snapshot(&mut self) -> Arc<str> {
        if self.shared.len() != self.text.len() {
            self.shared = Arc::from(self.text.as_str());
        }
        Arc::clone(&self.shared)
    }
}

impl Tape {
    /// Copies `v` (a record dict, or any value) onto a new tape.
    pub(crate) fn write(types: &Types<'_>, v: &Bound<'_, PyAny>) -> Tape {
        Tape::written(types, |tape| tape.value(types, v, 0))
    }

    /// A tape filled by `fill`, sized at the start like the tape before it (records of a
    /// batch are alike, so it need not grow), sharing the batch's key text at the end.
    fn written(types: &Types<'_>, fill: impl FnOnce(&mut Tape)) -> Tape {
        thread_local! {
            static LAST_SIZE: std::cell::Cell<(usize, usize)> = const { std::cell::Cell::new((0, 0)) };
        }
        let (toks, text) = LAST_SIZE.get();
        let mut tape = Tape {
            toks: Vec::with_capacity(toks),
            text: String::with_capacity(text),
            keys: Arc::default(),
        };
        fill(&mut tape);
        LAST_SIZE.set((tape.toks.len(), tape.text.len()));
        tape.keys = types.keys.borrow_mut().snapshot();
        tape
    }

    /// A serde deserializer over the tape.
    pub(crate) fn reader(&self) -> Reader<'_> {
        Reader { tape: self, pos: 0 }
    }

    /// The text of a string or integer under `key` in the root mapping (to name a record whose
    /// id came after the value that made it invalid).
    pub(crate) fn root_text(&self, key: &str) -> Option<String> {
        let Some(Tok::Map(end)) = self.toks.first() else {
            return None;
        };
        let mut i = 1;
        while i < *end as usize {
            let value = self.toks.get(i + 1)?;
            let name = match self.toks.get(i) {
                Some(Tok::Str(s, n)) => self.str(*s, *n),
                Some(Tok::Key(s, n)) => self.key(*s, *n),
                _ => "",
            };
            if name == key {
                return match value {
                    Tok::Str(s, n) => Some(self.str(*s, *n).to_owned()),
                    Tok::Int(x) => Some(x.to_string()),
                    Tok::UInt(x) => Some(x.to_string()),
                    _ => None,
                };
            }
            i = match value {
                Tok::Map(e) | Tok::Seq(e) => *e as usize + 1,
                _ => i + 2,
            };
        }
        None
    }

    fn str(&self, start: u32, len: u32) -> &str {
        span(&self.text, start, len)
    }

    fn key(&self, start: u32, len: u32) -> &str {
        span(&self.keys, start, len)
    }

    fn push_str(&mut self, s: &str) {
        // Records are far below 4 GiB; a longer text would fail the length check, not wrap.
        let (Ok(start), Ok(len)) = (u32::try_from(self.text.len()), u32::try_from(s.len())) else {
            self.bad("text too long".to_owned());
            return;
        };
        self.text.push_str(s);
        self.toks.push(Tok::Str(start, len));
    }

    fn bad(&mut self, message: String) {
        self.toks.push(Tok::Bad(message.into()));
    }

    /// Opens a container; `close` patches in where it ends.
    fn open(&mut self, map: bool) -> usize {
        self.toks.push(if map { Tok::Map(0) } else { Tok::Seq(0) });
        self.toks.len() - 1
    }

    fn close(&mut self, at: usize) {
        let end = u32::try_from(self.toks.len()).unwrap_or(u32::MAX);
        self.toks.push(Tok::End);
        if let Some(Tok::Map(e) | Tok::Seq(e)) = self.toks.get_mut(at) {
            *e = end;
        }
    }

    fn dict(&mut self, types: &Types<'_>, d: &Bound<'_, PyDict>, depth: usize) {
        let at = self.open(true);
        for (key, value) in d.iter() {
            let cached = key
                .cast_exact::<PyString>()
                .ok()
                .and_then(|k| types.keys.borrow_mut().token(k));
            if let Some(tok) = cached {
                self.toks.push(tok);
                self.value(types, &value, depth + 1);
                continue;
            }
            match key.cast::<PyString>() {
                Ok(k) => self.py_str(k),
                Err(_) => self.bad(format!(
                    "keys must be strings, found a key of type {}",
                    convert::type_name(&key)
                )),
            }
            self.value(types, &value, depth + 1);
        }
        self.close(at);
    }

    fn seq<'py>(
        &mut self,
        types: &Types<'py>,
        items: impl Iterator<Item = Bound<'py, PyAny>>,
        depth: usize,
    ) {
        let at = self.open(false);
        for item in items {
            self.value(types, &item, depth + 1);
        }
        self.close(at);
    }

    fn value(&mut self, types: &Types<'_>, v: &Bound<'_, PyAny>, depth: usize) {
        if depth > MAX_DEPTH {
            return self.bad(format!("nested more than {MAX_DEPTH} levels deep"));
        }
        // Exact built-in types first: an exact check is one pointer comparison, while the
        // subclass-aware checks below are function calls under the stable ABI.
        if let Ok(s) = v.cast_exact::<PyString>() {
            return self.py_str(s);
        }
        if let Ok(i) = v.cast_exact::<PyInt>() {
            return self.py_int(i);
        } else if let Ok(b) = v.cast_exact::<PyBool>() {
            return self.toks.push(Tok::Bool(b.is_true()));
        } else if let Ok(d) = v.cast_exact::<PyDict>() {
            return self.dict(types, d, depth);
        } else if let Ok(l) = v.cast_exact::<PyList>() {
            return self.seq(types, l.iter(), depth);
        } else if let Ok(f) = v.cast_exact::<PyFloat>() {
            return self.py_float(f);
        } else if v.is_none() {
            return self.toks.push(Tok::Null);
        }
        if let Ok(s) = v.cast::<PyString>() {
            return self.py_str(s);
        }
        if let Ok(d) = v.cast::<PyDict>() {
            return self.dict(types, d, depth);
        }
        if let Ok(l) = v.cast::<PyList>() {
            return self.seq(types, l.iter(), depth);
        }
        if let Ok(b) = v.cast::<PyBool>() {
            return self.toks.push(Tok::Bool(b.is_true()));
        }
        if let Ok(i) = v.cast::<PyInt>() {
            return self.py_int(i);
        }
        if let Ok(f) = v.cast::<PyFloat>() {
            return self.py_float(f);
        }
        if let Ok(t) = v.cast::<PyTuple>() {
            return self.seq(types, t.iter(), depth);
        }
        self.slow(types, v);
    }

    fn py_str(&mut self, s: &Bound<'_, PyString>) {
        match s.to_str() {
            Ok(t) => self.push_str(t),
            Err(e) => self.bad(e.to_string()),
        }
    }

    fn py_float(&mut self, f: &Bound<'_, PyFloat>) {
        let x = f.value();
        // NaN is missing, as in a DataFrame; infinities reach the seed, which rejects them.
        self.toks
            .push(if x.is_nan() { Tok::Null } else { Tok::Float(x) });
    }

    fn py_int(&mut self, i: &Bound<'_, PyInt>) {
        if let Ok(n) = i.extract::<i64>() {
            self.toks.push(Tok::Int(n));
        } else if let Ok(n) = i.extract::<u64>() {
            self.toks.push(Tok::UInt(n));
        } else {
            self.bad("integer out of range".to_owned());
        }
    }

    /// Dates, missing markers, bytes, and whatever the value converter can turn into JSON.
    fn slow(&mut self, types: &Types<'_>, v: &Bound<'_, PyAny>) {
        match convert::date_value(types, v) {
            Ok(Some(Some(text))) => return self.push_str(&text),
            Ok(Some(None)) => return self.toks.push(Tok::Null),
            Ok(None) => {}
            Err(e) => return self.bad(e.to_string()),
        }
        if convert::is_missing(v) {
            return self.toks.push(Tok::Null);
        }
        if v.is_instance_of::<PyBytes>() {
            return self.bad("bytes are not a record value (decode them to str)".to_owned());
        }
        // numpy scalars and arrays, Decimal, other mappings and sequences.
        match convert::to_json(types, v, 1) {
            Ok(json) => self.json(&json),
            Err(e) => {
                let path = e.path();
                self.bad(if path.is_empty() {
                    e.message
                } else {
                    format!("{path}: {}", e.message)
                });
            }
        }
    }

    fn json(&mut self, j: &J) {
        match j {
            J::Null => self.toks.push(Tok::Null),
            J::Bool(b) => self.toks.push(Tok::Bool(*b)),
            J::Number(n) => self.toks.push(if let Some(i) = n.as_i64() {
                Tok::Int(i)
            } else if let Some(u) = n.as_u64() {
                Tok::UInt(u)
            } else {
                Tok::Float(n.as_f64().unwrap_or(f64::NAN))
            }),
            J::String(s) => self.push_str(s),
            J::Array(items) => {
                let at = self.open(false);
                items.iter().for_each(|x| self.json(x));
                self.close(at);
            }
            J::Object(map) => {
                let at = self.open(true);
                for (k, x) in map {
                    self.push_str(k);
                    self.json(x);
                }
                self.close(at);
            }
        }
    }
}

/// Reads a tape as serde data.
pub(crate) struct Reader<'t> {
    tape: &'t Tape,
    pos: usize,
}

impl<'t> Reader<'t> {
    fn next(&mut self) -> Result<&'t Tok, DeError> {
        let tok = self
            .tape
            .toks
            .get(self.pos)
            .ok_or_else(|| DeError("unexpected end of record".to_owned()))?;
        self.pos += 1;
        Ok(tok)
    }

    fn peek_end(&mut self) -> bool {
        let end = matches!(self.tape.toks.get(self.pos), Some(Tok::End) | None);
        if end {
            self.pos += 1;
        }
        end
    }
}

impl<'de> Deserializer<'de> for &mut Reader<'de> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let tape: &'de Tape = self.tape;
        match self.next()? {
            Tok::Str(s, n) => visitor.visit_borrowed_str(tape.str(*s, *n)),
            Tok::Key(s, n) => visitor.visit_borrowed_str(tape.key(*s, *n)),
            Tok::Int(i) => visitor.visit_i64(*i),
            Tok::UInt(u) => visitor.visit_u64(*u),
            Tok::Float(x) => visitor.visit_f64(*x),
            Tok::Bool(b) => visitor.visit_bool(*b),
            Tok::Null => visitor.visit_unit(),
            Tok::Map(end) => {
                let v = visitor.visit_map(Entries { reader: &mut *self })?;
                // Whatever the visitor left unread ends here.
                self.pos = *end as usize + 1;
                Ok(v)
            }
            Tok::Seq(end) => {
                let v = visitor.visit_seq(Items { reader: &mut *self })?;
                self.pos = *end as usize + 1;
                Ok(v)
            }
            Tok::End => Err(DeError("unexpected end of a mapping or list".to_owned())),
            Tok::Bad(message) => Err(DeError(message.to_string())),
        }
    }

    /// Values of fields the schema does not know are skipped, whatever they hold.
    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        if let Tok::Map(end) | Tok::Seq(end) = self.next()? {
            self.pos = *end as usize + 1;
        }
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier
    }
}

/// The key/value pairs of a mapping.
struct Entries<'r, 't> {
    reader: &'r mut Reader<'t>,
}

impl<'de> MapAccess<'de> for Entries<'_, 'de> {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        if self.reader.peek_end() {
            return Ok(None);
        }
        let tape: &'de Tape = self.reader.tape;
        match self.reader.next()? {
            Tok::Key(s, n) => seed
                .deserialize(de::value::BorrowedStrDeserializer::new(tape.key(*s, *n)))
                .map(Some),
            Tok::Str(s, n) => seed
                .deserialize(de::value::BorrowedStrDeserializer::new(tape.str(*s, *n)))
                .map(Some),
            Tok::Bad(message) => Err(DeError(message.to_string())),
            _ => Err(DeError("keys must be strings".to_owned())),
        }
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, DeError> {
        seed.deserialize(&mut *self.reader)
    }
}

/// The items of a list.
struct Items<'r, 't> {
    reader: &'r mut Reader<'t>,
}

impl<'de> SeqAccess<'de> for Items<'_, 'de> {
    type Error = DeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DeError> {
        if self.reader.peek_end() {
            return Ok(None);
        }
        seed.deserialize(&mut *self.reader).map(Some)
    }
}
