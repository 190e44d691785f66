// SPDX-License-Identifier: MIT
// The verifier: an immutable, thread-safe policy that turns a compact JWS into a verified token or an errc.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "algorithm.hpp"
#include "base64url.hpp"
#include "bytes.hpp"
#include "claims.hpp"
#include "clock.hpp"
#include "detail/ascii.hpp"
#include "detail/claim_facts.hpp"
#include "detail/diagnose.hpp"
#include "detail/header_facts.hpp"
#include "detail/json_scan.hpp"
#include "detail/key_selection.hpp"
#include "detail/token_cache.hpp"
#include "detail/user_code.hpp"
#include "detail/verifier_settings.hpp"
#include "diagnostic.hpp"
#include "error.hpp"
#include "header.hpp"
#include "jti_store.hpp"
#include "result.hpp"
#include "token.hpp"
// The builder comes with the verifier: `#include <jot/verifier.hpp>` gives both.
#include "verifier_builder.hpp"

namespace jot {

template <class Json, class Clock>
class basic_verifier_builder;

namespace detail {

/// True when basic_verifier<Json> verifies through DOMs rather than json_scanner: for Json types the scanner
/// does not mirror. The differential fuzzer specialises it for a second, otherwise identical nlohmann type, so
/// both paths run on the same bytes and must agree.
template <class Json>
struct verify_through_dom : std::bool_constant<!is_scannable_json<Json>::value> {};

/// Longest JOSE header decoded on the stack; a longer one is decoded into the heap.
inline constexpr std::size_t header_stack_octets = 512;

} // namespace detail

/// An immutable, thread-safe verifier: made by basic_verifier_builder::build(), used by calling verify().
template <class Json = nlohmann::json, class Clock = std::chrono::system_clock>
class basic_verifier {
public:
    using json_type = Json;
    using token_type = basic_verified_token<Json>;
    using claims_type = basic_claims<Json>;

    /// Verifies a compact JWT and applies the policy: on success returns the verified token.
    ///
    /// Order: size and shape, header (strict JSON, "alg", "crit"), key choice by "alg" and "kid", signature,
    /// and only then the payload is decoded and parsed, then "typ" and the claims are checked.
    /// Errors: any malformed condition code; unsecured_token, unsupported_algorithm, algorithm_not_allowed,
    /// key_not_found, crit_unsupported, signature_invalid, signature_length_invalid; token_expired,
    /// token_not_yet_valid, issued_in_future, token_too_old, expiration_missing, claim_missing,
    /// issuer_mismatch, audience_mismatch, audience_unexpected, subject_mismatch, type_mismatch,
    /// claim_mismatch, claim_predicate_failed; nested_token_unsupported ("cty":"JWT"); with revocation():
    /// token_revoked, jti_store_unavailable (store failure under store_failure::reject); callback_failed when
    /// code the caller plugged in (a key_source, a verification_key of its own, a predicate, a token hook, the
    /// clock) throws: no exception of theirs leaves verify().
    ///
    /// With a cache (basic_verifier_builder::cache), a token accepted before is found by a keyed hash of its
    /// exact bytes; "exp", "nbf", "iat" (and max_age) are checked against the clock again, the custom checks
    /// (require_claim, expect_claim, expect, expect_token) run again, the jti_store of revocation() is asked
    /// again, and the signature and the rest of the policy are not redone.
    result<token_type> verify(std::string_view token) const {
        if (s_.cache) return verify_cached(token);
        return verify_uncached(token, nullptr);
    }

    /// verify(token), and on failure `why` says which check failed, what the token had and what was
    /// expected (jot::diagnostic; cleared on success). Worked out only after a failure, by reading the token
    /// again, so an accepted token costs what verify(token) costs. Same errors as verify(token).
    result<token_type> verify(std::string_view token, diagnostic& why) const {
        auto r = verify(token);
        why = r ? diagnostic() : detail::diagnose(s_, token, r.error());
        return r;
    }

    /// Every check `token` fails, not only the first: empty when verify(token) accepts it. The signature is
    /// checked against the fixed keys and the key source's current keys (no refresh); custom checks and the
    /// jti_store are only reported when they gave verify(token)'s error, as they run after every other check.
    std::vector<diagnostic> explain(std::string_view token) const {
        auto r = verify(token);
        return r ? std::vector<diagnostic>() : detail::explain(s_, token, r.error());
    }

    /// Empties the verified-token cache, if the verifier has one (e.g. after revoking a token elsewhere).
    void clear_cache() const {
        if (s_.cache) s_.cache->clear();
    }

private:
    friend class basic_verifier_builder<Json, Clock>;

