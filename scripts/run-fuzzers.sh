#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds every libFuzzer target (Clang, ASan+UBSan) and runs each for a bounded time from its seed corpus.
# Fails on any crash, sanitizer report, leak or timeout.   usage: scripts/run-fuzzers.sh [SECONDS_EACH]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
dir=build-fuzz
cmake -S . -B "$dir" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo -DJOT_BUILD_FUZZERS=ON \
      -DJOT_BUILD_TESTS=OFF -DJOT_BUILD_EXAMPLES=OFF -DJOT_BUILD_BENCHMARKS=OFF -DJOT_INSTALL=OFF > "$dir.configure.log"
cmake --build "$dir" -j"$(nproc)"
status=0
for src in tests/fuzz/fuzz_*.cpp; do
    name=$(basename "$src" .cpp)
    what=${name#fuzz_}
    work=$(mktemp -d)
    corpus=tests/fuzz/corpus/$what
    mkdir -p "$corpus"
    # New inputs go to a scratch folder, so the committed seeds stay small and reviewed.
    if "$dir/tests/fuzz/$name" -max_total_time="$seconds" -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="$work/" "$work" "$corpus" > "$work/log" 2>&1; then
        echo "$name: ok, $(grep -o 'Done [0-9]* runs' "$work/log" | tail -1)"
    else
        echo "$name: FAILED"; tail -40 "$work/log"; status=1
    fi
    rm -rf "$work"
done
exit $status
