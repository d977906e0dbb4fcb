"""Shared fixtures: the builtin rubric's full-marks facts and the demo document."""

import copy
import threading
import time

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


def _while_ticking(call):
    """Runs `call()` while another thread wakes every millisecond; returns its result, how many
    times the other thread woke during the call, its longest wait and the call's length (s)."""
    stamps = []
    done = threading.Event()

    def tick():
        while not done.is_set():
            stamps.append(time.perf_counter())
            time.sleep(0.001)

    ticker = threading.Thread(target=tick)
    ticker.start()
    time.sleep(0.05)
    start = time.perf_counter()
    result = call()
    end = time.perf_counter()
    done.set()
    ticker.join()
    during = [start] + [s for s in stamps if start < s < end] + [end]
    longest = max(b - a for a, b in zip(during, during[1:]))
    return result, len(during) - 2, longest, end - start


@pytest.fixture
def while_ticking():
    """`while_ticking(call)`: runs `call()` beside a thread that wakes every millisecond and
    returns `(result, wakes, longest_wait, seconds)`, to check the interpreter is let go."""
    return _while_ticking
