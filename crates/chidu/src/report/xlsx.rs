//! A batch as an Excel workbook (`chidu check --format xlsx`): a `summary` sheet (one row per
//! record), a `findings` sheet (one row per record × indicator) and the scoring sheet (评分表)
//! of each record on a sheet named after its id.

use std::collections::HashSet;

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};

use super::{IndicatorResult, Report, Shown, Status, round2};
use crate::Lang;
use crate::batch::{Batch, Entry};

fn tr(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    if lang == Lang::Zh { zh } else { en }
}

/// Names of the fixed sheets.
const SUMMARY: &str = "summary";
const FINDINGS: &str = "findings";

impl Batch {
    /// The batch as an `.xlsx` workbook: `summary`, `findings`, then one scoring sheet (评分表)
    /// per evaluated record, named after its id (made a valid, unique Excel sheet name).
    pub fn to_xlsx(&self, lang: Lang) -> Result<Vec<u8>, String> {
        write(self, lang).map_err(|e| format!("cannot write the workbook: {e}"))
    }
}

struct Formats {
    head: Format,
    bold: Format,
    wrap: Format,
    num: Format,
}

fn write(batch: &Batch, lang: Lang) -> Result<Vec<u8>, XlsxError> {
    let f = Formats {
        head: Format::new()
            .set_bold()
            .set_text_wrap()
            .set_background_color("#DDEBF7")
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::Top),
        bold: Format::new().set_bold(),
        wrap: Format::new().set_text_wrap().set_align(FormatAlign::Top),
        num: Format::new()
            .set_num_format("0.##")
            .set_align(FormatAlign::Top),
    };
    let mut wb = Workbook::new();
    summary(wb.add_worksheet().set_name(SUMMARY)?, batch, lang, &f)?;
    findings(wb.add_worksheet().set_name(FINDINGS)?, batch, lang, &f)?;
    let mut taken: HashSet<String> = [SUMMARY, FINDINGS]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    for (i, e) in batch.entries.iter().enumerate() {
        if let Entry::Report(r) = e {
            let base = r.record.id.clone().unwrap_or_else(|| format!("#{}", i + 1));
            let name = unique_sheet_name(&base, &mut taken);
            scoring_sheet(wb.add_worksheet().set_name(name)?, r, lang, &f)?;
        }
    }
    wb.save_to_buffer()
}

