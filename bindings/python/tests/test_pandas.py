"""DataFrames in (dotted columns, NaN as missing) and out (to_pandas, findings)."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pytest

import chidu

pd = pytest.importorskip("pandas")

AS_OF = "2026-06-30"


def test_dataframe_in_with_dotted_columns(demo: chidu.Standard, examples: dict[str, Any]) -> None:
    recs = list(examples.values())
    frame = pd.json_normalize(recs, max_level=1)
    assert "premises.area_m2" in frame.columns and "staff" in frame.columns
    want = demo.evaluate_many(recs, as_of=AS_OF)
    got = demo.evaluate_many(frame, as_of=AS_OF)
    assert got.to_dict()["reports"] == want.to_dict()["reports"]


def test_dataframe_nan_and_none_are_missing(demo: chidu.Standard) -> None:
    frame = pd.DataFrame(
        {
            "id": ["A", "B", "C"],
            "premises.mode": ["independent", None, "none"],
            "premises.area_m2": [80.0, float("nan"), 30.0],
            "opening_days_per_week": pd.array([5, None, 3], dtype="Int64"),
            "archives_updated": pd.to_datetime(["2026-06-01", None, "2025-01-01"]),
        }
    )
    batch = demo.evaluate_many(frame, as_of=AS_OF)
    assert batch.invalid == 0
    a, b, c = batch
    assert isinstance(a, chidu.Report) and isinstance(b, chidu.Report) and isinstance(c, chidu.Report)
    assert a.indicator("CS-02")["status"] == "met"
    assert b.indicator("CS-02")["status"] == "no_evidence"
    assert b.indicator("GL-03")["status"] == "no_evidence"
    assert a.indicator("GL-01")["status"] == "met"  # a Timestamp became a date
    assert b.indicator("GL-01")["status"] == "no_evidence"  # NaT is missing
    assert b.warnings == []


def test_dataframe_bad_cell_is_an_error_entry(demo: chidu.Standard) -> None:
    frame = pd.DataFrame({"id": ["A", "B", "C"], "premises.area_m2": [1.0, math.inf, 2.0], "extra": ["x", "y", None]})
    batch = demo.evaluate_many(frame, as_of=AS_OF)
    assert batch.invalid == 1
    (err,) = batch.errors
    assert err["index"] == 1 and err["record"] == "B" and err["path"] == "premises.area_m2"
    # A column the schema does not know is warned about where a cell is present, whatever it
    # holds (as in a dict record).
    assert [[w["path"] for w in r.warnings] for r in batch if isinstance(r, chidu.Report)] == [["extra"], []]
    odd = pd.DataFrame({"id": ["A"], "extra": [object()]})
    (a,) = demo.evaluate_many(odd, as_of=AS_OF)
    assert isinstance(a, chidu.Report) and [w["path"] for w in a.warnings] == ["extra"]


def test_dataframe_rows_read_as_the_dicts_they_came_from(demo: chidu.Standard, examples: dict[str, Any]) -> None:
    """A row is the dict `json_normalize` was given: the same report or the same error
    (the first bad field in schema order, as for dicts), and a nested object whose cells are
    all missing is absent."""
    base = next(iter(examples.values()))
    recs = [
        dict(base, id="A"),
        dict(base, id="B", premises={"mode": "palace", "area_m2": math.inf}),
        {k: v for k, v in base.items() if k != "premises"} | {"id": "C"},
        dict(base, id="D", premises={"area_m2": 75.5}),
    ]
    frame = pd.json_normalize(recs, max_level=1)
    assert frame.filter(like="premises.").iloc[2].isna().all()
    want = [e.to_json() if isinstance(e, chidu.Report) else e.message for e in demo.evaluate_many(recs, as_of=AS_OF)]
    got = [e.to_json() if isinstance(e, chidu.Report) else e.message for e in demo.evaluate_many(frame, as_of=AS_OF)]
    assert got == want
    assert demo.evaluate_many(frame, as_of=AS_OF).errors[0]["path"] == "premises.mode"


def test_dataframe_with_clashing_column_names(demo: chidu.Standard) -> None:
    """`premises` both as a column and as the prefix of `premises.area_m2`, or one name twice:
    rows are built column by column, the later column winning, as before."""
    clash = pd.DataFrame({"id": ["A"], "premises.area_m2": [80.0], "premises": [None]})
    (a,) = demo.evaluate_many(clash, as_of=AS_OF)
    assert isinstance(a, chidu.Report) and a.indicator("CS-02")["status"] == "met"
    twice = pd.DataFrame([["A", 10.0, 80.0]], columns=["id", "premises.area_m2", "premises.area_m2"])
    (b,) = demo.evaluate_many(twice, as_of=AS_OF)
    assert isinstance(b, chidu.Report) and b.indicator("CS-02")["status"] == "met"


def test_to_pandas_columns(demo: chidu.Standard, examples: dict[str, Any]) -> None:
    recs = [*examples.values(), {"id": "BAD", "premises": {"mode": "palace"}}]
    batch = demo.evaluate_many(recs, as_of=AS_OF)
    df = batch.to_pandas()
    assert list(df.columns) == ["id", "name", "county", "town", "score", "grade", "vetoed", "bonus", "error",
                                "ratio.CS", "ratio.RY", "ratio.FW", "ratio.GL"]
    assert len(df) == 4
    assert df["id"].tolist() == ["DEMO-002", "DEMO-001", "DEMO-003", "BAD"]
    assert df["score"].tolist()[:3] == [67.63, 101.8, 15.18] and math.isnan(df["score"].iloc[3])
    assert df["grade"].tolist()[:3] == ["pass", "excellent", "fail"]
    assert str(df["vetoed"].dtype) == "boolean" and df["vetoed"].tolist()[:3] == [False, False, True]
    assert pd.isna(df["vetoed"].iloc[3])
    assert df["error"].iloc[3].startswith("premises.mode") and df["error"].iloc[:3].isna().all()
    assert df["score"].dtype == "float64" and df["ratio.CS"].dtype == "float64"
    assert df.loc[1, "ratio.CS"] == 1.0
    ok = demo.evaluate_many(list(examples.values()), as_of=AS_OF).to_pandas()
    assert ok["vetoed"].dtype == bool


def test_findings(demo: chidu.Standard, examples: dict[str, Any]) -> None:
    batch = demo.evaluate_many([*examples.values(), {"id": "BAD", "premises": {"mode": "palace"}}], as_of=AS_OF)
    f = batch.findings()
    assert len(f) == 3 * len(demo.indicator_ids)
    assert list(f.columns) == ["id", "county", "town", "indicator", "section", "title_zh", "title_en", "status",
                               "earned", "possible", "lost", "veto", "bonus"]
    row = f[(f["id"] == "DEMO-002") & (f["indicator"] == "CS-01")].iloc[0]
    assert (row["section"], row["status"], row["earned"], row["possible"], row["lost"]) == ("CS", "not_met", 0, 6, 6)
    assert row["title_zh"] == "场所独立设置"
    assert f[f["indicator"] == "GL-V1"]["veto"].all() and f[f["indicator"] == "FW-B1"]["bonus"].all()
    weakest = f[~f["bonus"] & ~f["veto"]].groupby("indicator")["lost"].sum().sort_values(ascending=False)
    assert list(weakest.index[:2]) == ["RY-01", "CS-01"]  # 3 + 0 + 10 and 6 + 0 + 6 points lost
    # lost mirrors each report's gaps
    r = batch[0]
    assert isinstance(r, chidu.Report)
    gaps = {g["indicator"]: g["lost"] for g in r.gaps}
    got = f[f["id"] == "DEMO-002"].set_index("indicator")["lost"]
    assert {k: v for k, v in got.items() if v} == {k: v for k, v in gaps.items() if v}


def test_as_of_from_pandas_timestamp(demo: chidu.Standard, examples: dict[str, Any]) -> None:
    ts = pd.Timestamp("2026-06-30 13:00")
    assert demo.evaluate(examples["strong"], as_of=ts).as_of == "2026-06-30"
    assert demo.evaluate(examples["strong"], as_of=dt.date(2026, 6, 30)).score == 101.8


def test_dataframe_streams_part_by_part(demo: chidu.Standard, examples: dict[str, Any]) -> None:
    """`evaluate_iter` writes a frame's rows a part at a time: the entries of `evaluate_many`,
    whatever the part size, for a frame read row by row and for one whose names clash."""
    base = next(iter(examples.values()))
    recs = [dict(base, id=f"S-{i}") for i in range(7)]
    recs[3] = dict(base, id="S-3", premises={"mode": "palace"})
    frames = [pd.json_normalize(recs, max_level=1)]
    frames.append(frames[0].assign(premises=None))  # `premises` and `premises.*`: clashing names
    for frame in frames:
        want = [e.to_json() if isinstance(e, chidu.Report) else ("error", e.message) for e in demo.evaluate_many(frame, as_of=AS_OF)]
        assert sum(isinstance(w, tuple) for w in want) == 1
        for size in (1, 3, 2048):
            got = [e.to_json() if isinstance(e, chidu.Report) else ("error", e.message) for e in demo.evaluate_iter(frame, as_of=AS_OF, chunk_size=size)]
            assert got == want, size
