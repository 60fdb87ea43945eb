//! Embedding chidu in a service: compile the standard once at start-up, share the engine
//! across worker threads (`Engine` is `Send + Sync`), and evaluate records as they arrive.
//!
//! Run: `cargo run -p chidu --example service`

use std::sync::{Arc, mpsc};
use std::thread;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let engine = Arc::new(chidu::Standard::builtin("taicang")?.compile()?);
    let options = Arc::new(chidu::Options::default().with_as_of("2026-06-30")?);

    // Requests: station records as JSON text, as a web handler would receive them.
    let mut requests = Vec::new();
    for path in chidu::builtin_files_under("taicang/examples/") {
        let text = chidu::builtin_file(path).ok_or("missing example")?;
        for raw in chidu::read_yaml(text, path) {
            requests.push(serde_json::to_vec(&raw.to_value()?)?);
        }
    }
    requests.push(br#"{"id": "BAD-1", "premises": {"mode": "castle"}}"#.to_vec());

    let (tx, rx) = mpsc::channel::<(usize, Vec<u8>)>();
    let rx = Arc::new(std::sync::Mutex::new(rx));
    let (done_tx, done_rx) = mpsc::channel::<(usize, String)>();
    let workers: Vec<_> = (0..2)
        .map(|_| {
            let (engine, options, rx, done_tx) = (
                Arc::clone(&engine),
                Arc::clone(&options),
                Arc::clone(&rx),
                done_tx.clone(),
            );
            thread::spawn(move || {
                loop {
                    let job = match rx.lock() {
                        Ok(guard) => guard.recv(),
                        Err(_) => break,
                    };
                    let Ok((n, body)) = job else { break };
                    // Parse straight into the pack's typed layout, then score.
                    let reply = match engine.parse_json(&body) {
                        Ok(record) => {
                            let report = engine.evaluate_record(&record, &options);
                            let first_gap = report
                                .gaps
                                .first()
                                .map(|g| g.indicator.clone())
                                .unwrap_or_default();
                            format!(
                                "{} score={} grade={} first gap={first_gap}",
                                report.record.id.as_deref().unwrap_or("?"),
                                report.rounded_score().map_or("—".into(), chidu::fmt_num),
                                report.grade.as_deref().unwrap_or("—"),
                            )
                        }
                        Err(e) => format!("rejected: {e}"),
                    };
                    if done_tx.send((n, reply)).is_err() {
                        break;
                    }
                }
            })
        })
        .collect();
    drop(done_tx);
    for (n, body) in requests.into_iter().enumerate() {
        tx.send((n, body))?;
    }
    drop(tx);
    let mut replies: Vec<(usize, String)> = done_rx.iter().collect();
    replies.sort();
    for (_, r) in replies {
        println!("{r}");
    }
    for w in workers {
        w.join().map_err(|_| "worker panicked")?;
    }
    Ok(())
}
