//! The schema-driven deserializer: one `DeserializeSeed` per schema node, so JSON goes straight
//! into typed slots without a generic value tree.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::RecordError;
use crate::model::Model;
use crate::report::RecordWarning;
use crate::schema::{FieldTy, ObjId, ROOT};
use crate::value::{Span, Value, parse_date};

/// Stands for a value that was validated but not stored (no rule reads it).
const PRESENT: Value = Value::Bool(true);

/// Drops a value without calling its drop glue when it owns no heap memory. Each field read
/// drops one value (the slot's `Missing`, or a value no rule keeps), and `*slot = v` had
/// become an out-of-line `drop_in_place` call per field: 5–6k instructions per peer station.
/// With this, peer end to end per station: `dist` 233.5k → 231.9k, `release` 249.1k → 243.8k
/// (callgrind).
#[inline(always)]
fn discard(v: Value) {
    if owns_heap(&v) {
        drop(v);
    } else {
        std::mem::forget(v);
    }
}

/// Whether dropping `v` frees memory (a long string; list constants never occur in records).
#[inline(always)]
pub(crate) fn owns_heap(v: &Value) -> bool {
    match v {
        Value::Str(s) => s.is_heap_allocated(),
        Value::Consts(_) => true,
        _ => false,
    }
}

/// Longest list accepted in a record.
pub(crate) const MAX_LIST: usize = 1_000_000;

/// A path segment; field names borrow from the schema, so naming a path costs no allocation.
#[derive(Clone, Copy)]
enum Seg<'m> {
    Field(&'m str),
    Index(usize),
}

pub(crate) struct Ctx<'m> {
    model: &'m Model,
    /// The path of a failure, innermost segment first: each level adds its segment as the
    /// error passes through it, so reading a valid record tracks no path at all.
    trail: Vec<Seg<'m>>,
    /// Unknown fields, with paths relative to the object being read until each enclosing
    /// level prefixes its segment on the way out.
    pub(crate) warnings: Vec<crate::report::RecordWarning>,
    failure: Option<String>,
    /// The root id field's slot, and the text of its value once read (string or integer, noted
    /// before it is type-checked), so an error names the record when the id came first.
    id_slot: Option<u32>,
    id: Option<String>,
    /// Items of the lists being read, innermost last; each list moves to `arena` as one
    /// contiguous range when it ends. (Objects are laid out in `arena` directly: their slot
    /// count is known when they start.)
    stack: Vec<Value>,
    arena: Vec<Value>,
    /// Where in `arena` the values that own heap memory are, so a record is freed without
    /// visiting each of its values (`Record`'s `Drop`).
    heap: Vec<u32>,
    /// The same for list items still on `stack`: their positions there, ascending.
    stack_heap: Vec<u32>,
}

/// Largest arena size carried over as the next record's first guess (values of 24 bytes).
const MAX_ARENA_HINT: usize = 1 << 16;

thread_local! {
    /// The previous record's stack, kept for its capacity.
    static STACK: std::cell::Cell<Vec<Value>> = const { std::cell::Cell::new(Vec::new()) };
    /// The previous record's arena size, to size the next arena in one allocation.
    static ARENA_HINT: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

impl Drop for Ctx<'_> {
    fn drop(&mut self) {
        let mut stack = std::mem::take(&mut self.stack);
        stack.clear();
        STACK.with(|s| s.set(stack));
    }
}

impl<'m> Ctx<'m> {
    pub(crate) fn new(model: &'m Model) -> Self {
        Ctx {
            model,
            trail: Vec::new(),
            warnings: Vec::new(),
            failure: None,
            id_slot: model
                .schema
                .root()
                .field(&model.schema.id_field)
                .map(|(slot, _)| slot),
            id: None,
            stack: STACK.with(std::cell::Cell::take),
            arena: Vec::with_capacity(ARENA_HINT.with(std::cell::Cell::get)),
            heap: Vec::new(),
            stack_heap: Vec::new(),
        }
    }

    /// Moves the list items from `start` up the stack into the arena.
    fn seal(&mut self, start: usize) -> Span {
        let begin = self.arena.len();
        while let Some(&at) = self.stack_heap.last()
            && at as usize >= start
        {
            self.stack_heap.pop();
            self.heap.push(index(begin + (at as usize - start)));
        }
        self.arena.extend(self.stack.drain(start..));
        Span::new(begin, self.arena.len() - begin)
    }

