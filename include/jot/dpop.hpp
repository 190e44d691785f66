// SPDX-License-Identifier: MIT
// DPoP (RFC 9449): proofs of possession made by a client, checked by a resource server, and its HTTP challenges.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>
#include <openssl/rand.h>

#include "algorithm.hpp"
#include "base64url.hpp"
#include "bearer.hpp"
#include "builder.hpp"
#include "claims.hpp"
#include "clock.hpp"
#include "dpop_http.hpp"
#include "detail/ascii.hpp"
#include "detail/dpop_request.hpp"
#include "detail/json_dom.hpp"
#include "detail/json_get.hpp"
#include "detail/user_code.hpp"
#include "error.hpp"
#include "header.hpp"
#include "jti_store.hpp"
#include "jwk.hpp"
#include "numeric_date.hpp"
#include "private_key.hpp"
#include "public_key.hpp"
#include "result.hpp"
#include "token.hpp"

/// DPoP, RFC 9449: an access token bound to a key the client holds, and the per-request proofs that show it.
namespace jot::dpop {

/// The "typ" of every DPoP proof (RFC 9449 §4.2).
inline constexpr std::string_view proof_type = "dpop+jwt";

/// The "ath" value for `access_token`: base64url of the SHA-256 of its ASCII octets (RFC 9449 §4.2).
/// Errors: errc::crypto_failure.
inline result<std::string> access_token_hash(std::string_view access_token) {
    return jot::detail::jwk::sha256_b64(access_token);
}

/// A fresh server nonce (RFC 9449 §8): 128 random bits, base64url. Errors: errc::crypto_failure.
inline result<std::string> make_nonce() { return detail::random_b64(16); }

/// What a proof carries beyond the request's method and URI.
struct proof_options {
    /// The access token the request presents; when set, the proof carries its hash as "ath" (RFC 9449 §4.2).
    std::string_view access_token;
    /// The last nonce the server gave in a DPoP-Nonce header, sent back as "nonce" (RFC 9449 §8, §9).
    std::string_view nonce;
    /// The proof's "jti"; empty for 128 random bits (RFC 9449 §4.2 asks for at least 96).
    std::string jti;
    /// The proof's "iat"; the system clock when not set.
    std::optional<std::chrono::system_clock::time_point> issued_at;
};

/// Makes a DPoP proof (RFC 9449 §4.2) for one request: header "typ":"dpop+jwt", "alg" of `key` (the key decides
/// the algorithm), "jwk" the public key's required members only (RFC 7638 §3.2 set: never a private member,
/// and no "kid"); claims "jti", "htm" `method`, "htu" `uri` without its query and fragment, "iat", and "ath" and
/// "nonce" when `opts` has them. Errors: errc::invalid_argument (a method that is not an HTTP token, a URI that
/// is not absolute http or https), errc::crypto_failure, and the signer's errors.
inline result<std::string> make_proof(const private_key& key, std::string_view method, std::string_view uri,
                                      const proof_options& opts = {}) {
    if (!detail::is_method(method) || !detail::normalise_uri(uri)) return errc::invalid_argument;
    const std::string_view htu = uri.substr(0, uri.find_first_of("?#"));
    auto members = jot::detail::jwk::public_members(key.native_handle());
    if (!members) return members.error();
    nlohmann::json jwk = nlohmann::json::object();
    for (auto& [name, value] : *members) jwk[name] = std::move(value);

    std::string jti = opts.jti;
    if (jti.empty()) {
        auto r = detail::random_b64(16);
        if (!r) return r.error();
        jti = std::move(*r);
    }
    basic_builder<nlohmann::json> b;
    b.type(std::string(proof_type)).header_member("jwk", std::move(jwk));
    b.id(std::move(jti)).claim("htm", std::string(method)).claim("htu", std::string(htu));
    if (opts.issued_at) b.issued_at(std::chrono::floor<std::chrono::seconds>(*opts.issued_at));
    else b.issued_now();
    if (!opts.access_token.empty()) {
        auto ath = access_token_hash(opts.access_token);
        if (!ath) return ath.error();
        b.claim("ath", std::move(*ath));
    }
    if (!opts.nonce.empty()) b.claim("nonce", std::string(opts.nonce));
    return b.sign(detail::without_kid(key));
}

/// The request a proof is checked against.
struct request {
    std::string_view method;        ///< the HTTP method, compared exactly with "htm"
    std::string_view uri;           ///< the absolute URI of the request as the server was reached (query ignored)
    /// The access token presented with the proof ("Authorization: DPoP <token>"); empty for a request without one
    /// (e.g. to a token endpoint). When set, "ath" must be its hash and `bound_jkt` the proof key's thumbprint.
    std::string_view access_token;
    /// The access token's confirmation, "cnf"."jkt" (RFC 9449 §6.1): see confirmation_thumbprint().
    std::string_view bound_jkt;
};

/// What a resource server accepts in proofs. Defaults are written next to each field.
struct proof_policy {
    /// The "alg" values accepted: asymmetric only (RFC 9449 §4.3 step 5); an HS* entry is never honoured.
    std::vector<algorithm> algorithms = {algorithm::es256, algorithm::es384, algorithm::es512, algorithm::ps256,
                                         algorithm::ps384, algorithm::ps512, algorithm::rs256, algorithm::rs384,
                                         algorithm::rs512, algorithm::eddsa, algorithm::ed25519, algorithm::ed448};
    /// How old a proof may be: now - iat at most this (RFC 9449 §4.3 step 11, §11.1).
    std::chrono::seconds max_age{60};
    /// How far ahead of the server's clock "iat" may be (the client's clock running ahead).
    std::chrono::seconds future_leeway{5};
    /// Where used "jti" values are kept until the proof is too old anyway (RFC 9449 §11.1); an in-memory store
    /// of the verifier's clock when null. Share one store (e.g. jot::redis) across the instances of a service.
    std::shared_ptr<jti_store> replay_store;
    /// The store's namespace for proof ids.
    std::string replay_purpose = "dpop";
    /// When set, every proof must carry a "nonce" this function accepts (RFC 9449 §9): the server's current
    /// nonce, say. It must not throw (a throw is errc::callback_failed).
    std::function<bool(std::string_view)> accept_nonce;
    /// Longest proof read, in octets.
    std::size_t max_proof_size = 8 * 1024;
};

/// A proof that passed every check of RFC 9449 §4.3.
struct verified_proof {
    jot::algorithm alg;  ///< the proof's algorithm
    std::string jkt;     ///< RFC 7638 SHA-256 thumbprint of the proof key (what "cnf"."jkt" binds, RFC 9449 §6.1)
    std::string jti;     ///< the proof's id, now recorded as used
    std::string htm;     ///< the method it was made for
    std::string htu;     ///< the URI it was made for, as written in the proof
    numeric_date issued_at;  ///< its "iat"
    std::string nonce;   ///< its "nonce", empty when it has none
};

/// The "cnf"."jkt" of a verified access token (RFC 9449 §6.1), a view into its claims.
/// Errors: errc::dpop_token_unbound (no "cnf", or a "cnf" without "jkt"), errc::claim_wrong_type ("cnf" not an
/// object, "jkt" not a string).
template <class Json>
result<std::string_view> confirmation_thumbprint(const basic_verified_token<Json>& access_token) {
    const Json* cnf = access_token.claims().find("cnf");
    if (!cnf) return errc::dpop_token_unbound;
    if (!jot::detail::json_is_object(*cnf)) return errc::claim_wrong_type;
    const Json* jkt = jot::detail::find_member(*cnf, "jkt");
    if (!jkt) return errc::dpop_token_unbound;
    if (!jot::detail::json_is_string(*jkt)) return errc::claim_wrong_type;
    return jot::detail::json_string(*jkt);
}

/// Refuses a DPoP-bound access token presented with the Bearer scheme (RFC 9449 §7.2: the binding would
/// otherwise be skipped by simply not sending a proof). Errors: errc::dpop_token_as_bearer.
template <class Json>
result<void> check_presented_as_bearer(const basic_verified_token<Json>& access_token) {
    const Json* cnf = access_token.claims().find("cnf");
    if (cnf && jot::detail::find_member(*cnf, "jkt")) return errc::dpop_token_as_bearer;
    return {};
}

/// A resource server's (or authorization server's) DPoP proof check: immutable after construction and
/// thread-safe (the replay store is).
template <class Clock = std::chrono::system_clock>
class basic_proof_verifier {
    static_assert(jot::detail::is_jot_clock<Clock>::value,
                  "a jot clock needs now() returning a std::chrono::system_clock time point");

public:
    explicit basic_proof_verifier(proof_policy policy = {}, Clock clock = Clock{})
        : policy_(std::move(policy)), clock_(std::move(clock)) {
        if (!policy_.replay_store) policy_.replay_store = std::make_shared<basic_memory_jti_store<Clock>>(100000, clock_);
    }

