//! Outputs for pipelines: SARIF 2.1.0 (`--format sarif`) and JUnit XML (`--format junit`).
//!
//! Both are built from each report's JSON form, so values derived from `pii` fields are masked
//! exactly as in JSON. One SARIF result and one JUnit failure per gap (SPEC §4 `gaps`).

use std::fmt::Write as _;

use serde_json::{Value, json};

use super::{Report, fmt_num};
use crate::Lang;
use crate::batch::{Batch, Entry};

fn str_of<'v>(v: &'v Value, key: &str) -> &'v str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

fn text_of(v: Option<&Value>, lang: Lang) -> String {
    let key = if lang == Lang::Zh { "zh" } else { "en" };
    v.and_then(|t| t.get(key))
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned()
}

fn shown(v: &Value) -> String {
    match v {
        Value::Null => "—".to_owned(),
        Value::String(s) => s.clone(),
        Value::Number(n) => n.as_f64().map_or_else(|| n.to_string(), fmt_num),
        Value::Array(a) => a.iter().map(shown).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

/// The finding of an indicator (its message, else its comparison), in one language.
fn finding(ind: &Value, lang: Lang) -> String {
    let m = text_of(ind.get("message"), lang);
    if !m.is_empty() {
        return m;
    }
    if let Some(c) = ind.get("comparison").filter(|c| c.is_object()) {
        let l = c.get("left").map_or("—".to_owned(), shown);
        let r = c.get("right").map_or("—".to_owned(), shown);
        let op = str_of(c, "op");
        return if lang == Lang::Zh {
            format!("实际 {l}，要求 {op} {r}")
        } else {
            format!("found {l}, required {op} {r}")
        };
    }
    String::new()
}

/// SARIF level of a gap: `error` for vetoes, `not_met` and `error`; `warning` otherwise.
fn level(status: &str, veto: bool) -> &'static str {
    if veto || matches!(status, "not_met" | "error") {
        "error"
    } else {
        "warning"
    }
}

fn reports(batch: &Batch) -> impl Iterator<Item = &Report> {
    batch.entries.iter().filter_map(|e| match e {
        Entry::Report(r) => Some(&**r),
        Entry::Invalid { .. } => None,
    })
}

/// A gap with its indicator's JSON.
struct GapJson {
    id: String,
    lost: f64,
    status: String,
    veto: bool,
    indicator: Value,
}

fn gaps_json(j: &Value) -> Vec<GapJson> {
    let empty = Vec::new();
    let indicators = j
        .get("indicators")
        .and_then(Value::as_array)
        .unwrap_or(&empty);
    j.get("gaps")
        .and_then(Value::as_array)
        .unwrap_or(&empty)
        .iter()
        .map(|g| {
            let id = str_of(g, "indicator").to_owned();
            let indicator = indicators
                .iter()
                .find(|i| str_of(i, "id") == id)
                .cloned()
                .unwrap_or(Value::Null);
            GapJson {
                lost: g.get("lost").and_then(Value::as_f64).unwrap_or(0.0),
                status: str_of(g, "status").to_owned(),
                veto: g.get("veto").and_then(Value::as_bool).unwrap_or(false),
                id,
                indicator,
            }
        })
        .collect()
}

/// A batch as a SARIF 2.1.0 log: one run, one rule per indicator of the standard, one result
/// per gap of every evaluated record (ruleId = indicator id, logical location `record/<id>`).
/// Invalid records become tool execution notifications.
pub fn batch_sarif(batch: &Batch, lang: Lang) -> Value {
    let model = reports(batch)
        .next()
        .map(|r| std::sync::Arc::clone(&r.model));
    let rules: Vec<Value> = model.as_ref().map_or_else(Vec::new, |m| {
        m.indicators
            .iter()
            .map(|i| {
                let mut rule = json!({
                    "id": &*i.id,
                    "name": i.title.en,
                    "shortDescription": {"text": i.title.get(lang)},
                    "fullDescription": {"text": format!("{} / {}", i.title.zh, i.title.en)},
                    "properties": {"points": i.points, "veto": i.veto, "bonus": i.bonus},
                });
                if let Some(r) = &i.remediation {
                    rule["help"] = json!({"text": r.get(lang)});
                }
                rule
            })
            .collect()
    });
    let rule_index = |id: &str| {
        model
            .as_ref()
            .and_then(|m| m.indicators.iter().position(|i| &*i.id == id))
    };
    let mut results = Vec::new();
    for r in reports(batch) {
        let j = serde_json::to_value(r).unwrap_or(Value::Null);
        let rec_id = j
            .get("record")
            .map(|x| str_of(x, "id").to_owned())
            .unwrap_or_default();
        for g in gaps_json(&j) {
            let f = finding(&g.indicator, lang);
            let title = text_of(g.indicator.get("title"), lang);
            let head = if g.veto {
                if lang == Lang::Zh {
                    format!("{} {title}：一票否决", g.id)
                } else {
                    format!("{} {title}: veto", g.id)
                }
            } else if lang == Lang::Zh {
                format!("{} {title}：失 {} 分", g.id, fmt_num(g.lost))
            } else {
                format!("{} {title}: {} points lost", g.id, fmt_num(g.lost))
            };
            let text = if f.is_empty() {
                head
            } else {
                format!("{head} — {f}")
            };
            let mut res = json!({
                "ruleId": g.id,
                "level": level(&g.status, g.veto),
                "message": {"text": text},
                "locations": [{"logicalLocations": [{
                    "name": rec_id,
                    "fullyQualifiedName": format!("record/{rec_id}"),
                    "kind": "object",
                }]}],
                "properties": {"status": g.status, "lost": g.lost, "veto": g.veto},
            });
            if let Some(i) = rule_index(&g.id) {
                res["ruleIndex"] = json!(i);
            }
            results.push(res);
        }
    }
    let notifications: Vec<Value> = batch
        .entries
        .iter()
        .filter_map(|e| match e {
            Entry::Invalid { origin, error } => Some(json!({
                "level": "error",
                "message": {"text": format!("invalid record {origin}: {}: {}", error.path, error.message)},
            })),
            Entry::Report(_) => None,
        })
        .collect();
    let mut driver = json!({
        "name": "chidu",
        "version": env!("CARGO_PKG_VERSION"),
        "rules": rules,
    });
    if let Some(m) = &model {
        driver["properties"] =
            json!({"standard": {"id": m.id, "version": m.version, "digest": m.digest}});
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": driver},
            "invocations": [{
                "executionSuccessful": notifications.is_empty(),
                "toolExecutionNotifications": notifications,
            }],
            "properties": {"as_of": batch.as_of()},
            "results": results,
        }],
    })
}

