#!/usr/bin/env python3
"""The end-to-end job, from the user's file to the figures, for the peers: one whole process a run.

    e2e.py run --engine duckdb|polars --threads N --data DIR --format csv|jsonl|parquet --out FILE
    e2e.py canon --data DIR --report KPIS.json --out FILE

`run` reads DIR/members.csv and DIR/events.csv (or events.jsonl), as written by
`export-e2e`, or DIR/events.parquet (the same events written by Polars, as `compare-e2e.sh`
writes them: the members as text, the timestamps as UTC instants), parses the timestamps, and computes per unit and ISO week the members active that
week, and per unit the habitual members (at least 4 distinct days in the 7 days to `as_of`);
it writes them in the canonical form below. `canon` turns the JSON report of
`teichaku kpis DIR/doc.json --as-of AS_OF --events DIR/events.csv --format json` into the same
form, so the results compare byte for byte (`compare-e2e.sh`).

Canonical form: keys sorted, one row a line, rows by unit then week; units by their number (the
`unit` column of members.csv, `Unit N` in the document), weeks by the day number of their Monday:

    {"habit":[{"habitual":..,"members":..,"unit":0},...],
     "weekly":[{"active":..,"members":..,"unit":0,"week":20668},...]}
"""

import argparse
import json
import os
import sys


def meta_of(data):
    with open(os.path.join(data, "meta.json")) as f:
        return json.load(f)


def canonical(meta, members_per_unit, active, habitual):
    """The canonical text: `active` maps (unit, week) to a count, `habitual` unit to a count."""
    weeks = range(meta["first_day"], meta["as_of"] + 1, 7)
    units = sorted(members_per_unit)
    lines = ["{", '"habit":[']
    rows = [
        json.dumps({"habitual": habitual.get(u, 0), "members": members_per_unit[u], "unit": u},
                   sort_keys=True, separators=(",", ":"))
        for u in units
    ]
    lines.append(",\n".join(rows))
    lines.append("],")
    lines.append('"weekly":[')
    rows = [
        json.dumps({"active": active.get((u, w), 0), "members": members_per_unit[u], "unit": u, "week": w},
                   sort_keys=True, separators=(",", ":"))
        for u in units for w in weeks
    ]
    lines.append(",\n".join(rows))
    lines.append("]")
    lines.append("}")
    return "\n".join(lines) + "\n"


def run_duckdb(args, meta):
    import duckdb

    con = duckdb.connect()
    con.execute(f"SET threads = {args.threads}")
    assert con.execute("SELECT current_setting('threads')").fetchone()[0] == args.threads
    data = args.data
    # Members named by employee numbers (export-e2e --member-keys) are text; uuids are UUIDs.
    member = "VARCHAR" if meta.get("member_keys") else "UUID"
    columns = f"{{'member': '{member}', 'at': 'TIMESTAMPTZ', 'minutes': 'DOUBLE', 'task': 'VARCHAR'}}"
    if args.format == "csv":
        source = f"read_csv('{data}/events.csv', header = true, columns = {columns})"
    elif args.format == "parquet":
        source = f"(SELECT CAST(member AS {member}) AS member, \"at\" FROM read_parquet('{data}/events.parquet'))"
    else:
        source = f"read_json('{data}/events.jsonl', format = 'newline_delimited', columns = {columns})"
    first, as_of = meta["first_day"], meta["as_of"]
    query = f"""
    WITH m AS (SELECT member, unit FROM read_csv('{data}/members.csv', header = true,
                                                  columns = {{'member': '{member}', 'unit': 'INTEGER'}})),
         d AS (SELECT DISTINCT member, CAST(floor(epoch("at") / 86400) AS INTEGER) AS day FROM {source}),
         k AS (SELECT member, day FROM d WHERE day BETWEEN {first} AND {as_of}),
         w AS (SELECT member, day - ((day + 3) % 7) AS week FROM k GROUP BY ALL),
         weekly AS (SELECT m.unit, w.week, count(*) AS active FROM w JOIN m USING (member) GROUP BY ALL),
         h AS (SELECT member FROM k WHERE day BETWEEN {as_of - 6} AND {as_of} GROUP BY member HAVING count(*) >= 4),
         habit AS (SELECT m.unit, count(*) AS habitual FROM h JOIN m USING (member) GROUP BY ALL)
    SELECT 'w', unit, week, active FROM weekly
    UNION ALL SELECT 'h', unit, NULL, habitual FROM habit
    UNION ALL SELECT 'm', unit, NULL, count(*) FROM m GROUP BY unit
    """
    return split_rows(con.execute(query).fetchall())


