//! Aggregate kernels (the tight loops for common body shapes) must agree with the general
//! evaluator on every record, including lists with null items and missing fields. Each check
//! appears twice: as written (a kernel shape) and in an equivalent form the kernels decline
//! (`… and true`, `coalesce(x, x)`), so the general path computes the twin.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests"
)]

use proptest::prelude::*;
use serde_json::{Value, json};

/// (kernel shape, equivalent shape the kernels do not take).
const PAIRS: &[(&str, &str)] = &[
    (
        r#"count(staff, cert in ["junior", "senior"]) >= 2"#,
        r#"count(staff, cert in ["junior", "senior"] and true) >= 2"#,
    ),
    (
        "all(staff, not full_time or hours >= 20)",
        "all(staff, (not full_time or hours >= 20) and true)",
    ),
    (
        r#"any(staff, cert == "senior" and exists(since))"#,
        r#"any(staff, (cert == "senior" and exists(since)) and true)"#,
    ),
    (
        r#"ratio(staff, cert != "none") >= 0.5"#,
        r#"ratio(staff, cert != "none" and true) >= 0.5"#,
    ),
    (
        r#"all(staff, cert not in ["none"])"#,
        r#"all(staff, cert not in ["none"] and true)"#,
    ),
    ("any(staff, full_time)", "any(staff, full_time and true)"),
    (
        "sum(staff, hours) >= 40",
        "sum(staff, coalesce(hours, hours)) >= 40",
    ),
    (
        "avg(staff, hours * 2 - 1) >= 10",
        "avg(staff, coalesce(hours * 2 - 1, hours * 2 - 1)) >= 10",
    ),
    (
        r#"max(staff, since) >= date("2025-01-01")"#,
        r#"max(staff, coalesce(since, since)) >= date("2025-01-01")"#,
    ),
    (
        "min(staff, hours) >= 5",
        "min(staff, coalesce(hours, hours)) >= 5",
    ),
    (
        r#"sum(services, beneficiaries * least(1, greatest(0, days_between(date("2025-06-29"), date)))) >= 50"#,
        r#"sum(services, coalesce(beneficiaries * least(1, greatest(0, days_between(date("2025-06-29"), date))), beneficiaries * least(1, greatest(0, days_between(date("2025-06-29"), date))))) >= 50"#,
    ),
    (
        "sum(services, days_since(date) / 30 + abs(beneficiaries - 10)) >= 300",
        "sum(services, coalesce(days_since(date) / 30 + abs(beneficiaries - 10), days_since(date) / 30 + abs(beneficiaries - 10))) >= 300",
    ),
    (
        r#"count(services, kind == "group" and date >= date("2026-01-01")) >= 2"#,
        r#"count(services, (kind == "group" and date >= date("2026-01-01")) and true) >= 2"#,
    ),
    (
        "count(services, days_since(date) >= 0 and days_since(date) <= 365) >= 2",
        "count(services, (days_since(date) >= 0 and days_since(date) <= 365) and true) >= 2",
    ),
    (
        "all(staff, 20 < hours - 10)",
        "all(staff, 20 < hours - 10 and true)",
    ),
    (
        r#"any(services, days_between(date("2025-06-29"), date) < 200)"#,
        r#"any(services, days_between(date("2025-06-29"), date) < 200 and true)"#,
    ),
    // Overflow: the kernel gives up and the general evaluator reports the error.
    (
        "count(staff, hours + 9e307 + 9e307 > 0) >= 1",
        "count(staff, (hours + 9e307 + 9e307 > 0) and true) >= 1",
    ),
    // `any`/`all` stop at the deciding item only without per-item arithmetic: here an item
    // without hours can decide (through `full_time`) before a later one overflows, and then
    // the result is the overflow error.
    (
        "any(staff, full_time or hours + 9e307 + 9e307 > 0)",
        "any(staff, (full_time or hours + 9e307 + 9e307 > 0) and true)",
    ),
    (
        "all(staff, full_time and hours + 9e307 + 9e307 > 0)",
        "all(staff, (full_time and hours + 9e307 + 9e307 > 0) and true)",
    ),
    (
        "distinct(services, kind) >= 2",
        "distinct(services, coalesce(kind, kind)) >= 2",
    ),
    (
        "distinct(staff, hours) >= 3",
        "distinct(staff, coalesce(hours, hours)) >= 3",
    ),
];

fn section(id: &str, checks: impl Iterator<Item = String>) -> String {
    let mut s = format!(
        "id: {id}\ntitle: {{zh: {id}, en: {id}}}\npoints: {}\nindicators:\n",
        PAIRS.len()
    );
    for (i, check) in checks.enumerate() {
        s += &format!(
            "  - id: {id}-{i:02}\n    title: {{zh: 指标, en: Indicator}}\n    points: 1\n    check: '{check}'\n"
        );
    }
    s
}

