"""docs/notebooks/audit.ipynb: executed with nbclient (about 10 s; CI runs it), and kept free of
outputs so that it diffs cleanly."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

NOTEBOOK = Path(__file__).resolve().parents[3] / "docs" / "notebooks" / "audit.ipynb"


def test_notebook_is_committed_without_outputs() -> None:
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code, "the notebook has no code cells"
    for cell in code:
        assert cell["outputs"] == [] and cell["execution_count"] is None, (
            f"clear the outputs of cell {cell.get('id')} before committing "
            "(jupyter nbconvert --clear-output --inplace docs/notebooks/audit.ipynb)"
        )


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_notebook_runs(tmp_path: Path) -> None:
    for module in ("nbclient", "nbformat", "ipykernel", "pandas", "matplotlib"):
        pytest.importorskip(module)
    import nbclient
    import nbformat

    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    start = time.perf_counter()
    client.execute()
    elapsed = time.perf_counter() - start
    assert elapsed < 120, f"the notebook took {elapsed:.0f} s (CI runs it only while under two minutes)"

    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "240 records, 1 invalid, as of 2026-06-30" in text
    rich = [o for o in outputs if o.output_type in ("execute_result", "display_data")]
    assert any("image/png" in o.data for o in rich), "no plot"
    htmls = "".join(o.data.get("text/html", "") for o in rich)
    assert "<table" in htmls and "GL-V1" in htmls  # DataFrames and a report shown as tables
