"""Exceptions and diagnostics of chidu (raised by the native module as well)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["ChiduError", "Diagnostic", "RecordError", "StandardError"]


@dataclass(frozen=True)
class Diagnostic:
    """One load or lint error of a standard, pointing into a rule file."""

    code: str
    """Stable code, e.g. ``unknown_field`` (see tests/cases/README.md)."""
    message: str
    file: str | None = None
    line: int | None = None
    """1-based line, when the diagnostic has a place."""
    column: int | None = None
    """1-based column, counted in characters."""
    help: str | None = None
    """A hint such as "did you mean `staff`?"."""
    snippet: str | None = None
    """The source line with carets under the offending text."""

    def __str__(self) -> str:
        where = ""
        if self.file is not None:
            where = self.file
            if self.line is not None:
                where += f":{self.line}:{self.column}"
            where += ": "
        text = f"{where}error[{self.code}]: {self.message}"
        if self.help:
            text += f"\n  = help: {self.help}"
        return text

    def to_dict(self) -> dict[str, Any]:
        """The diagnostic as ``chidu lint --format json`` writes it."""
        return {
            "code": self.code,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "message": self.message,
            "help": self.help,
        }


class ChiduError(ValueError):
    """Base class of chidu's errors."""


class StandardError(ChiduError):
    """A standard (or a waivers list) failed to load: ``diagnostics`` says where and why."""

    diagnostics: list[Diagnostic]

    def __init__(self, message: str, diagnostics: list[Diagnostic] | None = None) -> None:
        super().__init__(message)
        self.diagnostics = list(diagnostics or [])

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (str(self), self.diagnostics))


class RecordError(ChiduError):
    """A record breaks the standard's record schema and cannot be evaluated."""

    record: str | None
    """The record's id, when it could be read."""
    path: str
    """Where in the record (``staff[2].employment``); empty for the whole record."""
    message: str
    """What is wrong."""
    origin: str | None
    """Where the record came from in a batch (``[3]``, ``file.jsonl:12``)."""

    def __init__(
        self,
        text: str,
        message: str | None = None,
        *,
        record: str | None = None,
        path: str = "",
        origin: str | None = None,
    ) -> None:
        super().__init__(text)
        self.message = text if message is None else message
        self.record = record
        self.path = path
        self.origin = origin

    def __reduce__(self) -> tuple[Any, ...]:
        return (_record_error, (str(self), self.message, self.record, self.path, self.origin))


def _record_error(text: str, message: str, record: str | None, path: str, origin: str | None) -> RecordError:
    return RecordError(text, message, record=record, path=path, origin=origin)
