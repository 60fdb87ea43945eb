//! The built-in packs through generated code: every scoring form (tiers, proportional, linear,
//! per item, per instance) over the national record schema. Records are synthetic stations
//! (`chidu-synth`) and the demo pack's examples, each mutated at random paths (values nulled,
//! removed, scaled or shifted, lists cut or grown, enum strings swapped for others seen at the
//! same key), so thresholds, tiers and bands are crossed both ways.

use std::collections::BTreeMap;
use std::path::PathBuf;

use chidu::compiled::{Generated, Scorer};
use chidu::{Engine, Standard};
use chidu_synth::Profile;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use serde_json::Value;

use super::{agree, load, root};

#[rustfmt::skip]
#[path = "../codegen/builtin/demo/mod.rs"]
mod demo;
#[rustfmt::skip]
#[path = "../codegen/builtin/honghe/mod.rs"]
mod honghe;
#[rustfmt::skip]
#[path = "../codegen/builtin/national/mod.rs"]
mod national;
#[rustfmt::skip]
#[path = "../codegen/builtin/shiyan/mod.rs"]
mod shiyan;
#[rustfmt::skip]
#[path = "../codegen/builtin/taicang/mod.rs"]
mod taicang;

/// The built-in packs with generated modules.
pub(crate) const BUILTIN: [&str; 5] = ["demo", "honghe", "national", "shiyan", "taicang"];

/// (pack directory, generated module directory) of each built-in pack.
pub(crate) fn packs() -> Vec<(PathBuf, PathBuf)> {
    BUILTIN
        .iter()
        .map(|p| {
            (
                root().join("../../standards").join(p),
                root().join("tests/codegen/builtin").join(p),
            )
        })
        .collect()
}

/// Base records of a pack, as JSON values: synthetic stations, or the demo pack's examples.
fn bases(pack: &str) -> Vec<Value> {
    let profile = match pack {
        "honghe" => Profile::Honghe,
        "shiyan" => Profile::Shiyan,
        "taicang" => Profile::Taicang,
        "national" => Profile::Generic,
        _ => {
            let dir = root().join("../../standards/demo/examples");
            let (standard, _) = load(&root().join("../../standards/demo"));
            return chidu::read_path(&dir, Some(&standard))
                .unwrap()
                .into_iter()
                .filter_map(|r| match r.data {
                    chidu::RawData::Value(v) => Some(v),
                    _ => None,
                })
                .collect();
        }
    };
    chidu_synth::fleet(&profile, 7, 40).collect()
}