/// A valid Excel sheet name: no `[]:*?/\`, no leading or trailing `'`, 1 to 31 characters, not
/// `History`, unique without regard to case.
pub(crate) fn unique_sheet_name(base: &str, taken: &mut HashSet<String>) -> String {
    let clean: String = base
        .chars()
        .map(|c| {
            if matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\') || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect();
    let mut clean = clean.trim_matches('\'').trim().to_owned();
    if clean.is_empty() || clean.eq_ignore_ascii_case("history") {
        clean = format!("_{clean}");
    }
    let cut = |s: &str, n: usize| -> String { s.chars().take(n).collect() };
    let mut name = cut(&clean, 31);
    let mut n = 2;
    while taken.contains(&name.to_lowercase()) {
        let suffix = format!("~{n}");
        name = format!("{}{suffix}", cut(&clean, 31 - suffix.chars().count()));
        n += 1;
    }
    taken.insert(name.to_lowercase());
    name
}

fn col(i: usize) -> u16 {
    u16::try_from(i).unwrap_or(u16::MAX)
}

fn row(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

fn headers(ws: &mut Worksheet, r: u32, names: &[&str], f: &Formats) -> Result<(), XlsxError> {
    for (i, h) in names.iter().enumerate() {
        ws.write_string_with_format(r, col(i), *h, &f.head)?;
    }
    Ok(())
}

fn grade_label(report: &Report, lang: Lang) -> String {
    match &report.grade {
        Some(g) => report
            .model
            .grades
            .iter()
            .find(|x| &x.id == g)
            .map_or(g.clone(), |x| x.label.get(lang).to_owned()),
        None => String::new(),
    }
}

fn shown_name(report: &Report) -> String {
    if report.mask_pii && report.name_is_pii() {
        "***".to_owned()
    } else {
        report.record.name.clone().unwrap_or_default()
    }
}

fn write_score(
    ws: &mut Worksheet,
    r: u32,
    c: u16,
    v: Option<f64>,
    f: &Formats,
) -> Result<(), XlsxError> {
    if let Some(v) = v {
        ws.write_number_with_format(r, c, round2(v), &f.num)?;
    }
    Ok(())
}

fn summary(ws: &mut Worksheet, batch: &Batch, lang: Lang, f: &Formats) -> Result<(), XlsxError> {
    let groups: Vec<String> = batch
        .entries
        .iter()
        .find_map(|e| match e {
            Entry::Report(r) => Some(r.record.groups.iter().map(|(g, _)| g.clone()).collect()),
            Entry::Invalid { .. } => None,
        })
        .unwrap_or_default();
    let mut names = vec!["id", "name"];
    names.extend(groups.iter().map(String::as_str));
    names.extend(["score", "grade", "vetoed", "error"]);
    headers(ws, 0, &names, f)?;
    let n = groups.len();
    for (i, e) in batch.entries.iter().enumerate() {
        let r = row(i + 1);
        match e {
            Entry::Report(rep) => {
                ws.write_string(r, 0, rep.record.id.clone().unwrap_or_default())?;
                ws.write_string(r, 1, shown_name(rep))?;
                for (j, (_, v)) in rep.record.groups.iter().enumerate().take(n) {
                    ws.write_string(r, col(2 + j), v.clone().unwrap_or_default())?;
                }
                write_score(ws, r, col(2 + n), rep.score, f)?;
                ws.write_string(r, col(3 + n), grade_label(rep, lang))?;
                ws.write_boolean(r, col(4 + n), rep.vetoed())?;
            }
            Entry::Invalid { origin, error } => {
                ws.write_string(r, 0, error.record.clone().unwrap_or_default())?;
                let msg = if error.path.is_empty() {
                    format!("{origin}: {}", error.message)
                } else {
                    format!("{origin}: {}: {}", error.path, error.message)
                };
                ws.write_string(r, col(5 + n), msg)?;
            }
        }
    }
    ws.set_column_width(0, 14)?;
    ws.set_column_width(1, 32)?;
    ws.set_column_width(col(5 + n), 60)?;
    ws.set_freeze_panes(1, 1)?;
    Ok(())
}

fn findings(ws: &mut Worksheet, batch: &Batch, lang: Lang, f: &Formats) -> Result<(), XlsxError> {
    headers(
        ws,
        0,
        &[
            "record",
            "indicator",
            "title",
            "status",
            "earned",
            "possible",
            "finding",
        ],
        f,
    )?;
    let mut r = 1u32;
    for e in &batch.entries {
        let Entry::Report(rep) = e else { continue };
        let id = rep.record.id.clone().unwrap_or_default();
        for res in &rep.indicators {
            let Some(ind) = rep.model.indicators.get(res.index) else {
                continue;
            };
            ws.write_string(r, 0, &id)?;
            ws.write_string(r, 1, &*ind.id)?;
            ws.write_string(r, 2, ind.title.get(lang))?;
            ws.write_string(r, 3, res.status.as_str())?;
            ws.write_number_with_format(r, 4, round2(res.earned), &f.num)?;
            ws.write_number_with_format(r, 5, round2(res.possible), &f.num)?;
            ws.write_string(r, 6, finding(rep, res, lang))?;
            r = r.saturating_add(1);
        }
    }
    ws.set_column_width(2, 36)?;
    ws.set_column_width(6, 60)?;
    ws.set_freeze_panes(1, 2)?;
    Ok(())
}

fn method_label(m: &str, lang: Lang) -> String {
    match m {
        "document" => tr(lang, "查阅资料", "document review").to_owned(),
        "site" => tr(lang, "现场查看", "site visit").to_owned(),
        "interview" => tr(lang, "访谈", "interview").to_owned(),
        "survey" => tr(lang, "问卷调查", "survey").to_owned(),
        other => other.to_owned(),
    }
}

/// The deduction reason: what was found, what is missing, and each deduction.
fn finding(report: &Report, r: &IndicatorResult, lang: Lang) -> String {
    let mut parts: Vec<String> = Vec::new();
    let ind = report.model.indicators.get(r.index);
    if let Some(m) = report.message(r) {
        parts.push(m.get(lang).to_owned());
    } else if let Some(c) = &r.comparison {
        let masked = report.mask_pii && ind.is_some_and(|i| i.comparison_pii);
        let (l, rt) = if masked {
            (Shown::Masked.display(), Shown::Masked.display())
        } else {
            (c.left.display(), c.right.display())
        };
        parts.push(match lang {
            Lang::Zh => format!("实际 {l}，要求 {} {rt}", c.op),
            Lang::En => format!("found {l}, required {} {rt}", c.op),
        });
    }
    if !r.missing().is_empty() {
        parts.push(format!(
            "{}: {}",
            tr(lang, "缺少", "missing"),
            r.missing().join(", ")
        ));
    }
    for d in r.deductions() {
        let what = report
            .deduction_item(r, d)
            .map(str::to_owned)
            .or_else(|| d.path.clone())
            .unwrap_or_default();
        parts.push(format!(
            "-{} {what}: {}",
            super::fmt_num(d.points),
            report.deduction_reason(r, d).get(lang)
        ));
    }
    if let Some(e) = r.error() {
        parts.push(e.to_owned());
    }
    parts.join(tr(lang, "；", "; "))
}

/// The scoring sheet (评分表) of one record: identity and result on top, then one row per
/// indicator under its section.
fn scoring_sheet(
    ws: &mut Worksheet,
    rep: &Report,
    lang: Lang,
    f: &Formats,
) -> Result<(), XlsxError> {
    let model = &rep.model;
    let title = format!(
        "{} {} {}",
        rep.record.id.as_deref().unwrap_or(""),
        shown_name(rep),
        tr(lang, "评分表", "scoring sheet")
    );
    ws.write_string_with_format(0, 0, title.trim(), &f.bold)?;
    ws.write_string_with_format(1, 0, tr(lang, "总分", "Score"), &f.bold)?;
    write_score(ws, 1, 1, rep.score, f)?;
    ws.write_string_with_format(1, 2, tr(lang, "等级", "Grade"), &f.bold)?;
    ws.write_string(1, 3, grade_label(rep, lang))?;
    ws.write_string_with_format(1, 4, tr(lang, "评估日期", "As of"), &f.bold)?;
    ws.write_string(1, 5, rep.as_of())?;
    ws.write_string_with_format(1, 6, tr(lang, "一票否决", "Veto"), &f.bold)?;
    let veto = if rep.vetoed() {
        rep.vetoes.join(", ")
    } else {
        tr(lang, "无", "none").to_owned()
    };
    ws.write_string(1, 7, veto)?;
    let head_row = 3;
    headers(
        ws,
        head_row,
        &[
            tr(lang, "指标编号", "Indicator"),
            tr(lang, "评估内容", "Title"),
            tr(lang, "分值", "Points"),
            tr(lang, "评分标准", "Scoring"),
            tr(lang, "评估方法", "Method"),
            tr(lang, "得分", "Earned"),
            tr(lang, "状态", "Status"),
            tr(lang, "扣分原因", "Deduction reason"),
        ],
        f,
    )?;
    let mut r = head_row + 1;
    for sr in &rep.sections {
        let Some(sec) = model.sections.get(sr.index) else {
            continue;
        };
        ws.write_string_with_format(r, 0, &sec.id, &f.bold)?;
        ws.write_string_with_format(r, 1, sec.title.get(lang), &f.bold)?;
        ws.write_number_with_format(r, 2, round2(sec.points), &f.num)?;
        ws.write_number_with_format(r, 5, round2(sr.earned), &f.num)?;
        r = r.saturating_add(1);
        for &i in &sec.indicators {
            let Some(res) = rep.indicators.iter().find(|x| x.index == i) else {
                continue;
            };
            let Some(ind) = model.indicators.get(i) else {
                continue;
            };
            ws.write_string_with_format(r, 0, &*ind.id, &f.wrap)?;
            ws.write_string_with_format(r, 1, ind.title.get(lang), &f.wrap)?;
            ws.write_number_with_format(r, 2, round2(ind.points), &f.num)?;
            ws.write_string_with_format(
                r,
                3,
                ind.form.describe(ind.points, ind.bonus, ind.veto, lang),
                &f.wrap,
            )?;
            ws.write_string_with_format(
                r,
                4,
                ind.method
                    .as_deref()
                    .map(|m| method_label(m, lang))
                    .unwrap_or_default(),
                &f.wrap,
            )?;
            if res.status != Status::NotApplicable {
                ws.write_number_with_format(r, 5, round2(res.earned), &f.num)?;
            }
            ws.write_string_with_format(r, 6, res.status.label(lang), &f.wrap)?;
            ws.write_string_with_format(r, 7, finding(rep, res, lang), &f.wrap)?;
            r = r.saturating_add(1);
        }
    }
    ws.write_string_with_format(r, 1, tr(lang, "合计", "Total"), &f.bold)?;
    ws.write_number_with_format(r, 2, round2(model.total), &f.num)?;
    write_score(ws, r, 5, rep.score, f)?;
    for (c, w) in [
        (0, 10),
        (1, 30),
        (2, 7),
        (3, 40),
        (4, 12),
        (5, 7),
        (6, 10),
        (7, 50),
    ] {
        ws.set_column_width(c, w)?;
    }
    ws.set_freeze_panes(head_row + 1, 0)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        reason = "tests"
    )]
    use super::*;

    #[test]
    fn sheet_names_are_valid_and_unique() {
        let mut taken: HashSet<String> = ["summary".to_owned()].into_iter().collect();
        assert_eq!(unique_sheet_name("Summary", &mut taken), "Summary~2");
        assert_eq!(unique_sheet_name("a/b:c", &mut taken), "a_b_c");
        assert_eq!(unique_sheet_name("A/B:C", &mut taken), "A_B_C~2");
        assert_eq!(unique_sheet_name("'x'", &mut taken), "x");
        assert_eq!(unique_sheet_name("", &mut taken), "_");
        let long = "长".repeat(40);
        let a = unique_sheet_name(&long, &mut taken);
        let b = unique_sheet_name(&long, &mut taken);
        assert_eq!(a.chars().count(), 31);
        assert_eq!(b.chars().count(), 31);
        assert!(b.ends_with("~2"));
    }
}
