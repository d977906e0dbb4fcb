"""Type stubs of the native module ``teichaku._teichaku`` (re-exported by ``teichaku``)."""

import datetime
from typing import Any, Iterable, Mapping, Optional, Union

Json = dict[str, Any]
Document = Union[Mapping[str, Any], str, bytes]
"""An assessment document: a dict, or its JSON text."""
RubricArg = Union[str, Mapping[str, Any]]
"""A built-in rubric's id (see BUILTIN_RUBRICS), a rubric dict, or its JSON text (a str starting with "{")."""
FactValue = Union[bool, int, float, str, None]
"""A number, a bool, an enumeration value, or None for a missing fact."""

ENGINE_VERSION: str
BUILTIN_RUBRICS: tuple[str, ...]

class TeichakuError(ValueError):
    """Bad input to teichaku; ``problems`` lists each problem as a dict with ``error``, ``message``
    and ``message_ja`` (the message in Japanese, rows and positions counted from 1); ``message_ja``
    is the exception's message in Japanese."""

    problems: list[Json]
    message_ja: str

class DocumentError(TeichakuError):
    """A document that cannot be read: problems carry ``path`` (from a dict) or ``line``/``column`` (from text)."""

class ValidationError(TeichakuError):
    """A document that was read and is invalid; each problem names its ``record``."""

class RubricError(TeichakuError):
    """A rubric that cannot be read or compiled; each problem names its place ``at`` in the rubric."""

class EvaluationError(TeichakuError):
    """Facts that cannot be evaluated; each problem names its ``fact`` (and ``subject`` and ``id`` in a batch)."""

class AssessmentError(TeichakuError):
    """A valid document that cannot be assessed."""

def validate(document: Document, /) -> None: ...
def evaluate(rubric: RubricArg, facts: Mapping[str, FactValue], /) -> Json: ...
def evaluate_batch(
    rubric: RubricArg,
    subjects: Union[Iterable[Mapping[str, Any]], Any],
    /,
    *,
    arrow: bool = False,
    columns: bool = False,
) -> Any:
    """The batch report as a dict; ``subjects`` may be a table with ``__arrow_c_stream__`` (pandas,
    Polars, pyarrow) of columns ``subject``, ``group``, ``roles`` and one per fact; with
    ``arrow=True`` a pyarrow Table of the results, one row per subject; with ``columns=True`` the
    same columns as lists under ``"columns"``, beside the report's provenance and counts. The
    subjects are scored without holding the GIL."""
def assess(document: Document, as_of: Union[datetime.date, str], /) -> Json: ...
def builtin_rubric(id: str = "ai-use-in-appraisal", /) -> Json: ...
def demo_document() -> Json: ...
def read_vendor(
    data: bytes,
    vendor: str,
    /,
    *,
    github_logins: Optional[str] = None,
) -> Json: ...
def import_members(
    data: bytes,
    /,
    *,
    as_of: Union[datetime.date, str],
    encoding: Optional[str] = None,
    filename_hint: Optional[str] = None,
    playbook: str = "sme-five-step",
    name: str = "Organisation",
    utc_offset: str = "+09:00",
    launch_date: Union[datetime.date, str, None] = None,
    roles: Optional[str] = None,
) -> Json: ...
def what_if(
    document: Document,
    as_of: Union[datetime.date, str],
    /,
    complete: list[str] = ...,
    lang: Optional[str] = None,
    top: int = 5,
    usage: Any = None,
) -> Json: ...
def rollup(rubric: RubricArg, subjects: Iterable[Mapping[str, Any]], /, min_group_size: int = 5) -> Json: ...
def calibrate(
    rubric: RubricArg, subjects: Iterable[Mapping[str, Any]], target: Mapping[str, Any], /
) -> Json: ...
def html_report(
    document: Document, as_of: Union[datetime.date, str], /, lang: str = "en", top: int = 10, usage: Any = None
) -> str: ...
def assessment_text(
    document: Document, as_of: Union[datetime.date, str], /, lang: str = "en", top: int = 10, usage: Any = None
) -> str: ...
