"""The Python API of SPEC §7: loading, evaluating, reports, batches, dates and waivers."""

from __future__ import annotations

import copy
import datetime as dt
import json
import threading
import time
from pathlib import Path
from typing import Any

import pytest

import chidu

AS_OF = "2026-06-30"

MINI = {
    "standard.yaml": """\
chidu: 1
id: mini
version: "1"
title: {zh: 迷你, en: Mini}
record: record.yaml
total: 10
grades:
  - {id: pass, label: {zh: 合格, en: Pass}, min_score: 6}
  - {id: fail, label: {zh: 不合格, en: Fail}}
sections: [sections/a.yaml]
""",
    "record.yaml": """\
id_field: id
name_field: name
group_fields: [county]
fields:
  id: {type: string, required: true}
  name: {type: string, pii: true}
  county: {type: string}
  opened: {type: date}
  area_m2: {type: number}
  staff:
    type: list
    item:
      fields:
        employment: {type: enum, values: [full_time, part_time]}
""",
    "sections/a.yaml": """\
id: A
title: {zh: 场地与人员, en: Premises and staff}
points: 10
indicators:
  - id: A-01
    title: {zh: 场地面积, en: Floor area}
    points: 6
    check: area_m2 >= 60
  - id: A-02
    title: {zh: 专职社工, en: Full-time staff}
    points: 4
    check: count(staff, employment == "full_time") >= 1
    remediation: {zh: 配备专职社工, en: Hire a full-time worker}
""",
}


@pytest.fixture(scope="module")
def mini() -> chidu.Standard:
    return chidu.Standard.from_strings(MINI)


# ---------------------------------------------------------------- loading


def test_builtins_and_identity(demo: chidu.Standard) -> None:
    assert "demo" in chidu.builtins()
    assert demo.id == "demo"
    assert demo.version == "2026.1"
    assert demo.digest.startswith("sha256:")
    assert demo.indicator_ids[:3] == ["CS-01", "CS-02", "CS-03"]
    assert "demo" in repr(demo)
    assert chidu.Standard.builtin("builtin:demo") == demo


def test_load_directory_matches_builtin(repo: Path, demo: chidu.Standard) -> None:
    loaded = chidu.Standard.load(repo / "standards" / "demo")
    assert loaded.indicator_ids == demo.indicator_ids
    assert chidu.Standard.load(str(repo / "standards" / "demo")).id == "demo"
    # One pack, one digest, wherever it was loaded from: equal and hashing alike.
    assert loaded == demo and hash(loaded) == hash(demo) and loaded.digest == demo.digest
    overlay = chidu.Standard.load(repo / "standards" / "honghe")
    assert overlay == chidu.Standard.builtin("honghe")


def test_from_strings_mapping_and_pairs(mini: chidu.Standard) -> None:
    again = chidu.Standard.from_strings(list(MINI.items()))
    assert again == mini and hash(again) == hash(mini)
    nested = chidu.Standard.from_strings({f"packs/mini/{k}": v for k, v in MINI.items()}, root="packs/mini")
    assert nested.indicator_ids == ["A-01", "A-02"]
    assert nested == mini, "the same files under another root"


def test_explain_outline_schema(demo: chidu.Standard) -> None:
    assert "CS-01" in demo.explain("CS-01")
    assert demo.explain("CS-01", lang="en") != demo.explain("CS-01", lang="zh")
    with pytest.raises(KeyError):
        demo.explain("NOPE-1")
    with pytest.raises(ValueError):
        demo.outline(lang="fr")
    assert "CS" in demo.outline()
    schema = demo.record_schema()
    assert schema["type"] == "object" and "staff" in schema["properties"]
    assert demo.lint() == []


# ---------------------------------------------------------------- evaluate


