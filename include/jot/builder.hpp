// SPDX-License-Identifier: MIT
// The fluent token builder: registered and custom claims in, a signed compact JWT out.
#pragma once

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "base64url.hpp"
#include "claims.hpp"
#include "clock.hpp"
#include "detail/claim_registry.hpp"
#include "detail/header_registry.hpp"
#include "detail/json_dom.hpp"
#include "detail/json_write.hpp"
#include "detail/json_get.hpp"
#include "detail/user_code.hpp"
#include "detail/utf8.hpp"
#include "error.hpp"
#include "result.hpp"
#include "signer.hpp"

namespace jot {

namespace detail {

/// Appends the base64url signature of `signing_input` (already in `out`) made by `key`.
inline result<void> append_signature(std::string& out, const signer& key) {
    const std::size_t cap = key.max_signature_size();
    std::uint8_t small[512];
    std::vector<std::uint8_t> big;
    std::uint8_t* buf = small;
    if (cap > sizeof small) {
        big.resize(cap);
        buf = big.data();
    }
    // A signer of the caller's own (a KMS client, say) may throw: that is errc::callback_failed, not an escape.
    auto n = call_user_code([&] { return key.sign(std::string_view(out), buf, cap); },
                            [] { return result<std::size_t>(errc::callback_failed); });
    if (!n) return n.error();
    if (*n > cap) return errc::crypto_failure;
    out.push_back('.');
    base64url::encode_append(bytes_view(buf, *n), out);
    return {};
}

inline bool is_reserved_header_member(std::string_view name) noexcept { return name == "alg" || name == "kid"; }

/// True when `value` may be the registered claim `name` (detail::registered_claims, what
/// basic_claims::check_registered_types asks of it); true for every other name.
template <class Json>
bool registered_claim_type_ok(std::string_view name, const Json& value) {
    const registered_claim* c = find_registered_claim(name);
    return !c || check_claim_type(value, c->type) == errc{};
}

} // namespace detail

/// Signs a header and payload given as exact octets, for callers that must control every byte (test vectors,
/// JWS over non-JSON payloads). The header must be a JSON object whose "alg" is the key's algorithm.
/// Errors: errc::json_* / errc::invalid_utf8 for a bad header, errc::key_algorithm_mismatch when "alg"
/// differs from key.alg(), and the signer's errors.
inline result<std::string> sign_compact(std::string_view header_json, bytes_view payload, const signer& key) {
    auto h = detail::parse_object<nlohmann::json>(header_json, 32);
    if (!h) return h.error();
    std::string_view alg;
    if (!detail::find_string_member(*h, "alg", alg) || alg != to_string(key.alg())) return errc::key_algorithm_mismatch;
    std::string out;
    out.reserve(base64url::encoded_size(header_json.size()) + base64url::encoded_size(payload.size()) +
                base64url::encoded_size(key.max_signature_size()) + 2);
    base64url::encode_append(bytes_view(header_json.data(), header_json.size()), out);
    out.push_back('.');
    base64url::encode_append(payload, out);
    if (auto r = detail::append_signature(out, key); !r) return r.error();
    return out;
}

/// Builds and signs a JWT. Setters record claims; sign() writes "alg" and "kid" from the key (they cannot
/// be set by hand), "typ" defaults to "JWT", and the result is the compact serialization (RFC 7519 §7.1).
/// A setter given a value that cannot be right (e.g. a registered claim of the wrong JSON type through
/// claim()) does not throw: the first such problem is reported by sign().
template <class Json = nlohmann::json, class Clock = std::chrono::system_clock>
class basic_builder {
    static_assert(detail::is_jot_clock<Clock>::value,
                  "a jot clock needs now() returning a std::chrono::system_clock time point");
    static_assert(detail::is_json_backend<Json>::value, "basic_builder needs a JSON backend (json_traits.hpp)");
    using traits = json_traits<Json>;

public:
    using json_type = Json;

    basic_builder() = default;
    explicit basic_builder(Clock clock) : clock_(std::move(clock)) {}

