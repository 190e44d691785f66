// SPDX-License-Identifier: MIT
// ASCII case folding for the names JOSE compares case-insensitively (media types, schemes).
#pragma once

#include <cstddef>
#include <string_view>

namespace jot::detail {

inline char ascii_lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

inline bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
    return true;
}

/// Compares media types as RFC 7515 §4.1.9 asks: case-insensitively, "application/" optional.
inline bool media_type_equal(std::string_view a, std::string_view b) noexcept {
    auto strip = [](std::string_view s) {
        constexpr std::string_view prefix = "application/";
        if (s.size() > prefix.size() && iequals(s.substr(0, prefix.size()), prefix)) s.remove_prefix(prefix.size());
        return s;
    };
    return iequals(strip(a), strip(b));
}

} // namespace jot::detail
