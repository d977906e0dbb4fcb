"""evaluate and evaluate_batch over the built-in rubric and rubrics of one's own, with totals worked out by hand.

The built-in rubric `ai-use-in-appraisal` weighs the goal-sheet entry 20 (true: 1), proposals
implemented 25 (1: 0.6, 2: 0.85, 3+: 1), success cases shared 15 (1: 0.7, 2+: 1) and usage days
40 (linear from 0 to 16); bands S 90, A 75, B 60, C 40, D 0; an incident caps the band at B, and
no proposal and no success case cap it at C. Revision 2 (the default) requires every fact and
bounds the numbers (usage days within [0, 28], counts within [0, 1000]); revision 1
("ai-use-in-appraisal@1") leaves missing facts out and renormalises the weights.
"""

import math

import pytest

import teichaku

BUILTIN = "ai-use-in-appraisal"
V1 = "ai-use-in-appraisal@1"


def test_full_marks_score_100_in_band_s(full_marks):
    e = teichaku.evaluate(BUILTIN, full_marks)
    assert (e["total"], e["uncapped_total"], e["band"]) == (100.0, 100.0, "S")
    assert e["rubric_id"] == BUILTIN and e["rubric_revision"] == 2
    assert e["caps_applied"] == [] and e["missing"] == []
    assert [c["points"] for c in e["criteria"]] == [20.0, 25.0, 15.0, 40.0]


def test_a_partial_score_is_the_weighted_sum():
    # 0 + 0.6 * 25 + 0 + (8 / 16) * 40 = 15 + 20 = 35: band D.
    facts = {"goal_sheet_ai_entry": False, "proposals_implemented": 1, "success_cases_shared": 0,
             "usage_days_28": 8, "incidents": 0}
    e = teichaku.evaluate(BUILTIN, facts)
    assert e["total"] == pytest.approx(35.0)
    assert e["band"] == "D"


def test_an_incident_caps_the_band_at_b(full_marks):
    e = teichaku.evaluate(BUILTIN, {**full_marks, "incidents": 1})
    assert e["uncapped_total"] == 100.0
    assert e["band"] == "B"
    assert 74.99 < e["total"] < 75.0
    assert [c["cap"] for c in e["caps_applied"]] == ["incident"]


def test_use_without_outcome_caps_the_band_at_c():
    # 20 + 0 + 0 + 40 = 60 would be B; no proposal and no success case cap it below 60.
    facts = {"goal_sheet_ai_entry": True, "proposals_implemented": 0, "success_cases_shared": 0,
             "usage_days_28": 16, "incidents": 0}
    e = teichaku.evaluate(BUILTIN, facts)
    assert (e["uncapped_total"], e["band"]) == (60.0, "C")
    assert [c["cap"] for c in e["caps_applied"]] == ["usage-without-outcome"]


def test_missing_facts_are_left_out_and_the_weights_renormalised():
    # Usage days missing: (20 + 0.85 * 25 + 0.7 * 15) / 60 = 51.75 / 60 = 86.25%: band A.
    facts = {"goal_sheet_ai_entry": True, "proposals_implemented": 2, "success_cases_shared": 1,
             "usage_days_28": None, "incidents": 0}
    e = teichaku.evaluate(V1, facts)
    assert e["total"] == pytest.approx(86.25)
    assert e["band"] == "A"
    assert e["weight_counted"] == 60.0
    assert e["missing"] == [{"fact": "usage_days_28", "treatment": "left_out"}]
    usage = [c for c in e["criteria"] if c["criterion"] == "usage-days"][0]
    assert usage["counted"] is False and usage["fact_value"] is None


def test_an_absent_fact_is_missing_too(full_marks):
    del full_marks["usage_days_28"]
    e = teichaku.evaluate(V1, full_marks)
    assert e["missing"] == [{"fact": "usage_days_28", "treatment": "left_out"}]


def test_a_rubric_of_ones_own(rubric, full_marks):
    rubric["id"] = "ai-use-2027"
    rubric["criteria"][3]["weight"] = 60  # usage days count more
    e = teichaku.evaluate(rubric, {**full_marks, "usage_days_28": 8})
    # 20 + 25 + 15 + 0.5 * 60 = 90 of 120 = 75%: band A.
    assert e["rubric_id"] == "ai-use-2027"
    assert (e["total"], e["band"]) == (75.0, "A")


def test_a_rubric_as_json_text(rubric, full_marks):
    import json

    assert teichaku.evaluate(json.dumps(rubric), full_marks)["band"] == "S"


