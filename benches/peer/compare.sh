#!/usr/bin/env bash
# teichaku against Polars and DuckDB in one run, on one synthetic data set: builds the tools,
# writes the data set, times teichaku, times the peers, checks that all results are identical
# byte for byte, and prints the ratios that docs/performance.md records.
#
#   benches/peer/compare.sh [OUT_DIR] [--small]
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-target/peer}
small=${2:-}
mkdir -p "$out"

cargo build --release --quiet -p teichaku-benches
python3 -m pip install --quiet -r benches/peer/requirements.txt

./target/release/export-events $small "$out/data"
./target/release/weekly-job $small --runs 9 --out "$out/teichaku.json" --timings "$out/teichaku-timings.json"
python3 benches/peer/peer.py --data "$out/data" --out "$out/peers.json" --json-timings "$out/peer-timings.json"

if cmp -s "$out/teichaku.json" "$out/peers.json"; then
  echo "results: teichaku, Polars and DuckDB agree (identical canonical results)"
else
  echo "results DIFFER: compare $out/teichaku.json with $out/peers.json" >&2
  exit 1
fi

python3 - "$out/teichaku-timings.json" "$out/peer-timings.json" <<'PY'
import json, sys
ours = json.load(open(sys.argv[1]))
peers = json.load(open(sys.argv[2]))
def t(key, field="best_ms"):
    return ours[key][field]
print()
print(f"{'':24} {'best ms':>9} {'median ms':>10}")
for key in sorted(k for k in ours if "/" in k):
    print(f"{key:24} {ours[key]['best_ms']:9.2f} {ours[key]['median_ms']:10.2f}")
for engine in sorted(peers):
    for threads in sorted(peers[engine]):
        p = peers[engine][threads]
        print(f"{engine + '/' + threads:24} {p['best_ms']:9.2f} {p['median_ms']:10.2f}")
print()
for threads in ("1", "2"):
    for engine in sorted(peers):
        if threads in peers[engine]:
            for field in ("best_ms", "median_ms"):
                ratio = peers[engine][threads][field] / t(f"teichaku/{threads}", field)
                print(f"{threads} thread(s), {field[:-3]:6}: teichaku is {ratio:6.1f}x faster than {engine}")
print(f"teichaku over the sequential scan (best): {t('teichaku/1') / t('sequential-scan/1'):.2f}x")
print(f"event store: {ours['store']['bytes_per_event']:.2f} bytes per event ({ours['store']['events']} events)")
PY
