"""Shared fixtures: the builtin rubric's full-marks facts and the demo document."""

import copy

import pytest

import teichaku

FULL_MARKS = {
    "goal_sheet_ai_entry": True,
    "proposals_implemented": 3,
    "success_cases_shared": 2,
    "usage_days_28": 20,
    "incidents": 0,
}

_DEMO = teichaku.demo_document()


@pytest.fixture
def full_marks():
    """Facts that score 100 on the built-in rubric."""
    return dict(FULL_MARKS)


@pytest.fixture
def demo():
    """A fresh copy of the demo organisation's document, free to modify."""
    return copy.deepcopy(_DEMO)


@pytest.fixture
def rubric():
    """A fresh copy of revision 1 of the built-in rubric's document (no required facts, missing
    facts renormalised), free to modify."""
    return teichaku.builtin_rubric("ai-use-in-appraisal@1")
