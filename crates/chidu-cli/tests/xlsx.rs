//! `chidu template` and `chidu check --format xlsx` through the binary.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests"
)]

mod common;

use common::*;

#[test]
fn template_xlsx_and_csv_are_written_and_read_back() {
    let dir = temp("template");
    let xlsx = dir.join("stations.xlsx");
    let o = chidu(&[
        "template",
        "demo",
        "--format",
        "xlsx",
        "-o",
        xlsx.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    assert!(std::fs::read(&xlsx).unwrap().starts_with(b"PK"));
    // The empty workbook reads as no records.
    let o = chidu(&["check", "demo", xlsx.to_str().unwrap(), "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");

    let csv = dir.join("st.csv");
    let o = chidu(&[
        "template",
        "demo",
        "--format",
        "csv",
        "-o",
        csv.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("st.staff.csv") && out.contains("st.services.csv"),
        "{out}"
    );
    let header = std::fs::read_to_string(&csv).unwrap();
    let staff = std::fs::read_to_string(dir.join("st.staff.csv")).unwrap();
    assert!(staff.starts_with("id,name,role"), "{staff}");
    // Fill one row each and check: the CSV reader takes the template's layout.
    let cols = header.trim().split(',').count();
    let mut row = vec![""; cols];
    row[0] = "T-1";
    std::fs::write(&csv, format!("{header}{}\n", row.join(","))).unwrap();
    std::fs::write(
        dir.join("st.staff.csv"),
        format!("{staff}T-1,某,station_head,full_time,senior,40,2024-01-01\n"),
    )
    .unwrap();
    let o = chidu(&[
        "check",
        "demo",
        csv.to_str().unwrap(),
        "--format",
        "json",
        "--as-of",
        "2026-06-30",
    ]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["reports"][0]["record"]["id"], "T-1", "{v}");
}

#[test]
fn check_writes_an_xlsx_report() {
    let dir = temp("report");
    let out = dir.join("report.xlsx");
    let o = chidu(&[
        "check",
        "demo",
        "--as-of",
        "2026-06-30",
        "--format",
        "xlsx",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    assert!(std::fs::read(&out).unwrap().starts_with(b"PK"));
}
