"""Japanese text round-trips unchanged through the binding: full- and half-width katakana,
combining marks (が written as か + U+3099), emoji with ZWJ sequences, skin tones, flags and
variation selectors. teichaku never normalises text: ids are ASCII (uuids and slugs) and every
other text is compared and returned byte for byte, so names that differ only by normalisation or
width stay distinct, and an enumeration value that matches a declared one only after
normalisation is an error naming the value as given.

The document is tests/data/japanese.json, shared with the Rust and command-line tests.
"""

import copy
import json
import pathlib
import unicodedata

import pytest

import teichaku

AS_OF = "2026-06-30"
FIXTURE = pathlib.Path(__file__).resolve().parents[3] / "tests" / "data" / "japanese.json"
_JAPANESE = FIXTURE.read_text(encoding="utf-8")

# Every text of the fixture that carries Japanese, as a path of keys and indexes.
TEXTS = [
    ("organisation", "name"),
    ("organisation", "units", 0, "name"),
    ("organisation", "units", 1, "name"),
    ("organisation", "units", 2, "name"),
    ("organisation", "members", 0, "name"),
    ("organisation", "members", 1, "name"),
    ("organisation", "members", 2, "name"),
    ("organisation", "waves", 0, "name"),
    ("playbook", "inline", "title", "ja"),
    ("playbook", "inline", "summary", "ja"),
    ("playbook", "inline", "phases", 0, "title", "ja"),
    ("playbook", "inline", "phases", 1, "title", "ja"),
    ("playbook", "inline", "activities", 2, "title", "ja"),
    ("playbook", "inline", "activities", 3, "title", "ja"),
    ("playbook", "inline", "interventions", 0, "title", "ja"),
    ("observations", "success_cases", 0, "problem"),
]

BANDS = ["秀 ✨", "優（ﾕｳ）", "良か\u3099", "可👍🏽", "不可"]
GRADES = ["一般職", "ﾏﾈｰｼﾞｬｰ", "か\u3099ちょう👩\u200d💼"]


def at(doc, path):
    for key in path:
        doc = doc[key]
    return doc


@pytest.fixture
def japanese():
    """A fresh copy of the Japanese document, as a dict."""
    return json.loads(_JAPANESE)


@pytest.fixture
def japanese_rubric(rubric):
    """The built-in rubric with Japanese band names and a Japanese `grade` enumeration; the grade
    written with a combining mark caps the band at the second band."""
    for band, name in zip(rubric["bands"], BANDS):
        band["name"] = name
    rubric["caps"][0]["max_band"] = BANDS[2]
    rubric["caps"][1]["max_band"] = BANDS[3]
    rubric["facts"].append({"name": "grade", "kind": {"enumeration": GRADES}})
    rubric["caps"].append(
        {"id": "grade", "when": {"one_of": {"fact": "grade", "values": [GRADES[2]]}}, "max_band": BANDS[1]}
    )
    return rubric


def test_the_fixture_is_not_normalised(japanese):
    texts = "".join(at(japanese, p) for p in TEXTS)
    for needle in ["テイチャク", "ｱｵｷﾞ", "カ\u3099", "ハ\u309a", "👩\u200d💻", "❤\ufe0f", "☺\ufe0e", "👍🏽", "🇯🇵", "\u3000"]:
        assert needle in texts, needle
    assert unicodedata.normalize("NFC", texts) != texts, "the fixture holds decomposed text"


@pytest.mark.parametrize("form", ["dict", "str", "bytes"])
def test_a_document_with_japanese_names_validates(japanese, form):
    document = {"dict": japanese, "str": _JAPANESE, "bytes": _JAPANESE.encode("utf-8")}[form]
    assert teichaku.validate(document) is None


def test_the_binding_leaves_the_callers_dict_unchanged(japanese):
    before = copy.deepcopy(japanese)
    teichaku.assess(japanese, AS_OF)
    assert japanese == before
    for path in TEXTS:
        assert at(japanese, path).encode() == at(before, path).encode()


def action_sources(document):
    """The Japanese title of each action code's source in the document's playbook."""
    pb = document["playbook"]["inline"]
    titles = {f"activity:{a['id']}": a["title"]["ja"] for a in pb["activities"]}
    titles |= {f"intervention:{i['id']}": i["title"]["ja"] for i in pb["interventions"]}
    titles |= {f"barrier:{c['id']}": c["title"]["ja"] for p in pb["phases"] for c in p["gate"]["criteria"]}
    # Appointments (`appoint:ROLE`) are titled by the engine, not the playbook.
    titles |= {
        "appoint:executive": "推進を担う経営層を決める",
        "appoint:promotion_lead": "AI推進担当を任命する",
        "appoint:ambassador": "AIアンバサダーを任命する",
        "appoint:manager": "責任者となる管理職を決める",
    }
    return titles


@pytest.mark.parametrize("form", ["dict", "str", "bytes"])
def test_assess_returns_japanese_titles_byte_for_byte(japanese, form):
    document = {"dict": japanese, "str": _JAPANESE, "bytes": _JAPANESE.encode("utf-8")}[form]
    a = teichaku.assess(document, AS_OF)
    sources = action_sources(japanese)
    assert a["actions"]["actions"]
    for action in a["actions"]["actions"]:
        if action["code"].startswith("target:"):
            # A missed target is titled by the engine from its KPI and due day, in Japanese too.
            assert action["title"]["ja"].startswith("目標未達: "), action["code"]
            continue
        assert action["title"]["ja"].encode("utf-8") == sources[action["code"]].encode("utf-8"), action["code"]


