"""Loading from Python as the command line loads: usage event files read or refused, never skipped."""

import json
import subprocess

import pytest

import teichaku
from test_assess import cli

AS_OF = "2026-11-01"


def events_csv(document, good, bad=0):
    """A CSV of `good` events of the document's first member in October 2026, and `bad` unreadable lines."""
    member = document["organisation"]["members"][0]["id"]
    lines = ["member,at,minutes"]
    lines += [f"{member},2026-10-{1 + i % 28:02d}T09:00:00+09:00,5" for i in range(good)]
    lines += [f"{member},someday,5" for _ in range(bad)]
    return "\n".join(lines) + "\n"


def with_files(demo, tmp_path, good=20, bad=0):
    """The demo document naming `extra.csv`, written with it into tmp_path."""
    demo["observations"]["usage_files"] = ["extra.csv"]
    (tmp_path / "extra.csv").write_text(events_csv(demo, good, bad))
    (tmp_path / "doc.json").write_text(json.dumps(demo))
    return demo


def test_a_document_naming_usage_files_needs_a_source(demo, tmp_path):
    demo = with_files(demo, tmp_path)
    for call in (lambda: teichaku.validate(demo), lambda: teichaku.assess(demo, AS_OF)):
        with pytest.raises(teichaku.DocumentError) as raised:
            call()
        (problem,) = raised.value.problems
        assert problem["error"] == "usage_files_need_a_source"
        assert problem["files"] == ["extra.csv"]


def test_usage_files_are_read_from_a_folder_or_given_contents(demo, tmp_path):
    demo = with_files(demo, tmp_path)
    assert teichaku.validate(demo, base_dir=tmp_path) is None
    from_folder = teichaku.assess(demo, AS_OF, base_dir=tmp_path)
    given = teichaku.assess(demo, AS_OF, usage_files={"extra.csv": (tmp_path / "extra.csv").read_bytes()})
    assert from_folder == given
    demo["observations"]["usage_files"] = []
    without = teichaku.assess(demo, AS_OF)
    assert without["kpis"]["events"]["stored"] + 20 == from_folder["kpis"]["events"]["stored"]


def test_a_missing_file_or_a_malformed_line_is_a_document_error(demo, tmp_path):
    demo = with_files(demo, tmp_path, good=2, bad=3)
    with pytest.raises(teichaku.DocumentError) as raised:
        teichaku.validate(demo, base_dir=tmp_path)
    (problem,) = raised.value.problems
    assert problem["error"] == "bad_lines"
    assert problem["count"] == 3
    assert [line["line"] for line in problem["lines"]] == [4, 5, 6]
    with pytest.raises(teichaku.DocumentError) as raised:
        teichaku.validate(demo, usage_files={})
    assert raised.value.problems[0]["error"] == "usage_file_unreadable"
    assert raised.value.problems[0]["file"] == "extra.csv"


def test_an_impossible_date_names_its_field(demo):
    demo["organisation"]["launch_date"] = "2026-02-30"
    with pytest.raises(teichaku.DocumentError) as raised:
        teichaku.validate(json.dumps(demo))
    assert raised.value.problems[0]["message"].endswith(
        ': "2026-02-30" is not a day: there is no such date; expected YYYY-MM-DD (at `organisation.launch_date`)'
    )


def run_cli(command, path):
    done = subprocess.run(
        [command, "assess", str(path), "--as-of", AS_OF, "--format", "json"], capture_output=True, text=True
    )
    return done.returncode, done.stdout, done.stderr


def cases(demo):
    """Documents to give both the command line and Python: valid ones and broken ones."""
    bad_date = json.loads(json.dumps(demo))
    bad_date["organisation"]["members"][0]["joined"] = "10000-01-01"
    minutes = json.loads(json.dumps(demo))
    minutes["observations"]["usage"][0]["minutes"] = 50_000
    return {"demo": demo, "bad date": bad_date, "minutes past 30 days": minutes}


def test_the_command_line_and_python_agree(demo, tmp_path):
    """The same documents, with and without usage files, give the same scores and the same refusals."""
    command = cli()
    if command is None:
        pytest.skip("the teichaku command is not built")
    with_files(json.loads(json.dumps(demo)), tmp_path)
    documents = cases(demo)
    documents["with usage files"] = json.loads((tmp_path / "doc.json").read_text())
    for name, document in documents.items():
        path = tmp_path / "doc.json"
        path.write_text(json.dumps(document))
        code, out, err = run_cli(command, path)
        try:
            assessed = teichaku.assess(document, AS_OF, base_dir=tmp_path)
        except teichaku.TeichakuError as e:
            assert code == 1, f"{name}: Python refused ({e}), the command line did not"
            core = e.problems[0]["message"].split(" (at `")[0].split(": ", 1)[-1]
            assert core in err, f"{name}: {core!r} not in {err!r}"
            continue
        assert code == 0, f"{name}: the command line refused: {err}"
        printed = json.loads(out)
        for part in ("kpis", "readiness", "plan", "actions"):
            assert printed[part] == assessed[part], f"{name}: {part}"