def test_examples_score_as_the_pack_tests_say(demo: chidu.Standard, examples: dict[str, Any]) -> None:
    strong = demo.evaluate(examples["strong"], as_of=AS_OF)
    assert (strong.score, strong.grade, strong.bonus, strong.vetoed) == (101.8, "excellent", 3, False)
    middling = demo.evaluate(examples["middling"], as_of=AS_OF)
    assert (middling.score, middling.grade) == (67.63, "pass")
    weak = demo.evaluate(examples["weak"], as_of=AS_OF)
    assert (weak.score, weak.grade, weak.vetoed, weak.vetoes) == (15.18, "fail", True, ["GL-V1"])
    assert weak.indicator("RY-03")["status"] == "not_applicable"


def test_report_attributes_mirror_the_json(demo: chidu.Standard, examples: dict[str, Any]) -> None:
    r = demo.evaluate(examples["middling"], as_of=AS_OF)
    d = r.to_dict()
    assert d["format"] == "chidu.report/1"
    assert json.loads(r.to_json()) == d
    assert json.loads(r.to_json(indent=2)) == d and "\n  " in r.to_json(indent=2)
    for key in ("score", "total", "bonus", "grade", "vetoed", "vetoes", "vetoes_unresolved",
                "score_without_waivers", "waivers", "warnings", "sections", "indicators", "gaps",
                "record", "standard", "as_of"):
        assert getattr(r, key) == d[key], key
    assert r.id == d["record"]["id"] == "DEMO-002"
    assert r.name == d["record"]["name"]
    assert isinstance(r.sections, list) and isinstance(r.sections[0], dict)
    assert [g["indicator"] for g in r.gaps][:2] == ["CS-01", "CS-03"]
    assert r.indicator("CS-02") == next(i for i in d["indicators"] if i["id"] == "CS-02")
    assert r.indicator("NOPE") is None
    assert "DEMO-002" in repr(r) and "pass" in repr(r)


def test_markdown_and_text(demo: chidu.Standard, examples: dict[str, Any]) -> None:
    r = demo.evaluate(examples["strong"], as_of=AS_OF)
    zh, en = r.to_markdown(), r.to_markdown(lang="en")
    assert zh.startswith("# DEMO-001") and "得分" in zh
    assert "Score" in en and "得分" not in en
    assert "DEMO-001" in r.to_text() and "DEMO-001" in str(r)
    assert (r.grade_label_in("zh"), r.grade_label_in("en")) == ("优秀", "Excellent")


def test_json_text_record(demo: chidu.Standard, examples: dict[str, Any]) -> None:
    text = json.dumps(examples["strong"], ensure_ascii=False)
    assert demo.evaluate(text, as_of=AS_OF).to_dict() == demo.evaluate(examples["strong"], as_of=AS_OF).to_dict()
    assert demo.evaluate(text.encode(), as_of=AS_OF).score == 101.8


def test_pii_masking(mini: chidu.Standard) -> None:
    rec = {"id": "S1", "name": "张三", "area_m2": 80}
    assert mini.evaluate(rec, as_of=AS_OF).name == "***"
    assert mini.evaluate(rec, as_of=AS_OF, mask_pii=False).name == "张三"


def test_missing_values_none_and_nan(mini: chidu.Standard) -> None:
    for missing in (None, float("nan")):
        r = mini.evaluate({"id": "S1", "area_m2": missing}, as_of=AS_OF)
        assert r.indicator("A-01")["status"] == "no_evidence"


def test_does_not_mutate_input(demo: chidu.Standard, examples: dict[str, Any]) -> None:
    before = copy.deepcopy(examples["weak"])
    demo.evaluate(examples["weak"], as_of=AS_OF)
    demo.evaluate_many([examples["weak"]], as_of=AS_OF)
    assert examples["weak"] == before


# ---------------------------------------------------------------- dates


