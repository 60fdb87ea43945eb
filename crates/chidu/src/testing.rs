//! Rule tests (SPEC §6): cases with a record, an `as_of` and expectations, compared after
//! rounding to 2 decimals. Shared by `chidu test`, the crate's data-driven suite and pytest.

use std::collections::BTreeMap;

use serde_json::Value as J;

use crate::report::{Report, Status, round2};
use crate::{Options, Standard};

/// One case's outcome.
#[derive(Debug, Clone)]
pub struct CaseResult {
    /// File the case came from.
    pub file: String,
    /// Case name.
    pub name: String,
    /// Mismatches as "what: expected X, got Y"; empty when the case passed.
    pub failures: Vec<String>,
}

/// The outcome of a test run.
#[derive(Debug, Clone, Default)]
pub struct TestRun {
    /// Every case in order.
    pub cases: Vec<CaseResult>,
    /// Indicators lacking a met case, and lacking a not-met (or partial) case.
    pub uncovered: Vec<(String, bool, bool)>,
}

impl TestRun {
    /// Number of passing cases.
    pub fn passed(&self) -> usize {
        self.cases.iter().filter(|c| c.failures.is_empty()).count()
    }
    /// Number of failing cases.
    pub fn failed(&self) -> usize {
        self.cases.len() - self.passed()
    }
}

/// Reads a YAML (or JSON) text into a JSON value, as records and test files are read.
pub fn yaml_to_json(text: &str, name: &str) -> Result<J, String> {
    let file = crate::diag::SourceFile {
        name: name.to_owned(),
        text: std::sync::Arc::from(text),
    };
    crate::yaml::parse(&file, 0)
        .map(|n| n.to_json())
        .map_err(|d| d.to_string())
}

/// RFC 7386 merge patch on JSON values.
pub fn merge_patch(target: &mut J, patch: &J) {
    let J::Object(p) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = J::Object(serde_json::Map::new());
    }
    if let J::Object(t) = target {
        for (k, v) in p {
            if v.is_null() {
                t.remove(k);
            } else {
                merge_patch(t.entry(k.clone()).or_insert(J::Null), v);
            }
        }
    }
}

/// Runs the test files of a pack. `files` are (name, text); `read` resolves a `record_file`
/// path relative to the test file.
pub fn run_tests(
    standard: &Standard,
    files: &[(String, String)],
    read: &dyn Fn(&str, &str) -> Result<String, String>,
) -> TestRun {
    let mut run = TestRun::default();
    let mut met: BTreeMap<String, (bool, bool)> = standard
        .indicator_ids()
        .iter()
        .map(|i| ((*i).to_owned(), (false, false)))
        .collect();
    let engine = match standard.compile() {
        Ok(e) => e,
        Err(e) => {
            run.cases.push(CaseResult {
                file: String::new(),
                name: "compile".into(),
                failures: vec![e.to_string()],
            });
            return run;
        }
    };
    for (file, text) in files {
        let doc = match yaml_to_json(text, file) {
            Ok(d) => d,
            Err(e) => {
                run.cases.push(CaseResult {
                    file: file.clone(),
                    name: "(file)".into(),
                    failures: vec![e],
                });
                continue;
            }
        };
        let cases = doc
            .get("cases")
            .and_then(J::as_array)
            .cloned()
            .unwrap_or_default();
        if cases.is_empty() {
            run.cases.push(CaseResult {
                file: file.clone(),
                name: "(file)".into(),
                failures: vec!["no `cases` list".into()],
            });
        }
        for (i, case) in cases.iter().enumerate() {
            let name = case
                .get("name")
                .and_then(J::as_str)
                .map_or_else(|| format!("case {}", i + 1), str::to_owned);
            let mut failures = Vec::new();
            match run_case(standard, &engine, case, file, read) {
                Ok(report) => {
                    if let Some(expect) = case.get("expect") {
                        failures.extend(check_expect(&report, expect));
                        if let Some(inds) = expect.get("indicators").and_then(J::as_object) {
                            for (id, e) in inds {
                                let status = e
                                    .as_str()
                                    .or_else(|| e.get("status").and_then(J::as_str))
                                    .unwrap_or("");
                                if let Some(entry) = met.get_mut(id) {
                                    match status {
                                        "met" => entry.0 = true,
                                        "not_met" | "partial" => entry.1 = true,
                                        _ => {}
                                    }
                                }
                            }
                        }
                    }
                }
                Err(e) => failures.push(e),
            }
            run.cases.push(CaseResult {
                file: file.clone(),
                name,
                failures,
            });
        }
    }
    run.uncovered = met
        .into_iter()
        .filter(|(_, (m, n))| !(*m && *n))
        .map(|(id, (m, n))| (id, m, n))
        .collect();
    run
}

