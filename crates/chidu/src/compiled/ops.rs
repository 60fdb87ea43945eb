//! Operations generated checks call where writing them out would repeat the engine's rules.

use super::Bail;

/// Reads a whole JSON text into a generated record struct; `None` when it does not fit.
#[inline]
pub fn from_json<'a, T: serde::Deserialize<'a>>(text: &'a str) -> Option<T> {
    let mut de = serde_json::Deserializer::from_str(text);
    let value = T::deserialize(&mut de).ok()?;
    de.end().ok()?;
    Some(value)
}

/// `finite` or [`Bail`]: the engine reports a result that is not finite as an error.
#[inline]
fn checked(r: f64) -> Result<Option<f64>, Bail> {
    if r.is_finite() {
        Ok(Some(r))
    } else {
        Err(Bail)
    }
}

/// `a + b` as the engine computes it (missing when either is).
#[inline]
pub fn add(a: Option<f64>, b: Option<f64>) -> Result<Option<f64>, Bail> {
    match (a, b) {
        (Some(x), Some(y)) => checked(x + y),
        _ => Ok(None),
    }
}

/// `a - b`.
#[inline]
pub fn sub(a: Option<f64>, b: Option<f64>) -> Result<Option<f64>, Bail> {
    match (a, b) {
        (Some(x), Some(y)) => checked(x - y),
        _ => Ok(None),
    }
}

/// `a * b`.
#[inline]
pub fn mul(a: Option<f64>, b: Option<f64>) -> Result<Option<f64>, Bail> {
    match (a, b) {
        (Some(x), Some(y)) => checked(x * y),
        _ => Ok(None),
    }
}

/// `a / b`; dividing by zero is missing, as in the engine.
#[inline]
pub fn div(a: Option<f64>, b: Option<f64>) -> Result<Option<f64>, Bail> {
    match (a, b) {
        (Some(x), Some(y)) => {
            if y == 0.0 {
                Ok(None)
            } else {
                checked(x / y)
            }
        }
        _ => Ok(None),
    }
}

/// `year(d)` of a day number.
#[inline]
pub fn year(days: i32) -> f64 {
    f64::from(crate::value::civil_from_days(days).0)
}

/// `round(x, digits)`: half away from zero, as the engine.
#[inline]
pub fn round(x: f64, digits: i32) -> f64 {
    crate::expr::eval::round_half_away(x, digits)
}
