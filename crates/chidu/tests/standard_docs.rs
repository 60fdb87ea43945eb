//! `Standard::doc` (Markdown and HTML) and `diff_standards` (what an overlay changed).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests"
)]

use chidu::{DocFormat, Lang, Standard, StandardDiff};

// ------------------------------------------------------------------ doc

#[test]
fn demo_markdown_snapshot() {
    let std = Standard::builtin("demo").unwrap();
    // The digest changes with any edit of the pack's files, comments included.
    let doc = |lang| {
        std.doc(DocFormat::Markdown, lang)
            .replace(std.digest(), "sha256:[digest]")
    };
    insta::assert_snapshot!("doc_demo_md_zh", doc(Lang::Zh));
    insta::assert_snapshot!("doc_demo_md_en", doc(Lang::En));
}

#[test]
fn markdown_has_every_part() {
    let std = Standard::builtin("demo").unwrap();
    let md = std.doc(DocFormat::Markdown, Lang::En);
    for needle in [
        "# Township social work station — demo standard",
        "`demo`",
        std.digest(),
        "## Sections and indicators",
        "### CS ",
        "| CS-01 |",
        "## Params",
        "| `min_area_m2` | 60 | m2 |",
        "## Veto items",
        "GL-V1",
        "## Bonus items",
        "Bonus cap: 5 points",
        "## Grades",
        "Grade when vetoed",
        "## Aggregates",
        "`count(staff, employment == \"full_time\") > 0`",
    ] {
        assert!(md.contains(needle), "missing {needle:?} in\n{md}");
    }
    // An overlay names its base.
    let md = Standard::builtin("shiyan")
        .unwrap()
        .doc(DocFormat::Markdown, Lang::Zh);
    assert!(md.contains("- 基于: national"), "{md}");
}

const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr",
];

/// A small stack check: every opened tag is closed in order, no stray `<`, no scripts.
fn check_well_formed(html: &str) -> Result<(), String> {
    let mut stack: Vec<String> = Vec::new();
    let mut rest = html;
    let mut line = 1;
    while let Some(i) = rest.find('<') {
        line += rest[..i].matches('\n').count();
        let after = &rest[i + 1..];
        if let Some(c) = after.strip_prefix("!--") {
            let end = c
                .find("-->")
                .ok_or(format!("line {line}: unclosed comment"))?;
            rest = &c[end + 3..];
            continue;
        }
        if after.starts_with("!DOCTYPE") || after.starts_with("!doctype") {
            let end = after.find('>').ok_or("unclosed doctype")?;
            rest = &after[end + 1..];
            continue;
        }
        let end = after
            .find('>')
            .ok_or(format!("line {line}: unclosed tag"))?;
        let tag = &after[..end];
        if tag.contains('<') {
            return Err(format!("line {line}: `<` inside a tag: {tag}"));
        }
        line += tag.matches('\n').count();
        rest = &after[end + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            let name = name.trim().to_ascii_lowercase();
            match stack.pop() {
                Some(open) if open == name => {}
                Some(open) => {
                    return Err(format!("line {line}: </{name}> closes <{open}>"));
                }
                None => return Err(format!("line {line}: </{name}> without an opening tag")),
            }
            continue;
        }
        let name: String = tag
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if name.is_empty() {
            return Err(format!("line {line}: unescaped `<` in text: <{tag}>"));
        }
        if name == "script" {
            return Err(format!("line {line}: a <script> element"));
        }
        if VOID.contains(&name.as_str()) || tag.ends_with('/') {
            continue;
        }
        stack.push(name);
    }
    if rest.contains('>') && rest.trim() != "" {
        // text after the last tag may hold `>` only when escaped
        return Err("stray `>` after the last tag".into());
    }
    match stack.last() {
        None => Ok(()),
        Some(open) => Err(format!("<{open}> never closed (open: {stack:?})")),
    }
}