fn run_case(
    standard: &Standard,
    engine: &crate::Engine,
    case: &J,
    file: &str,
    read: &dyn Fn(&str, &str) -> Result<String, String>,
) -> Result<Report, String> {
    let (record, options) = case_input(standard, case, file, read)?;
    engine
        .evaluate(&record, &options)
        .map_err(|e| e.to_string())
}

/// A case's record (with its patch applied) and options.
fn case_input(
    standard: &Standard,
    case: &J,
    file: &str,
    read: &dyn Fn(&str, &str) -> Result<String, String>,
) -> Result<(J, Options), String> {
    let as_of = case
        .get("as_of")
        .and_then(J::as_str)
        .ok_or("the case has no `as_of`")?;
    let mut record = match (
        case.get("record"),
        case.get("record_file").and_then(J::as_str),
    ) {
        (Some(r), _) => r.clone(),
        (None, Some(path)) => {
            let text = read(file, path)?;
            yaml_to_json(&text, path)?
        }
        (None, None) => return Err("the case has neither `record` nor `record_file`".into()),
    };
    if let Some(p) = case.get("patch") {
        merge_patch(&mut record, p);
    }
    let mut options = Options::default().with_as_of(as_of)?;
    if let Some(w) = case.get("waivers") {
        options.waivers = crate::Waiver::from_json(w, standard, file).map_err(|e| e.to_string())?;
    }
    Ok((record, options))
}

fn num_eq(expected: &J, got: Option<f64>) -> bool {
    match (expected.as_f64(), got) {
        (Some(e), Some(g)) => (round2(e) - round2(g)).abs() < 1e-9,
        (None, None) => expected.is_null(),
        _ => false,
    }
}

fn show(v: Option<f64>) -> String {
    v.map_or("null".into(), crate::report::fmt_num)
}

/// Compares a report with an `expect` mapping; returns the mismatches.
pub fn check_expect(report: &Report, expect: &J) -> Vec<String> {
    let mut f = Vec::new();
    let Some(exp) = expect.as_object() else {
        return vec!["`expect` must be a mapping".into()];
    };
    let json = report.to_json_value();
    for (key, want) in exp {
        match key.as_str() {
            "score" => {
                if !num_eq(want, report.score) {
                    f.push(format!(
                        "score: expected {want}, got {}",
                        show(report.score)
                    ));
                }
            }
            "score_without_waivers" => {
                if !num_eq(want, report.score_without_waivers) {
                    f.push(format!(
                        "score_without_waivers: expected {want}, got {}",
                        show(report.score_without_waivers)
                    ));
                }
            }
            "bonus" => {
                if !num_eq(want, Some(report.bonus)) {
                    f.push(format!(
                        "bonus: expected {want}, got {}",
                        show(Some(report.bonus))
                    ));
                }
            }
            "grade" => {
                let got = report.grade.clone().map_or(J::Null, J::String);
                if &got != want {
                    f.push(format!("grade: expected {want}, got {got}"));
                }
            }
            "vetoed" => {
                if want.as_bool() != Some(report.vetoed()) {
                    f.push(format!("vetoed: expected {want}, got {}", report.vetoed()));
                }
            }
            "vetoes" | "vetoes_unresolved" | "gaps" | "warnings" | "waivers" => {
                let got: J = match key.as_str() {
                    "gaps" => J::Array(
                        report
                            .gaps
                            .iter()
                            .map(|g| J::String(g.indicator.to_string()))
                            .collect(),
                    ),
                    "warnings" => J::Array(
                        report
                            .warnings
                            .iter()
                            .map(|w| J::String(w.path.clone()))
                            .collect(),
                    ),
                    other => json.get(other).cloned().unwrap_or(J::Null),
                };
                if &got != want {
                    f.push(format!("{key}: expected {want}, got {got}"));
                }
            }
            "sections" => {
                let Some(m) = want.as_object() else { continue };
                for (sid, w) in m {
                    let Some(sec) = report.sections.iter().find(|s| report.section_id(s) == sid)
                    else {
                        f.push(format!("sections.{sid}: no such section"));
                        continue;
                    };
                    for (k, v) in w.as_object().into_iter().flatten() {
                        let got = match k.as_str() {
                            "earned" => Some(sec.earned),
                            "possible" => Some(sec.possible),
                            "ratio" => sec.ratio,
                            _ => None,
                        };
                        if !num_eq(v, got) {
                            f.push(format!(
                                "sections.{sid}.{k}: expected {v}, got {}",
                                show(got)
                            ));
                        }
                    }
                }
            }
            "indicators" => {
                let Some(m) = want.as_object() else { continue };
                for (id, w) in m {
                    let Some(r) = report.indicator(id) else {
                        f.push(format!("indicators.{id}: no such indicator"));
                        continue;
                    };
                    let got_json = json.get("indicators").and_then(J::as_array).and_then(|a| {
                        a.iter()
                            .find(|x| x.get("id").and_then(J::as_str) == Some(id))
                    });
                    check_indicator(&mut f, id, r, got_json, w, report);
                }
            }
            other => f.push(format!("unknown expectation `{other}`")),
        }
    }
    f
}