    /// The warnings, the arena and where in it heap memory is owned, of a record read to the
    /// end.
    pub(crate) fn finish(mut self) -> (Vec<RecordWarning>, Vec<Value>, Vec<u32>) {
        let mut arena = std::mem::take(&mut self.arena);
        ARENA_HINT.with(|h| h.set(arena.len().min(MAX_ARENA_HINT)));
        // Sized for the previous record: give back a large excess, since records may be kept
        // by the thousand (shrinking in place is cheap).
        if arena.capacity() > arena.len() + arena.len() / 2 {
            arena.shrink_to_fit();
        }
        (
            std::mem::take(&mut self.warnings),
            arena,
            std::mem::take(&mut self.heap),
        )
    }

    fn path_string(&self) -> String {
        let mut s = String::new();
        for seg in self.trail.iter().rev() {
            match seg {
                Seg::Field(f) => {
                    if !s.is_empty() {
                        s.push('.');
                    }
                    s.push_str(f);
                }
                Seg::Index(i) => s.push_str(&format!("[{i}]")),
            }
        }
        s
    }

    fn fail<E: de::Error>(&mut self, message: String) -> E {
        if self.failure.is_none() {
            self.failure = Some(message.clone());
        }
        E::custom(message)
    }

    /// Prefixes `seg` to the paths of the warnings from `from` on (raised inside it).
    fn prefix_warnings(&mut self, from: usize, seg: Seg<'_>) {
        for w in self.warnings.iter_mut().skip(from) {
            let dot = if w.path.starts_with('[') { "" } else { "." };
            w.path = match seg {
                Seg::Field(f) => format!("{f}{dot}{}", w.path),
                Seg::Index(i) => format!("[{i}]{dot}{}", w.path),
            };
        }
    }

    /// The error for a record that failed to read; `record` is asked for its id only when the
    /// id was not read before the failure.
    pub(crate) fn into_error(
        mut self,
        fallback: String,
        record: impl FnOnce() -> Option<String>,
    ) -> RecordError {
        let record = self.id.take().or_else(record);
        RecordError {
            record,
            path: self.path_string(),
            message: self.failure.take().unwrap_or(fallback),
        }
    }
}

/// An arena or stack position as stored (records are bounded far below 4 G values).
fn index(at: usize) -> u32 {
    u32::try_from(at).unwrap_or(u32::MAX)
}

pub(crate) fn read_root<'de, D: Deserializer<'de>>(ctx: &mut Ctx, de: D) -> Result<Span, D::Error> {
    match (ObjSeed {
        ctx,
        obj: ROOT,
        keep: true,
    })
    .deserialize(de)?
    {
        Value::Obj(root) => Ok(root),
        _ => Err(de::Error::custom("a record must be a mapping")),
    }
}

struct ObjSeed<'c, 'm> {
    ctx: &'c mut Ctx<'m>,
    obj: ObjId,
    keep: bool,
}

impl<'de, 'm> DeserializeSeed<'de> for ObjSeed<'_, 'm> {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Value, D::Error> {
        de.deserialize_any(self)
    }
}

