//! The Rust-API rows of the peer benchmark (`benches/peers/run.sh`, docs/performance.md).
//!
//! Reads a JSONL file of stations into memory, then times (single thread, median of RUNS):
//! - `e2e`: `Engine::parse_json` + `evaluate_record` per line, keeping each record's score and
//!   failed indicator ids (the ids are collected into a reused buffer);
//! - `eval`: `evaluate_record` only, over records parsed beforehand.
//!
//! Prints one JSON object: timings in seconds, records/s and the digest (per-rule fail counts,
//! sum of 100 × score ÷ total) that bench.py compares with plain Python.
//!
//! With `--scorecards`, both ask the engine for `Engine::scorecard` (score, grade, statuses)
//! instead of a full report.
//!
//! With `--compiled`, both use the checks generated for the peer pack (`chidu codegen`,
//! committed as `tests/codegen/peers/`) through `chidu::compiled::Scorer`: `e2e` is
//! `score_json` per line; `eval` is `score_record` over records read beforehand with
//! `Generated::read` (typed structs borrowing the lines).
//!
//! Run: `cargo run --release -p chidu --example peers -- [--e2e-only] [--scorecards | --compiled] benches/peers/pack data.jsonl [runs]`

use std::time::Instant;

use chidu::compiled::{Generated, Scorer};

#[rustfmt::skip]
#[path = "../tests/codegen/peers/mod.rs"]
mod generated;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

type Error = Box<dyn std::error::Error>;

/// Indexes of the indicators not met.
fn not_met(statuses: impl Iterator<Item = chidu::Status>) -> impl Iterator<Item = usize> {
    statuses
        .enumerate()
        .filter(|(_, s)| *s != chidu::Status::Met)
        .map(|(i, _)| i)
}

/// `runs` timed passes of `score` over every line (it returns the score and fills the failed
/// indicator ids); the first pass also feeds `tally`, for the digest.
fn time_e2e(
    lines: &[&[u8]],
    runs: usize,
    tally: &mut impl FnMut(f64, &[usize]),
    mut score: impl FnMut(&[u8], &mut Vec<usize>) -> Result<f64, Error>,
) -> Result<Vec<f64>, Error> {
    let mut times = Vec::new();
    let mut failed = Vec::new();
    for run in 0..runs {
        let t = Instant::now();
        let mut check = 0.0f64;
        for line in lines {
            failed.clear();
            let s = score(line, &mut failed)?;
            check += s;
            if run == 0 {
                tally(s, &failed);
            }
        }
        times.push(t.elapsed().as_secs_f64());
        std::hint::black_box(check);
    }
    Ok(times)
}

/// `runs` timed passes of `judge` (the number of indicators not met) over every record.
fn time_eval<T>(
    records: &[T],
    runs: usize,
    mut judge: impl FnMut(&T) -> Result<usize, Error>,
) -> Result<Vec<f64>, Error> {
    let mut times = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        let mut check = 0usize;
        for record in records {
            check += judge(record)?;
        }
        times.push(t.elapsed().as_secs_f64());
        std::hint::black_box(check);
    }
    Ok(times)
}

