"""Typed use of the public API; checked with `mypy --strict` by test_typing.py (not run by pytest)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import chidu


def audit(records: list[dict[str, Any]], pack: Path | None = None) -> tuple[float | None, list[str]]:
    std: chidu.Standard = chidu.Standard.load(pack) if pack else chidu.Standard.builtin("demo")
    report: chidu.Report = std.evaluate(records[0], as_of=dt.date(2026, 6, 30), waivers=None)
    gaps: list[str] = [g["indicator"] for g in report.gaps]
    md: str = report.to_markdown(lang="en")
    batch: chidu.BatchReport = std.evaluate_many(records, as_of="2026-06-30", waivers=[])
    first = batch[0]
    if isinstance(first, chidu.RecordError):
        print(first.path, first.message, first.record)
    for entry in batch:
        if isinstance(entry, chidu.Report):
            print(entry.score, entry.grade, entry.vetoed, entry.sections[0]["ratio"])
    stream: chidu.ReportStream = std.evaluate_iter(Path("stations.jsonl"), as_of="2026-06-30", chunk_size=512)
    scores: list[float | None] = [e.score for e in stream if isinstance(e, chidu.Report)]
    print(scores)
    summary: dict[str, Any] = batch.summary()
    frame = batch.to_pandas()
    print(md, summary["mean_score"], frame, batch.findings(), len(batch), batch.invalid)
    try:
        chidu.Standard.from_strings({"standard.yaml": "chidu: 1"})
    except chidu.StandardError as e:
        for d in e.diagnostics:
            line: int | None = d.line
            print(d.file, line, d.column, d.message, d.code, d.help)
    diags: list[chidu.Diagnostic] = chidu.lint("demo")
    recs: list[dict[str, Any]] = chidu.load_records(Path("stations.yaml"), standard=std)
    ids: list[str] = chidu.builtins()
    print(diags, recs, ids, std.id, std.version, std.digest, std.indicator_ids)
    labels: dict[str, str] = {g["id"]: g["label"]["en"] for g in std.grades}
    vetoes: list[str] = [i["id"] for i in std.indicators if i["veto"]]
    points: float = sum(s["points"] for s in std.sections)
    fields: list[str] = [std.id_field, *(f for f in [std.name_field] if f), *std.group_fields]
    print(labels, vetoes, points == std.total, fields, std.title["zh"], batch.as_of)
    return report.score, gaps
