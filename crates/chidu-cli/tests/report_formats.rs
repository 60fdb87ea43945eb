//! `chidu check --format html|csv|sarif|junit`, `--next-grade` and `chidu diff`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests"
)]

mod common;

use common::*;

fn check(format: &str) -> String {
    let o = chidu(&["check", "demo", "--as-of", "2026-06-30", "--format", format]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    stdout(&o)
}

#[test]
fn html_sarif_junit_csv() {
    let html = check("html");
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("<svg"));
    assert!(!html.contains("http"));

    let sarif: serde_json::Value = serde_json::from_str(&check("sarif")).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let batch: serde_json::Value = serde_json::from_str(&check("json")).unwrap();
    let gaps: usize = batch["reports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["gaps"].as_array().unwrap().len())
        .sum();
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), gaps);

    let junit = check("junit");
    assert!(junit.starts_with("<?xml"));
    assert_eq!(junit.matches("<failure ").count(), gaps);

    let csv = check("csv");
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "id,name,county,town,score,grade,vetoed,ratio.CS,ratio.RY,ratio.FW,ratio.GL,error"
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 3);
    assert!(
        rows.iter()
            .any(|r| r.starts_with("DEMO-003,") && r.contains(",fail,true,"))
    );
}

#[test]
fn next_grade_text_and_json_only_with_the_flag() {
    let o = chidu(&[
        "check",
        "demo",
        "--as-of",
        "2026-06-30",
        "--next-grade",
        "--lang",
        "en",
    ]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(0));
    assert!(out.contains("next grade"), "{out}");
    assert!(out.contains("DEMO-002: Pass → Good"), "{out}");

    let plain = check("json");
    assert!(!plain.contains("next_grade"));
    let o = chidu(&[
        "check",
        "demo",
        "--as-of",
        "2026-06-30",
        "--next-grade",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let r = v["reports"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["record"]["id"] == "DEMO-002")
        .unwrap();
    assert_eq!(r["next_grade"]["grade"], "good");
    assert!(!r["next_grade"]["indicators"].as_array().unwrap().is_empty());
    // Without the flag the JSON is unchanged apart from the added key.
    let mut stripped = v.clone();
    for r in stripped["reports"].as_array_mut().unwrap() {
        r.as_object_mut().unwrap().remove("next_grade");
    }
    let plain: serde_json::Value = serde_json::from_str(&plain).unwrap();
    assert_eq!(stripped, plain);
}

#[test]
fn diff_two_batches_text_and_json() {
    let d = temp("diff");
    let (a, b) = (d.join("mid.json"), d.join("final.json"));
    for (path, date) in [(&a, "2026-06-30"), (&b, "2027-06-30")] {
        let o = chidu(&[
            "check",
            "demo",
            "--as-of",
            date,
            "--format",
            "json",
            "--output",
            path.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(0));
    }
    let o = chidu(&[
        "diff",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "--lang",
        "en",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    assert!(
        out.contains("2026-06-30") && out.contains("2027-06-30"),
        "{out}"
    );
    // Grades show as labels: the batches name the built-in demo pack and its digest.
    assert!(
        out.contains("DEMO-001") && out.contains("Excellent → Good"),
        "{out}"
    );
    let o = chidu(&["diff", a.to_str().unwrap(), b.to_str().unwrap()]);
    assert!(stdout(&o).contains("优秀 → 良好"), "{}", stdout(&o));
    let o = chidu(&[
        "diff",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "--standard",
        "no-such-pack",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let o = chidu(&[
        "diff",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["format"], "chidu.diff/1");
    assert_eq!(v["stations"].as_array().unwrap().len(), 3);
    let bad = d.join("bad.json");
    std::fs::write(&bad, "{}").unwrap();
    let o = chidu(&["diff", bad.to_str().unwrap(), b.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
}
