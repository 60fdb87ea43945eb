//! Generated checks (`chidu codegen`, `chidu::compiled`) must give the engine's scorecard for
//! every record: random records of the coverage pack (`tests/codegen/pack`, every construct the
//! generator writes) and of the peer-benchmark pack, and hand-written records outside the
//! strict shape, which must go to the engine.
//!
//! The generated files are committed; regenerate them with
//! `CHIDU_UPDATE_CODEGEN=1 cargo test -p chidu --test compiled`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests"
)]

// Generated code stays as the generator writes it (the up-to-date test compares it).
#[rustfmt::skip]
#[path = "codegen/coverage/mod.rs"]
mod coverage;
#[rustfmt::skip]
#[path = "codegen/peers/mod.rs"]
mod peers;
#[path = "compiled/builtin.rs"]
mod builtin;

use std::path::{Path, PathBuf};

use chidu::compiled::{Generated, Scorecard, Scorer};
use chidu::{Engine, Options, Standard};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use serde_json::{Value, json};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

/// (pack directory, generated module directory) of the coverage and peer packs.
fn packs() -> [(PathBuf, PathBuf); 2] {
    [
        (
            root().join("tests/codegen/pack"),
            root().join("tests/codegen/coverage"),
        ),
        (
            root().join("../../benches/peers/pack"),
            root().join("tests/codegen/peers"),
        ),
    ]
}

fn load(dir: &Path) -> (Standard, Engine) {
    let standard = Standard::load(dir).unwrap();
    let engine = standard.compile().unwrap();
    (standard, engine)
}

fn options() -> Options {
    Options::default().with_as_of("2026-06-30").unwrap()
}

#[test]
fn generated_code_is_up_to_date() {
    for (dir, module) in packs().into_iter().chain(builtin::packs()) {
        let code = load(&dir).1.generate_rust().unwrap();
        for (name, text) in code.files() {
            let file = module.join(name);
            if std::env::var_os("CHIDU_UPDATE_CODEGEN").is_some() {
                std::fs::create_dir_all(&module).unwrap();
                std::fs::write(&file, text).unwrap();
                continue;
            }
            let committed = std::fs::read_to_string(&file).unwrap_or_default();
            assert!(
                committed == text,
                "{} is stale: run CHIDU_UPDATE_CODEGEN=1 cargo test -p chidu --test compiled",
                file.display()
            );
        }
    }
}

/// The engine's scorecard, built from its full report; `Engine::scorecard`, which builds no
/// report, must give the same.
fn engine_card(engine: &Engine, line: &str) -> Result<Scorecard, String> {
    let record = engine
        .parse_json(line.as_bytes())
        .map_err(|e| e.to_string())?;
    let card = Scorecard::of_report(&engine.evaluate_record(&record, &options()));
    let direct = engine.scorecard(&record, &options());
    if direct != card {
        return Err(format!(
            "Engine::scorecard {direct:?} differs from the report's {card:?}"
        ));
    }
    Ok(card)
}

/// Scores `line` both ways; returns whether the generated checks decided it.
fn agree<G: Generated>(
    engine: &Engine,
    scorer: &Scorer<G>,
    line: &str,
) -> Result<bool, TestCaseError> {
    let expected = engine_card(engine, line);
    let got = scorer
        .score_json(line.as_bytes(), &options())
        .map_err(|e| e.to_string());
    let compiled = got.as_ref().is_ok_and(|c| c.compiled);
    let got = got.map(|c| Scorecard {
        compiled: false,
        ..c
    });
    prop_assert_eq!(got, expected, "{}", line);
    Ok(compiled)
}

fn coverage() -> (Standard, Engine, Scorer<coverage::Pack>) {
    let (standard, engine) = load(&packs()[0].0);
    let scorer = Scorer::new(&engine).unwrap();
    (standard, engine, scorer)
}

fn peers() -> (Standard, Engine, Scorer<peers::Pack>) {
    let (standard, engine) = load(&packs()[1].0);
    let scorer = Scorer::new(&engine).unwrap();
    (standard, engine, scorer)
}

/// Usually present, sometimes null, sometimes absent.
fn maybe(s: impl Strategy<Value = Value> + 'static) -> impl Strategy<Value = Option<Value>> {
    prop_oneof![
        8 => s.prop_map(Some),
        1 => Just(Some(Value::Null)),
        1 => Just(None),
    ]
}

fn object(fields: Vec<(&'static str, Option<Value>)>) -> Value {
    Value::Object(
        fields
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| (k.to_owned(), v)))
            .collect(),
    )
}