def test_as_of_accepts_dates_and_strings(demo: chidu.Standard, examples: dict[str, Any]) -> None:
    rec = examples["strong"]
    by_str = demo.evaluate(rec, as_of="2026-06-30")
    by_date = demo.evaluate(rec, as_of=dt.date(2026, 6, 30))
    by_datetime = demo.evaluate(rec, as_of=dt.datetime(2026, 6, 30, 18, 45))
    assert by_str.to_dict() == by_date.to_dict() == by_datetime.to_dict()
    assert by_date.as_of == "2026-06-30"


def test_as_of_defaults_to_today(demo: chidu.Standard, examples: dict[str, Any]) -> None:
    assert demo.evaluate(examples["strong"]).as_of == dt.date.today().isoformat()
    assert demo.evaluate_many([examples["strong"]]).as_of == dt.date.today().isoformat()


def test_bad_as_of(demo: chidu.Standard, examples: dict[str, Any]) -> None:
    with pytest.raises(chidu.ChiduError, match="as_of"):
        demo.evaluate(examples["strong"], as_of="30/06/2026")
    with pytest.raises(TypeError):
        demo.evaluate(examples["strong"], as_of=20260630)  # type: ignore[arg-type]


def test_date_objects_in_records(demo: chidu.Standard, examples: dict[str, Any]) -> None:
    rec = copy.deepcopy(examples["strong"])
    rec["archives_updated"] = dt.date(2026, 5, 1)
    rec["established"] = dt.datetime(2021, 5, 10, 9, 30)
    rec["staff"][0]["start"] = dt.date(2021, 5, 10)
    rec["services"] = [dict(s, date=dt.date.fromisoformat(s["date"])) for s in rec["services"]]
    assert demo.evaluate(rec, as_of=AS_OF).to_dict() == demo.evaluate(examples["strong"], as_of=AS_OF).to_dict()


# ---------------------------------------------------------------- waivers


def test_waivers_list_and_file(demo: chidu.Standard, examples: dict[str, Any], tmp_path: Path) -> None:
    waiver = {"record": "DEMO-002", "indicator": "CS-01", "justification": "场地改造中",
              "approved_by": "县民政局", "expires": dt.date(2027, 6, 30)}
    r = demo.evaluate(examples["middling"], as_of=AS_OF, waivers=[waiver])
    assert r.waivers == [{"indicator": "CS-01", "state": "applied"}]
    assert r.indicator("CS-01")["status"] == "waived"
    assert r.score > r.score_without_waivers == 67.63
    path = tmp_path / "waivers.yaml"
    path.write_text("waivers:\n  - {record: DEMO-002, indicator: CS-01, justification: x, approved_by: y, expires: 2027-06-30}\n",
                    encoding="utf-8")
    assert demo.evaluate(examples["middling"], as_of=AS_OF, waivers=path).score == r.score
    assert demo.evaluate(examples["middling"], as_of=AS_OF, waivers=str(path)).score == r.score
    batch = demo.evaluate_many([examples["middling"], examples["strong"]], as_of=AS_OF, waivers=path)
    assert batch[0].score == r.score and batch[1].waivers == []


def test_expired_waiver_is_reported(demo: chidu.Standard, examples: dict[str, Any]) -> None:
    waiver = {"record": "DEMO-002", "indicator": "CS-01", "justification": "x", "approved_by": "y", "expires": "2026-01-01"}
    r = demo.evaluate(examples["middling"], as_of=AS_OF, waivers=[waiver])
    assert r.waivers == [{"indicator": "CS-01", "state": "expired"}]
    assert r.score == 67.63


def test_bad_waivers_raise_standard_error(demo: chidu.Standard, examples: dict[str, Any]) -> None:
    with pytest.raises(chidu.StandardError) as e:
        demo.evaluate(examples["middling"], as_of=AS_OF, waivers=[{"record": "DEMO-002", "indicator": "CS-1"}])
    (d,) = e.value.diagnostics
    assert d.code == "unknown_indicator" and "CS-01" in (d.help or "")
    with pytest.raises(chidu.StandardError, match="veto"):
        demo.evaluate(examples["middling"], as_of=AS_OF, waivers=[{"record": "DEMO-002", "indicator": "GL-V1"}])
    with pytest.raises(FileNotFoundError):
        demo.evaluate(examples["middling"], as_of=AS_OF, waivers=Path("/nonexistent/waivers.yaml"))


