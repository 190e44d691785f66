// SPDX-License-Identifier: MIT
// The registered claims (RFC 7519 §4.1) and the JSON type each must have: one table that the claim set's
// checks, the builder and the verifier's claim facts all read.
#pragma once

#include <string_view>

#include "../error.hpp"
#include "json_get.hpp"

namespace jot::detail {

/// The JSON shape a registered claim must have.
enum class claim_type : unsigned char {
    string,        ///< a JSON string ("iss", "sub", "jti")
    audience,      ///< a string or an array of strings ("aud", RFC 7519 §4.1.3)
    numeric_date,  ///< a NumericDate: a number in [0, 253402300799] (RFC 7519 §2)
};

struct registered_claim {
    std::string_view name;
    claim_type type;
};

/// Every claim RFC 7519 §4.1 registers, in the order their types are checked (the first problem is reported:
/// wrong types of the string claims and "aud" before the NumericDates).
inline constexpr registered_claim registered_claims[] = {
    {"iss", claim_type::string},       {"sub", claim_type::string},       {"jti", claim_type::string},
    {"aud", claim_type::audience},     {"exp", claim_type::numeric_date}, {"nbf", claim_type::numeric_date},
    {"iat", claim_type::numeric_date},
};

/// The registry entry for `name`, or null for a private or public claim name.
inline const registered_claim* find_registered_claim(std::string_view name) noexcept {
    for (const auto& c : registered_claims)
        if (c.name == name) return &c;
    return nullptr;
}

/// Checks a DOM value against its claim's type: errc{} when it fits, errc::claim_wrong_type, or
/// errc::numeric_date_out_of_range (a NumericDate that is a number but out of range).
template <class Json>
errc check_claim_type(const Json& v, claim_type type) {
    switch (type) {
    case claim_type::string: return json_is_string(v) ? errc{} : errc::claim_wrong_type;
    case claim_type::audience:
        if (json_is_string(v)) return errc{};
        if (!json_is_array(v)) return errc::claim_wrong_type;
        return json_all_of(v, [](const Json& e) { return json_is_string(e); }) ? errc{} : errc::claim_wrong_type;
    case claim_type::numeric_date: {
        auto d = numeric_date_from_json(v);
        if (d) return errc{};
        return d.error() == make_error_code(errc::numeric_date_out_of_range) ? errc::numeric_date_out_of_range
                                                                              : errc::claim_wrong_type;
    }
    }
    return errc::claim_wrong_type;
}

} // namespace jot::detail