def test_an_invalid_rubric_names_the_criterion(rubric, full_marks):
    rubric["criteria"][1]["weight"] = 0
    rubric["criteria"][2]["fact"] = "cases_shared"
    with pytest.raises(teichaku.RubricError) as raised:
        teichaku.evaluate(rubric, full_marks)
    problems = raised.value.problems
    assert [p["error"] for p in problems] == ["bad_weight", "unknown_fact"]
    assert problems[0]["at"] == {"list": "criterion", "index": 1, "id": "proposals-implemented"}
    assert problems[1]["at"] == {"list": "criterion", "index": 2, "id": "success-cases-shared"}
    assert problems[1]["fact"] == "cases_shared"
    assert "criterion #1 `proposals-implemented` has weight 0" in str(raised.value)


def test_a_cap_on_an_unknown_band_names_the_band(rubric, full_marks):
    rubric["caps"][0]["max_band"] = "Z"
    with pytest.raises(teichaku.RubricError) as raised:
        teichaku.evaluate(rubric, full_marks)
    [problem] = raised.value.problems
    assert (problem["error"], problem["band"], problem["at"]["id"]) == ("unknown_band", "Z", "incident")


def test_a_rubric_with_an_unknown_field_names_its_path(rubric, full_marks):
    rubric["criteria"][0]["colour"] = "red"
    with pytest.raises(teichaku.RubricError) as raised:
        teichaku.evaluate(rubric, full_marks)
    [problem] = raised.value.problems
    assert (problem["error"], problem["path"]) == ("syntax", "criteria[0].colour")


def test_an_unknown_builtin_rubric_is_a_rubric_error(full_marks):
    with pytest.raises(teichaku.RubricError, match="no built-in rubric `no-such`"):
        teichaku.evaluate("no-such", full_marks)
    with pytest.raises(teichaku.RubricError):
        teichaku.builtin_rubric("no-such")


def test_unknown_fact_names_are_all_named(full_marks):
    with pytest.raises(teichaku.EvaluationError) as raised:
        teichaku.evaluate(BUILTIN, {**full_marks, "usage_days": 3, "incident": 0})
    assert [(p["error"], p["fact"]) for p in raised.value.problems] == [
        ("unknown_fact", "usage_days"),
        ("unknown_fact", "incident"),
    ]


@pytest.mark.parametrize(
    ("fact", "value", "error"),
    [
        ("usage_days_28", "twenty", "wrong_value_kind"),
        ("goal_sheet_ai_entry", 1, "wrong_value_kind"),
        ("incidents", True, "wrong_value_kind"),
        ("usage_days_28", math.inf, "non_finite_value"),
        ("usage_days_28", [20], "unsupported_value"),
        ("usage_days_28", {"days": 20}, "unsupported_value"),
    ],
)
def test_a_value_that_does_not_fit_names_the_fact(full_marks, fact, value, error):
    with pytest.raises(teichaku.EvaluationError) as raised:
        teichaku.evaluate(BUILTIN, {**full_marks, fact: value})
    [problem] = raised.value.problems
    assert (problem["error"], problem["fact"]) == (error, fact)
    assert f"`{fact}`" in problem["message"]


def test_nan_is_a_missing_fact(full_marks):
    # pandas writes a missing number as NaN: it is a missing fact, as None is, never a number.
    with pytest.raises(teichaku.EvaluationError) as raised:
        teichaku.evaluate(BUILTIN, {**full_marks, "usage_days_28": math.nan})
    assert raised.value.problems[0]["facts"] == ["usage_days_28"]
    assert teichaku.evaluate(V1, {**full_marks, "usage_days_28": math.nan}) == teichaku.evaluate(
        V1, {**full_marks, "usage_days_28": None}
    )


def test_missing_facts_under_the_error_policy(rubric, full_marks):
    rubric["missing"] = "error"
    del full_marks["incidents"]
    with pytest.raises(teichaku.EvaluationError) as raised:
        teichaku.evaluate(rubric, full_marks)
    assert raised.value.problems[0]["error"] == "missing_facts"
    assert raised.value.problems[0]["facts"] == ["incidents"]


def test_nothing_to_score():
    with pytest.raises(teichaku.EvaluationError) as raised:
        teichaku.evaluate(V1, {})
    assert raised.value.problems[0]["error"] == "nothing_to_score"


@pytest.mark.parametrize("facts", [None, [("incidents", 0)], "incidents=0"])
def test_facts_of_the_wrong_type_are_a_type_error(facts):
    with pytest.raises(TypeError):
        teichaku.evaluate(BUILTIN, facts)


