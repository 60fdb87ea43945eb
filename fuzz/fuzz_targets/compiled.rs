//! Arbitrary bytes as one record of the codegen coverage pack
//! (`crates/chidu/tests/codegen/pack`): the generated checks (`Scorer::score_json`, which falls
//! back to the engine for what they cannot decide) must give the engine's scorecard
//! (`Scorecard::of_report`: score, grade, vetoes, statuses), or the engine's error.
#![no_main]
use std::sync::OnceLock;

use chidu::compiled::Scorer;
use libfuzzer_sys::fuzz_target;

#[rustfmt::skip]
#[path = "../../crates/chidu/tests/codegen/coverage/mod.rs"]
mod coverage;

struct Pack {
    engine: chidu::Engine,
    scorer: Scorer<coverage::Pack>,
}

fn pack() -> &'static Pack {
    static PACK: OnceLock<Pack> = OnceLock::new();
    PACK.get_or_init(|| {
        let dir = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../crates/chidu/tests/codegen/pack"
        );
        let standard = chidu::Standard::load(dir).unwrap_or_else(|e| panic!("{e:?}"));
        let engine = standard.compile().unwrap_or_else(|e| panic!("{e:?}"));
        let scorer = Scorer::new(&engine).unwrap_or_else(|e| panic!("{e}"));
        Pack { engine, scorer }
    })
}

fuzz_target!(|data: &[u8]| {
    let p = pack();
    chidu_fuzz::same_scorecard(&p.engine, &p.scorer, data);
});
