//! Views for people: terminal text (colour optional) and Markdown, bilingual.

use std::fmt::Write as _;

use super::{Report, Status, fmt_num};
use crate::Lang;
use crate::batch::{Batch, Entry};
use crate::model::Model;

/// Pads to a terminal width (CJK characters take two columns).
fn pad(s: &str, width: usize) -> String {
    let w = crate::diag::display_width(s);
    format!("{s}{}", " ".repeat(width.saturating_sub(w)))
}

fn tr(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    if lang == Lang::Zh { zh } else { en }
}

struct Paint(bool);
impl Paint {
    fn wrap(&self, code: &str, s: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_owned()
        }
    }
    fn status(&self, st: Status, lang: Lang) -> String {
        let code = match st {
            Status::Met => "32",
            Status::Partial | Status::Waived => "33",
            Status::NotMet | Status::Error => "31",
            Status::NoEvidence => "35",
            Status::NotApplicable => "2",
        };
        self.wrap(code, st.label(lang))
    }
}

fn grade_label(report: &Report, lang: Lang) -> String {
    match &report.grade {
        Some(g) => report
            .model
            .grades
            .iter()
            .find(|x| &x.id == g)
            .map_or(g.clone(), |x| x.label.get(lang).to_owned()),
        None => "—".to_owned(),
    }
}

fn score_text(score: Option<f64>) -> String {
    score.map_or("—".to_owned(), fmt_num)
}

/// What was found against what was required, in words.
fn finding(report: &Report, r: &super::IndicatorResult, lang: Lang) -> String {
    if let Some(m) = report.message(r) {
        return m.get(lang).to_owned();
    }
    if let Some(c) = &r.comparison {
        let (l, rt) = (c.left.display(), c.right.display());
        return match lang {
            Lang::Zh => format!("实际 {l}，要求 {} {rt}", c.op),
            Lang::En => format!("found {l}, required {} {rt}", c.op),
        };
    }
    String::new()
}

/// A report as terminal text.
pub fn report_text(report: &Report, lang: Lang, color: bool) -> String {
    let p = Paint(color);
    let mut s = String::new();
    let id = report.record.id.as_deref().unwrap_or("?");
    let name = report.record.name.as_deref().unwrap_or("");
    let name = if report.mask_pii && report.name_is_pii() {
        "***"
    } else {
        name
    };
    let _ = writeln!(
        s,
        "{} {id} {name}",
        p.wrap("1", tr(lang, "站点", "Station"))
    );
    let _ = writeln!(
        s,
        "  {}: {} / {}   {}: {}{}",
        tr(lang, "得分", "Score"),
        p.wrap("1", &score_text(report.score)),
        fmt_num(report.model.total),
        tr(lang, "等级", "Grade"),
        p.wrap("1", &grade_label(report, lang)),
        if report.bonus > 0.0 {
            format!(
                "   {}: +{}",
                tr(lang, "加分", "Bonus"),
                fmt_num(report.bonus)
            )
        } else {
            String::new()
        }
    );
    if report.vetoed() {
        let _ = writeln!(
            s,
            "  {}: {}",
            p.wrap("31;1", tr(lang, "一票否决", "Vetoed")),
            report.vetoes.join(", ")
        );
    }
    if !report.vetoes_unresolved.is_empty() {
        let _ = writeln!(
            s,
            "  {}: {}",
            tr(lang, "否决项无佐证", "Veto items without evidence"),
            report.vetoes_unresolved.join(", ")
        );
    }
    for sec in &report.sections {
        let Some(def) = report.model.sections.get(sec.index) else {
            continue;
        };
        let ratio = sec
            .ratio
            .map_or("—".to_owned(), |r| format!("{:.0}%", r * 100.0));
        let _ = writeln!(
            s,
            "  {} {} {:>6} / {:<6} {ratio:>4}",
            pad(&def.id, 4),
            pad(def.title.get(lang), 26),
            fmt_num(sec.earned),
            fmt_num(sec.possible)
        );
    }
    if !report.gaps.is_empty() {
        let _ = writeln!(
            s,
            "{}",
            p.wrap(
                "1",
                tr(
                    lang,
                    "整改清单（按失分排序）",
                    "Gaps (most points lost first)"
                )
            )
        );
        for g in &report.gaps {
            let Some(r) = report.indicator(&g.indicator) else {
                continue;
            };
            let Some(ind) = report.model.indicators.get(r.index) else {
                continue;
            };
            let lost = if g.veto {
                tr(lang, "否决", "veto").to_owned()
            } else {
                format!("-{}", fmt_num(g.lost))
            };
            let _ = writeln!(
                s,
                "  {} {:>7}  {}  [{}]",
                pad(&ind.id, 8),
                lost,
                ind.title.get(lang),
                p.status(r.status, lang)
            );
            let f = finding(report, r, lang);
            if !f.is_empty() {
                let _ = writeln!(s, "           {f}");
            }
            if !r.missing().is_empty() {
                let _ = writeln!(
                    s,
                    "           {}: {}",
                    tr(lang, "缺少", "missing"),
                    r.missing().join(", ")
                );
            }
            for d in r.deductions().iter().take(5) {
                let what = report
                    .deduction_item(r, d)
                    .map(str::to_owned)
                    .or_else(|| d.path.clone())
                    .unwrap_or_default();
                let _ = writeln!(
                    s,
                    "           -{} {what}: {}",
                    fmt_num(d.points),
                    report.deduction_reason(r, d).get(lang)
                );
            }
            if let Some(rem) = &ind.remediation {
                let _ = writeln!(s, "           → {}", rem.get(lang));
            }
        }
    }
    for w in &report.warnings {
        let _ = writeln!(
            s,
            "  {}: {} ({})",
            tr(lang, "警告", "warning"),
            w.path,
            w.message
        );
    }
    s
}

