#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Runs jot_bench (or reads its JSON) and prints each jot/<ALG>/<op> next to floor/<ALG>/<op>: medians, ratios, allocations.
"""Pair jot's benchmarks with the raw-OpenSSL floor and print the ratios.

  scripts/bench_table.py                          # runs build-bench/benchmarks/jot_bench, 5 repetitions
  scripts/bench_table.py --bench PATH -- --benchmark_filter=HS256
  scripts/bench_table.py --json results.json      # a file written by jot_bench --benchmark_format=json
                                                  # (or --benchmark_out=FILE)

Benchmarks are named <impl>/<ALG>/<op>[/<suffix>]; impl "jot" is paired with impl "floor" of the same
<ALG>/<op>[/<suffix>], and any other impl (a peer library) is shown against the same floor and jot.
Times are the medians of the repetitions (the *_median aggregate rows); "allocs" is the counter jot_bench
reports per operation (operator new plus OpenSSL's malloc/realloc).
"""
import argparse
import json
import os
import subprocess
import sys

UNIT_NS = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}


def run_bench(path, repetitions, extra):
    cmd = [path, "--benchmark_format=json", f"--benchmark_repetitions={repetitions}",
           "--benchmark_report_aggregates_only=true"] + extra
    print("command: " + " ".join(cmd), flush=True)
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, check=False)
    if proc.returncode != 0:
        sys.exit(f"bench_table: {path} exited with status {proc.returncode}")
    return json.loads(proc.stdout)


def medians(doc, metric):
    """Maps benchmark name -> (time in ns, allocs or None, entry), from the median rows when there are any."""
    rows = doc.get("benchmarks", [])
    aggregated = [r for r in rows if r.get("run_type") == "aggregate"]
    if aggregated:
        rows = [r for r in aggregated if r.get("aggregate_name") == "median"]
    else:
        print("bench_table: no aggregate rows (run without --benchmark_repetitions); using single runs",
              file=sys.stderr)
    out = {}
    for r in rows:
        if r.get("error_occurred"):
            print(f"bench_table: {r.get('run_name', r['name'])} failed: {r.get('error_message')}", file=sys.stderr)
            continue
        name = r.get("run_name") or r["name"]
        t = r[metric] * UNIT_NS[r.get("time_unit", "ns")]
        out[name] = (t, r.get("allocs"))
    return out


def fmt_time(ns):
    if ns is None:
        return "-"
    if ns >= 1e6:
        return f"{ns / 1e6:.2f} ms"
    if ns >= 1e3:
        return f"{ns / 1e3:.2f} us"
    return f"{ns:.0f} ns"


def fmt_ratio(a, b):
    return "-" if a is None or b is None or b == 0 else f"{a / b:.2f}x"


def fmt_allocs(a):
    if a is None:
        return "-"
    return f"{a:.0f}" if abs(a - round(a)) < 0.05 else f"{a:.1f}"


def print_table(header, rows, markdown):
    if markdown:
        print("| " + " | ".join(header) + " |")
        print("|" + "|".join("---" if i == 0 else "---:" for i in range(len(header))) + "|")
        for r in rows:
            print("| " + " | ".join(r) + " |")
        return
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    line = lambda cells: "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))
    print(line(header))
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print(line(r))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bench", default=os.path.join(here, "..", "build-bench", "benchmarks", "jot_bench"),
                    help="the jot_bench executable to run (default: build-bench/benchmarks/jot_bench)")
    ap.add_argument("--json", help="read this JSON file instead of running jot_bench ('-' for stdin)")
    ap.add_argument("--repetitions", type=int, default=5, help="repetitions whose median is reported (default 5)")
    ap.add_argument("--time", choices=["real", "cpu"], default="cpu",
                    help="which time to compare (default cpu: steadier on a shared machine; use real for "
                         "multi-threaded runs)")
    ap.add_argument("--markdown", action="store_true", help="print Markdown tables")
    ap.add_argument("extra", nargs="*", help="after --: more arguments for jot_bench, e.g. --benchmark_filter=HS256")
    args = ap.parse_args()

    if args.json:
        doc = json.load(sys.stdin if args.json == "-" else open(args.json))
    else:
        doc = run_bench(os.path.normpath(args.bench), args.repetitions, args.extra)
    results = medians(doc, f"{args.time}_time")

    by_case = {}  # "<ALG>/<op>[/suffix]" -> {impl: (time, allocs)}
    for name, value in results.items():
        impl, _, case = name.partition("/")
        if case:
            by_case.setdefault(case, {})[impl] = value
    if not any("jot" in v and "floor" in v for v in by_case.values()):
        sys.exit("bench_table: no jot/<ALG>/<op> benchmark has a floor/<ALG>/<op> partner")

    ctx = doc.get("context", {})
    extra_ctx = ", ".join(f"{k}={v}" for k, v in sorted(ctx.items()) if k.endswith("_bytes"))
    reps = "medians of %d repetitions" % args.repetitions if not args.json else "medians"
    print(f"jot vs the raw-OpenSSL floor ({reps}, {args.time} time; {ctx.get('num_cpus', '?')} CPUs"
          + (f"; {extra_ctx}" if extra_ctx else "") + ")")
    rows = []
    for case in sorted(by_case):
        impls = by_case[case]
        if "jot" not in impls and "floor" not in impls:
            continue
        jt, ja = impls.get("jot", (None, None))
        ft, fa = impls.get("floor", (None, None))
        rows.append([case, fmt_time(ft), fmt_time(jt), fmt_ratio(jt, ft), fmt_allocs(fa), fmt_allocs(ja)])
    print_table(["benchmark", "floor", "jot", "jot/floor", "floor allocs", "jot allocs"], rows, args.markdown)

    others = []
    for case in sorted(by_case):
        impls = by_case[case]
        for impl in sorted(set(impls) - {"jot", "floor"}):
            t, a = impls[impl]
            others.append([f"{impl}/{case}", fmt_time(t), fmt_ratio(t, impls.get("floor", (None,))[0]),
                           fmt_ratio(t, impls.get("jot", (None,))[0]), fmt_allocs(a)])
    if others:
        print()
        print_table(["other implementation", "time", "vs floor", "vs jot", "allocs"], others, args.markdown)


if __name__ == "__main__":
    main()
