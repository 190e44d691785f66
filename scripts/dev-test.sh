#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Developer helper: compile only the given test files (plus the Catch2 main) and run them.
#   scripts/dev-test.sh NAME tests/test_a.cpp [tests/test_b.cpp ...] [-- catch2 arguments]
# Builds into build-dev-NAME/, so several people can work at once without building each other's files.
set -euo pipefail
cd "$(dirname "$0")/.."
name=$1; shift
files=()
while (($#)) && [ "$1" != "--" ]; do files+=("$1"); shift; done
[ "${1:-}" = "--" ] && shift
out=build-dev-$name
mkdir -p "$out"
CXX=${CXX:-g++}
flags=(-std=${STD:-c++17} -g -O2 -Wall -Wextra -Wpedantic -Werror -DOPENSSL_API_COMPAT=30000 -DOPENSSL_NO_DEPRECATED
       -DJOT_TEST_DATA_DIR="\"$PWD/tests/data\"" -Iinclude -Itests)
[ -f "$out/main.o" ] || "$CXX" "${flags[@]}" -c tests/main.cpp -o "$out/main.o"
objs=()
for f in "${files[@]}"; do
    o="$out/$(basename "$f" .cpp).o"
    "$CXX" "${flags[@]}" -c "$f" -o "$o"
    objs+=("$o")
done
"$CXX" "$out/main.o" "${objs[@]}" -lcrypto -lpthread -o "$out/tests"
"$out/tests" "$@"