# ---------------------------------------------------------------- batches


def test_evaluate_many_matches_evaluate(demo: chidu.Standard, examples: dict[str, Any]) -> None:
    recs = list(examples.values())
    batch = demo.evaluate_many(recs, as_of=AS_OF)
    assert len(batch) == 3 and batch.invalid == 0 and batch.errors == []
    for rec, rep in zip(recs, batch):
        assert isinstance(rep, chidu.Report)
        assert rep.to_dict() == demo.evaluate(rec, as_of=AS_OF).to_dict()
    assert [r.id for r in batch[0:2]] == ["DEMO-002", "DEMO-001"]  # type: ignore[union-attr]
    assert batch[-1].id == "DEMO-003"  # type: ignore[union-attr]
    with pytest.raises(IndexError):
        batch[3]
    d = batch.to_dict()
    assert d["format"] == "chidu.batch/1" and len(d["reports"]) == 3
    assert json.loads(batch.to_json()) == d
    assert "DEMO-001" in batch.to_markdown() and batch.as_of == AS_OF
    assert "3 records" in repr(batch)


def test_summary(demo: chidu.Standard, examples: dict[str, Any]) -> None:
    s = demo.evaluate_many(list(examples.values()), as_of=AS_OF).summary()
    assert s["records"] == 3 and s["invalid"] == 0 and s["vetoed"] == 1
    assert s["grades"] == {"excellent": 1, "good": 0, "pass": 1, "fail": 1}
    assert s["median_score"] == 67.63
    assert set(s["indicators"]) == set(demo.indicator_ids)
    assert s["groups"]["county"]["示例县"]["records"] == 3
    assert "independent_premises" in s["aggregates"]


def test_bad_records_become_entries(demo: chidu.Standard, examples: dict[str, Any]) -> None:
    bad_enum = dict(examples["strong"], id="BAD-1", premises={"mode": "palace"})
    recs = [examples["strong"], bad_enum, 42, {"id": "BAD-3", "staff": [{"start": object()}]}, "{not json", examples["weak"]]
    batch = demo.evaluate_many(recs, as_of=AS_OF)
    assert len(batch) == 6 and batch.invalid == 4
    errs = batch.errors
    assert [e["index"] for e in errs] == [1, 2, 3, 4]
    assert errs[0]["record"] == "BAD-1" and errs[0]["path"] == "premises.mode"
    assert errs[2]["record"] == "BAD-3" and errs[2]["path"] == "staff[0].start"
    assert "mapping" in errs[1]["message"]
    e = batch[1]
    assert isinstance(e, chidu.RecordError) and e.path == "premises.mode" and e.origin == "[1]"
    assert batch[5].vetoed  # type: ignore[union-attr]
    assert batch.summary()["invalid"] == 4


def test_evaluate_raises_record_error(demo: chidu.Standard) -> None:
    with pytest.raises(chidu.RecordError) as e:
        demo.evaluate({"id": "X", "staff": [{"employment": "boss"}]}, as_of=AS_OF)
    assert (e.value.record, e.value.path) == ("X", "staff[0].employment")
    assert isinstance(e.value, chidu.ChiduError) and isinstance(e.value, ValueError)
    with pytest.raises(chidu.RecordError) as e2:
        demo.evaluate({"id": "X", "premises": {"area_m2": float("inf")}}, as_of=AS_OF)
    assert e2.value.path == "premises.area_m2"
    with pytest.raises(chidu.RecordError):
        demo.evaluate({"id": "X", "established": b"2020-01-01"}, as_of=AS_OF)


