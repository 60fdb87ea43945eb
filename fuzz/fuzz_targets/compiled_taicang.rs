//! Arbitrary bytes as one station record of the built-in Taicang pack, which uses every
//! scoring form (tiers, proportional, linear, per item, per instance) over the national
//! record schema: the generated checks (`crates/chidu/tests/codegen/builtin/taicang`, through
//! `Scorer::score_json`) must give the engine's scorecard, or the engine's error. The corpus
//! starts from synthetic stations (`chidu-synth --profile taicang`).
#![no_main]
use std::sync::OnceLock;

use chidu::compiled::Scorer;
use libfuzzer_sys::fuzz_target;

#[rustfmt::skip]
#[path = "../../crates/chidu/tests/codegen/builtin/taicang/mod.rs"]
mod taicang;

struct Pack {
    engine: chidu::Engine,
    scorer: Scorer<taicang::Pack>,
}

fn pack() -> &'static Pack {
    static PACK: OnceLock<Pack> = OnceLock::new();
    PACK.get_or_init(|| {
        let standard = chidu::Standard::builtin("taicang").unwrap_or_else(|e| panic!("{e:?}"));
        let engine = standard.compile().unwrap_or_else(|e| panic!("{e:?}"));
        let scorer = Scorer::new(&engine).unwrap_or_else(|e| panic!("{e}"));
        Pack { engine, scorer }
    })
}

fuzz_target!(|data: &[u8]| {
    let p = pack();
    chidu_fuzz::same_scorecard(&p.engine, &p.scorer, data);
});
