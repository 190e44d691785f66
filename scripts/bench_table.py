#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Runs jot_bench (or reads its JSON) and prints jot next to the raw-OpenSSL floor and the peers: ratios, allocations, thread scaling, cache.
"""Pair jot's benchmarks with the raw-OpenSSL floor and print the ratios.

  scripts/bench_table.py                          # runs build-bench/benchmarks/jot_bench, 5 repetitions
  scripts/bench_table.py --bench PATH -- --benchmark_filter=HS256
  scripts/bench_table.py --json results.json      # a file written by jot_bench --benchmark_format=json
                                                  # (or --benchmark_out=FILE)

Benchmarks are named <impl>/<ALG>/<op>[/<suffix>]; impl "jot" is paired with impl "floor" of the same
<ALG>/<op>[/<suffix>], and any other impl (a peer library) is shown against the same floor and jot.
Times are the medians of the repetitions (the *_median aggregate rows); "allocs" is the counter jot_bench
reports per operation (every malloc/calloc/realloc on glibc, operator new plus OpenSSL's elsewhere).

Tables printed:
  1. jot vs floor per <ALG>/<op> (CPU time by default), with the targets of issue 6;
  2. thread scaling: throughput of 2 threads sharing one verifier over 1 thread (wall time), for
     <impl>/<ALG>/verify-shared/real_time/threads:{1,2};
  3. the verified-token cache: jot/<ALG>/verify over jot/<ALG>/verify-cached;
  4. the peers: each against the floor and against jot;
  5. revocation: jot/<ALG>/verify[-cached]-revocation-<store> next to the same with store "none" (jot_bench has
     "memory"; jot_bench_redis, run with JOT_BENCH_REDIS=HOST:PORT, adds "redis").
"""
import argparse
import json
import os
import re
import subprocess
import sys

UNIT_NS = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}

# Issue 6 targets: jot/floor time ratios, allocations, scaling, cache speed-up, peers' slowness vs jot.
RATIO_TARGETS = {"HS256/verify": 1.0, "HS256/sign": 1.1}
for _alg in ("RS256", "PS256", "ES256", "EdDSA"):
    RATIO_TARGETS[_alg + "/verify"] = 1.05
    RATIO_TARGETS[_alg + "/sign"] = 1.05
for _row in ("dir+A256GCM", "A256KW+A256GCM", "RSA-OAEP-256+A256GCM", "ECDH-ES+A256KW+A256GCM"):
    RATIO_TARGETS[_row + "/encrypt"] = 1.10
    RATIO_TARGETS[_row + "/decrypt"] = 1.10
ALLOC_TARGETS = {"HS256/verify": 16}
SCALING_TARGETS = {"HS256": 1.7, "RS256": 1.8, "ES256": 1.8}
CACHE_TARGETS = {"RS256": 20.0}
PEER_TARGETS = {"HS256/verify": 2.5, "RS256/verify": 5.0, "ES256/verify": 5.0}

THREADS = re.compile(r"^(?P<case>.*)/real_time/threads:(?P<n>\d+)$")


def run_bench(path, repetitions, extra):
    cmd = [path, "--benchmark_format=json", f"--benchmark_repetitions={repetitions}",
           "--benchmark_report_aggregates_only=true"] + extra
    print("command: " + " ".join(cmd), flush=True)
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, check=False)
    if proc.returncode != 0:
        sys.exit(f"bench_table: {path} exited with status {proc.returncode}")
    return json.loads(proc.stdout)


def medians(doc):
    """Maps benchmark name -> {"cpu": ns, "real": ns, "allocs": n or None}, from the median rows if any."""
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
        unit = UNIT_NS[r.get("time_unit", "ns")]
        out[name] = {"cpu": r["cpu_time"] * unit, "real": r["real_time"] * unit, "allocs": r.get("allocs")}
    return out


def fmt_time(ns):
    if ns is None:
        return "-"
    if ns >= 1e6:
        return f"{ns / 1e6:.2f} ms"
    if ns >= 1e3:
        return f"{ns / 1e3:.2f} us"
    return f"{ns:.0f} ns"


def ratio(a, b):
    return None if a is None or b is None or b == 0 else a / b


def fmt_ratio(r):
    return "-" if r is None else f"{r:.2f}x"


def fmt_allocs(a):
    if a is None:
        return "-"
    return f"{a:.0f}" if abs(a - round(a)) < 0.05 else f"{a:.1f}"


def verdict(value, target, at_most):
    """'yes'/'NO' against a target, '' when there is none."""
    if target is None or value is None:
        return ""
    return "yes" if (value <= target if at_most else value >= target) else "NO"


