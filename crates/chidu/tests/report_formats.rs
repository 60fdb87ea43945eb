//! HTML, SARIF and JUnit reports, the next-grade what-if and batch comparison.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests"
)]

use chidu::{Batch, Entry, Lang, Report};

/// The demo examples, with `patch` applied to each record value (by id) before evaluation.
fn demo_batch(as_of: &str, patch: impl Fn(&str, &mut serde_json::Value)) -> Batch {
    let std = chidu::Standard::builtin("demo").unwrap();
    let engine = std.compile().unwrap();
    let mut inputs = Vec::new();
    for p in chidu::builtin_files_under("demo/examples/") {
        inputs.extend(chidu::read_yaml(chidu::builtin_file(p).unwrap(), p));
    }
    for raw in &mut inputs {
        if let chidu::RawData::Value(v) = &mut raw.data {
            let id = v["id"].as_str().unwrap_or("").to_owned();
            patch(&id, v);
        }
    }
    let options = chidu::Options::default().with_as_of(as_of).unwrap();
    engine.evaluate_batch(&inputs, &options)
}

fn reports(batch: &Batch) -> Vec<&Report> {
    batch
        .entries
        .iter()
        .filter_map(|e| match e {
            Entry::Report(r) => Some(&**r),
            Entry::Invalid { .. } => None,
        })
        .collect()
}

/// Checks that every element opened is closed in order (void elements and `<? ?>`, `<! >` aside).
fn assert_tags_balanced(doc: &str, void: &[&str]) {
    let mut stack: Vec<String> = Vec::new();
    let mut rest = doc;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let end = rest.find('>').expect("unclosed tag");
        let tag = &rest[..end];
        rest = &rest[end + 1..];
        if tag.starts_with('!') || tag.starts_with('?') {
            continue;
        }
        if let Some(name) = tag.strip_prefix('/') {
            let open = stack.pop().unwrap_or_else(|| panic!("stray </{name}>"));
            assert_eq!(open, name.trim(), "mismatched close tag");
            continue;
        }
        let name: String = tag
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == ':')
            .collect();
        assert!(!name.is_empty(), "bad tag <{tag}>");
        if tag.ends_with('/') || void.contains(&name.as_str()) {
            continue;
        }
        stack.push(name);
    }
    assert!(stack.is_empty(), "unclosed elements: {stack:?}");
}

const HTML_VOID: &[&str] = &["meta", "br", "link", "img", "hr", "input"];

#[test]
fn html_fleet_page_is_well_formed_self_contained_and_has_charts() {
    let batch = demo_batch("2026-06-30", |_, _| {});
    let html = chidu::batch_html(&batch, Lang::Zh);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert_tags_balanced(&html, HTML_VOID);
    assert!(!html.contains("http"), "no network references");
    assert!(html.contains("<style>"));
    // Four fleet charts and one section chart per station.
    assert_eq!(html.matches("<svg").count(), 4 + 3);
    assert!(html.contains("整改清单") && html.contains("Remediation list"));
    assert!(html.contains("等级分布") && html.contains("Grade distribution"));
    // The remediation list follows the report's gap order.
    let r = reports(&batch)[0];
    let ids: Vec<&str> = r.gaps.iter().map(|g| &*g.indicator).collect();
    let sec = &html[html.find(r.record.id.as_deref().unwrap()).unwrap()..];
    let mut pos = 0;
    for id in ids {
        let at = sec[pos..]
            .find(&format!("<td class=\"id\">{id}</td>"))
            .unwrap_or_else(|| panic!("{id} missing or out of order"));
        pos += at + 1;
    }
}

