// SPDX-License-Identifier: MIT
// What every jot_bench algorithm shares: the typical token, the raw-OpenSSL floor pipeline, and the registry
// that names benchmarks `<impl>/<ALG>/<op>` so scripts/bench_table.py can pair jot with its floor.
//
// Names (ALG as in the JOSE header; impl is "jot", "floor", or a peer library: "cpp-jwt", "libjwt"):
//   <impl>/<ALG>/sign, <impl>/<ALG>/verify           one thread, compared on CPU time: the ratios
//   <impl>/<ALG>/verify-shared/real_time/threads:N   N threads sharing one verifier, wall time: the scaling
//   <impl>/HS256/decode                              decoding without verifying (jot: decode_unverified)
//   <impl>/HS256/build                               building a token without signing it
//   jot/<ALG>/verify-cached                          a verified-token cache hit (next to jot/<ALG>/verify)
//   <impl>/HS256/verify-read                         verify, then read "sub", "scope" and "tenant_id"
//   control/none/spin-shared/real_time/threads:N     arithmetic only: how far this machine lets 2 threads scale
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

#include <jot/base64url.hpp>
#include <jot/builder.hpp>
#include <jot/clock.hpp>
#include <jot/dangerous.hpp>
#include <jot/signer.hpp>
#include <jot/verifier.hpp>

#include "alloc_counter.hpp"

namespace jot_bench {

using jot_alloc::allocations;

// ---------------------------------------------------------------------------------------------------------
// The typical access token: iss, sub, aud, iat, exp and three custom claims, about 300 bytes of payload.

struct typical_claims {
    std::string issuer = "https://auth.example.com";
    std::string subject = "f47ac10b-58cc-4372-a567-0e02b2c3d479";
    std::string audience = "https://api.example.com/orders";
    std::chrono::system_clock::time_point issued_at{std::chrono::seconds(1700000000)};
    std::chrono::system_clock::time_point expires_at = issued_at + std::chrono::minutes(15);
    std::string scope = "openid profile email orders:read orders:write";
    std::string tenant_id = "acme-corporation-eu-west-1";
    std::vector<std::string> roles = {"customer", "order-manager", "report-viewer"};

