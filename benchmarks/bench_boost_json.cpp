// SPDX-License-Identifier: MIT
// jot over Boost.JSON (include/jot/json/boost.hpp), as impl "jot-boost": HS256 sign, verify and verify-read,
// RS256 and ES256 verify, on the typical token the "jot" rows verify, at the same fixed time and policy.
// Verification goes through the same strict scanner with either backend; only the DOMs built differ.
// Built only when CMake defines jot::boost_json; jot code, so compiled with jot's own flags.
#include <chrono>
#include <memory>
#include <string>
#include <utility>

#include <boost/json.hpp>

#include <jot/hmac_key.hpp>
#include <jot/json/boost.hpp>
#include <jot/public_key.hpp>

#include "bench_common.hpp"

namespace jot_bench {

void register_boost_json();

namespace {

/// The verifier of the "jot" rows (make_verifier in bench_common.hpp) over Boost.JSON: the same key, issuer,
/// audience and fixed clock, no cache.
using boost_verifier = jot::basic_verifier<jot::boost_json::json, jot::fixed_clock>;

jot::result<boost_verifier> make_boost_verifier(std::shared_ptr<const jot::verification_key> key,
                                                const typical_claims& c) {
    return jot::basic_verifier_builder<jot::boost_json::json, jot::fixed_clock>()
        .key(std::move(key))
        .expect_issuer(c.issuer)
        .expect_audience(c.audience)
        .clock(jot::fixed_clock{c.verify_at()})
        .cache(0)
        .build();
}

/// typical_builder (bench_common.hpp) through jot::boost_json::builder: the same claims, set in the same order.
/// Its clock is never read (every date is given).
jot::result<std::string> boost_sign(const jot::signer& key, const typical_claims& c) {
    jot::boost_json::builder b;
    b.issuer(c.issuer)
        .subject(c.subject)
        .audience(c.audience)
        .issued_at(c.issued_at)
        .expires_at(c.expires_at)
        .claim("scope", boost::json::value_from(c.scope))
        .claim("tenant_id", boost::json::value_from(c.tenant_id))
        .claim("roles", boost::json::value_from(c.roles));
    return b.sign(key);
}

/// The verification key for a peer case jot-boost covers, or null.
std::shared_ptr<const jot::verification_key> key_for(const peer_case& pc) {
    if (pc.alg == "HS256") {
        auto k = jot::hmac_key::create(jot::algorithm::hs256, pc.secret);
        return k ? std::make_shared<const jot::hmac_key>(std::move(*k)) : nullptr;
    }
    if (pc.alg == "RS256" || pc.alg == "ES256") {
        auto k = jot::public_key::from_pem(pc.alg == "RS256" ? jot::algorithm::rs256 : jot::algorithm::es256,
                                           pc.public_pem);
        return k ? std::make_shared<const jot::public_key>(std::move(*k)) : nullptr;
    }
    return nullptr;
}

bool same_read(const claims_read& a, const claims_read& b) {
    return a.subject == b.subject && a.scope == b.scope && a.tenant == b.tenant;
}

} // namespace

void register_boost_json() {
    const typical_claims claims;
    for (const peer_case& pc : peer_cases()) {
        if (pc.alg != "HS256" && pc.alg != "RS256" && pc.alg != "ES256") continue;
        auto key = key_for(pc);
        if (!check(key != nullptr, pc.alg, "jot-boost: the key could not be made")) continue;
        auto built = make_boost_verifier(key, claims);
        if (!check(built.has_value(), pc.alg, "jot-boost: the verifier could not be built")) continue;
        auto verifier = std::make_shared<const boost_verifier>(std::move(*built));
        const std::string alg = pc.alg;
        const std::string token = pc.token; // jot's token: the one every verify row reads

        // Accepts the token, reads what the "jot" row reads, and rejects a forged signature.
        {
            auto v = verifier->verify(token);
            auto j = pc.verifier->verify(token);
            claims_read a, b;
            if (!check(v.has_value(), alg, "jot-boost rejects jot's token") ||
                !check(j && jot_read(*j, b), alg, "jot reads no claims from its own token") ||
                !check(jot_read(*v, a) && same_read(a, b) && a.subject == claims.subject &&
                           a.scope == claims.scope && a.tenant == claims.tenant_id,
                       alg, "jot-boost's claims read after verify differ from jot's"))
                continue;
            std::string forged = token;
            forged[forged.size() - 2] = forged[forged.size() - 2] == 'A' ? 'B' : 'A';
            if (!check(!verifier->verify(forged).has_value(), alg, "jot-boost accepts a forged signature")) continue;
        }

        if (alg == "HS256") {
            auto hmac = jot::hmac_key::create(jot::algorithm::hs256, pc.secret);
            if (!check(hmac.has_value(), alg, "jot-boost: the HMAC signing key could not be made")) continue;
            auto signer = std::make_shared<const jot::hmac_key>(std::move(*hmac));
            // Boost.JSON keeps the claims in insertion order where nlohmann::json sorts them, so the tokens
            // differ byte for byte; they must be the same size and carry the same claims (jot's verifier
            // compares its DOMs, whose == ignores member order), or the two sign rows would not do the same work.
            auto own = boost_sign(*signer, claims);
            if (!check(own.has_value(), alg, "jot-boost could not sign the typical token")) continue;
            auto mine = pc.verifier->verify(*own);
            auto theirs = pc.verifier->verify(token);
            if (!check(own->size() == token.size() && mine && theirs &&
                           mine->claims().json() == theirs->claims().json() && verifier->verify(*own).has_value(),
                       alg, "jot-boost's token differs from jot's"))
                continue;
            add("jot-boost", alg, "sign", [signer, claims](benchmark::State& s) {
                run_counted(s, [&] {
                    auto t = boost_sign(*signer, claims);
                    benchmark::DoNotOptimize(t);
                    return t.has_value();
                });
            });
        }
        add("jot-boost", alg, "verify", [verifier, token](benchmark::State& s) {
            run_counted(s, [&] {
                auto v = verifier->verify(token);
                benchmark::DoNotOptimize(v);
                return v.has_value();
            });
        });
        if (alg == "HS256") {
            // As the "jot" row: verify, then read "sub", "scope" and "tenant_id" through the typed getters.
            add("jot-boost", alg, "verify-read", [verifier, token](benchmark::State& s) {
                run_counted(s, [&] {
                    auto v = verifier->verify(token);
                    claims_read r;
                    const bool ok = v && jot_read(*v, r);
                    benchmark::DoNotOptimize(r);
                    return ok;
                });
            });
        }
    }
}

} // namespace jot_bench
