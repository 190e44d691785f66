#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Interoperability suite: installs PyJWT, golang-jwt's `jwt` tool, jwcrypto and cjose when missing, builds the
# jot tool, runs `ctest -L interop`; with --update-doc, then copies the page it generated over docs/interop.md.
#   scripts/interop.sh [--update-doc] [BUILD_DIR]     (BUILD_DIR defaults to build/, configured if needed)
set -euo pipefail
cd "$(dirname "$0")/.."

update_doc=0
build=build
for arg in "$@"; do
    case "$arg" in
        --update-doc) update_doc=1 ;;
        -h|--help) sed -n '3,5p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) echo "interop.sh: unknown option $arg" >&2; exit 2 ;;
        *) build=$arg ;;
    esac
done

# Debian's python3-jwt serves /usr/bin/python3 (tests/interop/CMakeLists.txt looks there too).
missing=()
/usr/bin/python3 -c 'import jwt' 2>/dev/null || missing+=(python3-jwt)
/usr/bin/python3 -c 'import cryptography' 2>/dev/null || missing+=(python3-cryptography)
{ command -v jwt >/dev/null && jwt -help 2>&1 | grep -q -- -verify; } || missing+=(jwt)
# JWE: Python's jwcrypto and C cjose (with the jansson headers its pkg-config file names).
/usr/bin/python3 -c 'import jwcrypto' 2>/dev/null || missing+=(python3-jwcrypto)
for p in libcjose-dev libjansson-dev; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    echo "=== installing ${missing[*]}"
    sudo=()
    [ "$(id -u)" = 0 ] || sudo=(sudo)
    export DEBIAN_FRONTEND=noninteractive
    "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}" ||
        { "${sudo[@]}" apt-get update && "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}"; }
fi

# Configuring again makes CMake look for the packages just installed.
echo "=== configure $build and build the jot tool"
cmake -S . -B "$build" >/dev/null
jobs=$(nproc 2>/dev/null || echo 2)
cmake --build "$build" --target jot_cli jot_jwe_cjose -j "$((jobs < 2 ? jobs : 2))"

echo "=== ctest -L interop"
ctest --test-dir "$build" -L interop --output-on-failure -j2

page="$build/tests/interop/interop.md"
echo "=== the generated page: $page"
if ((update_doc)); then
    # Only a run where every group ran and passed may replace the committed page.
    if ! grep -q '^<!-- interop: complete -->$' "$page"; then
        echo "interop.sh: $page is incomplete (a group was skipped or failed); docs/interop.md left as it was" >&2
        exit 1
    fi
    cp "$page" docs/interop.md
    echo "=== copied to docs/interop.md"
fi
