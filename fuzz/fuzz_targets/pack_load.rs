//! Arbitrary bytes as the text of one file of a valid pack (the first byte picks the file:
//! demo's `record.yaml`, sections and `standard.yaml`, or the honghe overlay's section and
//! `standard.yaml`, which extends `national`). Loading must never panic; when it loads, the
//! demo examples are evaluated against it.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let files = chidu_fuzz::mutable_files();
    let (pack, path) = files[usize::from(pick) % files.len()];
    let text = String::from_utf8_lossy(rest).into_owned();
    let mut map = chidu_fuzz::file_map(pack);
    map.insert(path.to_owned(), text);
    if let Ok(standard) = chidu::Standard::from_strings(map, pack) {
        let _ = standard.outline(chidu::Lang::En);
        if let Ok(engine) = standard.compile() {
            for ex in chidu_fuzz::demo_examples() {
                if let Ok(report) = engine.evaluate(ex, chidu_fuzz::options()) {
                    let _ = report.to_json();
                }
            }
        }
    }
});