def test_inputs_of_every_kind_agree(demo: chidu.Standard, examples: dict[str, Any], tmp_path: Path) -> None:
    recs = list(examples.values())
    want = demo.evaluate_many(recs, as_of=AS_OF).to_dict()
    text = "\n".join(json.dumps(r, ensure_ascii=False) for r in recs) + "\n"
    path = tmp_path / "stations.jsonl"
    path.write_text(text, encoding="utf-8")
    for given in (text, text.encode(), [json.dumps(r) for r in recs], (r for r in recs), tuple(recs), path):
        got = demo.evaluate_many(given, as_of=AS_OF).to_dict()
        assert [r["score"] for r in got["reports"]] == [r["score"] for r in want["reports"]]
        assert got["summary"] == want["summary"]
    with pytest.raises(TypeError, match="evaluate"):
        demo.evaluate_many(recs[0], as_of=AS_OF)
    with pytest.raises(TypeError):
        demo.evaluate_many(5, as_of=AS_OF)  # type: ignore[arg-type]
    empty = demo.evaluate_many([], as_of=AS_OF)
    assert len(empty) == 0 and empty.summary()["records"] == 0


def test_jsonl_bad_lines_are_entries(demo: chidu.Standard, examples: dict[str, Any]) -> None:
    text = json.dumps(examples["strong"]) + "\n{oops\n\n" + json.dumps(examples["weak"]) + "\n"
    batch = demo.evaluate_many(text, as_of=AS_OF)
    assert len(batch) == 3 and batch.invalid == 1 and batch.errors[0]["origin"] == "<jsonl>:2"


def test_large_batch_keeps_input_order(demo: chidu.Standard, examples: dict[str, Any]) -> None:
    recs = []
    for i in range(5000):  # several conversion chunks
        rec = dict(examples["middling"], id=f"S-{i:05d}")
        if i % 997 == 0:
            rec["premises"] = {"mode": "palace"}
        recs.append(rec)
    batch = demo.evaluate_many(recs, as_of=AS_OF)
    ids = [r.id if isinstance(r, chidu.Report) else r.record for r in batch]
    assert ids == [r["id"] for r in recs]
    assert batch.invalid == 6


def test_gil_is_released(demo: chidu.Standard, examples: dict[str, Any]) -> None:
    text = "\n".join(json.dumps(dict(examples["strong"], id=f"S-{i}")) for i in range(20_000))
    ticks = 0
    stop = False

    def spin() -> None:
        nonlocal ticks
        while not stop:
            ticks += 1
            time.sleep(0)

    t = threading.Thread(target=spin)
    t.start()
    try:
        before = ticks
        start = time.perf_counter()
        demo.evaluate_many(text, as_of=AS_OF)
        elapsed = time.perf_counter() - start
        during = ticks - before
    finally:
        stop = True
        t.join()
    assert elapsed > 0
    assert during > 100, f"another thread ran only {during} times while evaluate_many ran for {elapsed:.3f}s"


# ---------------------------------------------------------------- load_records and lint


def test_load_records(repo: Path) -> None:
    recs = chidu.load_records(repo / "standards" / "demo" / "examples")
    assert [r["id"] for r in recs] == ["DEMO-002", "DEMO-001", "DEMO-003"]
    assert isinstance(recs[0]["staff"], list) and recs[0]["established"] == "2022-03-15" or isinstance(recs[0]["established"], str)


def test_load_records_csv_with_sidecar(tmp_path: Path, mini: chidu.Standard) -> None:
    (tmp_path / "st.csv").write_text("id,name,county,area_m2\nS1,甲站,A县,80\nS2,乙站,B县,\n", encoding="utf-8")
    (tmp_path / "st.staff.csv").write_text("id,employment\nS1,full_time\nS1,part_time\n", encoding="utf-8")
    recs = chidu.load_records(tmp_path / "st.csv", standard=mini)
    assert recs[0] == {"id": "S1", "name": "甲站", "county": "A县", "area_m2": 80,
                       "staff": [{"employment": "full_time"}, {"employment": "part_time"}]}
    assert "area_m2" not in recs[1]
    with pytest.raises(OSError):
        chidu.load_records(tmp_path / "missing.yaml")


