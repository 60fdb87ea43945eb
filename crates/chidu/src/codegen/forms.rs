//! Each scoring form as Rust: the expression that ends an indicator's block with its
//! [`crate::compiled::Verdict`]. Every form computes its points with the same floating-point
//! operations, in the same order, as its scorer in `score/forms/`, so the totals agree to the
//! bit; what a form reports as an error (a proportional target at or below 0) leaves the record
//! to the engine.

use super::expr::Gen;
use crate::model::Indicator;
use crate::score::forms::{Form, Linear, PerInstance, PerItem, Proportional, Tiers};

/// The verdict of `ind`'s scoring form, as a Rust expression of type `rt::Verdict`.
pub(super) fn verdict(g: &mut Gen, ind: &Indicator) -> Result<String, String> {
    match &ind.form {
        Form::AllOrNothing(f) => Ok(format!("rt::Verdict::of({})", g.boolean(&f.check)?)),
        Form::Tiers(f) => tiers(g, f),
        Form::Proportional(f) => proportional(g, f, ind.points),
        Form::Linear(f) => linear(g, f, ind.points),
        Form::PerItem(f) => per_item(g, f, ind),
        Form::PerInstance(f) => per_instance(g, f, ind),
    }
}

/// A number as a Rust literal that reads back to the same `f64` (`Debug` round-trips).
fn lit(x: f64) -> Result<String, String> {
    if x.is_finite() {
        Ok(format!("{x:?}f64"))
    } else {
        Err(format!("a constant that is not finite ({x})"))
    }
}

fn tiers(g: &mut Gen, f: &Tiers) -> Result<String, String> {
    let m = g.number(&f.measure)?;
    let mut chain = String::new();
    for &(min, points) in &f.tiers {
        chain.push_str(&format!(
            "if m >= {} {{ {} }} else ",
            lit(min)?,
            lit(points)?
        ));
    }
    Ok(format!(
        "match {m} {{ None => rt::Verdict::Unknown, Some(m) => rt::Verdict::Earned({chain}{{ 0.0 }}) }}"
    ))
}

fn proportional(g: &mut Gen, f: &Proportional, points: f64) -> Result<String, String> {
    let (m, t) = (g.number(&f.measure)?, g.number(&f.target)?);
    // Both sides are evaluated, as the engine does, before either is looked at.
    Ok(format!(
        "match ({m}, {t}) {{ (Some(m), Some(t)) => {{ if t <= 0.0 {{ return Err(rt::Bail); }} rt::Verdict::Earned({p} * (m / t).clamp(0.0, 1.0)) }} _ => rt::Verdict::Unknown }}",
        p = lit(points)?
    ))
}

fn linear(g: &mut Gen, f: &Linear, points: f64) -> Result<String, String> {
    let m = g.number(&f.measure)?;
    let (z, full) = (lit(f.zero_at)?, lit(f.full_at)?);
    Ok(format!(
        "match {m} {{ None => rt::Verdict::Unknown, Some(m) => rt::Verdict::Earned({p} * ((m - {z}) / ({full} - {z})).clamp(0.0, 1.0)) }}",
        p = lit(points)?
    ))
}

/// Points from counts of passing and failing checks: a bonus adds `per` for each pass up to
/// the points; otherwise `per` comes off the points for each failure (missing counts as failed).
fn tally(ind: &Indicator, per: f64) -> Result<String, String> {
    let (per, p) = (lit(per)?, lit(ind.points)?);
    Ok(if ind.bonus {
        format!("rt::Verdict::Earned(({per} * passing as f64).min({p}))")
    } else {
        format!("rt::Verdict::Earned(({p} - {per} * failed as f64).max(0.0))")
    })
}

const COUNT: &str = "match c { Some(true) => passing += 1, _ => failed += 1 }";

fn per_item(g: &mut Gen, f: &PerItem, ind: &Indicator) -> Result<String, String> {
    let mut code = String::from("{ let (mut passing, mut failed) = (0usize, 0usize); ");
    for item in &f.items {
        let c = g
            .boolean(&item.check)
            .map_err(|e| format!("item {}: {e}", item.id))?;
        code.push_str(&format!("let c: Option<bool> = {c}; {COUNT} "));
    }
    code.push_str(&tally(ind, f.per)?);
    code.push_str(" }");
    Ok(code)
}

fn per_instance(g: &mut Gen, f: &PerInstance, ind: &Indicator) -> Result<String, String> {
    let (list, item) = g.list(&f.list).map_err(|e| format!("for_each: {e}"))?;
    let (depth, parts) = g.with_item(item, |g| {
        let filter = f
            .filter
            .as_ref()
            .map(|w| g.boolean(w).map_err(|e| format!("where: {e}")))
            .transpose()?;
        let check = g.boolean(&f.check)?;
        Ok::<_, String>((filter, check))
    });
    let (filter, check) = parts?;
    // The engine binds `for_each` items at depth 1, under the record root only.
    if depth != 1 {
        return Err(format!("`for_each` at depth {depth}"));
    }
    let skip = filter.map_or(String::new(), |w| {
        format!("if {w} != Some(true) {{ continue; }} ")
    });
    Ok(format!(
        "match {list} {{ None => rt::Verdict::Unknown, Some(items) => {{ let (mut passing, mut failed) = (0usize, 0usize); for it{depth} in items {{ {skip}let c: Option<bool> = {check}; {COUNT} }} {} }} }}",
        tally(ind, f.per)?
    ))
}
