#!/usr/bin/env python3
"""Peer comparison: the teichaku benchmark job, computed by Polars and by DuckDB.

Reads the data set written by `export-events` (members.csv, events.csv, meta.json), loads it into
memory in each engine, and times only the query. Each engine runs at each thread count in its own
subprocess, because Polars fixes its thread pool (POLARS_MAX_THREADS) when it is first imported.

The job, with as_of = the data set's last day and ISO weeks Monday to Sunday:
- per unit per ISO week in [first_day, as_of]: distinct active members (>= 1 event that week), the
  weekly-active rate = active / the unit's member count, and total minutes (sum of minutes_centi);
- per unit: the habit rate = members with >= 4 distinct event days in [as_of - 6, as_of] / the
  unit's member count.

Every engine and thread count must give identical canonical results; the script checks that before
it writes --out and prints timings. See README.md.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SCHEMA = "teichaku-peer-results/1"
HABIT_MIN_DAYS = 4
HABIT_WINDOW_DAYS = 7
ENGINES = ("polars", "duckdb")


# --------------------------------------------------------------------------------------------------
# Shared helpers


def week_start(day: int) -> int:
    """The Monday of the ISO week of a day since 1970-01-01 (1970-01-01 was a Thursday)."""
    return day - (day + 3) % 7


def read_meta(data: Path) -> dict:
    meta_path = data / "meta.json"
    if meta_path.exists():
        meta = json.loads(meta_path.read_text())
        return {"first_day": int(meta["first_day"]), "as_of": int(meta["as_of"])}
    raise SystemExit(f"{meta_path} is missing: write the data set with export-events")


def rss_mb() -> tuple[float, float]:
    """(current, peak) resident set size of this process in MiB (Linux /proc; else peak only)."""
    current = peak = 0.0
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                current = int(line.split()[1]) / 1024
            elif line.startswith("VmHWM:"):
                peak = int(line.split()[1]) / 1024
    except OSError:
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return current, peak


def canonical(weekly_rows, habit_rows, first_day: int, as_of: int) -> dict:
    """The canonical result document.

    weekly_rows: (unit, week, members, active, minutes_centi), habit_rows: (unit, members, habitual).
    """
    weekly = [
        {
            "unit": int(unit),
            "week": int(week),
            "members": int(members),
            "active": int(active),
            "weekly_active_rate": {"num": int(active), "den": int(members)},
            "minutes_centi": int(minutes),
        }
        for unit, week, members, active, minutes in weekly_rows
    ]
    habit = [
        {
            "unit": int(unit),
            "members": int(members),
            "habitual": int(habitual),
            "habit_rate": {"num": int(habitual), "den": int(members)},
        }
        for unit, members, habitual in habit_rows
    ]
    weekly.sort(key=lambda r: (r["unit"], r["week"]))
    habit.sort(key=lambda r: r["unit"])
    return {
        "schema": SCHEMA,
        "first_day": first_day,
        "as_of": as_of,
        "habit_window": {"from": as_of - (HABIT_WINDOW_DAYS - 1), "to": as_of, "min_days": HABIT_MIN_DAYS},
        "weekly": weekly,
        "habit": habit,
    }


def canonical_dumps(doc: dict) -> str:
    """Canonical JSON: keys sorted, no spaces, one row of each list per line, a final newline."""

    def compact(value) -> str:
        return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True)

    parts = []
    for key in sorted(doc):
        value = doc[key]
        if isinstance(value, list) and value:
            body = ",\n".join(compact(row) for row in value)
            parts.append(f"{compact(key)}:[\n{body}\n]")
        else:
            parts.append(f"{compact(key)}:{compact(value)}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


# --------------------------------------------------------------------------------------------------
# Polars


def polars_load(data: Path):
    import polars as pl

    members = pl.read_csv(data / "members.csv", schema={"member": pl.Int32, "unit": pl.Int32}).rechunk()
    events = pl.read_csv(
        data / "events.csv", schema={"member": pl.Int32, "day": pl.Int32, "minutes_centi": pl.Int32}
    ).rechunk()
    return {"members": members, "events": events}


def polars_size_mb(tables) -> float:
    return sum(df.estimated_size() for df in tables.values()) / 2**20


def polars_query(tables, first_day: int, as_of: int):
    import polars as pl

    members = tables["members"].lazy()
    events = tables["events"].lazy().filter(pl.col("day").is_between(first_day, as_of))
    sizes = members.group_by("unit").agg(pl.len().alias("members"))
    weeks = pl.LazyFrame(
        {"week": list(range(week_start(first_day), week_start(as_of) + 1, 7))}, schema={"week": pl.Int32}
    )

    # Join each event to its unit, then count distinct members per unit and week. (Of the shapes
    # tried, this was Polars' fastest; grouping by member and week first took about twice as long.)
    week = (pl.col("day") - (pl.col("day") + 3) % 7).cast(pl.Int32).alias("week")
    unit_week = (
        events.join(members, on="member", how="inner")
        .group_by("unit", week)
        .agg(
            pl.col("member").n_unique().alias("active"),
            pl.col("minutes_centi").cast(pl.Int64).sum().alias("minutes"),
        )
    )
    weekly = (
        sizes.join(weeks, how="cross")
        .join(unit_week, on=["unit", "week"], how="left")
        .select(
            "unit",
            "week",
            "members",
            pl.col("active").fill_null(0),
            pl.col("minutes").fill_null(0),
        )
        .sort("unit", "week")
    )

    habitual = (
        events.filter(pl.col("day") >= as_of - (HABIT_WINDOW_DAYS - 1))
        .group_by("member")
        .agg(pl.col("day").n_unique().alias("days"))
        .filter(pl.col("days") >= HABIT_MIN_DAYS)
        .join(members, on="member", how="inner")
        .group_by("unit")
        .agg(pl.len().alias("habitual"))
    )
    habit = (
        sizes.join(habitual, on="unit", how="left")
        .select("unit", "members", pl.col("habitual").fill_null(0))
        .sort("unit")
    )
    return pl.collect_all([weekly, habit])


def polars_rows(result):
    weekly, habit = result
    return weekly.rows(), habit.rows()


def polars_threads() -> int:
    import polars as pl

    return pl.thread_pool_size()


# --------------------------------------------------------------------------------------------------
# DuckDB


def duckdb_load(data: Path, threads: int):
    import duckdb

    con = duckdb.connect(":memory:", config={"threads": threads})
    con.execute(
        "CREATE TABLE members AS SELECT * FROM read_csv(?, header = true, "
        "columns = {'member': 'INTEGER', 'unit': 'INTEGER'})",
        [str(data / "members.csv")],
    )
    con.execute(
        "CREATE TABLE events AS SELECT * FROM read_csv(?, header = true, "
        "columns = {'member': 'INTEGER', 'day': 'INTEGER', 'minutes_centi': 'INTEGER'})",
        [str(data / "events.csv")],
    )
    return con


def duckdb_size_mb(con) -> float:
    try:
        (used,) = con.execute("SELECT coalesce(sum(memory_usage_bytes), 0) FROM duckdb_memory()").fetchone()
    except Exception:  # duckdb_memory() is missing from older releases
        return float("nan")
    return int(used) / 2**20


def duckdb_sql(first_day: int, as_of: int) -> tuple[str, str]:
    first_day, as_of = int(first_day), int(as_of)
    habit_from = as_of - (HABIT_WINDOW_DAYS - 1)
    weekly = f"""
        -- Per member and week first, then per unit: of the shapes tried, DuckDB's fastest
        -- (count(DISTINCT member) per unit and week took longer).
        WITH sizes AS (SELECT unit, count(*) AS members FROM members GROUP BY unit),
        weeks AS (
            SELECT CAST(range AS INTEGER) AS week
            FROM range({week_start(first_day)}, {week_start(as_of) + 1}, 7)
        ),
        member_week AS (
            SELECT member, day - (day + 3) % 7 AS week, sum(minutes_centi) AS minutes
            FROM events WHERE day BETWEEN {first_day} AND {as_of}
            GROUP BY ALL
        ),
        unit_week AS (
            SELECT unit, week, count(*) AS active, sum(minutes) AS minutes
            FROM member_week JOIN members USING (member)
            GROUP BY ALL
        )
        SELECT s.unit, w.week, s.members, coalesce(u.active, 0), coalesce(u.minutes, 0)
        FROM sizes s CROSS JOIN weeks w
        LEFT JOIN unit_week u ON u.unit = s.unit AND u.week = w.week
        ORDER BY s.unit, w.week
    """
    habit = f"""
        WITH sizes AS (SELECT unit, count(*) AS members FROM members GROUP BY unit),
        recent AS (
            SELECT member FROM events
            WHERE day BETWEEN {habit_from} AND {as_of}
            GROUP BY member HAVING count(DISTINCT day) >= {HABIT_MIN_DAYS}
        ),
        habitual AS (
            SELECT unit, count(*) AS habitual FROM recent JOIN members USING (member) GROUP BY unit
        )
        SELECT s.unit, s.members, coalesce(h.habitual, 0)
        FROM sizes s LEFT JOIN habitual h USING (unit)
        ORDER BY s.unit
    """
    return weekly, habit


def duckdb_query(con, sql: tuple[str, str]):
    weekly, habit = sql
    return con.execute(weekly).fetchall(), con.execute(habit).fetchall()


def duckdb_threads(con) -> int:
    return int(con.execute("SELECT current_setting('threads')").fetchone()[0])


# --------------------------------------------------------------------------------------------------
# Plain Python reference (slow; for checking the engines on small sets)


def reference(data: Path, first_day: int, as_of: int):
    import csv

    unit_of: list[int] = []
    sizes: dict[int, int] = {}
    with open(data / "members.csv", newline="") as f:
        reader = csv.reader(f)
        next(reader)
        for member, unit in reader:
            assert int(member) == len(unit_of)
            unit_of.append(int(unit))
            sizes[int(unit)] = sizes.get(int(unit), 0) + 1
    active: dict[tuple[int, int], set[int]] = {}
    minutes: dict[tuple[int, int], int] = {}
    recent: dict[int, set[int]] = {}
    habit_from = as_of - (HABIT_WINDOW_DAYS - 1)
    with open(data / "events.csv", newline="") as f:
        reader = csv.reader(f)
        next(reader)
        for member, day, centi in reader:
            member, day = int(member), int(day)
            if not first_day <= day <= as_of:
                continue
            key = (unit_of[member], week_start(day))
            active.setdefault(key, set()).add(member)
            minutes[key] = minutes.get(key, 0) + int(centi)
            if day >= habit_from:
                recent.setdefault(member, set()).add(day)
    weeks = range(week_start(first_day), week_start(as_of) + 1, 7)
    weekly = [
        (u, w, sizes[u], len(active.get((u, w), ())), minutes.get((u, w), 0)) for u in sorted(sizes) for w in weeks
    ]
    habitual: dict[int, int] = {}
    for member, days in recent.items():
        if len(days) >= HABIT_MIN_DAYS:
            habitual[unit_of[member]] = habitual.get(unit_of[member], 0) + 1
    habit = [(u, sizes[u], habitual.get(u, 0)) for u in sorted(sizes)]
    return weekly, habit


# --------------------------------------------------------------------------------------------------
# Worker: one engine at one thread count, in its own process


def worker(args) -> None:
    data = Path(args.data)
    meta = read_meta(data)
    first_day, as_of = meta["first_day"], meta["as_of"]
    importlib.import_module(args.worker)  # so that the load's memory excludes the engine's own code
    rss_start, _ = rss_mb()

    started = time.perf_counter()
    if args.worker == "polars":
        tables = polars_load(data)
        engine_mb = polars_size_mb(tables)
        threads_seen = polars_threads()

        def run():
            return polars_query(tables, first_day, as_of)

        rows = polars_rows
    else:
        con = duckdb_load(data, args.threads)
        con.execute(f"SET threads = {int(args.threads)}")
        engine_mb = duckdb_size_mb(con)
        threads_seen = duckdb_threads(con)
        sql = duckdb_sql(first_day, as_of)

        def run():
            return duckdb_query(con, sql)

        def rows(result):
            return result

    load_ms = (time.perf_counter() - started) * 1000
    rss_loaded, _ = rss_mb()
    if threads_seen != args.threads:
        raise SystemExit(f"{args.worker}: asked for {args.threads} threads, the engine uses {threads_seen}")

    # One untimed warm-up run, then the timed runs (query and collecting its small result only).
    started = time.perf_counter()
    result = run()
    first_ms = (time.perf_counter() - started) * 1000
    load_average = os.getloadavg()[0]
    times, cpu_times = [], []
    for _ in range(args.runs):
        started, cpu_started = time.perf_counter(), time.process_time()
        result = run()
        times.append((time.perf_counter() - started) * 1000)
        cpu_times.append((time.process_time() - cpu_started) * 1000)
    _, rss_peak = rss_mb()

    weekly, habit = rows(result)
    report = {
        "engine": args.worker,
        "threads": args.threads,
        "load_ms": load_ms,
        "rss_start_mb": rss_start,
        "rss_loaded_mb": rss_loaded,
        "rss_peak_mb": rss_peak,
        "engine_data_mb": engine_mb,
        "first_ms": first_ms,
        "runs_ms": times,
        "best_ms": min(times),
        "median_ms": statistics.median(times),
        "cpu_ms": cpu_times,
        "median_cpu_ms": statistics.median(cpu_times),
        "load_average": load_average,
        "results": canonical(weekly, habit, first_day, as_of),
    }
    Path(args.worker_out).write_text(json.dumps(report))


# --------------------------------------------------------------------------------------------------
# Driver


def run_worker(engine: str, threads: int, args, out: Path) -> dict:
    env = dict(os.environ)
    threads_text = str(threads)
    # Polars reads these when it is imported; DuckDB takes SET threads.
    env["POLARS_MAX_THREADS"] = threads_text
    env["RAYON_NUM_THREADS"] = threads_text
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--data",
        str(args.data),
        "--runs",
        str(args.runs),
        "--worker",
        engine,
        "--threads",
        threads_text,
        "--worker-out",
        str(out),
    ]
    subprocess.run(command, env=env, check=True)
    return json.loads(out.read_text())


def first_difference(a: dict, b: dict) -> str:
    for key in sorted(set(a) | set(b)):
        if a.get(key) != b.get(key):
            left, right = a.get(key), b.get(key)
            if isinstance(left, list) and isinstance(right, list):
                for i, (x, y) in enumerate(zip(left, right)):
                    if x != y:
                        return f"{key}[{i}]: {x} != {y}"
                return f"{key}: {len(left)} rows != {len(right)} rows"
            return f"{key}: {left!r} != {right!r}"
    return "no difference"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", required=True, type=Path, help="directory written by export-events")
    parser.add_argument("--out", type=Path, help="write the canonical results JSON here")
    parser.add_argument("--json-timings", type=Path, help="write {engine: {threads: {best_ms, median_ms, ...}}}")
    parser.add_argument("--runs", type=int, default=7, help="timed runs per engine and thread count (>= 5)")
    parser.add_argument("--threads", type=str, default="1,2", help="comma-separated thread counts (default 1,2)")
    parser.add_argument("--engines", type=str, default=",".join(ENGINES), help="comma-separated: polars,duckdb")
    parser.add_argument("--reference", action="store_true", help="also check against plain Python (slow)")
    parser.add_argument("--worker", choices=ENGINES, help=argparse.SUPPRESS)
    parser.add_argument("--worker-out", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.worker:
        args.threads = int(args.threads)
        worker(args)
        return

    if args.runs < 5:
        parser.error("--runs must be at least 5")
    engines = [e for e in args.engines.split(",") if e]
    for engine in engines:
        if engine not in ENGINES:
            parser.error(f"unknown engine {engine}")
    thread_counts = [int(t) for t in args.threads.split(",") if t]

    reports = []
    with tempfile.TemporaryDirectory(prefix="teichaku-peer-") as tmp:
        for threads in thread_counts:
            for engine in engines:
                out = Path(tmp) / f"{engine}-{threads}.json"
                reports.append(run_worker(engine, threads, args, out))

    # Identical canonical results from every engine and thread count, before any timing is shown.
    expected = reports[0]["results"]
    for report in reports[1:]:
        if report["results"] != expected:
            raise SystemExit(
                f"results differ: {reports[0]['engine']}/{reports[0]['threads']} vs "
                f"{report['engine']}/{report['threads']}: {first_difference(expected, report['results'])}"
            )
    if args.reference:
        meta = read_meta(args.data)
        weekly, habit = reference(args.data, meta["first_day"], meta["as_of"])
        plain = canonical(weekly, habit, meta["first_day"], meta["as_of"])
        if plain != expected:
            raise SystemExit(f"engines differ from plain Python: {first_difference(plain, expected)}")
    checked = " and plain Python" if args.reference else ""
    print(
        f"results identical across {', '.join(engines)}{checked} at threads {', '.join(map(str, thread_counts))}: "
        f"{len(expected['weekly'])} unit-weeks, {len(expected['habit'])} units"
    )

    if args.out:
        args.out.write_text(canonical_dumps(expected))
        print(f"wrote {args.out}")

    timings: dict = {}
    for r in reports:
        print(
            f"{r['engine']:<7} threads={r['threads']}  best {r['best_ms']:9.2f} ms  median {r['median_ms']:9.2f} ms"
            f"  (first {r['first_ms']:.2f} ms, {len(r['runs_ms'])} runs, median CPU {r['median_cpu_ms']:.2f} ms,"
            f" 1-min load average {r['load_average']:.2f})  load {r['load_ms'] / 1000:6.2f} s"
            f"  RSS {r['rss_start_mb']:.0f} -> {r['rss_loaded_mb']:.0f} MiB loaded, peak {r['rss_peak_mb']:.0f} MiB"
            f"  (engine reports {r['engine_data_mb']:.0f} MiB of data)"
        )
        timings.setdefault(r["engine"], {})[str(r["threads"])] = {
            "best_ms": round(r["best_ms"], 3),
            "median_ms": round(r["median_ms"], 3),
            "runs_ms": [round(t, 3) for t in r["runs_ms"]],
            "median_cpu_ms": round(r["median_cpu_ms"], 3),
            "load_ms": round(r["load_ms"], 1),
            "rss_loaded_mb": round(r["rss_loaded_mb"], 1),
            "rss_peak_mb": round(r["rss_peak_mb"], 1),
        }
    if args.json_timings:
        args.json_timings.write_text(json.dumps(timings, indent=2, sort_keys=True) + "\n")
        print(f"wrote {args.json_timings}")


if __name__ == "__main__":
    main()
