// SPDX-License-Identifier: MIT
// One shared const verifier (and shared const private keys) used from many threads at once.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <openssl/err.h>

#include <jot/builder.hpp>
#include <jot/private_key.hpp>
#include <jot/public_key.hpp>
#include <jot/verifier.hpp>

#include "catch.hpp"
#include "test_support.hpp"

namespace {

using jot::algorithm;
using namespace std::chrono_literals;

constexpr int thread_count = 8;
constexpr int operations_per_thread = 200;

std::string tamper(std::string token) {
    const std::size_t i = token.rfind('.') + 3;
    token[i] = token[i] == 'A' ? 'B' : 'A';
    return token;
}

} // namespace

TEST_CASE("one const verifier is safe to share between threads", "[threads][positive]") {
    const algorithm algs[] = {algorithm::rs256, algorithm::es256, algorithm::eddsa};
    std::vector<jot::private_key> signers;
    jot::verifier_builder vb;
    vb.expect_issuer("https://issuer.example");
    for (algorithm a : algs) {
        signers.push_back(jot::private_key::generate(a, std::string(jot::to_string(a)) + "-kid").value());
        vb.key(signers.back().public_key().value());
    }
    const jot::verifier verifier = vb.build().value();

    std::vector<std::string> good, bad;
    for (int i = 0; i < 12; ++i) {
        const auto& key = signers[static_cast<std::size_t>(i) % signers.size()];
        good.push_back(jot::builder()
                           .issuer("https://issuer.example")
                           .subject("user-" + std::to_string(i))
                           .expires_in(10min)
                           .sign(key)
                           .value());
        bad.push_back(tamper(good.back()));
    }

    std::atomic<int> accepted{0}, rejected{0}, wrong{0}, queue_dirty{0};
    std::atomic<bool> go{false};
    std::vector<std::thread> threads;
    for (int t = 0; t < thread_count; ++t) {
        threads.emplace_back([&, t] {
            while (!go.load()) std::this_thread::yield();
            for (int i = 0; i < operations_per_thread; ++i) {
                const std::size_t k = static_cast<std::size_t>(t + i) % good.size();
                auto ok = verifier.verify(good[k]);
                if (ok && ok->claims().subject().value() == "user-" + std::to_string(k)) ++accepted;
                else ++wrong;
                auto no = verifier.verify(bad[k]);
                if (!no && no.error() == jot::errc::signature_invalid) ++rejected;
                else ++wrong;
                if (ERR_peek_error() != 0) ++queue_dirty;
            }
        });
    }
    go = true;
    for (auto& th : threads) th.join();
    CHECK(accepted == thread_count * operations_per_thread);
    CHECK(rejected == thread_count * operations_per_thread);
    CHECK(wrong == 0);
    CHECK(queue_dirty == 0);
}

TEST_CASE("one const private_key signs from many threads at once", "[threads][positive]") {
    for (algorithm a : {algorithm::ps256, algorithm::es384, algorithm::ed448}) {
        INFO(jot::to_string(a));
        const jot::private_key key = jot::private_key::generate(a).value();
        const jot::public_key pub = key.public_key().value();
        std::atomic<int> verified{0}, failed{0};
        std::vector<std::thread> threads;
        for (int t = 0; t < thread_count; ++t) {
            threads.emplace_back([&, t] {
                std::vector<std::uint8_t> sig(key.max_signature_size());
                for (int i = 0; i < operations_per_thread / 4; ++i) {
                    const std::string input = "thread-" + std::to_string(t) + "." + std::to_string(i);
                    auto n = key.sign(input, sig.data(), sig.size());
                    if (n && pub.verify(input, jot::bytes_view(sig.data(), *n))) ++verified;
                    else ++failed;
                }
            });
        }
        for (auto& th : threads) th.join();
        CHECK(verified == thread_count * (operations_per_thread / 4));
        CHECK(failed == 0);
    }
}