fn text(values: &'static [&'static str]) -> impl Strategy<Value = Value> + Clone {
    prop::sample::select(values).prop_map(|s| json!(s))
}

fn date() -> impl Strategy<Value = Value> + Clone {
    prop_oneof![
        (2015i32..2027, 1u32..13, 1u32..29)
            .prop_map(|(y, m, d)| json!(format!("{y}-{m:02}-{d:02}"))),
        Just(json!("2026-06-30")),
    ]
}

fn number() -> impl Strategy<Value = Value> + Clone {
    // 1e308 makes some checks overflow (the engine's error, so the record goes there).
    prop_oneof![
        10 => (0i64..120).prop_map(|n| json!(n)),
        10 => (-5.0f64..200.0).prop_map(|n| json!(n)),
        2 => Just(json!(0)),
        1 => Just(json!(1e308)),
        1 => Just(json!(-0.0)),
    ]
}

fn int() -> impl Strategy<Value = Value> + Clone {
    prop_oneof![
        (0i64..60).prop_map(|n| json!(n)),
        Just(json!(3.0)),
        Just(json!(0))
    ]
}

fn coverage_record() -> impl Strategy<Value = Value> {
    let staff = (
        maybe(text(&["sw", "assistant", "manager"])),
        maybe(number()),
        maybe(any::<bool>().prop_map(Value::Bool)),
        maybe(date()),
        maybe(text(&["王芳", "7", "李"])),
    )
        .prop_map(|(role, hours, full_time, since, name)| {
            object(vec![
                ("role", role),
                ("hours", hours),
                ("full_time", full_time),
                ("since", since),
                ("name", name),
            ])
        });
    let service = (maybe(text(&["case", "group"])), maybe(int()), maybe(date())).prop_map(
        |(kind, beneficiaries, date)| {
            object(vec![
                ("kind", kind),
                ("beneficiaries", beneficiaries),
                ("date", date),
                ("code", Some(json!("C-1"))),
            ])
        },
    );
    let address = (
        maybe(text(&["太仓", "昆山"])),
        maybe(int()),
        maybe(text(&["own", "shared"])),
    )
        .prop_map(|(city, floor, kind)| {
            object(vec![("city", city), ("floor", floor), ("kind", kind)])
        });
    let scalars = (
        maybe(text(&["城厢镇社工站", "甲站", "站", "ab"])),
        maybe(text(&["township", "street", "community"])),
        maybe(number()),
        maybe(number()),
        maybe(int()),
        maybe(date()),
        maybe(any::<bool>().prop_map(Value::Bool)),
        maybe(text(&["0512-1234", "12345", "0512-123"])),
    );
    let lists = (
        maybe(
            prop::collection::vec(
                prop_oneof![9 => text(&["elderly", "child", "disabled"]), 1 => Just(Value::Null)],
                0..5,
            )
            .prop_map(Value::Array),
        ),
        maybe(
            prop::collection::vec(prop_oneof![9 => number(), 1 => Just(Value::Null)], 0..6)
                .prop_map(Value::Array),
        ),
        maybe(address),
        maybe(
            prop::collection::vec(prop_oneof![9 => staff, 1 => Just(Value::Null)], 0..6)
                .prop_map(Value::Array),
        ),
        maybe(
            prop::collection::vec(prop_oneof![9 => service, 1 => Just(Value::Null)], 0..8)
                .prop_map(Value::Array),
        ),
    );
    // Fields no check reads, now and then of the wrong type (the engine rejects the record).
    let unused = (
        maybe(prop_oneof![29 => text(&["备注"]), 1 => Just(json!(7))]),
        maybe(prop_oneof![29 => number(), 1 => Just(json!("x"))]),
        maybe(prop_oneof![29 => int(), 1 => Just(json!(1.5))]),
        maybe(prop_oneof![29 => date(), 1 => Just(json!("2024-02-30"))]),
        maybe(prop_oneof![29 => any::<bool>().prop_map(Value::Bool), 1 => Just(json!("yes"))]),
    );
    (scalars, lists, unused).prop_map(
        |(
            (name, level, area, indoor, rooms, opened, accessible, phone),
            (tags, scores, address, staff, services),
            (note, budget, households, audited, hotline),
        )| {
            object(vec![
                ("note", note),
                ("budget", budget),
                ("households", households),
                ("audited", audited),
                ("hotline", hotline),
                ("id", Some(json!("S-1"))),
                ("name", name),
                ("level", level),
                ("area", area),
                ("indoor", indoor),
                ("rooms", rooms),
                ("opened", opened),
                ("accessible", accessible),
                ("phone", phone),
                ("tags", tags),
                ("scores", scores),
                ("address", address),
                ("staff", staff),
                ("services", services),
            ])
        },
    )
}

