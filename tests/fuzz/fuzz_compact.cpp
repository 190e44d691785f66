// SPDX-License-Identifier: MIT
// Fuzzes compact-token decoding (size, shape, base64url, UTF-8, strict JSON) through the unverified decoder.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <jot/dangerous.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view token(reinterpret_cast<const char*>(data), size);
    auto r = jot::dangerous::decode_unverified(token);
    if (r) {
        // Whatever decodes is two JSON objects; reading every registered claim must not crash.
        if (!r->header.json().is_object() || !r->claims.json().is_object()) std::abort();
        (void)r->claims.check_registered_types();
        (void)r->header.check_registered_types();
        (void)r->claims.audience();
        (void)r->header.critical();
    } else if (r.error().category() != jot::error_category()) {
        std::abort();
    }
    return 0;
}
