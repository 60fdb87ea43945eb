//! `chidu check`: evaluate records and print or write the reports.

use std::io::{IsTerminal as _, Write as _};
use std::path::PathBuf;

use clap::{Args, ValueEnum};

use crate::{LangArg, exit, load, output};

#[derive(Args, Debug)]
pub(crate) struct CheckArgs {
    /// Pack directory or built-in id (e.g. `taicang`).
    standard: String,
    /// Record files or directories (.yaml .yml .json .jsonl .csv); without any, the pack's examples.
    records: Vec<PathBuf>,
    /// Evaluation date (YYYY-MM-DD); default today.
    #[arg(long)]
    as_of: Option<String>,
    /// Waivers file (YAML or JSON).
    #[arg(long)]
    waivers: Option<PathBuf>,
    /// Report language.
    #[arg(long, value_enum, default_value_t = LangArg::Zh, env = "CHIDU_LANG")]
    lang: LangArg,
    /// Output format (text on a terminal by default).
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// Write the output to this file (atomically) instead of stdout.
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Exit 1 when an evaluated record scores below this.
    #[arg(long)]
    fail_under: Option<f64>,
    /// Exit 1 when a record is vetoed or a veto item lacks evidence.
    #[arg(long)]
    fail_on_veto: bool,
    /// Show values derived from personal (`pii`) fields.
    #[arg(long)]
    no_mask_pii: bool,
    /// List, per record, the fewest indicators whose full marks would reach the next grade.
    #[arg(long)]
    next_grade: bool,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub(crate) enum Format {
    Text,
    Json,
    Jsonl,
    Md,
    Html,
    Csv,
    Xlsx,
    Sarif,
    Junit,
}

pub(crate) fn run(args: &CheckArgs) -> u8 {
    let std = match load(&args.standard) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let engine = match std.compile() {
        Ok(e) => e,
        Err(e) => {
            output::print_diagnostics(&e.diagnostics);
            return exit::INVALID_STANDARD;
        }
    };
    let mut options = chidu::Options::default();
    options.mask_pii = !args.no_mask_pii;
    if let Some(d) = &args.as_of {
        options = match options.with_as_of(d) {
            Ok(o) => o,
            Err(e) => {
                eprintln!("error: --as-of: {e}");
                return exit::INVALID_STANDARD;
            }
        };
    }
    if let Some(path) = &args.waivers {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("error: cannot read {}: {e}", path.display());
                return exit::INVALID_STANDARD;
            }
        };
        match std.waivers_from_str(&text, &path.display().to_string()) {
            Ok(w) => options.waivers = w,
            Err(e) => {
                output::print_diagnostics(&e.diagnostics);
                return exit::INVALID_STANDARD;
            }
        }
    }
    let format = args.format.unwrap_or(Format::Text);
    // JSON and JSON Lines stream: bounded memory for fleets of any size.
    if matches!(format, Format::Json | Format::Jsonl)
        && !args.records.is_empty()
        && !args.next_grade
    {
        let gates = crate::stream::Gates {
            fail_under: args.fail_under,
            fail_on_veto: args.fail_on_veto,
        };
        return crate::stream::run(
            &engine,
            &std,
            &options,
            &args.records,
            format == Format::Jsonl,
            args.output.as_deref(),
            &gates,
        );
    }
    let mut inputs = Vec::new();
    if args.records.is_empty() {
        inputs = builtin_examples(&args.standard, &std);
        if inputs.is_empty() {
            eprintln!(
                "error: no records given, and `{}` has no example records",
                args.standard
            );
            return exit::INVALID_STANDARD;
        }
    }
    for path in &args.records {
        match chidu::read_path(path, Some(&std)) {
            Ok(mut r) => inputs.append(&mut r),
            Err(e) => {
                eprintln!("error: {e}");
                return exit::INVALID_STANDARD;
            }
        }
    }
    let batch = engine.evaluate_batch(&inputs, &options);
    let stdout_tty = std::io::stdout().is_terminal();
    let lang = args.lang.lang();
    let color = stdout_tty && args.output.is_none();
    let mut text = match crate::formats::render(format, &batch, lang, color) {
        Ok(bytes) => bytes,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::INVALID_STANDARD;
        }
    };
    if args.next_grade {
        match format {
            Format::Text => text.extend(next_grade_text(&batch, &std, lang).into_bytes()),
            Format::Json => text = next_grade_json(&batch).into_bytes(),
            _ => {}
        }
    }
    match &args.output {
        Some(path) => {
            if let Err(code) = output::write_reported(path, &text) {
                return code;
            }
        }
        None => {
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(&text);
        }
    }
    for e in &batch.entries {
        if let chidu::Entry::Invalid { origin, error } = e {
            eprintln!(
                "invalid record {origin}: {}{}: {}",
                error
                    .record
                    .as_deref()
                    .map(|r| format!("{r} "))
                    .unwrap_or_default(),
                error.path,
                error.message
            );
        }
    }
    let gate_failed = batch.entries.iter().any(|e| match e {
        chidu::Entry::Report(r) => {
            let under = args
                .fail_under
                .is_some_and(|min| r.rounded_score().is_none_or(|s| s < min));
            let veto = args.fail_on_veto && (r.vetoed() || !r.vetoes_unresolved.is_empty());
            under || veto
        }
        chidu::Entry::Invalid { .. } => false,
    });
    if batch.invalid() > 0 {
        exit::INVALID_RECORDS
    } else if gate_failed {
        exit::GATE
    } else {
        exit::OK
    }
}

