#![allow(clippy::unwrap_used, missing_docs)]
use std::time::Instant;
fn main() {
    let mode = std::env::args().nth(1).unwrap_or_default();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../benches/peers");
    let demo = std::env::var("DEMO").is_ok();
    let engine = if demo {
        chidu::Standard::builtin("demo")
    } else {
        chidu::Standard::load(root.join("pack"))
    }
    .unwrap()
    .compile()
    .unwrap();
    let text = std::fs::read(if demo {
        "/tmp/demo-2000.jsonl".into()
    } else {
        root.join("data-10000.jsonl")
    })
    .unwrap();
    let n = if mode == "time" { 10_000 } else { 2000 };
    let lines: Vec<&[u8]> = text
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .take(n)
        .collect();
    let options = chidu::Options::default().with_as_of("2026-06-30").unwrap();
    let mut acc = 0usize;
    if mode == "time" {
        let (mut bp, mut be) = (f64::MAX, f64::MAX);
        for _ in 0..7 {
            let t = Instant::now();
            let recs: Vec<_> = lines
                .iter()
                .map(|l| engine.parse_json(l).unwrap())
                .collect();
            bp = bp.min(t.elapsed().as_secs_f64());
            let t = Instant::now();
            for r in &recs {
                acc += engine.evaluate_record(r, &options).score.unwrap_or(0.0) as usize;
            }
            be = be.min(t.elapsed().as_secs_f64());
        }
        println!(
            "parse {:.1}k/s eval {:.1}k/s ({acc})",
            n as f64 / bp / 1e3,
            n as f64 / be / 1e3
        );
        return;
    }
    if mode == "parse" {
        for l in &lines {
            acc += engine.parse_json(l).is_ok() as usize;
        }
    } else {
        let recs: Vec<_> = lines
            .iter()
            .map(|l| engine.parse_json(l).unwrap())
            .collect();
        if mode == "sum" {
            let mut sum = engine.new_summary();
            for r in &recs {
                let e =
                    chidu::Entry::Report(std::sync::Arc::new(engine.evaluate_record(r, &options)));
                engine.add_to_summary(&mut sum, &e);
            }
            acc += sum.records;
        }
        if mode == "sumonly" {
            let es: Vec<_> = recs
                .iter()
                .map(|r| {
                    chidu::Entry::Report(std::sync::Arc::new(engine.evaluate_record(r, &options)))
                })
                .collect();
            let mut sum = engine.new_summary();
            for e in &es {
                engine.add_to_summary(&mut sum, e);
            }
            acc += sum.records;
        }
        if mode == "eval" {
            for r in &recs {
                acc += engine.evaluate_record(r, &options).score.unwrap_or(0.0) as usize;
            }
        }
    }
    println!("{acc}");
}
