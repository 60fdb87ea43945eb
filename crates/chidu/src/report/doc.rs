//! The standard as a readable document (`chidu doc`): Markdown, or a self-contained HTML page.
//!
//! Both views are drawn from one [`DocView`] built from the compiled model, so the YAML stays
//! the single source. The HTML page is rendered by a minijinja template with HTML auto-escaping
//! (no scripts, no network, inline CSS); the Markdown is written directly with table cells
//! escaped. Output is deterministic: no dates, only the pack digest.

use std::fmt::Write as _;

use serde::Serialize;

use super::fmt_num;
use crate::Lang;
use crate::model::{AggregateKind, Indicator, Model, NaMode};

/// Output format of a generated standard document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocFormat {
    /// GitHub-flavoured Markdown.
    Markdown,
    /// A self-contained HTML page (inline CSS, no scripts, no network).
    Html,
}

use super::page::esc;

const HTML_TEMPLATE: &str = include_str!("doc.html.j2");

fn tr(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    if lang == Lang::Zh { zh } else { en }
}

/// Headings and labels in the document's language.
#[derive(Debug, Serialize)]
struct Labels {
    id: &'static str,
    short_id: &'static str,
    version: &'static str,
    digest: &'static str,
    extends: &'static str,
    total: &'static str,
    points_unit: &'static str,
    bonus_cap: &'static str,
    not_applicable: &'static str,
    counts: &'static str,
    contents: &'static str,
    sections: &'static str,
    section: &'static str,
    title: &'static str,
    indicator: &'static str,
    indicators: &'static str,
    points: &'static str,
    method: &'static str,
    clause: &'static str,
    scoring: &'static str,
    applies_when: &'static str,
    only_where: &'static str,
    lets: &'static str,
    params: &'static str,
    param: &'static str,
    value: &'static str,
    unit: &'static str,
    basis: &'static str,
    source: &'static str,
    vetoes: &'static str,
    veto_note: &'static str,
    bonuses: &'static str,
    grades: &'static str,
    grade: &'static str,
    label: &'static str,
    min_score: &'static str,
    min_section_ratio: &'static str,
    veto_grade: &'static str,
    aggregates: &'static str,
    aggregate: &'static str,
    kind: &'static str,
    none: &'static str,
    generated: &'static str,
}

impl Labels {
    fn new(lang: Lang) -> Labels {
        Labels {
            id: tr(lang, "标准编号", "Standard id"),
            short_id: tr(lang, "编号", "Id"),
            version: tr(lang, "版本", "Version"),
            digest: tr(lang, "摘要", "Digest"),
            extends: tr(lang, "基于", "Extends"),
            total: tr(lang, "总分", "Total"),
            points_unit: tr(lang, "分", "points"),
            bonus_cap: tr(lang, "加分上限", "Bonus cap"),
            not_applicable: tr(lang, "不适用指标", "Not-applicable indicators"),
            counts: tr(lang, "指标数", "Indicators"),
            contents: tr(lang, "目录", "Contents"),
            sections: tr(lang, "评估部分与指标", "Sections and indicators"),
            section: tr(lang, "部分", "Section"),
            title: tr(lang, "名称", "Title"),
            indicator: tr(lang, "指标", "Indicator"),
            indicators: tr(lang, "指标", "Indicators"),
            points: tr(lang, "分值", "Points"),
            method: tr(lang, "评估方式", "Method"),
            clause: tr(lang, "条款", "Clause"),
            scoring: tr(lang, "评分方法", "Scoring"),
            applies_when: tr(lang, "适用条件", "Applies when"),
            only_where: tr(lang, "筛选条件", "only instances where"),
            lets: tr(lang, "其中", "where"),
            params: tr(lang, "参数", "Params"),
            param: tr(lang, "参数", "Param"),
            value: tr(lang, "取值", "Value"),
            unit: tr(lang, "单位", "Unit"),
            basis: tr(lang, "依据", "Basis"),
            source: tr(lang, "来源", "Source"),
            vetoes: tr(lang, "否决项", "Veto items"),
            veto_note: tr(
                lang,
                "任一否决项不满足即判为否决，不论得分。",
                "Failing any veto item vetoes the record, whatever its score.",
            ),
            bonuses: tr(lang, "加分项", "Bonus items"),
            grades: tr(lang, "等级", "Grades"),
            grade: tr(lang, "等级", "Grade"),
            label: tr(lang, "名称", "Label"),
            min_score: tr(lang, "最低得分", "Minimum score"),
            min_section_ratio: tr(lang, "各部分最低得分率", "Minimum ratio in every section"),
            veto_grade: tr(lang, "被否决时的等级", "Grade when vetoed"),
            aggregates: tr(lang, "汇总统计", "Aggregates"),
            aggregate: tr(lang, "统计项", "Aggregate"),
            kind: tr(lang, "统计方式", "Kind"),
            none: "—",
            generated: tr(
                lang,
                "本文档由标准包的 YAML 自动生成（chidu doc），请勿手工编辑。",
                "Generated from the pack's YAML by `chidu doc`; do not edit by hand.",
            ),
        }
    }
}

