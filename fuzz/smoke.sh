#!/usr/bin/env bash
# Fuzz smoke test for CI: runs every cargo-fuzz target (`cargo fuzz list`: assess_structured,
# assessment, differential, edges, playbook, rubric, scale_structured, usage_events) for a short
# budget on stable Rust, starting from the committed seed corpus, and fails when any target crashes, hangs or runs out of memory.
#
#   fuzz/smoke.sh            # 20 s per target
#   FUZZ_SECONDS=60 fuzz/smoke.sh assessment rubric
#
# Installs cargo-fuzz when it is missing. Runs one target at a time. Found crashes are written to
# fuzz/artifacts/<target>/ by libFuzzer; reproduce one with
#   cargo fuzz run -s none <target> fuzz/artifacts/<target>/<file>
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
seconds="${FUZZ_SECONDS:-20}"

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz/smoke.sh: installing cargo-fuzz" >&2
    cargo install --locked cargo-fuzz
fi

if [ "$#" -gt 0 ]; then
    targets=("$@")
else
    mapfile -t targets < <(cargo fuzz list)
fi

# Build once, then run each target: `-s none` needs no nightly; debug assertions stay on.
cargo fuzz build -s none

failed=()
for target in "${targets[@]}"; do
    work="$(mktemp -d)"
    echo "fuzz/smoke.sh: ${target} for ${seconds} s" >&2
    # libFuzzer exits non-zero on a crash, a timeout (-timeout) or running out of memory
    # (-rss_limit_mb); new inputs go to a scratch corpus, never into seeds/.
    if ! cargo fuzz run -s none "$target" "$work" "seeds/$target" -- \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1; then
        failed+=("$target")
    fi
    rm -rf "$work"
done

if [ "${#failed[@]}" -gt 0 ]; then
    echo "fuzz/smoke.sh: crashes in: ${failed[*]} (inputs in fuzz/artifacts/)" >&2
    exit 1
fi
echo "fuzz/smoke.sh: ${#targets[@]} targets ran ${seconds} s each without a crash" >&2