/// Escapes text for XML content and attribute values; drops characters XML 1.0 forbids.
fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            _ => out.push(c),
        }
    }
    out
}

/// A batch as JUnit XML: one `testsuite` per record, one `testcase` per indicator, a `failure`
/// per gap, `skipped` for indicators that do not apply or are waived. An invalid record is a
/// suite with one `error`.
pub fn batch_junit(batch: &Batch, lang: Lang) -> String {
    let mut suites = String::new();
    let (mut tests, mut failures, mut errors) = (0usize, 0usize, 0usize);
    for e in &batch.entries {
        match e {
            Entry::Report(r) => {
                let j = serde_json::to_value(&**r).unwrap_or(Value::Null);
                let rec = j.get("record").cloned().unwrap_or(Value::Null);
                let rec_id = str_of(&rec, "id").to_owned();
                let name = str_of(&rec, "name");
                let gaps = gaps_json(&j);
                let empty = Vec::new();
                let inds = j
                    .get("indicators")
                    .and_then(Value::as_array)
                    .unwrap_or(&empty);
                let skipped = inds
                    .iter()
                    .filter(|i| matches!(str_of(i, "status"), "not_applicable" | "waived"))
                    .count();
                let _ = writeln!(
                    suites,
                    r#"  <testsuite name="{}" tests="{}" failures="{}" errors="0" skipped="{skipped}">"#,
                    xml(format!("{rec_id} {name}").trim()),
                    inds.len(),
                    gaps.len()
                );
                tests += inds.len();
                failures += gaps.len();
                let _ = writeln!(suites, "    <properties>");
                for (k, v) in [
                    ("score", j.get("score").map_or("—".to_owned(), shown)),
                    ("grade", j.get("grade").map_or("—".to_owned(), shown)),
                    ("vetoed", j.get("vetoed").map_or("—".to_owned(), shown)),
                ] {
                    let _ = writeln!(
                        suites,
                        r#"      <property name="{k}" value="{}"/>"#,
                        xml(&v)
                    );
                }
                let _ = writeln!(suites, "    </properties>");
                for ind in inds {
                    let id = str_of(ind, "id");
                    let title = text_of(ind.get("title"), lang);
                    let status = str_of(ind, "status");
                    let _ = write!(
                        suites,
                        r#"    <testcase classname="{}" name="{}">"#,
                        xml(&format!("record/{rec_id}")),
                        xml(format!("{id} {title}").trim())
                    );
                    if let Some(g) = gaps.iter().find(|g| g.id == id) {
                        let msg = if g.veto {
                            if lang == Lang::Zh {
                                "一票否决".to_owned()
                            } else {
                                "veto".to_owned()
                            }
                        } else if lang == Lang::Zh {
                            format!("失 {} 分", fmt_num(g.lost))
                        } else {
                            format!("{} points lost", fmt_num(g.lost))
                        };
                        let mut body = finding(ind, lang);
                        let rem = text_of(ind.get("remediation"), lang);
                        if !rem.is_empty() {
                            body = format!("{body}\n→ {rem}");
                        }
                        let _ = write!(
                            suites,
                            r#"<failure message="{}" type="{}">{}</failure>"#,
                            xml(&msg),
                            xml(status),
                            xml(body.trim())
                        );
                    } else if matches!(status, "not_applicable" | "waived") {
                        let _ = write!(suites, r#"<skipped message="{}"/>"#, xml(status));
                    }
                    let _ = writeln!(suites, "</testcase>");
                }
                let _ = writeln!(suites, "  </testsuite>");
            }
            Entry::Invalid { origin, error } => {
                tests += 1;
                errors += 1;
                let id = error.record.clone().unwrap_or_else(|| origin.clone());
                let _ = writeln!(
                    suites,
                    r#"  <testsuite name="{}" tests="1" failures="0" errors="1" skipped="0">"#,
                    xml(&id)
                );
                let _ = writeln!(
                    suites,
                    r#"    <testcase classname="record/{}" name="record"><error message="invalid record" type="invalid_record">{}</error></testcase>"#,
                    xml(&id),
                    xml(&format!("{origin}: {}: {}", error.path, error.message))
                );
                let _ = writeln!(suites, "  </testsuite>");
            }
        }
    }
    let name = reports(batch).next().map_or("chidu".to_owned(), |r| {
        format!("chidu {} {}", r.model.id, r.model.version)
    });
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"{}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\">\n{suites}</testsuites>\n",
        xml(&name)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escapes_and_drops_controls() {
        assert_eq!(xml("a<b>&\"'\u{1}"), "a&lt;b&gt;&amp;&quot;&apos;");
    }

    #[test]
    fn levels() {
        assert_eq!(level("partial", false), "warning");
        assert_eq!(level("no_evidence", false), "warning");
        assert_eq!(level("not_met", false), "error");
        assert_eq!(level("not_met", true), "error");
    }
}
