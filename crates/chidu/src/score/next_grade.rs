//! What-if (SPEC §9 `--next-grade`): the fewest indicators whose full marks would reach the next
//! better grade (ties: fewest points), ignoring vetoes.
//!
//! Pure over a [`Report`]: fixing a gap adds its lost points to the earned sum (the possible sum
//! does not change), so the score and every section ratio only grow and feasibility is monotone.
//! For the score alone the largest losses first give the fewest indicators; grade bands with a
//! minimum section ratio can need other sets, so sets of each size are searched, best-first
//! with pruning, within a fixed budget (then the largest-loss set of that size is taken).

use serde::Serialize;

use crate::model::{Model, NaMode};
use crate::report::{Report, Status, round2};

const TOL: f64 = 1e-9;
/// Most candidate sets examined before falling back to the largest losses.
const BUDGET: usize = 200_000;

/// The smallest set of gaps whose fixing reaches the next better grade.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NextGrade {
    /// The grade now, vetoes ignored (`None`: below every band).
    pub from_grade: Option<String>,
    /// The grade reached.
    pub grade: String,
    /// Indicator ids to bring to full marks, most points first.
    pub indicators: Vec<String>,
    /// Points recovered (sum of the indicators' lost points, before rescaling).
    pub points: f64,
    /// The resulting score, rounded to 2 decimals.
    pub score: f64,
}

struct Candidate {
    id: String,
    lost: f64,
    section: Option<usize>,
}

struct Ctx<'a> {
    model: &'a Model,
    earned: f64,
    possible: f64,
    bonus: f64,
    sections: Vec<(f64, f64)>,
    target: usize,
}

impl Ctx<'_> {
    fn score(&self, added: f64) -> f64 {
        let cap = self.model.bonus_cap();
        ((self.earned + added) / self.possible * self.model.total + self.bonus)
            .min(self.model.total + cap)
    }

    /// Grade index (0 = best) for a score and per-section earned additions.
    fn grade(&self, score: f64, added: &[f64]) -> Option<usize> {
        let score = round2(score);
        self.model.grades.iter().position(|g| {
            g.min_score.is_none_or(|m| score >= m - TOL)
                && g.min_section_ratio.is_none_or(|m| {
                    self.sections
                        .iter()
                        .zip(added)
                        .all(|(&(e, p), a)| p <= TOL || (e + a) / p >= m - TOL)
                })
        })
    }

    /// Whether the score alone can reach the target band.
    fn score_ok(&self, added: f64) -> bool {
        let s = round2(self.score(added));
        self.model
            .grades
            .get(self.target)
            .and_then(|g| g.min_score)
            .is_none_or(|m| s >= m - TOL)
    }

    fn feasible(&self, cands: &[Candidate], chosen: &[usize]) -> bool {
        let mut added = vec![0.0; self.sections.len()];
        let mut total = 0.0;
        for &i in chosen {
            if let Some(c) = cands.get(i) {
                total += c.lost;
                if let Some(a) = c.section.and_then(|s| added.get_mut(s)) {
                    *a += c.lost;
                }
            }
        }
        self.grade(self.score(total), &added)
            .is_some_and(|g| g <= self.target)
    }
}

struct Search<'a> {
    cx: &'a Ctx<'a>,
    cands: &'a [Candidate],
    best: Option<(f64, Vec<usize>)>,
    visited: usize,
}

impl Search<'_> {
    fn go(&mut self, start: usize, k: usize, sum: f64, chosen: &mut Vec<usize>) {
        if self.visited >= BUDGET {
            return;
        }
        if chosen.len() == k {
            self.visited += 1;
            if self.best.as_ref().is_none_or(|(b, _)| sum < b - TOL)
                && self.cx.feasible(self.cands, chosen)
            {
                self.best = Some((sum, chosen.clone()));
            }
            return;
        }
        let need = k - chosen.len();
        for i in start..self.cands.len() {
            if self.cands.len() - i < need {
                break;
            }
            let Some(c) = self.cands.get(i) else { break };
            // Sorted by loss, most first: the `need` items from i on are the best still possible.
            let best_rest: f64 = self.cands[i..i + need].iter().map(|c| c.lost).sum();
            if !self.cx.score_ok(sum + best_rest) {
                break;
            }
            let least = sum + c.lost;
            if self
                .best
                .as_ref()
                .is_some_and(|(b, _)| least >= b - TOL && need == 1)
            {
                continue;
            }
            chosen.push(i);
            self.go(i + 1, k, least, chosen);
            chosen.pop();
        }
    }
}

