"""尺度 chidu: a standards-compliance rule engine for township social work stations.

Load a standard, evaluate station records, and get scored, bilingual gap reports::

    import chidu
    std = chidu.Standard.builtin("demo")          # or chidu.Standard.load("standards/taicang")
    report = std.evaluate(record, as_of="2026-06-30")
    report.score, report.grade, report.gaps
    batch = std.evaluate_many(records)            # list of dicts, a DataFrame, or JSON Lines text
    batch.to_pandas(); batch.findings(); batch.summary()
"""

from __future__ import annotations

from ._errors import ChiduError, Diagnostic, RecordError, StandardError
from ._chidu import (
    BatchReport,
    Report,
    Standard,
    __version__,
    builtins,
    lint,
    load_records,
)

__all__ = [
    "BatchReport",
    "ChiduError",
    "Diagnostic",
    "RecordError",
    "Report",
    "Standard",
    "StandardError",
    "__version__",
    "builtins",
    "lint",
    "load_records",
]
