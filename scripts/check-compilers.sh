#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds and tests jot with Clang in C++20 (the quick start covers GCC in C++17), warnings as errors.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=build-clang-cxx20
cmake -S . -B "$dir" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_CXX_STANDARD=20 -DCMAKE_BUILD_TYPE=Debug \
      -DJOT_BUILD_BENCHMARKS=OFF > "$dir.configure.log"
cmake --build "$dir" -j"$(nproc)"
# The slow packaging check compiles every test file again with extra warnings; the GCC run covers it.
ctest --test-dir "$dir" --output-on-failure -j2 -LE slow