/// The next-grade what-if for a report (see the module docs).
pub(crate) fn next_grade(report: &Report) -> Option<NextGrade> {
    let model = &*report.model;
    let (mut earned, mut possible) = (0.0, 0.0);
    for r in &report.indicators {
        let ind = model.indicators.get(r.index)?;
        if ind.veto || ind.bonus {
            continue;
        }
        match r.status {
            Status::Waived => {}
            Status::NotApplicable => {
                if model.na_mode == NaMode::FullMarks {
                    earned += r.possible;
                    possible += r.possible;
                }
            }
            _ => {
                earned += r.earned;
                possible += r.possible;
            }
        }
    }
    if possible <= TOL {
        return None;
    }
    let sections: Vec<(f64, f64)> = report
        .sections
        .iter()
        .map(|s| (s.earned, s.possible))
        .collect();
    let mut cx = Ctx {
        model,
        earned,
        possible,
        bonus: report.bonus,
        sections,
        target: 0,
    };
    let zero = vec![0.0; cx.sections.len()];
    let current = cx.grade(cx.score(0.0), &zero);
    cx.target = match current {
        Some(0) => return None,
        Some(i) => i - 1,
        None => model.grades.len().checked_sub(1)?,
    };
    let mut cands: Vec<Candidate> = report
        .gaps
        .iter()
        .filter(|g| !g.veto && g.lost > TOL)
        .map(|g| Candidate {
            id: g.indicator.to_string(),
            lost: g.lost,
            section: report
                .indicator(&g.indicator)
                .and_then(|r| model.indicators.get(r.index))
                .map(|i| i.section),
        })
        .collect();
    // Gaps are already most-lost first; keep that order stable.
    cands.sort_by(|a, b| b.lost.total_cmp(&a.lost));
    let mut search = Search {
        cx: &cx,
        cands: &cands,
        best: None,
        visited: 0,
    };
    let mut found = None;
    for k in 1..=cands.len() {
        let top: f64 = cands.iter().take(k).map(|c| c.lost).sum();
        if !cx.score_ok(top) {
            continue;
        }
        search.best = None;
        search.visited = 0;
        search.go(0, k, 0.0, &mut Vec::new());
        if let Some((_, set)) = search.best.take() {
            found = Some(set);
            break;
        }
        if search.visited >= BUDGET {
            let greedy: Vec<usize> = (0..k).collect();
            if cx.feasible(&cands, &greedy) {
                found = Some(greedy);
                break;
            }
        }
    }
    let set = found?;
    let mut added = vec![0.0; cx.sections.len()];
    let mut points = 0.0;
    let mut ids = Vec::new();
    for &i in &set {
        let c = cands.get(i)?;
        points += c.lost;
        if let Some(a) = c.section.and_then(|s| added.get_mut(s)) {
            *a += c.lost;
        }
        ids.push(c.id.clone());
    }
    let score = cx.score(points);
    let grade = cx.grade(score, &added)?;
    Some(NextGrade {
        from_grade: current
            .and_then(|g| model.grades.get(g))
            .map(|g| g.id.clone()),
        grade: model.grades.get(grade)?.id.clone(),
        indicators: ids,
        points: round2(points),
        score: round2(score),
    })
}

impl Report {
    /// The fewest indicators whose full marks would reach the next better grade (ties: fewest
    /// points), ignoring vetoes; `None` at the best grade, without a score, or when fixing every
    /// gap would not be enough.
    pub fn next_grade(&self) -> Option<NextGrade> {
        next_grade(self)
    }
}
