"""Data frames in, Arrow tables out: a pandas DataFrame read from a facts CSV (NaN cells, numpy
dtypes) evaluates as the command line evaluates the CSV; pyarrow and Polars tables as the same
subjects given as dicts; numpy scalars, NaN and pd.NA in facts; the results as a pyarrow Table.

Revision 1 of the built-in rubric leaves missing facts out and renormalises the weights, so rows
with empty cells still evaluate.
"""

import io
import json
import math
import subprocess

import pytest

import teichaku

from test_assess import cli

pd = pytest.importorskip("pandas")
pa = pytest.importorskip("pyarrow")
np = pytest.importorskip("numpy")

V1 = "ai-use-in-appraisal@1"

CSV = """subject,group,roles,goal_sheet_ai_entry,proposals_implemented,success_cases_shared,usage_days_28,incidents
E001,sales,staff,true,3,2,20,0
E002,sales,staff;manager,,1,,5,
E003,,manager,false,,1,,1
E004,dev,staff,true,0,0,12.5,0
E005,dev,,,,,,
"""

DICTS = [
    {"id": "E001", "group": "sales", "roles": ["staff"], "facts": {"goal_sheet_ai_entry": True, "proposals_implemented": 3, "success_cases_shared": 2, "usage_days_28": 20, "incidents": 0}},
    {"id": "E002", "group": "sales", "roles": ["staff", "manager"], "facts": {"proposals_implemented": 1, "usage_days_28": 5}},
    {"id": "E003", "roles": ["manager"], "facts": {"goal_sheet_ai_entry": False, "success_cases_shared": 1, "incidents": 1}},
    {"id": "E004", "group": "dev", "roles": ["staff"], "facts": {"goal_sheet_ai_entry": True, "proposals_implemented": 0, "success_cases_shared": 0, "usage_days_28": 12.5, "incidents": 0}},
    {"id": "E005", "group": "dev", "facts": {}},
]


def frame():
    """The CSV as pandas reads it: NaN for empty cells, int64, float64 and object dtypes."""
    df = pd.read_csv(io.StringIO(CSV))
    assert df["proposals_implemented"].dtype == np.float64 and math.isnan(df["proposals_implemented"][2])
    assert df["usage_days_28"].isna().sum() == 2
    return df


def test_a_pandas_frame_with_nan_cells_evaluates_as_its_dicts():
    df = frame()
    if not hasattr(df, "__arrow_c_stream__"):
        pytest.skip("pandas before 2.2 has no Arrow C stream")
    assert teichaku.evaluate_batch(V1, df) == teichaku.evaluate_batch(V1, DICTS)


def test_a_pandas_frame_evaluates_as_the_command_line_on_the_same_csv(tmp_path):
    command = cli()
    if command is None:
        pytest.skip("the teichaku command is not built")
    path = tmp_path / "facts.csv"
    path.write_text(CSV)
    printed = subprocess.run(
        [command, "evaluate", "--rubric", "builtin:" + V1, "--facts", str(path), "--format", "json"],
        capture_output=True,
        text=True,
    ).stdout
    rows = [json.loads(line) for line in printed.splitlines()]
    df = frame()
    if not hasattr(df, "__arrow_c_stream__"):
        pytest.skip("pandas before 2.2 has no Arrow C stream")
    report = teichaku.evaluate_batch(V1, df)
    assert [r["subject"] for r in report["results"]] == [r["subject"] for r in rows] == ["E001", "E002", "E003", "E004", "E005"]
    for result, row in zip(report["results"], rows):
        # The command line's row of a subject that cannot be scored is an "error" row.
        assert result["outcome"]["status"] == {"error": "failed"}.get(row["status"], row["status"])
        assert result["outcome"].get("evaluation") == row.get("evaluation")
        assert result["outcome"].get("error", {}).get("kind") == row.get("error", {}).get("kind")
        assert result.get("group") == row.get("group")
    assert (report["evaluated"], report["failed"]) == (4, 1)
    assert report["results"][4]["outcome"]["error"]["kind"] == "nothing_to_score"


def test_pyarrow_and_polars_tables_evaluate_as_their_dicts():
    table = pa.Table.from_pandas(frame(), preserve_index=False)
    expected = teichaku.evaluate_batch(V1, DICTS)
    assert teichaku.evaluate_batch(V1, table) == expected
    # Roles as lists, the subject as an integer-free text, a dictionary-encoded group.
    listed = table.set_column(2, "roles", pa.array([["staff"], ["staff", "manager"], ["manager"], ["staff"], None]))
    listed = listed.set_column(1, "group", table["group"].dictionary_encode())
    assert teichaku.evaluate_batch(V1, listed) == expected
    pl = pytest.importorskip("polars")
    assert teichaku.evaluate_batch(V1, pl.from_arrow(table)) == expected


