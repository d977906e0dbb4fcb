"""A yearly appraisal run, as an HR system would do it: score every employee's use of generative AI
against the built-in rubric ``ai-use-in-appraisal`` and write one explained result per employee.

The population comes from a CSV export: one row per employee, the columns employee_id, name,
department and role, and one column per fact of the rubric (an empty cell is a missing fact);
without ``--input`` the script uses the 20 made-up employees below. Each result is one JSON line:
the employee, the rubric (id, revision and content hash) and the engine's version, the outcome,
the total as shown and the band, and the explanation in words, with the engine's full evaluation
for the record. A short summary goes to standard output.

Totals are shown as the engine's ``shown_total``: two decimals, never a number of another band (a
total a cap left at 74.999... in band B shows as 74.99, not as 75.0, which reads as A).

    python appraisal.py --output appraisal-2026.jsonl
    python appraisal.py --input hr-export.csv --rubric my-rubric.json --output -
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from collections import Counter
from typing import Any, Optional

import teichaku

# An HR system's export for the 2026 appraisal: facts gathered over the appraisal period.
# `usage_days_28` comes from the AI tool's log, the rest from the goal sheet and the proposal box.
POPULATION_CSV = """\
employee_id,name,department,role,goal_sheet_ai_entry,proposals_implemented,success_cases_shared,usage_days_28,incidents
E001,Aoki Haruto,Sales,staff,true,3,2,20,0
E002,Ito Yui,Sales,staff,true,2,1,16,0
E003,Ueda Sota,Sales,manager,true,1,1,12,0
E004,Endo Mio,Sales,staff,false,0,0,16,0
E005,Ota Ren,Sales,staff,true,3,2,20,1
E006,Kato Hina,Accounting,staff,true,1,0,8,0
E007,Kimura Yuto,Accounting,staff,false,0,0,2,0
E008,Kudo Aoi,Accounting,manager,true,2,2,14,0
E009,Kondo Riku,Accounting,staff,true,0,1,10,0
E010,Saito Mei,Accounting,staff,,1,1,,0
E011,Sasaki Kaito,General Affairs,staff,true,0,0,4,0
E012,Shimizu Sara,General Affairs,staff,true,2,0,16,0
E013,Suzuki Minato,General Affairs,executive,true,1,2,18,0
E014,Takahashi Rin,General Affairs,staff,false,1,0,6,0
E015,Tanaka Yuma,General Affairs,staff,true,3,1,12,0
E016,Nakamura Koharu,Development,staff,true,4,3,22,0
E017,Nishida Asahi,Development,staff,true,2,2,16,2
E018,Hayashi Tsumugi,Development,manager,true,3,2,19,0
E019,Fujii Itsuki,Development,staff,true,0,0,0,0
E020,Matsumoto Akari,Development,staff,true,2,1,n/a,0
"""

# The columns that describe the employee; every other column is one of the rubric's facts.
EMPLOYEE_COLUMNS = ("employee_id", "name", "department", "role")


def cell(text: str) -> Any:
    """A CSV cell as a fact value: empty is missing, true/false a bool, a number a float, else the text."""
    text = text.strip()
    if text == "":
        return None
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    try:
        return float(text)
    except ValueError:
        return text  # The engine will say which fact is of the wrong kind, for this employee only.


def read_population(text: str) -> list[dict[str, Any]]:
    """The employees of a CSV export, each with its facts: the cells of the columns that do not describe it."""
    return [
        {**row, "facts": {name: cell(value or "") for name, value in row.items() if name not in EMPLOYEE_COLUMNS}}
        for row in csv.DictReader(io.StringIO(text))
    ]


def shown(value: Any) -> str:
    """A fact value as an appraisal sheet shows it."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def explain(evaluation: dict[str, Any], rubric: dict[str, Any]) -> list[str]:
    """The evaluation in words, one line per criterion, cap and missing fact."""
    titles = {c["id"]: c["title"]["en"] for c in rubric["criteria"]}
    lines = []
    for c in evaluation["criteria"]:
        if c["counted"]:
            lines.append(
                f"{titles.get(c['criterion'], c['criterion'])}: {shown(c['fact_value'])} -> "
                f"{c['points']:.1f} of {c['weight']:.0f} points"
            )
        else:
            lines.append(f"{titles.get(c['criterion'], c['criterion'])}: not counted (fact missing)")
    for cap in evaluation["caps_applied"]:
        lines.append(f"capped by `{cap['cap']}` at {cap['limit']:.2f}")
    for missing in evaluation["missing"]:
        lines.append(f"`{missing['fact']}` missing: {missing['treatment'].replace('_', ' ')}")
    if evaluation["weight_counted"] < sum(c["weight"] for c in evaluation["criteria"]):
        lines.append(f"weights renormalised over {evaluation['weight_counted']:.0f} points")
    return lines