#[test]
fn html_is_well_formed_and_self_contained_for_every_builtin() {
    for id in chidu::builtins() {
        let std = Standard::builtin(id).unwrap();
        for lang in [Lang::Zh, Lang::En] {
            let html = std.doc(DocFormat::Html, lang);
            check_well_formed(&html).unwrap_or_else(|e| panic!("{id} {lang:?}: {e}"));
            assert!(html.starts_with("<!DOCTYPE html>"), "{id}");
            assert!(html.contains("<style>"), "{id}: CSS is inline");
            for external in ["http://", "https://", "<link", "src=", "@import"] {
                assert!(
                    !html.contains(external),
                    "{id}: {external} in a self-contained page"
                );
            }
            for ind in std.indicator_ids() {
                assert!(html.contains(&format!("id=\"ind-{ind}\"")), "{id}: {ind}");
            }
        }
    }
}

#[test]
fn the_checker_catches_broken_html() {
    assert!(check_well_formed("<p><b>x</p></b>").is_err());
    assert!(check_well_formed("<div><p>x</p>").is_err());
    assert!(check_well_formed("<p>a < b</p>").is_err());
    assert!(check_well_formed("<p><script>x</script></p>").is_err());
    assert!(check_well_formed("<p>a<br>b &lt; c</p>").is_ok());
}

const RECORD: &str =
    "id_field: id\nfields:\n  id: {type: string, required: true}\n  n: {type: int}\n";

fn hostile_pack() -> Vec<(String, String)> {
    vec![
        (
            "standard.yaml".into(),
            r#"chidu: 1
id: evil
version: "1<2"
title: {zh: "<script>alert('zh')</script> & co", en: "<script>alert(\"en\")</script> & co"}
total: 10
params:
  limit:
    value: 3
    unit: "<u>"
    basis: {zh: "<img src=x onerror=alert(1)>", en: "<img src=x onerror=alert(1)>"}
    source: "</td></tr></table>"
grades: [{id: pass, label: {zh: "<b>合格</b>", en: "<b>Pass</b>"}, min_score: 60}, {id: fail}]
sections: [s.yaml]
"#
            .into(),
        ),
        ("record.yaml".into(), RECORD.into()),
        (
            "s.yaml".into(),
            r#"id: S
title: {zh: "<i>节</i>", en: "<i>S</i>"}
points: 10
indicators:
  - id: A
    title: {zh: "<script>x()</script>", en: "<script>x()</script>"}
    clause: "a|b <c>"
    method: document
    points: 10
    when: 'n >= 0 and n < 100'
    check: 'n >= params.limit and n < 1000'
"#
            .into(),
        ),
    ]
}

#[test]
fn html_escapes_every_text() {
    let std = Standard::from_strings(hostile_pack(), "").unwrap();
    for lang in [Lang::Zh, Lang::En] {
        let html = std.doc(DocFormat::Html, lang);
        check_well_formed(&html).unwrap_or_else(|e| panic!("{e}\n{html}"));
        // minijinja also escapes `/`; compare with it spelled plainly
        let html = html.replace("&#x2f;", "/");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(!html.contains("<i>"), "{html}");
        assert!(!html.contains("<b>"), "{html}");
        assert!(html.contains("&lt;script&gt;x()&lt;/script&gt;"), "{html}");
        assert!(
            html.contains("&lt;img src=x onerror=alert(1)&gt;"),
            "{html}"
        );
        assert!(
            html.contains("&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;"),
            "{html}"
        );
        assert!(
            html.contains("<code>n &gt;= 0 and n &lt; 100</code>"),
            "{html}"
        );
        assert!(
            html.contains("<code>n &gt;= params.limit and n &lt; 1000</code>"),
            "{html}"
        );
    }
    let html = std.doc(DocFormat::Html, Lang::En).replace("&#x2f;", "/");
    assert!(
        html.contains("&lt;script&gt;alert(&quot;en&quot;)&lt;/script&gt; &amp; co"),
        "{html}"
    );
}

#[test]
fn markdown_escapes_html_and_table_pipes() {
    let std = Standard::from_strings(hostile_pack(), "").unwrap();
    let md = std.doc(DocFormat::Markdown, Lang::En);
    assert!(!md.contains("<script"), "{md}");
    assert!(!md.contains("<img"), "{md}");
    assert!(md.contains("&lt;script&gt;x()&lt;/script&gt;"), "{md}");
    assert!(md.contains("a\\|b &lt;c&gt;"), "{md}");
    // expressions stay readable inside code spans
    assert!(md.contains("`n >= 0 and n < 100`"), "{md}");
}

