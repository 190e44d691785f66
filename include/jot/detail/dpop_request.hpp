// SPDX-License-Identifier: MIT
// DPoP's request side (RFC 9449): the URI normalisation htu is compared in, HTTP method tokens, random ids, and
// the proof signer that names its key by value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <openssl/rand.h>

#include "../algorithm.hpp"
#include "../base64url.hpp"
#include "../bytes.hpp"
#include "../error.hpp"
#include "../private_key.hpp"
#include "../result.hpp"
#include "../signer.hpp"
#include "ascii.hpp"

namespace jot::dpop::detail {

/// JWK members that only a private (or symmetric) key has (RFC 7518 §6.2.2, §6.3.2, §6.4; RFC 8037 §2).
inline bool is_private_jwk_member(std::string_view name) noexcept {
    return name == "d" || name == "p" || name == "q" || name == "dp" || name == "dq" || name == "qi" ||
           name == "oth" || name == "k";
}

inline bool is_hex(char c) noexcept {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
inline int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    return jot::detail::ascii_lower(c) - 'a' + 10;
}
inline bool is_unreserved(char c) noexcept {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
           c == '_' || c == '~';
}

/// Appends `part` with its percent-encodings normalised (RFC 3986 §6.2.2.1, §6.2.2.2): hex digits upper
/// case, unreserved characters decoded. False for a '%' not followed by two hex digits, or a control or
/// space character.
inline bool append_normalised(std::string& out, std::string_view part, bool lower_case) {
    for (std::size_t i = 0; i < part.size(); ++i) {
        const char c = part[i];
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7F) return false;
        if (c != '%') {
            out += lower_case ? jot::detail::ascii_lower(c) : c;
            continue;
        }
        if (i + 2 >= part.size() || !is_hex(part[i + 1]) || !is_hex(part[i + 2])) return false;
        const char decoded = static_cast<char>(hex_value(part[i + 1]) * 16 + hex_value(part[i + 2]));
        if (is_unreserved(decoded)) {
            out += lower_case ? jot::detail::ascii_lower(decoded) : decoded;
        } else {
            static constexpr char digits[] = "0123456789ABCDEF";
            out += '%';
            out += digits[(static_cast<unsigned char>(decoded) >> 4) & 0xF];
            out += digits[static_cast<unsigned char>(decoded) & 0xF];
        }
        i += 2;
    }
    return true;
}

/// The form in which htu and the request URI are compared (RFC 9449 §4.3 step 9, RFC 3986 §6.2.2-6.2.3):
/// scheme and host in lower case, the scheme's default port dropped, an empty path written "/",
/// percent-encodings normalised, the query and the fragment removed. Only absolute http and https URIs
/// without userinfo are accepted; dot-segments are compared as written. Empty on a URI it cannot read.
inline std::optional<std::string> normalise_uri(std::string_view uri) {
    const std::size_t colon = uri.find(':');
    if (colon == std::string_view::npos || uri.substr(colon + 1, 2) != "//") return std::nullopt;
    const std::string_view scheme = uri.substr(0, colon);
    const bool https = jot::detail::iequals(scheme, "https");
    if (!https && !jot::detail::iequals(scheme, "http")) return std::nullopt;
    std::string_view rest = uri.substr(colon + 3);
    const std::size_t end_of_path = rest.find_first_of("?#");
    if (end_of_path != std::string_view::npos) rest = rest.substr(0, end_of_path);
    const std::size_t slash = rest.find('/');
    const std::string_view authority = rest.substr(0, slash);
    const std::string_view path = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
    if (authority.empty() || authority.find('@') != std::string_view::npos) return std::nullopt;

    // host, then an optional ":port" (after a bracketed IPv6 literal, if any)
    std::size_t host_end = authority.size();
    const std::size_t search_from = authority.front() == '[' ? authority.find(']') : 0;
    if (search_from == std::string_view::npos) return std::nullopt;
    const std::size_t port_colon = authority.find(':', search_from);
    std::string_view port;
    if (port_colon != std::string_view::npos) {
        host_end = port_colon;
        port = authority.substr(port_colon + 1);
        for (char c : port)
            if (c < '0' || c > '9') return std::nullopt;
    }
    const std::string_view host = authority.substr(0, host_end);
    if (host.empty()) return std::nullopt;
    while (port.size() > 1 && port.front() == '0') port.remove_prefix(1);
    if (port.size() > 5) return std::nullopt;

    std::string out = https ? "https://" : "http://";
    if (!append_normalised(out, host, true)) return std::nullopt;
    if (!port.empty() && port != (https ? "443" : "80")) {
        out += ':';
        out.append(port.data(), port.size());
    }
    if (path.empty()) out += '/';
    else if (!append_normalised(out, path, false)) return std::nullopt;
    return out;
}

/// `n` random octets, base64url-encoded. Errors: errc::crypto_failure.
inline result<std::string> random_b64(std::size_t n) {
    std::uint8_t buf[32];
    if (n > sizeof buf || RAND_bytes(buf, static_cast<int>(n)) != 1) return errc::crypto_failure;
    return base64url::encode(bytes_view(buf, n));
}

/// An HTTP method is an RFC 9110 §9.1 token: visible ASCII without separators.
inline bool is_method(std::string_view m) noexcept {
    if (m.empty()) return false;
    for (char c : m)
        if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7F ||
            std::string_view("\"(),/:;<=>?@[\\]{}").find(c) != std::string_view::npos)
            return false;
    return true;
}

/// Signs with a private_key but writes no "kid": a proof names its key by value, in "jwk" (RFC 9449 §4.2).
class without_kid final : public signer {
public:
    explicit without_kid(const private_key& key) noexcept : key_(key) {}
    jot::algorithm alg() const noexcept override { return key_.alg(); }
    std::size_t max_signature_size() const noexcept override { return key_.max_signature_size(); }
    result<std::size_t> sign(std::string_view input, std::uint8_t* out, std::size_t capacity) const override {
        return key_.sign(input, out, capacity);
    }

private:
    const private_key& key_;
};

} // namespace jot::dpop::detail
