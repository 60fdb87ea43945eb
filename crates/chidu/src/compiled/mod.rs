//! Scoring with checks generated for one pack (`chidu codegen`): the record read into a typed
//! struct and every check written out as Rust, for the highest throughput a service can get.
//!
//! The generated code covers every scoring form (with `when` and `let`) over the whole
//! expression language (see [`crate::Engine::generate_rust`]). It
//! decides a record only when it is sure to agree with the engine: a record it cannot read
//! strictly (unknown or duplicate fields, anything the engine would reject, records with
//! waivers) or whose arithmetic overflows goes to the engine, and the [`Scorecard`] is the
//! engine's. Property tests (`tests/compiled.rs`) and a fuzz target (`compiled`) compare both
//! paths.
//!
//! ```ignore
//! // src/checks/, written by `chidu codegen benches/peers/pack -o src/checks`
//! mod checks;
//! let engine = chidu::Standard::load("benches/peers/pack")?.compile()?;
//! let scorer = chidu::compiled::Scorer::<checks::Pack>::new(&engine)?;
//! let card = scorer.score_json(line.as_bytes(), &options)?;
//! println!("{:?} {:?}", card.score, card.statuses);
//! ```

pub mod de;
mod ops;

use std::marker::PhantomData;

pub use crate::codegen::{GeneratedRust, Unsupported};
pub use ops::*;
/// Re-exported for the `#[derive]` of generated record structs.
pub use serde;

use crate::record::RecordError;
use crate::report::Status;
use crate::standard::{Engine, Options};

/// Code generated for one pack.
pub trait Generated {
    /// Digest of the contents of the pack it was generated from.
    const DIGEST: &'static str;
    /// The regular expressions of `matches(...)`, in the order the checks number them.
    const PATTERNS: &'static [&'static str];
    /// The record as a typed struct, borrowing its text from the input.
    type Record<'a>;
    /// Reads a record; `None` when it is not in the strict shape the struct accepts (the
    /// engine must read it: it may be invalid, or valid with unknown or duplicate fields).
    fn read(json: &str) -> Option<Self::Record<'_>>;
    /// Judges every indicator into `out` (one per indicator, pack order); [`Bail`] when
    /// arithmetic failed and the engine must decide.
    fn judge(record: &Self::Record<'_>, cx: &Judge<'_>, out: &mut [Verdict]) -> Result<(), Bail>;
}

/// What a generated check found for one indicator.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Verdict {
    /// The check held.
    Pass,
    /// The check failed.
    Fail,
    /// Points earned by a form that computes them (tiers, proportional, linear, per item,
    /// per instance), as the engine computes them.
    Earned(f64),
    /// A value the check (or its `when`) needs is missing.
    Unknown,
    /// `when` was false.
    NotApplicable,
}

impl Verdict {
    /// The verdict of a check that evaluated to `v` (`None`: missing).
    #[inline]
    pub fn of(v: Option<bool>) -> Verdict {
        match v {
            Some(true) => Verdict::Pass,
            Some(false) => Verdict::Fail,
            None => Verdict::Unknown,
        }
    }
}

/// Evaluation context handed to generated checks.
#[derive(Debug)]
pub struct Judge<'s> {
    as_of: i32,
    regexes: &'s [regex::Regex],
}

impl Judge<'_> {
    /// The evaluation date, as days since 1970-01-01.
    #[inline]
    pub fn as_of(&self) -> i32 {
        self.as_of
    }
    /// Whether pattern `i` of [`Generated::PATTERNS`] matches `s`.
    #[inline]
    pub fn is_match(&self, i: usize, s: &str) -> bool {
        self.regexes.get(i).is_some_and(|r| r.is_match(s))
    }
}

/// Arithmetic failed (a result that is not finite): the engine reports it, so the record goes
/// there.
#[derive(Debug, Clone, Copy)]
pub struct Bail;

