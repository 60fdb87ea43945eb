//! Arbitrary input as a records file for the demo pack; the first byte picks the reader:
//! 0 YAML, 1 JSON Lines, 2 JSON, 3 CSV (through a temporary file, with an optional
//! `records.staff.csv` sidecar after a `\x01` byte), 4 xlsx bytes (through a temporary file).
//! Every record read is evaluated, and the batch serialised.
#![no_main]
use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

fn temp_dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("chidu-fuzz-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        dir
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let engine = chidu_fuzz::demo_engine();
    let raws = match mode % 5 {
        4 => {
            let path = temp_dir().join("records.xlsx");
            if std::fs::write(&path, rest).is_err() {
                return;
            }
            let standard = engine.standard();
            chidu::read_file(&path, Some(&standard)).unwrap_or_default()
        }
        m => {
            let Ok(text) = std::str::from_utf8(rest) else {
                return;
            };
            match m {
                0 => chidu::read_yaml(text, "fuzz.yaml"),
                1 => chidu::read_jsonl(text, "fuzz.jsonl"),
                2 => chidu::read_json(text, "fuzz.json"),
                _ => {
                    let dir = temp_dir();
                    let (main, side) = text.split_once('\u{1}').unwrap_or((text, ""));
                    let path = dir.join("records.csv");
                    let side_path = dir.join("records.staff.csv");
                    if std::fs::write(&path, main).is_err() {
                        return;
                    }
                    let _ = if side.is_empty() {
                        std::fs::remove_file(&side_path)
                    } else {
                        std::fs::write(&side_path, side)
                    };
                    let standard = engine.standard();
                    chidu::read_file(&path, Some(&standard)).unwrap_or_default()
                }
            }
        }
    };
    chidu_fuzz::evaluate_all(engine, &raws);
});
