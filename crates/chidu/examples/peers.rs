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
//! With `--compiled`, both use the checks generated for the peer pack (`chidu codegen`,
//! committed as `tests/codegen/peers.rs`) through `chidu::compiled::Scorer`: `e2e` is
//! `score_json` per line; `eval` is `score_record` over records read beforehand with
//! `Generated::read` (typed structs borrowing the lines).
//!
//! Run: `cargo run --release -p chidu --example peers -- [--e2e-only] [--compiled] benches/peers/pack data.jsonl [runs]`

use std::time::Instant;

use chidu::compiled::{Generated, Scorer};

#[rustfmt::skip]
#[path = "../tests/codegen/peers.rs"]
mod generated;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // `--e2e-only` skips the evaluation-only pass (bench.py's cold start and peak memory runs).
    let e2e_only = std::env::args().any(|a| a == "--e2e-only");
    let compiled = std::env::args().any(|a| a == "--compiled");
    let args: Vec<String> = std::env::args()
        .filter(|a| a != "--e2e-only" && a != "--compiled")
        .collect();
    let (pack, data) = (&args[1], &args[2]);
    let runs: usize = args.get(3).map_or(Ok(3), |s| s.parse())?;
    let text = std::fs::read(data)?;
    let lines: Vec<&[u8]> = text
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .collect();
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
    let (mut e2e, mut eval) = (Vec::new(), Vec::new());
    if compiled {
        let scorer = Scorer::<generated::Pack>::new(&engine)?;
        let statuses_of = |card: &chidu::compiled::Scorecard, failed: &mut Vec<usize>| {
            failed.clear();
            failed.extend(
                card.statuses
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| **s != chidu::Status::Met)
                    .map(|(i, _)| i),
            );
        };
        for run in 0..runs {
            let t = Instant::now();
            let mut failed: Vec<usize> = Vec::with_capacity(ids.len());
            let mut check = 0.0f64;
            for line in &lines {
                let card = scorer.score_json(line, &options)?;
                statuses_of(&card, &mut failed);
                let score = card.score.unwrap_or(0.0);
                check += score;
                if run == 0 {
                    for &i in &failed {
                        fails[i] += 1;
                    }
                    score_sum += (100.0 * score / total * 1e6).round() / 1e6;
                }
            }
            e2e.push(t.elapsed().as_secs_f64());
            std::hint::black_box(check);
        }
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
        for _ in 0..if e2e_only { 0 } else { runs } {
            let t = Instant::now();
            let mut check = 0usize;
            for (record, line) in &records {
                let card = match record
                    .as_ref()
                    .and_then(|r| scorer.score_record(r, &options))
                {
                    Some(card) => card,
                    None => scorer.score_json(line, &options)?,
                };
                check += card
                    .statuses
                    .iter()
                    .filter(|s| **s != chidu::Status::Met)
                    .count();
            }
            eval.push(t.elapsed().as_secs_f64());
            std::hint::black_box(check);
        }
    } else {
        for run in 0..runs {
            let t = Instant::now();
            let mut failed: Vec<usize> = Vec::with_capacity(ids.len());
            let mut check = 0.0f64;
            for line in &lines {
                let record = engine.parse_json(line)?;
                let report = engine.evaluate_record(&record, &options);
                failed.clear();
                failed.extend(
                    report
                        .indicators
                        .iter()
                        .enumerate()
                        .filter(|(_, r)| r.status != chidu::Status::Met)
                        .map(|(i, _)| i),
                );
                let score = report.score.unwrap_or(0.0);
                check += score;
                if run == 0 {
                    for &i in &failed {
                        fails[i] += 1;
                    }
                    score_sum += (100.0 * score / total * 1e6).round() / 1e6;
                }
            }
            e2e.push(t.elapsed().as_secs_f64());
            std::hint::black_box(check);
        }

        let records: Vec<chidu::Record> = if e2e_only {
            Vec::new()
        } else {
            lines
                .iter()
                .map(|l| engine.parse_json(l))
                .collect::<Result<_, _>>()?
        };
        for _ in 0..if e2e_only { 0 } else { runs } {
            let t = Instant::now();
            let mut check = 0usize;
            for record in &records {
                let report = engine.evaluate_record(record, &options);
                check += report
                    .indicators
                    .iter()
                    .filter(|r| r.status != chidu::Status::Met)
                    .count();
            }
            eval.push(t.elapsed().as_secs_f64());
            std::hint::black_box(check);
        }
    }
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