def test_a_rubric_of_the_wrong_type_is_a_type_error(full_marks):
    with pytest.raises(TypeError):
        teichaku.evaluate(3, full_marks)


def subject(id, facts, **more):
    return {"id": id, "facts": facts, **more}


def test_a_batch_gives_one_result_per_subject_in_order(full_marks):
    subjects = [
        subject("e-1", full_marks, group="sales", roles=["staff"]),
        subject("e-2", {**full_marks, "incidents": 2}, group="sales"),
        subject("e-3", {**full_marks, "usage_days_28": 4}),  # 20 + 25 + 15 + 10 = 70: B
    ]
    report = teichaku.evaluate_batch(BUILTIN, subjects)
    assert [r["subject"] for r in report["results"]] == ["e-1", "e-2", "e-3"]
    assert [r["outcome"]["evaluation"]["band"] for r in report["results"]] == ["S", "B", "B"]
    assert report["results"][2]["outcome"]["evaluation"]["total"] == pytest.approx(70.0)
    assert report["results"][0]["group"] == "sales" and "group" not in report["results"][2]
    assert (report["evaluated"], report["failed"], report["not_applicable"], report["duplicates"]) == (3, 0, 0, 0)


def test_a_batch_matches_evaluate(full_marks):
    facts = [{**full_marks, "usage_days_28": float(d)} for d in range(0, 28, 3)]
    report = teichaku.evaluate_batch(BUILTIN, (subject(f"e-{i}", f) for i, f in enumerate(facts)))
    assert [r["outcome"]["evaluation"] for r in report["results"]] == [teichaku.evaluate(BUILTIN, f) for f in facts]


def test_a_wrong_value_fails_its_subject_alone(full_marks):
    report = teichaku.evaluate_batch(
        BUILTIN,
        [subject("e-1", full_marks), subject("e-2", {**full_marks, "usage_days_28": "n/a"}), subject("e-1", full_marks)],
    )
    statuses = [r["outcome"]["status"] for r in report["results"]]
    assert statuses == ["evaluated", "failed", "duplicate_subject"]
    error = report["results"][1]["outcome"]["error"]
    assert (error["kind"], error["fact"]) == ("wrong_value_kind", "usage_days_28")
    assert "usage_days_28" in error["message"]
    assert report["results"][2]["outcome"]["first_index"] == 0


def test_a_rubric_for_some_roles_skips_the_others(rubric, full_marks):
    rubric["applies_to"] = ["staff"]
    report = teichaku.evaluate_batch(rubric, [subject("e-1", full_marks, roles=["staff"]),
                                              subject("e-2", full_marks, roles=["executive"])])
    assert [r["outcome"]["status"] for r in report["results"]] == ["evaluated", "not_applicable"]


def test_a_batch_of_the_wrong_shape_names_every_subject(full_marks):
    subjects = [
        subject("e-1", full_marks),
        subject("e-2", {**full_marks, "usage_days": 3}),
        subject("e-3", full_marks, roles=["wizard"]),
        subject("e-4", {**full_marks, "incidents": [1]}),
    ]
    with pytest.raises(teichaku.EvaluationError) as raised:
        teichaku.evaluate_batch(BUILTIN, subjects)
    named = [(p["subject"], p["id"], p["error"]) for p in raised.value.problems]
    assert named == [(1, "e-2", "unknown_fact"), (2, "e-3", "unknown_role"), (3, "e-4", "unsupported_value")]
    assert raised.value.problems[0]["fact"] == "usage_days"


@pytest.mark.parametrize(
    "subjects",
    [
        [{"facts": {}}],  # no id
        [{"id": "e-1"}],  # no facts
        [{"id": 1, "facts": {}}],  # the id is not a str
        [{"id": "e-1", "facts": {}, "name": "x"}],  # an unknown key
        [{"id": "e-1", "facts": {}, "roles": "staff"}],  # roles not a list
        [{"id": "e-1", "facts": [1]}],  # facts not a dict
        ["e-1"],  # not a dict
        {"id": "e-1", "facts": {}},  # one subject, not a list
        "subjects",
    ],
)
def test_subjects_of_the_wrong_type_are_a_type_error(subjects):
    with pytest.raises(TypeError):
        teichaku.evaluate_batch(BUILTIN, subjects)


def test_an_empty_batch_is_an_empty_report():
    report = teichaku.evaluate_batch(BUILTIN, [])
    assert report["results"] == [] and report["evaluated"] == 0
