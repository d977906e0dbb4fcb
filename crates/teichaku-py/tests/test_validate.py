"""validate: valid documents pass; every problem is raised at once, each naming its record."""

import datetime
import json

import pytest

import teichaku


def test_the_demo_document_is_valid(demo):
    assert teichaku.validate(demo) is None


def test_json_text_is_accepted(demo):
    assert teichaku.validate(json.dumps(demo)) is None
    assert teichaku.validate(json.dumps(demo).encode()) is None


def test_dates_are_written_as_iso_text(demo):
    member = demo["organisation"]["members"][0]
    member["joined"] = datetime.date.fromisoformat(member["joined"])
    assert teichaku.validate(demo) is None


def test_an_unknown_unit_names_the_member(demo):
    member = demo["organisation"]["members"][3]
    member["unit"] = "00000000-0000-0000-0000-000000000999"
    with pytest.raises(teichaku.ValidationError) as raised:
        teichaku.validate(demo)
    [problem] = raised.value.problems
    assert problem["error"] == "unknown_unit"
    assert problem["record"] == {"record": "member", "index": 3, "id": member["id"]}
    assert problem["unit"] == "00000000-0000-0000-0000-000000000999"
    assert f"member #3 `{member['id']}` names unknown unit" in str(raised.value)


def test_every_problem_is_raised_at_once(demo):
    members = demo["organisation"]["members"]
    members[5]["id"] = members[4]["id"]
    members[7]["unit"] = "00000000-0000-0000-0000-000000000999"
    with pytest.raises(teichaku.ValidationError) as raised:
        teichaku.validate(demo)
    kinds = {(p["error"], p["record"]["record"], p["record"]["index"]) for p in raised.value.problems}
    assert ("duplicate_id", "member", 5) in kinds
    assert ("unknown_unit", "member", 7) in kinds
    assert all(p["message"] for p in raised.value.problems)


def test_validation_errors_are_value_errors(demo):
    demo["organisation"]["members"][0]["unit"] = "00000000-0000-0000-0000-000000000999"
    with pytest.raises(ValueError):
        teichaku.validate(demo)
    assert issubclass(teichaku.ValidationError, teichaku.TeichakuError)


def test_an_unknown_field_is_a_document_error_with_its_path(demo):
    demo["organisation"]["units"][1]["colour"] = "blue"
    with pytest.raises(teichaku.DocumentError) as raised:
        teichaku.validate(demo)
    [problem] = raised.value.problems
    assert problem["error"] == "syntax"
    assert problem["path"] == "organisation.units[1].colour"
    assert "unknown field `colour`" in problem["message"]


def test_a_syntax_error_in_text_has_line_and_column():
    with pytest.raises(teichaku.DocumentError) as raised:
        teichaku.validate('{"version": 1,\n "organisation": }')
    [problem] = raised.value.problems
    assert problem["line"] == 2


def test_an_unsupported_version_is_a_document_error(demo):
    demo["version"] = 99
    with pytest.raises(teichaku.DocumentError) as raised:
        teichaku.validate(demo)
    assert raised.value.problems[0]["error"] == "unsupported_version"


def test_an_unknown_playbook_is_named(demo):
    demo["playbook"] = {"builtin": "no-such-playbook"}
    with pytest.raises(teichaku.ValidationError) as raised:
        teichaku.validate(demo)
    assert raised.value.problems[0]["error"] == "unknown_playbook"
    assert raised.value.problems[0]["id"] == "no-such-playbook"


def test_a_value_with_no_json_form_names_its_path(demo):
    demo["organisation"]["members"][2]["roles"] = {"staff"}
    with pytest.raises(teichaku.DocumentError) as raised:
        teichaku.validate(demo)
    [problem] = raised.value.problems
    assert (problem["error"], problem["path"]) == ("unconvertible", "organisation.members[2].roles")


def test_a_non_finite_number_is_refused(demo):
    demo["organisation"]["hourly_rate"] = float("nan")
    with pytest.raises(teichaku.DocumentError, match="organisation.hourly_rate"):
        teichaku.validate(demo)


def test_deep_nesting_is_refused_without_crashing():
    document = {"version": 1}
    inner = document
    for _ in range(10_000):
        inner["x"] = {}
        inner = inner["x"]
    with pytest.raises(teichaku.DocumentError, match="deeper than 128"):
        teichaku.validate(document)


@pytest.mark.parametrize("document", [None, 3, ["version"], object()])
def test_a_document_of_the_wrong_type_is_a_type_error(document):
    with pytest.raises(TypeError):
        teichaku.validate(document)


def test_garbage_text_is_a_document_error():
    with pytest.raises(teichaku.DocumentError):
        teichaku.validate("not json at all")
    with pytest.raises(teichaku.DocumentError):
        teichaku.validate(b"\xff\xfe")  # not UTF-8 is a ValueError too