fn peer_record() -> impl Strategy<Value = Value> {
    let staff = (
        maybe(text(&["social_worker", "assistant", "manager", "cook"])),
        maybe(text(&["none", "junior", "intermediate", "senior"])),
        maybe(number()),
        maybe(any::<bool>().prop_map(Value::Bool)),
    )
        .prop_map(|(role, certificate, training_hours, full_time)| {
            object(vec![
                ("role", role),
                ("certificate", certificate),
                ("training_hours", training_hours),
                ("full_time", full_time),
            ])
        });
    let service = (
        maybe(date()),
        maybe(text(&["child_protection", "elderly_care", "counselling"])),
        maybe(int()),
    )
        .prop_map(|(date, kind, beneficiaries)| {
            object(vec![
                ("date", date),
                ("type", kind),
                ("beneficiaries", beneficiaries),
            ])
        });
    let document = (
        maybe(text(&["license", "fire_safety", "lease", "permit"])),
        maybe(date()),
        maybe(any::<bool>().prop_map(Value::Bool)),
    )
        .prop_map(|(kind, expiry, verified)| {
            object(vec![
                ("type", kind),
                ("expiry", expiry),
                ("verified", verified),
            ])
        });
    let strings = (
        maybe(text(&["城厢镇社工站", ""])),
        maybe(text(&["0512-1234567", "12345"])),
        maybe(text(&["a@b.cn", "a b@c", ""])),
        maybe(text(&["township", "street", "village"])),
        maybe(text(&["gov", "ngo", "other"])),
        maybe(text(&["gov", "self", "loan"])),
    );
    let numbers = (
        maybe(number()),
        maybe(number()),
        maybe(int()),
        maybe(int()),
        maybe(int()),
        maybe(int()),
        maybe(int()),
        maybe(int()),
        maybe(number()),
    );
    let dates = (maybe(date()), maybe(date()), maybe(date()));
    let lists = (
        maybe(prop::collection::vec(staff, 0..6).prop_map(Value::Array)),
        maybe(prop::collection::vec(service, 0..14).prop_map(Value::Array)),
        maybe(prop::collection::vec(document, 0..6).prop_map(Value::Array)),
    );
    (strings, numbers, dates, lists).prop_map(
        |(
            (name, phone, email, level, org_type, funding),
            (area, indoor, population, social_workers, elderly, children, rooms, budget, sat),
            (inspection, plan, drill),
            (staff, services, documents),
        )| {
            object(vec![
                ("id", Some(json!("P-1"))),
                ("name", name.clone()),
                ("address", name.clone()),
                ("manager", name.clone()),
                ("license_no", name.clone()),
                ("county", name),
                ("phone", phone),
                ("email", email),
                ("level", level),
                ("org_type", org_type),
                ("funding_source", funding),
                ("area_m2", area),
                ("indoor_m2", indoor),
                ("population", population),
                ("social_workers", social_workers.clone()),
                ("volunteers", social_workers),
                ("elderly", elderly.clone()),
                ("accessible", Some(json!(true))),
                ("children", children),
                ("rooms", rooms.clone()),
                ("open_days_week", rooms.clone()),
                ("open_hours_week", rooms),
                ("budget", budget.clone()),
                ("gov_funding", budget.clone()),
                ("complaints", elderly.clone()),
                ("resolved", budget),
                ("satisfaction", sat),
                ("last_inspection", inspection),
                ("plan_updated", plan),
                ("fire_drill_date", drill),
                ("staff", staff),
                ("services", services),
                ("documents", documents),
            ])
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn coverage_pack_agrees_with_the_engine(rec in coverage_record()) {
        let (_, engine, scorer) = coverage();
        agree(&engine, &scorer, &rec.to_string())?;
    }

    #[test]
    fn peer_pack_agrees_with_the_engine(rec in peer_record()) {
        let (_, engine, scorer) = peers();
        agree(&engine, &scorer, &rec.to_string())?;
    }
}

/// Most random records are decided by the generated code, so the property above tests it and
/// not only the fallback.
#[test]
fn generated_code_decides_ordinary_records() {
    let (_, engine, scorer) = coverage();
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = coverage_record();
    let mut compiled = 0;
    for _ in 0..200 {
        let rec = strategy.new_tree(&mut runner).unwrap().current();
        if agree(&engine, &scorer, &rec.to_string()).unwrap() {
            compiled += 1;
        }
    }
    assert!(compiled > 120, "only {compiled} of 200 records compiled");
}

#[test]
fn records_outside_the_strict_shape_go_to_the_engine() {
    let (standard, engine, scorer) = coverage();
    // (record, decided by the generated code)
    let cases = [
        (r#"{"id":"A","name":"城厢镇社工站","rooms":3}"#, true),
        (r#"{"id":"A","name":"城厢\u9547站","rooms":3}"#, true),
        (r#"{"id":"A","nickname":"x"}"#, false),
        (r#"{"id":"A","rooms":3,"rooms":4}"#, false),
        (r#"{"id":"A","rooms":"3"}"#, false),
        (r#"{"id":"A","rooms":3.5}"#, false),
        (r#"{"id":"A","rooms":1e16}"#, false),
        (r#"{"id":"A","rooms":18446744073709551615}"#, false),
        (r#"{"id":null}"#, false),
        (r#"{"name":"x"}"#, false),
        (r#"{"id":"A","opened":"2024-02-30"}"#, false),
        (r#"{"id":"A","level":"village"}"#, false),
        (r#"{"id":"A","services":[{"kind":"case"}]}"#, false),
        (r#"{"id":"A","area":1e300}"#, false),
        (
            r#"{"id":"A","staff":[{"hours":1e308,"full_time":false}]}"#,
            false,
        ),
        (r#"{"id":"A"} x"#, false),
        (r#"[1]"#, false),
        // serde's derive reads a struct from a list of its fields; the engine does not.
        (r#"["A"]"#, false),
        (r#"{"id":"A","address":["太仓", 1]}"#, false),
        (r#"{"id":"A","staff":[["sw", 20]]}"#, false),
        (
            r#"{"id":"A","tags":[null,"elderly"],"scores":[1,null,2.5]}"#,
            true,
        ),
    ];
    for (line, fast) in cases {
        let compiled = agree(&engine, &scorer, line).unwrap();
        assert_eq!(compiled, fast, "{line}");
    }
    // Waivers are the engine's.
    let waivers = standard
        .waivers_from_str(
            "- {record: A, indicator: S01, reason: test, approved_by: x, expires: 2027-01-01}\n",
            "w.yaml",
        )
        .unwrap();
    let mut with_waiver = options();
    with_waiver.waivers = waivers;
    let card = scorer.score_json(br#"{"id":"A"}"#, &with_waiver).unwrap();
    assert!(!card.compiled);
    assert_eq!(card.statuses[0], chidu::Status::Waived);
    // Not UTF-8.
    assert!(scorer.score_json(b"{\"id\":\"\xff\"}", &options()).is_err());
}

#[test]
fn code_for_another_pack_is_refused() {
    let (_, engine) = load(&packs()[1].0);
    let err = Scorer::<coverage::Pack>::new(&engine).unwrap_err();
    assert!(err.to_string().contains("chidu codegen"), "{err}");
}

#[test]
fn what_generated_code_cannot_express_is_refused_with_reasons() {
    let files = [
        (
            "standard.yaml",
            "chidu: 1\nid: t\ntitle: {zh: 测试, en: Test}\ntotal: 2\ngrades: [{id: pass, min_score: 60}, {id: fail}]\nsections: [s.yaml]\n",
        ),
        (
            "record.yaml",
            "id_field: id\nfields:\n  id: {type: string, required: true}\n  grid: {type: list, item: {type: list, item: {type: int}}}\n",
        ),
        (
            "s.yaml",
            "id: S\ntitle: {zh: 节, en: S}\npoints: 2\nindicators:\n  - {id: A, title: {zh: 甲, en: A}, points: 1, check: 'any(grid, count(it) > 1)'}\n  - {id: B, title: {zh: 乙, en: B}, points: 1, check: 'exists(grid)'}\n",
        ),
    ];
    let engine = Standard::from_strings(files, "")
        .unwrap()
        .compile()
        .unwrap();
    let err = engine.generate_rust().unwrap_err();
    assert_eq!(err.reasons.len(), 1, "{err}");
    assert!(err.reasons[0].starts_with("A: "), "{err}");
    assert!(
        err.reasons[0].contains("`it` over a list of objects or lists"),
        "{err}"
    );
}
