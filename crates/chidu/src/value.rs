//! Values: the typed record layout (`Value`) and the borrowed view evaluation works on (`V`).

/// A value in a record or a constant, laid out by the record schema: objects are slot arrays
/// in schema field order, enums are indexes into their value list, dates are days since
/// 1970-01-01 (parsed once when the record is read).
///
/// A record's objects and lists live in one flat arena per record (`Obj`/`List` are ranges of
/// it): reading a record allocates once instead of once per object, and evaluation walks
/// contiguous memory.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    /// Absent or null.
    Missing,
    Bool(bool),
    Int(i64),
    Num(f64),
    /// Short strings (up to 24 bytes: types, codes, names) are stored inline, so reading a
    /// record allocates nothing for them.
    Str(compact_str::CompactString),
    Date(i32),
    Enum(u32),
    /// An object's slots in the record's arena.
    Obj(Span),
    /// A list's items in the record's arena.
    List(Span),
    /// A list constant of the compiled pack; its items are scalars.
    Consts(Box<[Value]>),
}

/// A range of a record's value arena.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span {
    pub(crate) start: u32,
    pub(crate) len: u32,
}

impl Span {
    /// The range `start..start + len` of an arena. Records are bounded far below 4 G values
    /// (file size and list limits), so the conversions do not saturate in practice.
    pub(crate) fn new(start: usize, len: usize) -> Span {
        Span {
            start: u32::try_from(start).unwrap_or(u32::MAX),
            len: u32::try_from(len).unwrap_or(0),
        }
    }

    #[inline]
    pub(crate) fn slice(self, arena: &[Value]) -> &[Value] {
        let start = self.start as usize;
        arena.get(start..start + self.len as usize).unwrap_or(&[])
    }
}

/// What evaluation sees: a cheap copyable view borrowing from the record or the compiled pack.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum V<'a> {
    Missing,
    Bool(bool),
    Num(f64),
    Str(&'a str),
    Date(i32),
    Enum(u32),
    Obj(&'a [Value]),
    List(&'a [Value]),
}

impl Value {
    /// The view of a record value; `arena` is the record's (objects and lists are ranges of it).
    #[inline]
    pub(crate) fn view<'a>(&'a self, arena: &'a [Value]) -> V<'a> {
        match self {
            Value::Missing => V::Missing,
            Value::Bool(b) => V::Bool(*b),
            Value::Int(i) => V::Num(*i as f64),
            Value::Num(n) => V::Num(*n),
            Value::Str(s) => V::Str(s.as_str()),
            Value::Date(d) => V::Date(*d),
            Value::Enum(e) => V::Enum(*e),
            Value::Obj(o) => V::Obj(o.slice(arena)),
            Value::List(l) => V::List(l.slice(arena)),
            Value::Consts(c) => V::List(c),
        }
    }

    /// The view of a constant (never a range of an arena).
    #[inline]
    pub(crate) fn view_const(&self) -> V<'_> {
        self.view(&[])
    }
}

impl V<'_> {
    #[inline]
    pub(crate) fn is_missing(self) -> bool {
        matches!(self, V::Missing)
    }
}

/// Equality on views of the same static type; `None` when either side is missing.
#[inline]
pub(crate) fn equal(a: V, b: V) -> Option<bool> {
    Some(match (a, b) {
        (V::Missing, _) | (_, V::Missing) => return None,
        (V::Bool(x), V::Bool(y)) => x == y,
        (V::Num(x), V::Num(y)) => x == y,
        (V::Str(x), V::Str(y)) => x == y,
        (V::Date(x), V::Date(y)) => x == y,
        (V::Enum(x), V::Enum(y)) => x == y,
        _ => false,
    })
}

/// `n` as an integer when it is whole and exactly representable (|n| < 9e15): the one test for
/// writing a number as an integer, wherever records are read or reports shown (bindings use it
/// to show report numbers as the JSON does).
#[inline]
pub fn whole(n: f64) -> Option<i64> {
    if n.abs() < 9.0e15 {
        let i = n as i64;
        (i as f64 == n).then_some(i)
    } else {
        None
    }
}

/// Days since 1970-01-01 for a valid civil date of years 0..=9999 (Howard Hinnant's
/// algorithm). The year is counted from March, so the leap day comes last, and shifted by one
/// 400-year cycle (146,097 days) so that every division is unsigned: January and February of
/// year 0 belong to year −1. About half the instructions of the signed form, per date read.
#[inline]
pub(crate) fn days_from_civil(y: u32, m: u32, d: u32) -> i32 {
    let (y, m) = if m <= 2 {
        (y + 399, m + 9)
    } else {
        (y + 400, m - 3)
    };
    let days = y * 365 + y / 4 - y / 100 + y / 400 + (153 * m + 2) / 5 + d - 1;
    days as i32 - 719_468 - 146_097
}

