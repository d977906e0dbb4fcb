#!/usr/bin/env bash
# The end-to-end comparison: from the user's event file to the figures, whole process, for
# teichaku's command line, DuckDB and Polars, on one data set written by `export-e2e`. Each
# command runs RUNS times under /usr/bin/time; the medians of wall time, CPU time (user and
# system, every thread) and peak memory are
# printed with the ratios that docs/performance.md records, after checking that every engine gives
# the same weekly-active and habit figures byte for byte. The floor (`floor-e2e`: a bare reader
# of the same CSV and Parquet files that only splits, parses and looks up the members, or only
# decodes) is timed beside them, so that the ratios can be read against what any reader of these
# files could reach on this machine.
#
#   benches/peer/compare-e2e.sh [OUT_DIR] [EVENTS] [RUNS] [THREADS]
#
# Defaults: target/peer-e2e, 10000000 events (100,000 members, 50 units, 13 weeks), 3 runs, 2
# threads. PYTHON (default python3) must have polars and duckdb (benches/peer/requirements.txt).
# MEMBER_KEYS=1 names the members by employee numbers (E000000, ...) instead of uuids, in the
# document, the members file and the event files (export-e2e --member-keys).
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-target/peer-e2e}
events=${2:-10000000}
runs=${3:-3}
threads=${4:-2}
python=${PYTHON:-python3}
mkdir -p "$out"

cargo build --release --quiet -p teichaku-benches --bin export-e2e --bin floor-e2e
cargo build --release --quiet -p teichaku-cli
bin=${CARGO_TARGET_DIR:-target}/release
data="$out/data"
keys=false
keys_flag=()
if [ "${MEMBER_KEYS:-0}" = 1 ]; then
  keys=true
  keys_flag=(--member-keys)
fi
if [ ! -f "$data/meta.json" ] || [ "$(sed 's/.*"events":\([0-9]*\).*/\1/' "$data/meta.json")" != "$events" ] \
  || [ "$(grep -o '"member_keys":[a-z]*' "$data/meta.json" | cut -d: -f2)" != "$keys" ]; then
  "$bin/export-e2e" --events "$events" "${keys_flag[@]}" "$data"
fi
as_of=$(sed 's/.*"as_of_date":"\([^"]*\)".*/\1/' "$data/meta.json")
# The same events as Parquet (Snappy, timestamps as UTC instants), written by Polars.
if [ ! -f "$data/events.parquet" ] || [ "$data/events.parquet" -ot "$data/events.csv" ]; then
  "$python" - "$data" <<'PY'
import sys
import polars as pl
data = sys.argv[1]
pl.scan_csv(f"{data}/events.csv", try_parse_dates=True).sink_parquet(f"{data}/events.parquet", compression="snappy")
PY
fi

# time NAME COMMAND...: runs it RUNS times, keeps "wall_s max_rss_kb user_s system_s" a line in
# $out/NAME.times.
time_runs() {
  local name=$1
  shift
  : > "$out/$name.times"
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %M %U %S" -o "$out/$name.time1" "$@" > "$out/$name.stdout"
    cat "$out/$name.time1" >> "$out/$name.times"
  done
}

time_runs wc wc -l "$data/events.csv"
for format in csv jsonl parquet; do
  TEICHAKU_THREADS=$threads time_runs "teichaku-$format" \
    "$bin/teichaku" kpis "$data/doc.json" --as-of "$as_of" --events "$data/events.$format" --format json
  "$python" benches/peer/e2e.py canon --data "$data" --report "$out/teichaku-$format.stdout" --out "$out/teichaku-$format.txt"
done
for engine in duckdb polars; do
  time_runs "$engine-csv" "$python" benches/peer/e2e.py run --engine "$engine" --threads "$threads" \
    --data "$data" --format csv --out "$out/$engine-csv.txt"
done
# DuckDB reading the same Parquet file as teichaku.
time_runs duckdb-parquet "$python" benches/peer/e2e.py run --engine duckdb --threads "$threads" \
  --data "$data" --format parquet --out "$out/duckdb-parquet.txt"
# The floor: a bare reader of the same files, on as many threads; it must have read every event.
for format in csv parquet; do
  time_runs "floor-$format" "$bin/floor-e2e" "$format" "$data" "$threads"
  if [ "$(cat "$out/floor-$format.stdout")" != "$events" ]; then
    echo "floor-e2e $format read $(cat "$out/floor-$format.stdout") events, not $events" >&2
    exit 1
  fi
done

for name in teichaku-jsonl teichaku-parquet duckdb-csv polars-csv duckdb-parquet; do
  if ! cmp -s "$out/teichaku-csv.txt" "$out/$name.txt"; then
    echo "results DIFFER: compare $out/teichaku-csv.txt with $out/$name.txt" >&2
    exit 1
  fi
done
echo "results: teichaku (CSV, JSON Lines and Parquet), DuckDB (CSV and Parquet) and Polars agree (identical weekly-active and habit figures)"

"$python" - "$out" "$events" "$threads" <<'PY'
import statistics, sys
out, events, threads = sys.argv[1], int(sys.argv[2]), sys.argv[3]
def median(name):
    rows = [line.split() for line in open(f"{out}/{name}.times") if line.strip()]
    cpu = statistics.median(float(r[2]) + float(r[3]) if len(r) > 3 else float("nan") for r in rows)
    return statistics.median(float(r[0]) for r in rows), statistics.median(int(r[1]) for r in rows), cpu
names = ["teichaku-csv", "teichaku-jsonl", "teichaku-parquet", "duckdb-csv", "polars-csv", "duckdb-parquet",
         "floor-csv", "floor-parquet", "wc"]
m = {n: median(n) for n in names}
print(f"\n{events:,} events, {threads} threads, median of the runs, whole process")
print(f"{'':16} {'wall s':>8} {'CPU s':>7} {'peak MiB':>9} {'bytes/event':>12}")
for n in names:
    wall, kb, cpu = m[n]
    print(f"{n:16} {wall:8.2f} {cpu:7.2f} {kb / 1024:9.0f} {kb * 1024 / events:12.1f}")
def ratio(label, a, b):
    # /usr/bin/time gives hundredths: a job on a small file can read 0.00 s.
    value = f"{m[a][0] / m[b][0]:5.2f}x" if m[b][0] > 0 else "  n/a (0.00 s)"
    print(f"{label:30}{value}")
ratios = [
    ("DuckDB / teichaku (CSV):", "duckdb-csv", "teichaku-csv"),
    ("Polars / teichaku (CSV):", "polars-csv", "teichaku-csv"),
    ("teichaku (CSV) / wc -l:", "teichaku-csv", "wc"),
    ("teichaku JSON Lines / CSV:", "teichaku-jsonl", "teichaku-csv"),
    ("teichaku Parquet / CSV:", "teichaku-parquet", "teichaku-csv"),
    ("DuckDB / teichaku (Parquet):", "duckdb-parquet", "teichaku-parquet"),
    None,
    ("DuckDB / floor (CSV):", "duckdb-csv", "floor-csv"),
    ("Polars / floor (CSV):", "polars-csv", "floor-csv"),
    ("floor (CSV) / wc -l:", "floor-csv", "wc"),
    ("teichaku / floor (CSV):", "teichaku-csv", "floor-csv"),
    ("DuckDB / floor (Parquet):", "duckdb-parquet", "floor-parquet"),
    ("teichaku / floor (Parquet):", "teichaku-parquet", "floor-parquet"),
]
print()
for row in ratios:
    if row is None:
        print("\nThe floor (floor-e2e, a bare reader: no document, no checks, no sort, no figures):")
    else:
        ratio(*row)
PY
