// SPDX-License-Identifier: MIT
// The revocation benchmarks: what revocation(store) adds to an HS256 verify, cold and on a cache hit.
#include "bench_revocation.hpp"

#include <chrono>
#include <cstdio>
#include <string>
#include <utility>

#include <jot/builder.hpp>
#include <jot/hmac_key.hpp>
#include <jot/verifier.hpp>

#include "bench_common.hpp"

namespace jot_bench {

bool register_revocation(const std::string& kind, std::shared_ptr<jot::jti_store> store) {
    using namespace std::chrono_literals;
    const std::string secret = "a jot_bench HMAC secret: 32 octets or more, as RFC 7518 asks";
    auto key = jot::hmac_key::create(jot::algorithm::hs256, secret);
    if (!check(key.has_value(), "HS256", "the HMAC key could not be made")) return false;
    auto sign = [&](const std::string& jti) {
        return jot::builder()
            .issuer("https://issuer.example")
            .subject("user-1234")
            .audience("https://api.example")
            .id(jti)
            .issued_now()
            .expires_in(2h)
            .sign(*key);
    };
    auto live = sign("live-" + kind), revoked = sign("revoked-" + kind);
    if (!check(live && revoked, "HS256", "the tokens could not be signed")) return false;
    if (store) {
        // A store that is not empty: the revoked token and a few thousand others.
        const auto until = std::chrono::system_clock::now() + 2h;
        bool ok = store->revoke("access", "revoked-" + kind, until).has_value();
        for (int i = 0; ok && i < 5000; ++i) ok = store->revoke("access", "other-" + std::to_string(i), until).has_value();
        if (!check(ok, "HS256", "the jti store refused a revocation")) return false;
    }
    auto make = [&](std::size_t cache) {
        jot::verifier_builder b;
        b.key(*key).expect_issuer("https://issuer.example").expect_audience("https://api.example").cache(cache);
        if (store) b.revocation(store).require_jti();
        return b.build();
    };
    auto cold = make(0), cached = make(1024);
    if (!check(cold && cached, "HS256", "the verifiers could not be built")) return false;
    auto fx = std::make_shared<std::pair<jot::verifier, jot::verifier>>(std::move(*cold), std::move(*cached));
    const std::string token = *live;
    if (!check(fx->first.verify(token).has_value() && fx->second.verify(token).has_value(), "HS256",
               "the live token is refused"))
        return false;
    if (store && !check(fx->first.verify(*revoked).error() == jot::errc::token_revoked &&
                            fx->second.verify(*revoked).error() == jot::errc::token_revoked,
                        "HS256", "a revoked token is accepted"))
        return false;

    auto verify_with = [fx, token](bool use_cache) {
        return [fx, token, use_cache](benchmark::State& s) {
            const jot::verifier& v = use_cache ? fx->second : fx->first;
            run_counted(s, [&] {
                auto r = v.verify(token);
                benchmark::DoNotOptimize(r);
                return r.has_value();
            });
        };
    };
    add("jot", "HS256", "verify-revocation-" + kind, verify_with(false));
    add("jot", "HS256", "verify-cached-revocation-" + kind, verify_with(true));
    add_shared("jot", "HS256", "verify-revocation-" + kind + "-shared", verify_with(false));
    add_shared("jot", "HS256", "verify-cached-revocation-" + kind + "-shared", verify_with(true));
    return true;
}

} // namespace jot_bench
