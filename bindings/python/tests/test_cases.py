"""The shared data-driven cases (tests/cases/*.yaml) run through the Python API.

The same files drive the Rust suite (crate `chidu`, test `cases`); tests/cases/README.md
describes them. Packs are loaded with `Standard.from_strings`, records evaluated with
`Standard.evaluate`, expectations compared as the README says (numbers to 2 decimals, only
the keys given), load errors through `StandardError.diagnostics` and invalid records through
`RecordError`.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import Any

import pytest

import chidu
from chidu import _chidu

CASES_DIR = Path(__file__).resolve().parents[3] / "tests" / "cases"


def round2(x: float) -> float:
    """Half away from zero to 2 decimals, as the engine rounds."""
    y = x * 100
    y += math.copysign(abs(y) * 4 * sys.float_info.epsilon, y)
    return math.copysign(math.floor(abs(y) + 0.5), y) / 100


def num_eq(want: Any, got: Any) -> bool:
    if want is None or got is None:
        return want is None and got is None
    if isinstance(want, bool) or not isinstance(want, (int, float)) or not isinstance(got, (int, float)):
        return False
    return abs(round2(float(want)) - round2(float(got))) < 1e-9


def subset(want: Any, got: Any) -> bool:
    """`want` is contained in `got` (objects by key, numbers to 2 decimals)."""
    if isinstance(want, dict) and isinstance(got, dict):
        return all(k in got and subset(v, got[k]) for k, v in want.items())
    if isinstance(want, (int, float)) and not isinstance(want, bool) and isinstance(got, (int, float)) and not isinstance(got, bool):
        return num_eq(want, got)
    if isinstance(want, list) and isinstance(got, list):
        return len(want) == len(got) and all(subset(a, b) for a, b in zip(want, got))
    return bool(want == got)


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386."""
    if not isinstance(patch, dict):
        return patch
    out = dict(target) if isinstance(target, dict) else {}
    for k, v in patch.items():
        if v is None:
            out.pop(k, None)
        else:
            out[k] = merge_patch(out.get(k), v)
    return out


def check_indicator(f: list[str], iid: str, got: dict[str, Any], want: Any) -> None:
    if isinstance(want, str):
        if got["status"] != want:
            f.append(f"{iid}: expected {want}, got {got['status']}")
        return
    for k, v in want.items():
        if k == "status":
            if got["status"] != v:
                f.append(f"{iid}: expected {v}, got {got['status']}")
        elif k in ("earned", "possible"):
            if not num_eq(v, got[k]):
                f.append(f"{iid}.{k}: expected {v}, got {got[k]}")
        elif k == "missing":
            if got.get("missing", []) != v:
                f.append(f"{iid}.missing: expected {v}, got {got.get('missing')}")
        elif k == "deductions":
            paths = [d.get("path") or d.get("item") or "" for d in got.get("deductions", [])]
            ok = len(paths) == v if isinstance(v, int) and not isinstance(v, bool) else paths == v
            if not ok:
                f.append(f"{iid}.deductions: expected {v}, got {paths}")
        elif k in ("comparison", "values"):
            if not subset(v, got.get(k)):
                f.append(f"{iid}.{k}: expected {v}, got {got.get(k)}")
        elif k in ("message_en", "message_zh"):
            msg = (got.get("message") or {}).get(k[-2:], "")
            if msg != v:
                f.append(f"{iid}.{k}: expected {v!r}, got {msg!r}")
        else:
            f.append(f"{iid}: unknown expectation `{k}`")


