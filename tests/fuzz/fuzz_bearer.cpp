// SPDX-License-Identifier: MIT
// Fuzzes Authorization header parsing: whatever is accepted is a b64token inside the input.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <jot/bearer.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view header(reinterpret_cast<const char*>(data), size);
    auto t = jot::bearer::extract(header);
    if (t) {
        if (t->empty() || t->data() < header.data() || t->data() + t->size() > header.data() + header.size())
            std::abort();
        for (char c : *t)
            if (!(jot::bearer::detail::is_b64token_char(c) || c == '=')) std::abort();
    }
    (void)jot::bearer::challenge(t ? std::error_code() : t.error(), header, header);
    return 0;
}
