"""Worker functions for the multiprocessing test (importable by spawned processes)."""

from __future__ import annotations

from typing import Any

import chidu


def score_partition(std: chidu.Standard, records: list[dict[str, Any]], as_of: str) -> dict[str, Any]:
    """What a Dask or Spark partition function does: evaluate with a pickled standard."""
    batch = std.evaluate_many(records, as_of=as_of)
    frame = batch.to_pandas()
    return {"digest": std.digest, "scores": frame["score"].tolist(), "summary": batch.summary()}