/// A report as Markdown.
pub fn report_markdown(report: &Report, lang: Lang) -> String {
    let mut s = String::new();
    let id = report.record.id.as_deref().unwrap_or("?");
    let name = report.record.name.as_deref().unwrap_or("");
    let name = if report.mask_pii && report.name_is_pii() {
        "***"
    } else {
        name
    };
    let _ = writeln!(s, "# {id} {name}\n");
    let _ = writeln!(
        s,
        "- {}: {} ({} {})",
        tr(lang, "标准", "Standard"),
        report.model.title.get(lang),
        report.model.id,
        report.model.version
    );
    let _ = writeln!(s, "- {}: {}", tr(lang, "评估日期", "As of"), report.as_of());
    let _ = writeln!(
        s,
        "- {}: **{}** / {}",
        tr(lang, "得分", "Score"),
        score_text(report.score),
        fmt_num(report.model.total)
    );
    let _ = writeln!(
        s,
        "- {}: **{}**",
        tr(lang, "等级", "Grade"),
        grade_label(report, lang)
    );
    if report.bonus > 0.0 {
        let _ = writeln!(
            s,
            "- {}: +{}",
            tr(lang, "加分", "Bonus"),
            fmt_num(report.bonus)
        );
    }
    if report.vetoed() {
        let _ = writeln!(
            s,
            "- {}: {}",
            tr(lang, "一票否决", "Vetoed by"),
            report.vetoes.join(", ")
        );
    }
    let _ = writeln!(s, "\n## {}\n", tr(lang, "分项得分", "Sections"));
    let _ = writeln!(
        s,
        "| {} | {} | {} | {} |\n|---|---|---:|---:|",
        tr(lang, "编号", "Id"),
        tr(lang, "名称", "Section"),
        tr(lang, "得分", "Earned"),
        tr(lang, "得分率", "Ratio")
    );
    for sec in &report.sections {
        let Some(def) = report.model.sections.get(sec.index) else {
            continue;
        };
        let ratio = sec
            .ratio
            .map_or("—".to_owned(), |r| format!("{:.0}%", r * 100.0));
        let _ = writeln!(
            s,
            "| {} | {} | {} / {} | {ratio} |",
            def.id,
            def.title.get(lang),
            fmt_num(sec.earned),
            fmt_num(sec.possible)
        );
    }
    if !report.gaps.is_empty() {
        let _ = writeln!(s, "\n## {}\n", tr(lang, "整改清单", "Remediation list"));
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} |\n|---|---|---:|---|---|---|",
            tr(lang, "编号", "Id"),
            tr(lang, "指标", "Indicator"),
            tr(lang, "失分", "Lost"),
            tr(lang, "状态", "Status"),
            tr(lang, "发现", "Finding"),
            tr(lang, "整改建议", "Remediation")
        );
        for g in &report.gaps {
            let Some(r) = report.indicator(&g.indicator) else {
                continue;
            };
            let Some(ind) = report.model.indicators.get(r.index) else {
                continue;
            };
            let lost = if g.veto {
                tr(lang, "否决", "veto").to_owned()
            } else {
                fmt_num(g.lost)
            };
            let mut f = finding(report, r, lang);
            if !r.missing().is_empty() {
                f = format!(
                    "{f} {}: {}",
                    tr(lang, "缺少", "missing"),
                    r.missing().join(", ")
                );
            }
            let rem = ind.remediation.as_ref().map_or("", |t| t.get(lang));
            let _ = writeln!(
                s,
                "| {} | {} | {lost} | {} | {} | {} |",
                ind.id,
                ind.title.get(lang),
                r.status.label(lang),
                md_cell(f.trim()),
                md_cell(rem)
            );
        }
    }
    s
}

