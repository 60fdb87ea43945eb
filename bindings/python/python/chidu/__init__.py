"""尺度 chidu: a standards-compliance rule engine for township social work stations.

Load a standard, evaluate station records, and get scored, bilingual gap reports::

    import chidu
    std = chidu.Standard.builtin("demo")          # or chidu.Standard.load("standards/taicang")
    report = std.evaluate(record, as_of="2026-06-30")
    report.score, report.grade, report.gaps
    batch = std.evaluate_many(records)            # list of dicts, a DataFrame, or JSON Lines text
    batch.to_pandas(); batch.findings(); batch.summary()
    for report in std.evaluate_iter(records): ...  # part by part: memory stays flat
"""

from __future__ import annotations

from ._errors import ChiduError, Diagnostic, RecordError, StandardError
from ._chidu import (
    BatchReport,
    Report,
    ReportStream,
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
    "ReportStream",
    "Standard",
    "StandardError",
    "__version__",
    "builtins",
    "lint",
    "load_records",
]
