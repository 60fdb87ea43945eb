"""HTML views for notebooks (``_repr_html_``): bilingual tables, gaps first.

Presentation only: every figure comes from the report JSON the engine produced.
"""

from __future__ import annotations

from html import escape
from typing import Any

STATUS = {
    "met": ("达标", "met", "#1a7f37"),
    "partial": ("部分达标", "partial", "#9a6700"),
    "not_met": ("未达标", "not met", "#cf222e"),
    "not_applicable": ("不适用", "n/a", "#6e7781"),
    "no_evidence": ("无佐证", "no evidence", "#8250df"),
    "waived": ("已豁免", "waived", "#9a6700"),
    "error": ("错误", "error", "#cf222e"),
}

STYLE = (
    "<style>"
    ".chidu table{border-collapse:collapse;margin:4px 0 10px 0;font-size:13px}"
    ".chidu th,.chidu td{border:1px solid #d0d7de;padding:3px 8px;text-align:left;vertical-align:top}"
    ".chidu th{background:#f6f8fa}"
    ".chidu td.n{text-align:right;font-variant-numeric:tabular-nums}"
    ".chidu .en{color:#57606a}"
    ".chidu .veto{color:#cf222e;font-weight:bold}"
    ".chidu .bar{display:inline-block;height:8px;background:#54aeff;vertical-align:middle}"
    "</style>"
)


def _e(value: Any) -> str:
    return escape("—" if value is None else str(value))


