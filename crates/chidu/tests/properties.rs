//! Properties of scoring that must hold for any record (proptest over demo-pack records).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests"
)]

use proptest::prelude::*;
use serde_json::{Value, json};

fn engine() -> chidu::Engine {
    chidu::Standard::builtin("demo").unwrap().compile().unwrap()
}

fn options() -> chidu::Options {
    chidu::Options::default().with_as_of("2026-06-30").unwrap()
}

/// A demo-pack station built from generated parts (any mix of present, absent and odd values).
fn station() -> impl Strategy<Value = Value> {
    let staff = prop::collection::vec(
        (
            prop::sample::select(vec!["full_time", "part_time", "volunteer"]),
            prop::sample::select(vec!["none", "assistant", "social_worker", "senior"]),
            prop::option::of(0.0f64..80.0),
        ),
        0..8,
    );
    let services = prop::collection::vec(
        (
            prop::sample::select(vec!["case", "group", "community"]),
            0i64..200,
            0i64..700,
        ),
        0..30,
    );
    (
        prop::option::of(prop::sample::select(vec!["independent", "shared_civil_affairs", "shared_other", "none"])),
        prop::option::of(0.0f64..400.0),
        prop::option::of(any::<bool>()),
        prop::option::of(0i64..8),
        staff,
        services,
        prop::option::of(0i64..400),
    )
        .prop_map(|(mode, area, sign, days, staff, services, filed_days_ago)| {
            let mut premises = serde_json::Map::new();
            if let Some(m) = mode {
                premises.insert("mode".into(), json!(m));
            }
            if let Some(a) = area {
                premises.insert("area_m2".into(), json!(a));
            }
            if let Some(s) = sign {
                for k in ["sign", "rules_posted", "services_posted", "hours_posted"] {
                    premises.insert(k.into(), json!(s));
                }
            }
            let staff: Vec<Value> = staff
                .into_iter()
                .enumerate()
                .map(|(i, (emp, cert, hours))| {
                    let mut s = json!({"name": format!("员工{i}"), "employment": emp, "certificate": cert});
                    if let Some(h) = hours {
                        s["training_hours"] = json!(h);
                    }
                    s
                })
                .collect();
            let services: Vec<Value> = services
                .into_iter()
                .map(|(kind, days_ago, beneficiaries)| {
                    let d = chidu_date(2026, 6, 30, days_ago);
                    json!({"date": d, "kind": kind, "beneficiaries": beneficiaries})
                })
                .collect();
            let mut rec = json!({"id": "P-1", "name": "测试站", "county": "太仓市", "premises": premises, "staff": staff, "services": services});
            if let Some(d) = days {
                rec["opening_days_per_week"] = json!(d);
            }
            if let Some(f) = filed_days_ago {
                rec["archives_updated"] = json!(chidu_date(2026, 6, 30, f));
            }
            rec
        })
}

/// `y-m-d` minus `days_ago` days, as an ISO date (valid dates only).
fn chidu_date(y: i32, m: u32, d: u32, days_ago: i64) -> String {
    let date = jiff_like_days(y, m, d) - days_ago;
    let (yy, mm, dd) = civil(date);
    format!("{yy:04}-{mm:02}-{dd:02}")
}

fn jiff_like_days(y: i32, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y } as i64;
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468
}

fn civil(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn score_stays_within_total_plus_bonus_cap(rec in station()) {
        let e = engine();
        let r = e.evaluate(&rec, &options()).unwrap();
        if let Some(s) = r.score {
            prop_assert!((0.0..=100.0 + 5.0 + 1e-9).contains(&s), "score {s}");
        }
        for i in &r.indicators {
            prop_assert!(i.earned >= -1e-9 && i.earned <= i.possible + 1e-9);
        }
        for s in &r.sections {
            if let Some(ratio) = s.ratio {
                prop_assert!((0.0..=1.0 + 1e-9).contains(&ratio));
            }
        }
    }

    #[test]
    fn evaluation_is_deterministic_and_json_round_trips(rec in station()) {
        let e = engine();
        let a = e.evaluate(&rec, &options()).unwrap().to_json();
        let b = e.evaluate(&rec, &options()).unwrap().to_json();
        prop_assert_eq!(&a, &b);
        let v: Value = serde_json::from_str(&a).unwrap();
        prop_assert_eq!(serde_json::to_string(&v).unwrap(), a);
    }

    #[test]
    fn more_certified_full_time_staff_never_lowers_the_score(rec in station()) {
        let e = engine();
        let before = e.evaluate(&rec, &options()).unwrap();
        let mut better = rec.clone();
        // A full-time, certified, well-trained social worker only helps every staffing check.
        better["staff"].as_array_mut().unwrap().push(json!({"name": "新社工", "employment": "full_time", "certificate": "social_worker", "training_hours": 80.0}));
        let after = e.evaluate(&better, &options()).unwrap();
        if let (Some(b), Some(a)) = (before.score, after.score) {
            prop_assert!(a + 1e-9 >= b, "score fell from {b} to {a}");
        }
    }

    #[test]
    fn fixing_a_failing_sign_check_never_lowers_the_score(rec in station()) {
        let e = engine();
        let before = e.evaluate(&rec, &options()).unwrap();
        let mut fixed = rec.clone();
        for k in ["sign", "rules_posted", "services_posted", "hours_posted"] {
            fixed["premises"][k] = json!(true);
        }
        let after = e.evaluate(&fixed, &options()).unwrap();
        if let (Some(b), Some(a)) = (before.score, after.score) {
            prop_assert!(a + 1e-9 >= b, "score fell from {b} to {a}");
        }
    }
}

#[test]
fn an_overlay_with_no_changes_resolves_to_its_base() {
    let mut files: Vec<(String, String)> = Vec::new();
    for p in chidu::builtin_files_under("demo/") {
        if p.ends_with(".yaml") && !p.contains("/tests/") && !p.contains("/examples/") {
            files.push((
                format!("base/{}", &p["demo/".len()..]),
                chidu::builtin_file(p).unwrap().to_owned(),
            ));
        }
    }
    files.push((
        "overlay/standard.yaml".into(),
        "chidu: 1\nextends: ../base\n".into(),
    ));
    let base = chidu::Standard::from_strings(files.clone(), "base").unwrap();
    let overlay = chidu::Standard::from_strings(files, "overlay").unwrap();
    assert_eq!(base.indicator_ids(), overlay.indicator_ids());
    let (eb, eo) = (base.compile().unwrap(), overlay.compile().unwrap());
    for p in chidu::builtin_files_under("demo/examples/") {
        for raw in chidu::read_yaml(chidu::builtin_file(p).unwrap(), p) {
            let v = raw.to_value().unwrap();
            let (rb, ro) = (
                eb.evaluate(&v, &options()).unwrap(),
                eo.evaluate(&v, &options()).unwrap(),
            );
            assert_eq!(rb.score, ro.score);
            assert_eq!(rb.grade, ro.grade);
            assert_eq!(rb.gaps, ro.gaps);
        }
    }
}
