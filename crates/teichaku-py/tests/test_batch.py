"""Batch evaluation at scale: the three result forms agree, a table and its dicts give the same
results, and other Python threads run while a batch is scored."""


import pytest

import teichaku

pa = pytest.importorskip("pyarrow")

FACTS = ["goal_sheet_ai_entry", "proposals_implemented", "success_cases_shared", "usage_days_28", "incidents"]


def population(n):
    """`n` subjects of the latest built-in rubric as columns: every band, caps, a missing required
    fact now and then (a failed subject), staff and managers, groups."""
    return {
        "subject": [f"E{i:06d}" for i in range(n)],
        "group": [f"unit-{i % 7}" for i in range(n)],
        "roles": ["staff;manager" if i % 5 == 0 else "staff" for i in range(n)],
        "goal_sheet_ai_entry": [i % 3 != 0 for i in range(n)],
        "proposals_implemented": [i % 4 for i in range(n)],
        "success_cases_shared": [None if i % 97 == 0 else i % 3 for i in range(n)],
        "usage_days_28": [i % 29 for i in range(n)],
        "incidents": [1 if i % 31 == 0 else 0 for i in range(n)],
    }


def as_dicts(columns):
    n = len(columns["subject"])
    return [
        {
            "id": columns["subject"][i],
            "group": columns["group"][i],
            "roles": columns["roles"][i].split(";"),
            "facts": {fact: columns[fact][i] for fact in FACTS},
        }
        for i in range(n)
    ]


def test_the_interpreter_runs_other_threads_while_a_batch_is_scored(while_ticking):
    """A thread that wakes every millisecond keeps waking during the call: were the batch
    scored holding the interpreter, its longest gap would span the whole scoring."""
    table = pa.table(population(400_000))
    teichaku.evaluate_batch("ai-use-in-appraisal", table.slice(0, 1000), arrow=True)  # warm up
    results, wakes, longest, seconds = while_ticking(
        lambda: teichaku.evaluate_batch("ai-use-in-appraisal", table, arrow=True)
    )
    assert results.num_rows == 400_000
    assert wakes > 8, f"the other thread woke {wakes} times in {seconds:.3f} s"
    assert longest < seconds / 2, f"the other thread waited {longest:.3f} s of {seconds:.3f} s"


def test_a_table_and_its_dicts_give_the_same_results_in_every_form():
    columns = population(2_000)
    table, dicts = pa.table(columns), as_dicts(columns)
    report = teichaku.evaluate_batch("ai-use-in-appraisal", dicts)
    assert teichaku.evaluate_batch("ai-use-in-appraisal", table) == report
    assert (report["evaluated"], report["failed"]) == (1_979, 21)
    from_table = teichaku.evaluate_batch("ai-use-in-appraisal", table, arrow=True)
    assert from_table.equals(teichaku.evaluate_batch("ai-use-in-appraisal", dicts, arrow=True))
    assert from_table.schema.metadata[b"rubric_hash"] == report["rubric_hash"].encode()
    as_columns = teichaku.evaluate_batch("ai-use-in-appraisal", table, columns=True)
    assert as_columns["columns"] == from_table.to_pydict()
    assert as_columns == teichaku.evaluate_batch("ai-use-in-appraisal", dicts, columns=True)
    assert {k: v for k, v in as_columns.items() if k != "columns"} == {
        k: v for k, v in report.items() if k != "results"
    }
    # Row by row, the figures of the explained report.
    for row, result in zip(from_table.to_pylist(), report["results"]):
        outcome = result["outcome"]
        assert (row["subject"], row["group"], row["status"]) == (result["subject"], result["group"], outcome["status"])
        if outcome["status"] == "evaluated":
            e = outcome["evaluation"]
            assert (row["total"], row["shown_total"], row["band"]) == (e["total"], e["shown_total"], e["band"])
            assert [row[f"points:{c['criterion']}"] for c in e["criteria"]] == [c["points"] for c in e["criteria"]]
            assert row["caps_applied"] == ";".join(c["cap"] for c in e["caps_applied"])
            assert row["error"] is None
        else:
            assert row["total"] is None and row["band"] is None
            assert row["error"] == outcome["error"]["message"]