def _num(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        text = f"{value:.2f}".rstrip("0").rstrip(".")
        return text or "0"
    return str(value)


def _bi(zh: str, en: str) -> str:
    """A bilingual label: Chinese, then English in grey."""
    if zh == en:
        return _e(zh)
    return f"{_e(zh)} <span class='en'>{_e(en)}</span>"


def _text(t: Any) -> str:
    if isinstance(t, dict):
        return _bi(t.get("zh") or t.get("en") or "", t.get("en") or t.get("zh") or "")
    return _e(t)


def _status(s: str) -> str:
    zh, en, colour = STATUS.get(s, (s, s, "#000"))
    return f"<span style='color:{colour}'>{_bi(zh, en)}</span>"


def _value(v: Any) -> str:
    if isinstance(v, list):
        return ", ".join(_value(x) for x in v)
    return _num(v)


def _finding(ind: dict[str, Any]) -> str:
    parts = []
    if ind.get("message"):
        parts.append(_text(ind["message"]))
    elif ind.get("comparison"):
        c = ind["comparison"]
        left, op, right = _value(c.get("left")), _e(c.get("op")), _value(c.get("right"))
        parts.append(f"实际 {left}，要求 {op} {right} <span class='en'>found {left}, required {op} {right}</span>")
    if ind.get("missing"):
        parts.append("缺少 <span class='en'>missing</span>: " + _e(", ".join(ind["missing"])))
    for d in (ind.get("deductions") or [])[:5]:
        what = d.get("item") or d.get("path") or ""
        parts.append(f"−{_num(d.get('points'))} {_e(what)}: {_text(d.get('reason', ''))}")
    if ind.get("error"):
        parts.append(_e(ind["error"]))
    return "<br>".join(parts)


def report_html(report: dict[str, Any], grade_labels: dict[str, str | None]) -> str:
    """One report: header, gaps (remediation order), sections, all indicators (folded)."""
    rec = report.get("record") or {}
    std = report.get("standard") or {}
    by_id = {i["id"]: i for i in report.get("indicators", [])}
    out = [STYLE, "<div class='chidu'>"]
    title = _e(rec.get("id")) + (" " + _e(rec["name"]) if rec.get("name") else "")
    out.append(f"<h4 style='margin:4px 0'>{title}</h4>")
    grade = report.get("grade")
    grade_html = _bi(grade_labels.get("zh") or _e(grade), grade_labels.get("en") or _e(grade)) if grade else "—"
    head = [
        ("得分", "Score", f"<b>{_num(report.get('score'))}</b> / {_num(report.get('total'))}"),
        ("等级", "Grade", f"<b>{grade_html}</b>"),
    ]
    if report.get("bonus"):
        head.append(("加分", "Bonus", "+" + _num(report.get("bonus"))))
    if report.get("vetoed"):
        head.append(("一票否决", "Vetoed", f"<span class='veto'>{_e(', '.join(report.get('vetoes', [])))}</span>"))
    if report.get("vetoes_unresolved"):
        head.append(("否决项无佐证", "Veto items without evidence", _e(", ".join(report["vetoes_unresolved"]))))
    if report.get("waivers"):
        ws = ", ".join(f"{w['indicator']} ({w['state']})" for w in report["waivers"])
        head.append(("豁免", "Waivers", _e(ws) + f" — 无豁免得分 <span class='en'>without waivers</span> {_num(report.get('score_without_waivers'))}"))
    head.append(("标准", "Standard", _e(f"{std.get('id')} {std.get('version')}") + f" · {_e(report.get('as_of'))}"))
    out.append("<table>" + "".join(f"<tr><th>{_bi(zh, en)}</th><td>{v}</td></tr>" for zh, en, v in head) + "</table>")

    gaps = report.get("gaps", [])
    out.append(f"<b>{_bi('整改清单（按失分排序）', 'Gaps, most points lost first')}</b>")
    if gaps:
        out.append(
            "<table><tr>"
            f"<th>{_bi('指标', 'Indicator')}</th><th>{_bi('失分', 'Lost')}</th><th>{_bi('状态', 'Status')}</th>"
            f"<th>{_bi('发现', 'Finding')}</th><th>{_bi('整改建议', 'Remediation')}</th></tr>"
        )
        for g in gaps:
            ind = by_id.get(g["indicator"], {})
            lost = "<span class='veto'>否决 veto</span>" if g.get("veto") else "−" + _num(g.get("lost"))
            out.append(
                f"<tr><td><b>{_e(g['indicator'])}</b> {_text(ind.get('title', ''))}</td><td class='n'>{lost}</td>"
                f"<td>{_status(g.get('status', ''))}</td><td>{_finding(ind)}</td><td>{_text(ind.get('remediation', ''))}</td></tr>"
            )
        out.append("</table>")
    else:
        out.append("<p>无 <span class='en'>none</span></p>")

    out.append(f"<b>{_bi('分项得分', 'Sections')}</b><table><tr><th>{_bi('分项', 'Section')}</th>"
               f"<th>{_bi('得分', 'Earned')}</th><th>{_bi('满分', 'Possible')}</th><th>{_bi('得分率', 'Ratio')}</th></tr>")
    for s in report.get("sections", []):
        ratio = s.get("ratio")
        bar = f"<span class='bar' style='width:{int(round((ratio or 0) * 60))}px'></span> " if ratio is not None else ""
        pct = "—" if ratio is None else f"{ratio * 100:.0f}%"
        out.append(f"<tr><td>{_e(s['id'])} {_text(s.get('title', ''))}</td><td class='n'>{_num(s.get('earned'))}</td>"
                   f"<td class='n'>{_num(s.get('possible'))}</td><td>{bar}{pct}</td></tr>")
    out.append("</table>")

    out.append(f"<details><summary>{_bi('全部指标', 'All indicators')} ({len(by_id)})</summary><table><tr>"
               f"<th>{_bi('指标', 'Indicator')}</th><th>{_bi('状态', 'Status')}</th><th>{_bi('得分', 'Earned')}</th>"
               f"<th>{_bi('满分', 'Possible')}</th><th>{_bi('发现', 'Finding')}</th></tr>")
    for ind in report.get("indicators", []):
        kind = " <span class='veto'>否决</span>" if ind.get("veto") else (" 加分" if ind.get("bonus") else "")
        out.append(f"<tr><td><b>{_e(ind['id'])}</b> {_text(ind.get('title', ''))}{kind}</td><td>{_status(ind.get('status', ''))}</td>"
                   f"<td class='n'>{_num(ind.get('earned'))}</td><td class='n'>{_num(ind.get('possible'))}</td><td>{_finding(ind)}</td></tr>")
    out.append("</table></details></div>")
    return "".join(out)


def batch_html(summary: dict[str, Any], rows: list[dict[str, Any]], total_rows: int) -> str:
    """A batch: fleet figures, grades, weakest indicators, groups and the first records."""
    out = [STYLE, "<div class='chidu'>"]
    head = [
        ("站点数", "Records", _num(summary.get("records"))),
        ("无效记录", "Invalid", _num(summary.get("invalid"))),
        ("平均分", "Mean score", _num(summary.get("mean_score"))),
        ("中位数", "Median score", _num(summary.get("median_score"))),
        ("一票否决", "Vetoed", _num(summary.get("vetoed"))),
    ]
    grades = summary.get("grades") or {}
    head.append(("等级分布", "Grades", _e(", ".join(f"{k} {v}" for k, v in grades.items()))))
    out.append("<table>" + "".join(f"<tr><th>{_bi(zh, en)}</th><td>{v}</td></tr>" for zh, en, v in head) + "</table>")

    inds = [(k, v) for k, v in (summary.get("indicators") or {}).items() if v.get("met_rate") is not None]
    inds.sort(key=lambda kv: (kv[1]["met_rate"], kv[0]))
    if inds:
        out.append(f"<b>{_bi('达标率最低的指标', 'Weakest indicators (met rate)')}</b><table><tr><th>{_bi('指标', 'Indicator')}</th>"
                   f"<th>{_bi('达标率', 'Met rate')}</th><th>{_bi('平均得分', 'Mean earned')}</th><th>{_bi('适用站点', 'Applicable')}</th></tr>")
        for k, v in inds[:8]:
            out.append(f"<tr><td>{_e(k)}</td><td class='n'>{v['met_rate'] * 100:.1f}%</td>"
                       f"<td class='n'>{_num(v.get('mean_earned'))}</td><td class='n'>{_num(v.get('applicable'))}</td></tr>")
        out.append("</table>")

    for field, groups in (summary.get("groups") or {}).items():
        if not groups:
            continue
        out.append(f"<b>{_bi('按分组', 'By')} {_e(field)}</b><table><tr><th>{_e(field)}</th><th>{_bi('站点数', 'Records')}</th>"
                   f"<th>{_bi('平均分', 'Mean')}</th><th>{_bi('中位数', 'Median')}</th></tr>")
        for name, g in list(groups.items())[:20]:
            out.append(f"<tr><td>{_e(name)}</td><td class='n'>{_num(g.get('records'))}</td>"
                       f"<td class='n'>{_num(g.get('mean_score'))}</td><td class='n'>{_num(g.get('median_score'))}</td></tr>")
        out.append("</table>")
        break

    out.append(f"<b>{_bi('站点', 'Records')}</b> ({len(rows)} / {total_rows})<table><tr><th>{_bi('编号', 'Id')}</th>"
               f"<th>{_bi('名称', 'Name')}</th><th>{_bi('得分', 'Score')}</th><th>{_bi('等级', 'Grade')}</th>"
               f"<th>{_bi('差距项', 'Gaps')}</th></tr>")
    for r in rows:
        if "error" in r:
            out.append(f"<tr><td>{_e(r.get('id'))}</td><td colspan='4' class='veto'>{_e(r['error'])}</td></tr>")
            continue
        grade = _e(r.get("grade")) + (" <span class='veto'>否决 vetoed</span>" if r.get("vetoed") else "")
        out.append(f"<tr><td>{_e(r.get('id'))}</td><td>{_e(r.get('name'))}</td><td class='n'>{_num(r.get('score'))}</td>"
                   f"<td>{grade}</td><td class='n'>{_num(r.get('gaps'))}</td></tr>")
    out.append("</table></div>")
    return "".join(out)