def test_japanese_names_change_nothing_but_the_names(japanese):
    a = teichaku.assess(japanese, AS_OF)
    assert json.dumps(teichaku.assess(_JAPANESE, AS_OF), ensure_ascii=False) == json.dumps(a, ensure_ascii=False)
    # The same document with ASCII names assesses to the same figures.
    plain = copy.deepcopy(japanese)
    for path in TEXTS:
        parent = at(plain, path[:-1])
        parent[path[-1]] = "x"
    b = teichaku.assess(plain, AS_OF)
    assert a["kpis"] == b["kpis"]
    assert [(x["code"], x["urgency"]) for x in a["actions"]["actions"]] == [
        (x["code"], x["urgency"]) for x in b["actions"]["actions"]
    ]


def test_escaped_and_raw_json_give_the_same_assessment(japanese):
    escaped = json.dumps(japanese, ensure_ascii=True)
    assert escaped.isascii()
    assert teichaku.assess(escaped, AS_OF) == teichaku.assess(japanese, AS_OF)


def test_a_lone_surrogate_is_refused_not_replaced(japanese):
    # A Python str may hold a lone surrogate, which UTF-8 cannot encode: the binding refuses it
    # with a typed error naming where it is, instead of writing a replacement character.
    japanese["organisation"]["name"] = "テイチャク\ud800"
    with pytest.raises(teichaku.DocumentError, match="organisation.name"):
        teichaku.validate(japanese)
    # Escaped in JSON text, the lone surrogate is a syntax error of the document.
    with pytest.raises(teichaku.DocumentError):
        teichaku.validate(_JAPANESE.replace("テイチャク", "テイチャク\\ud800", 1))


def test_json_text_with_a_lone_surrogate_is_a_document_error():
    # A Python str can hold a lone surrogate, which UTF-8 cannot encode: the same typed failure as
    # bytes that are not UTF-8.
    with pytest.raises(teichaku.DocumentError) as raised:
        teichaku.validate(_JAPANESE.replace("テイチャク", "テイチャク\ud800", 1))
    assert raised.value.problems[0]["error"] == "not_utf8"


def test_a_rubric_text_with_a_lone_surrogate_is_a_rubric_error():
    with pytest.raises(teichaku.RubricError) as raised:
        teichaku.evaluate('{"id": "x\ud800"}', {})
    assert raised.value.problems[0]["error"] == "not_utf8"


def test_shift_jis_bytes_are_a_document_error(japanese):
    with pytest.raises(teichaku.DocumentError) as raised:
        teichaku.validate(_JAPANESE.encode("shift_jis", errors="replace"))
    assert raised.value.problems[0]["error"] == "not_utf8"


def test_evaluate_keeps_japanese_band_names_and_values(japanese_rubric, full_marks):
    e = teichaku.evaluate(japanese_rubric, {**full_marks, "grade": GRADES[1]})
    assert e["band"].encode() == BANDS[0].encode()
    e = teichaku.evaluate(japanese_rubric, {**full_marks, "grade": GRADES[2]})
    assert e["band"].encode() == BANDS[1].encode()
    assert [c["cap"] for c in e["caps_applied"]] == ["grade"]
    e = teichaku.evaluate(japanese_rubric, {**full_marks, "incidents": 1, "grade": GRADES[0]})
    assert e["band"].encode() == BANDS[2].encode()


@pytest.mark.parametrize(
    "value",
    [
        unicodedata.normalize("NFC", GRADES[2]),  # が precomposed: the declared value is decomposed
        unicodedata.normalize("NFKC", GRADES[1]),  # full-width katakana for the half-width value
        GRADES[0] + "\u3000",  # a trailing ideographic space is part of the value
    ],
)
def test_a_value_equal_only_after_normalisation_is_undeclared(japanese_rubric, full_marks, value):
    assert value not in GRADES
    with pytest.raises(teichaku.EvaluationError) as raised:
        teichaku.evaluate(japanese_rubric, {**full_marks, "grade": value})
    [problem] = raised.value.problems
    assert (problem["error"], problem["fact"]) == ("unknown_value", "grade")
    assert problem["value"].encode() == value.encode()


def test_a_batch_keeps_japanese_subjects_and_groups(japanese_rubric, full_marks):
    subjects = [
        {"id": "社員-001", "group": "営業部カ\u3099ループ", "facts": {**full_marks, "grade": GRADES[2]}},
        {"id": "社員-002", "group": "営業部ガループ", "facts": {**full_marks, "grade": GRADES[1]}},
    ]
    report = teichaku.evaluate_batch(japanese_rubric, subjects)
    results = report["results"]
    assert [r["subject"] for r in results] == ["社員-001", "社員-002"]
    assert [r["group"].encode() for r in results] == [s["group"].encode() for s in subjects]
    assert [r["outcome"]["evaluation"]["band"] for r in results] == [BANDS[1], BANDS[0]]
    assert report["duplicates"] == 0


def test_subject_ids_that_differ_only_by_normalisation_are_two_subjects(japanese_rubric, full_marks):
    # Subject ids are the caller's: compared byte for byte, so the NFC and NFD spellings are two
    # people, not a duplicate. Normalise them before calling when they should be one.
    nfd = "か\u3099く"
    subjects = [
        {"id": unicodedata.normalize("NFC", nfd), "facts": full_marks},
        {"id": nfd, "facts": full_marks},
    ]
    report = teichaku.evaluate_batch(japanese_rubric, subjects)
    assert [r["outcome"]["status"] for r in report["results"]] == ["evaluated", "evaluated"]
    assert report["duplicates"] == 0
