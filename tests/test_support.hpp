// SPDX-License-Identifier: MIT
// Helpers shared by jot's tests: reading data files from tests/data, hex decoding, and error-code checks.
#pragma once

#include <cstdint>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include <nlohmann/json.hpp>

#include <jot/base64url.hpp>
#include <jot/bytes.hpp>
#include <jot/error.hpp>
#include <jot/result.hpp>

#ifndef JOT_TEST_DATA_DIR
#error "JOT_TEST_DATA_DIR must point at tests/data"
#endif

namespace jot_test {

/// `e` as a std::error_code, to compare with error_of().
inline std::error_code code(jot::errc e) { return jot::make_error_code(e); }

/// The error `r` holds, or an empty code when it holds a value: CHECK(error_of(r) == code(errc::...)).
template <class T>
std::error_code error_of(const jot::result<T>& r) {
    return r ? std::error_code() : r.error();
}

/// The '.'-separated segments of a compact token (a JWS has 3, a JWE 5); empty segments are kept.
inline std::vector<std::string> split(const std::string& token) {
    std::vector<std::string> out(1);
    for (char c : token) {
        if (c == '.') out.emplace_back();
        else out.back() += c;
    }
    return out;
}

/// base64url text decoded, for tests that know it is valid (throws otherwise).
inline std::string unb64(const std::string& s) { return jot::base64url::decode<std::string>(s).value(); }

/// The octets of `s`.
inline jot::bytes_view bytes(const std::string& s) { return jot::bytes_view(s.data(), s.size()); }

/// The bytes of tests/data/<relative>; throws when the file cannot be read, so a missing vector fails loudly.
inline std::string read_file(const std::string& relative) {
    const std::string path = std::string(JOT_TEST_DATA_DIR) + "/" + relative;
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read test data file " + path);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

/// tests/data/<relative> parsed as JSON.
inline nlohmann::json read_json(const std::string& relative) { return nlohmann::json::parse(read_file(relative)); }

/// Lowercase or uppercase hex to bytes; throws on odd length or a non-hex digit.
inline std::vector<std::uint8_t> from_hex(const std::string& hex) {
    if (hex.size() % 2) throw std::runtime_error("odd-length hex");
    auto nib = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        throw std::runtime_error("bad hex digit");
    };
    std::vector<std::uint8_t> out(hex.size() / 2);
    for (std::size_t i = 0; i < out.size(); ++i)
        out[i] = static_cast<std::uint8_t>(nib(hex[2 * i]) << 4 | nib(hex[2 * i + 1]));
    return out;
}

} // namespace jot_test
