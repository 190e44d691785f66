#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds every libFuzzer target (Clang, ASan+UBSan) and runs each for a bounded time from its seed corpus,
# JOBS targets at a time (default: the number of cores). Fails on any crash, sanitizer report, leak or timeout.
#   usage: scripts/run-fuzzers.sh [SECONDS_EACH]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
jobs=${JOBS:-$(nproc)}
dir=build-fuzz # the binaryDir of the "fuzz" preset (CMakePresets.json)
cmake --preset fuzz > "$dir.configure.log"
cmake --build --preset fuzz -j"$(nproc)"

results=$(mktemp -d)
run_one() {
    local name=$1 what=${1#fuzz_} work
    if [ ! -x "$dir/tests/fuzz/$name" ]; then # not configured (fuzz_json_backends without Boost.JSON)
        echo "$name: skipped, not built" > "$results/$name"
        return
    fi
    work=$(mktemp -d)
    mkdir -p "tests/fuzz/corpus/$what"
    # New inputs go to a scratch folder, so the committed seeds stay small and reviewed.
    if "$dir/tests/fuzz/$name" -max_total_time="$seconds" -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="$work/" "$work" "tests/fuzz/corpus/$what" > "$work/log" 2>&1; then
        echo "$name: ok, $(grep -o 'Done [0-9]* runs' "$work/log" | tail -1)" > "$results/$name"
    else
        { echo "$name: FAILED"; tail -40 "$work/log"; } > "$results/$name.failed"
    fi
    rm -rf "$work"
}
running=0
for src in tests/fuzz/fuzz_*.cpp; do
    run_one "$(basename "$src" .cpp)" &
    running=$((running + 1))
    if [ "$running" -ge "$jobs" ]; then wait -n || true; running=$((running - 1)); fi
done
wait
cat "$results"/* 2>/dev/null
status=0
ls "$results"/*.failed > /dev/null 2>&1 && status=1
rm -rf "$results"
exit $status