/// Everything a document shows, in one language, as plain strings.
#[derive(Debug, Serialize)]
struct DocView {
    html_lang: &'static str,
    l: Labels,
    id: String,
    version: String,
    title: String,
    digest: String,
    extends: Option<String>,
    total: String,
    bonus_cap: Option<String>,
    not_applicable: &'static str,
    counts: String,
    sections: Vec<SectionView>,
    params: Vec<ParamView>,
    vetoes: Vec<RefView>,
    bonuses: Vec<RefView>,
    grades: Vec<GradeView>,
    veto_grade: Option<String>,
    aggregates: Vec<AggView>,
}

#[derive(Debug, Serialize)]
struct SectionView {
    id: String,
    title: String,
    points: String,
    count: usize,
    indicators: Vec<IndView>,
}

#[derive(Debug, Serialize)]
struct IndView {
    id: String,
    title: String,
    /// "veto" / "bonus" marker in the document's language.
    kind: Option<&'static str>,
    /// `veto` or `bonus`, for styling.
    kind_class: Option<&'static str>,
    points: String,
    method: Option<&'static str>,
    clause: Option<String>,
    form: &'static str,
    /// The scoring rule in words; `code` spans are marked with backticks.
    scoring: String,
    filter: Option<String>,
    when: Option<String>,
    lets: Vec<LetView>,
}

#[derive(Debug, Serialize)]
struct LetView {
    name: String,
    src: String,
}

#[derive(Debug, Serialize)]
struct ParamView {
    name: String,
    value: String,
    unit: Option<String>,
    basis: Option<String>,
    source: Option<String>,
}

#[derive(Debug, Serialize)]
struct RefView {
    id: String,
    title: String,
    section: String,
    points: String,
    scoring: String,
}

#[derive(Debug, Serialize)]
struct GradeView {
    id: String,
    label: String,
    min_score: Option<String>,
    min_section_ratio: Option<String>,
}

#[derive(Debug, Serialize)]
struct AggView {
    id: String,
    label: String,
    kind: &'static str,
}

fn method_label(m: &str, lang: Lang) -> Option<&'static str> {
    Some(match m {
        "document" => tr(lang, "查阅资料", "document review"),
        "site" => tr(lang, "现场查看", "site visit"),
        "interview" => tr(lang, "访谈", "interview"),
        "survey" => tr(lang, "问卷调查", "survey"),
        _ => return None,
    })
}

fn form_label(ind: &Indicator, lang: Lang) -> &'static str {
    crate::score::forms::FORMS
        .iter()
        .find(|f| f.id == ind.form.id())
        .map_or("", |f| if lang == Lang::Zh { f.zh } else { f.en })
}

fn agg_kind(kind: AggregateKind, lang: Lang) -> &'static str {
    match kind {
        AggregateKind::Ratio => tr(lang, "比例", "ratio"),
        AggregateKind::Sum => tr(lang, "合计", "sum"),
        AggregateKind::Mean => tr(lang, "平均", "mean"),
        AggregateKind::Count => tr(lang, "计数", "count"),
    }
}

fn pct(r: f64) -> String {
    format!("{}%", fmt_num(r * 100.0))
}

/// The scoring rule in words; a veto item shows the conditions it requires.
fn scoring_words(ind: &Indicator, lang: Lang) -> String {
    if !ind.veto {
        return ind.form.describe(ind.points, ind.bonus, false, lang);
    }
    let conds: Vec<String> = ind
        .form
        .sources()
        .iter()
        .map(|s| format!("`{s}`"))
        .collect();
    match lang {
        Lang::Zh => format!("一票否决：不满足 {} 即判为否决", conds.join("、")),
        Lang::En => format!("veto unless {}", conds.join(", ")),
    }
}

