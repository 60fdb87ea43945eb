"""`Standard.evaluate_iter`: the entries of `evaluate_many`, part by part and lazily."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pytest

import chidu

AS_OF = "2026-06-30"


def shown(entry: chidu.Report | chidu.RecordError) -> Any:
    """What an entry says, comparable across calls."""
    if isinstance(entry, chidu.Report):
        return entry.to_json()
    return ("error", entry.origin, entry.record, entry.path, entry.message)


def fleet(examples: dict[str, Any]) -> list[Any]:
    recs: list[Any] = []
    for i in range(9):
        rec = dict(list(examples.values())[i % len(examples)], id=f"S-{i}")
        if i == 4:
            rec["premises"] = {"mode": "palace"}  # breaks the schema: an error entry
        recs.append(rec)
    return recs


def test_every_input_gives_the_batch_entries(demo: chidu.Standard, examples: dict[str, Any], tmp_path: Path) -> None:
    recs = fleet(examples)
    lines = [json.dumps(r, ensure_ascii=False) for r in recs]
    # A blank line, CRLF and a line that is not JSON, as JSON Lines text may hold them.
    text = "\n".join(lines[:3]) + "\n\n" + "\r\n".join(lines[3:6]) + "\n{oops\n" + "\n".join(lines[6:]) + "\n"
    path = tmp_path / "stations.jsonl"
    path.write_text(text, encoding="utf-8")
    (tmp_path / "dir").mkdir()
    (tmp_path / "dir" / "a.json").write_text(json.dumps(recs[:4]), encoding="utf-8")
    (tmp_path / "dir" / "b.yaml").write_text("\n".join(f"- {line}" for line in lines[4:]), encoding="utf-8")
    givens: list[tuple[str, Any]] = [
        ("str", text),
        ("bytes", text.encode()),
        ("path", path),
        ("directory", tmp_path / "dir"),
        ("list", recs),
        ("json texts", lines),
        ("generator", lambda: (r for r in recs)),
    ]
    seen_error = False
    for name, given in givens:
        want = [shown(e) for e in demo.evaluate_many(given() if callable(given) else given, as_of=AS_OF)]
        seen_error |= any(isinstance(w, tuple) for w in want)
        for size in (1, 2, 3, 2048):
            source = given() if callable(given) else given
            got = [shown(e) for e in demo.evaluate_iter(source, as_of=AS_OF, chunk_size=size)]
            assert got == want, f"{name}, parts of {size}"
    assert seen_error


def test_a_dataframe_streams_like_its_batch(demo: chidu.Standard, examples: dict[str, Any]) -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.json_normalize([{k: v for k, v in r.items() if k != "staff"} for r in fleet(examples)])
    want = [shown(e) for e in demo.evaluate_many(frame, as_of=AS_OF)]
    assert [shown(e) for e in demo.evaluate_iter(frame, as_of=AS_OF, chunk_size=4)] == want


def test_a_line_that_is_not_utf8_is_one_error(demo: chidu.Standard, examples: dict[str, Any]) -> None:
    good = json.dumps(examples["strong"]).encode()
    data = good + b'\n{"id": "\xff"}\n' + good + b"\n"
    for entries in (list(demo.evaluate_iter(data, as_of=AS_OF)), list(demo.evaluate_many(data, as_of=AS_OF))):
        assert [type(e).__name__ for e in entries] == ["Report", "RecordError", "Report"]
        error = entries[1]
        assert isinstance(error, chidu.RecordError) and error.origin == "<jsonl>:2"


def test_records_are_read_lazily(demo: chidu.Standard, examples: dict[str, Any]) -> None:
    pulled = 0

    def endless() -> Any:
        nonlocal pulled
        for i in itertools.count():
            pulled += 1
            yield dict(examples["middling"], id=f"S-{i}")

    stream = demo.evaluate_iter(endless(), as_of=AS_OF, chunk_size=10)
    first = list(itertools.islice(stream, 25))
    assert [r.id for r in first if isinstance(r, chidu.Report)] == [f"S-{i}" for i in range(25)]
    assert pulled == 30  # three parts of ten, no more
    assert "10 records per part" in repr(stream)


def test_errors_of_the_caller_and_of_the_source(demo: chidu.Standard, examples: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="chunk_size"):
        demo.evaluate_iter([examples["strong"]], as_of=AS_OF, chunk_size=0)
    with pytest.raises(TypeError, match="evaluate"):
        demo.evaluate_iter(examples["strong"], as_of=AS_OF)
    with pytest.raises(TypeError):
        demo.evaluate_iter(5, as_of=AS_OF)  # type: ignore[arg-type]

    def failing() -> Any:
        for i in range(30):
            if i == 25:
                raise RuntimeError("source failed")
            yield dict(examples["strong"], id=f"S-{i}")

    stream = demo.evaluate_iter(failing(), as_of=AS_OF, chunk_size=10)
    got = list(itertools.islice(stream, 25))  # every record read before the failure comes out
    assert [r.id for r in got if isinstance(r, chidu.Report)] == [f"S-{i}" for i in range(25)]
    with pytest.raises(RuntimeError, match="source failed"):
        next(stream)
    assert next(stream, None) is None  # raised once; then the stream is spent
    assert list(demo.evaluate_iter([], as_of=AS_OF)) == []
    assert list(demo.evaluate_iter("\n\n", as_of=AS_OF)) == []


def test_a_jsonl_file_is_read_part_by_part(demo: chidu.Standard, examples: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "growing.jsonl"
    line = lambda i: json.dumps(dict(examples["strong"], id=f"S-{i}")) + "\n"  # noqa: E731
    path.write_text("".join(line(i) for i in range(3)), encoding="utf-8")
    stream = demo.evaluate_iter(path, as_of=AS_OF, chunk_size=2)
    first = [next(stream), next(stream)]
    with path.open("a", encoding="utf-8") as f:  # lines written after the first part was read
        f.write(line(3) + line(4))
    ids = [r.id for r in [*first, *stream] if isinstance(r, chidu.Report)]
    assert ids == [f"S-{i}" for i in range(5)]


def test_an_overlong_line_is_one_error(demo: chidu.Standard, examples: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "huge.jsonl"
    good = json.dumps(examples["strong"]).encode()
    with path.open("wb") as f:  # a line past the 64 MiB a record may take, between two records
        f.write(good + b"\n" + b"x" * (64 * 2**20 + 1) + b"\n" + good + b"\n")
    entries = list(demo.evaluate_iter(path, as_of=AS_OF, chunk_size=8))
    assert [type(e).__name__ for e in entries] == ["Report", "RecordError", "Report"]
    error = entries[1]
    assert isinstance(error, chidu.RecordError)
    assert error.origin == f"{path}:2" and "longer than the 64 MiB" in error.message


ONE_THREAD_SCRIPT = """
import json, sys
import chidu
recs = json.loads(sys.stdin.read())
demo = chidu.Standard.builtin("demo")
text = "\\n".join(json.dumps(r, ensure_ascii=False) for r in recs) + "\\n{oops\\n"
def shown(e):
    return e.to_json() if isinstance(e, chidu.Report) else ["error", e.origin, e.record, e.path, e.message]
