#!/usr/bin/env bash
# Python batch evaluation against the command line on the same 100,000 subjects
# (docs/performance.md, "Python batch evaluation"). Whole processes under /usr/bin/time.
#
#   crates/teichaku-py/benches/batch.sh DIR [RUNS] [N]
#
# Needs `teichaku` built in release ($CARGO_TARGET_DIR or target/) and the wheel installed in
# the Python at $PYTHON (default python3) with pandas and pyarrow.
set -euo pipefail
dir="${1:?usage: batch.sh DIR [RUNS] [N]}"
runs="${2:-3}"
n="${3:-100000}"
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
python="${PYTHON:-python3}"
teichaku="${CARGO_TARGET_DIR:-$root/target}/release/teichaku"
"$python" "$here/batch.py" write "$dir" "$n"
timed() {
    local name="$1"; shift
    for _ in $(seq "$runs"); do
        /usr/bin/time -f "$name: %e s %M KB" "$@" 2>&1 >/dev/null | grep -v '^line ' || true
    done
}
for format in csv json; do
    timed "cli --format $format" "$teichaku" evaluate --rubric builtin:ai-use-in-appraisal --facts "$dir/facts.csv" --format "$format"
done
for mode in dicts-only dicts-report dicts-columns dicts-arrow frame-only frame-report frame-columns frame-arrow; do
    for _ in $(seq "$runs"); do
        /usr/bin/time -f "  whole process: %e s %M KB" "$python" "$here/batch.py" "$mode" "$dir" 2>&1
    done
done