/// Every path in `v` (object keys and list indices), parents before children.
fn paths(v: &Value, at: &mut Vec<Seg>, out: &mut Vec<Vec<Seg>>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                at.push(Seg::Key(k.clone()));
                out.push(at.clone());
                paths(x, at, out);
                at.pop();
            }
        }
        Value::Array(items) => {
            for (i, x) in items.iter().enumerate() {
                at.push(Seg::Index(i));
                out.push(at.clone());
                paths(x, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

#[derive(Debug, Clone)]
enum Seg {
    Key(String),
    Index(usize),
}

/// String values seen under each key in the base records (enum values to swap in).
fn string_pool(bases: &[Value]) -> BTreeMap<String, Vec<String>> {
    fn walk(v: &Value, key: Option<&str>, pool: &mut BTreeMap<String, Vec<String>>) {
        match v {
            Value::Object(m) => m.iter().for_each(|(k, x)| walk(x, Some(k), pool)),
            Value::Array(items) => items.iter().for_each(|x| walk(x, key, pool)),
            Value::String(s) => {
                if let Some(k) = key {
                    let seen = pool.entry(k.to_owned()).or_default();
                    if !seen.contains(s) {
                        seen.push(s.clone());
                    }
                }
            }
            _ => {}
        }
    }
    let mut pool = BTreeMap::new();
    bases.iter().for_each(|b| walk(b, None, &mut pool));
    pool
}

/// One random change: which path (modulo their number), which change, and its amount.
type Op = (usize, u8, i64);

fn mutate(mut v: Value, ops: &[Op], pool: &BTreeMap<String, Vec<String>>) -> Value {
    for &(pick, kind, amount) in ops {
        let mut all = Vec::new();
        paths(&v, &mut Vec::new(), &mut all);
        let Some(path) = all.get(pick % all.len().max(1)).cloned() else {
            continue;
        };
        let (last, parent_path) = path.split_last().unwrap();
        let mut parent = &mut v;
        for seg in parent_path {
            parent = match seg {
                Seg::Key(k) => &mut parent[k.as_str()],
                Seg::Index(i) => &mut parent[*i],
            };
        }
        // A quarter of the changes null or remove the value, whatever it is.
        match (kind % 8, last) {
            (0, Seg::Key(k)) => {
                parent.as_object_mut().unwrap().remove(k);
                continue;
            }
            (0, Seg::Index(i)) => {
                parent.as_array_mut().unwrap().remove(*i);
                continue;
            }
            (1, _) => {
                *at(parent, last) = Value::Null;
                continue;
            }
            _ => {}
        }
        let key = match last {
            Seg::Key(k) => Some(k.clone()),
            Seg::Index(_) => None,
        };
        let target = at(parent, last);
        *target = changed(target, kind, amount, key.as_deref(), pool);
    }
    v
}

fn at<'v>(parent: &'v mut Value, seg: &Seg) -> &'v mut Value {
    match seg {
        Seg::Key(k) => &mut parent[k.as_str()],
        Seg::Index(i) => &mut parent[*i],
    }
}

/// The value changed by its kind: numbers scaled or moved, dates shifted, strings swapped,
/// booleans flipped, lists cut or grown.
fn changed(
    v: &Value,
    kind: u8,
    amount: i64,
    key: Option<&str>,
    pool: &BTreeMap<String, Vec<String>>,
) -> Value {
    match v {
        Value::Number(n) => {
            let x = n.as_f64().unwrap_or(0.0);
            let y = match kind % 5 {
                0 => 0.0,
                1 => x * (amount.rem_euclid(21) as f64) / 10.0,
                2 => x + (amount % 5) as f64,
                3 if amount.rem_euclid(50) == 0 => 1e308,
                _ => (amount % 400) as f64,
            };
            // Whole numbers stay integers, as an integer field needs.
            if y.fract() == 0.0 && y.abs() < 1e15 {
                Value::from(y as i64)
            } else {
                Value::from(y)
            }
        }
        Value::String(s) => match jiff::civil::Date::strptime("%Y-%m-%d", s) {
            Ok(d) => d
                .checked_add(jiff::Span::new().days(amount % 800))
                .map_or(v.clone(), |d| Value::from(d.to_string())),
            Err(_) => key
                .and_then(|k| pool.get(k))
                .filter(|values| !values.is_empty())
                .map_or(v.clone(), |values| {
                    Value::from(values[amount.unsigned_abs() as usize % values.len()].clone())
                }),
        },
        Value::Bool(b) => Value::Bool(!b),
        Value::Array(items) if !items.is_empty() => {
            let mut items = items.clone();
            if kind.is_multiple_of(2) {
                items.truncate(amount.unsigned_abs() as usize % items.len());
            } else {
                let copy = items[amount.unsigned_abs() as usize % items.len()].clone();
                items.push(copy);
            }
            Value::Array(items)
        }
        other => other.clone(),
    }
}

fn ops() -> impl Strategy<Value = Vec<Op>> {
    prop::collection::vec((any::<usize>(), any::<u8>(), -1000i64..1000), 0..10)
}

/// Runs `cases` random mutated records of `pack` through both paths; returns how many the
/// generated code decided.
fn run<G: Generated>(pack: &str, cases: u32) -> u32 {
    let (_, engine) = load(&root().join("../../standards").join(pack));
    let scorer = Scorer::<G>::new(&engine).unwrap();
    let bases = bases(pack);
    let pool = string_pool(&bases);
    let strategy = (0..bases.len(), ops());
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(cases));
    let mut compiled = 0;
    for _ in 0..cases {
        let (base, ops) = strategy.new_tree(&mut runner).unwrap().current();
        let rec = mutate(bases[base].clone(), &ops, &pool);
        match agree(&engine, &scorer, &rec.to_string()) {
            Ok(true) => compiled += 1,
            Ok(false) => {}
            Err(e) => panic!("{pack}: base {base}, changes {ops:?}: {e}"),
        }
    }
    compiled
}

#[test]
fn builtin_packs_agree_with_the_engine() {
    // Taicang uses every scoring form; demo has its own schema and bonus indicators.
    let results = [
        ("demo", 300, run::<demo::Pack>("demo", 300)),
        ("honghe", 150, run::<honghe::Pack>("honghe", 150)),
        ("national", 150, run::<national::Pack>("national", 150)),
        ("shiyan", 150, run::<shiyan::Pack>("shiyan", 150)),
        ("taicang", 300, run::<taicang::Pack>("taicang", 300)),
    ];
    // Most mutated records stay in the strict shape, so the comparison tests the generated
    // code and not only the fallback.
    for (pack, cases, compiled) in results {
        println!("{pack}: {compiled} of {cases} decided by generated code");
        assert!(
            compiled * 2 > cases,
            "{pack}: only {compiled} of {cases} records decided by generated code"
        );
    }
}

/// The code generated from a pack directory also serves the same pack built into chidu.
#[test]
fn generated_code_serves_the_builtin_pack() {
    let engine: Engine = Standard::builtin("taicang").unwrap().compile().unwrap();
    let scorer = Scorer::<taicang::Pack>::new(&engine).unwrap();
    let station = chidu_synth::station(&Profile::Taicang, 1, 0).to_string();
    let card = scorer
        .score_json(station.as_bytes(), &super::options())
        .unwrap();
    assert!(card.compiled);
    assert_eq!(card, {
        let mut c = super::engine_card(&engine, &station).unwrap();
        c.compiled = true;
        c
    });
}
