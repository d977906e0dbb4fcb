"""The HR master import and documents keyed by employee number through the binding."""

from pathlib import Path

import pytest

import teichaku

FIXTURES = Path(__file__).resolve().parents[3] / "tests" / "fixtures" / "import"
HR = (FIXTURES / "hr.csv").read_text(encoding="utf-8")


def test_a_shift_jis_member_list_becomes_the_same_document_as_utf_8():
    utf8 = teichaku.import_members(HR.encode("utf-8"), as_of="2026-11-04", launch_date="2026-10-01")
    sjis = teichaku.import_members(HR.encode("cp932"), as_of="2026-11-04", launch_date="2026-10-01")
    assert sjis == utf8
    members = utf8["organisation"]["members"]
    assert [m["key"] for m in members] == ["E001", "E002", "E003", "E004", "E005", "E006"]
    assert members[1]["unit"] == "本社/営業部"
    assert members[1]["roles"] == ["manager"]
    assert [u["code"] for u in utf8["organisation"]["units"]] == ["本社", "本社/営業部", "本社/総務部"]


def test_the_keyed_document_validates_and_assesses_with_e_mail_keyed_usage():
    doc = teichaku.import_members(HR.encode("utf-8"), as_of="2026-11-04", launch_date="2026-10-01")
    assert teichaku.validate(doc) is None
    usage = (FIXTURES / "usage.csv").read_bytes()
    doc["observations"] = {"usage_files": ["usage.csv"]}
    result = teichaku.assess(doc, "2026-11-04", usage_files={"usage.csv": usage})
    organisation = next(s for s in result["kpis"]["scopes"] if s["scope"]["kind"] == "organisation")
    weekly = organisation["figures"]["value"]["weekly_active"]["value"]
    # E002 (by e-mail in upper case), E003 (two e-mail spellings) and E005 (by employee number) of five present.
    assert (weekly["numerator"], weekly["denominator"]) == (3, 5)


def test_bad_rows_are_all_listed_with_their_lines():
    bad = (FIXTURES / "bad.csv").read_bytes()
    with pytest.raises(teichaku.DocumentError) as raised:
        teichaku.import_members(bad, as_of="2026-11-04")
    problems = raised.value.problems
    assert [p["line"] for p in problems] == [3, 4, 5]
    assert [p["key"] for p in problems] == ["E002", "E003", "E001"]
    assert all(p["error"] == "bad_row" for p in problems)


def test_an_undecodable_member_list_is_refused():
    with pytest.raises(teichaku.DocumentError, match="not text in UTF-8 or Shift-JIS"):
        teichaku.import_members(b"\x82\x20\xff", as_of="2026-11-04")