fn md_cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// A batch as terminal text: one line per record, then the summary.
pub fn batch_text(batch: &Batch, lang: Lang, color: bool) -> String {
    if batch.entries.len() == 1
        && let Some(Entry::Report(r)) = batch.entries.first()
    {
        return report_text(r, lang, color);
    }
    let p = Paint(color);
    let mut s = String::new();
    for e in &batch.entries {
        match e {
            Entry::Report(r) => {
                let id = r.record.id.as_deref().unwrap_or("?");
                let name = if r.mask_pii && r.name_is_pii() {
                    "***"
                } else {
                    r.record.name.as_deref().unwrap_or("")
                };
                let veto = if r.vetoed() {
                    p.wrap(
                        "31",
                        &format!("  {} {}", tr(lang, "否决", "veto"), r.vetoes.join(",")),
                    )
                } else {
                    String::new()
                };
                let _ = writeln!(
                    s,
                    "{} {} {:>7}  {}{veto}",
                    pad(id, 12),
                    pad(name, 40),
                    score_text(r.score),
                    grade_label(r, lang)
                );
            }
            Entry::Invalid { origin, error } => {
                let _ = writeln!(
                    s,
                    "{} {origin}: {} {}",
                    p.wrap("31", tr(lang, "无效记录", "invalid record")),
                    error.path,
                    error.message
                );
            }
        }
    }
    let sum = &batch.summary;
    let _ = writeln!(
        s,
        "{}: {}  {}: {}  {}: {}  {}: {}",
        tr(lang, "记录", "records"),
        sum.records,
        tr(lang, "无效", "invalid"),
        sum.invalid,
        tr(lang, "平均分", "mean"),
        score_text(sum.mean_score()),
        tr(lang, "中位数", "median"),
        score_text(sum.median_score())
    );
    s
}

/// A batch as Markdown: every report in turn.
pub fn batch_markdown(batch: &Batch, lang: Lang) -> String {
    let mut parts = Vec::new();
    for e in &batch.entries {
        match e {
            Entry::Report(r) => parts.push(report_markdown(r, lang)),
            Entry::Invalid { origin, error } => parts.push(format!(
                "# {}\n\n- {origin}: `{}` {}\n",
                tr(lang, "无效记录", "Invalid record"),
                error.path,
                error.message
            )),
        }
    }
    parts.join("\n")
}