out = {}
import pandas as pd
frame = pd.json_normalize(recs, max_level=1)
for name, given in (("bytes", text.encode()), ("list", recs), ("frame", frame)):
    batch = demo.evaluate_many(given, as_of="2026-06-30")
    out[name] = {
        "many": [shown(e) for e in batch],
        "summary": batch.summary(),
        "iter": [shown(e) for e in demo.evaluate_iter(given, as_of="2026-06-30", chunk_size=256)],
    }
print(json.dumps(out))
"""


def test_one_evaluation_thread_gives_the_same_entries(demo: chidu.Standard, examples: dict[str, Any]) -> None:
    """With `RAYON_NUM_THREADS=1` records are copied and evaluated on the calling thread, in
    parts of at most 16: the entries and the summary must be those of the default thread pool."""
    import os
    import subprocess
    import sys

    recs = fleet(examples) * 5  # 45 records, an error among them: several parts of 16
    text = "\n".join(json.dumps(r, ensure_ascii=False) for r in recs) + "\n{oops\n"
    env = dict(os.environ, RAYON_NUM_THREADS="1")
    run = subprocess.run(
        [sys.executable, "-c", ONE_THREAD_SCRIPT], input=json.dumps(recs), capture_output=True, text=True, env=env, check=True
    )
    got = json.loads(run.stdout)
    import pandas as pd

    for name, given in (("bytes", text.encode()), ("list", recs), ("frame", pd.json_normalize(recs, max_level=1))):
        batch = demo.evaluate_many(given, as_of=AS_OF)
        want = [shown(e) for e in batch]
        want = [list(w) if isinstance(w, tuple) else w for w in want]
        assert len(want) == len(recs) + (name == "bytes")
        assert got[name]["many"] == want, name
        assert got[name]["summary"] == json.loads(json.dumps(batch.summary())), name
        assert got[name]["iter"] == want, name


def test_keys_read_by_identity_name_their_own_text(demo: chidu.Standard, examples: dict[str, Any]) -> None:
    """Keys are cached by the address of their `str` object, and every record here brings keys
    made for it and freed after it: a cached address must never answer for another string.
    Mixed in: shared key objects, a `str` subclass key and more distinct keys than the cache
    holds; each report names its own unknown field, in input order, whatever the part size."""

    class Key(str):
        pass

    base = next(iter(examples.values()))

    def records() -> Any:
        for i in range(1500):
            rec = {"".join(["i", "d"]): f"S-{i}"}  # a fresh `id` object per record
            rec.update((k, v) for k, v in base.items() if k != "id")
            name = "".join(["extra_", str(i)])  # made for this record, freed after it
            rec[Key(name) if i % 7 == 0 else name] = i
            yield rec

    want = [["extra_" + str(i)] for i in range(1500)]
    for size in (1, 16, 2048):
        got = [[w["path"] for w in r.warnings] for r in demo.evaluate_iter(records(), as_of=AS_OF, chunk_size=size)]  # type: ignore[union-attr]
        assert got == want, f"parts of {size}"
    many = [[w["path"] for w in r.warnings] for r in demo.evaluate_many(list(records()), as_of=AS_OF)]  # type: ignore[union-attr]
    assert many == want