def test_numpy_scalars_nan_and_pd_na_are_values_and_missing_facts():
    plain = {"goal_sheet_ai_entry": True, "proposals_implemented": 3, "usage_days_28": 12.5}
    numpy = {
        "goal_sheet_ai_entry": np.bool_(True),
        "proposals_implemented": np.int64(3),
        "usage_days_28": np.float32(12.5),
        "success_cases_shared": float("nan"),
        "incidents": pd.NA,
    }
    assert teichaku.evaluate(V1, numpy) == teichaku.evaluate(V1, plain)
    subjects = [{"id": "E1", "facts": numpy}, {"id": "E2", "facts": {"usage_days_28": np.nan, "proposals_implemented": np.int32(1), "incidents": None}}]
    report = teichaku.evaluate_batch(V1, subjects)
    assert report["results"][0]["outcome"]["evaluation"] == teichaku.evaluate(V1, plain)
    assert report["evaluated"] == 2


def test_the_results_come_back_as_an_arrow_table():
    results = teichaku.evaluate_batch(V1, DICTS[:4], arrow=True)
    assert isinstance(results, pa.Table)
    report = teichaku.evaluate_batch(V1, DICTS[:4])
    columns = results.column_names
    assert columns[:8] == ["subject", "group", "status", "total", "shown_total", "uncapped_total", "band", "weight_counted"]
    assert columns[-3:] == ["caps_applied", "missing", "error"]
    assert [c for c in columns if c.startswith("points:")] == [
        "points:goal-sheet-ai-entry",
        "points:proposals-implemented",
        "points:success-cases-shared",
        "points:usage-days",
    ]
    rows = results.to_pylist()
    assert len(rows) == 4
    for row, result in zip(rows, report["results"]):
        evaluation = result["outcome"]["evaluation"]
        assert row["subject"] == result["subject"]
        assert (row["total"], row["band"], row["status"]) == (evaluation["total"], evaluation["band"], "evaluated")
        assert row["missing"] == ";".join(m["fact"] for m in evaluation["missing"])
        assert row["points:usage-days"] == evaluation["criteria"][3]["points"]
    assert results.schema.metadata[b"rubric_id"] == b"ai-use-in-appraisal"
    # A failed subject: its error, no total.
    failed = teichaku.evaluate_batch("ai-use-in-appraisal", [{"id": "E9", "facts": {}}], arrow=True).to_pylist()[0]
    assert failed["status"] == "failed" and failed["total"] is None
    assert failed["error"].startswith("required facts missing")


def test_a_table_without_subjects_or_with_an_unusable_column_is_refused():
    with pytest.raises(teichaku.EvaluationError) as raised:
        teichaku.evaluate_batch(V1, pa.table({"incidents": [0]}))
    assert raised.value.problems[0]["error"] == "no_subject_column"
    with pytest.raises(teichaku.EvaluationError) as raised:
        teichaku.evaluate_batch(V1, pa.table({"subject": ["E1"], "incidents": pa.array([b"x"], pa.binary())}))
    assert raised.value.problems[0]["column"] == "incidents"
    with pytest.raises(teichaku.EvaluationError) as raised:
        teichaku.evaluate_batch(V1, pa.table({"subject": ["E1", None], "incidents": [0, 1]}))
    assert raised.value.problems[0]["row"] == 2


def test_usage_events_from_a_data_frame_or_a_parquet_file_assess_as_their_csv(demo, tmp_path):
    members = [m["id"] for m in demo["organisation"]["members"][:3]]
    csv = "member,at,minutes,task\n" + "".join(
        f"{members[i % 3]},2026-10-{1 + i % 28:02d}T0{i % 9}:30:00Z,{'' if i % 4 == 0 else i % 7 * 1.5},{'mail' if i % 2 else ''}\n"
        for i in range(60)
    )
    df = pd.read_csv(io.StringIO(csv))
    df["at"] = pd.to_datetime(df["at"], utc=True)
    assert df["minutes"].isna().sum() == 15 and df["task"].isna().sum() == 30

    def assessed(name, contents=None, base_dir=None):
        document = {**demo, "observations": {**demo["observations"], "usage_files": [name]}}
        if base_dir is not None:
            return json.dumps(teichaku.assess(document, "2026-11-01", base_dir=base_dir))
        return json.dumps(teichaku.assess(document, "2026-11-01", usage_files={name: contents})).replace(name, "extra.csv")

    from_csv = assessed("extra.csv", csv.encode())
    assert assessed("extra.parquet", df) == from_csv
    assert assessed("extra.parquet", pa.Table.from_pandas(df)) == from_csv
    df.to_parquet(tmp_path / "extra.parquet")
    assert assessed("extra.parquet", base_dir=tmp_path).replace("extra.parquet", "extra.csv") == from_csv
    # A bad row is named by its number, from 1.
    bad = pd.DataFrame({"member": [members[0], "nobody"], "at": pd.to_datetime(["2026-10-01T09:00:00Z"] * 2, utc=True)})
    with pytest.raises(teichaku.DocumentError) as raised:
        assessed("bad.parquet", bad)
    assert raised.value.problems[0]["lines"][0]["line"] == 2