def test_lint(repo: Path, tmp_path: Path) -> None:
    assert chidu.lint(repo / "standards" / "demo") == []
    assert chidu.lint("demo") == []
    for name, text in MINI.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text.replace("area_m2 >= 60", "area >= 60"), encoding="utf-8")
    (d,) = chidu.lint(tmp_path)
    assert d.code == "unknown_field"
    assert d.file is not None and d.file.endswith("sections/a.yaml")
    assert (d.line, d.column) == (8, 12)
    assert "area_m2" in (d.help or "")
    assert d.snippet and "^" in d.snippet
    assert str(d).startswith(f"{d.file}:8:12: error[unknown_field]")
    assert d.to_dict()["code"] == "unknown_field"


def test_iterator_errors_propagate(demo: chidu.Standard, examples: dict[str, Any]) -> None:
    def records() -> Any:
        for i in range(5000):
            yield dict(examples["strong"], id=f"S-{i}")
            if i == 4000:
                raise RuntimeError("source failed")

    with pytest.raises(RuntimeError, match="source failed"):
        demo.evaluate_many(records(), as_of=AS_OF)


def test_numpy_values_in_records(demo: chidu.Standard, examples: dict[str, Any]) -> None:
    np = pytest.importorskip("numpy")
    rec = copy.deepcopy(examples["strong"])
    rec["opening_days_per_week"] = np.int64(5)
    rec["premises"]["area_m2"] = np.float32(96.0)
    rec["premises"]["sign"] = np.bool_(True)
    rec["staff"][0]["training_hours"] = np.array(40.0)[()]
    assert demo.evaluate(rec, as_of=AS_OF).to_dict() == demo.evaluate(examples["strong"], as_of=AS_OF).to_dict()


# ---------------------------------------------------------------- metadata of a standard


def test_standard_metadata(demo: chidu.Standard, mini: chidu.Standard) -> None:
    assert [g["id"] for g in demo.grades] == ["excellent", "good", "pass", "fail"]
    assert demo.grades[0]["label"] == {"zh": "优秀", "en": "Excellent"}
    assert (demo.grades[0]["min_score"], demo.grades[0]["min_section_ratio"]) == (90, 0.7)
    assert demo.grades[-1]["min_score"] is None
    assert [i["id"] for i in demo.indicators] == demo.indicator_ids
    assert [i for s in demo.sections for i in s["indicators"]] == demo.indicator_ids
    assert sum(s["points"] for s in demo.sections) == demo.total == 100
    assert any(i["veto"] for i in demo.indicators) and any(i["bonus"] for i in demo.indicators)
    assert demo.title["zh"].startswith("乡镇")
    assert (demo.id_field, demo.name_field, demo.group_fields) == ("id", "name", ["county", "town"])
    (a1, a2) = mini.indicators
    assert a1 == {"id": "A-01", "section": "A", "title": {"zh": "场地面积", "en": "Floor area"},
                  "clause": None, "points": 6, "veto": False, "bonus": False}
    assert a2["section"] == "A" and mini.sections[0]["title"]["en"] == "Premises and staff"
    assert mini.group_fields == ["county"]


