//! Shared helpers of the chidu fuzz targets: the built-in packs as file maps, a compiled demo
//! engine and fixed evaluation options (so runs are deterministic).
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// Every built-in file of `pack` that is part of the pack itself (not `examples/` or `tests/`).
pub fn pack_files(pack: &str) -> Vec<&'static str> {
    chidu::builtin_files_under(&format!("{pack}/"))
        .into_iter()
        .filter(|p| !p.contains("/examples/") && !p.contains("/tests/"))
        .collect()
}

/// The files `pack_load` may replace, in a fixed order (the first input byte picks one):
/// the demo pack's, then the honghe overlay's (which extends `national`).
/// `fuzz/seed.py` lists them in the same (sorted) order.
pub fn mutable_files() -> &'static [(&'static str, &'static str)] {
    static FILES: OnceLock<Vec<(&'static str, &'static str)>> = OnceLock::new();
    FILES.get_or_init(|| {
        let mut v: Vec<(&str, &str)> = Vec::new();
        for pack in ["demo", "honghe"] {
            for p in pack_files(pack) {
                v.push((pack, p));
            }
        }
        v
    })
}

/// The text files of `pack` (and of `national`, which overlays extend), keyed by path.
pub fn file_map(pack: &str) -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    let mut packs = vec![pack];
    if pack != "demo" {
        packs.push("national");
    }
    for p in packs {
        for path in pack_files(p) {
            if let Some(text) = chidu::builtin_file(path) {
                map.insert(path.to_owned(), text.to_owned());
            }
        }
    }
    map
}

/// The demo pack, compiled once per process.
pub fn demo_engine() -> &'static chidu::Engine {
    static ENGINE: OnceLock<chidu::Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let standard = chidu::Standard::builtin("demo").unwrap_or_else(|e| panic!("demo: {e:?}"));
        standard.compile().unwrap_or_else(|e| panic!("demo: {e:?}"))
    })
}

/// Options with a fixed `as_of` date.
pub fn options() -> &'static chidu::Options {
    static OPTIONS: OnceLock<chidu::Options> = OnceLock::new();
    OPTIONS.get_or_init(|| {
        chidu::Options::default()
            .with_as_of("2026-06-30")
            .unwrap_or_else(|e| panic!("as_of: {e}"))
    })
}

/// Example records of the demo pack, parsed once (evaluated against fuzzed standards).
pub fn demo_examples() -> &'static [serde_json::Value] {
    static EX: OnceLock<Vec<serde_json::Value>> = OnceLock::new();
    EX.get_or_init(|| {
        let mut out = Vec::new();
        for path in chidu::builtin_files_under("demo/examples/") {
            if let Some(text) = chidu::builtin_file(path) {
                for raw in chidu::read_yaml(text, path) {
                    if let Ok(v) = raw.to_value() {
                        out.push(v);
                    }
                }
            }
        }
        out
    })
}

/// Evaluates every raw record with `engine`, serialising and rendering each report, then the
/// batch (summary included). Nothing here may panic.
pub fn evaluate_all(engine: &chidu::Engine, raws: &[chidu::RawRecord]) {
    let opts = options();
    let mut entries = Vec::with_capacity(raws.len());
    for raw in raws {
        let entry = engine.evaluate_raw(raw, opts);
        if let chidu::Entry::Report(report) = &entry {
            let _ = report.to_json();
            let _ = chidu::render::report_text(report, chidu::Lang::En, false);
        }
        entries.push(entry);
    }
    let batch = engine.batch(entries, opts);
    let _ = batch.to_json();
}

/// `text` as a YAML double-quoted scalar (every control character escaped), so a fuzzed
/// expression reaches the expression parser instead of failing as YAML.
pub fn yaml_quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() || c == '\u{feff}' || ('\u{fff0}'..='\u{ffff}').contains(&c) => {
                if (c as u32) <= 0xffff {
                    out.push_str(&format!("\\u{:04x}", c as u32));
                } else {
                    out.push_str(&format!("\\U{:08x}", c as u32));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Scores `data` as one record with generated checks (`Scorer::score_json`, which falls back
/// to the engine for what they cannot decide) and with the engine, and panics unless both give
/// the same scorecard (score, grade, vetoes, statuses) or the same error; the engine's
/// `Engine::scorecard` must equal its report's scorecard too.
pub fn same_scorecard<G: chidu::compiled::Generated>(
    engine: &chidu::Engine,
    scorer: &chidu::compiled::Scorer<G>,
    data: &[u8],
) {
    use chidu::compiled::Scorecard;
    let got = scorer.score_json(data, options());
    let want = engine.parse_json(data).map(|r| {
        let report = engine.evaluate_record(&r, options());
        // The engine's own report-free scorecard says the same.
        assert_eq!(
            engine.scorecard(&r, options()),
            Scorecard::of_report(&report)
        );
        report
    });
    match (got, want) {
        (Ok(card), Ok(report)) => assert_eq!(
            Scorecard {
                compiled: false,
                ..card
            },
            Scorecard::of_report(&report)
        ),
        (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string()),
        (a, b) => panic!("generated {a:?} vs engine {:?}", b.map(|r| r.score)),
    }
}
