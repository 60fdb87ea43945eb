"""The stubs match the native module (stubtest) and type-check real use (mypy)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent

pytest.importorskip("mypy")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    with tempfile.TemporaryDirectory() as cache:  # keep mypy's cache out of the work tree
        env = dict(os.environ, MYPY_CACHE_DIR=cache)
        return subprocess.run([sys.executable, "-m", *args], capture_output=True, text=True, cwd=cache, env=env, check=False)


def test_stubtest() -> None:
    out = run("mypy.stubtest", "chidu._chidu", "--concise")
    assert out.returncode == 0, out.stdout + out.stderr


def test_mypy_on_typed_usage() -> None:
    out = run("mypy", "--strict", "--no-incremental", "--ignore-missing-imports", str(HERE / "typed_usage.py"))
    assert out.returncode == 0, out.stdout + out.stderr


def test_package_ships_markers() -> None:
    import chidu

    pkg = Path(chidu.__file__).parent
    assert (pkg / "py.typed").exists() and (pkg / "_chidu.pyi").exists()
