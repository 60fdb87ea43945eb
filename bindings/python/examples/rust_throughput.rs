//! The Rust baseline of `benches/throughput.py`: times `Engine::evaluate_batch` on the same
//! records, as JSON text (one record per line) and as JSON values.
//!
//! `cargo run --release -p chidu-python --example rust_throughput -- RECORDS.jsonl [REPEAT]`
//! prints one JSON line: records, best seconds and records/s for each input form.

use std::time::Instant;

/// CPU seconds (user + system, all threads) of this process, from /proc (Linux); 0 elsewhere.
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // Fields after the command name (which is in parentheses and may hold spaces).
    let Some((_, rest)) = stat.rsplit_once(')') else {
        return 0.0;
    };
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name; 100 ticks/s.
    (ticks(11) + ticks(12)) / 100.0
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .ok_or("usage: rust_throughput RECORDS.jsonl [REPEAT]")?;
    let repeat: usize = args.next().map_or(Ok(5), |s| s.parse())?;
    let text = std::fs::read_to_string(&path)?;
    let standard = chidu::Standard::builtin("demo")?;
    let engine = standard.compile()?;
    let options = chidu::Options::default().with_as_of("2026-06-30")?;

    // JSON text: the lines are split and parsed straight into typed slots, as `chidu check` does.
    let mut best_text = f64::INFINITY;
    let mut best_text_cpu = f64::INFINITY;
    let mut n = 0;
    for _ in 0..repeat {
        let start = Instant::now();
        let cpu = cpu_seconds();
        let raws = chidu::read_jsonl(&text, "bench");
        let batch = engine.evaluate_batch(&raws, &options);
        best_text = best_text.min(start.elapsed().as_secs_f64());
        best_text_cpu = best_text_cpu.min(cpu_seconds() - cpu);
        n = batch.entries.len();
        if batch.invalid() > 0 {
            return Err(format!("{} invalid records", batch.invalid()).into());
        }
    }

    // JSON values (what a dict becomes): already parsed, so this times evaluation alone.
    let values: Vec<chidu::RawRecord> = chidu::read_jsonl(&text, "bench")
        .into_iter()
        .map(|r| {
            r.to_value().map(|v| chidu::RawRecord {
                origin: r.origin,
                data: chidu::RawData::Value(v),
            })
        })
        .collect::<Result<_, _>>()?;
    let mut best_values = f64::INFINITY;
    let mut best_values_cpu = f64::INFINITY;
    for _ in 0..repeat {
        let start = Instant::now();
        let cpu = cpu_seconds();
        let batch = engine.evaluate_batch(&values, &options);
        best_values = best_values.min(start.elapsed().as_secs_f64());
        best_values_cpu = best_values_cpu.min(cpu_seconds() - cpu);
        n = batch.entries.len();
    }
    println!(
        "{{\"records\": {n}, \"threads\": {}, \"json_text_s\": {best_text:.6}, \"json_text_per_s\": {:.0}, \"json_text_cpu_s\": {best_text_cpu:.3}, \"values_s\": {best_values:.6}, \"values_per_s\": {:.0}, \"values_cpu_s\": {best_values_cpu:.3}}}",
        rayon::current_num_threads(),
        n as f64 / best_text,
        n as f64 / best_values
    );
    Ok(())
}
