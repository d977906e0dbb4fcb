"""what_if, rollup, calibrate and the ``teichaku`` console script, with answers worked out by hand.

The what-if runs over tests/data/small.json (shared with the command-line tests in
crates/teichaku-cli/tests/whatif.rs): on 2026-05-20 its second wave (Support) is blocked because
nobody there is an ambassador; Support has three members present (106, a manager; 107, leaving on
2026-06-01; 108). The roll-up and calibration repeat the command line's
``evaluate_rolls_up_and_calibrates_after_the_rows``.
"""

import json
import pathlib
import subprocess
import sys

import pytest

import teichaku

SMALL = (pathlib.Path(__file__).resolve().parents[3] / "tests" / "data" / "small.json").read_text(encoding="utf-8")
SALES = "00000000-0000-0000-0000-000000000002"
SUPPORT = "00000000-0000-0000-0000-000000000003"


def test_the_best_single_action_appoints_the_missing_ambassador():
    result = teichaku.what_if(SMALL, "2026-05-20")
    best = result["best_single_actions"][0]
    assert best["code"] == "appoint:ambassador"
    assert best["scope"] == {"kind": "unit", "unit": SUPPORT}
    assert best["appointed"] == [["00000000-0000-0000-0000-000000000106", "ambassador"]]
    assert best["unblocked"] == [{"activity": "training", "unit": SUPPORT}]
    assert (best["instances_unblocked"], best["members_unblocked"]) == (1, 3)
    assert result["completed"] == [] and "changes" not in result and "text" not in result


def test_completing_the_overdue_practice_task_removes_its_action():
    result = teichaku.what_if(SMALL, "2026-05-20", complete=["practice-task@Sales"])
    assert result["completed"] == [{"activity": "practice-task", "unit": SALES, "date": "2026-05-20"}]
    changes = result["changes"]
    assert changes["instances"] == [{"key": {"activity": "practice-task", "unit": SALES}, "from": "overdue", "to": "done"}]
    assert changes["actions_removed"] == [{"code": "activity:practice-task", "scope": {"kind": "unit", "unit": SALES}}]
    assert changes["phase"] == {"before": "prepare", "after": "prepare"}


def test_the_same_answer_as_the_command_line_in_both_languages():
    english = teichaku.what_if(SMALL, "2026-05-20", complete=["practice-task@Sales"], lang="en", top=1)["text"]
    assert english.splitlines()[:3] == [
        "Small Example K.K. — what-if as of 2026-05-20",
        "",
        "If completed today: Practice task [practice-task] (Sales)",
    ]
    assert " 1. Appoint an AI ambassador — Support: unblocks 1 instance, 3 people" in english
    japanese = teichaku.what_if(SMALL, "2026-05-20", complete=["training"], lang="ja", top=1)["text"]
    assert "本日完了した場合：研修［training］（Support）" in japanese
    assert "    実務課題［practice-task］（Support）：待ち → 着手可能" in japanese
    assert "Support：作業1件・3人の待ちを解除" in japanese


def test_names_that_cannot_be_completed_raise_with_the_name():
    with pytest.raises(teichaku.AssessmentError) as e:
        teichaku.what_if(SMALL, "2026-05-20", complete=["training@Nowhere"])
    assert e.value.problems[0]["error"] == "unknown_unit"
    assert e.value.problems[0]["name"] == "training@Nowhere"
    with pytest.raises(teichaku.AssessmentError) as e:
        teichaku.what_if(SMALL, "2026-05-20", complete=["declare-aim@Sales"])
    assert e.value.problems[0]["error"] == "organisation_wide"
    with pytest.raises(teichaku.AssessmentError) as e:
        teichaku.what_if(SMALL, "2026-05-20", complete=["no-such-activity"])
    assert e.value.problems[0]["error"] == "unknown_activity"
    with pytest.raises(TypeError):
        teichaku.what_if(SMALL, "2026-05-20", complete="training")
    with pytest.raises(ValueError):
        teichaku.what_if(SMALL, "2026-05-20", lang="fr")


# Usage days 16, 12, 8, 8, 4 in sales (totals 100, 75, 50, 50, 25) and one in legal, on
# revision 1 of the built-in rubric.
POPULATION = [
    {"id": "s-1", "group": "sales", "facts": {"usage_days_28": 16}},
    {"id": "s-2", "group": "sales", "facts": {"usage_days_28": 12}},
    {"id": "s-3", "group": "sales", "facts": {"usage_days_28": 8}},
    {"id": "s-4", "group": "sales", "facts": {"usage_days_28": 8}},
    {"id": "s-5", "group": "sales", "facts": {"usage_days_28": 4}},
    {"id": "l-1", "group": "legal", "facts": {"usage_days_28": 16}},
]