fn ind_view(ind: &Indicator, lang: Lang) -> IndView {
    let kind = if ind.veto {
        Some(tr(lang, "否决", "veto"))
    } else if ind.bonus {
        Some(tr(lang, "加分", "bonus"))
    } else {
        None
    };
    let filter = match &ind.form {
        crate::score::forms::Form::PerInstance(p) => p.filter_src.clone(),
        _ => None,
    };
    IndView {
        id: ind.id.to_string(),
        title: ind.title.get(lang).to_owned(),
        kind,
        kind_class: if ind.veto {
            Some("veto")
        } else if ind.bonus {
            Some("bonus")
        } else {
            None
        },
        points: fmt_num(ind.points),
        method: ind.method.as_deref().and_then(|m| method_label(m, lang)),
        clause: ind.clause.clone(),
        form: form_label(ind, lang),
        scoring: scoring_words(ind, lang),
        filter,
        when: ind.when.as_ref().map(|(_, src)| src.clone()),
        lets: ind
            .lets
            .iter()
            .map(|l| LetView {
                name: l.def.name.to_string(),
                src: l.src.clone(),
            })
            .collect(),
    }
}

fn ref_view(model: &Model, ind: &Indicator, lang: Lang) -> RefView {
    let section = model
        .sections
        .get(ind.section)
        .map(|s| format!("{} {}", s.id, s.title.get(lang)))
        .unwrap_or_default();
    let words = scoring_words(ind, lang);
    RefView {
        id: ind.id.to_string(),
        title: ind.title.get(lang).to_owned(),
        section,
        points: fmt_num(ind.points),
        scoring: words,
    }
}

fn view(model: &Model, lang: Lang) -> DocView {
    let sections = model
        .sections
        .iter()
        .map(|sec| {
            let indicators: Vec<IndView> = sec
                .indicators
                .iter()
                .filter_map(|&i| model.indicators.get(i))
                .map(|ind| ind_view(ind, lang))
                .collect();
            SectionView {
                id: sec.id.clone(),
                title: sec.title.get(lang).to_owned(),
                points: fmt_num(sec.points),
                count: indicators.len(),
                indicators,
            }
        })
        .collect();
    let params = model
        .params
        .iter()
        .map(|(name, p)| ParamView {
            name: name.clone(),
            value: p.shown.clone(),
            unit: p.unit.clone(),
            basis: p.basis.as_ref().map(|b| b.get(lang).to_owned()),
            source: p.source.clone(),
        })
        .collect();
    let vetoes: Vec<RefView> = model
        .indicators
        .iter()
        .filter(|i| i.veto)
        .map(|i| ref_view(model, i, lang))
        .collect();
    let bonuses: Vec<RefView> = model
        .indicators
        .iter()
        .filter(|i| i.bonus && !i.veto)
        .map(|i| ref_view(model, i, lang))
        .collect();
    let scored = model
        .indicators
        .iter()
        .filter(|i| !i.veto && !i.bonus)
        .count();
    let counts = match lang {
        Lang::Zh => format!(
            "{}（计分 {scored}、否决 {}、加分 {}）",
            model.indicators.len(),
            vetoes.len(),
            bonuses.len()
        ),
        Lang::En => format!(
            "{} ({scored} scored, {} veto, {} bonus)",
            model.indicators.len(),
            vetoes.len(),
            bonuses.len()
        ),
    };
    let bonus_cap =
        (model.bonus_cap.is_some() || !bonuses.is_empty()).then(|| fmt_num(model.bonus_cap()));
    let grades = model
        .grades
        .iter()
        .map(|g| GradeView {
            id: g.id.clone(),
            label: {
                let l = g.label.get(lang);
                if l.is_empty() {
                    g.id.clone()
                } else {
                    l.to_owned()
                }
            },
            min_score: g.min_score.map(fmt_num),
            min_section_ratio: g.min_section_ratio.map(pct),
        })
        .collect();
    let veto_grade = model.veto_grade.and_then(|i| model.grades.get(i)).map(|g| {
        let l = g.label.get(lang);
        if l.is_empty() {
            g.id.clone()
        } else {
            format!("{l} ({})", g.id)
        }
    });
    let aggregates = model
        .aggregates
        .iter()
        .map(|a| AggView {
            id: a.id.clone(),
            label: a.label.get(lang).to_owned(),
            kind: agg_kind(a.kind, lang),
        })
        .collect();
    DocView {
        html_lang: tr(lang, "zh-CN", "en"),
        l: Labels::new(lang),
        id: model.id.clone(),
        version: model.version.clone(),
        title: model.title.get(lang).to_owned(),
        digest: model.digest.clone(),
        extends: (!model.bases.is_empty()).then(|| model.bases.join(" → ")),
        total: fmt_num(model.total),
        bonus_cap,
        not_applicable: match model.na_mode {
            NaMode::Rescale => tr(
                lang,
                "按适用分值折算（得分 = 实得 ÷ 适用满分 × 总分）",
                "rescaled (score = earned ÷ applicable possible × total)",
            ),
            NaMode::FullMarks => tr(lang, "视为满分", "count as full marks"),
        },
        counts,
        sections,
        params,
        vetoes,
        bonuses,
        grades,
        veto_grade,
        aggregates,
    }
}

