// SPDX-License-Identifier: MIT
// jot_bench_http_refresh: verify latency (p50, p99) while a background JWK Set refresh waits 2 s on a slow HTTPS
// provider on 127.0.0.1, against the same verifications with no refresh in flight.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

#include <jot/http/fetcher.hpp>
#include <jot/jot.hpp>

#include "../tests/http/test_server.hpp"

namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

struct percentiles {
    double p50_us = 0, p99_us = 0, max_us = 0;
    std::size_t samples = 0;
};

percentiles summarize(std::vector<double> v) {
    percentiles p;
    p.samples = v.size();
    if (v.empty()) return p;
    std::sort(v.begin(), v.end());
    p.p50_us = v[v.size() / 2];
    p.p99_us = v[std::min(v.size() - 1, v.size() * 99 / 100)];
    p.max_us = v.back();
    return p;
}

/// `threads` threads verify `token` until `keep_going()` is false; every latency in microseconds.
template <class KeepGoing>
std::vector<double> verify_loop(const jot::verifier& v, const std::string& token, int threads, KeepGoing keep_going) {
    std::vector<std::vector<double>> per(static_cast<std::size_t>(threads));
    std::vector<std::thread> pool;
    std::atomic<bool> failed{false};
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
            auto& out = per[static_cast<std::size_t>(t)];
            while (keep_going()) {
                const auto start = clock_type::now();
                const bool ok = v.verify(token).has_value();
                const auto took = clock_type::now() - start;
                if (!ok) failed = true;
                out.push_back(std::chrono::duration<double, std::micro>(took).count());
            }
        });
    }
    for (auto& th : pool) th.join();
    if (failed) std::fprintf(stderr, "a verification failed during the measurement\n");
    std::vector<double> all;
    for (auto& p : per) all.insert(all.end(), p.begin(), p.end());
    return all;
}

void verify_during_slow_refresh(benchmark::State& state) {
    const jot_test::certificates certs;
    jot_test::test_server server(&certs);
    const auto key = jot::private_key::generate(jot::algorithm::es256, "k1").value();
    const std::string set =
        nlohmann::json{{"keys", nlohmann::json::array({jot::to_jwk(key.public_key().value()).value()})}}.dump();
    std::atomic<bool> slow{false};
    server.route("/jwks", [&](const httplib::Request&, httplib::Response& res) {
        if (slow) server.pause(2s);  // the provider answers after 2 s
        res.set_header("Cache-Control", "max-age=300");
        res.set_content(set, "application/json");
    });
    jot::http::fetch_options fo;
    fo.ca_file = certs.ca_file();
    fo.read_timeout = 5s;
    auto so = jot::http::background_source_options();
    so.unknown_kid_cooldown = 0s;
    auto source = jot::http::make_jwks_source(server.url("/jwks"), fo, so).value();
    if (!source->refresh()) return state.SkipWithError("first load failed");
    const auto v = jot::verifier_builder().key_source(source).expect_issuer("https://idp.test").build().value();
    const std::string token =
        jot::builder().issuer("https://idp.test").subject("alice").expires_in(1h).sign(key).value();
    const auto unknown = jot::private_key::generate(jot::algorithm::es256, "rotated").value();
    const std::string unknown_kid_token =
        jot::builder().issuer("https://idp.test").subject("alice").expires_in(1h).sign(unknown).value();
    const int threads = 2;

    percentiles steady, during;
    double refresh_s = 0;
    for (auto _ : state) {
        // Warm-up (caches, allocator, CPU frequency), not counted.
        const auto warm = clock_type::now() + 500ms;
        (void)verify_loop(v, token, threads, [&] { return clock_type::now() < warm; });
        // Steady state: 2 s of verifications, no refresh anywhere.
        const auto until = clock_type::now() + 2s;
        steady = summarize(verify_loop(v, token, threads, [&] { return clock_type::now() < until; }));
        // A token with an unknown kid starts a background refresh that the provider holds for 2 s; the same
        // verifications run meanwhile, and only those made while the refresh is in flight are counted.
        slow = true;
        const auto started = clock_type::now();
        (void)v.verify(unknown_kid_token);
        // A monitor reads status() every millisecond, so the verifying threads only read an atomic.
        std::atomic<bool> in_flight{source->status().refreshing};
        std::thread monitor([&] {
            while (in_flight) {
                std::this_thread::sleep_for(1ms);
                in_flight = source->status().refreshing;
            }
        });
        during = summarize(verify_loop(v, token, threads, [&] { return in_flight.load(); }));
        monitor.join();
        refresh_s = std::chrono::duration<double>(clock_type::now() - started).count();
        slow = false;
    }
    state.counters["steady_p50_us"] = steady.p50_us;
    state.counters["steady_p99_us"] = steady.p99_us;
    state.counters["refresh_p50_us"] = during.p50_us;
    state.counters["refresh_p99_us"] = during.p99_us;
    state.counters["steady_max_us"] = steady.max_us;
    state.counters["refresh_max_us"] = during.max_us;
    state.counters["p99_ratio"] = steady.p99_us > 0 ? during.p99_us / steady.p99_us : 0;
    state.counters["steady_samples"] = static_cast<double>(steady.samples);
    state.counters["refresh_samples"] = static_cast<double>(during.samples);
    state.counters["refresh_s"] = refresh_s;
}

} // namespace

BENCHMARK(verify_during_slow_refresh)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();

BENCHMARK_MAIN();
