"""Trust at the edges: an organisation under the minimum group size shows nothing its members do,
`validate` refuses the usage events `assess` refuses, and a document dict changed while it is
read is a typed error."""

import copy
import datetime

import pytest

import teichaku

AS_OF = "2026-11-01"


class ShrinkingDate(datetime.date):
    """A date whose isoformat empties the dict it sits in: Python code run mid-conversion."""

    victim: dict = {}

    def isoformat(self):
        self.victim.clear()
        return super().isoformat()


def small_organisation(demo, days):
    """The demo's units and playbook with three of its members (under the minimum of 5), the
    first of whom used AI on `days` of October 2026; no other observation but the completions."""
    document = copy.deepcopy(demo)
    members = document["organisation"]["members"][:3]
    document["organisation"]["members"] = members
    observations = document["observations"]
    for key, value in observations.items():
        if key != "completions" and isinstance(value, list):
            observations[key] = []
    for completion in observations["completions"]:
        completion.pop("by", None)  # the member who did it may be one of those left out
    observations["usage"] = [
        {"member": members[0]["id"], "at": f"2026-10-{day:02}T10:00:00+09:00", "minutes": 5 + day % 7}
        for day in days
    ]
    return document


def test_an_organisation_under_the_minimum_shows_nothing_a_member_does(demo):
    one = teichaku.assess(small_organisation(demo, [1, 2, 3]), AS_OF)
    two = teichaku.assess(small_organisation(demo, [5, 12, 19, 26, 27, 28, 29, 30]), AS_OF)
    assert one == two
    assert one["kpis"]["events"] is None
    assert all(scope["figures"] == "suppressed" for scope in one["kpis"]["scopes"] if scope["headcount"] > 0)


def test_validate_refuses_the_usage_events_assess_refuses(demo):
    member = demo["organisation"]["members"][0]["id"]
    demo["observations"]["usage"].append({"member": member, "at": "2300-01-01T09:00:00Z", "minutes": 5})
    with pytest.raises(teichaku.AssessmentError) as by_assess:
        teichaku.assess(demo, AS_OF)
    with pytest.raises(teichaku.AssessmentError) as by_validate:
        teichaku.validate(demo)
    assert by_validate.value.problems == by_assess.value.problems
    assert "span" in str(by_validate.value)


def test_a_date_that_changes_the_document_dict_is_a_document_error(demo):
    organisation = demo["organisation"]
    organisation["launch_date"] = ShrinkingDate(2026, 8, 3)
    ShrinkingDate.victim = organisation
    for call in (lambda: teichaku.validate(demo), lambda: teichaku.assess(demo, AS_OF)):
        organisation["launch_date"] = ShrinkingDate(2026, 8, 3)
        with pytest.raises(teichaku.DocumentError) as raised:
            call()
        [problem] = raised.value.problems
        assert (problem["error"], problem["path"]) == ("unconvertible", "organisation.launch_date")
        assert "changed" in problem["message"]