def print_table(header, rows, markdown):
    if not rows:
        return
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
                    help="which time the single-thread tables compare (default cpu: steadier on a shared "
                         "machine); the scaling table always uses wall time")
    ap.add_argument("--markdown", action="store_true", help="print Markdown tables")
    ap.add_argument("extra", nargs="*", help="after --: more arguments for jot_bench, e.g. --benchmark_filter=HS256")
    args = ap.parse_args()

    if args.json:
        doc = json.load(sys.stdin if args.json == "-" else open(args.json))
    else:
        doc = run_bench(os.path.normpath(args.bench), args.repetitions, args.extra)
    results = medians(doc)
    metric = args.time

    by_case = {}     # "<ALG>/<op>" -> {impl: result}, single-thread benchmarks
    threaded = {}    # ("<ALG>/<op>", impl) -> {threads: result}
    for name, value in results.items():
        impl, _, case = name.partition("/")
        if not case:
            continue
        m = THREADS.match(case)
        if m:
            threaded.setdefault((m.group("case"), impl), {})[int(m.group("n"))] = value
        else:
            by_case.setdefault(case, {})[impl] = value
    if not threaded and not any("jot" in v and "floor" in v for v in by_case.values()):
        sys.exit("bench_table: no jot/<ALG>/<op> benchmark has a floor/<ALG>/<op> partner")

    ctx = doc.get("context", {})
    extra_ctx = ", ".join(f"{k}={v}" for k, v in sorted(ctx.items()) if k.endswith("_bytes"))
    reps = "medians of %d repetitions" % args.repetitions if not args.json else "medians"
    print(f"jot vs the raw-OpenSSL floor ({reps}, {metric} time; {ctx.get('num_cpus', '?')} CPUs"
          + (f"; {extra_ctx}" if extra_ctx else "") + ")")
    get = lambda r, key: None if r is None else r[key]
    rows = []
    for case in sorted(by_case):
        impls = by_case[case]
        if "jot" not in impls or "floor" not in impls:
            continue
        j, f = impls["jot"], impls["floor"]
        r = ratio(j[metric], f[metric])
        target = RATIO_TARGETS.get(case)
        alloc_target = ALLOC_TARGETS.get(case)
        met = verdict(r, target, at_most=True)
        if alloc_target is not None:
            a = verdict(j["allocs"], alloc_target, at_most=True)
            met = a if not met else ("yes" if met == "yes" and a == "yes" else "NO")
        goal = ("<= %.2fx" % target if target else "") + (
            ", <= %d allocs" % alloc_target if alloc_target is not None else "")
        rows.append([case, fmt_time(f[metric]), fmt_time(j[metric]), fmt_ratio(r), fmt_allocs(f["allocs"]),
                     fmt_allocs(j["allocs"]), goal.lstrip(", "), met])
    print_table(["benchmark", "floor", "jot", "jot/floor", "floor allocs", "jot allocs", "target", "met"], rows,
                args.markdown)

    rows = []
    for (case, impl) in sorted(threaded, key=lambda k: (k[0], k[1] != "jot", k[1])):
        runs = threaded[(case, impl)]
        if 1 not in runs or 2 not in runs:
            continue
        scale = ratio(runs[1]["real"], runs[2]["real"])  # per-iteration wall time over all threads' iterations
        alg = case.split("/")[0]
        target = SCALING_TARGETS.get(alg) if impl == "jot" and case.endswith("verify-shared") else None
        rows.append([f"{impl}/{case}", fmt_time(runs[1]["real"]), fmt_time(runs[2]["real"]), fmt_ratio(scale),
                     ">= %.1fx" % target if target else "", verdict(scale, target, at_most=False)])
    if rows:
        print()
        print("2 threads sharing one verifier: throughput over 1 thread (wall time per operation). "
              "control/none/spin-shared shares nothing: its ratio is the most this machine allowed in this run")
        print_table(["benchmark", "1 thread", "2 threads", "throughput 2/1", "target", "met"], rows, args.markdown)

    rows = []
    for case in sorted(by_case):
        if not case.endswith("/verify-cached") or "jot" not in by_case[case]:
            continue
        alg = case.split("/")[0]
        cold = by_case.get(alg + "/verify", {}).get("jot")
        hit = by_case[case]["jot"]
        speedup = ratio(get(cold, metric), hit[metric])
        target = CACHE_TARGETS.get(alg)
        rows.append([alg, fmt_time(get(cold, metric)), fmt_time(hit[metric]), fmt_ratio(speedup),
                     fmt_allocs(hit["allocs"]), ">= %.0fx" % target if target else "",
                     verdict(speedup, target, at_most=False)])
    if rows:
        print()
        print("Verified-token cache: a hit next to a cold verify")
        print_table(["alg", "cold verify", "cache hit", "speed-up", "hit allocs", "target", "met"], rows,
                    args.markdown)

    rows = []
    for case in sorted(by_case):
        m = re.match(r"(?P<alg>[^/]+)/(?P<op>verify(?:-cached)?)-revocation-(?P<store>[a-z]+)$", case)
        if not m or m.group("store") == "none" or "jot" not in by_case[case]:
            continue
        base = by_case.get("%s/%s-revocation-none" % (m.group("alg"), m.group("op")), {}).get("jot")
        with_store = by_case[case]["jot"]
        cost = None if base is None else with_store[metric] - base[metric]
        rows.append(["%s/%s" % (m.group("alg"), m.group("op")), m.group("store"), fmt_time(get(base, metric)),
                     fmt_time(with_store[metric]), fmt_time(cost), fmt_allocs(with_store["allocs"])])
    if rows:
        print()
        print("Revocation (verifier_builder::revocation): a verify that asks the jti store, next to none")
        print_table(["verify", "store", "no store", "with store", "added", "allocs"], rows, args.markdown)

    rows = []
    for case in sorted(by_case):
        impls = by_case[case]
        for impl in sorted(set(impls) - {"jot", "floor"}):
            p = impls[impl]
            slower = ratio(p[metric], get(impls.get("jot"), metric))
            # jot over another JSON backend ("jot-boost") is jot itself, not a peer to be faster than.
            target = None if impl.startswith("jot-") else PEER_TARGETS.get(case)
            rows.append([f"{impl}/{case}", fmt_time(p[metric]), fmt_ratio(ratio(p[metric], get(impls.get("floor"), metric))),
                         fmt_ratio(slower), fmt_allocs(p["allocs"]), ">= %.1fx" % target if target else "",
                         verdict(slower, target, at_most=False)])
    if rows:
        print()
        print("Peers on the same token (\"jot faster by\" = peer time / jot time)")
        print_table(["implementation", "time", "vs floor", "jot faster by", "allocs", "target", "met"], rows,
                    args.markdown)


if __name__ == "__main__":
    main()
