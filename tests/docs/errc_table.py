#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Checks that docs/guide-errors.md lists every jot::errc of include/jot/error.hpp, under its condition, and no other.
"""errc_table.py ROOT: exit 0 when the guide's code tables match the header; print each difference otherwise.

The header groups its enumerators under comments `// -- ... (condition::NAME) --` (or `// -- environment --`);
the guide has one table per group, after a paragraph starting with **NAME**. A code missing from the guide, one
the header no longer has, or one filed under another condition is a failure.
"""

import os
import re
import sys


def header_codes(text):
    body = text[text.index("enum class errc {"):]
    body = body[:body.index("};")]
    codes, group = {}, None
    for line in body.splitlines():
        m = re.match(r"\s*// -- (.*) --", line)
        if m:
            c = re.search(r"condition::(\w+)", m.group(1))
            group = c.group(1) if c else m.group(1).strip()
            continue
        m = re.match(r"\s*([a-z0-9_]+)\s*(=\s*\d+\s*)?,", line)
        if m:
            codes[m.group(1)] = group
    return codes


def guide_codes(text):
    section = text[text.index("### Every code"):]
    end = section.find("\n## ")
    section = section if end < 0 else section[:end]
    codes, group = {}, None
    for line in section.splitlines():
        m = re.match(r"\*\*(\w+)\*\*", line)
        if m:
            group = m.group(1)
            continue
        m = re.match(r"\|\s*`([a-z0-9_]+)`\s*\|", line)
        if m:
            if m.group(1) in codes:
                print(f"guide lists {m.group(1)} twice")
            codes[m.group(1)] = group
    return codes


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..")
    with open(os.path.join(root, "include", "jot", "error.hpp"), encoding="utf-8") as f:
        header = header_codes(f.read())
    with open(os.path.join(root, "docs", "guide-errors.md"), encoding="utf-8") as f:
        guide = guide_codes(f.read())
    problems = []
    for code, group in header.items():
        if code not in guide:
            problems.append(f"docs/guide-errors.md does not list errc::{code} ({group})")
        elif guide[code] != group:
            problems.append(f"docs/guide-errors.md lists errc::{code} under {guide[code]}, the header under {group}")
    for code in guide:
        if code not in header:
            problems.append(f"docs/guide-errors.md lists errc::{code}, which include/jot/error.hpp does not have")
    for p in problems:
        print(p)
    print(f"{len(header)} codes in the header, {len(guide)} in the guide, {len(problems)} problems")
    return 1 if problems or not header else 0


if __name__ == "__main__":
    sys.exit(main())
