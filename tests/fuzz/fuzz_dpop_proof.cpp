// SPDX-License-Identifier: MIT
// Fuzzes the DPoP proof check (RFC 9449 §4.3) and its URI normalisation: the input, as a proof, goes to
// verifiers of three policies for fixed requests; what verifies must match the request and be refused when
// replayed, and a proof jot makes for a fuzzed request URI must verify.
//
// The input is the proof, then optionally '\n' and the request URI as arbitrary octets (a proof never holds a
// '\n'); without one the request is to request_uri below. Every verifier runs on the fixed time now_seconds,
// with a replay store of its own per input, so an input always gives the same result.
//
// The seeds in corpus/dpop_proof/ are proofs made with the fixed keys of keys/keys.hpp at now_seconds (what
// `jot dpop proof --now 1700000000` makes), and the two RFC 9449 proofs with their URIs; to write them again:
//   g++ -std=c++17 -O1 -Iinclude -DJOT_FUZZ_WRITE_SEEDS tests/fuzz/fuzz_dpop_proof.cpp -lcrypto -o /tmp/seeds
//   /tmp/seeds tests/fuzz/corpus/dpop_proof tests/data/rfc9449/examples.json
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <jot/dpop.hpp>
#include <jot/jti_store.hpp>
#include <jot/jwk.hpp>
#include <jot/private_key.hpp>

#include "keys/keys.hpp"

namespace {

namespace dpop = jot::dpop;

constexpr std::int64_t now_seconds = 1700000000;
constexpr std::string_view request_uri = "https://resource.example.org/protectedresource";
constexpr std::string_view access_token = "fuzz-access-token.Kz~8mXK1EalYznwH";
constexpr std::string_view accepted_nonce = "fuzz-nonce";

jot::fixed_clock fixed_now() {
    return {std::chrono::system_clock::time_point(std::chrono::seconds(now_seconds))};
}

/// The P-256 key of keys.hpp (the client's proof key) and its RFC 7638 thumbprint (the token's "cnf"."jkt").
struct client_key {
    jot::private_key key;
    std::string jkt;
};

const client_key& client() {
    static const client_key c = [] {
        auto key = jot::private_key::from_pem(jot::algorithm::es256, jot_fuzz::keys::p256);
        if (!key) std::abort();
        auto pub = key->public_key();
        if (!pub) std::abort();
        auto jkt = jot::jwk_thumbprint(*pub);
        if (!jkt) std::abort();
        return client_key{std::move(*key), std::move(*jkt)};
    }();
    return c;
}

/// The policies: the defaults; a ten-year max_age without future leeway (so the RFC 9449 proofs of 2019 get
/// through); a required nonce.
enum class policy_kind { defaults, long_lived, nonce };

dpop::proof_policy policy_of(policy_kind kind) {
    dpop::proof_policy p;
    // A fresh store per verifier and input: a proof accepted once is refused only within its own input.
    p.replay_store = std::make_shared<jot::basic_memory_jti_store<jot::fixed_clock>>(16, fixed_now());
    if (kind == policy_kind::long_lived) {
        p.max_age = std::chrono::hours(24 * 366 * 10);
        p.future_leeway = std::chrono::seconds(0);
    } else if (kind == policy_kind::nonce) {
        p.accept_nonce = [](std::string_view n) { return n == accepted_nonce; };
    }
    return p;
}

/// A failure is always one of jot's codes, and never an internal crypto failure on fuzzed input.
template <class T>
void check_failure(const jot::result<T>& r) {
    if (!r && (r.error().category() != jot::error_category() || r.error() == jot::errc::crypto_failure))
        std::abort();
}

/// Verifies `proof` for `req` under a fresh verifier of `kind`; on success checks that the proof's claims are
/// the request's, within the policy, and that the same proof is then refused as a replay.
std::optional<dpop::verified_proof> check(policy_kind kind, std::string_view proof, const dpop::request& req) {
    const dpop::proof_policy policy = policy_of(kind);
    const dpop::basic_proof_verifier<jot::fixed_clock> v(policy, fixed_now());
    auto r = v.verify(proof, req);
    check_failure(r);
    const auto expected_uri = dpop::detail::normalise_uri(req.uri);
    if (!expected_uri && (r || r.error() != jot::errc::invalid_argument)) std::abort();
    if (!r) return std::nullopt;

    const auto now = jot::numeric_date(std::chrono::seconds(now_seconds));
    const auto got_uri = dpop::detail::normalise_uri(r->htu);
    if (r->htm != req.method || !got_uri || *got_uri != *expected_uri || r->jti.empty()) std::abort();
    if (jot::family_of(r->alg) == jot::algorithm_family::hmac) std::abort();
    if (r->issued_at > now + policy.future_leeway || now - r->issued_at > policy.max_age) std::abort();
    if (!req.access_token.empty() && r->jkt != req.bound_jkt) std::abort();
    if (kind == policy_kind::nonce ? r->nonce != accepted_nonce : !r->nonce.empty()) std::abort();

    auto again = v.verify(proof, req);
    if (again || again.error() != jot::errc::token_replayed) std::abort();
    return std::move(*r);
}

/// The URI normalisation is idempotent, and a proof jot makes for the URI verifies for it.
void check_uri(std::string_view uri) {
    const auto n = dpop::detail::normalise_uri(uri);
    if (!n) return;
    const auto twice = dpop::detail::normalise_uri(*n);
    if (!twice || *twice != *n) std::abort();

    dpop::proof_options o;
    o.access_token = access_token;
    o.jti = "round-trip";
    o.issued_at = fixed_now().at;
    auto proof = dpop::make_proof(client().key, "GET", uri, o);
    if (!proof) {
        // "htu" is a JSON string: the URI's path may hold octets that are no UTF-8.
        if (proof.error() != jot::errc::invalid_utf8) std::abort();
        return;
    }
    const auto r = check(policy_kind::defaults, *proof, {"GET", uri, access_token, client().jkt});
    if (!r || r->jkt != client().jkt || r->jti != o.jti) std::abort();
}

void run(std::string_view proof, std::string_view uri) {
    check(policy_kind::defaults, proof, {"GET", uri, {}, {}});
    check(policy_kind::defaults, proof, {"GET", uri, access_token, client().jkt});
    check(policy_kind::defaults, proof, {"POST", uri, {}, {}});
    check(policy_kind::long_lived, proof, {"GET", uri, {}, {}});
    check(policy_kind::long_lived, proof, {"POST", uri, {}, {}});
    check(policy_kind::nonce, proof, {"GET", uri, access_token, client().jkt});
}

} // namespace