/// An indicator in words (`chidu explain`).
pub(crate) fn explain(model: &Model, id: &str, lang: Lang) -> Option<String> {
    let ind = model.indicators.iter().find(|i| &*i.id == id)?;
    let mut s = String::new();
    let section = model.sections.get(ind.section);
    let _ = writeln!(s, "{} {}", ind.id, ind.title.get(lang));
    if let Some(sec) = section {
        let _ = writeln!(
            s,
            "  {}: {} {}",
            tr(lang, "所属部分", "Section"),
            sec.id,
            sec.title.get(lang)
        );
    }
    if let Some(c) = &ind.clause {
        let _ = writeln!(s, "  {}: {c}", tr(lang, "条款", "Clause"));
    }
    let kind = if ind.veto {
        tr(lang, "否决项", "veto")
    } else if ind.bonus {
        tr(lang, "加分项", "bonus")
    } else {
        tr(lang, "计分项", "scored")
    };
    let _ = writeln!(
        s,
        "  {}: {} ({kind})",
        tr(lang, "分值", "Points"),
        fmt_num(ind.points)
    );
    if let Some(m) = &ind.method {
        let _ = writeln!(s, "  {}: {m}", tr(lang, "评估方式", "Method"));
    }
    let form = crate::score::forms::FORMS
        .iter()
        .find(|f| f.id == ind.form.id())
        .map_or("", |f| if lang == Lang::Zh { f.zh } else { f.en });
    let _ = writeln!(
        s,
        "  {}: [{form}] {}",
        tr(lang, "评分方法", "Scoring"),
        ind.form.describe(ind.points, ind.bonus, ind.veto, lang)
    );
    if let crate::score::forms::Form::PerInstance(p) = &ind.form
        && let Some(w) = &p.filter_src
    {
        let _ = writeln!(s, "  {}: {w}", tr(lang, "筛选条件", "Only instances where"));
    }
    for (name, p) in model.params.iter().filter(|(k, _)| ind_mentions(ind, k)) {
        let unit = p.unit.as_deref().unwrap_or("");
        let basis = p
            .basis
            .as_ref()
            .map(|b| format!(" — {}", b.get(lang)))
            .unwrap_or_default();
        let source = p
            .source
            .as_ref()
            .map(|s| format!(" [{s}]"))
            .unwrap_or_default();
        let _ = writeln!(s, "  params.{name} = {}{unit}{basis}{source}", p.shown);
    }
    if let Some((_, src)) = &ind.when {
        let _ = writeln!(s, "  {}: {src}", tr(lang, "适用条件", "Applies when"));
    }
    for l in &ind.lets {
        let _ = writeln!(s, "  let {} = {}", l.def.name, l.src);
    }
    if let Some(d) = &ind.description {
        let _ = writeln!(s, "  {}", d.get(lang));
    }
    if let Some(r) = &ind.remediation {
        let _ = writeln!(
            s,
            "  {}: {}",
            tr(lang, "整改建议", "Remediation"),
            r.get(lang)
        );
    }
    Some(s)
}

/// Whether any expression of the indicator names `params.<name>`.
fn ind_mentions(ind: &crate::model::Indicator, name: &str) -> bool {
    let needle = format!("params.{name}");
    let mut srcs: Vec<&str> = ind.lets.iter().map(|l| l.src.as_str()).collect();
    if let Some((_, w)) = &ind.when {
        srcs.push(w);
    }
    srcs.extend(ind.form.sources());
    srcs.iter().any(|s| {
        s.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
            .any(|t| t == needle)
    })
}

/// The standard's sections and indicators.
pub(crate) fn outline(model: &Model, lang: Lang) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} ({} {}) — {} {}",
        model.title.get(lang),
        model.id,
        model.version,
        fmt_num(model.total),
        tr(lang, "分", "points")
    );
    if !model.bases.is_empty() {
        let _ = writeln!(
            s,
            "{}: {}",
            tr(lang, "基于", "Extends"),
            model.bases.join(" → ")
        );
    }
    for sec in &model.sections {
        let _ = writeln!(
            s,
            "{} {} ({})",
            sec.id,
            sec.title.get(lang),
            fmt_num(sec.points)
        );
        for &i in &sec.indicators {
            let Some(ind) = model.indicators.get(i) else {
                continue;
            };
            let kind = if ind.veto {
                tr(lang, " [否决]", " [veto]")
            } else if ind.bonus {
                tr(lang, " [加分]", " [bonus]")
            } else {
                ""
            };
            let _ = writeln!(
                s,
                "  {} {:>5}  {}{kind}",
                pad(&ind.id, 8),
                fmt_num(ind.points),
                ind.title.get(lang)
            );
        }
    }
    if !model.params.is_empty() {
        let _ = writeln!(s, "{}:", tr(lang, "参数", "Params"));
        for (k, p) in &model.params {
            let unit = p.unit.as_deref().unwrap_or("");
            let basis = p
                .basis
                .as_ref()
                .map(|b| format!(" — {}", b.get(lang)))
                .unwrap_or_default();
            let _ = writeln!(s, "  {k} = {}{unit}{basis}", p.shown);
        }
    }
    s
}
