"""Subject dicts in a batch: the plain ones are read straight from their dicts, a chunk at a time,
while a worker thread scores the chunks before; any other subject is read the careful way. The
two give the same results and the same errors, in order, across chunks."""

import gc
import math

import pytest

import teichaku

np = pytest.importorskip("numpy")

BUILTIN = "ai-use-in-appraisal"
FACTS = ["goal_sheet_ai_entry", "proposals_implemented", "success_cases_shared", "usage_days_28", "incidents"]


class Careful(dict):
    """A dict subclass: never read the plain way."""


class Name(str):
    """A str subclass, as a key or a value."""


class Number(int):
    """An int subclass."""


def fresh(text):
    """The same text as a new str object, not the interned literal."""
    return "".join(list(text))


def plain(i):
    return {
        "id": f"e-{i}",
        "group": f"unit-{i % 7}",
        "roles": ["staff", "manager"] if i % 5 == 0 else ["staff"],
        "facts": {
            "goal_sheet_ai_entry": i % 3 != 0,
            "proposals_implemented": i % 4,
            "success_cases_shared": None if i % 97 == 0 else i % 3,
            "usage_days_28": float(i % 29) if i % 2 else i % 29,
            "incidents": 1 if i % 31 == 0 else 0,
        },
    }


def odd(i):
    """A subject of the same values in a form the plain reading leaves to the careful one, or
    reads another way (keys in another order, new key objects)."""
    subject = plain(i)
    facts = subject["facts"]
    match i % 8:
        case 0:
            return Careful(subject)
        case 1:
            subject["facts"] = Careful(facts)
        case 2:
            subject["facts"] = {Name(k): v for k, v in facts.items()}
        case 3:
            subject["facts"] = {fresh(k): v for k, v in reversed(facts.items())}
            return {fresh(k): subject[k] for k in ["facts", "roles", "id", "group"]}
        case 4:
            facts["proposals_implemented"] = np.int64(facts["proposals_implemented"])
            facts["goal_sheet_ai_entry"] = np.bool_(facts["goal_sheet_ai_entry"])
            facts["usage_days_28"] = np.float32(facts["usage_days_28"])
        case 5:
            facts["incidents"] = Number(facts["incidents"])
            subject["id"] = Name(subject["id"])
        case 6:
            subject["roles"] = tuple(fresh(r) for r in subject["roles"])
            subject["group"] = None
        case 7:
            facts["success_cases_shared"] = math.nan
    return subject


def test_odd_subjects_among_plain_ones_give_the_results_of_every_subject_read_carefully():
    n = 5_000  # three chunks
    mixed = [odd(i) if i % 3 == 0 else plain(i) for i in range(n)]
    careful = [Careful({**s, "facts": Careful(s["facts"])}) for s in mixed]
    for form in ({}, {"columns": True}):
        assert teichaku.evaluate_batch(BUILTIN, mixed, **form) == teichaku.evaluate_batch(BUILTIN, careful, **form)
    report = teichaku.evaluate_batch(BUILTIN, mixed)
    assert [r["subject"] for r in report["results"]] == [f"e-{i}" for i in range(n)]
    for subject, result in zip(mixed[:300], report["results"]):
        if result["outcome"]["status"] == "evaluated":
            assert result["outcome"]["evaluation"] == teichaku.evaluate(BUILTIN, subject["facts"])
    # Any iterable, read once.
    assert teichaku.evaluate_batch(BUILTIN, iter(mixed), columns=True) == teichaku.evaluate_batch(
        BUILTIN, mixed, columns=True
    )


def test_misshapen_subjects_in_every_chunk_are_all_named_in_order():
    subjects = [plain(i) for i in range(5_000)]
    subjects[10]["facts"]["usage_days"] = 3
    subjects[3_000]["roles"] = ["wizard"]
    subjects[4_999]["facts"]["incidents"] = [1]
    subjects[4_999]["roles"] = ["staff", "sorcerer"]
    for form in ({}, {"columns": True}, {"arrow": True}):
        with pytest.raises(teichaku.EvaluationError) as raised:
            teichaku.evaluate_batch(BUILTIN, subjects, **form)
        named = [(p["subject"], p["id"], p["error"]) for p in raised.value.problems]
        assert named == [
            (10, "e-10", "unknown_fact"),
            (3_000, "e-3000", "unknown_role"),
            (4_999, "e-4999", "unsupported_value"),
            (4_999, "e-4999", "unknown_role"),
        ]
        assert str(raised.value) == (
            "3 subjects cannot be evaluated: subject #10 `e-10`: the rubric declares no fact `usage_days`; "
            "subject #3000 `e-3000`: unknown role `wizard`; "
            "subject #4999 `e-4999`: fact `incidents` is given a list: a fact is a number, a bool, a str, "
            "or None when missing; subject #4999 `e-4999`: unknown role `sorcerer`"
        )
    assert gc.isenabled()


