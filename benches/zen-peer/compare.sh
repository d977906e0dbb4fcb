#!/usr/bin/env bash
# teichaku against GoRules ZEN (zen-engine) on the builtin `ai-use-in-appraisal` rubric: builds the
# peer (its own workspace: about 470 crates, some 20 minutes from cold on 2 cores), evaluates the
# same 100,000 subjects with both, fails unless every subject agrees, and prints the timings and
# ratios that docs/performance.md records.
#
#   benches/zen-peer/compare.sh [--subjects N] [--runs N] [--nodes-in-context]
#
# CARGO_TARGET_DIR defaults to target/zen-peer in the repository (ignored by git).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target/zen-peer}"
cd "$here"
cargo build --release --locked --quiet
rustc --version
grep -A1 -E '^name = "(zen-engine|rust_decimal)"$' Cargo.lock | grep -v '^--' | paste - - | sed 's/name = //; s/version = //'
"$CARGO_TARGET_DIR/release/zen-peer" "$@"
