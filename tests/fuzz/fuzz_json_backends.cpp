// SPDX-License-Identifier: MIT
// Differential fuzzer of the two JSON backends: for any text, nlohmann::json and Boost.JSON give the same verdict
// and error code under jot's strict rules, hold the same document, and Boost's written text reads back the same.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include <boost/json.hpp>
#include <nlohmann/json.hpp>

#include <jot/json/boost.hpp>

namespace {

[[noreturn]] void fail(const char* what) {
    std::fprintf(stderr, "fuzz_json_backends: %s\n", what);
    std::abort();
}

void check(std::string_view text, std::size_t depth) {
    auto n = jot::detail::parse_object<nlohmann::json>(text, depth);
    auto b = jot::detail::parse_object<boost::json::value>(text, depth);
    if (n.has_value() != b.has_value()) fail("the backends disagree on the verdict");
    if (!n) {
        if (n.error() != b.error()) fail("the backends refuse with different codes");
        return;
    }
    std::string written;
    if (!jot::detail::write_json(*b, written)) fail("Boost's document cannot be written");
    // The written text is strict JSON again (no depth bound: the document is as deep as the text was).
    auto again = jot::detail::parse_object<boost::json::value>(written, depth + 1);
    if (!again) fail("Boost's written text does not parse");
    if (*again != *b) fail("Boost's written text reads back differently");
    if (nlohmann::json::parse(written) != *n) fail("the backends hold different documents");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    check(text, 64);
    check(text, size % 4);
    return 0;
}
