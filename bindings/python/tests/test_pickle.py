"""A Standard pickles (re-compiling from its sources) so evaluate_many runs in other processes."""

from __future__ import annotations

import multiprocessing
import pickle
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pytest

import chidu
from mp_worker import score_partition

AS_OF = "2026-06-30"

OVERLAY = {
    "pilot/standard.yaml": """\
chidu: 1
id: pilot
extends: builtin:demo
version: "2026.1-pilot"
title: {zh: 试点, en: Pilot}
set_params: {min_area_m2: 40}
""",
}


def roundtrip(std: chidu.Standard) -> chidu.Standard:
    return pickle.loads(pickle.dumps(std))


def test_pickle_builtin(demo: chidu.Standard) -> None:
    data = pickle.dumps(demo)
    assert len(data) < 200  # only the id travels
    assert pickle.loads(data) == demo


def test_pickle_directory_and_strings(repo: Path, examples: dict[str, Any]) -> None:
    loaded = chidu.Standard.load(repo / "standards" / "taicang")
    again = roundtrip(loaded)
    assert again.digest == loaded.digest and again.indicator_ids == loaded.indicator_ids
    overlay = chidu.Standard.from_strings(OVERLAY, root="pilot")
    again = roundtrip(overlay)
    assert again.digest == overlay.digest
    rec = examples["middling"]
    assert again.evaluate(rec, as_of=AS_OF).to_dict() == overlay.evaluate(rec, as_of=AS_OF).to_dict()


def test_pickle_overlay_on_disk(repo: Path) -> None:
    shiyan = chidu.Standard.load(repo / "standards" / "shiyan")  # extends a sibling directory
    assert roundtrip(shiyan).digest == shiyan.digest


def test_exceptions_pickle() -> None:
    e = chidu.RecordError("invalid record `X`: a: bad", "bad", record="X", path="a", origin="[0]")
    back = pickle.loads(pickle.dumps(e))
    assert (str(back), back.message, back.record, back.path, back.origin) == (str(e), "bad", "X", "a", "[0]")
    with pytest.raises(chidu.StandardError) as info:
        chidu.Standard.builtin("nope")
    back_s = pickle.loads(pickle.dumps(info.value))
    assert back_s.diagnostics == info.value.diagnostics and back_s.diagnostics[0].code == "file_not_found"


def test_evaluate_many_in_worker_processes(demo: chidu.Standard, examples: dict[str, Any]) -> None:
    pytest.importorskip("pandas")
    records = [dict(rec, id=f"{rec['id']}-{i}") for i in range(20) for rec in examples.values()]
    parts = [records[i::2] for i in range(2)]
    overlay = chidu.Standard.from_strings(OVERLAY, root="pilot")
    ctx = multiprocessing.get_context("spawn")  # nothing inherited: the standard must pickle
    with ProcessPoolExecutor(max_workers=2, mp_context=ctx) as pool:
        results = list(pool.map(score_partition, [demo, overlay], parts, [AS_OF, AS_OF]))
    assert results[0]["digest"] == demo.digest and results[1]["digest"] == overlay.digest
    assert results[0]["scores"] == demo.evaluate_many(parts[0], as_of=AS_OF).to_pandas()["score"].tolist()
    assert results[1]["summary"] == overlay.evaluate_many(parts[1], as_of=AS_OF).summary()