#[test]
fn html_single_station_escapes_markup_in_the_record() {
    let batch = demo_batch("2026-06-30", |id, v| {
        if id == "DEMO-002" {
            v["name"] = serde_json::json!("<script>alert('x')</script>");
        }
    });
    let html = chidu::batch_html(&batch, Lang::En);
    assert_tags_balanced(&html, HTML_VOID);
    assert!(!html.contains("<script>"), "markup must be escaped");
    assert!(html.contains("&lt;script&gt;"));
    assert!(html.contains("<html lang=\"en\">"));

    let one = chidu::Standard::builtin("demo").unwrap().compile().unwrap();
    let raw = chidu::read_yaml(
        chidu::builtin_file("demo/examples/middling.yaml").unwrap(),
        "m",
    );
    let options = chidu::Options::default().with_as_of("2026-06-30").unwrap();
    let single = one.evaluate_batch(&raw, &options);
    let page = chidu::batch_html(&single, Lang::Zh);
    assert_tags_balanced(&page, HTML_VOID);
    assert_eq!(
        page.matches("<svg").count(),
        1,
        "no fleet charts for one station"
    );
}

#[test]
fn sarif_has_required_keys_and_one_result_per_gap() {
    let batch = demo_batch("2026-06-30", |_, _| {});
    let sarif = chidu::batch_sarif(&batch, Lang::En);
    assert_eq!(sarif["version"], "2.1.0");
    assert!(sarif["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
    let run = &sarif["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "chidu");
    let results = run["results"].as_array().unwrap();
    let gaps: Vec<(String, &chidu::Gap)> = reports(&batch)
        .iter()
        .flat_map(|r| {
            r.gaps
                .iter()
                .map(|g| (r.record.id.clone().unwrap(), g))
                .collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(results.len(), gaps.len());
    for (res, (rec, g)) in results.iter().zip(&gaps) {
        assert_eq!(res["ruleId"], &*g.indicator);
        let want = if g.veto || g.status == chidu::Status::NotMet {
            "error"
        } else {
            "warning"
        };
        assert_eq!(res["level"], want, "{res}");
        assert_eq!(
            res["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
            format!("record/{rec}")
        );
        assert!(!res["message"]["text"].as_str().unwrap().is_empty());
        let idx = res["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(run["tool"]["driver"]["rules"][idx]["id"], &*g.indicator);
    }
    assert!(results.iter().any(|r| r["level"] == "warning"));
    assert!(results.iter().any(|r| r["level"] == "error"));
}

#[test]
fn junit_is_well_formed_with_one_failure_per_gap() {
    let batch = demo_batch("2026-06-30", |id, v| {
        if id == "DEMO-001" {
            v["name"] = serde_json::json!("A & <B>");
        }
    });
    let xml = chidu::batch_junit(&batch, Lang::Zh);
    assert!(xml.starts_with("<?xml"));
    assert_tags_balanced(&xml, &[]);
    let reps = reports(&batch);
    let gaps: usize = reps.iter().map(|r| r.gaps.len()).sum();
    assert_eq!(xml.matches("<failure ").count(), gaps);
    assert!(xml.contains(&format!("failures=\"{gaps}\"")));
    assert_eq!(xml.matches("<testsuite ").count(), reps.len());
    let cases: usize = reps.iter().map(|r| r.indicators.len()).sum();
    assert_eq!(xml.matches("<testcase ").count(), cases);
    for r in reps {
        assert!(xml.contains(&format!("failures=\"{}\"", r.gaps.len())));
    }
    assert!(xml.contains("A &amp; &lt;B&gt;"));
}

#[test]
fn next_grade_on_the_middling_example_reaches_the_next_band() {
    let batch = demo_batch("2026-06-30", |_, _| {});
    let r = reports(&batch)
        .into_iter()
        .find(|r| r.record.id.as_deref() == Some("DEMO-002"))
        .unwrap();
    assert_eq!(r.grade.as_deref(), Some("pass"));
    let ng = r.next_grade().unwrap();
    assert_eq!(ng.from_grade.as_deref(), Some("pass"));
    assert_eq!(ng.grade, "good");
    // Recompute: the score plus the chosen gaps' lost points, rescaled, reaches 80 (good).
    let possible: f64 = r.sections.iter().map(|s| s.possible).sum();
    let lost = |id: &str| r.gaps.iter().find(|g| &*g.indicator == id).unwrap().lost;
    let recovered: f64 = ng.indicators.iter().map(|i| lost(i)).sum();
    let total = 100.0;
    let new_score = chidu::round2(r.score.unwrap() + recovered / possible * total);
    assert!(new_score >= 80.0, "{new_score}");
    assert!(
        (new_score - ng.score).abs() < 0.011,
        "{new_score} vs {}",
        ng.score
    );
    assert!((chidu::round2(recovered) - ng.points).abs() < 1e-9);
    // Fewest indicators: the largest k−1 losses are not enough.
    let mut losses: Vec<f64> = r.gaps.iter().filter(|g| !g.veto).map(|g| g.lost).collect();
    losses.sort_by(|a, b| b.total_cmp(a));
    let k = ng.indicators.len();
    let best_fewer: f64 = losses.iter().take(k - 1).sum();
    assert!(chidu::round2(r.score.unwrap() + best_fewer / possible * total) < 80.0);
    // Among sets of that size, fewest points: no k-set with fewer points reaches the band.
    let all = &losses;
    let mut min_pts = f64::INFINITY;
    let n = all.len();
    for mask in 0u32..(1 << n) {
        if mask.count_ones() as usize != k {
            continue;
        }
        let pts: f64 = (0..n)
            .filter(|i| mask & (1 << i) != 0)
            .map(|i| all[i])
            .sum();
        if chidu::round2(r.score.unwrap() + pts / possible * total) >= 80.0 {
            min_pts = min_pts.min(pts);
        }
    }
    assert!(
        (recovered - min_pts).abs() < 1e-9,
        "{recovered} vs {min_pts}"
    );
}

#[test]
fn next_grade_is_none_at_the_best_grade_and_ignores_vetoes() {
    let batch = demo_batch("2026-06-30", |_, _| {});
    for r in reports(&batch) {
        match r.record.id.as_deref() {
            Some("DEMO-001") => assert_eq!(r.next_grade(), None),
            Some("DEMO-003") => {
                assert!(r.vetoed());
                let ng = r.next_grade().unwrap();
                assert_eq!(ng.grade, "pass");
                assert!(ng.score >= 60.0);
            }
            _ => {}
        }
    }
}

fn batch_json(b: &Batch) -> serde_json::Value {
    serde_json::from_str(&b.to_json()).unwrap()
}

#[test]
fn diff_of_two_batches_per_station_and_fleet() {
    let old = demo_batch("2026-06-30", |_, _| {});
    let new = demo_batch("2026-06-30", |id, v| {
        if id == "DEMO-002" {
            v["premises"]["mode"] = serde_json::json!("independent");
        }
    });
    let d = chidu::diff_batches(&batch_json(&old), &batch_json(&new)).unwrap();
    assert_eq!(d.stations.len(), 3);
    let s = d.stations.iter().find(|s| s.id == "DEMO-002").unwrap();
    assert_eq!(s.newly_met, vec!["CS-01".to_owned()]);
    assert!(s.lost.is_empty());
    assert!(s.delta.unwrap() > 5.9);
    let same = d.stations.iter().find(|s| s.id == "DEMO-001").unwrap();
    assert_eq!(same.delta, Some(0.0));
    assert!(d.fleet.mean_score.delta.unwrap() > 0.0);
    insta::assert_snapshot!("diff_patched_zh", d.to_text(Lang::Zh));
    insta::assert_snapshot!("diff_patched_en", d.to_text(Lang::En));
    let j = d.to_json();
    assert_eq!(j["format"], "chidu.diff/1");
    assert_eq!(j["stations"][0]["id"], "DEMO-002");
    // With the standard at hand, grades show as labels in text and HTML.
    let demo = chidu::Standard::builtin("demo").unwrap();
    let grade = s.new_grade.clone().unwrap();
    let (zh, en) = (
        demo.grade_label(&grade, Lang::Zh).unwrap(),
        demo.grade_label(&grade, Lang::En).unwrap(),
    );
    assert!(!d.to_text(Lang::Zh).contains(zh));
    let labelled = d.clone().with_grade_labels(&demo);
    assert!(labelled.to_text(Lang::Zh).contains(zh));
    assert!(labelled.to_text(Lang::En).contains(en));
    assert!(labelled.to_html(Lang::Zh).contains(zh));
}

#[test]
fn diff_across_dates_and_rejects_non_batches() {
    let old = demo_batch("2026-06-30", |_, _| {});
    let new = demo_batch("2027-06-30", |_, _| {});
    let d = chidu::diff_batches(&batch_json(&old), &batch_json(&new)).unwrap();
    assert_eq!(
        (d.old_as_of.as_str(), d.new_as_of.as_str()),
        ("2026-06-30", "2027-06-30")
    );
    insta::assert_snapshot!("diff_dates_en", d.to_text(Lang::En));
    let err = chidu::diff_batches(
        &serde_json::json!({"format": "chidu.report/1"}),
        &batch_json(&new),
    );
    assert!(err.is_err());
}

#[test]
fn batch_diff_html_is_escaped_and_self_contained() {
    let old = serde_json::json!({"format": "chidu.batch/1", "standard": {"id": "t", "version": "1"}, "as_of": "2026-01-01",
        "reports": [{"record": {"id": "S1", "name": "<script>x</script>"}, "score": 50, "grade": "pass", "indicators": []}],
        "summary": {"records": 1, "invalid": 0, "mean_score": 50, "median_score": 50, "vetoed": 0, "grades": {"pass": 1}, "indicators": {}}});
    let mut new = old.clone();
    new["reports"][0]["score"] = serde_json::json!(60);
    new["as_of"] = serde_json::json!("2026-06-30");
    let diff = chidu::diff_batches(&old, &new).unwrap();
    let html = diff.to_html(chidu::Lang::En);
    assert!(
        html.contains("&lt;script&gt;x&lt;&#x2f;script&gt;"),
        "{html}"
    );
    assert!(!html.contains("<script>"));
    assert!(html.contains("+10"));
    assert!(!html.contains("http"));
    insta::assert_snapshot!("diff_html_en", html);
}

/// Reports and batches are written by hand for speed; they must be serde's bytes exactly, for
/// every built-in pack over synthetic fleets (masked and unmasked), with the odd bad record.
#[test]
fn direct_json_writer_matches_serde_byte_for_byte() {
    use chidu_synth::Profile;
    let cases = [
        ("demo", Profile::Generic),
        ("national", Profile::Generic),
        ("taicang", Profile::Taicang),
        ("shiyan", Profile::Shiyan),
        ("honghe", Profile::Honghe),
    ];
    for (pack, profile) in cases {
        let engine = chidu::Standard::builtin(pack).unwrap().compile().unwrap();
        for mask in [true, false] {
            let mut options = chidu::Options::default().with_as_of("2026-06-30").unwrap();
            options.mask_pii = mask;
            let mut inputs: Vec<chidu::RawRecord> = chidu_synth::fleet(&profile, 11, 60)
                .map(|v| chidu::RawRecord {
                    origin: "synthetic".into(),
                    data: chidu::RawData::Json(v.to_string().into_bytes()),
                })
                .collect();
            inputs.push(chidu::RawRecord {
                origin: "bad".into(),
                data: chidu::RawData::Json(b"{\"id\": 7, \"staff\": 3}".to_vec()),
            });
            let batch = engine.evaluate_batch(&inputs, &options);
            for e in &batch.entries {
                assert_eq!(e.to_json(), serde_json::to_string(e).unwrap(), "{pack}");
            }
            assert_eq!(
                batch.to_json(),
                serde_json::to_string(&batch).unwrap(),
                "{pack}"
            );
        }
    }
}
