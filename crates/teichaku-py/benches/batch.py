"""Python batch evaluation against the command line, on the same subjects.

    python batch.py write DIR [N]     # DIR/facts.csv: N subjects (100,000) for `ai-use-in-appraisal`
    python batch.py MODE DIR          # evaluate DIR/facts.csv from Python in one way, print figures

MODE is how the subjects go in and the results come out:

    dicts-report     a list of subject dicts in, the batch report (dicts) out: the full explanation
    dicts-columns    a list of subject dicts in, the results as columns (a dict of lists)
    dicts-arrow      a list of subject dicts in, a pyarrow Table out
    frame-report     a pandas DataFrame (pd.read_csv) in, the batch report out
    frame-columns    a pandas DataFrame in, the results as columns
    frame-arrow      a pandas DataFrame in, a pyarrow Table out
    dicts-only       the dicts made from the CSV, nothing evaluated (what reading the CSV costs)
    frame-only       the DataFrame read, nothing evaluated

Each mode prints one line: the seconds `evaluate_batch` took (the call alone, the subjects
already in memory), the CPU seconds of the calling thread (on a busy machine the steadier
figure) and of the whole process over the call (with the worker thread that scores subject
dicts while the calling thread reads the next ones), the subjects evaluated, and for a table its
bytes a subject (`table.nbytes / n`). Run it under `/usr/bin/time -f "%e s %M KB"` for the whole process
(batch.sh does, beside the command line on the same file).

The subjects are drawn from a seeded generator, the same on every run: usage profiles from
occasional to daily, about 1 % of the cells empty (a missing required fact fails its subject),
some incidents (capped at band B), 50 groups, staff and managers.
"""

import csv
import random
import sys
import time
from pathlib import Path

RUBRIC = "ai-use-in-appraisal"
FACTS = ["goal_sheet_ai_entry", "proposals_implemented", "success_cases_shared", "usage_days_28", "incidents"]


def write(folder, n):
    """DIR/facts.csv, the command line's facts CSV: subject, group, roles and the five facts."""
    rng = random.Random(16)
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "facts.csv", "w", newline="") as out:
        rows = csv.writer(out, lineterminator="\n")
        rows.writerow(["subject", "group", "roles", *FACTS])
        for i in range(n):
            days_low, days_high, goal, strength = rng.choice(
                [(0, 2, 0.15, 0), (1, 8, 0.45, 1), (6, 18, 0.75, 2), (14, 28, 0.9, 3)]
            )
            values = [
                "true" if rng.random() < goal else "false",
                str(rng.randint(0, strength + 1)),
                str(rng.randint(0, strength)),
                str(rng.randint(days_low, days_high)),
                str(rng.choice([0] * 18 + [1, 2])),
            ]
            values = ["" if rng.random() < 0.002 else v for v in values]
            roles = "staff;manager" if i % 9 == 0 else "staff"
            rows.writerow([f"E{i:06d}", f"unit-{i % 50:02d}", roles, *values])


def dicts(folder):
    """The subjects as dicts, each cell read as the command line reads it."""

    def value(fact, cell):
        if cell == "":
            return None
        if fact == "goal_sheet_ai_entry":
            return cell == "true"
        return int(cell)

    with open(folder / "facts.csv", newline="") as f:
        return [
            {
                "id": row["subject"],
                "group": row["group"],
                "roles": row["roles"].split(";"),
                "facts": {fact: value(fact, row[fact]) for fact in FACTS},
            }
            for row in csv.DictReader(f)
        ]


def frame(folder):
    import pandas as pd

    return pd.read_csv(folder / "facts.csv")


def main():
    mode, folder = sys.argv[1], Path(sys.argv[2])
    if mode == "write":
        write(folder, int(sys.argv[3]) if len(sys.argv) > 3 else 100_000)
        return
    source, _, output = mode.partition("-")
    subjects = dicts(folder) if source == "dicts" else frame(folder)
    if output == "only":
        print(f"{mode}: {len(subjects)} subjects read")
        return
    import teichaku

    if output == "arrow":
        import pyarrow  # noqa: F401  (imported before the clock starts, as a caller would have it)
    form = {"arrow": {"arrow": True}, "columns": {"columns": True}}.get(output, {})
    start, cpu, all_cpu = time.perf_counter(), time.thread_time(), time.process_time()
    result = teichaku.evaluate_batch(RUBRIC, subjects, **form)
    seconds, cpu, all_cpu = time.perf_counter() - start, time.thread_time() - cpu, time.process_time() - all_cpu
    if output == "arrow":
        n = result.num_rows
        evaluated = result["status"].to_pylist().count("evaluated")
        extra = f", {result.nbytes / n:.1f} bytes a subject in the table"
    elif output == "columns":
        n = len(result["columns"]["subject"])
        evaluated, extra = result["evaluated"], ""
    else:
        n, evaluated, extra = len(result["results"]), result["evaluated"], ""
    print(
        f"{mode}: evaluate_batch {seconds:.3f} s ({cpu:.3f} s of CPU, {all_cpu:.3f} s with its worker) "
        f"for {n} subjects ({evaluated} evaluated){extra}"
    )


if __name__ == "__main__":
    main()