def split_rows(rows):
    active, habitual, members = {}, {}, {}
    for kind, unit, week, n in rows:
        if kind == "w":
            active[(unit, week)] = n
        elif kind == "h":
            habitual[unit] = n
        else:
            members[unit] = n
    return members, active, habitual


def run_polars(args, meta):
    os.environ["POLARS_MAX_THREADS"] = str(args.threads)
    import polars as pl

    assert pl.thread_pool_size() == args.threads
    data = args.data
    first, as_of = meta["first_day"], meta["as_of"]
    schema = {"member": pl.Utf8, "at": pl.Utf8, "minutes": pl.Float64, "task": pl.Utf8}
    day = (pl.col("at").str.to_datetime("%Y-%m-%dT%H:%M:%S%#z", time_zone="UTC").dt.epoch("d")).cast(pl.Int32)
    if args.format == "csv":
        events = pl.scan_csv(f"{data}/events.csv", schema=schema)
    elif args.format == "parquet":
        events = pl.scan_parquet(f"{data}/events.parquet")
        day = pl.col("at").dt.epoch("d").cast(pl.Int32)
    else:
        events = pl.scan_ndjson(f"{data}/events.jsonl", schema=schema)
    members = pl.scan_csv(f"{data}/members.csv", schema={"member": pl.Utf8, "unit": pl.Int32})
    d = events.select(pl.col("member"), day.alias("day")).unique().filter(pl.col("day").is_between(first, as_of))
    weekly = (
        d.with_columns((pl.col("day") - (pl.col("day") + 3) % 7).alias("week"))
        .select("member", "week").unique()
        .join(members, on="member")
        .group_by("unit", "week").agg(pl.len().alias("active"))
    )
    habit = (
        d.filter(pl.col("day").is_between(as_of - 6, as_of))
        .group_by("member").agg(pl.len().alias("days"))
        .filter(pl.col("days") >= 4)
        .join(members, on="member")
        .group_by("unit").agg(pl.len().alias("habitual"))
    )
    counts = members.group_by("unit").agg(pl.len().alias("members"))
    weekly, habit, counts = pl.collect_all([weekly, habit, counts])
    active = {(u, w): n for u, w, n in weekly.select("unit", "week", "active").iter_rows()}
    habitual = {u: n for u, n in habit.select("unit", "habitual").iter_rows()}
    per_unit = {u: n for u, n in counts.select("unit", "members").iter_rows()}
    return per_unit, active, habitual


def canon_teichaku(args, meta):
    """The per-unit figures of a teichaku KPI report."""
    with open(args.report) as f:
        report = json.load(f)
    with open(os.path.join(args.data, "doc.json")) as f:
        doc = json.load(f)
    unit_number = {u["id"]: int(u["name"].removeprefix("Unit ")) for u in doc["organisation"]["units"]}
    members, active, habitual = {}, {}, {}
    import datetime

    epoch = datetime.date(1970, 1, 1)
    for scope in report["scopes"]:
        if scope["scope"]["kind"] != "unit":
            continue
        unit = unit_number[scope["scope"]["id"]]
        members[unit] = scope["headcount"]
        figures = scope["figures"]["value"]
        habitual[unit] = figures["habit"]["value"]["numerator"]
        for week in figures["weekly"]:
            start = (datetime.date.fromisoformat(week["week_start"]) - epoch).days
            if meta["first_day"] <= start <= meta["as_of"]:
                active[(unit, start)] = week["weekly_active"]["value"]["numerator"]
    return members, active, habitual


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["run", "canon"])
    parser.add_argument("--engine", choices=["duckdb", "polars"])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--data", required=True)
    parser.add_argument("--format", choices=["csv", "jsonl", "parquet"], default="csv")
    parser.add_argument("--report")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    meta = meta_of(args.data)
    if args.command == "canon":
        members, active, habitual = canon_teichaku(args, meta)
    elif args.engine == "duckdb":
        members, active, habitual = run_duckdb(args, meta)
    elif args.engine == "polars":
        members, active, habitual = run_polars(args, meta)
    else:
        sys.exit("run needs --engine")
    with open(args.out, "w") as f:
        f.write(canonical(meta, members, active, habitual))


if __name__ == "__main__":
    main()