fn check_indicator(
    f: &mut Vec<String>,
    id: &str,
    r: &crate::IndicatorResult,
    got: Option<&J>,
    want: &J,
    report: &Report,
) {
    if let Some(s) = want.as_str() {
        if r.status.as_str() != s {
            f.push(format!(
                "{id}: expected {s}, got {}{}",
                r.status.as_str(),
                reason(r)
            ));
        }
        return;
    }
    let Some(m) = want.as_object() else { return };
    for (k, v) in m {
        match k.as_str() {
            "status" => {
                if Some(r.status.as_str()) != v.as_str() {
                    f.push(format!(
                        "{id}: expected {v}, got {}{}",
                        r.status.as_str(),
                        reason(r)
                    ));
                }
            }
            "earned" | "possible" => {
                let g = if k == "earned" { r.earned } else { r.possible };
                if !num_eq(v, Some(g)) {
                    f.push(format!("{id}.{k}: expected {v}, got {}", show(Some(g))));
                }
            }
            "missing" => {
                let g: Vec<J> = r.missing().iter().map(|p| J::String(p.clone())).collect();
                if J::Array(g.clone()) != *v {
                    f.push(format!("{id}.missing: expected {v}, got {}", J::Array(g)));
                }
            }
            "deductions" => {
                let g: Vec<J> = r
                    .deductions()
                    .iter()
                    .map(|d| {
                        J::String(
                            d.path
                                .clone()
                                .or_else(|| report.deduction_item(r, d).map(str::to_owned))
                                .unwrap_or_default(),
                        )
                    })
                    .collect();
                let ok = match v {
                    J::Number(n) => n.as_u64() == Some(g.len() as u64),
                    other => J::Array(g.clone()) == *other,
                };
                if !ok {
                    f.push(format!(
                        "{id}.deductions: expected {v}, got {}",
                        J::Array(g)
                    ));
                }
            }
            "comparison" | "values" => {
                let g = got
                    .and_then(|x| x.get(k.as_str()))
                    .cloned()
                    .unwrap_or(J::Null);
                if !json_subset(v, &g) {
                    f.push(format!("{id}.{k}: expected {v}, got {g}"));
                }
            }
            "message_en" | "message_zh" => {
                let msg = report
                    .message(r)
                    .map(|t| if k == "message_en" { t.en } else { t.zh })
                    .unwrap_or_default();
                if Some(msg.as_str()) != v.as_str() {
                    f.push(format!("{id}.{k}: expected {v}, got {msg:?}"));
                }
            }
            other => f.push(format!("{id}: unknown expectation `{other}`")),
        }
    }
    let _ = Status::Met;
}

fn reason(r: &crate::IndicatorResult) -> String {
    let mut parts = Vec::new();
    if let Some(c) = &r.comparison {
        parts.push(format!(
            "found {} {} {}",
            c.left.display(),
            c.op,
            c.right.display()
        ));
    }
    if !r.missing().is_empty() {
        parts.push(format!("missing {}", r.missing().join(", ")));
    }
    if let Some(e) = r.error() {
        parts.push(e.to_owned());
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!(" ({})", parts.join("; "))
    }
}

/// `want` is contained in `got` (objects by key, numbers to 2 decimals).
fn json_subset(want: &J, got: &J) -> bool {
    match (want, got) {
        (J::Object(w), J::Object(g)) => w
            .iter()
            .all(|(k, v)| g.get(k).is_some_and(|gv| json_subset(v, gv))),
        (J::Number(a), J::Number(b)) => num_eq(&J::Number(a.clone()), b.as_f64()),
        (J::Array(a), J::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| json_subset(x, y))
        }
        (a, b) => a == b,
    }
}

/// Runs a file of the shared data-driven cases (`tests/cases/*.yaml`, see its README).
pub fn run_shared_cases(text: &str, file: &str) -> Vec<CaseResult> {
    let doc = match yaml_to_json(text, file) {
        Ok(d) => d,
        Err(e) => {
            return vec![CaseResult {
                file: file.to_owned(),
                name: "(file)".into(),
                failures: vec![e],
            }];
        }
    };
    let packs = doc
        .get("packs")
        .and_then(J::as_object)
        .cloned()
        .unwrap_or_default();
    let cases = doc
        .get("cases")
        .and_then(J::as_array)
        .cloned()
        .unwrap_or_default();
    cases
        .iter()
        .enumerate()
        .map(|(i, case)| {
            let name = case
                .get("name")
                .and_then(J::as_str)
                .map_or_else(|| format!("case {}", i + 1), str::to_owned);
            let failures = shared_case(case, &packs);
            CaseResult {
                file: file.to_owned(),
                name,
                failures,
            }
        })
        .collect()
}