// ------------------------------------------------------------------ diff-standard

fn diff(a: &str, b: &str) -> StandardDiff {
    chidu::diff_standards(
        &Standard::builtin(a).unwrap(),
        &Standard::builtin(b).unwrap(),
    )
}

fn ids<T>(v: &[T], f: impl Fn(&T) -> &str) -> Vec<String> {
    v.iter().map(|x| f(x).to_owned()).collect()
}

fn points_change(d: &StandardDiff, id: &str) -> Option<(f64, f64)> {
    d.indicators_changed
        .iter()
        .find(|c| c.id == id)
        .and_then(|c| c.points.as_ref())
        .map(|p| (p.old, p.new))
}

fn section_points(d: &StandardDiff, id: &str) -> Option<(f64, f64)> {
    d.sections_changed
        .iter()
        .find(|c| c.id == id)
        .and_then(|c| c.points.as_ref())
        .map(|p| (p.old, p.new))
}

#[test]
fn a_standard_against_itself_has_no_changes() {
    let d = diff("taicang", "taicang");
    assert!(d.is_empty());
    assert_eq!(d.a, d.b);
}

#[test]
fn shiyan_against_national() {
    // standards/shiyan/standard.yaml: remove [JS05, GL07, FW12, PJ06]; modify JS 14, GL 15,
    // FW 23, PJ 9; PZ05 becomes a check; FW01 becomes per-item over person-times by domain;
    // set_params person_times_year 2419; params ty_deduct and feature_min_days; section TY.
    let d = diff("national", "shiyan");
    assert_eq!(
        ids(&d.indicators_removed, |x| &x.id),
        ["JS05", "GL07", "FW12", "PJ06"]
    );
    let added = ids(&d.indicators_added, |x| &x.id);
    for id in ["TY01", "TY02", "TY03", "TY04", "TY05", "FW-SY1"] {
        assert!(added.contains(&id.to_owned()), "{added:?}");
    }
    assert_eq!(added.len(), 6, "{added:?}");
    let bonus = d
        .indicators_added
        .iter()
        .find(|x| x.id == "FW-SY1")
        .unwrap();
    assert_eq!(bonus.kind, "bonus");
    assert_eq!(ids(&d.sections_added, |x| &x.id), ["TY"]);
    assert_eq!(d.sections_added[0].points, 10.0);
    assert!(d.sections_removed.is_empty());
    assert_eq!(section_points(&d, "JS"), Some((17.0, 14.0)));
    assert_eq!(section_points(&d, "GL"), Some((18.0, 15.0)));
    assert_eq!(section_points(&d, "FW"), Some((25.0, 23.0)));
    assert_eq!(section_points(&d, "PJ"), Some((11.0, 9.0)));
    assert_eq!(section_points(&d, "PZ"), None);

    let pz05 = d
        .indicators_changed
        .iter()
        .find(|c| c.id == "PZ05")
        .unwrap();
    let form = pz05.form.as_ref().unwrap();
    assert_eq!((form.old, form.new), ("proportional", "all_or_nothing"));
    assert!(pz05.points.is_none(), "PZ05 keeps its 8 points");
    let exprs = pz05.expressions.as_ref().unwrap();
    assert!(
        exprs
            .new
            .contains(&"check: ftsw >= params.min_ftsw".to_owned()),
        "{exprs:?}"
    );
    let fw01 = d
        .indicators_changed
        .iter()
        .find(|c| c.id == "FW01")
        .unwrap();
    assert!(fw01.form.is_none(), "FW01 stays per-item");
    assert!(fw01.expressions.is_some() && fw01.retitled.is_some());

    assert_eq!(
        ids(&d.params_added, |x| &x.name),
        ["ty_deduct", "feature_min_days"]
    );
    assert!(d.params_removed.is_empty());
    assert_eq!(d.params_changed.len(), 1, "{:?}", d.params_changed);
    let p = &d.params_changed[0];
    assert_eq!(p.name, "person_times_year");
    assert_eq!(p.value.new, "2419");
    assert_ne!(p.value.old, p.value.new);
    assert!(
        d.aggregates_added
            .contains(&"five_unifications_complete".to_owned())
    );

    assert_eq!((d.a.id.as_str(), d.b.id.as_str()), ("national", "shiyan"));
    assert_eq!((d.a.total, d.b.total), (100.0, 100.0));
    assert_eq!(d.b.section_points, 100.0);
    assert_eq!(d.b.indicator_points, 100.0);
    assert_eq!(d.b.bonus_cap, 2.0);
    assert_eq!(d.b.extends, ["national"]);
    assert_eq!(d.b.indicators, d.a.indicators - 4 + 6);
    assert_eq!(d.b.sections, d.a.sections + 1);

    let text = d.to_text(Lang::En);
    for needle in [
        "national 2025.1 → shiyan 2023.1",
        "Indicators removed (4):",
        "  - JS05 ",
        "Sections added (1):",
        "  + TY Five unifications  10",
        "  ~ JS Construction framework  17 → 14",
        "form: proportional → all_or_nothing",
        "  + check: ftsw >= params.min_ftsw",
        "Params added (2):",
        "  + ty_deduct = 0.4 points",
        "Params changed (1):",
        "  ~ person_times_year: ",
        "→ 2419 person-times/year",
        "total points: 100 → 100",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in\n{text}");
    }
}

