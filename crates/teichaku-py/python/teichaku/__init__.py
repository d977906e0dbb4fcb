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

from ._teichaku import (
    BUILTIN_RUBRICS,
    ENGINE_VERSION,
    AssessmentError,
    DocumentError,
    EvaluationError,
    RubricError,
    TeichakuError,
    ValidationError,
    assess,
    builtin_rubric,
    demo_document,
    evaluate,
    evaluate_batch,
    validate,
)

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
    "assess",
    "builtin_rubric",
    "demo_document",
    "evaluate",
    "evaluate_batch",
    "validate",
]
