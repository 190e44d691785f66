// SPDX-License-Identifier: MIT
// Helpers shared by jot's tests: reading data files from tests/data and hex decoding.
#pragma once

#include <cstdint>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#ifndef JOT_TEST_DATA_DIR
#error "JOT_TEST_DATA_DIR must point at tests/data"
#endif

namespace jot_test {

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