fn files_of(v: &J) -> Vec<(String, String)> {
    v.as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
        .collect()
}

fn shared_case(case: &J, packs: &serde_json::Map<String, J>) -> Vec<String> {
    let loaded = if let Some(files) = case.get("files") {
        let root = case.get("root").and_then(J::as_str).unwrap_or("");
        Standard::from_strings(files_of(files), root)
    } else {
        match case.get("pack").and_then(J::as_str) {
            Some(p) if p.starts_with("builtin:") => Standard::builtin(p),
            Some(p) => match packs.get(p) {
                Some(files) => Standard::from_strings(files_of(files), ""),
                None => return vec![format!("no pack `{p}` in this file")],
            },
            None => return vec!["the case has neither `pack` nor `files`".into()],
        }
    };
    if let Some(expected) = case.get("expect_errors").and_then(J::as_array) {
        return match loaded {
            Ok(_) => vec![format!(
                "expected the load to fail with {} error(s), but it loaded",
                expected.len()
            )],
            Err(e) => match_errors(&e.diagnostics, expected),
        };
    }
    let standard = match loaded {
        Ok(s) => s,
        Err(e) => return vec![format!("load failed:\n{e}")],
    };
    let engine = match standard.compile() {
        Ok(e) => e,
        Err(e) => return vec![e.to_string()],
    };
    let want_record_error = case
        .get("expect_record_error")
        .map(|e| e.get("path").and_then(J::as_str).unwrap_or("").to_owned());
    let input = case_input(&standard, case, "case", &|_, p| {
        Err(format!(
            "record_file `{p}` is not supported in shared cases"
        ))
    });
    let (record, options) = match input {
        Ok(i) => i,
        Err(e) => return vec![e],
    };
    let result = engine
        .record_from_value(&record)
        .map(|r| {
            (
                engine.evaluate_record(&r, &options),
                engine.scorecard(&r, &options),
            )
        })
        .map_err(|e| e.to_string());
    match (result, want_record_error) {
        (Err(e), Some(path)) => {
            if e.contains(&format!(": {path}:"))
                || (path.is_empty() && e.contains("invalid record"))
            {
                Vec::new()
            } else {
                vec![format!("expected a record error at `{path}`, got: {e}")]
            }
        }
        (Err(e), None) => vec![e],
        (Ok(_), Some(path)) => vec![format!(
            "expected a record error at `{path}`, but the record was evaluated"
        )],
        (Ok((report, card)), None) => {
            let mut failures = match case.get("expect") {
                Some(expect) => check_expect(&report, expect),
                None => vec!["the case has no `expect`".into()],
            };
            // The report-free scorecard must say what the report says.
            let expected = crate::Scorecard::of_report(&report);
            if card != expected {
                failures.push(format!(
                    "the scorecard differs from the report's: {card:?} against {expected:?}"
                ));
            }
            // The direct JSON writer must give exactly serde's bytes.
            if serde_json::to_string(&report).ok().as_deref() != Some(report.to_json().as_str()) {
                failures.push("the report's JSON text differs from its serde form".into());
            }
            failures
        }
    }
}

fn match_errors(diags: &[crate::Diagnostic], expected: &[J]) -> Vec<String> {
    let mut failures = Vec::new();
    for want in expected {
        let found = diags.iter().any(|d| {
            let (line, col) = d.line_col().unwrap_or((0, 0));
            let text = format!("{} {}", d.message, d.help.clone().unwrap_or_default());
            want.get("code")
                .and_then(J::as_str)
                .is_none_or(|c| c == d.code.as_str())
                && want
                    .get("file")
                    .and_then(J::as_str)
                    .is_none_or(|f| d.file_name().is_some_and(|n| n.ends_with(f)))
                && want
                    .get("line")
                    .and_then(J::as_u64)
                    .is_none_or(|l| l as usize == line)
                && want
                    .get("column")
                    .and_then(J::as_u64)
                    .is_none_or(|c| c as usize == col)
                && want
                    .get("contains")
                    .and_then(J::as_str)
                    .is_none_or(|s| text.contains(s))
        });
        if !found {
            let got: Vec<String> = diags
                .iter()
                .map(|d| {
                    let (l, c) = d.line_col().unwrap_or((0, 0));
                    format!(
                        "{} {}:{l}:{c} {}",
                        d.code.as_str(),
                        d.file_name().unwrap_or(""),
                        d.message
                    )
                })
                .collect();
            failures.push(format!(
                "expected error {want}, got:\n      {}",
                got.join("\n      ")
            ));
        }
    }
    failures
}
