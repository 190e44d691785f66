#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Keeps the C++ in jot's Markdown compiling: extracts marked ```cpp blocks into translation units, and checks
# that every C++ block is marked.
"""Documentation snippets.

A C++ code block in README.md or docs/*.md must be preceded (blank lines allowed in between) by a marker:

    <!-- snippet: NAME [file] [after=OTHER[,OTHER...]] -->
    ```cpp
    ...
    ```

NAME is unique across all the Markdown files ([A-Za-z0-9_-]+). By default the code is a function body: it is
compiled inside `auto run() { ... }`, so it may `return` a value. With `file` it is compiled at namespace scope
(classes, functions, a whole program with `main`). `after=OTHER` compiles the code of the earlier snippets OTHER
(from the same file, and their own `after=` snippets) first, in the same scope: a guide can build on a previous
step. `#include` lines are moved to the top of the translation unit. Every unit includes <jot/jot.hpp>, the usual
standard headers and tests/docs/doc_fixtures.hpp, whose placeholder functions (secret_from_vault(),
token_from_request(), ...) stand for what a real program gets from elsewhere.

Commands:
  snippets.py extract --root SRC --file DOC.md --output OUT.cpp   one Markdown file into one translation unit
  snippets.py check --root SRC [--build DIR --target T --cmake CMAKE [--config CFG]]
        fails when a C++ block has no marker, a marker is malformed or not followed by a C++ block, a name is
        repeated, or an after= names no earlier snippet of the file; then builds the snippet target, if given
  snippets.py selftest                                             the checks above on made-up Markdown
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile

CPP_LANGUAGES = {"cpp", "c++", "cxx", "cc", "hpp", "hxx", "h++"}
MARKER = re.compile(r"^\s*<!--\s*snippet:\s*(?P<body>.*?)\s*-->\s*$")
NAME = re.compile(r"^[A-Za-z0-9_-]+$")
FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})\s*(?P<info>[^`]*)$")
STANDARD_HEADERS = ["chrono", "cstddef", "cstdint", "cstdio", "cstdlib", "fstream", "functional", "iostream",
                    "memory", "optional", "sstream", "stdexcept", "string", "string_view", "system_error", "utility",
                    "vector"]


class Snippet:
    def __init__(self, name, kind, after, path, marker_line, first_line, code):
        self.name, self.kind, self.after = name, kind, after
        self.path, self.marker_line, self.first_line, self.code = path, marker_line, first_line, code


def parse(text, path):
    """The marked snippets of one Markdown text, and the problems found (as 'path:line: message')."""
    lines = text.split("\n")
    snippets, problems = [], []
    pending = None  # (line number, name, kind, after) of a marker waiting for its block
    i = 0
    while i < len(lines):
        line = lines[i]
        m = MARKER.match(line)
        if m:
            if pending:
                problems.append(f"{path}:{pending[0]}: snippet marker is not followed by a C++ code block")
            pending = None
            words = m.group("body").split()
            name, kind, after, ok = (words[0] if words else ""), "body", [], True
            if not NAME.match(name):
                problems.append(f"{path}:{i + 1}: snippet marker needs a name of letters, digits, '-' or '_'")
                ok = False
            for w in words[1:]:
                if w == "file":
                    kind = "file"
                elif w.startswith("after="):
                    after += [a for a in w[len("after="):].split(",") if a]
                else:
                    problems.append(f"{path}:{i + 1}: unknown snippet option '{w}' (expected 'file' or 'after=NAME')")
                    ok = False
            if ok:
                pending = (i + 1, name, kind, after)
            i += 1
            continue
        f = FENCE.match(line)
        if f:
            fence, info = f.group("fence"), f.group("info").strip()
            language = info.split()[0].lower() if info else ""
            start = i
            i += 1
            body = []
            closed = False
            while i < len(lines):
                c = lines[i]
                stripped = c.strip()
                if stripped.startswith(fence[0] * len(fence)) and set(stripped) == {fence[0]} and \
                        len(c) - len(c.lstrip(" ")) <= 3:
                    closed = True
                    break
                body.append(c)
                i += 1
            if not closed:
                problems.append(f"{path}:{start + 1}: code block is never closed")
            is_cpp = language in CPP_LANGUAGES
            if is_cpp and not pending:
                problems.append(f"{path}:{start + 1}: C++ code block without a '<!-- snippet: NAME -->' marker")
            elif pending and not is_cpp:
                problems.append(f"{path}:{pending[0]}: snippet marker is not followed by a C++ code block")
            elif pending:
                indent = len(f.group("indent"))
                code = [c[indent:] if c[:indent].strip() == "" else c for c in body]
                snippets.append(Snippet(pending[1], pending[2], pending[3], path, pending[0], start + 2, code))
            pending = None
            i += 1
            continue
        if pending and line.strip():
            problems.append(f"{path}:{pending[0]}: snippet marker is not followed by a C++ code block")
            pending = None
        i += 1
    if pending:
        problems.append(f"{path}:{pending[0]}: snippet marker is not followed by a C++ code block")

    seen = {}
    for s in snippets:
        for a in s.after:
            if a not in seen:
                problems.append(f"{path}:{s.marker_line}: after={a} names no earlier snippet of this file")
        seen[s.name] = s
    return snippets, problems


def chain(snippet, by_name):
    """The snippets whose code comes before `snippet`'s, then `snippet` itself, each once, in document order."""
    out, seen = [], set()

    def visit(s):
        for a in s.after:
            if a in by_name and a not in seen:
                visit(by_name[a])
        if s.name not in seen:
            seen.add(s.name)
            out.append(s)

    visit(snippet)
    return sorted(out, key=lambda s: s.first_line)


