// SPDX-License-Identifier: MIT
// The JOSE header of a JWS (RFC 7515 §4): registered members typed, other members as JSON.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "detail/header_registry.hpp"
#include "detail/json_get.hpp"
#include "error.hpp"
#include "result.hpp"

namespace jot {

/// A JOSE header over a JSON backend (json_traits.hpp; `jot::header` is nlohmann::json's).
/// Reading is non-throwing: errc::header_member_missing for an absent member, errc::header_invalid_member
/// for one of the wrong type.
template <class Json = nlohmann::json>
class basic_header {
public:
    using json_type = Json;

    basic_header() : json_(json_traits<Json>::make_object()) {}
    /// Wraps a JSON object. Errors: errc::json_not_object.
    static result<basic_header> from_json(Json obj) {
        if (!detail::json_is_object(obj)) return errc::json_not_object;
        return basic_header(std::move(obj), 0);
    }

    const Json& json() const noexcept { return json_; }
    bool contains(std::string_view name) const { return detail::find_member(json_, name) != nullptr; }
    const Json* find(std::string_view name) const { return detail::find_member(json_, name); }

    /// "alg" (RFC 7515 §4.1.1) as written in the token.
    result<std::string_view> alg() const { return get<std::string_view>("alg"); }
    /// "typ" (RFC 7515 §4.1.9).
    result<std::string_view> type() const { return get<std::string_view>("typ"); }
    /// "cty" (RFC 7515 §4.1.10).
    result<std::string_view> content_type() const { return get<std::string_view>("cty"); }
    /// "kid" (RFC 7515 §4.1.4). Untrusted input: compare it, never use it as a path or URL (RFC 8725 §3.10).
    result<std::string_view> key_id() const { return get<std::string_view>("kid"); }
    /// "crit" (RFC 7515 §4.1.11) as a list of names.
    result<std::vector<std::string_view>> critical() const {
        const Json* v = find("crit");
        if (!v) return errc::header_member_missing;
        if (!detail::json_is_array(*v)) return errc::header_invalid_member;
        std::vector<std::string_view> out;
        const bool strings = detail::json_all_of(*v, [&out](const Json& e) {
            if (!detail::json_is_string(e)) return false;
            out.push_back(detail::json_string(e));
            return true;
        });
        if (!strings) return errc::header_invalid_member;
        return out;
    }

    /// Any member as a T (the types of basic_claims::get).
    template <class T>
    result<T> get(std::string_view name) const {
        const Json* v = find(name);
        if (!v) return errc::header_member_missing;
        return detail::json_as<T>(*v, errc::header_invalid_member);
    }

    void set(std::string name, Json value) { json_traits<Json>::set_member(json_, name, std::move(value)); }

    /// Checks the registered members' types (detail::registered_header_members): "alg" required and a string;
    /// typ, cty, kid, jku, x5u, x5t, x5t#S256 strings; "jwk" an object; "x5c" a non-empty array of base64
    /// strings. Errors: header_missing_alg, header_invalid_member.
    result<void> check_registered_types() const {
        const Json* alg = find("alg");
        if (!alg) return errc::header_missing_alg;
        for (const auto& m : detail::registered_header_members)
            if (const Json* v = find(m.name); v && !detail::has_header_member_type(*v, m.type))
                return errc::header_invalid_member;
        return {};
    }

private:
    basic_header(Json obj, int) : json_(std::move(obj)) {}
    Json json_;
};

/// The JOSE header over nlohmann::json.
using header = basic_header<nlohmann::json>;

} // namespace jot