    /// Runs every check of RFC 9449 §4.3 on `proof` for `req`, in this order:
    /// 1. the proof is at most policy.max_proof_size octets (errc::token_too_large) and a compact JWS with JSON
    ///    object header and payload (the malformed codes of decode_unverified);
    /// 2. "typ" is "dpop+jwt" (errc::dpop_type_mismatch, also when absent); no "crit" (errc::crit_unsupported);
    /// 3. "alg" is an asymmetric algorithm of policy.algorithms (errc::dpop_algorithm_not_allowed; "none",
    ///    HS*, unknown names included);
    /// 4. "jwk" is a JSON object (errc::dpop_jwk_invalid) without private members (errc::dpop_jwk_private) that
    ///    makes a public key for "alg" (the public_key_from_jwk codes, e.g. errc::key_algorithm_mismatch);
    /// 5. the signature verifies under that key (errc::signature_invalid, errc::signature_length_invalid);
    /// 6. "jti", "htm", "htu", "iat" present (errc::claim_missing) and of their types (errc::claim_wrong_type,
    ///    errc::numeric_date_out_of_range);
    /// 7. "htm" equals req.method (errc::dpop_method_mismatch); "htu" equals req.uri once both are normalised
    ///    (see detail::normalise_uri; errc::dpop_url_mismatch, also for an htu that is no http(s) URI);
    /// 8. with policy.accept_nonce: "nonce" present (errc::dpop_nonce_required) and accepted
    ///    (errc::dpop_nonce_mismatch);
    /// 9. "iat" at most policy.max_age old (errc::dpop_proof_too_old) and at most policy.future_leeway ahead
    ///    (errc::dpop_issued_in_future);
    /// 10. with req.access_token: "ath" present (errc::claim_missing) and equal to its hash
    ///    (errc::dpop_ath_mismatch); req.bound_jkt set (errc::dpop_token_unbound) and equal to the proof key's
    ///    RFC 7638 thumbprint (errc::dpop_key_mismatch);
    /// 11. "jti" not used before by the same key within the window (errc::token_replayed), recorded through the
    ///    replay store last, so a refused proof never fills it (errc::jti_store_unavailable, jti_store_full).
    /// errc::invalid_argument when req.method or req.uri cannot be read; errc::callback_failed when the clock or
    /// accept_nonce throws.
    result<verified_proof> verify(std::string_view proof, const request& req) const {
        const auto expected_uri = detail::normalise_uri(req.uri);
        if (!expected_uri || !detail::is_method(req.method)) return errc::invalid_argument;
        decode_options limits;
        limits.max_token_size = policy_.max_proof_size;
        auto parts = jot::detail::split_compact(proof, limits);
        if (!parts) return parts.error();
        auto hjson = jot::detail::decode_json_segment<nlohmann::json>(parts->header, limits);
        if (!hjson) return hjson.error();
        const nlohmann::json& h = *hjson;

        const nlohmann::json* typ = jot::detail::find_member(h, "typ");
        if (!typ || !typ->is_string() || !jot::detail::iequals(typ->get_ref<const std::string&>(), proof_type))
            return errc::dpop_type_mismatch;
        if (jot::detail::find_member(h, "crit")) return errc::crit_unsupported;
        const nlohmann::json* alg_json = jot::detail::find_member(h, "alg");
        if (!alg_json) return errc::header_missing_alg;
        if (!alg_json->is_string()) return errc::header_invalid_member;
        const auto alg = algorithm_from_string(alg_json->get_ref<const std::string&>());
        if (!alg || family_of(*alg) == algorithm_family::hmac || !allowed(*alg))
            return errc::dpop_algorithm_not_allowed;

        const nlohmann::json* jwk = jot::detail::find_member(h, "jwk");
        if (!jwk || !jwk->is_object()) return errc::dpop_jwk_invalid;
        for (auto it = jwk->begin(); it != jwk->end(); ++it)
            if (detail::is_private_jwk_member(it.key())) return errc::dpop_jwk_private;
        auto key = public_key_from_jwk(*jwk, *alg);
        if (!key) return key.error();

        auto sig = base64url::decode<std::string>(parts->signature);
        if (!sig) return sig.error();
        if (auto r = key->verify(parts->signing_input, bytes_view(sig->data(), sig->size())); !r) return r.error();

        auto pjson = jot::detail::decode_json_segment<nlohmann::json>(parts->payload, limits);
        if (!pjson) return pjson.error();
        auto claims = jot::claims::from_json(std::move(*pjson));
        if (!claims) return claims.error();
        auto jti = claims->get<std::string_view>("jti");
        if (!jti) return jti.error();
        if (jti->empty()) return errc::claim_missing;
        auto htm = claims->get<std::string_view>("htm");
        if (!htm) return htm.error();
        auto htu = claims->get<std::string_view>("htu");
        if (!htu) return htu.error();
        auto iat = claims->issued_at();
        if (!iat) return iat.error();

        if (*htm != req.method) return errc::dpop_method_mismatch;
        const auto got_uri = detail::normalise_uri(*htu);
        if (!got_uri || *got_uri != *expected_uri) return errc::dpop_url_mismatch;

        std::string nonce;
        if (policy_.accept_nonce) {
            auto n = claims->get<std::string_view>("nonce");
            if (!n && n.error() == errc::claim_missing) return errc::dpop_nonce_required;
            if (!n) return n.error();
            const auto accepted = jot::detail::call_user_code([&] { return result<bool>(policy_.accept_nonce(*n)); },
                                                              [] { return result<bool>(errc::callback_failed); });
            if (!accepted) return accepted.error();
            if (!*accepted) return errc::dpop_nonce_mismatch;
            nonce.assign(n->data(), n->size());
        }

        bool threw = false;
        const auto now_raw = jot::detail::call_user_code([this] { return clock_.now(); },
                                                         [&threw] {
                                                             threw = true;
                                                             return decltype(clock_.now())();
                                                         });
        if (threw) return errc::callback_failed;
        const numeric_date now = std::chrono::time_point_cast<std::chrono::microseconds>(now_raw);
        if (*iat > now + policy_.future_leeway) return errc::dpop_issued_in_future;
        if (now - *iat > policy_.max_age) return errc::dpop_proof_too_old;

        auto jkt = jwk_thumbprint(*key);
        if (!jkt) return jkt.error();
        if (!req.access_token.empty()) {
            auto ath = claims->get<std::string_view>("ath");
            if (!ath) return ath.error();
            auto expected = access_token_hash(req.access_token);
            if (!expected) return expected.error();
            if (*ath != *expected) return errc::dpop_ath_mismatch;
            if (req.bound_jkt.empty()) return errc::dpop_token_unbound;
            if (req.bound_jkt != *jkt) return errc::dpop_key_mismatch;
        }

        // The id is kept per key, so one client's ids never collide with another's; it need only outlive the
        // window in which the proof's age would let it through.
        std::string id = *jkt;
        id += '.';
        id.append(jti->data(), jti->size());
        const auto until = std::chrono::time_point_cast<std::chrono::system_clock::duration>(
            *iat + policy_.max_age + std::chrono::seconds(1));
        const result<bool> first = jot::detail::call_user_code(
            [&] { return policy_.replay_store->use_once(policy_.replay_purpose, id, until); },
            [] { return result<bool>(errc::jti_store_unavailable); });
        if (!first) return first.error();
        if (!*first) return errc::token_replayed;

        return verified_proof{*alg,
                              std::move(*jkt),
                              std::string(jti->data(), jti->size()),
                              std::string(htm->data(), htm->size()),
                              std::string(htu->data(), htu->size()),
                              *iat,
                              std::move(nonce)};
    }