def appraise(employees: list[dict[str, Any]], rubric: Any) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """One result per employee, in order, and the batch report they came from."""
    rubric_doc = teichaku.builtin_rubric(rubric) if isinstance(rubric, str) else rubric
    subjects = [
        {"id": e["employee_id"], "group": e["department"], "roles": [e["role"]], "facts": e["facts"]}
        for e in employees
    ]
    report = teichaku.evaluate_batch(rubric, subjects)
    results = []
    for employee, result in zip(employees, report["results"]):
        outcome = result["outcome"]
        line: dict[str, Any] = {
            "employee_id": employee["employee_id"],
            "name": employee["name"],
            "department": employee["department"],
            "rubric": f"{report['rubric_id']}@{report['rubric_revision']}",
            "rubric_hash": report["rubric_hash"],
            "engine_version": report["engine_version"],
            "status": outcome["status"],
        }
        if outcome["status"] == "evaluated":
            evaluation = outcome["evaluation"]
            line.update(
                total=evaluation["shown_total"],
                band=evaluation["band"],
                explanation=explain(evaluation, rubric_doc),
                evaluation=evaluation,
            )
        elif outcome["status"] == "failed":
            error = outcome["error"]
            line.update(error=error["message"], facts=error.get("facts") or [error.get("fact")])
        results.append(line)
    return results, report


def summary(results: list[dict[str, Any]]) -> str:
    """Counts by band, the failures, and the average total by department."""
    bands = Counter(r["band"] for r in results if r["status"] == "evaluated")
    lines = [f"{len(results)} employees appraised: " + ", ".join(f"{b} {bands[b]}" for b in sorted(bands))]
    for r in results:
        if r["status"] != "evaluated":
            lines.append(f"  {r['employee_id']} {r['name']}: {r['status']}: {r.get('error', '')}")
    by_department: dict[str, list[float]] = {}
    for r in results:
        if r["status"] == "evaluated":
            by_department.setdefault(r["department"], []).append(r["evaluation"]["total"])
    for department, totals in sorted(by_department.items()):
        lines.append(f"  {department:<16} average {sum(totals) / len(totals):5.1f} over {len(totals)}")
    return "\n".join(lines)


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", help="CSV export of the population (default: the 20 made-up employees)")
    parser.add_argument(
        "--rubric",
        default="ai-use-in-appraisal",
        help="a built-in rubric's id (ID for its latest revision, ID@REVISION for another) or a rubric JSON file",
    )
    parser.add_argument("--output", default="appraisal-results.jsonl", help="JSON lines file, or - for stdout")
    args = parser.parse_args(argv)

    text = POPULATION_CSV
    if args.input:
        with open(args.input, encoding="utf-8") as f:
            text = f.read()
    rubric: Any = args.rubric
    if args.rubric.endswith(".json"):
        with open(args.rubric, encoding="utf-8") as f:
            rubric = json.load(f)

    try:
        results, _ = appraise(read_population(text), rubric)
    except teichaku.TeichakuError as e:
        print(f"appraisal stopped: {e}", file=sys.stderr)
        for problem in e.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1

    out = sys.stdout if args.output == "-" else open(args.output, "w", encoding="utf-8")
    try:
        for line in results:
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
    finally:
        if out is not sys.stdout:
            out.close()
    print(summary(results), file=sys.stderr if args.output == "-" else sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
