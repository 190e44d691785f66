#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Quick start on Debian 12: install what is missing, configure, build, and run the demo.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(cmake g++ clang make pkg-config python3 libssl-dev nlohmann-json3-dev catch2 libbenchmark-dev libcli11-dev
          libcpp-httplib-dev libhiredis-dev redis-server curl libcjose-dev libjansson-dev libboost-json1.81-dev)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    as_root=()
    [ "$(id -u)" -eq 0 ] || as_root=(sudo)
    "${as_root[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The "dev" preset of CMakePresets.json: RelWithDebInfo in build/, where `ctest --test-dir build` looks.
cmake --preset dev
cmake --build --preset dev -j"$(nproc)"
./build/examples/jot_quickstart
