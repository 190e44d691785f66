// SPDX-License-Identifier: MIT
// Strict base64url (RFC 4648 §5 as restricted by RFC 7515 §2): no padding, canonical trailing bits only.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

#include "bytes.hpp"
#include "error.hpp"
#include "result.hpp"

namespace jot::base64url {

namespace detail {
inline constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// 0..63 for alphabet characters; 0x40 for '=', 0x80 for every other byte.
struct decode_table {
    std::array<std::uint8_t, 256> v{};
    constexpr decode_table() {
        for (auto& x : v) x = 0x80;
        for (std::uint8_t i = 0; i < 64; ++i) v[static_cast<unsigned char>(alphabet[i])] = i;
        v[static_cast<unsigned char>('=')] = 0x40;
    }
};
inline constexpr decode_table table{};

template <class T, class = void>
struct is_output_container : std::false_type {};
template <class T>
struct is_output_container<T, std::void_t<decltype(std::declval<T&>().resize(std::size_t{})),
                                          decltype(std::declval<T&>().data())>>
    : std::bool_constant<sizeof(*std::declval<T&>().data()) == 1> {};
} // namespace detail

/// Length of the unpadded base64url encoding of `n` octets.
constexpr std::size_t encoded_size(std::size_t n) noexcept { return n / 3 * 4 + (n % 3 == 0 ? 0 : n % 3 + 1); }

/// Length of the octets that `n` characters decode to (only meaningful when `n % 4 != 1`).
constexpr std::size_t decoded_size(std::size_t n) noexcept { return n / 4 * 3 + (n % 4 == 0 ? 0 : n % 4 - 1); }

/// Encodes `in` into `out`, which must have room for encoded_size(in.size()) characters. Never fails.
inline void encode_into(bytes_view in, char* out) noexcept {
    const std::uint8_t* p = in.data();
    std::size_t n = in.size();
    for (; n >= 3; n -= 3, p += 3) {
        const std::uint32_t w = std::uint32_t{p[0]} << 16 | std::uint32_t{p[1]} << 8 | p[2];
        *out++ = detail::alphabet[w >> 18];
        *out++ = detail::alphabet[w >> 12 & 63];
        *out++ = detail::alphabet[w >> 6 & 63];
        *out++ = detail::alphabet[w & 63];
    }
    if (n == 1) {
        *out++ = detail::alphabet[p[0] >> 2];
        *out++ = detail::alphabet[(p[0] & 3) << 4];
    } else if (n == 2) {
        const std::uint32_t w = std::uint32_t{p[0]} << 8 | p[1];
        *out++ = detail::alphabet[w >> 10];
        *out++ = detail::alphabet[w >> 4 & 63];
        *out++ = detail::alphabet[(w & 15) << 2];
    }
}

/// Appends the encoding of `in` to `out` (any resizable container of one-byte elements).
template <class Out>
void encode_append(bytes_view in, Out& out) {
    static_assert(detail::is_output_container<Out>::value,
                  "base64url output must be a resizable container of one-byte elements");
    const std::size_t old = out.size();
    out.resize(old + encoded_size(in.size()));
    encode_into(in, reinterpret_cast<char*>(out.data()) + old);
}

/// Returns the base64url encoding of `in` as an `Out` (std::string unless asked otherwise).
template <class Out = std::string>
Out encode(bytes_view in) {
    Out out;
    encode_append(in, out);
    return out;
}

/// Decodes `in` into `out`, which must have room for decoded_size(in.size()) octets; returns the count.
/// Errors, each checked in this order: errc::base64_invalid_length (length % 4 == 1),
/// errc::base64_padding ('=' anywhere), errc::base64_invalid_character (anything else outside the
/// alphabet, including '+', '/' and whitespace), errc::base64_non_canonical (non-zero unused bits).
inline result<std::size_t> decode_into(std::string_view in, std::uint8_t* out) noexcept {
    if (in.size() % 4 == 1) {
        // A lone '=' at the end can make the length wrong too; report the padding, which is the cause.
        for (char c : in)
            if (c == '=') return errc::base64_padding;
        return errc::base64_invalid_length;
    }
    const auto* p = reinterpret_cast<const unsigned char*>(in.data());
    std::size_t n = in.size();
    std::uint8_t* o = out;
    auto bad = [&](const unsigned char* q, std::size_t k) -> errc {
        for (std::size_t i = 0; i < k; ++i)
            if (detail::table.v[q[i]] == 0x40) return errc::base64_padding;
        return errc::base64_invalid_character;
    };
    for (; n >= 4; n -= 4, p += 4) {
        const std::uint8_t a = detail::table.v[p[0]], b = detail::table.v[p[1]], c = detail::table.v[p[2]],
                           d = detail::table.v[p[3]];
        if ((a | b | c | d) & 0xC0) return bad(p, 4);
        const std::uint32_t w = std::uint32_t{a} << 18 | std::uint32_t{b} << 12 | std::uint32_t{c} << 6 | d;
        *o++ = static_cast<std::uint8_t>(w >> 16);
        *o++ = static_cast<std::uint8_t>(w >> 8);
        *o++ = static_cast<std::uint8_t>(w);
    }
    if (n == 2) {
        const std::uint8_t a = detail::table.v[p[0]], b = detail::table.v[p[1]];
        if ((a | b) & 0xC0) return bad(p, 2);
        if (b & 0x0F) return errc::base64_non_canonical;
        *o++ = static_cast<std::uint8_t>(a << 2 | b >> 4);
    } else if (n == 3) {
        const std::uint8_t a = detail::table.v[p[0]], b = detail::table.v[p[1]], c = detail::table.v[p[2]];
        if ((a | b | c) & 0xC0) return bad(p, 3);
        if (c & 0x03) return errc::base64_non_canonical;
        *o++ = static_cast<std::uint8_t>(a << 2 | b >> 4);
        *o++ = static_cast<std::uint8_t>((b & 0x0F) << 4 | c >> 2);
    }
    return static_cast<std::size_t>(o - out);
}

/// Decodes `in` into a buffer of `capacity` octets supplied by the caller; errc::invalid_argument when the
/// buffer is too small, otherwise the errors of decode_into(std::string_view, std::uint8_t*).
inline result<std::size_t> decode_into(std::string_view in, std::uint8_t* out, std::size_t capacity) noexcept {
    if (in.size() % 4 != 1 && decoded_size(in.size()) > capacity) return errc::invalid_argument;
    return decode_into(in, out);
}

/// Decodes `in` strictly into an `Out` (std::string unless asked otherwise); same errors as decode_into.
template <class Out = std::string>
result<Out> decode(std::string_view in) {
    static_assert(detail::is_output_container<Out>::value,
                  "base64url output must be a resizable container of one-byte elements");
    Out out;
    if (in.size() % 4 != 1) out.resize(decoded_size(in.size()));
    auto n = decode_into(in, reinterpret_cast<std::uint8_t*>(out.data()));
    if (!n) return n.error();
    return out;
}

} // namespace jot::base64url