/// One record's outcome: what the peer benchmark and batch triage need, without the report.
#[derive(Debug, Clone, PartialEq)]
pub struct Scorecard {
    /// The score, `None` when no indicator could be scored.
    pub score: Option<f64>,
    /// The grade band, an index into [`crate::Standard::grades`].
    pub grade: Option<usize>,
    /// Whether a veto indicator was not met.
    pub vetoed: bool,
    /// Each indicator's status, in pack order.
    pub statuses: Vec<Status>,
    /// Whether the generated checks decided the record (else the engine did).
    pub compiled: bool,
}

impl Scorecard {
    /// What a full report says about score, grade, vetoes and statuses (`compiled` false): the
    /// engine's answer, which generated checks must equal.
    pub fn of_report(report: &crate::Report) -> Scorecard {
        Scorecard {
            score: report.score,
            grade: report
                .grade
                .as_deref()
                .and_then(|g| report.model.grades.iter().position(|x| x.id == g)),
            vetoed: !report.vetoes.is_empty(),
            statuses: report.indicators.iter().map(|r| r.status).collect(),
            compiled: false,
        }
    }
}

/// Generated code is for another version of the pack.
#[derive(Debug, Clone, thiserror::Error)]
#[error(
    "generated checks are for pack digest {generated}, but the pack is {pack}: run `chidu codegen` again"
)]
pub struct StaleCode {
    /// Digest the code was generated from.
    pub generated: String,
    /// Digest of the pack given.
    pub pack: String,
}

/// Scores records with generated checks, falling back to the engine.
#[derive(Debug)]
pub struct Scorer<G> {
    engine: Engine,
    regexes: Vec<regex::Regex>,
    generated: PhantomData<fn() -> G>,
}

impl<G: Generated> Scorer<G> {
    /// A scorer for `engine`, which must be the pack the code was generated from.
    pub fn new(engine: &Engine) -> Result<Self, StaleCode> {
        let digest = crate::pack::build::content_digest(&engine.model().files);
        if digest != G::DIGEST {
            return Err(StaleCode {
                generated: G::DIGEST.to_owned(),
                pack: digest,
            });
        }
        // The patterns come from the same pack (same digest), where they compiled already.
        let regexes = G::PATTERNS
            .iter()
            .filter_map(|p| regex::Regex::new(p).ok())
            .collect::<Vec<_>>();
        if regexes.len() != G::PATTERNS.len() {
            return Err(StaleCode {
                generated: G::DIGEST.to_owned(),
                pack: "a pack whose patterns do not compile".to_owned(),
            });
        }
        Ok(Scorer {
            engine: engine.clone(),
            regexes,
            generated: PhantomData,
        })
    }

    /// Scores one JSON record.
    pub fn score_json(&self, bytes: &[u8], options: &Options) -> Result<Scorecard, RecordError> {
        if options.waivers.is_empty()
            && let Ok(text) = std::str::from_utf8(bytes)
            && let Some(record) = G::read(text)
            && let Some(card) = self.score_record(&record, options)
        {
            return Ok(card);
        }
        let record = self.engine.parse_json(bytes)?;
        Ok(Scorecard::of_report(
            &self.engine.evaluate_record(&record, options),
        ))
    }

    /// Scores a record read with [`Generated::read`]; `None` when the engine must decide it
    /// (arithmetic failed, or `options` has waivers): call [`Scorer::score_json`] then.
    pub fn score_record(&self, record: &G::Record<'_>, options: &Options) -> Option<Scorecard> {
        if !options.waivers.is_empty() {
            return None;
        }
        let model = self.engine.model();
        let judge = Judge {
            as_of: options.as_of_days(),
            regexes: &self.regexes,
        };
        // On the stack for packs of up to 128 indicators (no allocation per record).
        let n = model.indicators.len();
        let mut stack = [Verdict::Unknown; 128];
        let mut heap = Vec::new();
        let verdicts = match stack.get_mut(..n) {
            Some(v) => v,
            None => {
                heap.resize(n, Verdict::Unknown);
                &mut heap[..]
            }
        };
        G::judge(record, &judge, verdicts).ok()?;
        Some(crate::score::scorecard(model, verdicts))
    }
}