def test_repeats_roles_and_integer_ids_in_a_table_are_read_as_in_dicts(rubric, full_marks):
    rubric["applies_to"] = ["manager"]
    table = pa.table(
        {
            "subject": pa.array([7, 8, 7, 9], pa.int64()),
            "group": pa.array(["a", None, "a", "b"]).dictionary_encode(),
            "roles": pa.array([["manager"], ["staff"], ["manager"], ["staff", "manager"]]),
            **{fact: [value] * 4 for fact, value in full_marks.items()},
        }
    )
    dicts = [
        {"id": "7", "group": "a", "roles": ["manager"], "facts": full_marks},
        {"id": "8", "roles": ["staff"], "facts": full_marks},
        {"id": "7", "group": "a", "roles": ["manager"], "facts": full_marks},
        {"id": "9", "group": "b", "roles": ["staff", "manager"], "facts": full_marks},
    ]
    report = teichaku.evaluate_batch(rubric, table)
    assert report == teichaku.evaluate_batch(rubric, dicts)
    assert [r["outcome"]["status"] for r in report["results"]] == [
        "evaluated",
        "not_applicable",
        "duplicate_subject",
        "evaluated",
    ]
    columns = teichaku.evaluate_batch(rubric, table, columns=True)
    assert columns["columns"]["status"] == [r["outcome"]["status"] for r in report["results"]]
    assert columns["columns"]["subject"] == ["7", "8", "7", "9"]
    assert columns["columns"]["total"] == [100.0, None, None, 100.0]
    assert (columns["evaluated"], columns["not_applicable"], columns["duplicates"]) == (2, 1, 1)


def test_a_table_of_the_wrong_shape_raises_in_every_form(full_marks):
    unknown_column = pa.table({"subject": ["E1", "E2"], "bonus": [1, 2], **{f: [v] * 2 for f, v in full_marks.items()}})
    unknown_role = pa.table({"subject": ["E1", "E2"], "roles": ["staff", "intern"]})
    for form in ({}, {"arrow": True}, {"columns": True}):
        with pytest.raises(teichaku.EvaluationError) as raised:
            teichaku.evaluate_batch("ai-use-in-appraisal", unknown_column, **form)
        assert [(p["error"], p["fact"], p["subject"]) for p in raised.value.problems] == [
            ("unknown_fact", "bonus", 0),
            ("unknown_fact", "bonus", 1),
        ]
        with pytest.raises(teichaku.EvaluationError) as raised:
            teichaku.evaluate_batch("ai-use-in-appraisal", unknown_role, **form)
        assert [(p["error"], p["id"], p["roles"]) for p in raised.value.problems] == [("unknown_role", "E2", ["intern"])]


def test_a_table_and_columns_both_asked_for_is_refused(full_marks):
    with pytest.raises(ValueError, match="not both"):
        teichaku.evaluate_batch("ai-use-in-appraisal", [{"id": "E1", "facts": full_marks}], arrow=True, columns=True)


def test_the_compact_forms_hold_every_subject_in_under_200_bytes():
    table = pa.table(population(10_000))
    results = teichaku.evaluate_batch("ai-use-in-appraisal", table, arrow=True)
    assert results.num_rows == 10_000
    assert results.nbytes / results.num_rows < 200
    # Repeated texts and numbers are shared objects in the columns form.
    columns = teichaku.evaluate_batch("ai-use-in-appraisal", table, columns=True)["columns"]
    assert len({id(s) for s in columns["status"]}) == len(set(columns["status"])) == 2
    assert len({id(x) for x in columns["points:usage-days"] if x is not None}) == len(set(columns["points:usage-days"]) - {None})


def test_rollup_and_calibrate_read_a_table_as_its_dicts():
    columns = population(500)
    table, dicts = pa.table(columns), as_dicts(columns)
    rollup = teichaku.rollup("ai-use-in-appraisal", table)
    assert rollup == teichaku.rollup("ai-use-in-appraisal", dicts)
    assert [g["group"] for g in rollup["groups"]] == [f"unit-{i}" for i in range(7)]
    target = {"S": 0.1, "A": 0.2, "B": 0.3, "C": 0.2, "D": 0.2}
    assert teichaku.calibrate("ai-use-in-appraisal", table, target) == teichaku.calibrate("ai-use-in-appraisal", dicts, target)


def test_a_results_table_lists_its_metadata_in_one_order_and_serialises_to_the_same_bytes():
    # Arrow keeps schema metadata in a hash map whose order changes from one map to the next;
    # the table teichaku hands over lists the keys in one order, so its bytes never change.
    import pyarrow.ipc

    table = pa.table(population(200))
    keys = [b"rubric_id", b"rubric_revision", b"rubric_hash", b"engine_version"]

    def serialised():
        results = teichaku.evaluate_batch("ai-use-in-appraisal", table, arrow=True)
        assert list(results.schema.metadata) == keys
        sink = pa.BufferOutputStream()
        with pyarrow.ipc.new_file(sink, results.schema) as writer:
            writer.write_table(results)
        return sink.getvalue().to_pybytes()

    first = serialised()
    assert all(serialised() == first for _ in range(20))