    using settings = detail::verifier_settings<Json, Clock>;

    explicit basic_verifier(settings s) : s_(std::move(s)) {}

    detail::claim_expectations expectations() const noexcept {
        return {&s_.issuers, &s_.audiences, s_.has_subject ? &s_.subject : nullptr};
    }

    result<token_type> verify_cached(std::string_view token) const {
        // The size bound comes first, so an oversized token is not even hashed.
        if (token.size() > s_.decode.max_token_size) return errc::token_too_large;
        std::shared_ptr<const key_list> keys;
        if (s_.source) {
            auto current = detail::source_keys(*s_.source);
            if (!current) return current.error();
            keys = std::move(*current);
            s_.cache->observe_keys(keys);
        }
        typename detail::token_cache<token_type>::digest d;
        if (!s_.cache->digest_of(token, d)) return verify_uncached(token, nullptr);
        if (auto hit = s_.cache->find(d, keys.get())) {
            if (auto r = check_times(hit->times); !r) {
                s_.cache->erase(d);
                return r.error();
            }
            if (auto r = run_checks(hit->token); !r) return r.error();
            if (s_.revocation) {
                // Asked on every hit, so a revocation made on another instance is never hidden by the cache.
                auto jti = hit->token.claims().id();
                if (auto r = check_revoked(jti.has_value(), jti ? *jti : std::string_view()); !r) return r.error();
            }
            return std::move(hit->token);
        }
        detail::time_claims times;
        auto r = verify_uncached(token, &times);
        if (r) s_.cache->insert(d, *r, times, std::move(keys));
        return r;
    }

    result<token_type> verify_uncached(std::string_view token, detail::time_claims* times) const {
        if constexpr (!detail::verify_through_dom<Json>::value) return verify_scanned(token, times);
        else return verify_dom(token, times);
    }

    /// verify() without DOMs: the header and the payload are each read once by json_scanner, which reports
    /// the registered members; the token keeps the decoded text and builds DOMs only when they are read.
    result<token_type> verify_scanned(std::string_view token, detail::time_claims* times) const {
        auto parts = detail::split_compact(token, s_.decode, /*allow_empty_signature=*/true);
        if (!parts) return parts.error();

        std::uint8_t small[detail::header_stack_octets];
        std::string big;
        std::uint8_t* hbuf = small;
        if (parts->header.size() % 4 != 1 && base64url::decoded_size(parts->header.size()) > sizeof small) {
            big.resize(base64url::decoded_size(parts->header.size()));
            hbuf = reinterpret_cast<std::uint8_t*>(&big[0]);
        }
        auto hn = base64url::decode_into(parts->header, hbuf);
        if (!hn) return hn.error();
        const std::string_view htext(reinterpret_cast<const char*>(hbuf), *hn);
        detail::json_scanner hscan(s_.decode.max_json_depth);
        detail::header_facts hf;
        if (const errc e = hscan.scan(htext, hf); e != errc{}) return e;
        if (auto r = hf.check_registered(); !r) return r.error();
        if (hf.alg_error) return hf.alg_error;
        if (auto r = check_extensions(hf, [&hscan](std::string_view n) { return hscan.has_member(n); }); !r)
            return r.error();
        if (auto r = check_signature(*parts, hf, hf.alg_value); !r) return r.error();

        // One buffer holds both texts for the token's lifetime; the payload is decoded straight into it.
        auto data = std::make_shared<detail::token_data<Json>>(s_.decode.max_json_depth);
        std::string& text = data->text();
        const std::size_t plen =
            parts->payload.size() % 4 == 1 ? 0 : base64url::decoded_size(parts->payload.size());
        text.resize(htext.size() + plen);
        if (!htext.empty()) std::memcpy(&text[0], htext.data(), htext.size());
        auto pn = base64url::decode_into(parts->payload, reinterpret_cast<std::uint8_t*>(&text[0] + htext.size()));
        if (!pn) return pn.error();
        text.resize(htext.size() + *pn);
        data->set_header_size(htext.size());

        detail::json_scanner pscan(s_.decode.max_json_depth);
        detail::claims_collector<Json> collected(expectations());
        if (const errc e = pscan.scan(data->payload_text(), collected); e != errc{}) return e;
        if (auto r = check_type(hf); !r) return r.error();
        if (auto r = check_claims(collected.facts); !r) return r.error();
        auto tok = detail::verified_token_access::make<Json>(std::move(data), hf.alg_value);
        if (auto r = run_checks(tok); !r) return r.error();
        if (auto r = check_revoked(collected.facts.jti == detail::member_state::valid, collected.facts.jti_value); !r)
            return r.error();
        if (times) *times = collected.facts.times;
        return tok;
    }

