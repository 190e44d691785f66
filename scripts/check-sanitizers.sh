#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs jot's tests under Clang sanitizers: the whole ctest suite with AddressSanitizer + UndefinedBehaviorSanitizer
# (build-asan/), then the concurrency tests with ThreadSanitizer (build-tsan/). Fails on any report.
#   usage: scripts/check-sanitizers.sh [asan|tsan|all]      (JOBS=N to change the default of 2 parallel jobs)
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}
jobs=${JOBS:-2}
start=$SECONDS

# The presets "asan-ubsan" and "tsan" (CMakePresets.json): Clang, -O1 -g, which keeps sanitized tests fast
# without hiding the frames a report needs; examples are built for ASan so the ctest suite is the whole one
# (the jot CLI's tests included); benchmarks are not tests.
# C++20 (CXX_STANDARD to change it): the quick start builds with GCC in C++17, so this run is also CI's Clang,
# C++20 build of the whole suite, warnings as errors.
common=()
if [ -n "${CXX_STANDARD:-}" ]; then common+=(-DCMAKE_CXX_STANDARD="$CXX_STANDARD"); fi

# Every report is fatal; leaks are checked (OpenSSL 3 frees its global state at exit, so none are expected).
asan_default=detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1
export ASAN_OPTIONS=${ASAN_OPTIONS:-$asan_default:check_initialization_order=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}

if [ "$what" = asan ] || [ "$what" = all ]; then
    echo "=== ASan + UBSan: build-asan, whole ctest suite"
    cmake --preset asan-ubsan "${common[@]}" > build-asan.configure.log
    cmake --build --preset asan-ubsan -j"$jobs"
    # The packaging consumers build jot the way users do (without sanitizers); they are CI's quick-start job,
    # not memory-safety tests, so the test preset leaves them out.
    ctest --preset asan-ubsan -j"$jobs"
    echo "ASan + UBSan: passed after $(( (SECONDS - start) / 60 )) min $(( (SECONDS - start) % 60 )) s"
fi

if [ "$what" = tsan ] || [ "$what" = all ]; then
    t0=$SECONDS
    echo "=== TSan: build-tsan, the concurrency tests"
    cmake --preset tsan "${common[@]}" > build-tsan.configure.log
    cmake --build --preset tsan -j"$jobs"
    # Catch2 test spec: a comma is "or". The tags select the concurrency tests; the name pattern also catches
    # a test that starts threads without carrying the tag. Listing first proves the selection is not empty
    # (Catch2 v2 lists with --list-test-names-only and exits with the count; v3 with --list-tests).
    tags="[threads],[concurrency],*thread*"
    names=$(build-tsan/tests/jot_tests --list-test-names-only "$tags" 2>/dev/null || true)
    if [ -z "$names" ] || grep -qi "unrecognised\|unknown" <<<"$names"; then
        names=$(build-tsan/tests/jot_tests --list-tests --verbosity quiet "$tags" || true)
    fi
    count=$(grep -c . <<<"$names" || true)
    if [ "$count" -eq 0 ]; then echo "TSan: no test matches $tags" >&2; exit 1; fi
    echo "$names"
    build-tsan/tests/jot_tests "$tags"
    # jot::http's concurrency tests (background refresh, shutdown during a fetch) against real servers, when
    # cpp-httplib is installed (the target exists only then).
    if cmake --build build-tsan --target help | grep -q jot_http_tests; then
        cmake --build build-tsan -j"$jobs" --target jot_http_tests
        build-tsan/tests/http/jot_http_tests "[threads]"
    fi
    echo "TSan: $count test cases passed after $(( (SECONDS - t0) / 60 )) min $(( (SECONDS - t0) % 60 )) s"
fi
echo "check-sanitizers: total $(( (SECONDS - start) / 60 )) min $(( (SECONDS - start) % 60 )) s"