def test_rollup_withholds_a_group_under_the_minimum():
    report = teichaku.rollup("ai-use-in-appraisal@1", POPULATION)
    legal, sales = report["groups"]
    assert legal["group"] == "legal" and legal["figures"]["status"] == "suppressed"
    assert sales["figures"]["mean"] == 60.0 and sales["figures"]["median"] == 50.0
    # With a minimum of one, legal's single total shows.
    legal = teichaku.rollup("ai-use-in-appraisal@1", POPULATION, min_group_size=1)["groups"][0]
    assert legal["figures"]["mean"] == 100.0


def test_calibrate_moves_people_to_the_target_shares():
    # Ranks: l-1 and s-1 tie at 100 (l-1 first by id), s-2 75, s-3 and s-4 50, s-5 25. A fifth
    # each of six is 1.2 people: S holds rank 1, A 2, B 3-4, C 5 and D 6.
    shares = {"S": 0.2, "A": 0.2, "B": 0.2, "C": 0.2, "D": 0.2}
    report = teichaku.calibrate("ai-use-in-appraisal@1", POPULATION, shares)
    moves = [(m["subject"], m["from"], m["to"]) for m in report["moves"]]
    assert moves == [("s-1", "S", "A"), ("s-2", "A", "B"), ("s-3", "C", "B")]
    assert teichaku.calibrate("ai-use-in-appraisal@1", POPULATION, {"shares": shares}) == report


def test_calibrate_refuses_shares_that_do_not_add_up():
    with pytest.raises(teichaku.EvaluationError) as e:
        teichaku.calibrate("ai-use-in-appraisal@1", POPULATION, {"S": 0.25, "A": 0.25, "B": 0, "C": 0, "D": 0})
    assert str(e.value) == "the target shares add up to 0.5, not 1"
    assert e.value.problems[0]["error"] == "target_sum"


def _script(*args, stdin=None):
    """Runs the installed console script's logic in a fresh interpreter."""
    return subprocess.run(
        [sys.executable, "-c", "import sys, teichaku._cli as c; sys.exit(c.main(sys.argv[1:]))", *args],
        input=stdin, capture_output=True, text=True, encoding="utf-8",
    )


def test_the_console_script_prints_the_what_if():
    done = _script("--lang", "ja", "whatif", "-", "--as-of", "2026-05-20", "--complete", "training", "--top", "1",
                   stdin=SMALL)
    assert done.returncode == 0, done.stderr
    assert done.stdout == teichaku.what_if(SMALL, "2026-05-20", complete=["training"], lang="ja", top=1)["text"]
    as_json = _script("whatif", "-", "--as-of", "2026-05-20", "--format", "json", stdin=SMALL)
    assert json.loads(as_json.stdout) == teichaku.what_if(SMALL, "2026-05-20")


def test_the_console_script_reports_bad_input_with_exit_one():
    bad = _script("whatif", "-", "--as-of", "2026-05-20", "--complete", "nope", stdin=SMALL)
    assert bad.returncode == 1 and bad.stdout == ""
    assert bad.stderr.startswith('complete "nope": unknown activity `nope`')
    broken = SMALL.replace('"minutes": 7.5', '"minutes": -7.5')
    invalid = _script("validate", "-", stdin=broken)
    assert invalid.returncode == 1 and "`minutes` = -7.5 is negative" in invalid.stderr
    assert _script("validate", "-", stdin=SMALL).stdout == "valid assessment document\n"


def test_the_console_script_is_declared():
    from importlib.metadata import entry_points

    scripts = [e for e in entry_points(group="console_scripts") if e.name == "teichaku"]
    assert [e.value for e in scripts] == ["teichaku._cli:run"]


def test_the_html_report_in_both_languages():
    english = teichaku.html_report(SMALL, "2026-05-20")
    japanese = teichaku.html_report(SMALL, "2026-05-20", lang="ja", top=1)
    assert english.startswith("<!DOCTYPE html>") and japanese.startswith("<!DOCTYPE html>")
    assert '<html lang="en">' in english and '<html lang="ja">' in japanese
    assert "Small Example K.K." in english
    with pytest.raises(ValueError):
        teichaku.html_report(SMALL, "2026-05-20", lang="de")


def test_the_text_report_in_both_languages():
    english = teichaku.assessment_text(SMALL, "2026-05-20")
    japanese = teichaku.assessment_text(SMALL, "2026-05-20", lang="ja", top=1)
    assert "assessment as of 2026-05-20" in english and "Retention score: " in english
    assert "アセスメント 基準日 2026-05-20" in japanese and "定着スコア：" in japanese
    # The level and the roles are words, not identifiers, in Japanese.
    for identifier in ("Spreading", "Trial", "executive", "n/a", "HabitRate"):
        assert identifier not in japanese
    # One action listed under `top=1`.
    assert "次のアクション（上位 1）：" in japanese and "\n 2. " not in japanese
    with pytest.raises(ValueError):
        teichaku.assessment_text(SMALL, "2026-05-20", lang="de")