/// The standard as a document in `format` and `lang`.
pub(crate) fn render(model: &Model, format: DocFormat, lang: Lang) -> String {
    let v = view(model, lang);
    match format {
        DocFormat::Markdown => markdown(&v),
        DocFormat::Html => html(&v),
    }
}

// ---------------------------------------------------------------- Markdown

/// Escapes text for a Markdown table cell, leaving `code` spans (backticks) intact but for `|`.
fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for (i, part) in s.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        let code = i % 2 == 1;
        for c in part.chars() {
            match c {
                '|' => out.push_str("\\|"),
                '\n' | '\r' => out.push(' '),
                '<' if !code => out.push_str("&lt;"),
                '>' if !code => out.push_str("&gt;"),
                '&' if !code => out.push_str("&amp;"),
                '*' | '\\' | '[' | ']' if !code => {
                    out.push('\\');
                    out.push(c);
                }
                _ => out.push(c),
            }
        }
    }
    // An unbalanced backtick would open a code span across the rest of the cell.
    if s.matches('`').count() % 2 == 1 {
        return md(&s.replace('`', "'"));
    }
    out
}

/// A code span for a Markdown table cell.
fn md_code(s: &str) -> String {
    let s = s.replace('\n', " ").replace('|', "\\|");
    if s.contains('`') {
        format!("`` {s} ``")
    } else {
        format!("`{s}`")
    }
}

fn opt(s: Option<&str>) -> String {
    s.map_or_else(|| "—".to_owned(), md)
}

fn scoring_md(i: &IndView, l: &Labels) -> String {
    let mut s = format!("[{}] {}", md(i.form), md(&i.scoring));
    if let Some(f) = &i.filter {
        let _ = write!(s, "; {} {}", l.only_where, md_code(f));
    }
    if !i.lets.is_empty() {
        let lets: Vec<String> = i
            .lets
            .iter()
            .map(|x| md_code(&format!("{} = {}", x.name, x.src)))
            .collect();
        let _ = write!(s, "<br>{}: {}", l.lets, lets.join("<br>"));
    }
    s
}

