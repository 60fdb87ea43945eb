//! Fleet summary against figures computed by hand on a four-station fleet.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests"
)]

use serde_json::json;

#[test]
fn fleet_summary_matches_hand_computed_figures() {
    let files = vec![
        (
            "standard.yaml",
            "chidu: 1\nid: f\ntitle: F\ntotal: 10\ngrades: [{id: good, min_score: 8}, {id: pass, min_score: 5}, {id: fail}]\nsections: [a.yaml, b.yaml]\naggregates: {has_x: {label: {zh: 有x, en: has x}, agg: ratio, of: 'x >= 1'}}\n",
        ),
        (
            "record.yaml",
            "id_field: id\ngroup_fields: [county]\nfields:\n  id: {type: string}\n  county: {type: string}\n  x: {type: int}\n  y: {type: int}\n  z: {type: bool}\n",
        ),
        (
            "a.yaml",
            "id: A\ntitle: A\npoints: 6\nindicators:\n  - {id: A1, title: A1, points: 4, check: 'x >= 1'}\n  - {id: A2, title: A2, points: 2, check: 'y >= 1'}\n",
        ),
        (
            "b.yaml",
            "id: B\ntitle: B\npoints: 4\nindicators:\n  - {id: B1, title: B1, points: 4, check: z}\n",
        ),
    ];
    let engine = chidu::Standard::from_strings(files, "")
        .unwrap()
        .compile()
        .unwrap();
    let recs = [
        json!({"id": "R1", "county": "c1", "x": 1, "y": 1, "z": true}), // 10, good
        json!({"id": "R2", "county": "c1", "x": 0, "y": 1, "z": true}), // 6, pass
        json!({"id": "R3", "county": "c2", "x": 1, "y": 0, "z": false}), // 4, fail
        json!({"id": "R4", "county": "c2", "x": 0, "y": 0, "z": false}), // 0, fail
    ];
    let raws: Vec<chidu::RawRecord> = recs
        .iter()
        .map(|v| chidu::RawRecord {
            origin: "t".into(),
            data: chidu::RawData::Value(v.clone()),
        })
        .collect();
    let options = chidu::Options::default().with_as_of("2026-06-30").unwrap();
    let batch = engine.evaluate_batch(&raws, &options);
    let s = engine.summary_json(&batch.summary);
    assert_eq!(s["records"], 4);
    assert_eq!(s["mean_score"], 5); // (10 + 6 + 4 + 0) / 4
    assert_eq!(s["median_score"], 5); // (4 + 6) / 2
    assert_eq!(s["grades"], json!({"good": 1, "pass": 1, "fail": 2}));
    for id in ["A1", "A2", "B1"] {
        assert_eq!(s["indicators"][id]["met_rate"], 0.5, "{id}");
    }
    assert_eq!(
        s["groups"]["county"]["c1"],
        json!({"records": 2, "mean_score": 8, "median_score": 8, "grades": {"good": 1, "pass": 1, "fail": 0}})
    );
    assert_eq!(s["groups"]["county"]["c2"]["mean_score"], 2);
    assert_eq!(s["sections"]["A"]["mean_ratio"], 0.5); // (1 + 1/3 + 2/3 + 0) / 4
    assert_eq!(s["sections"]["B"]["mean_ratio"], 0.5);
    // Points lost: A1 16 - 8 = 8, B1 16 - 8 = 8, A2 8 - 4 = 4; ties in pack order.
    assert_eq!(
        s["weakest"],
        json!([
            {"indicator": "A1", "points_lost": 8.0, "cumulative_share": 0.4},
            {"indicator": "B1", "points_lost": 8.0, "cumulative_share": 0.8},
            {"indicator": "A2", "points_lost": 4.0, "cumulative_share": 1.0},
        ])
    );
    assert_eq!(s["aggregates"]["has_x"]["value"], 0.5);
}
