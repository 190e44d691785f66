// SPDX-License-Identifier: MIT
// Differential: basic_verifier's scanning path (nlohmann::json) against its DOM path (dom_json) on HS256 tokens
// made from fuzzed header and payload text, under several policies, with and without the verified-token cache.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include <jot/jot.hpp>

#include "dom_json.hpp"

// Input layout: one control byte, then the header JSON text, a 0xFF byte, and the payload JSON text (0xFF
// never occurs in UTF-8, so it never splits valid text). Without a 0xFF the rest is the payload and the header
// is {"alg":"HS256"}. The token gets a valid HS256 MAC over whatever the texts say, so the fuzzer reaches the
// JSON and claim checks; the control byte's low two bits sometimes spoil the signature.

namespace {

using json = nlohmann::json;
using jot_fuzz::dom_json;
using jot_fuzz::printable;

constexpr std::int64_t now_s = 1700000000;

const jot::hmac_key& key() {
    static const jot::hmac_key k =
        *jot::hmac_key::create(jot::algorithm::hs256, std::string_view("0123456789abcdef0123456789abcdef"), "k1");
    return k;
}

/// Policy `which` over Json; `cached` adds a 16-entry cache. Policies 0-4 differ in what they check.
template <class Json>
jot::basic_verifier<Json, jot::fixed_clock> make_policy(int which, bool cached) {
    jot::basic_verifier_builder<Json, jot::fixed_clock> b;
    b.key(key()).clock(jot::fixed_clock{std::chrono::system_clock::time_point(std::chrono::seconds(now_s))});
    switch (which) {
    case 0: break;
    case 1: b.expect_issuer("iss-a").expect_issuer("https://issuer.example").expect_audience({"aud-a", "api"}); break;
    case 2: b.allow_missing_expiration().ignore_type().ignore_audience().leeway(std::chrono::seconds(30)); break;
    case 3: b.expect_subject("sub-a").max_age(std::chrono::hours(1)).require_claim("scope"); break;
    default:
        // The checks that read the DOMs (and run again on a cache hit), and a small depth bound.
        b.allow_missing_expiration()
            .ignore_audience()
            .expect_type("at+jwt")
            .expect_claim("role", Json("admin"))
            .expect([](const jot::basic_claims<Json>& c) { return !c.contains("deny"); })
            .limits({64 * 1024, 4});
        break;
    }
    if (cached) b.cache(16);
    return *b.build();
}
constexpr int policies = 5;

template <class Json>
const jot::basic_verifier<Json, jot::fixed_clock>& policy(int which, bool cached) {
    static const auto all = [] {
        std::vector<jot::basic_verifier<Json, jot::fixed_clock>> v;
        for (int c = 0; c < 2; ++c)
            for (int p = 0; p < policies; ++p) v.push_back(make_policy<Json>(p, c == 1));
        return v;
    }();
    return all[static_cast<std::size_t>((cached ? policies : 0) + which)];
}

/// What a verification came to, as text: the error, or the algorithm and both DOMs dumped.
template <class Json>
std::string outcome(const jot::result<jot::basic_verified_token<Json>>& r) {
    if (!r) return "error: " + r.error().message();
    return "ok: alg " + std::string(jot::to_string(r->alg())) + " header " + r->header().json().dump() + " claims " +
           r->claims().json().dump();
}

struct context {
    std::string_view header, payload, token;
    int policy;
};

/// Aborts unless the two verifications agree: the same error, or the same algorithm, header and claims.
template <class A, class B>
void same(const char* what, const context& ctx, const jot::result<jot::basic_verified_token<A>>& a,
          const jot::result<jot::basic_verified_token<B>>& b) {
    bool agree = a.has_value() == b.has_value();
    if (agree && !a) agree = a.error() == b.error();
    // Comparing the dumps also catches a token whose DOM, built later from the scanned text, came out empty.
    if (agree && a) agree = outcome(a) == outcome(b);
    if (agree) return;
    std::fprintf(stderr,
                 "fuzz_verify_differential: %s, policy %d\n  header:  \"%s\"\n  payload: \"%s\"\n  token:   %s\n"
                 "  first:   %s\n  second:  %s\n",
                 what, ctx.policy, printable(ctx.header).c_str(), printable(ctx.payload).c_str(),
                 std::string(ctx.token).c_str(), outcome(a).c_str(), outcome(b).c_str());
    __builtin_trap();
}

std::string make_token(std::string_view header, std::string_view payload, unsigned control) {
    std::string out = jot::base64url::encode(jot::bytes_view(header)) + "." + jot::base64url::encode(jot::bytes_view(payload));
    std::uint8_t mac[64];
    const std::size_t n = key().sign(out, mac, sizeof mac).value();
    switch (control & 3) {
    case 2: mac[n - 1] ^= 1; break;                                     // a wrong MAC of the right length
    case 3: return out + "." + jot::base64url::encode(jot::bytes_view(mac, n - 1)); // a truncated MAC
    default: break;
    }
    return out + "." + jot::base64url::encode(jot::bytes_view(mac, n));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const unsigned control = data[0];
    const std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
    const std::size_t sep = rest.find('\xff');
    const std::string_view header = sep == std::string_view::npos ? std::string_view(R"({"alg":"HS256"})") : rest.substr(0, sep);
    const std::string_view payload = sep == std::string_view::npos ? rest : rest.substr(sep + 1);
    const std::string token = make_token(header, payload, control);

    for (int p = 0; p < policies; ++p) {
        const context ctx{header, payload, token, p};
        const auto scanned = policy<json>(p, false).verify(token);
        const auto dom = policy<dom_json>(p, false).verify(token);
        same("scanning path against DOM path", ctx, scanned, dom);

        // With the cache: the first call may miss or (for a token an earlier input made) hit, the second hits
        // when the first accepted; each must equal the uncached verdict of the same policy.
        const auto scanned1 = policy<json>(p, true).verify(token);
        const auto scanned2 = policy<json>(p, true).verify(token);
        const auto dom1 = policy<dom_json>(p, true).verify(token);
        const auto dom2 = policy<dom_json>(p, true).verify(token);
        same("scanning path: cached against uncached", ctx, scanned1, scanned);
        same("scanning path: cache hit against first call", ctx, scanned2, scanned1);
        same("DOM path: cached against uncached", ctx, dom1, dom);
        same("DOM path: cache hit against first call", ctx, dom2, dom1);
    }
    return 0;
}
