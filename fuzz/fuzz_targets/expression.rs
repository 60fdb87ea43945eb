//! Arbitrary UTF-8 as the `check` expression of indicator CS-01 of the demo pack (parse, type
//! check, name resolution, optimisation); when the pack loads, the demo examples are evaluated.
#![no_main]
use libfuzzer_sys::fuzz_target;

const ORIGINAL: &str = "check: premises.mode == \"independent\"";

fuzz_target!(|expr: &str| {
    let mut map = chidu_fuzz::file_map("demo");
    let Some(section) = map.get_mut("demo/sections/premises.yaml") else {
        return;
    };
    *section = section.replacen(
        ORIGINAL,
        &format!("check: {}", chidu_fuzz::yaml_quote(expr)),
        1,
    );
    if let Ok(standard) = chidu::Standard::from_strings(map, "demo") {
        if let Ok(engine) = standard.compile() {
            for ex in chidu_fuzz::demo_examples() {
                if let Ok(report) = engine.evaluate(ex, chidu_fuzz::options()) {
                    let _ = report.to_json();
                }
            }
        }
    }
});
