"""Notebook views: bilingual HTML tables, gaps first."""

from __future__ import annotations

from typing import Any

import chidu

AS_OF = "2026-06-30"


def test_report_html_gaps_first_and_bilingual(demo: chidu.Standard, examples: dict[str, Any]) -> None:
    r = demo.evaluate(examples["middling"], as_of=AS_OF)
    html = r._repr_html_()
    assert html.count("<table") >= 3
    gaps_at, sections_at = html.index("整改清单"), html.index("分项得分")
    assert gaps_at < sections_at, "gaps come before the section table"
    for text in ("整改清单", "Gaps", "得分", "Score", "等级", "Grade", "合格", "Pass", "未达标", "not met"):
        assert text in html, text
    # the gap rows follow the remediation order
    order = [g["indicator"] for g in r.gaps]
    positions = [html.index(f"<b>{i}</b>", gaps_at) for i in order]
    assert positions == sorted(positions) and positions[-1] < sections_at
    assert "配备" in html or "补充" in html  # remediation text


def test_report_html_veto_and_escaping(demo: chidu.Standard, examples: dict[str, Any]) -> None:
    rec = dict(examples["weak"], name="<script>alert(1)</script>")
    html = demo.evaluate(rec, as_of=AS_OF)._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "一票否决" in html and "GL-V1" in html


def test_batch_html(demo: chidu.Standard, examples: dict[str, Any]) -> None:
    batch = demo.evaluate_many([*examples.values(), {"id": "BAD", "premises": {"mode": "palace"}}], as_of=AS_OF)
    html = batch._repr_html_()
    for text in ("站点数", "Records", "平均分", "Mean score", "达标率", "Met rate", "DEMO-001", "BAD", "palace"):
        assert text in html, text