    /// "iss" (RFC 7519 §4.1.1).
    basic_builder& issuer(const std::string& v) { return set("iss", traits::make_string(v)); }
    /// "sub" (RFC 7519 §4.1.2).
    basic_builder& subject(const std::string& v) { return set("sub", traits::make_string(v)); }
    /// "jti" (RFC 7519 §4.1.7).
    basic_builder& id(const std::string& v) { return set("jti", traits::make_string(v)); }
    /// "aud" as a single string (RFC 7519 §4.1.3).
    basic_builder& audience(const std::string& v) { return set("aud", traits::make_string(v)); }
    /// "aud" as an array of strings.
    basic_builder& audience(const std::vector<std::string>& v) {
        Json a = traits::make_array();
        for (const auto& s : v) traits::push_back(a, traits::make_string(s));
        return set("aud", std::move(a));
    }
    basic_builder& audience(std::initializer_list<std::string> v) {
        return audience(std::vector<std::string>(v));
    }

    /// "iat" at a given time (RFC 7519 §4.1.6).
    template <class Duration>
    basic_builder& issued_at(std::chrono::time_point<std::chrono::system_clock, Duration> t) {
        return set_date("iat", t);
    }
    /// "iat" set to the clock's current second.
    basic_builder& issued_now() { return set_date("iat", now_seconds()); }
    /// "exp" at a given time (RFC 7519 §4.1.4).
    template <class Duration>
    basic_builder& expires_at(std::chrono::time_point<std::chrono::system_clock, Duration> t) {
        return set_date("exp", t);
    }
    /// "exp" set to the clock's current second plus `d`.
    template <class Rep, class Period>
    basic_builder& expires_in(std::chrono::duration<Rep, Period> d) {
        return set_date("exp", now_seconds() + std::chrono::duration_cast<std::chrono::microseconds>(d));
    }
    /// "nbf" at a given time (RFC 7519 §4.1.5).
    template <class Duration>
    basic_builder& not_before(std::chrono::time_point<std::chrono::system_clock, Duration> t) {
        return set_date("nbf", t);
    }

    /// Any claim. A registered claim name (detail::registered_claims) with a value of the wrong type is
    /// errc::claim_not_serializable; a value holding an infinite or NaN number is errc::number_not_finite (JSON
    /// has no such number, and writing it as null would change the claim). Reported by sign().
    basic_builder& claim(std::string name, Json value) {
        if (!deferred_ && !detail::registered_claim_type_ok(name, value))
            deferred_ = make_error_code(errc::claim_not_serializable);
        if (!deferred_ && !detail::json_numbers_finite(value)) deferred_ = make_error_code(errc::number_not_finite);
        return set(std::move(name), std::move(value));
    }

    /// Header "typ" (RFC 7515 §4.1.9); "JWT" unless set, e.g. "at+jwt" for RFC 9068 access tokens.
    basic_builder& type(const std::string& v) { return header_member("typ", traits::make_string(v)); }
    /// Header "cty" (RFC 7515 §4.1.10).
    basic_builder& content_type(const std::string& v) { return header_member("cty", traits::make_string(v)); }
    /// Any other header member. "alg" and "kid" come from the key: naming them is errc::reserved_header_member.
    /// A registered member (detail::registered_header_members) of the wrong JSON type is
    /// errc::header_member_wrong_type, an infinite or NaN number errc::number_not_finite. Reported by sign().
    basic_builder& header_member(std::string name, Json value) {
        if (detail::is_reserved_header_member(name)) {
            if (!deferred_) deferred_ = make_error_code(errc::reserved_header_member);
            return *this;
        }
        if (const detail::registered_header_member* m = detail::find_registered_header(name))
            if (!deferred_ && !detail::has_header_member_type(value, m->type))
                deferred_ = make_error_code(errc::header_member_wrong_type);
        if (!deferred_ && !detail::json_numbers_finite(value)) deferred_ = make_error_code(errc::number_not_finite);
        traits::set_member(header_, name, std::move(value));
        return *this;
    }

    /// The claims set so far.
    const basic_claims<Json>& claims() const noexcept { return claims_; }