    /// verify() for a request presenting `access_token`, already verified as `token` (any jot verifier): its
    /// "cnf"."jkt" is read with confirmation_thumbprint(). Errors: those of confirmation_thumbprint() and
    /// verify(); the token's binding is read before the proof, so an unbound token is reported as such.
    template <class Json>
    result<verified_proof> verify(std::string_view proof, std::string_view method, std::string_view uri,
                                  std::string_view access_token, const basic_verified_token<Json>& token) const {
        auto jkt = confirmation_thumbprint(token);
        if (!jkt) return jkt.error();
        return verify(proof, request{method, uri, access_token, *jkt});
    }

    /// The policy in force (with its replay store).
    const proof_policy& policy() const noexcept { return policy_; }

private:
    bool allowed(algorithm a) const noexcept {
        for (algorithm x : policy_.algorithms)
            if (x == a) return true;
        return false;
    }

    proof_policy policy_;
    Clock clock_;
};

/// The proof verifier on the system clock.
using proof_verifier = basic_proof_verifier<std::chrono::system_clock>;

/// The space-separated "alg" names of `policy`, for the "algs" challenge parameter (RFC 9449 §7.1).
inline std::string algs_of(const proof_policy& policy) {
    std::string out;
    for (algorithm a : policy.algorithms) {
        if (family_of(a) == algorithm_family::hmac) continue;
        if (!out.empty()) out += ' ';
        out += to_string(a);
    }
    return out;
}

} // namespace jot::dpop
