"""docs/python.md: every ```python block runs, in order, in one namespace (a worked audit)."""

from __future__ import annotations

import contextlib
import io
import os
import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[3] / "docs" / "python.md"
SKIP = "<!-- not executed"


def blocks() -> list[str]:
    text = DOC.read_text(encoding="utf-8")
    out = []
    for m in re.finditer(r"```python\n(.*?)```", text, flags=re.S):
        before = text[: m.start()].rstrip().splitlines()[-1:]
        if before and before[0].startswith(SKIP):
            continue
        out.append(m.group(1))
    return out


@pytest.mark.filterwarnings("ignore:Glyph")
def test_python_md_runs(tmp_path: Path) -> None:
    pytest.importorskip("pandas")
    pytest.importorskip("matplotlib")
    code = blocks()
    assert len(code) >= 6
    ns: dict[str, object] = {"__name__": "docs_python_md"}
    out = io.StringIO()
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        with contextlib.redirect_stdout(out):
            for i, block in enumerate(code):
                exec(compile(block, f"docs/python.md block {i + 1}", "exec"), ns)
    finally:
        os.chdir(cwd)
    printed = out.getvalue()
    assert "240 1" in printed and "HH-0017 premises.mode" in printed
    assert (tmp_path / "prefecture-sections.png").stat().st_size > 10_000
    assert str(ns["markdown"]).startswith("# HH-")
