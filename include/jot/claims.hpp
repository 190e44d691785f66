// SPDX-License-Identifier: MIT
// The JWT claim set (RFC 7519 §4): registered claims typed, custom claims as JSON.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "detail/claim_registry.hpp"
#include "detail/json_get.hpp"
#include "error.hpp"
#include "result.hpp"

namespace jot {

/// A JWT claim set over any nlohmann::basic_json specialisation (use `jot::claims` for nlohmann::json).
/// Reading is non-throwing: an absent claim is errc::claim_missing and a claim of the wrong JSON type
/// errc::claim_wrong_type; the two are never confused (an "exp" string is not a missing "exp").
template <class Json = nlohmann::json>
class basic_claims {
public:
    using json_type = Json;

    /// An empty claim set.
    basic_claims() : json_(Json::object()) {}
    /// Wraps a JSON object. Errors: errc::json_not_object when `obj` is not an object.
    static result<basic_claims> from_json(Json obj) {
        if (!obj.is_object()) return errc::json_not_object;
        return basic_claims(std::move(obj), 0);
    }

    /// The whole claim set as JSON.
    const Json& json() const noexcept { return json_; }
    /// True when the claim is present (whatever its type).
    bool contains(std::string_view name) const { return detail::find_member(json_, name) != nullptr; }
    /// The claim's JSON value, or nullptr when absent.
    const Json* find(std::string_view name) const { return detail::find_member(json_, name); }

    /// "iss" (RFC 7519 §4.1.1). Errors: claim_missing, claim_wrong_type (not a string).
    result<std::string_view> issuer() const { return get<std::string_view>("iss"); }
    /// "sub" (RFC 7519 §4.1.2). Errors: claim_missing, claim_wrong_type.
    result<std::string_view> subject() const { return get<std::string_view>("sub"); }
    /// "jti" (RFC 7519 §4.1.7). Errors: claim_missing, claim_wrong_type.
    result<std::string_view> id() const { return get<std::string_view>("jti"); }
    /// "aud" (RFC 7519 §4.1.3) as a list: a single string gives one element.
    /// Errors: claim_missing, claim_wrong_type (neither a string nor an array of strings).
    result<std::vector<std::string_view>> audience() const {
        const Json* v = find("aud");
        if (!v) return errc::claim_missing;
        std::vector<std::string_view> out;
        if (v->is_string()) {
            const auto& s = v->template get_ref<const typename Json::string_t&>();
            out.emplace_back(s.data(), s.size());
            return out;
        }
        if (!v->is_array()) return errc::claim_wrong_type;
        out.reserve(v->size());
        for (const auto& e : *v) {
            if (!e.is_string()) return errc::claim_wrong_type;
            const auto& s = e.template get_ref<const typename Json::string_t&>();
            out.emplace_back(s.data(), s.size());
        }
        return out;
    }
    /// "exp" (RFC 7519 §4.1.4). Errors: claim_missing, claim_wrong_type, numeric_date_out_of_range.
    result<numeric_date> expires_at() const { return get<numeric_date>("exp"); }
    /// "nbf" (RFC 7519 §4.1.5). Errors as expires_at().
    result<numeric_date> not_before() const { return get<numeric_date>("nbf"); }
    /// "iat" (RFC 7519 §4.1.6). Errors as expires_at().
    result<numeric_date> issued_at() const { return get<numeric_date>("iat"); }

    /// Any claim as a T (see the supported types in detail::json_as). std::string_view results point into
    /// this claim set. Errors: claim_missing, claim_wrong_type, numeric_date_out_of_range.
    template <class T>
    result<T> get(std::string_view name) const {
        const Json* v = find(name);
        if (!v) return errc::claim_missing;
        return detail::json_as<T>(*v, errc::claim_wrong_type);
    }

    /// Sets (or replaces) a claim. No check is made here; the builder checks registered claims' types.
    void set(std::string name, Json value) { json_[std::move(name)] = std::move(value); }
    /// Removes a claim; true when it was present.
    bool erase(std::string_view name) { return json_.erase(typename Json::string_t(name)) > 0; }

    /// Checks that every registered claim present has its registered type (detail::registered_claims): iss,
    /// sub, jti strings; aud a string or an array of strings; exp, nbf, iat NumericDates in range.
    /// Errors: claim_wrong_type, numeric_date_out_of_range.
    result<void> check_registered_types() const {
        for (const auto& c : detail::registered_claims)
            if (const Json* v = find(c.name))
                if (const errc e = detail::check_claim_type(*v, c.type); e != errc{}) return e;
        return {};
    }

private:
    basic_claims(Json obj, int) : json_(std::move(obj)) {}
    Json json_;
};

/// The claim set over nlohmann::json.
using claims = basic_claims<nlohmann::json>;

} // namespace jot