fn markdown(v: &DocView) -> String {
    let l = &v.l;
    let mut s = String::new();
    let _ = writeln!(s, "# {}\n", md(&v.title));
    let _ = writeln!(s, "<!-- {} -->\n", l.generated);
    let _ = writeln!(s, "- {}: `{}`", l.id, v.id);
    let _ = writeln!(s, "- {}: {}", l.version, md(&v.version));
    let _ = writeln!(s, "- {}: `{}`", l.digest, v.digest);
    if let Some(e) = &v.extends {
        let _ = writeln!(s, "- {}: {}", l.extends, md(e));
    }
    let _ = writeln!(s, "- {}: {} {}", l.total, v.total, l.points_unit);
    if let Some(c) = &v.bonus_cap {
        let _ = writeln!(s, "- {}: {c} {}", l.bonus_cap, l.points_unit);
    }
    let _ = writeln!(s, "- {}: {}", l.counts, v.counts);
    let _ = writeln!(s, "- {}: {}", l.not_applicable, md(v.not_applicable));

    let _ = writeln!(s, "\n## {}\n", l.sections);
    let _ = writeln!(
        s,
        "| {} | {} | {} | {} |\n|---|---|---:|---:|",
        l.section, l.title, l.points, l.indicators
    );
    for sec in &v.sections {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} |",
            md(&sec.id),
            md(&sec.title),
            sec.points,
            sec.count
        );
    }
    for sec in &v.sections {
        let _ = writeln!(
            s,
            "\n### {} {} ({} {})\n",
            md(&sec.id),
            md(&sec.title),
            sec.points,
            l.points_unit
        );
        if sec.indicators.is_empty() {
            let _ = writeln!(s, "—");
            continue;
        }
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {} |\n|---|---|---:|---|---|---|---|",
            l.short_id, l.indicator, l.points, l.method, l.clause, l.scoring, l.applies_when
        );
        for i in &sec.indicators {
            let title = match i.kind {
                Some(k) => format!("{} **[{k}]**", md(&i.title)),
                None => md(&i.title),
            };
            let _ = writeln!(
                s,
                "| {} | {title} | {} | {} | {} | {} | {} |",
                md(&i.id),
                i.points,
                opt(i.method),
                opt(i.clause.as_deref()),
                scoring_md(i, l),
                i.when.as_deref().map_or_else(|| "—".to_owned(), md_code)
            );
        }
    }

    let _ = writeln!(s, "\n## {}\n", l.params);
    if v.params.is_empty() {
        let _ = writeln!(s, "—");
    } else {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} |\n|---|---:|---|---|---|",
            l.param, l.value, l.unit, l.basis, l.source
        );
        for p in &v.params {
            let _ = writeln!(
                s,
                "| `{}` | {} | {} | {} | {} |",
                p.name,
                md(&p.value),
                opt(p.unit.as_deref()),
                opt(p.basis.as_deref()),
                opt(p.source.as_deref())
            );
        }
    }

    let _ = writeln!(s, "\n## {}\n", l.vetoes);
    if v.vetoes.is_empty() {
        let _ = writeln!(s, "—");
    } else {
        let _ = writeln!(s, "{}\n", l.veto_note);
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} |\n|---|---|---|---|",
            l.short_id, l.indicator, l.section, l.scoring
        );
        for r in &v.vetoes {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} |",
                md(&r.id),
                md(&r.title),
                md(&r.section),
                md(&r.scoring)
            );
        }
    }

    let _ = writeln!(s, "\n## {}\n", l.bonuses);
    if v.bonuses.is_empty() {
        let _ = writeln!(s, "—");
    } else {
        if let Some(c) = &v.bonus_cap {
            let _ = writeln!(s, "{}: {c} {}\n", l.bonus_cap, l.points_unit);
        }
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} |\n|---|---|---|---:|---|",
            l.short_id, l.indicator, l.section, l.points, l.scoring
        );
        for r in &v.bonuses {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} |",
                md(&r.id),
                md(&r.title),
                md(&r.section),
                r.points,
                md(&r.scoring)
            );
        }
    }

    let _ = writeln!(s, "\n## {}\n", l.grades);
    if v.grades.is_empty() {
        let _ = writeln!(s, "—");
    } else {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} |\n|---|---|---:|---:|",
            l.grade, l.label, l.min_score, l.min_section_ratio
        );
        for g in &v.grades {
            let _ = writeln!(
                s,
                "| `{}` | {} | {} | {} |",
                g.id,
                md(&g.label),
                opt(g.min_score.as_deref()),
                opt(g.min_section_ratio.as_deref())
            );
        }
        if let Some(vg) = &v.veto_grade {
            let _ = writeln!(s, "\n{}: {}", l.veto_grade, md(vg));
        }
    }

    if !v.aggregates.is_empty() {
        let _ = writeln!(s, "\n## {}\n", l.aggregates);
        let _ = writeln!(
            s,
            "| {} | {} | {} |\n|---|---|---|",
            l.aggregate, l.label, l.kind
        );
        for a in &v.aggregates {
            let _ = writeln!(s, "| `{}` | {} | {} |", a.id, md(&a.label), a.kind);
        }
    }
    s
}

// ---------------------------------------------------------------- HTML

/// Scoring words for HTML: escaped, with backtick spans as `<code>`.
fn words_html(s: &str) -> String {
    if s.matches('`').count() % 2 == 1 {
        return esc(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for (i, part) in s.split('`').enumerate() {
        if i % 2 == 1 {
            out.push_str("<code>");
            out.push_str(&esc(part));
            out.push_str("</code>");
        } else {
            out.push_str(&esc(part));
        }
    }
    out
}

fn html(v: &DocView) -> String {
    super::page::render("doc.html", HTML_TEMPLATE, v, |env| {
        env.add_filter("words", |s: String| {
            minijinja::Value::from_safe_string(words_html(&s))
        });
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn md_escapes_outside_code_spans_only() {
        assert_eq!(md("a|b <x> `a < b | c`"), "a\\|b &lt;x&gt; `a < b \\| c`");
        assert_eq!(md("odd ` tick <"), "odd ' tick &lt;");
        assert_eq!(md_code("a`b"), "`` a`b ``");
    }

    #[test]
    fn html_words_escape_and_mark_code() {
        assert_eq!(
            words_html("<b> `x < 1` & y"),
            "&lt;b&gt; <code>x &lt; 1</code> &amp; y"
        );
        assert_eq!(words_html("`odd"), "`odd");
    }
}
