// SPDX-License-Identifier: MIT
// jot_bench_redis: HS256 verify with revocation in a running Redis, next to no store and the in-memory store.
//   JOT_BENCH_REDIS=127.0.0.1:6379 jot_bench_redis [--benchmark_filter=...]
// It needs a Redis it may write to (keys under "jot-bench:"); without JOT_BENCH_REDIS it reports that it
// skipped (exit status 77) and measures nothing.
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include <benchmark/benchmark.h>

#include <jot/redis/jti_store.hpp>

#include "alloc_counter.hpp"
#include "bench_common.hpp"
#include "bench_revocation.hpp"

int main(int argc, char** argv) {
    // The hook is installed before main() (tests/support/alloc_counter.cpp).
    if (!jot_alloc::openssl_hooked()) {
        std::fprintf(stderr, "jot_bench_redis: OpenSSL allocated before main(); its allocations cannot be counted\n");
        return 1;
    }
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    const char* address = std::getenv("JOT_BENCH_REDIS");
    if (!address || !*address) {
        std::fprintf(stderr, "jot_bench_redis: set JOT_BENCH_REDIS=HOST:PORT of a running Redis; skipped\n");
        return 77;
    }
    const std::string a = address;
    const auto colon = a.rfind(':');
    jot::redis::options o;
    o.host = a.substr(0, colon);
    o.port = colon == std::string::npos ? 6379 : std::atoi(a.c_str() + colon + 1);
    o.key_prefix = "jot-bench:";
    o.connections = 2;  // one per benchmark thread
    auto redis = jot::redis::jti_store::make(o);
    if (!redis || !(*redis)->ping()) {
        std::fprintf(stderr, "jot_bench_redis: Redis at %s does not answer: %s\n", address,
                     redis ? (*redis)->last_error().c_str() : redis.error().message().c_str());
        return 1;
    }
    if (!jot_bench::register_revocation("none", nullptr) ||
        !jot_bench::register_revocation("memory", std::make_shared<jot::memory_jti_store>()) ||
        !jot_bench::register_revocation("redis", *redis))
        return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