#[test]
fn taicang_against_national() {
    // standards/taicang/standard.yaml: no `remove`; `modify` re-weights six sections and the
    // 30 national indicators (PZ04's tiers and several per-item deductions scaled with them);
    // its own sections add 43 indicators and 4 veto items (V01, V03, V04, V06), TY and HZ
    // are new sections, and its `params` are all new.
    let d = diff("national", "taicang");
    assert!(
        d.indicators_removed.is_empty(),
        "{:?}",
        d.indicators_removed
    );
    assert!(d.sections_removed.is_empty());
    assert_eq!(ids(&d.sections_added, |x| &x.id), ["TY", "HZ"]);
    for (sec, old, new) in [
        ("PZ", 23.0, 10.0),
        ("JS", 17.0, 12.0),
        ("GL", 18.0, 14.0),
        ("FW", 25.0, 26.0),
        ("XC", 6.0, 8.0),
        ("PJ", 11.0, 12.0),
    ] {
        assert_eq!(section_points(&d, sec), Some((old, new)), "{sec}");
    }

    let reweighted: Vec<&str> = d.reweighted().map(|c| c.id.as_str()).collect();
    let modified = [
        "PZ01", "PZ03", "PZ04", "PZ05", "PZ06", "JS01", "JS02", "JS03", "JS04", "JS05", "GL01",
        "GL05", "GL06", "GL07", "GL08", "GL10", "FW01", "FW03", "FW04", "FW05", "FW07", "FW09",
        "FW11", "FW12", "XC01", "XC03", "PJ01", "PJ03", "PJ04", "PJ06",
    ];
    assert_eq!(reweighted, modified);
    assert_eq!(points_change(&d, "PZ01"), Some((3.0, 1.5)));
    assert_eq!(points_change(&d, "PZ05"), Some((8.0, 2.0)));
    assert_eq!(points_change(&d, "FW04"), Some((4.0, 3.0)));
    assert_eq!(points_change(&d, "PJ06"), Some((2.0, 1.5)));

    // PZ04's tiers were rewritten, JS01's deduction changed: scoring changes, not just weights.
    let pz04 = d
        .indicators_changed
        .iter()
        .find(|c| c.id == "PZ04")
        .unwrap();
    assert!(pz04.scoring.is_some() && pz04.form.is_none());
    let js01 = d
        .indicators_changed
        .iter()
        .find(|c| c.id == "JS01")
        .unwrap();
    assert!(
        js01.scoring
            .as_ref()
            .unwrap()
            .new
            .en
            .contains("0.75 deducted")
    );
    // PZ01 only changed weight.
    let pz01 = d
        .indicators_changed
        .iter()
        .find(|c| c.id == "PZ01")
        .unwrap();
    assert!(!pz01.scoring_changed() && !pz01.other_changed());

    let added = ids(&d.indicators_added, |x| &x.id);
    assert_eq!(added.len(), 47, "{added:?}");
    for id in [
        "V01", "V03", "V04", "V06", "TY01", "TY05", "HZ01", "HZ09", "PZ02", "FW16", "PJ09",
    ] {
        assert!(added.contains(&id.to_owned()), "{id} not in {added:?}");
    }
    let vetoes: Vec<&str> = d
        .indicators_added
        .iter()
        .filter(|x| x.kind == "veto")
        .map(|x| x.id.as_str())
        .collect();
    assert_eq!(vetoes, ["V04", "V01", "V03", "V06"]);

    let params = ids(&d.params_added, |x| &x.name);
    for p in [
        "cost_per_sw_year",
        "retention_full",
        "local_ratio",
        "ca_meetings_year",
        "n_actors",
        "max_reported_ratio",
    ] {
        assert!(params.contains(&p.to_owned()), "{p} not in {params:?}");
    }
    assert_eq!(params.len(), 29, "{params:?}");
    assert!(d.params_changed.is_empty(), "{:?}", d.params_changed);
    let cost = d
        .params_added
        .iter()
        .find(|p| p.name == "cost_per_sw_year")
        .unwrap();
    assert_eq!(
        (cost.value.as_str(), cost.unit.as_deref()),
        ("50000", Some("CNY/person/year"))
    );

    assert_eq!((d.a.total, d.b.total), (100.0, 100.0));
    assert_eq!(d.b.section_points, 100.0);
    assert_eq!(d.b.indicator_points, 100.0);
    assert_eq!((d.b.scored, d.b.vetoes), (73, 6));
    assert_eq!(d.b.indicators, d.a.indicators + 47);

    let zh = d.to_text(Lang::Zh);
    assert!(zh.contains("调整分值 (30):"), "{zh}");
    assert!(zh.contains("  ~ PZ01 PZ "), "{zh}");
    assert!(zh.contains("3 → 1.5"), "{zh}");
    assert!(zh.contains("新增参数 (29):"), "{zh}");
    assert!(zh.contains("  + V01 XC "), "{zh}");
}