    /// verify() through DOMs, for Json types json_scanner does not mirror (other number or string types).
    result<token_type> verify_dom(std::string_view token, detail::time_claims* times) const {
        auto parts = detail::split_compact(token, s_.decode, /*allow_empty_signature=*/true);
        if (!parts) return parts.error();

        auto hjson = detail::decode_json_segment<Json>(parts->header, s_.decode);
        if (!hjson) return hjson.error();
        auto hdr = basic_header<Json>::from_json(std::move(*hjson));
        if (!hdr) return hdr.error();
        const auto hf = detail::header_facts::of(*hdr);
        if (auto r = hf.check_registered(); !r) return r.error();
        if (hf.alg_error) return hf.alg_error;
        if (auto r = check_extensions(hf, [&hdr](std::string_view n) { return hdr->contains(n); }); !r)
            return r.error();

        if (auto r = check_signature(*parts, hf, hf.alg_value); !r) return r.error();

        auto pjson = detail::decode_json_segment<Json>(parts->payload, s_.decode);
        if (!pjson) return pjson.error();
        auto cl = basic_claims<Json>::from_json(std::move(*pjson));
        if (!cl) return cl.error();
        if (auto r = check_type(hf); !r) return r.error();
        const auto facts = detail::claims_collector<Json>::of(*cl, expectations());
        if (auto r = check_claims(facts); !r) return r.error();
        auto tok = detail::verified_token_access::make<Json>(std::move(*hdr), std::move(*cl), hf.alg_value);
        if (auto r = run_checks(tok); !r) return r.error();
        if (auto r = check_revoked(facts.jti == detail::member_state::valid, facts.jti_value); !r) return r.error();
        if (times) *times = facts.times;
        return tok;
    }

    /// What the header asks of the recipient beyond JWS itself: "crit" extensions, and a nested JWT announced
    /// by "cty":"JWT" (RFC 7519 §5.2; compared as a media type, so "jwt" and "application/JWT" count), whose
    /// payload is another token, never a claim set to read (RFC 7519 §7.2 step 8).
    template <class HasMember>
    static result<void> check_extensions(const detail::header_facts& h, HasMember&& has_member) {
        if (h.crit != detail::member_state::absent) {
            if (h.crit == detail::member_state::wrong_type || h.crit_names.empty()) return errc::crit_invalid;
            for (std::string_view n : h.crit_names)
                if (detail::is_registered_header_name(n) || !has_member(n)) return errc::crit_invalid;
            // A syntactically valid "crit" names extensions that the recipient must understand; jot implements
            // none (RFC 7797 "b64" included), so it must reject the token (RFC 7515 §4.1.11).
            return errc::crit_unsupported;
        }
        if (h.cty == detail::member_state::valid && detail::media_type_equal(h.cty_value, "JWT"))
            return errc::nested_token_unsupported;
        return {};
    }

    result<void> check_signature(const detail::compact_parts& p, const detail::header_facts& h, algorithm alg) const {
        // Only "alg":"none" may have an empty signature, and it was refused before we got here.
        if (p.signature.empty()) return errc::empty_segment;
        if (p.signature.size() > base64url::encoded_size(detail::max_signature_octets))
            return errc::signature_length_invalid;
        std::uint8_t sig[detail::max_signature_octets];
        auto n = base64url::decode_into(p.signature, sig);
        if (!n) return n.error();
        const bytes_view sv(sig, *n);

        const bool has_kid = h.kid == detail::member_state::valid;
        return detail::verify_with_keys(s_.keys, s_.source.get(), alg, has_kid ? h.kid_value : std::string_view(),
                                        has_kid, p.signing_input, sv);
    }

    result<void> check_type(const detail::header_facts& h) const {
        if (s_.ignore_type) return {};
        const bool has_typ = h.typ == detail::member_state::valid;
        if (s_.types.empty()) {
            // RFC 8725 §3.11: with no expected type, only a plain JWT (or no typ at all) is accepted, so a
            // token minted for another purpose (at+jwt, secevent+jwt, ...) is not taken for a generic one.
            if (!has_typ || detail::media_type_equal(h.typ_value, "JWT")) return {};
            return errc::type_mismatch;
        }
        if (!has_typ) return errc::type_mismatch;
        for (const auto& t : s_.types)
            if (detail::media_type_equal(h.typ_value, t)) return {};
        return errc::type_mismatch;
    }

