//! Throughput on 10,000 synthetic stations (chidu-synth, generic profile: staff, services,
//! cases, groups, activities; ~10 KB of JSON each) against the Taicang pack (79 indicators).
//!
//! `cargo bench -p chidu --bench evaluate` — criterion reports time per batch and
//! elements/second (records/s) for: parse only, evaluate only (records already parsed),
//! evaluate + JSON report, and end to end (JSONL bytes in, JSON reports out).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    missing_docs,
    reason = "benchmark"
)]

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const N: usize = 10_000;

fn setup() -> (chidu::Engine, Vec<Vec<u8>>, chidu::Options) {
    let engine = chidu::Standard::builtin("taicang")
        .unwrap()
        .compile()
        .unwrap();
    let lines: Vec<Vec<u8>> = chidu_synth::fleet(&chidu_synth::Profile::Generic, 7, N)
        .map(|v| serde_json::to_vec(&v).unwrap())
        .collect();
    let options = chidu::Options::default().with_as_of("2026-06-30").unwrap();
    (engine, lines, options)
}

fn bench(c: &mut Criterion) {
    let (engine, lines, options) = setup();
    let bytes: usize = lines.iter().map(Vec::len).sum();
    eprintln!("{N} stations, {} bytes on average", bytes / N);
    let records: Vec<chidu::Record> = lines
        .iter()
        .map(|l| engine.parse_json(l).unwrap())
        .collect();

    let mut g = c.benchmark_group("taicang_10k");
    g.sample_size(10);
    g.throughput(Throughput::Elements(N as u64));
    g.bench_function("parse", |b| {
        b.iter(|| {
            lines
                .iter()
                .filter(|l| engine.parse_json(l).is_ok())
                .count()
        })
    });
    g.bench_function("evaluate", |b| {
        b.iter(|| {
            records
                .iter()
                .map(|r| engine.evaluate_record(r, &options).score.unwrap_or(0.0))
                .sum::<f64>()
        })
    });
    g.bench_function("evaluate_json", |b| {
        b.iter(|| {
            records
                .iter()
                .map(|r| engine.evaluate_record(r, &options).to_json().len())
                .sum::<usize>()
        })
    });
    g.bench_function("end_to_end", |b| {
        b.iter(|| {
            lines
                .iter()
                .map(|l| match engine.parse_json(l) {
                    Ok(r) => engine.evaluate_record(&r, &options).to_json().len(),
                    Err(e) => e.message.len(),
                })
                .sum::<usize>()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