    /// Signs with `key` and returns the compact JWT.
    /// Errors: the first setter problem (errc::claim_not_serializable, errc::number_not_finite,
    /// errc::reserved_header_member, errc::header_member_wrong_type),
    /// errc::invalid_utf8 (a string that is not UTF-8), and the signer's errors.
    result<std::string> sign(const signer& key) const {
        if (deferred_) return deferred_;
        // The header's and the payload's JSON text, one after the other, written as dump() would write them
        // (UTF-8 checked on the way), then encoded into an output allocated once at its final size.
        std::string text;
        text.reserve(initial_text_capacity);
        if (!write_header(key, text)) return errc::invalid_utf8;
        const std::size_t header_size = text.size();
        if (!detail::write_json(claims_.json(), text)) return errc::invalid_utf8;
        const bytes_view header_text(text.data(), header_size);
        const bytes_view payload_text(text.data() + header_size, text.size() - header_size);
        std::string out;
        out.reserve(base64url::encoded_size(header_text.size()) + base64url::encoded_size(payload_text.size()) +
                    base64url::encoded_size(key.max_signature_size()) + 2);
        base64url::encode_append(header_text, out);
        out.push_back('.');
        base64url::encode_append(payload_text, out);
        if (auto r = detail::append_signature(out, key); !r) return r.error();
        return out;
    }

private:
    // Room for a typical access token's header and payload text before the buffer has to grow.
    static constexpr std::size_t initial_text_capacity = 512;

    /// Writes the JOSE header: "alg" and "kid" from the key, "typ" ("JWT" unless set), then the members set
    /// by hand. Without hand-set members other than a string "typ", the text is written directly; otherwise
    /// through a header object filled in the same order, so a backend that keeps insertion order writes the
    /// same {"alg","kid","typ"} start. False when a string is not UTF-8.
    bool write_header(const signer& key, std::string& out) const {
        const std::string_view kid = key.key_id();
        const Json* typ_member = traits::find(header_, "typ");
        const std::size_t members = traits::size(header_);
        const bool typ_only = members == 0 || (members == 1 && typ_member && detail::json_is_string(*typ_member));
        if (typ_only) {
            out.append("{\"alg\":");
            detail::write_json_string(to_string(key.alg()), out);
            if (!kid.empty()) {
                out.append(",\"kid\":");
                if (!detail::write_json_string(kid, out)) return false;
            }
            out.append(",\"typ\":");
            const std::string_view typ = typ_member ? detail::json_string(*typ_member) : std::string_view("JWT");
            if (!detail::write_json_string(typ, out)) return false;
            out.push_back('}');
            return true;
        }
        Json h = traits::make_object();
        traits::set_member(h, "alg", traits::make_string(to_string(key.alg())));
        if (!kid.empty()) traits::set_member(h, "kid", traits::make_string(kid));
        if (!typ_member) traits::set_member(h, "typ", traits::make_string("JWT"));
        traits::for_each_member(header_, [&h](std::string_view name, const Json& v) {
            traits::set_member(h, name, v);
            return true;
        });
        return detail::write_json(h, out);
    }

    numeric_date now_seconds() const {
        return std::chrono::time_point_cast<std::chrono::microseconds>(
            std::chrono::floor<std::chrono::seconds>(clock_.now()));
    }
    template <class Duration>
    basic_builder& set_date(const char* name, std::chrono::time_point<std::chrono::system_clock, Duration> t) {
        const auto us = std::chrono::time_point_cast<std::chrono::microseconds>(t);
        const auto secs = us.time_since_epoch().count() / 1000000;
        if (secs < 0 || secs > detail::max_numeric_date_seconds) {
            if (!deferred_) deferred_ = make_error_code(errc::numeric_date_out_of_range);
            return *this;
        }
        return set(name, detail::numeric_date_to_json<Json>(us));
    }
    basic_builder& set(std::string name, Json v) {
        claims_.set(std::move(name), std::move(v));
        return *this;
    }

    Clock clock_{};
    basic_claims<Json> claims_;
    Json header_ = traits::make_object();
    std::error_code deferred_;
};

/// The builder over nlohmann::json and the system clock.
using builder = basic_builder<nlohmann::json, std::chrono::system_clock>;

} // namespace jot
