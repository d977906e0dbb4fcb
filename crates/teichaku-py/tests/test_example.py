"""The appraisal example (examples/python-appraisal) runs and writes one explained result per employee."""

import json
import pathlib
import subprocess
import sys

import pytest

import teichaku

EXAMPLE = pathlib.Path(__file__).resolve().parents[3] / "examples" / "python-appraisal" / "appraisal.py"


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    output = tmp_path_factory.mktemp("appraisal") / "results.jsonl"
    done = subprocess.run([sys.executable, str(EXAMPLE), "--output", str(output)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    results = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    return results, done.stdout


def test_one_result_per_employee_in_order(run):
    results, _ = run
    assert [r["employee_id"] for r in results] == [f"E{i:03}" for i in range(1, 21)]
    assert all(r["rubric"] == "ai-use-in-appraisal@2" for r in results)
    assert all(r["rubric_hash"].startswith("sha256:") and len(r["rubric_hash"]) == 71 for r in results)
    assert all(r["engine_version"] == teichaku.ENGINE_VERSION for r in results)


def test_results_are_explained(run):
    results, _ = run
    by_id = {r["employee_id"]: r for r in results}
    # E001: full marks.
    assert (by_id["E001"]["total"], by_id["E001"]["band"]) == (100.0, "S")
    assert "Days of AI use in the last 28: 20 -> 40.0 of 40 points" in by_id["E001"]["explanation"]
    # E005: full marks but an incident: capped at B, just below A's 75, and shown so (not 75.0).
    assert by_id["E005"]["band"] == "B"
    assert by_id["E005"]["total"] == 74.99
    assert 74.99 < by_id["E005"]["evaluation"]["total"] < 75
    assert any(line.startswith("capped by `incident`") for line in by_id["E005"]["explanation"])
    # E010: goal sheet and usage days missing: revision 2 requires them, so E010 fails naming both.
    assert by_id["E010"]["status"] == "failed"
    assert by_id["E010"]["facts"] == ["goal_sheet_ai_entry", "usage_days_28"]
    # E004: usage without outcome: 20 * 0 + 40 = 40 would be C, and C is the cap: C.
    assert by_id["E004"]["band"] == "C"


def test_a_bad_cell_fails_that_employee_alone(run):
    results, summary = run
    failed = [r for r in results if r["status"] == "failed"]
    assert [(r["employee_id"], r["facts"]) for r in failed] == [
        ("E010", ["goal_sheet_ai_entry", "usage_days_28"]),
        ("E020", ["usage_days_28"]),
    ]
    assert "20 employees appraised" in summary
    assert "E020" in summary


def test_an_unknown_column_or_role_stops_the_run(tmp_path):
    export = tmp_path / "export.csv"
    export.write_text(
        "employee_id,name,department,role,goal_sheet_ai_entry,bonus\n"
        "E1,A,Sales,staff,true,3\n"
        "E2,B,Sales,wizard,true,\n"
    )
    output = tmp_path / "out.jsonl"
    done = subprocess.run(
        [sys.executable, str(EXAMPLE), "--input", str(export), "--output", str(output)], capture_output=True, text=True
    )
    assert done.returncode == 1
    assert "the rubric declares no fact `bonus`" in done.stderr
    assert "unknown role `wizard`" in done.stderr
    assert not output.exists(), "no partial appraisal is written"


def test_revision_1_still_renormalises(tmp_path):
    output = tmp_path / "v1.jsonl"
    done = subprocess.run(
        [sys.executable, str(EXAMPLE), "--rubric", "ai-use-in-appraisal@1", "--output", str(output)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    by_id = {r["employee_id"]: r for r in map(json.loads, output.read_text(encoding="utf-8").splitlines())}
    # (0.6 * 25 + 0.7 * 15) / 40 = 63.75%, band B, over the two criteria whose facts are there.
    assert (by_id["E010"]["total"], by_id["E010"]["band"]) == (63.75, "B")
    assert "weights renormalised over 40 points" in by_id["E010"]["explanation"]