#[test]
fn honghe_against_national() {
    // standards/honghe/standard.yaml: remove [JS01, GL10, FW12, PJ06]; JS03 → 5 points with a
    // deduction of 2 and a new clause; PZ05 → 6, FW07 → 2, FW09 → 2, PJ01 → 3.
    let d = diff("national", "honghe");
    assert_eq!(
        ids(&d.indicators_removed, |x| &x.id),
        ["JS01", "GL10", "FW12", "PJ06"]
    );
    assert_eq!(points_change(&d, "JS03"), Some((3.0, 5.0)));
    assert_eq!(points_change(&d, "PZ05"), Some((8.0, 6.0)));
    assert_eq!(points_change(&d, "PJ01"), Some((4.0, 3.0)));
    let js03 = d
        .indicators_changed
        .iter()
        .find(|c| c.id == "JS03")
        .unwrap();
    assert!(js03.clause.is_some());
    assert_eq!(ids(&d.sections_added, |x| &x.id), ["HH"]);
    for p in ["min_certified_staff", "award_sw_cny", "brand_min_days"] {
        assert!(d.params_added.iter().any(|x| x.name == p), "{p}");
    }
}

#[test]
fn diff_json_is_data() {
    let d = diff("national", "shiyan");
    let j = d.to_json();
    assert_eq!(j["schema"], "chidu.standard_diff/1");
    assert_eq!(j["a"]["id"], "national");
    assert_eq!(j["b"]["total"], 100.0);
    assert_eq!(j["indicators_removed"][0]["id"], "JS05");
    assert_eq!(j["params_changed"][0]["value"]["new"], "2419");
    assert_eq!(j["a"]["bonus_cap"].to_string(), "0.0", "no negative zero");
    // skipped when unchanged
    let pz05 = j["indicators_changed"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "PZ05")
        .unwrap();
    assert!(pz05.get("points").is_none());
    assert_eq!(pz05["form"]["new"], "all_or_nothing");
}
