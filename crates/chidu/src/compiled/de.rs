//! Field types of generated record structs. Each accepts exactly what the engine's record
//! reader accepts for its schema type, or less (never more): anything it refuses sends the
//! record to the engine, which then gives the usual result or error.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, SeqAccess, Visitor};

/// A scalar read with one `deserialize_any` call, `null` included: what [`Opt`] wraps.
pub trait Nullable<'de>: Sized {
    /// Reads the value; `None` for `null`.
    fn read<D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error>;
}

/// An optional scalar field: absent or `null` is `None`. One `deserialize_any` call reads it
/// (serde's `Option` first peeks for `null`, then deserializes again).
#[derive(Debug)]
pub struct Opt<T>(pub Option<T>);

impl<T> Opt<T> {
    /// The value, if present.
    #[inline]
    pub fn as_ref(&self) -> Option<&T> {
        self.0.as_ref()
    }
}

impl<T> Default for Opt<T> {
    fn default() -> Self {
        Opt(None)
    }
}

impl<'de, T: Nullable<'de>> Deserialize<'de> for Opt<T> {
    #[inline]
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::read(d).map(Opt)
    }
}

/// An optional scalar field no check reads: validated as `T` (so the record is accepted
/// exactly when the engine accepts it), not stored.
#[derive(Debug)]
pub struct Seen<T>(PhantomData<T>);

impl<T> Default for Seen<T> {
    fn default() -> Self {
        Seen(PhantomData)
    }
}

impl<'de, T: Nullable<'de>> Deserialize<'de> for Seen<T> {
    #[inline]
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::read(d).map(|_| Seen(PhantomData))
    }
}

/// A required scalar: `null` is refused.
fn required<'de, T: Nullable<'de>, D: Deserializer<'de>>(d: D) -> Result<T, D::Error> {
    T::read(d)?.ok_or_else(|| de::Error::custom("null"))
}

/// A `string` field, borrowed from the input when it has no escapes.
#[derive(Debug)]
pub struct Text<'a>(pub Cow<'a, str>);

impl Text<'_> {
    /// The text.
    #[inline]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

struct TextVisitor;

impl<'de> Visitor<'de> for TextVisitor {
    type Value = Option<Cow<'de, str>>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<Self::Value, E> {
        Ok(Some(Cow::Borrowed(s)))
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
        Ok(Some(Cow::Owned(s.to_owned())))
    }
    fn visit_string<E: de::Error>(self, s: String) -> Result<Self::Value, E> {
        Ok(Some(Cow::Owned(s)))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

impl<'de: 'a, 'a> Nullable<'de> for Text<'a> {
    #[inline]
    fn read<D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
        Ok(d.deserialize_any(TextVisitor)?.map(Text))
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        required(d)
    }
}

/// The values of one `enum` field in schema order; generated code implements it once per
/// enum, and [`Enum`] reads them.
pub trait Values {
    /// The values; a field holds the index of one.
    const VALUES: &'static [&'static str];
}

/// An `enum` field: the index of its value in `V::VALUES`; any other string is refused.
#[derive(Debug)]
pub struct Enum<V>(pub u32, PhantomData<V>);

impl<'de, V: Values> Deserialize<'de> for Enum<V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = Text::deserialize(d)?;
        V::VALUES
            .iter()
            .position(|v| *v == text.as_str())
            .map(|i| Enum(i as u32, PhantomData))
            .ok_or_else(|| de::Error::custom("not a value of the enum"))
    }
}

/// A `number` field: any finite JSON number.
#[derive(Debug, Clone, Copy)]
pub struct Num(pub f64);

/// An `int` field: a whole number, as the engine reads it (`3.0` is 3; beyond ±9e15 only as
/// an integer literal that fits in 64 bits).
#[derive(Debug, Clone, Copy)]
pub struct Int(pub f64);

/// A `date` field: a strict `YYYY-MM-DD` string, as days since 1970-01-01.
#[derive(Debug, Clone, Copy)]
pub struct Date(pub i32);