def identifier(text):
    return re.sub(r"[^A-Za-z0-9_]", "_", text)


def translation_unit(snippets, rel_path):
    """C++ source compiling every snippet of one Markdown file; #line points compiler messages at the Markdown."""
    hoisted, parts = [], []
    by_name = {s.name: s for s in snippets}
    include = re.compile(r"^\s*#\s*include\b")

    def code_of(s):
        lines = []
        for c in s.code:
            if include.match(c):
                if c.strip() not in hoisted:
                    hoisted.append(c.strip())
                lines.append("")
            else:
                lines.append(c)
        return f'#line {s.first_line} "{rel_path}"\n' + "\n".join(lines) + "\n"

    for s in snippets:
        steps = chain(s, by_name)
        scope = [code_of(x) for x in steps if x.kind == "file"]
        body = [code_of(x) for x in steps if x.kind == "body"] if s.kind == "body" else []
        part = f"// snippet {s.name} ({rel_path}:{s.marker_line})\nnamespace snippet_{identifier(s.name)} {{\n"
        part += "".join(scope)
        if body:
            part += "[[maybe_unused]] auto run() {\n" + "".join(body) + "}\n"
        part += f"}} // namespace snippet_{identifier(s.name)}\n"
        parts.append(part)

    out = [f"// Generated from {rel_path} by tests/docs/snippets.py; edit the Markdown, not this file.\n"]
    if not snippets:
        return "".join(out) + "// (no snippets)\n"
    out += [f"#include <{h}>\n" for h in STANDARD_HEADERS]
    out.append("\n#include <jot/jot.hpp>\n\n#include \"doc_fixtures.hpp\"\n\n")
    out += [h + "\n" for h in hoisted]
    out.append(f"\nnamespace jot_doc_{identifier(os.path.splitext(rel_path)[0])} {{\n\n")
    out.append("\n".join(parts))
    out.append("\n} // namespace\n")
    return "".join(out)


def markdown_files(root):
    docs = os.path.join(root, "docs")
    files = [os.path.join(root, "README.md")] if os.path.exists(os.path.join(root, "README.md")) else []
    if os.path.isdir(docs):
        files += sorted(os.path.join(docs, f) for f in os.listdir(docs) if f.endswith(".md"))
    return files


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def write_if_changed(path, text):
    try:
        if read(path) == text:
            return
    except OSError:
        pass
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def extract(root, md, output):
    rel = os.path.relpath(md, root).replace(os.sep, "/")
    snippets, problems = parse(read(md), rel)
    for p in problems:
        print(f"warning: {p}", file=sys.stderr)
    write_if_changed(output, translation_unit(snippets, rel))
    return 0


def check(root, quiet=False):
    problems, owners, count = [], {}, 0
    for md in markdown_files(root):
        rel = os.path.relpath(md, root).replace(os.sep, "/")
        snippets, found = parse(read(md), rel)
        problems += found
        for s in snippets:
            count += 1
            if s.name in owners:
                problems.append(f"{rel}:{s.marker_line}: snippet name '{s.name}' is also used at {owners[s.name]}")
            else:
                owners[s.name] = f"{rel}:{s.marker_line}"
    if not quiet:
        for p in problems:
            print(p, file=sys.stderr)
        print(f"{count} snippets, {len(problems)} problems")
    return problems, count


