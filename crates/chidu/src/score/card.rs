//! Scorecards: score, grade and statuses through the same status rules and totals as a full
//! report, without building the report. From the verdicts of generated checks
//! (`chidu::compiled`), or from the engine's own evaluation (`Engine::scorecard`).

use super::{
    Outcome, final_grade, indicator, is_veto, record_cx, score_of, sections_of, status_of,
};
use crate::compiled::{Scorecard, Verdict};
use crate::model::Model;
use crate::record::Record;
use crate::report::{IndicatorResult, Status};

/// An indicator's result as the totals need it (a full result is 136 bytes with a report's
/// parts; building forty of them was a quarter of the generated path's scoring).
struct Light {
    index: usize,
    status: Status,
    earned: f64,
    possible: f64,
}

impl Outcome for Light {
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
        (self.status, self.earned)
    }
}

/// Score, grade and statuses from the verdicts of generated checks (a generated scorer leaves
/// records with waivers to the engine).
pub(crate) fn scorecard(model: &Model, verdicts: &[Verdict]) -> Scorecard {
    let results: Vec<Light> = model
        .indicators
        .iter()
        .zip(verdicts)
        .enumerate()
        .map(|(index, (ind, verdict))| {
            let (status, earned) = match verdict {
                Verdict::NotApplicable => (Status::NotApplicable, 0.0),
                Verdict::Unknown => status_of(ind, None, None),
                Verdict::Pass => status_of(ind, Some(true), Some(ind.points)),
                Verdict::Fail => status_of(ind, Some(false), Some(0.0)),
                // Forms other than a check leave `passed` unset, as in the engine.
                Verdict::Earned(e) => status_of(ind, None, Some(*e)),
            };
            Light {
                index,
                status,
                earned,
                possible: ind.points,
            }
        })
        .collect();
    totals(model, &results, true)
}

/// The engine's scorecard of one record with no waiver for it: each indicator evaluated as
/// [`super::evaluate`] does, with what only a report shows skipped.
pub(crate) fn engine_scorecard(model: &Model, record: &Record, as_of: i32) -> Scorecard {
    let mut cx = record_cx(model, record, as_of);
    cx.explain = false;
    // Stays empty: let values are shown only in reports.
    let mut values = Vec::new();
    let results: Vec<Light> = model
        .indicators
        .iter()
        .enumerate()
        .map(|(index, ind)| {
            let mut result = IndicatorResult::blank(index, ind.points);
            indicator(model, ind, &mut cx, &mut values, &mut result);
            Light {
                index,
                status: result.status,
                earned: result.earned,
                possible: ind.points,
            }
        })
        .collect();
    totals(model, &results, false)
}

/// The steps of [`super::evaluate`] after its indicators, without waivers.
fn totals(model: &Model, results: &[Light], compiled: bool) -> Scorecard {
    let (score, _) = score_of(model, results, false);
    let sections = sections_of(model, results);
    let vetoed = results
        .iter()
        .any(|r| is_veto(model, r) && r.status == Status::NotMet);
    Scorecard {
        score,
        grade: final_grade(model, score, &sections, vetoed),
        vetoed,
        statuses: results.iter().map(|r| r.status).collect(),
        compiled,
    }
}
