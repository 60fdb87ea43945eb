//! `chidu doc` and `chidu diff-standard`: outputs and exit codes (0 ok, 2 invalid).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests"
)]

mod common;

use common::*;

#[test]
fn doc_markdown_matches_the_library() {
    let o = chidu(&["doc", "demo", "--format", "md"]);
    assert_eq!(o.status.code(), Some(0));
    let want = chidu::Standard::builtin("demo")
        .unwrap()
        .doc(chidu::DocFormat::Markdown, chidu::Lang::Zh);
    assert_eq!(stdout(&o), want);
    let en = stdout(&chidu(&["doc", "demo", "--lang", "en"]));
    assert!(
        en.starts_with("# Township social work station — demo standard\n"),
        "{en}"
    );
}

#[test]
fn doc_html_to_a_file() {
    let dir = temp("html");
    let path = dir.join("taicang.html");
    let o = chidu(&[
        "doc",
        "taicang",
        "--format",
        "html",
        "--lang",
        "en",
        "--output",
        path.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(o.stdout.is_empty());
    let html = std::fs::read_to_string(&path).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<html lang=\"en\">"));
    assert!(html.contains("id=\"ind-V06\""));
}

#[test]
fn doc_of_an_invalid_standard_exits_2() {
    let o = chidu(&["doc", "no-such-pack"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no-such-pack"));
    let dir = temp("broken");
    std::fs::write(dir.join("standard.yaml"), "chidu: 1\nid: [\n").unwrap();
    let o = chidu(&["doc", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    // bad arguments are exit 2 too (clap)
    assert_eq!(
        chidu(&["doc", "demo", "--format", "pdf"]).status.code(),
        Some(2)
    );
}

#[test]
fn diff_standard_text_and_json() {
    let o = chidu(&["diff-standard", "national", "shiyan", "--lang", "en"]);
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    for needle in [
        "national 2025.1 → shiyan 2023.1",
        "Indicators removed (4):",
        "  - JS05 ",
        "  - PJ06 ",
        "  + TY01 TY ",
        "  ~ person_times_year: ",
        "Totals:",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in\n{text}");
    }

    let o = chidu(&["diff-standard", "national", "taicang", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["schema"], "chidu.standard_diff/1");
    assert_eq!(j["b"]["id"], "taicang");
    assert_eq!(j["indicators_removed"].as_array().unwrap().len(), 0);
    assert_eq!(j["indicators_added"].as_array().unwrap().len(), 47);
    assert_eq!(j["a"]["total"], 100.0);
    assert_eq!(j["b"]["total"], 100.0);
}

#[test]
fn diff_standard_with_an_invalid_side_exits_2() {
    assert_eq!(
        chidu(&["diff-standard", "national", "nope"]).status.code(),
        Some(2)
    );
    assert_eq!(chidu(&["diff-standard", "national"]).status.code(), Some(2));
}
