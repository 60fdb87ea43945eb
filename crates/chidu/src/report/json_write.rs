//! The report's JSON text written directly into a buffer: the same bytes as serialising the
//! report with serde_json (`tests/report_formats.rs` checks byte identity on many reports),
//! at a fraction of the cost. Keys are literal bytes, plain strings are copied without the
//! escaping loop, titles come pre-escaped from the model; rare or nested parts (record,
//! waivers, deductions, comparisons) still go through their `Serialize` impls.
//!
//! A report is written once per station in every fleet run, and through serde_json it cost
//! more than evaluating the station (about 150k instructions for the 40-check workload).

use serde::Serialize;

use super::json::{ENGINE, Num2};
use super::{Comparison, Gap, IndicatorResult, Report, Shown};

/// Appends `v` as serde_json writes it.
fn ser<T: Serialize + ?Sized>(out: &mut Vec<u8>, v: &T) {
    // Writing into a Vec cannot fail; a value that cannot be serialised writes nothing, as
    // `serde_json::to_string(..).unwrap_or_default()` did for the whole report.
    let _ = serde_json::to_writer(&mut *out, v);
}

/// Appends a JSON string: a plain copy when nothing needs escaping (serde_json escapes only
/// `"`, `\` and control characters; other text, Chinese included, is written as is).
fn string(out: &mut Vec<u8>, s: &str) {
    if s.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    } else {
        ser(out, s);
    }
}

fn num2(out: &mut Vec<u8>, x: f64) {
    ser(out, &Num2(x));
}

/// Appends the report (`chidu.report/1`).
pub(crate) fn report(out: &mut Vec<u8>, r: &Report) {
    out.extend_from_slice(b"{\"format\":\"chidu.report/1\",\"engine\":");
    string(out, ENGINE);
    out.extend_from_slice(b",\"standard\":");
    ser(out, &super::json::StandardJson(&r.model));
    out.extend_from_slice(b",\"as_of\":");
    string(out, &r.as_of());
    out.extend_from_slice(b",\"record\":");
    ser(out, &super::json::RecordJson(r));
    out.extend_from_slice(b",\"score\":");
    match r.score {
        Some(s) => num2(out, s),
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(b",\"total\":");
    num2(out, r.model.total);
    out.extend_from_slice(b",\"bonus\":");
    num2(out, r.bonus);
    out.extend_from_slice(b",\"grade\":");
    match &r.grade {
        Some(g) => string(out, g),
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(if r.vetoed() {
        b",\"vetoed\":true,\"vetoes\":"
    } else {
        b",\"vetoed\":false,\"vetoes\":"
    });
    ser(out, &r.vetoes);
    out.extend_from_slice(b",\"vetoes_unresolved\":");
    ser(out, &r.vetoes_unresolved);
    out.extend_from_slice(b",\"score_without_waivers\":");
    match r.score_without_waivers {
        Some(s) => num2(out, s),
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(b",\"waivers\":");
    ser(out, &r.waivers);
    out.extend_from_slice(b",\"warnings\":");
    ser(out, &r.warnings);
    out.extend_from_slice(b",\"sections\":");
    ser(out, &super::json::Sections(r));
    out.extend_from_slice(b",\"indicators\":[");
    for (i, ind) in r.indicators.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        indicator(out, r, ind);
    }
    out.extend_from_slice(b"],\"gaps\":[");
    for (i, g) in r.gaps.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        gap(out, g);
    }
    out.extend_from_slice(b"]}");
}

fn gap(out: &mut Vec<u8>, g: &Gap) {
    out.extend_from_slice(b"{\"indicator\":");
    string(out, &g.indicator);
    out.extend_from_slice(b",\"lost\":");
    num2(out, g.lost);
    out.extend_from_slice(b",\"status\":\"");
    out.extend_from_slice(g.status.as_str().as_bytes());
    out.extend_from_slice(if g.veto { b"\",\"veto\":true}" } else { b"\"}" });
}

fn indicator(out: &mut Vec<u8>, report: &Report, r: &IndicatorResult) {
    let Some(ind) = report.model.indicators.get(r.index) else {
        out.extend_from_slice(b"null");
        return;
    };
    out.extend_from_slice(b"{\"id\":");
    string(out, &ind.id);
    out.extend_from_slice(b",\"section\":");
    string(
        out,
        report
            .model
            .sections
            .get(ind.section)
            .map_or("", |x| x.id.as_str()),
    );
    out.extend_from_slice(b",\"title\":");
    out.extend_from_slice(ind.title_json.get().as_bytes());
    if let Some(c) = &ind.clause {
        out.extend_from_slice(b",\"clause\":");
        string(out, c);
    }
    out.extend_from_slice(b",\"status\":\"");
    out.extend_from_slice(r.status.as_str().as_bytes());
    out.extend_from_slice(b"\",\"earned\":");
    num2(out, r.earned);
    out.extend_from_slice(b",\"possible\":");
    num2(out, r.possible);
    if ind.veto {
        out.extend_from_slice(b",\"veto\":true");
    }
    if ind.bonus {
        out.extend_from_slice(b",\"bonus\":true");
    }
    out.extend_from_slice(b",\"values\":");
    if r.values.is_empty() {
        out.extend_from_slice(b"{}");
    } else {
        ser(out, &super::json::ValuesJson(report, r));
    }
    if let Some(c) = &r.comparison {
        out.extend_from_slice(b",\"comparison\":");
        if report.mask_pii && ind.comparison_pii {
            ser(
                out,
                &Comparison {
                    left: Shown::Masked,
                    op: c.op,
                    right: Shown::Masked,
                },
            );
        } else {
            ser(out, c);
        }
    }
    if !r.deductions().is_empty() {
        out.extend_from_slice(b",\"deductions\":");
        ser(out, &super::json::Deductions(report, r));
    }
    out.extend_from_slice(b",\"missing\":");
    if r.missing().is_empty() {
        out.extend_from_slice(b"[]");
    } else {
        ser(out, &r.missing());
    }
    if let Some(e) = r.error() {
        out.extend_from_slice(b",\"error\":");
        string(out, e);
    }
    if let Some(msg) = report.message(r) {
        out.extend_from_slice(b",\"message\":{\"zh\":");
        string(out, &msg.zh);
        out.extend_from_slice(b",\"en\":");
        string(out, &msg.en);
        out.push(b'}');
    }
    if let Some(rem) = &ind.remediation_json {
        out.extend_from_slice(b",\"remediation\":");
        out.extend_from_slice(rem.get().as_bytes());
    }
    out.push(b'}');
}