def selftest():
    failures = []

    def expect(what, ok):
        print(f"{what:<74} {'ok' if ok else 'FAILED'}")
        if not ok:
            failures.append(what)

    good = "# t\n\n<!-- snippet: one -->\n```cpp\nint x = 1;\n```\n\n<!-- snippet: two file after=one -->\n\n" \
           "```c++\n#include <map>\nint y;\n```\n```text\nnot C++\n```\n"
    s, p = parse(good, "t.md")
    expect("two marked blocks are found with no problem", p == [] and [x.name for x in s] == ["one", "two"])
    expect("options are read: file, after=", s[1].kind == "file" and s[1].after == ["one"] and s[0].kind == "body")
    expect("the code and its first line are kept", s[0].code == ["int x = 1;"] and s[0].first_line == 5)
    unit = translation_unit(s, "t.md")
    expect("the unit has #line directives into the Markdown", '#line 5 "t.md"' in unit and '#line 11 "t.md"' in unit)
    expect("#include lines are hoisted out of the snippet", unit.index("#include <map>") < unit.index("snippet_one"))
    expect("a body snippet is wrapped in a function", "auto run() {" in unit)

    _, p = parse("```cpp\nint x;\n```\n", "u.md")
    expect("an unmarked C++ block is a problem", len(p) == 1 and "without a" in p[0])
    _, p = parse("~~~~ C++ linenos\nint x;\n~~~~\n", "u.md")
    expect("an unmarked block is found whatever its fence and info string", len(p) == 1)
    _, p = parse("<!-- snippet: a -->\nSome prose.\n```cpp\nint x;\n```\n", "u.md")
    expect("prose between marker and block is a problem", len(p) == 2)
    _, p = parse("<!-- snippet: a -->\n```sh\nls\n```\n", "u.md")
    expect("a marker on a non-C++ block is a problem", len(p) == 1 and "not followed" in p[0])
    _, p = parse("<!-- snippet: a bogus -->\n```cpp\nint x;\n```\n", "u.md")
    expect("an unknown option is a problem", any("unknown snippet option" in x for x in p))
    _, p = parse("<!-- snippet: b after=a -->\n```cpp\nint x;\n```\n", "u.md")
    expect("after= naming no earlier snippet is a problem", any("names no earlier" in x for x in p))
    _, p = parse("<!-- snippet: a -->\n```cpp\nint x;\n", "u.md")
    expect("an unclosed block is a problem", any("never closed" in x for x in p))
    s, p = parse("<!-- snippet: a -->\n````cpp\nauto md = R\"(\n```\n)\";\n````\n", "u.md")
    expect("a shorter fence inside a longer one is code, not the end", p == [] and len(s[0].code) == 3)

    with tempfile.TemporaryDirectory() as root:
        os.makedirs(os.path.join(root, "docs"))
        with open(os.path.join(root, "README.md"), "w") as f:
            f.write("<!-- snippet: same -->\n```cpp\nint a;\n```\n")
        with open(os.path.join(root, "docs", "g.md"), "w") as f:
            f.write("<!-- snippet: same -->\n```cpp\nint b;\n```\n")
        problems, count = check(root, quiet=True)
        expect("README.md and docs/*.md are both read", count == 2)
        expect("a name used in two files is a problem", len(problems) == 1 and "also used" in problems[0])

    print("selftest: " + ("all checks passed" if not failures else f"{len(failures)} FAILED"))
    return 1 if failures else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("command", choices=["extract", "check", "selftest"])
    ap.add_argument("--root")
    ap.add_argument("--file")
    ap.add_argument("--output")
    ap.add_argument("--build")
    ap.add_argument("--target")
    ap.add_argument("--cmake", default="cmake")
    ap.add_argument("--config")
    args = ap.parse_args()
    if args.command == "selftest":
        return selftest()
    if not args.root:
        ap.error("--root is required")
    if args.command == "extract":
        if not args.file or not args.output:
            ap.error("extract needs --file and --output")
        return extract(args.root, args.file, args.output)
    problems, _ = check(args.root)
    status = 1 if problems else 0
    if args.build and args.target:
        cmd = [args.cmake, "--build", args.build, "--target", args.target]
        if args.config:
            cmd += ["--config", args.config]
        print(" ".join(cmd), flush=True)
        if subprocess.call(cmd) != 0:
            print("a documentation snippet does not compile (messages above point into the Markdown)",
                  file=sys.stderr)
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
