//! Field types of generated record structs. Each accepts exactly what the engine's record
//! reader accepts for its schema type, or less (never more): anything it refuses sends the
//! record to the engine, which then gives the usual result or error.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, SeqAccess, Visitor};

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

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Borrowed(s)))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(s.to_owned())))
            }
            fn visit_string<E: de::Error>(self, s: String) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(s)))
            }
        }
        d.deserialize_str(V)
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
    type Value = f64;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a number")
    }
    fn visit_i64<E: de::Error>(self, i: i64) -> Result<f64, E> {
        Ok(i as f64)
    }
    fn visit_u64<E: de::Error>(self, u: u64) -> Result<f64, E> {
        match i64::try_from(u) {
            Ok(i) => Ok(i as f64),
            Err(_) if !self.int => Ok(u as f64),
            Err(_) => Err(E::custom("integer out of range")),
        }
    }
    fn visit_f64<E: de::Error>(self, n: f64) -> Result<f64, E> {
        if !n.is_finite() {
            return Err(E::custom("not a finite number"));
        }
        if !self.int {
            return Ok(n);
        }
        crate::value::whole(n)
            .map(|i| i as f64)
            .ok_or_else(|| E::custom("not a whole number"))
    }
}

impl<'de> Deserialize<'de> for Num {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NumVisitor { int: false }).map(Num)
    }
}

impl<'de> Deserialize<'de> for Int {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NumVisitor { int: true }).map(Int)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = Text::deserialize(d)?;
        crate::value::parse_date(text.as_str())
            .map(Date)
            .ok_or_else(|| de::Error::custom("not a YYYY-MM-DD date"))
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
                let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
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