fn engine() -> chidu::Engine {
    let standard = format!(
        "chidu: 1\nid: kernels\nversion: \"1\"\ntitle: {{zh: 核, en: Kernels}}\nrecord: record.yaml\n\
         total: {}\nnot_applicable: rescale\ngrades:\n  - {{id: any, label: {{zh: 任意, en: Any}}}}\n\
         sections: [sections/k.yaml, sections/g.yaml]\n",
        2 * PAIRS.len()
    );
    let record = r#"
id_field: id
fields:
  id: {type: string, required: true}
  staff:
    type: list
    item:
      fields:
        cert: {type: enum, values: [none, junior, senior]}
        hours: {type: number}
        full_time: {type: bool}
        since: {type: date}
  services:
    type: list
    item:
      fields:
        kind: {type: enum, values: [case, group]}
        beneficiaries: {type: integer}
        date: {type: date}
"#;
    let files = vec![
        ("k/standard.yaml".to_owned(), standard),
        ("k/record.yaml".to_owned(), record.to_owned()),
        (
            "k/sections/k.yaml".to_owned(),
            section("K", PAIRS.iter().map(|p| p.0.replace('\'', "''"))),
        ),
        (
            "k/sections/g.yaml".to_owned(),
            section("G", PAIRS.iter().map(|p| p.1.replace('\'', "''"))),
        ),
    ];
    chidu::Standard::from_strings(files, "k")
        .unwrap()
        .compile()
        .unwrap()
}

/// A field that is usually present, sometimes null and sometimes absent.
fn maybe<T: std::fmt::Debug + Clone + 'static>(
    s: impl Strategy<Value = T> + 'static,
) -> impl Strategy<Value = Option<Option<T>>> {
    prop_oneof![
        8 => s.prop_map(|v| Some(Some(v))),
        1 => Just(Some(None)),
        1 => Just(None),
    ]
}

fn put<T: serde::Serialize>(
    obj: &mut serde_json::Map<String, Value>,
    key: &str,
    v: Option<Option<T>>,
) {
    match v {
        Some(Some(v)) => {
            obj.insert(key.into(), json!(v));
        }
        Some(None) => {
            obj.insert(key.into(), Value::Null);
        }
        None => {}
    }
}

fn date(days: i64) -> String {
    // Days after 2024-01-01 (a leap year; at most ~3 years later).
    let mut y = 2024;
    let mut d = days;
    loop {
        let len = if y % 4 == 0 { 366 } else { 365 };
        if d < len {
            break;
        }
        d -= len;
        y += 1;
    }
    let months = [
        31,
        if y % 4 == 0 { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    let mut m = 0;
    while d >= months[m] {
        d -= months[m];
        m += 1;
    }
    format!("{y}-{:02}-{:02}", m + 1, d + 1)
}

fn record() -> impl Strategy<Value = Value> {
    let staff_item = (
        maybe(prop::sample::select(vec!["none", "junior", "senior"])),
        maybe(0.0f64..60.0),
        maybe(any::<bool>()),
        maybe(0i64..1000),
    );
    let staff = prop::collection::vec(prop::option::weighted(0.95, staff_item), 0..8);
    let service = (
        maybe(prop::sample::select(vec!["case", "group"])),
        maybe(0i64..40),
        maybe(0i64..1000),
    );
    let services = prop::collection::vec(prop::option::weighted(0.95, service), 0..20);
    (staff, services).prop_map(|(staff, services)| {
        let staff: Vec<Value> = staff
            .into_iter()
            .map(|item| match item {
                None => Value::Null,
                Some((cert, hours, full_time, since)) => {
                    let mut o = serde_json::Map::new();
                    put(&mut o, "cert", cert);
                    put(&mut o, "hours", hours);
                    put(&mut o, "full_time", full_time);
                    put(&mut o, "since", since.map(|d| d.map(date)));
                    Value::Object(o)
                }
            })
            .collect();
        let services: Vec<Value> = services
            .into_iter()
            .map(|item| match item {
                None => Value::Null,
                Some((kind, beneficiaries, day)) => {
                    let mut o = serde_json::Map::new();
                    put(&mut o, "kind", kind);
                    put(&mut o, "beneficiaries", beneficiaries);
                    put(&mut o, "date", day.map(|d| d.map(date)));
                    Value::Object(o)
                }
            })
            .collect();
        json!({"id": "S-1", "staff": staff, "services": services})
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]
    #[test]
    fn kernels_agree_with_the_general_evaluator(rec in record()) {
        let engine = engine();
        let options = chidu::Options::default().with_as_of("2026-06-30").unwrap();
        let report = engine.evaluate(&rec, &options).unwrap();
        let n = PAIRS.len();
        for (i, pair) in PAIRS.iter().enumerate() {
            let (k, g) = (&report.indicators[i], &report.indicators[n + i]);
            prop_assert_eq!(k.status, g.status, "{}", pair.0);
            prop_assert_eq!(k.earned, g.earned, "{}", pair.0);
            prop_assert_eq!(k.missing(), g.missing(), "{}", pair.0);
            prop_assert_eq!(
                k.comparison.as_ref().map(|c| format!("{:?}", c.left)),
                g.comparison.as_ref().map(|c| format!("{:?}", c.left)),
                "{}", pair.0
            );
        }
    }
}