def test_a_subject_of_the_wrong_type_after_misshapen_ones_is_the_type_error():
    subjects = [plain(i) for i in range(3_000)]
    subjects[5]["roles"] = ["wizard"]
    subjects[2_500] = {"id": 7, "facts": {}}
    with pytest.raises(TypeError, match=r"^subject #2500 has an id that is a int"):
        teichaku.evaluate_batch(BUILTIN, subjects, columns=True)
    assert gc.isenabled()


def test_a_subject_of_the_wrong_type_is_named_before_a_rubric_that_does_not_compile(rubric):
    rubric["criteria"] = []
    with pytest.raises(TypeError):
        teichaku.evaluate_batch(rubric, [plain(0), {"id": "e-1"}], columns=True)
    with pytest.raises(teichaku.RubricError):
        teichaku.evaluate_batch(rubric, [plain(0)], columns=True)


class Trap(str):
    """A key whose comparison and hash change the dict it sits in: were they called while the
    dict is read, it would change under the reading."""

    victim: dict = {}
    calls = 0

    def __eq__(self, other):
        Trap.calls += 1
        self.victim[f"trapped-{Trap.calls}"] = 1
        return str.__eq__(self, other)

    def __hash__(self):
        Trap.calls += 1
        self.victim[f"trapped-{Trap.calls}"] = 1
        return str.__hash__(self)


def test_the_keys_of_a_dict_are_read_without_comparing_or_hashing_them(full_marks):
    Trap.victim = {}
    facts = {**{k: v for k, v in full_marks.items() if k != "incidents"}, Trap("incidents"): 0}
    subject = {"id": "e-1", "facts": facts, Trap("roles"): ["staff"]}
    Trap.calls = 0
    Trap.victim = facts
    expected = teichaku.evaluate_batch(BUILTIN, [{"id": "e-1", "facts": full_marks, "roles": ["staff"]}])
    for form in ({}, {"columns": True}):
        expected = teichaku.evaluate_batch(BUILTIN, [{"id": "e-1", "facts": full_marks, "roles": ["staff"]}], **form)
        assert teichaku.evaluate_batch(BUILTIN, [subject], **form) == expected
    assert Trap.calls == 0 and len(facts) == 5


@pytest.mark.parametrize(
    ("value", "read_as"),
    [
        (2**53, 2**53),
        (2**53 + 1, float(2**53 + 1)),  # as float(int) rounds it
        (-(2**63), -(2**63)),
        (2**64 + 1, float(2**64 + 1)),
        (True, True),
        (-0.0, -0.0),
    ],
)
def test_ints_of_every_size_are_read_as_float_reads_them(full_marks, value, read_as):
    facts = {**full_marks, "usage_days_28": value}
    expected = teichaku.evaluate_batch(BUILTIN, [{"id": "e", "facts": {**full_marks, "usage_days_28": read_as}}])
    assert teichaku.evaluate_batch(BUILTIN, [{"id": "e", "facts": facts}]) == expected


def test_an_int_too_large_for_a_float_is_named_as_before(full_marks):
    with pytest.raises(teichaku.EvaluationError) as raised:
        teichaku.evaluate_batch(BUILTIN, [{"id": "e-1", "facts": {**full_marks, "incidents": 2**1030}}])
    [problem] = raised.value.problems
    assert (problem["error"], problem["subject"], problem["type"]) == ("unsupported_value", 0, "int too large for a float")


def test_a_str_that_is_not_utf8_raises_as_before(full_marks):
    with pytest.raises(UnicodeEncodeError):
        teichaku.evaluate_batch(BUILTIN, [{"id": "e-1", "facts": {**full_marks, "incidents": "\ud800"}}])
    with pytest.raises(TypeError, match="has an id that is a str"):
        teichaku.evaluate_batch(BUILTIN, [{"id": "e-\ud800", "facts": full_marks}], columns=True)


def test_the_interpreter_runs_other_threads_while_subject_dicts_are_read_and_scored(while_ticking):
    """Between chunks the reading lets the interpreter go: a thread that wakes every millisecond
    keeps waking. Read whole before anything was scored, the subjects left it one gap of nearly
    half the call (0.45 s of 0.95 s)."""
    pytest.importorskip("pyarrow")
    subjects = [plain(i) for i in range(200_000)]
    teichaku.evaluate_batch(BUILTIN, subjects[:1000], arrow=True)  # warm up
    results, wakes, longest, seconds = while_ticking(lambda: teichaku.evaluate_batch(BUILTIN, subjects, arrow=True))
    assert results.num_rows == 200_000
    assert wakes > 8, f"the other thread woke {wakes} times in {seconds:.3f} s"
    assert longest < seconds / 4, f"the other thread waited {longest:.3f} s of {seconds:.3f} s"

