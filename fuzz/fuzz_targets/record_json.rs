//! Arbitrary bytes as one JSON record of the built-in demo pack: typed parse, evaluation,
//! JSON report and text rendering; `Engine::scorecard` must say what the report says.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let engine = chidu_fuzz::demo_engine();
    if let Ok(record) = engine.parse_json(data) {
        let report = engine.evaluate_record(&record, chidu_fuzz::options());
        assert_eq!(
            engine.scorecard(&record, chidu_fuzz::options()),
            chidu::Scorecard::of_report(&report)
        );
        let _ = report.to_json();
        let _ = chidu::render::report_text(&report, chidu::Lang::Zh, false);
    }
});