    /// The registered claims, in basic_claims::check_registered_types order, then the time claims, then
    /// iss, aud and sub against the expectations.
    result<void> check_claims(const detail::claim_facts& c) const {
        using detail::member_state;
        if (c.iss == member_state::wrong_type || c.sub == member_state::wrong_type ||
            c.jti == member_state::wrong_type || c.aud == member_state::wrong_type)
            return errc::claim_wrong_type;
        for (const detail::date_claim* d : {&c.times.exp, &c.times.nbf, &c.times.iat})
            if (d->present && d->error) return d->error;
        if (auto r = check_times(c.times); !r) return r.error();

        if (!s_.issuers.empty()) {
            if (c.iss == member_state::absent) return errc::claim_missing;
            if (!c.iss_expected) return errc::issuer_mismatch;
        }
        if (!s_.audiences.empty()) {
            if (c.aud == member_state::absent) return errc::claim_missing;
            if (!c.aud_expected) return errc::audience_mismatch;
        } else if (!s_.ignore_audience && c.aud != member_state::absent) {
            return errc::audience_unexpected;
        }
        if (s_.has_subject) {
            if (c.sub == member_state::absent) return errc::claim_missing;
            if (!c.sub_expected) return errc::subject_mismatch;
        }
        if (s_.require_jti && c.jti == member_state::absent) return errc::claim_missing;
        return {};
    }

    /// The jti_store's word, asked last so a forged, expired or otherwise refused token never costs a store
    /// round trip. A token without "jti" cannot be revoked (require_jti() refuses such tokens). A store that
    /// fails or throws is decided by revocation_options::on_failure.
    result<void> check_revoked(bool has_jti, std::string_view jti) const {
        if (!s_.revocation || !has_jti) return {};
        const result<bool> revoked =
            detail::call_user_code([&] { return s_.revocation->is_revoked(s_.revocation_opts.purpose, jti); },
                                   [] { return result<bool>(errc::jti_store_unavailable); });
        if (!revoked) {
            if (s_.revocation_opts.on_failure == store_failure::accept) return {};
            return errc::jti_store_unavailable;
        }
        if (*revoked) return errc::token_revoked;
        return {};
    }

    /// exp, nbf, iat and max_age against the clock (also on every cache hit).
    result<void> check_times(const detail::time_claims& t) const {
        bool threw = false;
        const auto clock_now = detail::call_user_code([this] { return s_.clock.now(); },
                                                      [&threw] {
                                                          threw = true;
                                                          return decltype(s_.clock.now())();
                                                      });
        if (threw) return errc::callback_failed;
        const numeric_date now = std::chrono::time_point_cast<std::chrono::microseconds>(clock_now);
        // Two tolerances: accepting a genuine token a little early (its issuer's clock runs ahead) costs
        // nothing, accepting it late extends its life; so the future side has a default and the expiry side
        // none (verifier_builder::future_leeway, expiry_leeway).
        const auto late = s_.expiry_leeway;
        const auto early = s_.future_leeway;
        if (t.exp.present) {
            if (now >= t.exp.value + late) return errc::token_expired;
        } else if (!s_.allow_missing_exp) {
            return errc::expiration_missing;
        }
        if (t.nbf.present && now + early < t.nbf.value) return errc::token_not_yet_valid;
        if (t.iat.present) {
            if (t.iat.value > now + early) return errc::issued_in_future;
            if (s_.has_max_age && now - t.iat.value > s_.max_age + late) return errc::token_too_old;
        } else if (s_.has_max_age) {
            return errc::claim_missing;
        }
        return {};
    }

    /// The custom checks (detail::verifier_settings::check), in the order they were added, on a verification
    /// and on a cache hit alike. The DOMs are built here (once per token) only when the verifier has such
    /// checks. A throw is errc::callback_failed (detail/user_code.hpp).
    result<void> run_checks(const token_type& tok) const {
        if (s_.checks.empty()) return {};
        const auto& h = tok.header();
        const auto& c = tok.claims();
        for (const auto& check : s_.checks) {
            const std::error_code ec = detail::call_user_code([&] { return check(h, c); },
                                                              [] { return make_error_code(errc::callback_failed); });
            if (ec) return ec;
        }
        return {};
    }

    settings s_;
};

/// The verifier over nlohmann::json and the system clock.
using verifier = basic_verifier<nlohmann::json, std::chrono::system_clock>;

} // namespace jot
