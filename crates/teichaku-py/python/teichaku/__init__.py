"""teichaku from Python: validate assessment documents, evaluate appraisal rubrics, assess organisations.

Every function takes plain dicts and lists (or JSON text) and returns plain dicts, the same
shapes as the ``teichaku`` command line's ``--format json``. Bad input raises a subclass of
:class:`TeichakuError` (a ``ValueError``) whose ``problems`` attribute lists every problem found,
each a dict with ``error`` (its kind) and ``message``, naming the record, rubric item, fact or
subject at fault. An argument of the wrong Python type raises ``TypeError``.

>>> import teichaku
>>> e = teichaku.evaluate("ai-use-in-appraisal", {"goal_sheet_ai_entry": True, "proposals_implemented": 3,
...     "success_cases_shared": 2, "usage_days_28": 20, "incidents": 0})
>>> (e["total"], e["band"])
(100.0, 'S')
"""

from pathlib import Path

from . import _teichaku
from ._teichaku import (
    BUILTIN_RUBRICS,
    ENGINE_VERSION,
    AssessmentError,
    DocumentError,
    EvaluationError,
    RubricError,
    TeichakuError,
    ValidationError,
    builtin_rubric,
    demo_document,
    evaluate,
    evaluate_batch,
    import_members,
    read_vendor,
)
from ._teichaku import calibrate as _calibrate
from ._teichaku import rollup as _rollup


def _opener(base_dir, usage_files):
    """What opens the usage event files a document names: the given contents, or files in base_dir."""
    if usage_files is not None:
        files = dict(usage_files)

        def given(name):
            if name not in files:
                raise FileNotFoundError(f"no contents were given for {name!r}")
            return files[name]

        return given
    if base_dir is not None:
        base = Path(base_dir)
        def from_folder(name):
            if name.lower().endswith(".parquet"):
                import pyarrow.parquet

                return pyarrow.parquet.read_table(base / name)
            return open(base / name, "rb")

        return from_folder
    return None


def validate(document, /, *, base_dir=None, usage_files=None):
    """Read and validate an assessment document (a dict, or its JSON text); returns None when valid.

    A document naming usage event files (``observations.usage_files``) has them read and checked
    as :func:`assess` reads them: from ``base_dir`` (the folder the names are relative to, as the
    command line takes the document's folder; a ``.parquet`` file there is read with pyarrow) or
    from ``usage_files``, a mapping of each name to its bytes, or to a table (a pandas or Polars
    DataFrame, a pyarrow Table) with the file's columns. With neither, such a document raises :class:`DocumentError`
    ``usage_files_need_a_source``: the files are never skipped.

    Raises ValidationError listing every problem, each naming its ``record``, or DocumentError
    when the document, or a usage event file, cannot be read.
    """
    return _teichaku.validate(document, _opener(base_dir, usage_files))


def assess(document, as_of, /, *, base_dir=None, usage_files=None):
    """Assess an organisation on ``as_of`` (a datetime.date or "YYYY-MM-DD", the last day that counts).

    Returns the command line's ``assess --format json`` as a dict: KPIs and retention score,
    readiness with the barrier point, the schedule and the ranked next actions. Usage event files
    the document names are read from ``base_dir`` or ``usage_files`` as :func:`validate` reads them.

    Raises what :func:`validate` raises, and AssessmentError when a valid document cannot be assessed.
    """
    return _teichaku.assess(document, as_of, _opener(base_dir, usage_files))


def what_if(document, as_of, /, *, complete=(), lang=None, top=5, base_dir=None, usage_files=None):
    """What completing activities on ``as_of`` would change, and the best single action.

    Returns ``teichaku whatif --format json`` as a dict: ``completed`` (one completion per
    instance), ``changes`` (phase, readiness, score and barrier before and after, the instances
    whose status changed, the actions added and removed; only when ``complete`` names something)
    and ``best_single_actions`` (every ready action of the assessment as it is, ranked by the
    instances it would make startable, then the members they concern).

    ``complete`` lists activities as ``"ACTIVITY"`` (organisation-wide, or each ready or overdue
    instance of a per-unit one) or ``"ACTIVITY@UNIT"`` (a unit id, code or name). With ``lang``
    (``"en"`` or ``"ja"``) the dict also holds ``text``: the report ``teichaku whatif --lang``
    prints, with the first ``top`` actions. Usage event files are read as :func:`assess` reads them.

    Raises what :func:`assess` raises, and AssessmentError naming an activity or unit that cannot
    be completed (``error`` ``unknown_activity``, ``unknown_unit``, ``organisation_wide`` or
    ``nothing_ready``, with ``name``).
    """
    if isinstance(complete, str):
        raise TypeError("complete is a list of activity names, not a str")
    return _teichaku.what_if(document, as_of, list(complete), lang, top, _opener(base_dir, usage_files))


def html_report(document, as_of, /, *, lang="en", top=10, base_dir=None, usage_files=None):
    """The assessment on ``as_of`` as the self-contained HTML page ``teichaku assess --format html`` writes.

    In ``lang`` (``"en"`` or ``"ja"``), listing the first ``top`` next actions; the charts are
    SVG in the page (no script, no network). Usage event files are read as :func:`assess` reads
    them. Raises what :func:`assess` raises.
    """
    return _teichaku.html_report(document, as_of, lang, top, _opener(base_dir, usage_files))


def assessment_text(document, as_of, /, *, lang="en", top=10, base_dir=None, usage_files=None):
    """The assessment on ``as_of`` as the text report ``teichaku assess --lang`` prints, as a str.

    In ``lang`` (``"en"`` or ``"ja"``), listing the first ``top`` next actions. Usage event files
    are read as :func:`assess` reads them. Raises what :func:`assess` raises.
    """
    return _teichaku.assessment_text(document, as_of, lang, top, _opener(base_dir, usage_files))


def rollup(rubric, subjects, /, *, min_group_size=5):
    """Roll a population's results up per group, as ``teichaku evaluate --rollup`` does.

    ``subjects`` as for :func:`evaluate_batch`, each subject's ``group`` naming its group. Returns
    the overall figures and each group's (evaluated count, mean total, band counts, caps applied)
    as a dict; a group of fewer evaluated people than ``min_group_size`` has its figures withheld.
    """
    return _rollup(rubric, subjects, min_group_size)


def calibrate(rubric, subjects, target, /):
    """Who would change band under a target band distribution, as ``teichaku evaluate --calibrate``.

    ``target`` maps every band of the rubric to its share of the ranked subjects (0 to 1, adding
    up to 1), as ``{"S": 0.1, "A": 0.2, ...}`` or ``{"shares": {...}}``. Returns the target cuts
    and every subject who would move, from band to band, as a dict.

    Raises what :func:`evaluate_batch` raises, and EvaluationError for a target that does not fit
    the rubric.
    """
    return _calibrate(rubric, subjects, target)


__version__ = ENGINE_VERSION

__all__ = [
    "BUILTIN_RUBRICS",
    "ENGINE_VERSION",
    "AssessmentError",
    "DocumentError",
    "EvaluationError",
    "RubricError",
    "TeichakuError",
    "ValidationError",
    "assessment_text",
    "assess",
    "builtin_rubric",
    "calibrate",
    "demo_document",
    "evaluate",
    "evaluate_batch",
    "html_report",
    "import_members",
    "read_vendor",
    "rollup",
    "validate",
    "what_if",
]