def test_labels_and_names_come_from_the_standard(mini: chidu.Standard) -> None:
    rec = {"id": "S1", "name": "张三", "county": "甲县", "area_m2": 80, "staff": [{"employment": "full_time"}]}
    r = mini.evaluate(rec, as_of=AS_OF)
    assert (r.grade, r.grade_label_in("zh"), r.grade_label_in("en")) == ("pass", "合格", "Pass")
    assert r.name == "***" and r.to_dict()["record"]["name"] == "***"
    assert mini.evaluate(rec, as_of=AS_OF, mask_pii=False).name == "张三"
    batch = mini.evaluate_many([rec], as_of=dt.date(2026, 1, 2))
    assert batch.as_of == "2026-01-02"
    pytest.importorskip("pandas")
    frame = batch.to_pandas()
    assert frame["name"].tolist() == ["***"] and frame["county"].tolist() == ["甲县"]
    assert "ratio.A" in frame.columns


def test_an_all_invalid_batch_still_has_the_section_columns(mini: chidu.Standard) -> None:
    pytest.importorskip("pandas")
    batch = mini.evaluate_many([{"id": "S1", "area_m2": "big"}], as_of=AS_OF)
    frame = batch.to_pandas()
    assert batch.invalid == 1 and "ratio.A" in frame.columns and frame["county"].isna().all()
    assert len(batch.findings()) == 0


# ---------------------------------------------------------------- dicts read directly


def test_dict_values_of_every_python_kind(mini: chidu.Standard) -> None:
    import collections
    import decimal
    import types

    plain = {"id": "S1", "county": "甲县", "opened": "2020-01-02", "area_m2": 80.0,
             "staff": [{"employment": "full_time"}, {"employment": "part_time"}]}
    want = mini.evaluate(plain, as_of=AS_OF).to_dict()
    variants = [
        dict(plain, opened=dt.date(2020, 1, 2)),
        dict(plain, opened=dt.datetime(2020, 1, 2, 8, 30)),
        dict(plain, area_m2=80),
        dict(plain, area_m2=decimal.Decimal("80.0")),
        dict(plain, staff=tuple(plain["staff"])),
        dict(plain, staff=[types.MappingProxyType(s) for s in plain["staff"]]),
        collections.OrderedDict(plain),
    ]
    for rec in variants:
        assert mini.evaluate(rec, as_of=AS_OF).to_dict() == want, rec
    batch = mini.evaluate_many(variants, as_of=AS_OF)
    assert batch.invalid == 0 and all(r.to_dict() == want for r in batch)  # type: ignore[union-attr]


def test_unknown_fields_are_warned_not_read(mini: chidu.Standard) -> None:
    r = mini.evaluate({"id": "S1", "area_m2": 80, "photo": object(), "extra": {1: b"x"}}, as_of=AS_OF)
    assert sorted(w["path"] for w in r.warnings) == ["extra", "photo"]


def test_dict_errors_name_the_record_and_the_place(mini: chidu.Standard) -> None:
    cases = [
        ({"staff": [{"employment": "boss"}], "id": "LATE"}, "LATE", "staff[0].employment", "not one of"),
        ({"id": 7, "area_m2": 2**70}, "7", "id", "expected a string"),
        ({"id": "S2", "area_m2": 2**70}, "S2", "area_m2", "integer out of range"),
        ({"id": "S3", "opened": b"2020-01-01"}, "S3", "opened", "bytes"),
        ({"id": "S4", "staff": [{1: "full_time"}]}, "S4", "staff[0]", "keys must be strings"),
        ({"id": "S5", "area_m2": float("-inf")}, "S5", "area_m2", "finite"),
        ({"id": "S6", "opened": "2020-02-30"}, "S6", "opened", "date"),
        ({"name": "no id"}, None, "id", "required"),
    ]
    batch = mini.evaluate_many([c[0] for c in cases], as_of=AS_OF)
    assert batch.invalid == len(cases)
    for (rec, record, path, message), err in zip(cases, batch.errors):
        assert (err["record"], err["path"]) == (record, path), (rec, err)
        assert message in err["message"], (rec, err)
        with pytest.raises(chidu.RecordError) as raised:
            mini.evaluate(rec, as_of=AS_OF)
        assert (raised.value.record, raised.value.path) == (record, path)