struct NumVisitor {
    int: bool,
}

impl Visitor<'_> for NumVisitor {
    type Value = Option<f64>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a number")
    }
    fn visit_i64<E: de::Error>(self, i: i64) -> Result<Option<f64>, E> {
        Ok(Some(i as f64))
    }
    fn visit_u64<E: de::Error>(self, u: u64) -> Result<Option<f64>, E> {
        match i64::try_from(u) {
            Ok(i) => Ok(Some(i as f64)),
            Err(_) if !self.int => Ok(Some(u as f64)),
            Err(_) => Err(E::custom("integer out of range")),
        }
    }
    fn visit_f64<E: de::Error>(self, n: f64) -> Result<Option<f64>, E> {
        if !n.is_finite() {
            return Err(E::custom("not a finite number"));
        }
        if !self.int {
            return Ok(Some(n));
        }
        crate::value::whole(n)
            .map(|i| Some(i as f64))
            .ok_or_else(|| E::custom("not a whole number"))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Option<f64>, E> {
        Ok(None)
    }
    fn visit_none<E: de::Error>(self) -> Result<Option<f64>, E> {
        Ok(None)
    }
}

impl<'de> Nullable<'de> for Num {
    #[inline]
    fn read<D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
        Ok(d.deserialize_any(NumVisitor { int: false })?.map(Num))
    }
}

impl<'de> Nullable<'de> for Int {
    #[inline]
    fn read<D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
        Ok(d.deserialize_any(NumVisitor { int: true })?.map(Int))
    }
}

impl<'de> Nullable<'de> for Date {
    #[inline]
    fn read<D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
        match d.deserialize_any(TextVisitor)? {
            None => Ok(None),
            Some(text) => crate::value::parse_date(&text)
                .map(|days| Some(Date(days)))
                .ok_or_else(|| de::Error::custom("not a YYYY-MM-DD date")),
        }
    }
}

struct BoolVisitor;

impl Visitor<'_> for BoolVisitor {
    type Value = Option<bool>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("true or false")
    }
    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Option<bool>, E> {
        Ok(Some(b))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Option<bool>, E> {
        Ok(None)
    }
    fn visit_none<E: de::Error>(self) -> Result<Option<bool>, E> {
        Ok(None)
    }
}

impl<'de> Nullable<'de> for bool {
    #[inline]
    fn read<D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
        d.deserialize_any(BoolVisitor)
    }
}

impl<'de> Deserialize<'de> for Num {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        required(d)
    }
}

impl<'de> Deserialize<'de> for Int {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        required(d)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        required(d)
    }
}

/// An object (a generated struct): read from a JSON mapping only. serde's derive also reads a
/// struct from a list of its fields in order, which the engine refuses.
#[derive(Debug)]
pub struct Obj<T>(pub T);

impl<T> std::ops::Deref for Obj<T> {
    type Target = T;
    #[inline]
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Obj<T> {
    #[inline]
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Obj<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping")
            }
            fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Obj<T>, A::Error> {
                T::deserialize(de::value::MapAccessDeserializer::new(map)).map(Obj)
            }
        }
        d.deserialize_map(V(PhantomData))
    }
}

/// A `list` field: at most as many items as the engine accepts.
#[derive(Debug)]
pub struct List<T>(pub Vec<T>);

impl<T> List<T> {
    /// The items.
    #[inline]
    pub fn items(&self) -> &[T] {
        &self.0
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for List<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = List<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<List<T>, A::Error> {
                // JSON gives no length: start where most lists of a record end, so growing
                // them does not dominate (peer stations: up to 40 services).
                let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(16).min(64));
                // As the engine: a list of exactly the limit is already refused.
                loop {
                    if items.len() >= crate::record::MAX_LIST {
                        return Err(de::Error::custom("list too long"));
                    }
                    match seq.next_element()? {
                        Some(item) => items.push(item),
                        None => return Ok(List(items)),
                    }
                }
            }
        }
        d.deserialize_seq(V(PhantomData))
    }
}
