// SPDX-License-Identifier: MIT
// jot_bench's entry point: count allocations, register every algorithm's benchmarks, run them.
//   jot_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
// or scripts/bench_table.py, which pairs jot/<ALG>/<op> with floor/<ALG>/<op> and prints the ratios.
#include <cstdio>
#include <memory>

#include <benchmark/benchmark.h>

#include "alloc_counter.hpp"
#include "bench_common.hpp"
#include "bench_revocation.hpp"

#if defined(JOT_BENCH_HAVE_BOOST_JSON)
namespace jot_bench {
/// jot over Boost.JSON (bench_boost_json.cpp): rows jot-boost/<ALG>/<op>, self-checked against the jot rows.
void register_boost_json();
} // namespace jot_bench
#endif

int main(int argc, char** argv) {
    // The hook is installed before main() (tests/support/alloc_counter.cpp); once OpenSSL has allocated, it
    // refuses new memory functions.
    if (!jot_alloc::openssl_hooked()) {
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
    jot_bench::register_dpop();
    jot_bench::register_control();
    // Revocation: no store next to jot::memory_jti_store (Redis is jot_bench_redis's, which needs a server).
    jot_bench::register_revocation("none", nullptr);
    jot_bench::register_revocation("memory", std::make_shared<jot::memory_jti_store>());
#if defined(JOT_BENCH_HAVE_BOOST_JSON)
    jot_bench::register_boost_json(); // reads peer_cases(), filled above; jot code, so its self-checks count
#endif
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