#ifndef JOT_FUZZ_WRITE_SEEDS
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const std::size_t newline = input.find('\n');
    if (newline == std::string_view::npos) {
        run(input, request_uri);
        return 0;
    }
    // The round trip signs a proof: only for a fuzzed URI, as for request_uri its result never changes.
    run(input.substr(0, newline), input.substr(newline + 1));
    check_uri(input.substr(newline + 1));
    return 0;
}
#else
#include <fstream>
#include <iterator>

#include <nlohmann/json.hpp>

namespace {
/// Writes one seed, the proof and, unless it is request_uri, '\n' and the URI; checks that it verifies under
/// one of run()'s requests when `must_verify`.
void write_seed(const std::string& dir, const std::string& name, const std::string& proof, std::string_view uri,
                bool must_verify) {
    std::string seed = proof;
    if (uri != request_uri) seed.append(1, '\n').append(uri);
    std::ofstream(dir + "/" + name, std::ios::binary) << seed;
    run(proof, uri);
    check_uri(uri);
    if (!must_verify) return;
    if (!check(policy_kind::defaults, proof, {"GET", uri, {}, {}}) &&
        !check(policy_kind::defaults, proof, {"GET", uri, access_token, client().jkt}) &&
        !check(policy_kind::defaults, proof, {"POST", uri, {}, {}}) &&
        !check(policy_kind::long_lived, proof, {"POST", uri, {}, {}}) &&
        !check(policy_kind::nonce, proof, {"GET", uri, access_token, client().jkt}))
        std::abort();
}

std::string make(const jot::private_key& key, std::string_view method, std::string_view uri,
                 std::string_view token = {}, std::string_view nonce = {}) {
    dpop::proof_options o;
    o.access_token = token;
    o.nonce = nonce;
    o.jti = "seed-" + std::string(method) + "-" + std::to_string(uri.size());
    o.issued_at = fixed_now().at;
    return dpop::make_proof(key, method, uri, o).value();
}
} // namespace

int main(int argc, char** argv) {
    if (argc != 3) return 2;
    const std::string out = argv[1];
    const auto& es = client().key;
    const auto ed = jot::private_key::from_pem(jot::algorithm::eddsa, jot_fuzz::keys::ed25519).value();
    const auto ps = jot::private_key::from_pem(jot::algorithm::ps256, jot_fuzz::keys::rsa).value();
    const std::string odd_uri = "HTTPS://Resource.Example.ORG:0443/protected%7eresource?q=1#frag";

    write_seed(out, "get-es256", make(es, "GET", request_uri), request_uri, true);
    write_seed(out, "get-es256-token", make(es, "GET", request_uri, access_token), request_uri, true);
    write_seed(out, "get-es256-nonce", make(es, "GET", request_uri, access_token, accepted_nonce), request_uri, true);
    write_seed(out, "get-eddsa", make(ed, "GET", request_uri), request_uri, true);
    write_seed(out, "post-ps256", make(ps, "POST", request_uri), request_uri, true);
    write_seed(out, "uri-normalised", make(es, "GET", odd_uri), "https://resource.example.org/protected~resource",
               true);
    write_seed(out, "uri-ipv6-port", make(es, "GET", "http://[::1]:8080/a%2fb"), "http://[::1]:8080/a%2Fb?x", true);

    // RFC 9449 §4.1 and §7.1: their own key and times (July 2019, within the long-lived policy's max_age).
    std::ifstream in(argv[2]);
    const auto rfc = nlohmann::json::parse(std::string(std::istreambuf_iterator<char>(in), {}));
    for (const char* name : {"token_request", "resource_request"}) {
        const auto& e = rfc[name];
        write_seed(out, std::string("rfc9449-") + name, e["proof"].get<std::string>(), e["uri"].get<std::string>(),
                   std::string_view(name) == "token_request");
    }
    return 0;
}
#endif
