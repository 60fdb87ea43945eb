"""Type stubs of the native module `chidu._chidu` (re-exported by `chidu`)."""

import datetime
import os
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, TypeAlias, TypedDict, final, overload

from chidu._errors import Diagnostic, RecordError

__all__ = ["BatchReport", "Report", "ReportStream", "Standard", "__version__", "_parse_yaml", "builtins", "lint", "load_records"]

__version__: str

_Lang: TypeAlias = str  # "zh" or "en"
_DateLike: TypeAlias = datetime.date | str  # a date, or "YYYY-MM-DD"
_Waivers: TypeAlias = str | os.PathLike[str] | Iterable[Mapping[str, Any]] | Mapping[str, Any]
_DataFrame: TypeAlias = Any  # pandas.DataFrame (pandas is an optional dependency: chidu[pandas])
_Records: TypeAlias = Iterable[Mapping[str, Any] | str | bytes] | _DataFrame | str | bytes | os.PathLike[str]

class _Text(TypedDict):
    zh: str
    en: str

class _Grade(TypedDict):
    id: str
    label: _Text
    min_score: float | None
    min_section_ratio: float | None

class _Section(TypedDict):
    id: str
    title: _Text
    points: float
    indicators: list[str]

class _Indicator(TypedDict):
    id: str
    section: str
    title: _Text
    clause: str | None
    points: float
    veto: bool
    bonus: bool

def builtins() -> list[str]:
    """Ids of the built-in standard packs."""

def load_records(path: str | os.PathLike[str], standard: Standard | None = None) -> list[dict[str, Any]]:
    """Reads records from a file or directory (.yaml .yml .json .jsonl .csv) into dicts."""

def lint(path: str | os.PathLike[str]) -> list[Diagnostic]:
    """Loads and lints a pack directory or built-in id; an empty list when it has no problems."""

def _parse_yaml(text: str, name: str = "<string>") -> Any: ...

@final
class Standard:
    """A loaded, type-checked standard pack, compiled for evaluation. Pickles by source."""

    @staticmethod
    def load(path: str | os.PathLike[str]) -> Standard:
        """Loads a pack directory."""

    @staticmethod
    def builtin(id: str) -> Standard:
        """Loads a built-in pack by id (see `builtins()`)."""

    @staticmethod
    def from_strings(files: Mapping[str, str] | Iterable[tuple[str, str]], root: str = "") -> Standard:
        """Loads a pack from file texts keyed by path; `root` is the pack's directory."""

    @staticmethod
    def _from_state(kind: str, key: str, files: list[tuple[str, str]]) -> Standard: ...
    def __reduce__(self) -> tuple[Any, tuple[str, str, list[tuple[str, str]]]]: ...
    @property
    def id(self) -> str: ...
    @property
    def version(self) -> str: ...
    @property
    def digest(self) -> str: ...
    @property
    def indicator_ids(self) -> list[str]: ...
    @property
    def title(self) -> _Text: ...
    @property
    def total(self) -> float: ...
    @property
    def grades(self) -> list[_Grade]:
        """Grade bands in the order they are tried (best first)."""

    @property
    def sections(self) -> list[_Section]: ...
    @property
    def indicators(self) -> list[_Indicator]: ...
    @property
    def id_field(self) -> str: ...
    @property
    def name_field(self) -> str | None: ...
    @property
    def group_fields(self) -> list[str]: ...
    def sources(self) -> list[tuple[str, str]]: ...
    def explain(self, indicator: str, lang: _Lang = "zh") -> str: ...
    def outline(self, lang: _Lang = "zh") -> str: ...
    def record_schema(self) -> dict[str, Any]: ...
    def lint(self) -> list[Diagnostic]: ...
    def evaluate(
        self,
        record: Mapping[str, Any] | str | bytes,
        as_of: _DateLike | None = None,
        waivers: _Waivers | None = None,
        *,
        mask_pii: bool = True,
    ) -> Report:
        """Evaluates one record; raises `RecordError` when it breaks the record schema."""

    def evaluate_many(
        self,
        records: _Records,
        as_of: _DateLike | None = None,
        waivers: _Waivers | None = None,
        *,
        mask_pii: bool = True,
    ) -> BatchReport:
        """Evaluates many records in parallel; invalid records become error entries."""

    def evaluate_iter(
        self,
        records: _Records,
        as_of: _DateLike | None = None,
        waivers: _Waivers | None = None,
        *,
        mask_pii: bool = True,
        chunk_size: int = 256,
    ) -> ReportStream:
        """Evaluates records part by part (each part in parallel) and yields each `Report` or
        `RecordError` in input order, keeping only one part's reports alive at a time."""

    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class Report:
    """The scored gap report of one record (`chidu.report/1`); attributes mirror the JSON."""

    @property
    def id(self) -> str | None: ...
    @property
    def name(self) -> str | None: ...
    @property
    def record(self) -> dict[str, Any]: ...
    @property
    def standard(self) -> dict[str, str]: ...
    @property
    def as_of(self) -> str: ...
    @property
    def score(self) -> float | None: ...
    @property
    def total(self) -> float: ...
    @property
    def bonus(self) -> float: ...
    @property
    def grade(self) -> str | None: ...
    @property
    def vetoed(self) -> bool: ...
    @property
    def vetoes(self) -> list[str]: ...
    @property
    def vetoes_unresolved(self) -> list[str]: ...
    @property
    def score_without_waivers(self) -> float | None: ...
    @property
    def waivers(self) -> list[dict[str, Any]]: ...
    @property
    def warnings(self) -> list[dict[str, Any]]: ...
    @property
    def sections(self) -> list[dict[str, Any]]: ...
    @property
    def indicators(self) -> list[dict[str, Any]]: ...
    @property
    def gaps(self) -> list[dict[str, Any]]: ...
    def indicator(self, id: str) -> dict[str, Any] | None: ...
    def grade_label_in(self, lang: _Lang = "zh") -> str | None: ...
    def to_dict(self) -> dict[str, Any]: ...
    def to_json(self, indent: int | None = None) -> str: ...
    def to_markdown(self, lang: _Lang = "zh") -> str: ...
    def to_text(self, lang: _Lang = "zh") -> str: ...
    def _repr_html_(self) -> str: ...

@final
class BatchReport:
    """The results of many records (`chidu.batch/1`), in input order, with the fleet summary."""

    def __len__(self) -> int: ...
    @overload
    def __getitem__(self, index: int, /) -> Report | RecordError: ...
    @overload
    def __getitem__(self, index: slice, /) -> list[Report | RecordError]: ...
    def __iter__(self) -> Iterator[Report | RecordError]: ...
    @property
    def reports(self) -> list[Report | RecordError]: ...
    @property
    def errors(self) -> list[dict[str, Any]]: ...
    @property
    def invalid(self) -> int: ...
    @property
    def as_of(self) -> str: ...
    def summary(self) -> dict[str, Any]: ...
    def to_dict(self) -> dict[str, Any]: ...
    def to_json(self, indent: int | None = None) -> str: ...
    def to_markdown(self, lang: _Lang = "zh") -> str: ...
    def to_pandas(self) -> _DataFrame: ...
    def findings(self) -> _DataFrame: ...
    def _repr_html_(self) -> str: ...

@final
class ReportStream:
    """What `Standard.evaluate_iter` returns: an iterator of `Report` and `RecordError`."""

    def __iter__(self) -> ReportStream: ...
    def __next__(self) -> Report | RecordError: ...