/// The `--next-grade` lines printed after the text output.
fn next_grade_text(batch: &chidu::Batch, std: &chidu::Standard, lang: chidu::Lang) -> String {
    let zh = lang == chidu::Lang::Zh;
    let label = |g: Option<&str>| {
        g.map_or("—".to_owned(), |g| {
            std.grade_label(g, lang).unwrap_or(g).to_owned()
        })
    };
    let mut s = String::from(if zh {
        "\n升级所需最少整改项（不计否决）\n"
    } else {
        "\nFewest fixes to reach the next grade (vetoes ignored)\n"
    });
    for e in &batch.entries {
        let chidu::Entry::Report(r) = e else { continue };
        let id = r.record.id.as_deref().unwrap_or("?");
        match r.next_grade() {
            Some(n) => {
                s.push_str(&format!(
                    "  {id}: {} → {}  {}  ({} {}, {} {})\n",
                    label(n.from_grade.as_deref()),
                    label(Some(&n.grade)),
                    n.indicators.join(", "),
                    if zh { "挽回" } else { "recovers" },
                    chidu::fmt_num(n.points),
                    if zh { "得分" } else { "score" },
                    chidu::fmt_num(n.score),
                ));
            }
            None => s.push_str(&format!(
                "  {id}: {}\n",
                if zh {
                    "已是最高等级，或无法通过整改达到更高等级"
                } else {
                    "already at the best grade, or no set of fixes reaches a better one"
                }
            )),
        }
    }
    s
}

/// The batch JSON with `"next_grade"` added to each evaluated report (null when none).
fn next_grade_json(batch: &chidu::Batch) -> String {
    let mut v = serde_json::to_value(batch).unwrap_or_default();
    if let Some(reports) = v
        .get_mut("reports")
        .and_then(serde_json::Value::as_array_mut)
    {
        for (entry, json) in batch.entries.iter().zip(reports.iter_mut()) {
            if let (chidu::Entry::Report(r), Some(obj)) = (entry, json.as_object_mut()) {
                let ng = r
                    .next_grade()
                    .and_then(|n| serde_json::to_value(n).ok())
                    .unwrap_or_default();
                obj.insert("next_grade".to_owned(), ng);
            }
        }
    }
    serde_json::to_string(&v).unwrap_or_default() + "\n"
}

/// The example records of a built-in (or directory) pack, for `chidu check taicang`.
fn builtin_examples(spec: &str, std: &chidu::Standard) -> Vec<chidu::RawRecord> {
    let dir = std::path::Path::new(spec).join("examples");
    if dir.is_dir() {
        return chidu::read_path(&dir, Some(std)).unwrap_or_default();
    }
    let mut out = Vec::new();
    for path in chidu::builtin_files_under(&format!("{}/examples/", std.id())) {
        if let Some(text) = chidu::builtin_file(path) {
            if path.ends_with(".jsonl") {
                out.extend(chidu::read_jsonl(text, path));
            } else if path.ends_with(".json") {
                out.extend(chidu::read_json(text, path));
            } else {
                out.extend(chidu::read_yaml(text, path));
            }
        }
    }
    out
}