def test_cyclic_values_are_bounded(mini: chidu.Standard) -> None:
    # A dict that contains itself: under a field the schema does not know it is only warned
    # about; where the schema reads it, it is an error entry, never a hang or a crash.
    loop: dict = {"id": "C1", "area_m2": 80}
    loop["extra"] = loop
    staff: list = []
    staff.append({"employment": staff})
    batch = mini.evaluate_many([loop, {"id": "C2", "staff": staff}], as_of=AS_OF)
    assert batch.invalid == 1
    assert [w["path"] for w in next(iter(batch)).warnings] == ["extra"]  # type: ignore[union-attr]
    assert batch.errors[0]["record"] == "C2"


def test_gaps_are_the_json_gaps_to_the_type(repo: Path) -> None:
    """`Report.gaps` is built without the JSON; it must still match it exactly (ints stay ints)."""
    std = chidu.Standard.builtin("taicang")
    records = chidu.load_records(repo / "standards" / "taicang" / "examples")
    seen: set[str] = set()
    for r in std.evaluate_many(records, as_of=AS_OF):
        want = r.to_dict()["gaps"]
        assert json.dumps(r.gaps, ensure_ascii=False) == json.dumps(want, ensure_ascii=False)
        seen |= {g["status"] for g in want} | {"veto" for g in want if g.get("veto")}
        seen |= {"fraction" for g in want if not isinstance(g["lost"], int)}
    # The examples reach every shape a gap has: vetoes, fractional losses, the statuses.
    assert {"veto", "fraction", "not_met", "partial"} <= seen, seen


def test_gap_dicts_are_the_callers_own(repo: Path) -> None:
    """The gap dicts are copies of cached ones: changing one changes no other, then or later."""
    std = chidu.Standard.builtin("taicang")
    records = chidu.load_records(repo / "standards" / "taicang" / "examples")
    first, second = std.evaluate_many(records[:1] * 2, as_of=AS_OF)
    want = first.to_dict()["gaps"]
    mine = first.gaps
    assert mine[0] is not second.gaps[0]
    for g in mine:
        g["indicator"], g["lost"], g["status"] = "changed", -1, "changed"
        g["extra"] = True
    assert first.gaps == want and second.gaps == want
    assert std.evaluate_many(records[:1], as_of=AS_OF)[0].gaps == want


GAPS_IN_A_FINALIZER = """
import gc, sys
import chidu
std = chidu.Standard.builtin("taicang")
reports = list(std.evaluate_many(chidu.load_records(sys.argv[1]), as_of="2026-06-30"))
want = [r.to_dict()["gaps"] for r in reports]

left = [2000]
inside = [0]
wrong = []  # an exception in a finalizer is only printed, so wrong dicts are noted here

# Cyclic garbage, freed only by the collector, at whatever allocation comes next. Its
# finalizer reads gaps and leaves another one behind, so the next collection (often in the
# middle of building gap dicts) has one to finalize too.
class Reader:
    def __init__(self):
        self.me = self

    def __del__(self):
        inside[0] += 1
        if reports[0].gaps != want[0]:
            wrong.append(inside[0])
        if left[0] > 0:
            left[0] -= 1
            Reader()

gc.set_threshold(1)
Reader()
while left[0] > 0:
    assert [r.gaps for r in reports] == want
print("ok" if not wrong else f"wrong {wrong[:5]}", inside[0])
"""


def test_gaps_read_from_a_finalizer_during_gaps(repo: Path) -> None:
    """The collector can run a finalizer in the middle of building the gap dicts; one that
    reads gaps itself must neither deadlock on the dict cache nor see wrong dicts."""
    import subprocess
    import sys

    run = subprocess.run(
        [sys.executable, "-c", GAPS_IN_A_FINALIZER, str(repo / "standards" / "taicang" / "examples")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 0 and run.stdout.startswith("ok"), (run.stdout, run.stderr[-2000:])