    /// The moment the verifiers are fixed at: a minute after issue, so the token is valid.
    std::chrono::system_clock::time_point verify_at() const { return issued_at + std::chrono::minutes(1); }
};

/// A time point as a NumericDate in whole seconds (RFC 7519 §2).
inline std::int64_t unix_seconds(std::chrono::system_clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

// ---------------------------------------------------------------------------------------------------------
// Registry: every benchmark is `<impl>/<ALG>/<op>`; impl is "jot", "floor", or a peer library's name.

/// Registers `fn` as the benchmark `<impl>/<alg>/<op>` and returns it for further options (threads, ...).
inline benchmark::internal::Benchmark* add(std::string_view impl, std::string_view alg, std::string_view op,
                                           std::function<void(benchmark::State&)> fn) {
    std::string name;
    name.append(impl).append("/").append(alg).append("/").append(op);
    return benchmark::RegisterBenchmark(name.c_str(), [fn = std::move(fn)](benchmark::State& s) { fn(s); });
}

/// Registers a benchmark run by 1 and by 2 threads at once, timed on the wall clock, so the table can show
/// how throughput scales when threads share what `fn` uses.
inline void add_shared(std::string_view impl, std::string_view alg, std::string_view op,
                       std::function<void(benchmark::State&)> fn) {
    add(impl, alg, op, std::move(fn))->Threads(1)->Threads(2)->UseRealTime();
}

/// Runs `op` (returning true on success) once per iteration and reports the allocations per iteration as
/// the counter "allocs". Stops with an error if `op` ever fails, so a broken case cannot look fast.
template <class Op>
void run_counted(benchmark::State& state, Op&& op) {
    const std::uint64_t before = allocations();
    for (auto _ : state) {
        if (!op()) {
            state.SkipWithError("operation failed");
            break;
        }
    }
    state.counters["allocs"] =
        benchmark::Counter(static_cast<double>(allocations() - before), benchmark::Counter::kAvgIterations);
}

/// Set when a self-check fails; main() then refuses to run any benchmark.
inline bool& setup_failed() {
    static bool failed = false;
    return failed;
}

/// Reports a failed self-check of `alg` and marks the setup failed; returns `ok`.
inline bool check(bool ok, const std::string& alg, const char* what) {
    if (!ok) {
        std::fprintf(stderr, "jot_bench: %s self-check failed: %s\n", alg.c_str(), what);
        setup_failed() = true;
    }
    return ok;
}

// ---------------------------------------------------------------------------------------------------------
// The floor: what a JWT costs with nothing in the way. Strict base64url (jot's decoder is the floor's too),
// nlohmann::json DOMs for the header and the payload, and the raw crypto through a Crypto type:
//
//   struct Crypto {
//       static constexpr std::size_t max_signature_size;           // octets
//       std::size_t sign(std::string_view input, std::uint8_t* out) const;  // 0 on failure
//       bool verify(std::string_view input, const std::uint8_t* sig, std::size_t n) const;
//   };

/// Longest header or payload the floor decodes (into a stack buffer, so decoding allocates nothing).
inline constexpr std::size_t floor_segment_max = 4096;

/// The two DOMs a floor verify leaves behind, as a caller would read them.
struct floor_token {
    nlohmann::json header;
    nlohmann::json payload;
};

inline bool floor_parse_segment(std::string_view b64, nlohmann::json& out) {
    if (jot::base64url::decoded_size(b64.size()) > floor_segment_max) return false;
    std::uint8_t buf[floor_segment_max];
    auto n = jot::base64url::decode_into(b64, buf);
    if (!n) return false;
    out = nlohmann::json::parse(buf, buf + *n, nullptr, /*allow_exceptions=*/false);
    return out.is_object();
}

/// The three segments and the signing input, or false when the token is not three segments.
struct floor_parts {
    std::string_view header, payload, signature, signing_input;
};
inline bool floor_split(std::string_view token, floor_parts& p) {
    const std::size_t d1 = token.find('.');
    if (d1 == std::string_view::npos) return false;
    const std::size_t d2 = token.find('.', d1 + 1);
    if (d2 == std::string_view::npos || token.find('.', d2 + 1) != std::string_view::npos) return false;
    p.header = token.substr(0, d1);
    p.payload = token.substr(d1 + 1, d2 - d1 - 1);
    p.signature = token.substr(d2 + 1);
    p.signing_input = token.substr(0, d2);
    return true;
}

/// Floor verify: split, decode and parse the header, decode the signature and check it, then decode and
/// parse the payload (the order jot uses; the cost is the same in any order).
template <class Crypto>
bool floor_verify(const Crypto& crypto, std::string_view token, floor_token& out) {
    floor_parts p;
    if (!floor_split(token, p)) return false;
    if (!floor_parse_segment(p.header, out.header)) return false;
    if (jot::base64url::decoded_size(p.signature.size()) > Crypto::max_signature_size) return false;
    std::uint8_t sig[Crypto::max_signature_size];
    auto n = jot::base64url::decode_into(p.signature, sig);
    if (!n || !crypto.verify(p.signing_input, sig, *n)) return false;
    return floor_parse_segment(p.payload, out.payload);
}

/// What a caller reads after verifying: the subject, the scope and one custom claim (the tenant).
struct claims_read {
    std::string_view subject, scope, tenant;
};

/// Reads the three members from the floor's payload DOM, without throwing.
inline bool floor_read(const nlohmann::json& payload, claims_read& out) {
    const auto read = [&payload](const char* name, std::string_view& to) {
        const auto it = payload.find(name);
        if (it == payload.end() || !it->is_string()) return false;
        to = it->get_ref<const std::string&>();
        return true;
    };
    return read("sub", out.subject) && read("scope", out.scope) && read("tenant_id", out.tenant);
}

/// Reads the three members from a verified token through jot's typed getters.
template <class Token>
bool jot_read(const Token& token, claims_read& out) {
    const auto& c = token.claims();
    auto sub = c.subject();
    auto scope = c.template get<std::string_view>("scope");
    auto tenant = c.template get<std::string_view>("tenant_id");
    if (!sub || !scope || !tenant) return false;
    out = {*sub, *scope, *tenant};
    return true;
}

/// Floor decoding without verifying: split, decode and parse both segments, decode the signature.
inline bool floor_decode(std::string_view token, floor_token& out, std::string& signature) {
    floor_parts p;
    if (!floor_split(token, p)) return false;
    auto sig = jot::base64url::decode<std::string>(p.signature);
    if (!sig) return false;
    signature = std::move(*sig);
    return floor_parse_segment(p.header, out.header) && floor_parse_segment(p.payload, out.payload);
}

/// Floor building: the header and claim objects, dumped, base64url-encoded and joined, with room for a
/// signature of `signature_room` octets.
inline std::string floor_build(std::string_view alg, const typical_claims& c, std::size_t signature_room) {
    nlohmann::json header = nlohmann::json::object();
    header["alg"] = alg;
    header["typ"] = "JWT";
    nlohmann::json payload = nlohmann::json::object();
    payload["iss"] = c.issuer;
    payload["sub"] = c.subject;
    payload["aud"] = c.audience;
    payload["iat"] = unix_seconds(c.issued_at);
    payload["exp"] = unix_seconds(c.expires_at);
    payload["scope"] = c.scope;
    payload["tenant_id"] = c.tenant_id;
    payload["roles"] = c.roles;
    const std::string h = header.dump();
    const std::string p = payload.dump();

    std::string out;
    out.reserve(jot::base64url::encoded_size(h.size()) + jot::base64url::encoded_size(p.size()) +
                jot::base64url::encoded_size(signature_room) + 2);
    jot::base64url::encode_append(jot::bytes_view(h), out);
    out.push_back('.');
    jot::base64url::encode_append(jot::bytes_view(p), out);
    return out;
}

/// Floor sign: build the header and claim objects, dump both, base64url them, sign, append the signature.
template <class Crypto>
std::string floor_sign(const Crypto& crypto, std::string_view alg, const typical_claims& c) {
    std::string out = floor_build(alg, c, Crypto::max_signature_size);
    std::uint8_t sig[Crypto::max_signature_size];
    const std::size_t n = crypto.sign(out, sig);
    if (n == 0) return {};
    out.push_back('.');
    jot::base64url::encode_append(jot::bytes_view(sig, n), out);
    return out;
}

// ---------------------------------------------------------------------------------------------------------
// jot's side: the same token through the public API a user would call.

using bench_verifier = jot::basic_verifier<nlohmann::json, jot::fixed_clock>;
using bench_builder = jot::basic_builder<nlohmann::json, jot::fixed_clock>;

inline bench_builder typical_builder(const typical_claims& c) {
    bench_builder b;
    b.issuer(c.issuer)
        .subject(c.subject)
        .audience(c.audience)
        .issued_at(c.issued_at)
        .expires_at(c.expires_at)
        .claim("scope", c.scope)
        .claim("tenant_id", c.tenant_id)
        .claim("roles", c.roles);
    return b;
}

inline jot::result<std::string> jot_sign(const jot::signer& key, const typical_claims& c) {
    return typical_builder(c).sign(key);
}

/// A verifier built once: the key, the expected issuer and audience, and a clock fixed inside the token's
/// lifetime; with a verified-token cache of `cache_entries` when that is not 0.
inline jot::result<bench_verifier> make_verifier(std::shared_ptr<const jot::verification_key> key,
                                                 const typical_claims& c, std::size_t cache_entries = 0) {
    return jot::basic_verifier_builder<nlohmann::json, jot::fixed_clock>()
        .key(std::move(key))
        .expect_issuer(c.issuer)
        .expect_audience(c.audience)
        .clock(jot::fixed_clock{c.verify_at()})
        .cache(cache_entries)
        .build();
}

/// A signer that signs nothing: building a token with it measures the builder alone.
class null_signer final : public jot::signer {
public:
    jot::algorithm alg() const noexcept override { return jot::algorithm::hs256; }
    std::size_t max_signature_size() const noexcept override { return 0; }
    jot::result<std::size_t> sign(std::string_view, std::uint8_t*, std::size_t) const override {
        return std::size_t{0};
    }
};

// ---------------------------------------------------------------------------------------------------------
// What the peer libraries need to sign and verify the same token (filled in by each algorithm's file).

struct peer_case {
    std::string alg;          ///< JOSE name: HS256, RS256, ES256
    std::string token;        ///< signed by jot; every verify benchmark reads it
    std::string secret;       ///< HS*: the HMAC secret
    std::string private_pem;  ///< RS*/ES*: PKCS#8 PEM
    std::string public_pem;   ///< RS*/ES*: SubjectPublicKeyInfo PEM
    std::shared_ptr<const bench_verifier> verifier;  ///< jot's verifier, to check the peers' tokens
};

inline std::vector<peer_case>& peer_cases() {
    static std::vector<peer_case> cases;
    return cases;
}

// ---------------------------------------------------------------------------------------------------------
// One call per algorithm: self-checks that jot and the floor agree, then registers the benchmarks.

struct algorithm_options {
    /// Same key and claims give the same token (HMAC, RSASSA-PKCS1-v1_5, EdDSA): jot's token and the
    /// floor's must then be identical byte for byte.
    bool deterministic = false;
    /// Also register jot/<ALG>/verify-cached (a cache hit).
    bool cache = false;
    /// Also register verify-read: verify, then read three claims (registered for one algorithm).
    bool read_claims = false;
    /// Also register decoding and building alone (algorithm-independent: registered once).
    bool decode_and_build = false;
    /// Key material for the peers, when they support the algorithm.
    bool peers = false;
    std::string secret, private_pem, public_pem;
};

template <class Crypto>
void register_algorithm(std::string alg, std::shared_ptr<const jot::signer> signer,
                        std::shared_ptr<const jot::verification_key> key, std::shared_ptr<const Crypto> crypto,
                        algorithm_options opts = {}) {
    struct fixture {
        std::string alg;
        typical_claims claims;
        std::shared_ptr<const jot::signer> signer;
        std::shared_ptr<const Crypto> crypto;
        std::shared_ptr<const bench_verifier> verifier;
        std::shared_ptr<const bench_verifier> cached;
        std::string token; // signed once by jot; every verify benchmark reads it
    };

    const typical_claims claims;
    auto verifier = make_verifier(key, claims);
    if (!check(verifier.has_value(), alg, "the jot verifier could not be built")) return;
    auto cached = make_verifier(key, claims, 1024);
    if (!check(cached.has_value(), alg, "the caching jot verifier could not be built")) return;
    auto token = jot_sign(*signer, claims);
    if (!check(token.has_value(), alg, "jot could not sign the typical token")) return;
    auto fx = std::make_shared<const fixture>(fixture{alg, claims, std::move(signer), std::move(crypto),
                                                      std::make_shared<const bench_verifier>(std::move(*verifier)),
                                                      std::make_shared<const bench_verifier>(std::move(*cached)),
                                                      std::move(*token)});

    // jot and the floor must do the same work, or the ratio means nothing.
    const std::string floor_token_text = floor_sign(*fx->crypto, fx->alg, fx->claims);
    floor_token parsed;
    check(!floor_token_text.empty(), alg, "the floor could not sign");
    check(fx->verifier->verify(floor_token_text).has_value(), alg, "jot rejects the floor's token");
    check(floor_verify(*fx->crypto, fx->token, parsed), alg, "the floor rejects jot's token");
    check(parsed.payload.dump().size() >= 250, alg, "the typical payload is shorter than intended");
    if (opts.deterministic) check(floor_token_text == fx->token, alg, "jot's token differs from the floor's");
    std::string forged = fx->token;
    forged[forged.size() - 2] = forged[forged.size() - 2] == 'A' ? 'B' : 'A';
    check(!fx->verifier->verify(forged).has_value(), alg, "jot accepts a forged signature");
    check(!fx->cached->verify(forged).has_value(), alg, "jot's cache accepts a forged signature");
    check(!floor_verify(*fx->crypto, forged, parsed), alg, "the floor accepts a forged signature");
    {
        // What a caller reads from a verified token: the same claims through each path.
        auto v = fx->verifier->verify(fx->token);
        check(v && v->claims().json() == parsed.payload, alg, "jot's claims differ from the floor's");
        check(fx->cached->verify(fx->token).has_value() && fx->cached->verify(fx->token).has_value(), alg,
              "jot's cache rejects the token");
    }
    benchmark::AddCustomContext(alg + "_payload_bytes", std::to_string(parsed.payload.dump().size()));
    benchmark::AddCustomContext(alg + "_token_bytes", std::to_string(fx->token.size()));
    if (opts.peers)
        peer_cases().push_back({alg, fx->token, opts.secret, opts.private_pem, opts.public_pem, fx->verifier});

    add("jot", alg, "sign", [fx](benchmark::State& s) {
        run_counted(s, [&] {
            auto t = jot_sign(*fx->signer, fx->claims);
            benchmark::DoNotOptimize(t);
            return t.has_value();
        });
    });
    add("floor", alg, "sign", [fx](benchmark::State& s) {
        run_counted(s, [&] {
            auto t = floor_sign(*fx->crypto, fx->alg, fx->claims);
            benchmark::DoNotOptimize(t);
            return !t.empty();
        });
    });
    auto jot_verify = [fx](benchmark::State& s) {
        run_counted(s, [&] {
            auto v = fx->verifier->verify(fx->token);
            benchmark::DoNotOptimize(v);
            return v.has_value();
        });
    };
    auto floor_verify_one = [fx](benchmark::State& s) {
        run_counted(s, [&] {
            floor_token t;
            const bool ok = floor_verify(*fx->crypto, fx->token, t);
            benchmark::DoNotOptimize(t);
            return ok;
        });
    };
    add("jot", alg, "verify", jot_verify);
    add("floor", alg, "verify", floor_verify_one);
    add_shared("jot", alg, "verify-shared", jot_verify);
    add_shared("floor", alg, "verify-shared", floor_verify_one);

    if (opts.cache) {
        add("jot", alg, "verify-cached", [fx](benchmark::State& s) {
            run_counted(s, [&] {
                auto v = fx->cached->verify(fx->token);
                benchmark::DoNotOptimize(v);
                return v.has_value();
            });
        });
        add_shared("jot", alg, "verify-cached-shared", [fx](benchmark::State& s) {
            run_counted(s, [&] {
                auto v = fx->cached->verify(fx->token);
                benchmark::DoNotOptimize(v);
                return v.has_value();
            });
        });
    }

    if (opts.read_claims) {
        {
            auto v = fx->verifier->verify(fx->token);
            floor_token t;
            claims_read a, b;
            check(v && jot_read(*v, a) && floor_verify(*fx->crypto, fx->token, t) && floor_read(t.payload, b) &&
                      a.subject == b.subject && a.scope == b.scope && a.tenant == b.tenant &&
                      a.subject == fx->claims.subject && a.tenant == fx->claims.tenant_id,
                  alg, "jot's claims read after verify differ from the floor's");
        }
        // The floor builds the payload DOM to read three members; jot reads them from the verified text.
        add("jot", alg, "verify-read", [fx](benchmark::State& s) {
            run_counted(s, [&] {
                auto v = fx->verifier->verify(fx->token);
                claims_read r;
                const bool ok = v && jot_read(*v, r);
                benchmark::DoNotOptimize(r);
                return ok;
            });
        });
        add("floor", alg, "verify-read", [fx](benchmark::State& s) {
            run_counted(s, [&] {
                floor_token t;
                claims_read r;
                const bool ok = floor_verify(*fx->crypto, fx->token, t) && floor_read(t.payload, r);
                benchmark::DoNotOptimize(r);
                return ok;
            });
        });
    }

    if (opts.decode_and_build) {
        {
            auto d = jot::dangerous::decode_unverified(fx->token);
            floor_token t;
            std::string sig;
            check(d.has_value() && floor_decode(fx->token, t, sig) && d->claims.json() == t.payload &&
                      d->header.json() == t.header && d->signature == sig,
                  alg, "jot's decode_unverified differs from the floor's decoding");
            const null_signer none;
            auto built = typical_builder(fx->claims).sign(none);
            check(built.has_value() && *built == floor_build(alg, fx->claims, 0) + ".", alg,
                  "jot's builder output differs from the floor's");
        }
        add("jot", alg, "decode", [fx](benchmark::State& s) {
            run_counted(s, [&] {
                auto d = jot::dangerous::decode_unverified(fx->token);
                benchmark::DoNotOptimize(d);
                return d.has_value();
            });
        });
        add("floor", alg, "decode", [fx](benchmark::State& s) {
            run_counted(s, [&] {
                floor_token t;
                std::string sig;
                const bool ok = floor_decode(fx->token, t, sig);
                benchmark::DoNotOptimize(t);
                benchmark::DoNotOptimize(sig);
                return ok;
            });
        });
        add("jot", alg, "build", [fx](benchmark::State& s) {
            const null_signer none;
            run_counted(s, [&] {
                auto t = typical_builder(fx->claims).sign(none);
                benchmark::DoNotOptimize(t);
                return t.has_value();
            });
        });
        add("floor", alg, "build", [fx](benchmark::State& s) {
            run_counted(s, [&] {
                auto t = floor_build(fx->alg, fx->claims, 0);
                benchmark::DoNotOptimize(t);
                return !t.empty();
            });
        });
    }
}

/// The scaling control: a loop that shares nothing, so its 2-thread throughput is the most any benchmark can
/// show on this machine at this moment (less than 2x when other work competes for the cores).
inline void register_control() {
    add_shared("control", "none", "spin-shared", [](benchmark::State& s) {
        run_counted(s, [] {
            std::uint64_t x = 0;
            for (std::uint64_t i = 0; i < 4000; ++i) {
                x += i * i;
                benchmark::DoNotOptimize(x);
            }
            return true;
        });
    });
}

/// Each algorithm family's file defines one of these; jot_bench.cpp calls them all.
void register_hmac();
void register_rsa();
void register_ecdsa();
void register_eddsa();
void register_jwe();
/// DPoP (bench_dpop.cpp): an ES256 access token and its proof, next to the floor of that work.
void register_dpop();

/// Peer libraries, built only when CMake finds them; each reads peer_cases().
void register_cpp_jwt();
void register_libjwt();
void register_cjose();

} // namespace jot_bench
