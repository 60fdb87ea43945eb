//! Throughput on 10,000 synthetic stations, in two groups:
//! - `taicang_10k`: chidu-synth's generic profile (staff, services, cases, groups, activities;
//!   ~10 KB of JSON each) against the Taicang pack (79 indicators);
//! - `peers40_10k`: the peer benchmark's workload (performance-anchors.md §2: 40 checks,
//!   ~5 KB stations with staff, services and documents; `benches/peers/`), the data made by
//!   `benches/peers/gen.py` when it is not there yet.
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

/// The peer benchmark's pack and its 10,000 stations (generated once by gen.py, seed 20260630).
fn setup_peers() -> Option<(chidu::Engine, Vec<Vec<u8>>)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../benches/peers");
    let data = root.join("data-10000.jsonl");
    if !data.exists() {
        let made = std::process::Command::new("python3")
            .arg(root.join("gen.py"))
            .args(["10000", &data.to_string_lossy(), "20260630"])
            .status();
        if !made.is_ok_and(|s| s.success()) {
            eprintln!("skipping peers40_10k: could not run benches/peers/gen.py");
            return None;
        }
    }
    let engine = chidu::Standard::load(root.join("pack"))
        .unwrap()
        .compile()
        .unwrap();
    let text = std::fs::read(data).unwrap();
    let lines = text
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(<[u8]>::to_vec)
        .collect();
    Some((engine, lines))
}

fn bench(c: &mut Criterion) {
    let (engine, lines, options) = setup();
    run_group(c, "taicang_10k", &engine, &lines, &options);
    if let Some((engine, lines)) = setup_peers() {
        run_group(c, "peers40_10k", &engine, &lines, &options);
    }
}

fn run_group(
    c: &mut Criterion,
    name: &str,
    engine: &chidu::Engine,
    lines: &[Vec<u8>],
    options: &chidu::Options,
) {
    let options = options.clone();
    let n = lines.len();
    let bytes: usize = lines.iter().map(Vec::len).sum();
    eprintln!("{name}: {n} stations, {} bytes on average", bytes / n);
    let records: Vec<chidu::Record> = lines
        .iter()
        .map(|l| engine.parse_json(l).unwrap())
        .collect();

    let mut g = c.benchmark_group(name);
    g.sample_size(10);
    g.throughput(Throughput::Elements(n as u64));
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
