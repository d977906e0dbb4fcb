#!/usr/bin/env bash
# Long fuzz runs toward the goal of 10 million executions a target (docs/reliability.md, "Runs"),
# for a machine given to fuzzing: builds the targets once (`-O --no-trace-compares`, as the
# recorded long runs were), then runs each target named, one after another, as FUZZ_JOBS
# libFuzzer workers on a corpus kept in fuzz/corpus/<target> (started from fuzz/seeds/<target>),
# until each worker has made FUZZ_RUNS / FUZZ_JOBS executions or FUZZ_SECONDS have passed, and
# prints the executions of the run, summed over the workers from their final stats, with the
# commit they fuzzed, for the table in docs/reliability.md.
#
#   fuzz/long.sh differential scale_structured                     # 2 workers, 10 million runs, 12 hours at most
#   FUZZ_JOBS=8 FUZZ_RUNS=10000000 FUZZ_SECONDS=36000 fuzz/long.sh scale_structured
#
# Found crashes, timeouts and out-of-memory inputs go to fuzz/artifacts/<target>/; the workers'
# logs to fuzz/logs/<target>/. Keep fuzz/corpus/ between runs: executions on one corpus add up.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
jobs="${FUZZ_JOBS:-2}"
runs="${FUZZ_RUNS:-10000000}"
seconds="${FUZZ_SECONDS:-43200}"
per_job=$(( (runs + jobs - 1) / jobs ))

if [ "$#" -eq 0 ]; then
    echo "usage: fuzz/long.sh TARGET... (see cargo fuzz list)" >&2
    exit 2
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz/long.sh: installing cargo-fuzz" >&2
    cargo install --locked cargo-fuzz
fi
commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
for target in "$@"; do
    cargo fuzz build -s none -O --no-trace-compares "$target"
done
bin="target/$(rustc -vV | sed -n 's/^host: //p')/release"

status=0
for target in "$@"; do
    mkdir -p "corpus/$target" "artifacts/$target" "logs/$target"
    rm -f "logs/$target"/fuzz-*.log
    echo "fuzz/long.sh: $target, $jobs workers, $per_job executions each, at most $seconds s, commit $commit" >&2
    # -jobs/-workers run the workers as child processes, each writing logs/<target>/fuzz-N.log;
    # a worker stops at -runs or -max_total_time, and the run at its first finding.
    if ! (cd "logs/$target" && "$here/$bin/$target" "$here/corpus/$target" "$here/seeds/$target" \
        -jobs="$jobs" -workers="$jobs" -runs="$per_job" -max_total_time="$seconds" -timeout=120 \
        -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$here/artifacts/$target/"); then
        status=1
    fi
    total=$(cat "logs/$target"/fuzz-*.log | sed -n 's/^stat::number_of_executed_units: *//p' | awk '{ s += $1 } END { print s + 0 }')
    echo "fuzz/long.sh: $target: ${total:-0} executions in all on corpus/$target (commit $commit)"
done
exit "$status"
