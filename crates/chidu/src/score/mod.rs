//! Scoring one record: indicator statuses, waivers, section ratios, score, grade and gaps.

mod card;
pub(crate) mod forms;
pub(crate) mod next_grade;

pub(crate) use card::{engine_scorecard, scorecard};

use std::sync::Arc;

use crate::expr::Ty;
use crate::expr::eval::{Cx, eval};
use crate::model::{Indicator, Model, NaMode};
use crate::record::Record;
use crate::report::{
    Gap, IndicatorResult, Report, SectionResult, Shown, Status, WaiverUse, round2,
};
use crate::value::V;
use crate::waiver::Waiver;

const TOL: f64 = 1e-9;

/// Evaluates one record.
pub(crate) fn evaluate(
    model: &Arc<Model>,
    record: &Record,
    as_of: i32,
    waivers: &[Waiver],
    mask_pii: bool,
) -> Report {
    let mut cx = record_cx(model, record, as_of);
    let mut results = Vec::with_capacity(model.indicators.len());
    let mut values = Vec::with_capacity(model.let_count);
    let mut waiver_uses = Vec::new();
    let record_id = record.info.id.as_deref();
    for (index, ind) in model.indicators.iter().enumerate() {
        // Filled in place: a result is a few hundred bytes, and moving it into the vector was a
        // memcpy per indicator of every report.
        results.push(IndicatorResult::blank(index, ind.points));
        let Some(r) = results.last_mut() else {
            continue;
        };
        indicator(model, ind, &mut cx, &mut values, r);
        if let Some(w) = waivers
            .iter()
            .find(|w| *w.indicator == *ind.id && w.is_for(record_id))
        {
            let state = if w.expires.is_some_and(|e| as_of > e) {
                "expired"
            } else if matches!(
                r.status,
                Status::NotMet | Status::Partial | Status::NoEvidence | Status::Error
            ) && !ind.veto
            {
                r.status = Status::Waived;
                "applied"
            } else {
                "unused"
            };
            waiver_uses.push(WaiverUse {
                indicator: ind.id.to_string(),
                state,
            });
        }
    }
    let (score, bonus) = score_of(model, &results, false);
    // Only an applied waiver can make the two scores differ.
    let score_without_waivers = if waiver_uses.iter().any(|w| w.state == "applied") {
        score_of(model, &results, true).0
    } else {
        score
    };
    let sections = sections_of(model, &results);
    let vetoes: Vec<std::sync::Arc<str>> = results
        .iter()
        .filter(|r| is_veto(model, *r) && r.status == Status::NotMet)
        .map(|r| std::sync::Arc::clone(&model.indicators[r.index].id))
        .collect();
    let vetoes_unresolved: Vec<std::sync::Arc<str>> = results
        .iter()
        .filter(|r| is_veto(model, *r) && matches!(r.status, Status::NoEvidence | Status::Error))
        .map(|r| std::sync::Arc::clone(&model.indicators[r.index].id))
        .collect();
    let grade = final_grade(model, score, &sections, !vetoes.is_empty());
    let gaps = gaps_of(model, &results);
    let aggregates = aggregate_values(model, &mut cx);
    Report {
        model: Arc::clone(model),
        as_of,
        record: std::sync::Arc::clone(&record.info),
        score,
        bonus,
        grade: grade
            .and_then(|g| model.grades.get(g))
            .map(|g| g.id.clone()),
        vetoes,
        vetoes_unresolved,
        score_without_waivers,
        waivers: waiver_uses,
        warnings: record.warnings.clone(),
        sections,
        indicators: results,
        gaps,
        mask_pii,
        values,
        aggregates,
    }
}

/// The evaluation context of one record, with a cache slot per shared let and aggregate.
fn record_cx<'a>(model: &Model, record: &'a Record, as_of: i32) -> Cx<'a> {
    let mut cx = Cx::new(&record.arena, record.root(), as_of);
    cx.shared = vec![None; model.shared_lets as usize];
    cx.shared_aggs = vec![None; model.shared_aggs as usize];
    cx
}

fn aggregate_values<'a>(model: &'a Model, cx: &mut Cx<'a>) -> Vec<Option<f64>> {
    use crate::model::AggregateKind;
    model
        .aggregates
        .iter()
        .map(|a| {
            cx.lets.clear();
            let v = a.of.as_ref().map(|ir| eval(ir, cx));
            match (a.kind, v) {
                (AggregateKind::Count, None) => Some(1.0),
                (AggregateKind::Ratio | AggregateKind::Count, Some(V::Bool(b))) => {
                    Some(if b { 1.0 } else { 0.0 })
                }
                (AggregateKind::Sum | AggregateKind::Mean, Some(V::Num(n))) => Some(n),
                _ => None,
            }
        })
        .collect()
}

