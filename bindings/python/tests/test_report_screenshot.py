"""The CLI's HTML report renders in headless Chromium to a non-blank page (issue 5)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def _chidu() -> Path | None:
    for profile in ("debug", "release"):
        exe = ROOT / "target" / profile / "chidu"
        if exe.exists():
            return exe
    return None


@pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium is not installed")
def test_html_report_renders_to_a_non_blank_screenshot(tmp_path: Path) -> None:
    image = pytest.importorskip("PIL.Image")
    exe = _chidu()
    if exe is None:
        pytest.skip("the chidu binary is not built")
    html = tmp_path / "report.html"
    subprocess.run([str(exe), "check", "demo", "--as-of", "2026-06-30", "--format", "html", "-o", str(html)], check=True)
    assert "http://" not in html.read_text(encoding="utf-8").replace("http://www.w3.org/2000/svg", "")
    png = tmp_path / "report.png"
    subprocess.run(
        ["chromium", "--headless", "--no-sandbox", "--disable-gpu", f"--screenshot={png}", "--window-size=1200,1600", html.as_uri()],
        check=True,
        capture_output=True,
        timeout=120,
    )
    with image.open(png) as img:
        colors = img.convert("RGB").getcolors(maxcolors=1 << 20)
    assert colors is not None and len(colors) > 50, "the screenshot is blank or nearly so"
