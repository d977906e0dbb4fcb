"""assess: the demo organisation, as the command line assesses it."""

import datetime
import json
import os
import pathlib
import subprocess

import pytest

import teichaku

AS_OF = "2026-11-01"


def test_the_demo_follows_the_sme_five_step_playbook(demo):
    a = teichaku.assess(demo, AS_OF)
    assert a["playbook"] == "sme-five-step"
    assert a["as_of"] == AS_OF
    assert a["engine_version"] == teichaku.ENGINE_VERSION
    assert a["actions"]["actions"], "the demo has next actions"
    assert set(a) >= {"kpis", "readiness", "plan", "actions"}


def test_a_date_and_its_text_give_the_same_assessment(demo):
    assert teichaku.assess(demo, datetime.date(2026, 11, 1)) == teichaku.assess(demo, AS_OF)


def test_the_same_input_gives_the_same_output(demo):
    first = teichaku.assess(demo, AS_OF)
    assert json.dumps(teichaku.assess(json.dumps(demo), AS_OF)) == json.dumps(first)


def cli():
    """The `teichaku` command when it is built (CI builds it before the Python step), else None."""
    root = pathlib.Path(__file__).resolve().parents[3]
    target = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", root / "target"))
    return next((p for p in (target / "release" / "teichaku", target / "debug" / "teichaku") if p.exists()), None)


def test_it_matches_the_command_line(demo, tmp_path):
    """The binding's demo document and assessment are what `teichaku demo --document` and `teichaku assess --format json` print."""
    command = cli()
    if command is None:
        pytest.skip("the teichaku command is not built")
    printed = subprocess.run([command, "demo", "--document"], capture_output=True, check=True, text=True).stdout
    assert json.loads(printed) == demo
    path = tmp_path / "demo.json"
    path.write_text(printed)
    assessed = subprocess.run(
        [command, "assess", str(path), "--as-of", AS_OF, "--format", "json"], capture_output=True, check=True, text=True
    ).stdout
    assert json.loads(assessed) == teichaku.assess(demo, AS_OF)


def test_an_invalid_document_is_a_validation_error(demo):
    demo["organisation"]["members"][0]["unit"] = "00000000-0000-0000-0000-000000000999"
    with pytest.raises(teichaku.ValidationError) as raised:
        teichaku.assess(demo, AS_OF)
    assert raised.value.problems[0]["record"]["record"] == "member"


@pytest.mark.parametrize("as_of", ["2026-13-01", "1 November 2026", ""])
def test_a_bad_day_is_a_value_error(demo, as_of):
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        teichaku.assess(demo, as_of)


@pytest.mark.parametrize("as_of", [datetime.datetime(2026, 11, 1, 9, 0), 20261101, None])
def test_a_day_of_the_wrong_type_is_a_type_error(demo, as_of):
    with pytest.raises(TypeError):
        teichaku.assess(demo, as_of)


def test_dated_changes_load_as_on_the_command_line_and_a_bad_one_is_named_by_number(demo):
    """`organisation.changes` goes through the same loader: a valid appointment assesses, a removal of
    a role not held is a validation problem naming change #1."""
    member = next(
        m
        for m in demo["organisation"]["members"]
        if m["joined"] <= "2026-10-01" and (m.get("left") is None or m["left"] > AS_OF)
    )
    ref = member.get("key") or member.get("email") or member["id"]
    role = next(r for r in ["executive", "promotion_lead", "ambassador", "manager", "staff"] if r not in member["roles"])
    demo["organisation"]["changes"] = [{"member": ref, "on": "2026-10-01", "add_roles": [role]}]
    assert teichaku.assess(demo, AS_OF)["as_of"] == AS_OF
    demo["organisation"]["changes"] = [{"member": ref, "on": "2026-10-01", "remove_roles": [role]}]
    with pytest.raises(teichaku.ValidationError) as raised:
        teichaku.assess(demo, AS_OF)
    problem = raised.value.problems[0]
    assert problem["error"] == "role_change"
    assert problem["record"]["record"] == "change"
    assert problem["record"]["number"] == 1
    assert problem["held"] is False
