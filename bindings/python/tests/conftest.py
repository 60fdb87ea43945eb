"""Shared fixtures: the repository root, the demo pack and its example records."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import chidu

REPO = Path(__file__).resolve().parents[3]
AS_OF = "2026-06-30"


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def demo() -> chidu.Standard:
    return chidu.Standard.builtin("demo")


@pytest.fixture(scope="session")
def examples() -> dict[str, dict[str, Any]]:
    """The demo pack's example records by file stem (strong, middling, weak)."""
    out = {}
    for path in sorted((REPO / "standards" / "demo" / "examples").glob("*.yaml")):
        (rec,) = chidu.load_records(path)
        out[path.stem] = rec
    return out
