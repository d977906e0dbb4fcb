"""The package itself: what it exports, its docstring's example, and the exception hierarchy."""

import doctest

import teichaku


def test_the_docstring_example_runs():
    failed, attempted = doctest.testmod(teichaku)
    assert attempted > 0 and failed == 0


def test_everything_exported_exists():
    assert all(hasattr(teichaku, name) for name in teichaku.__all__)
    assert teichaku.__version__ == teichaku.ENGINE_VERSION
    assert "ai-use-in-appraisal" in teichaku.BUILTIN_RUBRICS


def test_every_error_is_a_teichaku_error_and_a_value_error():
    for error in (teichaku.DocumentError, teichaku.ValidationError, teichaku.RubricError,
                  teichaku.EvaluationError, teichaku.AssessmentError):
        assert issubclass(error, teichaku.TeichakuError)
        assert issubclass(error, ValueError)
        assert error.__module__ == "teichaku"


def test_an_error_raised_by_hand_still_has_problems():
    assert teichaku.ValidationError("by hand").problems == ()


def test_the_builtin_rubric_document_compiles(full_marks):
    rubric = teichaku.builtin_rubric()
    assert (rubric["id"], rubric["revision"]) == ("ai-use-in-appraisal", 2)
    assert teichaku.evaluate(rubric, full_marks)["total"] == 100.0
    # Revision 1, by its revision: the same document as the file that still ships with it.
    old = teichaku.builtin_rubric("ai-use-in-appraisal@1")
    assert old["revision"] == 1
    assert teichaku.evaluate(old, {"usage_days_28": 16})["total"] == 100.0
