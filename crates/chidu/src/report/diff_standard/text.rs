//! `StandardDiff` as text for a terminal or a file (`chidu diff-standard`).

use std::fmt::Write as _;

use super::super::fmt_num;
use super::{IndicatorChange, IndicatorEntry, StandardDiff};
use crate::Lang;

fn tr(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    if lang == Lang::Zh { zh } else { en }
}

fn kind_label(k: &str, lang: Lang) -> &'static str {
    match k {
        "veto" => tr(lang, "否决", "veto"),
        "bonus" => tr(lang, "加分", "bonus"),
        _ => tr(lang, "计分", "scored"),
    }
}

fn unit_str(u: Option<&String>) -> String {
    u.map(|u| format!(" {u}")).unwrap_or_default()
}

fn opt_num(x: Option<f64>) -> String {
    x.map_or_else(|| "—".to_owned(), fmt_num)
}

impl StandardDiff {
    /// The comparison as text for a terminal or a file.
    pub fn to_text(&self, lang: Lang) -> String {
        let mut s = String::new();
        let (a, b) = (&self.a, &self.b);
        let _ = writeln!(s, "{} {} → {} {}", a.id, a.version, b.id, b.version);
        for t in [a, b] {
            let _ = writeln!(
                s,
                "  {} {}: {}{}",
                t.id,
                t.version,
                t.title.get(lang),
                if t.extends.is_empty() {
                    String::new()
                } else {
                    format!(
                        " ({} {})",
                        tr(lang, "基于", "extends"),
                        t.extends.join(" → ")
                    )
                }
            );
        }
        if self.is_empty() {
            let _ = writeln!(s, "{}", tr(lang, "没有差异", "no differences"));
        }
        let head = |s: &mut String, zh: &'static str, en: &'static str, n: usize| {
            let _ = writeln!(s, "\n{} ({n}):", tr(lang, zh, en));
        };
        // A heading with its count, then one line per item; nothing when there are none.
        let block = |s: &mut String, zh: &'static str, en: &'static str, lines: Vec<String>| {
            if !lines.is_empty() {
                head(s, zh, en, lines.len());
                for line in lines {
                    let _ = writeln!(s, "{line}");
                }
            }
        };
        let section_line = |sign: char, x: &super::SectionEntry| {
            format!(
                "  {sign} {} {}  {}",
                x.id,
                x.title.get(lang),
                fmt_num(x.points)
            )
        };
        block(
            &mut s,
            "新增部分",
            "Sections added",
            self.sections_added
                .iter()
                .map(|x| section_line('+', x))
                .collect(),
        );
        block(
            &mut s,
            "删除部分",
            "Sections removed",
            self.sections_removed
                .iter()
                .map(|x| section_line('-', x))
                .collect(),
        );
        if !self.sections_changed.is_empty() {
            head(
                &mut s,
                "调整部分",
                "Sections re-weighted or renamed",
                self.sections_changed.len(),
            );
            for x in &self.sections_changed {
                let mut line = format!("  ~ {} {}", x.id, x.title.get(lang));
                if let Some(p) = &x.points {
                    let _ = write!(line, "  {} → {}", fmt_num(p.old), fmt_num(p.new));
                }
                if let Some(t) = &x.retitled {
                    let _ = write!(
                        line,
                        "  ({}: {})",
                        tr(lang, "原名称", "was"),
                        t.old.get(lang)
                    );
                }
                let _ = writeln!(s, "{line}");
            }
        }
        block(
            &mut s,
            "新增指标",
            "Indicators added",
            self.indicators_added
                .iter()
                .map(|x| format!("  + {}", ind_line(x, lang)))
                .collect(),
        );
        block(
            &mut s,
            "删除指标",
            "Indicators removed",
            self.indicators_removed
                .iter()
                .map(|x| format!("  - {}", ind_line(x, lang)))
                .collect(),
        );
        let reweighted: Vec<&IndicatorChange> = self.reweighted().collect();
        if !reweighted.is_empty() {
            head(
                &mut s,
                "调整分值",
                "Indicators re-weighted",
                reweighted.len(),
            );
            for x in reweighted {
                if let Some(p) = &x.points {
                    let _ = writeln!(
                        s,
                        "  ~ {} {} {}  {} → {}",
                        x.id,
                        x.section,
                        x.title.get(lang),
                        fmt_num(p.old),
                        fmt_num(p.new)
                    );
                }
            }
        }
        let scoring: Vec<&IndicatorChange> = self
            .indicators_changed
            .iter()
            .filter(|c| c.scoring_changed())
            .collect();
        if !scoring.is_empty() {
            head(&mut s, "评分方法变更", "Scoring changed", scoring.len());
            for x in scoring {
                let _ = writeln!(s, "  ~ {} {} {}", x.id, x.section, x.title.get(lang));
                if let Some(f) = &x.form {
                    let _ = writeln!(
                        s,
                        "      {}: {} → {}",
                        tr(lang, "评分形式", "form"),
                        f.old,
                        f.new
                    );
                }
                if let Some(e) = &x.expressions {
                    for line in e.old.iter().filter(|l| !e.new.contains(l)) {
                        let _ = writeln!(s, "      - {line}");
                    }
                    for line in e.new.iter().filter(|l| !e.old.contains(l)) {
                        let _ = writeln!(s, "      + {line}");
                    }
                }
                if let Some(w) = &x.scoring {
                    let _ = writeln!(s, "      {}: {}", tr(lang, "原", "was"), w.old.get(lang));
                    let _ = writeln!(s, "      {}: {}", tr(lang, "现", "now"), w.new.get(lang));
                }
            }
        }
        let other: Vec<&IndicatorChange> = self
            .indicators_changed
            .iter()
            .filter(|c| c.other_changed())
            .collect();
        if !other.is_empty() {
            head(
                &mut s,
                "其他指标变更",
                "Other indicator changes",
                other.len(),
            );
            for x in other {
                let mut parts = Vec::new();
                if let Some(k) = &x.kind {
                    parts.push(format!(
                        "{} → {}",
                        kind_label(k.old, lang),
                        kind_label(k.new, lang)
                    ));
                }
                if let Some(m) = &x.moved {
                    parts.push(format!(
                        "{}: {} → {}",
                        tr(lang, "部分", "section"),
                        m.old,
                        m.new
                    ));
                }
                if let Some(t) = &x.retitled {
                    parts.push(format!(
                        "{}: {} → {}",
                        tr(lang, "名称", "title"),
                        t.old.get(lang),
                        t.new.get(lang)
                    ));
                }
                if let Some(c) = &x.clause {
                    parts.push(format!(
                        "{}: {} → {}",
                        tr(lang, "条款", "clause"),
                        c.old.as_deref().unwrap_or("—"),
                        c.new.as_deref().unwrap_or("—")
                    ));
                }
                let _ = writeln!(s, "  ~ {}  {}", x.id, parts.join("; "));
            }
        }
        if !self.params_added.is_empty() {
            head(&mut s, "新增参数", "Params added", self.params_added.len());
            for p in &self.params_added {
                let _ = writeln!(
                    s,
                    "  + {} = {}{}",
                    p.name,
                    p.value,
                    unit_str(p.unit.as_ref())
                );
            }
        }
        if !self.params_removed.is_empty() {
            head(
                &mut s,
                "删除参数",
                "Params removed",
                self.params_removed.len(),
            );
            for p in &self.params_removed {
                let _ = writeln!(
                    s,
                    "  - {} = {}{}",
                    p.name,
                    p.value,
                    unit_str(p.unit.as_ref())
                );
            }
        }
        if !self.params_changed.is_empty() {
            head(
                &mut s,
                "参数变更",
                "Params changed",
                self.params_changed.len(),
            );
            for p in &self.params_changed {
                let basis = if p.basis_changed {
                    tr(lang, "（依据已改）", " (basis changed)")
                } else {
                    ""
                };
                let _ = writeln!(
                    s,
                    "  ~ {}: {}{} → {}{}{basis}",
                    p.name,
                    p.value.old,
                    unit_str(p.unit.old.as_ref()),
                    p.value.new,
                    unit_str(p.unit.new.as_ref())
                );
            }
        }
        if !self.grades_changed.is_empty() {
            head(
                &mut s,
                "等级变更",
                "Grades changed",
                self.grades_changed.len(),
            );
            for g in &self.grades_changed {
                let sign = match (g.present.old, g.present.new) {
                    (false, true) => "+",
                    (true, false) => "-",
                    _ => "~",
                };
                let _ = writeln!(
                    s,
                    "  {sign} {}: {} {} → {}",
                    g.id,
                    tr(lang, "最低得分", "min score"),
                    opt_num(g.min_score.old),
                    opt_num(g.min_score.new)
                );
            }
        }
        if !self.aggregates_added.is_empty() {
            head(
                &mut s,
                "新增汇总统计",
                "Aggregates added",
                self.aggregates_added.len(),
            );
            let _ = writeln!(s, "  + {}", self.aggregates_added.join(", "));
        }
        if !self.aggregates_removed.is_empty() {
            head(
                &mut s,
                "删除汇总统计",
                "Aggregates removed",
                self.aggregates_removed.len(),
            );
            let _ = writeln!(s, "  - {}", self.aggregates_removed.join(", "));
        }
        let _ = writeln!(s, "\n{}:", tr(lang, "合计", "Totals"));
        let rows: [(&str, String, String); 7] = [
            (
                tr(lang, "总分", "total points"),
                fmt_num(a.total),
                fmt_num(b.total),
            ),
            (
                tr(lang, "部分分值合计", "section points"),
                fmt_num(a.section_points),
                fmt_num(b.section_points),
            ),
            (
                tr(lang, "计分指标分值合计", "scored indicator points"),
                fmt_num(a.indicator_points),
                fmt_num(b.indicator_points),
            ),
            (
                tr(lang, "加分上限", "bonus cap"),
                fmt_num(a.bonus_cap),
                fmt_num(b.bonus_cap),
            ),
            (
                tr(lang, "部分", "sections"),
                a.sections.to_string(),
                b.sections.to_string(),
            ),
            (
                tr(
                    lang,
                    "指标（计分/否决/加分）",
                    "indicators (scored/veto/bonus)",
                ),
                format!("{} ({}/{}/{})", a.indicators, a.scored, a.vetoes, a.bonuses),
                format!("{} ({}/{}/{})", b.indicators, b.scored, b.vetoes, b.bonuses),
            ),
            (
                tr(lang, "参数", "params"),
                a.params.to_string(),
                b.params.to_string(),
            ),
        ];
        for (label, x, y) in rows {
            let _ = writeln!(s, "  {label}: {x} → {y}");
        }
        s
    }
}

fn ind_line(x: &IndicatorEntry, lang: Lang) -> String {
    let k = if x.kind == "scored" {
        String::new()
    } else {
        format!(" [{}]", kind_label(x.kind, lang))
    };
    format!(
        "{} {} {}  {}{k}",
        x.id,
        x.section,
        x.title.get(lang),
        fmt_num(x.points)
    )
}