/// Inverse of [`days_from_civil`].
pub(crate) fn civil_from_days(z: i32) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Parses a strict `YYYY-MM-DD` date (rejects 2024-02-30) into days since the epoch.
///
/// Digits and the calendar are checked by hand: records hold dozens of dates each, and the
/// string-to-int parses plus `jiff`'s constructor cost about 140 instructions per date. A
/// test checks it against `jiff` on every month of a range of years.
pub(crate) fn parse_date(s: &str) -> Option<i32> {
    // The eight digits are checked and combined as one word (SWAR), not one by one: records
    // carry dozens of dates (45 per peer station), and per date this is about half the
    // instructions of the digit-by-digit version.
    const HIGH: u64 = 0xF0F0_F0F0_F0F0_F0F0;
    const ZEROS: u64 = 0x3030_3030_3030_3030;
    let b: &[u8; 10] = s.as_bytes().try_into().ok()?;
    if b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let word = |i: usize| u64::from(u16::from_le_bytes([b[i], b[i + 1]]));
    let w = word(0) | word(2) << 16 | word(5) << 32 | word(8) << 48;
    // Every byte is 0x30..=0x39: its high nibble is 3 and stays 3 after adding 6 (no byte can
    // carry into the next once the first test holds).
    if w & HIGH != ZEROS || w.wrapping_add(0x0606_0606_0606_0606) & HIGH != ZEROS {
        return None;
    }
    let digits = w & 0x0F0F_0F0F_0F0F_0F0F;
    // Pairs of digits in 16-bit lanes: YY, YY, MM, DD (the first character is the low byte).
    let pairs = (digits & 0x00FF_00FF_00FF_00FF) * 10 + ((digits >> 8) & 0x00FF_00FF_00FF_00FF);
    let lane = |i: u32| ((pairs >> (16 * i)) & 0xFFFF) as u32;
    let (y, m, d) = (lane(0) * 100 + lane(1), lane(2), lane(3));
    let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    let month_len = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    if d == 0 || d > month_len {
        return None;
    }
    Some(days_from_civil(y, m, d))
}

/// `YYYY-MM-DD` for days since the epoch.
pub(crate) fn format_date(days: i32) -> String {
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_date_agrees_with_jiff() {
        let years = (0..=30).chain(1890..=2110).chain(9980..=9999);
        for y in years {
            for m in 0..=13 {
                for d in 0..=32 {
                    let text = format!("{y:04}-{m:02}-{d:02}");
                    let want = jiff::civil::Date::new(y as i16, m as i8, d as i8)
                        .ok()
                        .map(|_| days_from_civil(y, m, d));
                    assert_eq!(parse_date(&text), want, "{text}");
                }
            }
        }
        for bad in [
            "2024-1-01",
            "2024/01/01",
            "２０２４-01-01",
            "2024-01-0a",
            "2024-01-0:",
            "2024-01-/1",
            "20:4-01-01",
            "2024-0\u{7f}-01",
            "2024-01-01\u{0}",
            "2024-01-é",
            "+024-01-01",
            "",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn days_from_civil_agrees_with_jiff_and_civil_from_days() {
        let epoch = jiff::civil::date(1970, 1, 1);
        let years = (0..=30).chain(1890..=2110).chain(9980..=9999);
        for y in years {
            for m in 1..=12u32 {
                for d in 1..=31u32 {
                    let Ok(date) = jiff::civil::Date::new(y as i16, m as i8, d as i8) else {
                        continue;
                    };
                    let want = date.duration_since(epoch).as_secs() / 86_400;
                    let days = days_from_civil(y, m, d);
                    assert_eq!(i64::from(days), want, "{date}");
                    assert_eq!(civil_from_days(days), (y as i32, m, d), "{date}");
                }
            }
        }
    }

    #[test]
    fn parse_date_takes_only_ascii_digits_in_every_digit_position() {
        let valid = *b"2024-02-29";
        for pos in [0, 1, 2, 3, 5, 6, 8, 9] {
            for byte in 0u8..=127 {
                let mut text = valid;
                text[pos] = byte;
                let Ok(text) = std::str::from_utf8(&text) else {
                    continue;
                };
                let want = jiff::civil::Date::strptime("%Y-%m-%d", text)
                    .ok()
                    .filter(|_| byte.is_ascii_digit())
                    .map(|d| days_from_civil(d.year() as u32, d.month() as u32, d.day() as u32));
                assert_eq!(parse_date(text), want, "{text:?}");
            }
        }
    }

    #[test]
    fn whole_agrees_with_fract() {
        for n in [
            0.0,
            -0.0,
            1.0,
            -3.0,
            0.5,
            -2.5,
            1e-300,
            8.9e15,
            9.0e15,
            -9.0e15,
            2f64.powi(53),
            1e300,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            123_456.75,
        ] {
            let expected = (n.fract() == 0.0 && n.abs() < 9.0e15).then_some(n as i64);
            assert_eq!(whole(n), expected, "{n}");
        }
    }

    #[test]
    fn dates_round_trip_and_reject_impossible_days() {
        for s in [
            "1970-01-01",
            "2024-02-29",
            "2026-11-30",
            "1999-12-31",
            "2000-03-01",
        ] {
            assert_eq!(format_date(parse_date(s).unwrap()), s);
        }
        assert_eq!(parse_date("1970-01-02"), Some(1));
        assert_eq!(parse_date("2024-02-30"), None);
        assert_eq!(parse_date("2023-02-29"), None);
        assert_eq!(parse_date("2024-1-01"), None);
        assert_eq!(parse_date("２０２４-01-01"), None);
    }
}

#[cfg(test)]
mod size {
    /// Records are slot arrays of `Value`: keep it three words with strings inline.
    #[test]
    fn value_is_three_words() {
        assert_eq!(std::mem::size_of::<super::Value>(), 24);
    }
}
