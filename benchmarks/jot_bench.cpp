// SPDX-License-Identifier: MIT
// jot_bench's entry point: count allocations, register every algorithm's benchmarks, run them.
//   jot_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
// or scripts/bench_table.py, which pairs jot/<ALG>/<op> with floor/<ALG>/<op> and prints the ratios.
#include <cstdio>

#include <benchmark/benchmark.h>

#include "alloc_counter.hpp"
#include "bench_common.hpp"

int main(int argc, char** argv) {
    // Before anything can touch OpenSSL: once it has allocated, it refuses new memory functions.
    if (!jot_bench::count_openssl_allocations()) {
        std::fprintf(stderr, "jot_bench: OpenSSL allocated before main(); its allocations cannot be counted\n");
        return 1;
    }
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;

    // Registration builds keys and runs each algorithm's self-checks (jot and the floor must agree).
    jot_bench::register_hmac();
    jot_bench::register_rsa();
    jot_bench::register_ecdsa();
    jot_bench::register_eddsa();
    jot_bench::register_jwe();
    jot_bench::register_control();
    if (jot_bench::setup_failed()) return 1;
#if defined(JOT_BENCH_HAVE_CPP_JWT)
    jot_bench::register_cpp_jwt();
#endif
#if defined(JOT_BENCH_HAVE_LIBJWT)
    jot_bench::register_libjwt();
#endif
#if defined(JOT_BENCH_HAVE_CJOSE)
    jot_bench::register_cjose();
#endif

    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