fn is_veto<R: Outcome + ?Sized>(model: &Model, r: &R) -> bool {
    model.indicators.get(r.index()).is_some_and(|i| i.veto)
}

/// What the totals read of an indicator's result: the engine's full [`IndicatorResult`], or
/// the light one of generated checks (`card.rs`), which has no report to fill.
trait Outcome {
    fn index(&self) -> usize;
    fn status(&self) -> Status;
    fn earned(&self) -> f64;
    fn possible(&self) -> f64;
    fn unwaived(&self) -> (Status, f64);
}

impl Outcome for IndicatorResult {
    fn index(&self) -> usize {
        self.index
    }
    fn status(&self) -> Status {
        self.status
    }
    fn earned(&self) -> f64 {
        self.earned
    }
    fn possible(&self) -> f64 {
        self.possible
    }
    fn unwaived(&self) -> (Status, f64) {
        IndicatorResult::unwaived(self)
    }
}

// Inlined into both callers (reports and scorecards): out of line, the report path took 5%
// more instructions per record.
#[inline]
fn indicator<'a>(
    model: &'a Model,
    ind: &'a Indicator,
    cx: &mut Cx<'a>,
    values: &mut Vec<Shown>,
    result: &mut IndicatorResult,
) {
    let values_start = values.len() as u32;
    cx.lets.clear();
    cx.let_missing.clear();
    cx.missing.clear();
    cx.error = None;
    let possible = ind.points;
    if let Some((when, _)) = &ind.when {
        match eval(when, cx) {
            V::Bool(true) => {}
            V::Bool(false) => {
                result.status = Status::NotApplicable;
                result.set_unwaived(Status::NotApplicable, 0.0);
                return;
            }
            _ => {
                result.status = Status::NoEvidence;
                if cx.explain && !cx.missing.is_empty() {
                    result.details_mut().missing = dedup(&cx.missing);
                }
                result.set_unwaived(Status::NoEvidence, 0.0);
                return;
            }
        }
        cx.missing.clear();
    }
    for l in &ind.lets {
        let cached = l
            .shared
            .and_then(|s| cx.shared.get(s as usize))
            .and_then(|c| c.clone());
        let (v, paths) = match cached {
            Some(hit) => hit,
            None => {
                let mark = cx.missing.len();
                let v = eval(&l.ir, cx);
                let paths = if v.is_missing() {
                    cx.missing.split_off(mark)
                } else {
                    Vec::new()
                };
                cx.missing.truncate(mark);
                if let Some(slot) = l.shared.and_then(|s| cx.shared.get_mut(s as usize)) {
                    *slot = Some((v, paths.clone()));
                }
                (v, paths)
            }
        };
        cx.lets.push(v);
        cx.let_missing.push(paths);
        let enum_names = match &l.def.ty {
            Ty::Enum(e) => Some(model.schema.enum_values(*e)),
            Ty::List(t) => match **t {
                Ty::Enum(e) => Some(model.schema.enum_values(e)),
                _ => None,
            },
            _ => None,
        };
        if cx.explain {
            values.push(Shown::from_view(v, enum_names, cx.arena));
        }
    }
    result.values = values_start..values.len() as u32;
    let scored = ind.form.score(possible, ind.bonus, cx);
    result.comparison = scored.comparison;
    result.measure = scored.measure;
    result.failed = scored.failed;
    if cx.explain {
        if !scored.deductions.is_empty() {
            result.details_mut().deductions = scored.deductions;
        }
        if !cx.missing.is_empty() {
            result.details_mut().missing = dedup(&cx.missing);
        }
    }
    let error = cx.error.map(str::to_owned).or(scored.error);
    let (status, earned) = if let Some(e) = error {
        if cx.explain {
            result.details_mut().error = Some(e);
        }
        (Status::Error, 0.0)
    } else {
        status_of(ind, scored.passed, scored.earned)
    };
    result.status = status;
    result.earned = earned;
    result.set_unwaived(status, earned);
}

/// An indicator's status and points from what its form computed (no error).
fn status_of(ind: &Indicator, passed: Option<bool>, earned: Option<f64>) -> (Status, f64) {
    let possible = ind.points;
    if ind.veto {
        return match passed {
            Some(true) => (Status::Met, 0.0),
            Some(false) => (Status::NotMet, 0.0),
            None => (Status::NoEvidence, 0.0),
        };
    }
    match earned {
        None => (Status::NoEvidence, 0.0),
        Some(e) if e >= possible - TOL => (Status::Met, possible),
        Some(e) if e <= TOL => (Status::NotMet, 0.0),
        Some(e) => (Status::Partial, e),
    }
}