impl<'de, 'm> Visitor<'de> for ObjSeed<'_, 'm> {
    type Value = Value;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a mapping")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Missing)
    }
    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Missing)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let model: &'m Model = self.ctx.model;
        let schema = model.schema.obj(self.obj);
        let used = model.used.slots.get(self.obj as usize);
        // The slots are laid out in the arena now; nested objects and lists go after them.
        let start = self.ctx.arena.len();
        if self.keep {
            self.ctx
                .arena
                .resize_with(start + schema.fields.len(), || Value::Missing);
        }
        // Presence is tracked only for required fields (usually just the record id); a bit
        // each for the first 64, which is all a schema has in practice.
        let mut present = 0u64;
        let mut present_beyond = vec![false; schema.required.len().saturating_sub(64)];
        // Records usually list fields in schema order: try the slot after the last one first.
        let mut next_slot = 0u32;
        while let Some(key) = map.next_key_seed(KeyLookup {
            obj: schema,
            hint: next_slot,
        })? {
            let (slot, field) = match key {
                Key::Known(slot) => match schema.fields.get(slot as usize) {
                    Some(f) => {
                        next_slot = slot + 1;
                        (slot, f)
                    }
                    None => continue,
                },
                Key::Unknown(name) => {
                    // Listed wherever they are, also under fields no rule reads (SPEC §9).
                    if self.ctx.warnings.len() < 100 {
                        self.ctx.warnings.push(RecordWarning {
                            path: name,
                            message: "unknown field".to_owned(),
                        });
                    }
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
            };
            let keep = self.keep
                && used
                    .and_then(|u| u.get(slot as usize))
                    .copied()
                    .unwrap_or(true);
            let note_id = self.obj == ROOT && self.ctx.id_slot == Some(slot);
            let warned = self.ctx.warnings.len();
            let v = match map.next_value_seed(FieldSeed {
                ctx: self.ctx,
                ty: &field.ty,
                keep,
                note_id,
            }) {
                Ok(v) => v,
                Err(e) => {
                    self.ctx.trail.push(Seg::Field(&field.name));
                    return Err(e);
                }
            };
            if self.ctx.warnings.len() > warned {
                self.ctx.prefix_warnings(warned, Seg::Field(&field.name));
            }
            if !schema.required.is_empty()
                && !matches!(v, Value::Missing)
                && let Some(i) = schema.required.iter().position(|&r| r == slot)
            {
                match present_beyond.get_mut(i.wrapping_sub(64)) {
                    Some(p) => *p = true,
                    None => present |= 1 << (i % 64),
                }
            }
            if keep && let Some(s) = self.ctx.arena.get_mut(start + slot as usize) {
                if owns_heap(&v) {
                    self.ctx.heap.push(index(start + slot as usize));
                }
                discard(std::mem::replace(s, v));
            } else {
                discard(v);
            }
        }
        for (i, &slot) in schema.required.iter().enumerate() {
            let seen = match present_beyond.get(i.wrapping_sub(64)) {
                Some(p) => *p,
                None => present & (1 << (i % 64)) != 0,
            };
            if !seen && let Some(f) = schema.fields.get(slot as usize) {
                self.ctx.trail.push(Seg::Field(&f.name));
                return Err(self.ctx.fail("required field is missing".to_owned()));
            }
        }
        // A value that is validated but not kept is marked present with a placeholder.
        Ok(if self.keep {
            Value::Obj(Span::new(start, schema.fields.len()))
        } else {
            PRESENT
        })
    }
    fn visit_seq<A: SeqAccess<'de>>(self, _seq: A) -> Result<Value, A::Error> {
        Err(self.ctx.fail("expected a mapping, found a list".to_owned()))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Err(self
            .ctx
            .fail(format!("expected a mapping, found the string {v:?}")))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Value, E> {
        Err(self
            .ctx
            .fail("expected a mapping, found a boolean".to_owned()))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Value, E> {
        Err(self
            .ctx
            .fail("expected a mapping, found a number".to_owned()))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Value, E> {
        Err(self
            .ctx
            .fail("expected a mapping, found a number".to_owned()))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Value, E> {
        Err(self
            .ctx
            .fail("expected a mapping, found a number".to_owned()))
    }
}

struct FieldSeed<'c, 'm, 't> {
    ctx: &'c mut Ctx<'m>,
    ty: &'t FieldTy,
    keep: bool,
    /// This is the root id field: note its text.
    note_id: bool,
}

impl<'de, 'm> DeserializeSeed<'de> for FieldSeed<'_, 'm, '_> {
    type Value = Value;
    // Inlined into each field's read: left to itself, LTO keeps it out of line in some builds
    // (a binary with one more caller of `parse_json` read records 4% slower).
    #[inline]
    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Value, D::Error> {
        match self.ty {
            FieldTy::Object(obj) => (ObjSeed {
                ctx: self.ctx,
                obj: *obj,
                keep: self.keep,
            })
            .deserialize(de),
            _ => de.deserialize_any(self),
        }
    }
}

impl<'m> FieldSeed<'_, 'm, '_> {
    fn expected(&self) -> String {
        match self.ty {
            FieldTy::String => "a string".into(),
            FieldTy::Int => "an integer".into(),
            FieldTy::Number => "a number".into(),
            FieldTy::Bool => "true or false".into(),
            FieldTy::Date => "a YYYY-MM-DD date".into(),
            FieldTy::Enum(e) => format!(
                "one of: {}",
                self.ctx.model.schema.enum_values(*e).join(", ")
            ),
            FieldTy::Object(_) => "a mapping".into(),
            FieldTy::List(_) => "a list".into(),
        }
    }
    fn wrong<E: de::Error>(self, found: &str) -> E {
        let msg = format!("expected {}, found {found}", self.expected());
        self.ctx.fail(msg)
    }
    fn number<E: de::Error>(self, n: f64, int: Option<i64>) -> Result<Value, E> {
        if !n.is_finite() {
            return Err(self.ctx.fail(format!("{n} is not a finite number")));
        }
        match self.ty {
            FieldTy::Number => Ok(if self.keep { Value::Num(n) } else { PRESENT }),
            FieldTy::Int => match int {
                Some(i) => Ok(Value::Int(i)),
                None => match crate::value::whole(n) {
                    Some(i) => Ok(Value::Int(i)),
                    None => Err(self.wrong(&format!("{n}"))),
                },
            },
            _ => Err(self.wrong(&format!("the number {n}"))),
        }
    }
}

impl<'de, 'm> Visitor<'de> for FieldSeed<'_, 'm, '_> {
    type Value = Value;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a value of the record schema")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Missing)
    }
    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Missing)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        self.deserialize(d)
    }
    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Value, E> {
        match self.ty {
            FieldTy::Bool => Ok(Value::Bool(b)),
            _ => Err(self.wrong(&format!("{b}"))),
        }
    }
    fn visit_i64<E: de::Error>(self, i: i64) -> Result<Value, E> {
        if self.note_id {
            self.ctx.id = Some(i.to_string());
        }
        self.number(i as f64, Some(i))
    }
    fn visit_u64<E: de::Error>(self, u: u64) -> Result<Value, E> {
        if self.note_id {
            self.ctx.id = Some(u.to_string());
        }
        self.number(u as f64, i64::try_from(u).ok())
    }
    fn visit_f64<E: de::Error>(self, f: f64) -> Result<Value, E> {
        self.number(f, None)
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<Value, E> {
        if self.note_id {
            self.ctx.id = Some(s.to_owned());
        }
        match self.ty {
            FieldTy::String => Ok(if self.keep {
                Value::Str(s.into())
            } else {
                PRESENT
            }),
            FieldTy::Date => match parse_date(s) {
                Some(d) => Ok(Value::Date(d)),
                None => Err(self.wrong(&format!("{s:?}"))),
            },
            FieldTy::Enum(e) => match self
                .ctx
                .model
                .schema
                .enum_values(*e)
                .iter()
                .position(|v| v == s)
            {
                Some(i) => Ok(Value::Enum(i as u32)),
                None => {
                    let values = self.ctx.model.schema.enum_values(*e);
                    let hint = crate::diag::did_you_mean(s, values.iter().map(String::as_str))
                        .map(|h| format!(" ({h})"))
                        .unwrap_or_default();
                    let msg = format!("{s:?} is not one of: {}{hint}", values.join(", "));
                    Err(self.ctx.fail(msg))
                }
            },
            _ => Err(self.wrong(&format!("the string {s:?}"))),
        }
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let FieldTy::List(item) = self.ty else {
            return Err(self.wrong("a list"));
        };
        let start = self.ctx.stack.len();
        let mut i = 0usize;
        loop {
            if i >= MAX_LIST {
                return Err(self.ctx.fail(format!("list longer than {MAX_LIST} items")));
            }
            let warned = self.ctx.warnings.len();
            let next = match seq.next_element_seed(FieldSeed {
                ctx: self.ctx,
                ty: item,
                keep: self.keep,
                note_id: false,
            }) {
                Ok(next) => next,
                Err(e) => {
                    self.ctx.trail.push(Seg::Index(i));
                    return Err(e);
                }
            };
            if self.ctx.warnings.len() > warned {
                self.ctx.prefix_warnings(warned, Seg::Index(i));
            }
            match next {
                Some(v) => {
                    if self.keep {
                        if owns_heap(&v) {
                            let at = index(self.ctx.stack.len());
                            self.ctx.stack_heap.push(at);
                        }
                        self.ctx.stack.push(v);
                    }
                }
                None => break,
            }
            i += 1;
        }
        Ok(if self.keep {
            Value::List(self.ctx.seal(start))
        } else {
            PRESENT
        })
    }
    fn visit_map<A: MapAccess<'de>>(self, _map: A) -> Result<Value, A::Error> {
        Err(self.wrong("a mapping"))
    }
}

/// A key resolved against the object schema without allocating for known fields.
enum Key {
    Known(u32),
    Unknown(String),
}

struct KeyLookup<'s> {
    obj: &'s crate::schema::ObjSchema,
    /// The slot to try before searching.
    hint: u32,
}

impl<'de> DeserializeSeed<'de> for KeyLookup<'_> {
    type Value = Key;
    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Key, D::Error> {
        de.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeyLookup<'_> {
    type Value = Key;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a field name")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Key, E> {
        if self
            .obj
            .fields
            .get(self.hint as usize)
            .is_some_and(|f| f.is_named(v))
        {
            return Ok(Key::Known(self.hint));
        }
        Ok(match self.obj.slot_of(v) {
            Some(slot) => Key::Known(slot),
            None => Key::Unknown(v.to_owned()),
        })
    }
}
