// SPDX-License-Identifier: MIT
// A verified token whose JSON text no longer parses must stop the process, never show an empty header or
// claim set. Run by expect_abort.cmake: `reparse claims|header` must abort with jot's message; `reparse valid`
// must read the members back and exit 0.
#include <cstdio>
#include <cstring>
#include <string>

#include <nlohmann/json.hpp>

#include <jot/token.hpp>

int main(int argc, char** argv) {
    if (argc != 2) return 2;
    const std::string which = argv[1];
    // token_data holds the header text, then the payload text; the verifier only fills it with text that
    // json_scanner accepted. Here one part is text that parse_object refuses, as if the two disagreed.
    jot::detail::token_data<nlohmann::json> data(32);
    const std::string header = which == "header" ? R"({"alg":"HS256",})" : R"({"alg":"HS256"})";
    const std::string payload = which == "claims" ? R"({"sub":"x")" : R"({"sub":"x"})";
    data.text() = header + payload;
    data.set_header_size(header.size());
    if (which == "valid") {
        const bool ok = data.header().alg().value() == "HS256" && data.claims().subject().value() == "x";
        std::puts(ok ? "members read back" : "members missing");
        return ok ? 0 : 1;
    }
    const std::size_t members = which == "header" ? data.header().json().size() : data.claims().json().size();
    std::printf("returned normally with %zu members: an empty %s was handed out silently\n", members, which.c_str());
    return 0;
}
