// SPDX-License-Identifier: MIT
// Fuzzes strict base64url decoding, and checks both round trips: decode(encode(b)) == b, and for every text
// that decodes, encode(decode(t)) == t (strictness means exactly one text per byte string).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include <jot/base64url.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    if (auto decoded = jot::base64url::decode<std::string>(text)) {
        if (jot::base64url::encode(*decoded) != text) std::abort();
    }
    const std::string encoded = jot::base64url::encode(jot::bytes_view(data, size));
    auto back = jot::base64url::decode<std::string>(encoded);
    if (!back || *back != text) std::abort();
    return 0;
}