fn main() -> Result<(), Error> {
    // `--e2e-only` skips the evaluation-only pass (bench.py's cold start and peak memory runs).
    let e2e_only = std::env::args().any(|a| a == "--e2e-only");
    let compiled = std::env::args().any(|a| a == "--compiled");
    let cards = std::env::args().any(|a| a == "--scorecards");
    let args: Vec<String> = std::env::args()
        .filter(|a| a != "--e2e-only" && a != "--compiled" && a != "--scorecards")
        .collect();
    let (pack, data) = (&args[1], &args[2]);
    let runs: usize = args.get(3).map_or(Ok(3), |s| s.parse())?;
    let text = std::fs::read(data)?;
    // Split with memchr, as Python's `bytes.splitlines` and `str::lines` do: a byte-by-byte
    // split cost about 25k instructions per station, which instruction counts of the whole
    // process (`instructions.py`) would charge to chidu.
    let mut lines: Vec<&[u8]> = Vec::new();
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', &text).chain([text.len()]) {
        if let Some(line) = text.get(start..end).filter(|l| !l.is_empty()) {
            lines.push(line);
        }
        start = end + 1;
    }
    let n = lines.len();

    let t = Instant::now();
    let standard = chidu::Standard::load(pack)?;
    let engine = standard.compile()?;
    let load_ms = t.elapsed().as_secs_f64() * 1e3;
    let ids: Vec<String> = standard
        .indicator_ids()
        .into_iter()
        .map(String::from)
        .collect();
    let total = standard.total();
    let options = chidu::Options::default().with_as_of("2026-06-30")?;

    let mut fails = vec![0u64; ids.len()];
    let mut score_sum = 0.0f64;
    let mut tally = |score: f64, failed: &[usize]| {
        for &i in failed {
            fails[i] += 1;
        }
        score_sum += (100.0 * score / total * 1e6).round() / 1e6;
    };
    let (e2e, eval) = if compiled {
        let scorer = Scorer::<generated::Pack>::new(&engine)?;
        let e2e = time_e2e(&lines, runs, &mut tally, |line, failed| {
            let card = scorer.score_json(line, &options)?;
            failed.extend(not_met(card.statuses.iter().copied()));
            Ok(card.score.unwrap_or(0.0))
        })?;
        // Typed records borrowing the lines; a line the struct cannot read is scored from its
        // text (none in the benchmark data).
        let records: Vec<(Option<_>, &[u8])> = if e2e_only {
            Vec::new()
        } else {
            lines
                .iter()
                .map(|l| {
                    let record = std::str::from_utf8(l)
                        .ok()
                        .and_then(<generated::Pack as Generated>::read);
                    (record, *l)
                })
                .collect()
        };
        let eval = time_eval(
            &records,
            if e2e_only { 0 } else { runs },
            |(record, line)| {
                let card = match record
                    .as_ref()
                    .and_then(|r| scorer.score_record(r, &options))
                {
                    Some(card) => card,
                    None => scorer.score_json(line, &options)?,
                };
                Ok(not_met(card.statuses.iter().copied()).count())
            },
        )?;
        (e2e, eval)
    } else {
        // The score, with the ids of the indicators not met pushed onto `failed`.
        let judge = |record: &chidu::Record, failed: &mut Vec<usize>| {
            if cards {
                let card = engine.scorecard(record, &options);
                failed.extend(not_met(card.statuses.iter().copied()));
                card.score.unwrap_or(0.0)
            } else {
                let report = engine.evaluate_record(record, &options);
                failed.extend(not_met(report.indicators.iter().map(|r| r.status)));
                report.score.unwrap_or(0.0)
            }
        };
        let e2e = time_e2e(&lines, runs, &mut tally, |line, failed| {
            Ok(judge(&engine.parse_json(line)?, failed))
        })?;
        let records: Vec<chidu::Record> = if e2e_only {
            Vec::new()
        } else {
            lines
                .iter()
                .map(|l| engine.parse_json(l))
                .collect::<Result<_, _>>()?
        };
        let mut failed = Vec::new();
        let eval = time_eval(&records, if e2e_only { 0 } else { runs }, |record| {
            failed.clear();
            judge(record, &mut failed);
            Ok(failed.len())
        })?;
        (e2e, eval)
    };
    let (e2e_s, eval_s) = (median(e2e), median(eval));
    let fail_map: serde_json::Map<String, serde_json::Value> = ids
        .iter()
        .zip(&fails)
        .map(|(id, c)| (id.clone(), (*c).into()))
        .collect();
    let out = serde_json::json!({
        "n": n,
        "load_ms": load_ms,
        "e2e_s": e2e_s,
        "eval_s": eval_s,
        "e2e_rps": n as f64 / e2e_s,
        "eval_rps": n as f64 / eval_s,
        "digest": {"fails": fail_map, "score_sum": format!("{score_sum:.2}")},
    });
    println!("{out}");
    Ok(())
}
