#!/usr/bin/env bash
# Python batch evaluation against the command line on the same subjects (docs/performance.md,
# "Python batch evaluation"): each command a whole process under /usr/bin/time, RUNS times.
#
#   crates/teichaku-py/benches/batch.sh DIR [RUNS] [N]      # N subjects, 100,000 by default
#
# Needs `teichaku` built in release (in $CARGO_TARGET_DIR, else target/) and the wheel installed
# in $PYTHON (python3 by default) with pandas and pyarrow.
set -euo pipefail
dir="${1:?usage: batch.sh DIR [RUNS] [N]}"
runs="${2:-3}"
n="${3:-100000}"
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
python="${PYTHON:-python3}"
teichaku="${CARGO_TARGET_DIR:-$root/target}/release/teichaku"
"$python" "$here/batch.py" write "$dir" "$n"
echo "$n subjects in $dir/facts.csv ($(wc -c <"$dir/facts.csv") bytes)"
for format in csv json; do
    for _ in $(seq "$runs"); do
        # The command notes each subject it cannot score on standard error, and exits with 1.
        /usr/bin/time -f "teichaku evaluate --format $format: %e s (%U s user, %S s system) %M KB" "$teichaku" evaluate \
            --rubric builtin:ai-use-in-appraisal --facts "$dir/facts.csv" --format "$format" 2>&1 >/dev/null |
            grep -v -e '^line ' -e ' lines: ' -e '^Command exited' || true
    done
done
for mode in dicts-only dicts-report dicts-columns dicts-arrow frame-only frame-report frame-columns frame-arrow; do
    for _ in $(seq "$runs"); do
        /usr/bin/time -f "    whole process: %e s (%U s user, %S s system) %M KB" "$python" "$here/batch.py" "$mode" "$dir" 2>&1
    done
done