/// The grade band: by score and section ratios, lowered to the veto grade when a veto is met.
fn final_grade(
    model: &Model,
    score: Option<f64>,
    sections: &[SectionResult],
    vetoed: bool,
) -> Option<usize> {
    let grade = grade_of(model, score, sections);
    match model.veto_grade {
        Some(vg) if vetoed => Some(grade.map_or(vg, |g| g.max(vg))),
        _ => grade,
    }
}

fn dedup(refs: &[crate::expr::eval::MissingRef]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for r in refs {
        let p = r.path();
        if !out.contains(&p) {
            out.push(p);
        }
    }
    out
}

/// (score, bonus); `unwaived` scores as if no waiver applied.
fn score_of(model: &Model, results: &[impl Outcome], unwaived: bool) -> (Option<f64>, f64) {
    let (mut earned, mut possible, mut bonus) = (0.0, 0.0, 0.0);
    for r in results {
        let Some(ind) = model.indicators.get(r.index()) else {
            continue;
        };
        let (status, e) = if unwaived {
            r.unwaived()
        } else {
            (r.status(), r.earned())
        };
        if ind.veto {
            continue;
        }
        if ind.bonus {
            if !matches!(status, Status::NotApplicable | Status::Waived) {
                bonus += e;
            }
            continue;
        }
        match status {
            Status::Waived => {}
            Status::NotApplicable => {
                if model.na_mode == NaMode::FullMarks {
                    earned += r.possible();
                    possible += r.possible();
                }
            }
            _ => {
                earned += e;
                possible += r.possible();
            }
        }
    }
    let cap = model.bonus_cap();
    let bonus = bonus.min(cap);
    if possible <= TOL {
        return (None, bonus);
    }
    let score = (earned / possible * model.total + bonus).min(model.total + cap);
    (Some(score), bonus)
}

fn sections_of(model: &Model, results: &[impl Outcome]) -> Vec<SectionResult> {
    model
        .sections
        .iter()
        .enumerate()
        .map(|(index, s)| {
            let (mut earned, mut possible) = (0.0, 0.0);
            for &i in &s.indicators {
                let (Some(ind), Some(r)) = (model.indicators.get(i), results.get(i)) else {
                    continue;
                };
                if ind.bonus
                    || ind.veto
                    || matches!(r.status(), Status::NotApplicable | Status::Waived)
                {
                    continue;
                }
                earned += r.earned();
                possible += r.possible();
            }
            let ratio = (possible > TOL).then(|| earned / possible);
            SectionResult {
                index,
                earned,
                possible,
                ratio,
            }
        })
        .collect()
}

fn grade_of(model: &Model, score: Option<f64>, sections: &[SectionResult]) -> Option<usize> {
    let score = round2(score?);
    model.grades.iter().position(|g| {
        g.min_score.is_none_or(|m| score >= m - TOL)
            && g.min_section_ratio.is_none_or(|m| {
                sections
                    .iter()
                    .all(|s| s.ratio.is_none_or(|r| r >= m - TOL))
            })
    })
}

fn gaps_of(model: &Model, results: &[IndicatorResult]) -> Vec<Gap> {
    let mut gaps = Vec::new();
    // (sort key, result index) of the scored gaps: most points lost first; ties (within
    // rounding noise) keep pack order.
    let mut scored: Vec<(i64, usize)> = Vec::new();
    for (i, r) in results.iter().enumerate() {
        let Some(ind) = model.indicators.get(r.index) else {
            continue;
        };
        if ind.veto {
            if r.status == Status::NotMet {
                gaps.push(Gap {
                    indicator: std::sync::Arc::clone(&ind.id),
                    lost: 0.0,
                    status: r.status,
                    veto: true,
                });
            }
        } else if !ind.bonus
            && !matches!(r.status, Status::NotApplicable | Status::Waived)
            && r.possible - r.earned > TOL
        {
            scored.push((-((r.possible - r.earned) * 1e6).round() as i64, i));
        }
    }
    scored.sort_unstable();
    gaps.reserve(scored.len());
    gaps.extend(scored.iter().filter_map(|&(_, i)| {
        let r = results.get(i)?;
        Some(Gap {
            indicator: std::sync::Arc::clone(&model.indicators.get(r.index)?.id),
            lost: r.possible - r.earned,
            status: r.status,
            veto: false,
        })
    }));
    gaps
}
