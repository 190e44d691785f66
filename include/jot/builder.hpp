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
#include "detail/json.hpp"
#include "detail/json_get.hpp"
#include "detail/utf8.hpp"
#include "error.hpp"
#include "result.hpp"
#include "signer.hpp"

namespace jot {

namespace detail {

/// True when every string (member names included) in `v` is valid UTF-8, so dump() cannot throw.
template <class Json>
bool json_strings_are_utf8(const Json& v) {
    if (v.is_string()) return is_valid_utf8(v.template get_ref<const typename Json::string_t&>());
    if (v.is_object()) {
        for (auto it = v.begin(); it != v.end(); ++it)
            if (!is_valid_utf8(it.key()) || !json_strings_are_utf8(it.value())) return false;
    } else if (v.is_array()) {
        for (const auto& e : v)
            if (!json_strings_are_utf8(e)) return false;
    }
    return true;
}

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
    auto n = key.sign(std::string_view(out), buf, cap);
    if (!n) return n.error();
    if (*n > cap) return errc::crypto_failure;
    out.push_back('.');
    base64url::encode_append(bytes_view(buf, *n), out);
    return {};
}

inline bool is_reserved_header_member(std::string_view name) noexcept { return name == "alg" || name == "kid"; }

} // namespace detail

/// Signs a header and payload given as exact octets, for callers that must control every byte (test vectors,
/// JWS over non-JSON payloads). The header must be a JSON object whose "alg" is the key's algorithm.
/// Errors: errc::json_* / errc::invalid_utf8 for a bad header, errc::key_algorithm_mismatch when "alg"
/// differs from key.alg(), and the signer's errors.
inline result<std::string> sign_compact(std::string_view header_json, bytes_view payload, const signer& key) {
    auto h = detail::parse_object<nlohmann::json>(header_json, 32);
    if (!h) return h.error();
    auto alg = h->find("alg");
    if (alg == h->end() || !alg->is_string() || alg->get_ref<const std::string&>() != to_string(key.alg()))
        return errc::key_algorithm_mismatch;
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

public:
    using json_type = Json;

    basic_builder() = default;
    explicit basic_builder(Clock clock) : clock_(std::move(clock)) {}

    /// "iss" (RFC 7519 §4.1.1).
    basic_builder& issuer(std::string v) { return set("iss", Json(std::move(v))); }
    /// "sub" (RFC 7519 §4.1.2).
    basic_builder& subject(std::string v) { return set("sub", Json(std::move(v))); }
    /// "jti" (RFC 7519 §4.1.7).
    basic_builder& id(std::string v) { return set("jti", Json(std::move(v))); }
    /// "aud" as a single string (RFC 7519 §4.1.3).
    basic_builder& audience(std::string v) { return set("aud", Json(std::move(v))); }
    /// "aud" as an array of strings.
    basic_builder& audience(std::vector<std::string> v) {
        Json a = Json::array();
        for (auto& s : v) a.push_back(Json(std::move(s)));
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

    /// Any claim. Registered claim names are accepted when the value has the registered type.
    basic_builder& claim(std::string name, Json value) {
        if (!deferred_) {
            basic_claims<Json> probe;
            probe.set(name, value);
            if (auto r = probe.check_registered_types(); !r) deferred_ = make_error_code(errc::claim_not_serializable);
        }
        return set(std::move(name), std::move(value));
    }

    /// Header "typ" (RFC 7515 §4.1.9); "JWT" unless set, e.g. "at+jwt" for RFC 9068 access tokens.
    basic_builder& type(std::string v) { return header_member("typ", Json(std::move(v))); }
    /// Header "cty" (RFC 7515 §4.1.10).
    basic_builder& content_type(std::string v) { return header_member("cty", Json(std::move(v))); }
    /// Any other header member. "alg" and "kid" come from the key: naming them is errc::reserved_header_member.
    basic_builder& header_member(std::string name, Json value) {
        if (detail::is_reserved_header_member(name)) {
            if (!deferred_) deferred_ = make_error_code(errc::reserved_header_member);
            return *this;
        }
        header_[std::move(name)] = std::move(value);
        return *this;
    }

    /// The claims set so far.
    const basic_claims<Json>& claims() const noexcept { return claims_; }

    /// Signs with `key` and returns the compact JWT.
    /// Errors: the first setter problem (errc::claim_not_serializable, errc::reserved_header_member),
    /// errc::invalid_utf8 (a string that is not UTF-8), and the signer's errors.
    result<std::string> sign(const signer& key) const {
        if (deferred_) return deferred_;
        Json h = Json::object();
        h["alg"] = Json(std::string(to_string(key.alg())));
        if (header_.find("typ") == header_.end()) h["typ"] = "JWT";
        if (!key.key_id().empty()) h["kid"] = Json(std::string(key.key_id()));
        for (auto it = header_.begin(); it != header_.end(); ++it) h[it.key()] = it.value();
        if (!detail::json_strings_are_utf8(h) || !detail::json_strings_are_utf8(claims_.json()))
            return errc::invalid_utf8;
        const std::string header_text = h.dump();
        const std::string payload_text = claims_.json().dump();
        std::string out;
        out.reserve(base64url::encoded_size(header_text.size()) + base64url::encoded_size(payload_text.size()) +
                    base64url::encoded_size(key.max_signature_size()) + 2);
        base64url::encode_append(bytes_view(header_text), out);
        out.push_back('.');
        base64url::encode_append(bytes_view(payload_text), out);
        if (auto r = detail::append_signature(out, key); !r) return r.error();
        return out;
    }

private:
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
    Json header_ = Json::object();
    std::error_code deferred_;
};

/// The builder over nlohmann::json and the system clock.
using builder = basic_builder<nlohmann::json, std::chrono::system_clock>;

} // namespace jot
