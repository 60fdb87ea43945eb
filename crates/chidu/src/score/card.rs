//! The scorecard of generated checks (`chidu::compiled`): score, grade and statuses from one
//! verdict per indicator, through the same status rules and totals as a full report, without
//! building the report.

use super::{Outcome, final_grade, is_veto, score_of, sections_of, status_of};
use crate::compiled::{Scorecard, Verdict};
use crate::model::Model;
use crate::report::Status;

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

/// Score, grade and statuses from the verdicts of generated checks: the steps of
/// [`super::evaluate`] after its indicators, without waivers (a generated scorer leaves
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
    let (score, _) = score_of(model, &results, false);
    let sections = sections_of(model, &results);
    let vetoed = results
        .iter()
        .any(|r| is_veto(model, r) && r.status == Status::NotMet);
    Scorecard {
        score,
        grade: final_grade(model, score, &sections, vetoed),
        vetoed,
        statuses: results.iter().map(|r| r.status).collect(),
        compiled: true,
    }
}
