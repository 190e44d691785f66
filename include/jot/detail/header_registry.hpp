// SPDX-License-Identifier: MIT
// The registered JOSE header parameters (RFC 7515 §4.1) and the JSON type each must have: one table that the
// scanner, the header DOM checks and crit validation all read.
#pragma once

#include <cstddef>
#include <string_view>

#include "../json_traits.hpp"

namespace jot::detail {

/// The JSON shape a registered header parameter must have.
enum class header_member_type : unsigned char {
    string,          ///< a JSON string
    object,          ///< a JSON object ("jwk", RFC 7515 §4.1.3)
    base64_strings,  ///< a non-empty array of base64 (RFC 4648 §4, not base64url) strings ("x5c", §4.1.6)
    names,           ///< an array of strings ("crit", §4.1.11; its own rules are checked by the verifier)
};

struct registered_header_member {
    std::string_view name;
    header_member_type type;
};

/// Every header parameter RFC 7515 §4.1 registers. A member of the wrong type is errc::header_invalid_member,
/// whether jot uses the member or not: a verifier that reads a member another verifier ignores must not be
/// handed a different value (jot never chooses a key from "jwk", "jku", "x5u" or "x5c").
inline constexpr registered_header_member registered_header_members[] = {
    {"alg", header_member_type::string},   {"jku", header_member_type::string},
    {"jwk", header_member_type::object},   {"kid", header_member_type::string},
    {"x5u", header_member_type::string},   {"x5c", header_member_type::base64_strings},
    {"x5t", header_member_type::string},   {"x5t#S256", header_member_type::string},
    {"typ", header_member_type::string},   {"cty", header_member_type::string},
    {"crit", header_member_type::names},
};

/// The registry entry for `name`, or null for an unregistered (private or extension) parameter.
inline const registered_header_member* find_registered_header(std::string_view name) noexcept {
    for (const auto& m : registered_header_members)
        if (m.name == name) return &m;
    return nullptr;
}

/// True for a header parameter RFC 7515 §4.1 registers; "crit" may not name one (§4.1.11).
inline bool is_registered_header_name(std::string_view name) noexcept {
    return find_registered_header(name) != nullptr;
}

/// True when `s` is non-empty base64 with padding (RFC 4648 §4), as "x5c" carries DER certificates
/// (RFC 7515 §4.1.6 says base64, not base64url). Checks the alphabet and the padding, not the DER inside.
inline bool is_padded_base64(std::string_view s) noexcept {
    if (s.empty() || s.size() % 4 != 0) return false;
    std::size_t pad = 0;
    while (pad < 2 && s[s.size() - 1 - pad] == '=') ++pad;
    for (std::size_t i = 0; i < s.size() - pad; ++i) {
        const char c = s[i];
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
                        c == '/';
        if (!ok) return false;
    }
    return true;
}

/// True when the DOM value `v` has the shape `type` asks for. "names" passes here: a malformed "crit" is the
/// verifier's own errc::crit_invalid, so that both of its paths report one code.
template <class Json>
bool has_header_member_type(const Json& v, header_member_type type) {
    switch (type) {
    case header_member_type::string: return json_is_string(v);
    case header_member_type::object: return json_is_object(v);
    case header_member_type::names: return true;
    case header_member_type::base64_strings:
        if (!json_is_array(v) || json_traits<Json>::size(v) == 0) return false;
        return json_all_of(v, [](const Json& e) { return json_is_string(e) && is_padded_base64(json_string(e)); });
    }
    return false;
}

} // namespace jot::detail
