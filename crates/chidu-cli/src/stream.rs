//! Streaming `chidu check --format json|jsonl`: records are read, evaluated in parallel chunks
//! and written in input order, so memory stays bounded however many records there are (only
//! the scores kept for the median grow).

use std::io::{BufReader, Write};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::{exit, output};

/// Records evaluated together; bounds memory (the reports of one chunk and their JSON text,
/// ~50 KB each for a rich pack, are alive at a time). Enough to keep every core busy.
const CHUNK: usize = 128;

pub(crate) struct Gates {
    pub(crate) fail_under: Option<f64>,
    pub(crate) fail_on_veto: bool,
}

/// Where records come from: JSON Lines files are read lazily; other files whole.
enum Source {
    Lines {
        origin: String,
        reader: Box<dyn std::io::BufRead>,
        line: usize,
    },
    Loaded(std::vec::IntoIter<chidu::RawRecord>),
}

pub(crate) fn run(
    engine: &chidu::Engine,
    std: &chidu::Standard,
    options: &chidu::Options,
    paths: &[PathBuf],
    jsonl: bool,
    output_path: Option<&Path>,
    gates: &Gates,
) -> u8 {
    let mut sources = Vec::new();
    for p in paths {
        let is_jsonl = p.is_file() && p.extension().is_some_and(|e| e == "jsonl");
        if is_jsonl {
            match std::fs::File::open(p) {
                Ok(f) => sources.push(Source::Lines {
                    origin: p.display().to_string(),
                    reader: Box::new(BufReader::new(f)),
                    line: 0,
                }),
                Err(e) => {
                    eprintln!("error: {}: {e}", p.display());
                    return exit::INVALID_STANDARD;
                }
            }
        } else {
            match chidu::read_path(p, Some(std)) {
                Ok(r) => sources.push(Source::Loaded(r.into_iter())),
                Err(e) => {
                    eprintln!("error: {e}");
                    return exit::INVALID_STANDARD;
                }
            }
        }
    }
    let (tmp, mut out): (Option<PathBuf>, Box<dyn Write>) = match output_path {
        Some(path) => match output::temp_writer(path) {
            Ok((tmp, w)) => (Some(tmp), Box::new(w)),
            Err(e) => {
                eprintln!("error: cannot write {}: {e}", path.display());
                return exit::INVALID_STANDARD;
            }
        },
        None => (
            None,
            Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
        ),
    };
    let mut summary = engine.new_summary();
    let (mut invalid, mut gate_failed, mut first) = (0usize, false, true);
    if !jsonl {
        let standard =
            serde_json::json!({"id": std.id(), "version": std.version(), "digest": std.digest()});
        let _ = write!(
            out,
            "{{\"format\":\"chidu.batch/1\",\"standard\":{standard},\"as_of\":\"{}\",\"reports\":[",
            options.as_of_string()
        );
    }
    // A spinner with the count and rate, only on a terminal and only once the work is long.
    let started = std::time::Instant::now();
    let progress = std::io::IsTerminal::is_terminal(&std::io::stderr()).then(|| {
        let bar = indicatif::ProgressBar::hidden();
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} {pos} records ({per_sec}) {elapsed}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        bar
    });
    let mut chunk: Vec<chidu::RawRecord> = Vec::with_capacity(CHUNK);
    let mut sources = sources.into_iter();
    let mut current = sources.next();
    loop {
        chunk.clear();
        while chunk.len() < CHUNK {
            let Some(src) = current.as_mut() else { break };
            match next_record(src) {
                Some(r) => chunk.push(r),
                None => current = sources.next(),
            }
        }
        if chunk.is_empty() {
            break;
        }
        // Each report's JSON is written on the worker that evaluated it: for rich packs
        // writing a report costs more than evaluating it, so it must not be serial.
        let entries: Vec<(chidu::Entry, Vec<u8>)> = chunk
            .par_iter()
            .map(|raw| {
                let entry = engine.evaluate_raw(raw, options);
                let mut json = Vec::with_capacity(8 * 1024);
                entry.write_json(&mut json);
                (entry, json)
            })
            .collect();
        if let Some(bar) = &progress {
            if bar.is_hidden() && started.elapsed() > std::time::Duration::from_secs(1) {
                bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            }
            bar.inc(entries.len() as u64);
        }
        for (e, json) in &entries {
            engine.add_to_summary(&mut summary, e);
            match e {
                chidu::Entry::Report(r) => {
                    let under = gates
                        .fail_under
                        .is_some_and(|min| r.rounded_score().is_none_or(|s| s < min));
                    let veto =
                        gates.fail_on_veto && (r.vetoed() || !r.vetoes_unresolved.is_empty());
                    gate_failed |= under || veto;
                }
                chidu::Entry::Invalid { origin, error } => {
                    invalid += 1;
                    let id = error
                        .record
                        .as_deref()
                        .map(|r| format!("{r} "))
                        .unwrap_or_default();
                    eprintln!(
                        "invalid record {origin}: {id}{}: {}",
                        error.path, error.message
                    );
                }
            }
            if !(jsonl || first) {
                let _ = out.write_all(b",");
            }
            first = false;
            let _ = out.write_all(json);
            if jsonl {
                let _ = out.write_all(b"\n");
            }
        }
    }
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    if !jsonl {
        let _ = writeln!(out, "],\"summary\":{}}}", engine.summary_json(&summary));
    }
    if let Err(e) = out.flush() {
        eprintln!("error: cannot write the output: {e}");
        return exit::INVALID_STANDARD;
    }
    drop(out);
    if let (Some(tmp), Some(path)) = (tmp, output_path)
        && let Err(e) = std::fs::rename(&tmp, path)
    {
        let _ = std::fs::remove_file(&tmp);
        eprintln!("error: cannot write {}: {e}", path.display());
        return exit::INVALID_STANDARD;
    }
    if invalid > 0 {
        exit::INVALID_RECORDS
    } else if gate_failed {
        exit::GATE
    } else {
        exit::OK
    }
}

fn next_record(src: &mut Source) -> Option<chidu::RawRecord> {
    match src {
        Source::Loaded(it) => it.next(),
        Source::Lines {
            origin,
            reader,
            line,
        } => loop {
            let mut buf = Vec::new();
            match chidu::read_jsonl_line(reader, &mut buf, chidu::MAX_LINE_BYTES) {
                Ok(chidu::JsonlLine::End) => return None,
                Ok(chidu::JsonlLine::Line) => {
                    *line += 1;
                    if chidu::is_blank_jsonl_line(&buf) {
                        continue;
                    }
                    return Some(chidu::RawRecord {
                        origin: format!("{origin}:{line}"),
                        data: chidu::RawData::Json(buf),
                    });
                }
                Ok(chidu::JsonlLine::TooLong(n)) => {
                    *line += 1;
                    return Some(chidu::RawRecord {
                        origin: format!("{origin}:{line}"),
                        data: chidu::RawData::Unreadable(chidu::JsonlLine::too_long(n)),
                    });
                }
                Err(e) => {
                    *line += 1;
                    return Some(chidu::RawRecord {
                        origin: format!("{origin}:{line}"),
                        data: chidu::RawData::Unreadable(e.to_string()),
                    });
                }
            }
        },
    }
}