def check_expect(report: chidu.Report, expect: dict[str, Any]) -> list[str]:
    f: list[str] = []
    for key, want in expect.items():
        if key in ("score", "score_without_waivers", "bonus"):
            got = getattr(report, key)
            if not num_eq(want, got):
                f.append(f"{key}: expected {want}, got {got}")
        elif key == "grade":
            if report.grade != want:
                f.append(f"grade: expected {want}, got {report.grade}")
        elif key == "vetoed":
            if report.vetoed is not want:
                f.append(f"vetoed: expected {want}, got {report.vetoed}")
        elif key in ("vetoes", "vetoes_unresolved", "waivers"):
            got = getattr(report, key)
            if got != want:
                f.append(f"{key}: expected {want}, got {got}")
        elif key == "gaps":
            got = [g["indicator"] for g in report.gaps]
            if got != want:
                f.append(f"gaps: expected {want}, got {got}")
        elif key == "warnings":
            got = [w["path"] for w in report.warnings]
            if got != want:
                f.append(f"warnings: expected {want}, got {got}")
        elif key == "sections":
            secs = {s["id"]: s for s in report.sections}
            for sid, w in want.items():
                if sid not in secs:
                    f.append(f"sections.{sid}: no such section")
                    continue
                for k, v in w.items():
                    if not num_eq(v, secs[sid].get(k)):
                        f.append(f"sections.{sid}.{k}: expected {v}, got {secs[sid].get(k)}")
        elif key == "indicators":
            for iid, w in want.items():
                got_ind = report.indicator(iid)
                if got_ind is None:
                    f.append(f"indicators.{iid}: no such indicator")
                    continue
                check_indicator(f, iid, got_ind, w)
        else:
            f.append(f"unknown expectation `{key}`")
    return f


def load_pack(case: dict[str, Any], packs: dict[str, Any]) -> chidu.Standard:
    if "files" in case:
        return chidu.Standard.from_strings(case["files"], case.get("root", ""))
    pack = case["pack"]
    if pack.startswith("builtin:"):
        return chidu.Standard.builtin(pack)
    return chidu.Standard.from_strings(packs[pack], "")


def diag_matches(d: chidu.Diagnostic, want: dict[str, Any]) -> bool:
    text = f"{d.message} {d.help or ''}"
    return (
        ("code" not in want or want["code"] == d.code)
        and ("file" not in want or (d.file is not None and d.file.endswith(want["file"])))
        and ("line" not in want or want["line"] == (d.line or 0))
        and ("column" not in want or want["column"] == (d.column or 0))
        and ("contains" not in want or want["contains"] in text)
    )


def run_case(case: dict[str, Any], packs: dict[str, Any]) -> list[str]:
    if "expect_errors" in case:
        try:
            load_pack(case, packs)
        except chidu.StandardError as e:
            failures = []
            for want in case["expect_errors"]:
                if not any(diag_matches(d, want) for d in e.diagnostics):
                    got = "\n      ".join(f"{d.code} {d.file}:{d.line}:{d.column} {d.message}" for d in e.diagnostics)
                    failures.append(f"expected error {want}, got:\n      {got}")
            return failures
        return [f"expected the load to fail with {len(case['expect_errors'])} error(s), but it loaded"]
    std = load_pack(case, packs)
    record = case["record"]
    if "patch" in case:
        record = merge_patch(record, case["patch"])
    want_error = case.get("expect_record_error")
    try:
        report = std.evaluate(record, as_of=case["as_of"], waivers=case.get("waivers"))
    except chidu.RecordError as e:
        if want_error is None:
            return [f"unexpected record error: {e}"]
        if e.path != want_error.get("path", ""):
            return [f"expected a record error at `{want_error.get('path')}`, got: {e}"]
        return []
    if want_error is not None:
        return [f"expected a record error at `{want_error.get('path')}`, but the record was evaluated"]
    if "expect" not in case:
        return ["the case has no `expect`"]
    return check_expect(report, case["expect"])


def collect() -> list[Any]:
    params = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        doc = _chidu._parse_yaml(path.read_text(encoding="utf-8"), path.name)
        packs = doc.get("packs") or {}
        for i, case in enumerate(doc.get("cases") or []):
            name = case.get("name") or f"case {i + 1}"
            params.append(pytest.param(case, packs, id=f"{path.stem}: {name}"))
    return params


CASES = collect()


def test_cases_exist() -> None:
    assert len(CASES) >= 100, "the shared cases should all be collected"


@pytest.mark.parametrize(("case", "packs"), CASES)
def test_shared_case(case: dict[str, Any], packs: dict[str, Any]) -> None:
    failures = run_case(case, packs)
    assert not failures, "\n".join(failures)
