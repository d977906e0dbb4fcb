"""Trust in evaluation from Python: no panic on input that changes while it is read, every result
names its rubric's content and the engine, the built-in rubric's revisions, fact ranges and
required facts, bounded weights, shown totals that stay in their band, rubric limits."""

import datetime

import pytest

import teichaku

V1 = "ai-use-in-appraisal@1"


class ShrinkingDate(datetime.date):
    """A date whose isoformat empties the dict it sits in: Python code run mid-conversion."""

    victim: dict = {}

    def isoformat(self):
        self.victim.clear()
        return super().isoformat()


class ShrinkingInt(int):
    """An int whose float value empties the facts dict it sits in."""

    victim: dict = {}

    def __float__(self):
        self.victim.clear()
        return float(int(self))


def test_a_date_that_changes_the_rubric_dict_is_a_rubric_error_naming_its_path(rubric):
    rubric["effective_from"] = ShrinkingDate(2026, 4, 1)
    ShrinkingDate.victim = rubric
    with pytest.raises(teichaku.RubricError) as raised:
        teichaku.evaluate(rubric, {"usage_days_28": 3})
    [problem] = raised.value.problems
    assert problem["error"] == "unconvertible"
    assert problem["path"] == "effective_from"
    assert "changed" in problem["message"]


def test_a_value_that_changes_the_facts_dict_is_an_evaluation_error_naming_the_fact(full_marks):
    facts = dict(full_marks)
    facts["usage_days_28"] = ShrinkingInt(16)
    ShrinkingInt.victim = facts
    with pytest.raises(teichaku.EvaluationError) as raised:
        teichaku.evaluate("ai-use-in-appraisal", facts)
    [problem] = raised.value.problems
    assert (problem["error"], problem["fact"]) == ("changed_while_read", "usage_days_28")
    # The same in a batch.
    facts = dict(full_marks)
    facts["usage_days_28"] = ShrinkingInt(16)
    ShrinkingInt.victim = facts
    with pytest.raises(teichaku.EvaluationError) as raised:
        teichaku.evaluate_batch("ai-use-in-appraisal", [{"id": "e-1", "facts": facts}])
    assert raised.value.problems[0]["fact"] == "usage_days_28"


class GrowingInt(int):
    """An int whose float value adds a key to the subject dict its facts sit in."""

    victim: dict = {}

    def __float__(self):
        self.victim["extra"] = 1
        return float(int(self))


def test_a_value_that_changes_its_subject_dict_is_an_evaluation_error_naming_the_subject(full_marks):
    # The subject dict was read with pyo3's dict iterator, which panicked (PanicException).
    subject = {"id": "e-1", "facts": {**full_marks, "usage_days_28": GrowingInt(16)}, "group": "g"}
    GrowingInt.victim = subject
    for form in ({}, {"columns": True}):
        with pytest.raises(teichaku.EvaluationError) as raised:
            teichaku.evaluate_batch("ai-use-in-appraisal", [{"id": "e-0", "facts": full_marks}, subject], **form)
        [problem] = raised.value.problems
        assert (problem["error"], problem["subject"], problem["key"]) == ("changed_while_read", 1, "facts")
        assert problem["message"] == 'subject #1 changed while its "facts" was read: pass a dict that stays as it is'
        del subject["extra"]


def test_every_result_names_the_rubric_content_and_the_engine(full_marks, rubric):
    e = teichaku.evaluate("ai-use-in-appraisal", full_marks)
    assert e["engine_version"] == teichaku.ENGINE_VERSION
    assert e["rubric_hash"].startswith("sha256:") and len(e["rubric_hash"]) == 71
    batch = teichaku.evaluate_batch("ai-use-in-appraisal", [{"id": "e-1", "facts": full_marks}])
    assert batch["engine_version"] == teichaku.ENGINE_VERSION
    assert batch["rubric_hash"] == e["rubric_hash"]
    assert batch["results"][0]["outcome"]["evaluation"]["rubric_hash"] == e["rubric_hash"]
    # An edited rubric with the same id and revision is told apart by its hash.
    same = teichaku.evaluate(rubric, full_marks)
    rubric["criteria"][0]["weight"] = 21
    edited = teichaku.evaluate(rubric, full_marks)
    assert (edited["rubric_id"], edited["rubric_revision"]) == (same["rubric_id"], same["rubric_revision"])
    assert edited["rubric_hash"] != same["rubric_hash"]
    # Layout does not change it: the same rubric as JSON text hashes the same.
    assert teichaku.evaluate(teichaku.builtin_rubric(V1), full_marks)["rubric_hash"] == same["rubric_hash"]


def test_the_built_in_rubric_by_revision(full_marks):
    assert teichaku.evaluate(V1, full_marks)["rubric_revision"] == 1
    assert teichaku.evaluate("ai-use-in-appraisal@2", full_marks)["rubric_revision"] == 2
    with pytest.raises(teichaku.RubricError) as raised:
        teichaku.evaluate("ai-use-in-appraisal@9", full_marks)
    [problem] = raised.value.problems
    assert (problem["error"], problem["revision"], problem["revisions"]) == ("unknown_revision", 9, [1, 2])
    with pytest.raises(teichaku.RubricError):
        teichaku.builtin_rubric("ai-use-in-appraisal@9")


def test_a_capped_total_is_shown_inside_its_band(full_marks):
    e = teichaku.evaluate("ai-use-in-appraisal", {**full_marks, "incidents": 1})
    assert e["band"] == "B"
    assert 74.99 < e["total"] < 75.0
    assert e["shown_total"] == 74.99  # round(total, 2) would be 75.0, band A's bound


@pytest.mark.parametrize(
    "fact, value",
    [("usage_days_28", 200), ("usage_days_28", -5), ("incidents", -1), ("proposals_implemented", 1e9)],
)
def test_a_fact_out_of_its_range_names_the_fact(full_marks, fact, value):
    with pytest.raises(teichaku.EvaluationError) as raised:
        teichaku.evaluate("ai-use-in-appraisal", {**full_marks, fact: value})
    [problem] = raised.value.problems
    assert (problem["error"], problem["fact"], problem["value"]) == ("out_of_range", fact, value)


@pytest.mark.parametrize("fact", ["usage_days_28", "incidents"])
def test_a_missing_fact_the_built_in_rubric_needs_is_an_error_not_a_lift(full_marks, fact):
    del full_marks[fact]
    with pytest.raises(teichaku.EvaluationError) as raised:
        teichaku.evaluate("ai-use-in-appraisal", full_marks)
    [problem] = raised.value.problems
    assert (problem["error"], problem["facts"]) == ("required_facts_missing", [fact])
    # Revision 1 scored the same facts 100 (S) without usage days, and 88.2... (A) without the
    # incident cap's fact: every fact read is echoed, so the hole shows.
    e = teichaku.evaluate(V1, full_marks)
    assert [f["value"] for f in e["facts_read"] if f["fact"] == fact] == [None]


def test_weights_whose_sum_overflows_are_refused(rubric):
    for criterion in rubric["criteria"]:
        criterion["weight"] = 1e308
    with pytest.raises(teichaku.RubricError) as raised:
        teichaku.evaluate(rubric, {"usage_days_28": 16})
    assert {p["error"] for p in raised.value.problems} == {"bad_weight"}


def test_a_rubric_past_the_text_limit_is_refused(rubric, full_marks):
    rubric["title"]["en"] = "x" * (64 * 1024 + 1)
    with pytest.raises(teichaku.RubricError) as raised:
        teichaku.evaluate(rubric, full_marks)
    assert raised.value.problems[0]["error"] == "limit_exceeded"
