// SPDX-License-Identifier: MIT
// Tests for jot/header.hpp: typed reads of the registered JOSE header members (RFC 7515 §4.1).
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <nlohmann/json.hpp>

#include <jot/header.hpp>

#include "catch.hpp"

namespace {

std::error_code code(jot::errc e) { return jot::make_error_code(e); }

template <class T>
std::error_code error_of(const jot::result<T>& r) {
    return r ? std::error_code{} : r.error();
}

jot::header header_from(const char* text) { return jot::header::from_json(nlohmann::json::parse(text)).value(); }

} // namespace

TEST_CASE("header getters read alg, typ, kid, cty and crit as written", "[header][positive]") {
    const auto h = header_from(R"({"alg": "HS256", "typ": "JWT", "kid": "k-1", "cty": "example",
                                   "crit": ["exp1", "exp2"], "exp1": 1, "exp2": true})");
    REQUIRE(h.alg().value() == "HS256");
    REQUIRE(h.type().value() == "JWT");
    REQUIRE(h.key_id().value() == "k-1");
    REQUIRE(h.content_type().value() == "example");
    REQUIRE(h.critical().value() == std::vector<std::string_view>{"exp1", "exp2"});
    REQUIRE(h.get<int>("exp1").value() == 1);
    REQUIRE(h.get<bool>("exp2").value() == true);
    REQUIRE(h.contains("exp1"));
    REQUIRE(h.find("exp2") != nullptr);
}

TEST_CASE("header alg is returned as written, not normalised", "[header][positive]") {
    // Recognising the name is algorithm_from_string's job; the header reports what the token says.
    REQUIRE(header_from(R"({"alg": "none"})").alg().value() == "none");
    REQUIRE(header_from(R"({"alg": "hs256"})").alg().value() == "hs256");
}

TEST_CASE("header getters report header_member_missing for absent members", "[header][negative]") {
    const auto h = header_from(R"({"alg": "HS256", "KID": "upper-case is another member"})");
    const auto missing = code(jot::errc::header_member_missing);
    REQUIRE(error_of(h.type()) == missing);
    REQUIRE(error_of(h.key_id()) == missing);
    REQUIRE(error_of(h.content_type()) == missing);
    REQUIRE(error_of(h.critical()) == missing);
    REQUIRE(error_of(h.get<std::string>("x5u")) == missing);
    REQUIRE(error_of(jot::header().alg()) == missing);
    REQUIRE_FALSE(h.contains("kid"));
}

TEST_CASE("header getters report header_invalid_member for members of the wrong type, never missing",
          "[header][negative]") {
    const auto invalid = code(jot::errc::header_invalid_member);
    for (const char* value : {"5", "1.5", "true", "null", "[\"HS256\"]", "{}"}) {
        const std::string text = std::string(R"({"alg": )") + value + R"(, "typ": )" + value + R"(, "kid": )" +
                                 value + R"(, "cty": )" + value + "}";
        INFO(text);
        const auto h = header_from(text.c_str());
        REQUIRE(error_of(h.alg()) == invalid);
        REQUIRE(error_of(h.type()) == invalid);
        REQUIRE(error_of(h.key_id()) == invalid);
        REQUIRE(error_of(h.content_type()) == invalid);
    }
}

TEST_CASE("header crit must be an array of strings", "[header][negative]") {
    const auto invalid = code(jot::errc::header_invalid_member);
    for (const char* text : {R"({"crit": "exp1"})", R"({"crit": {"exp1": true}})", R"({"crit": null})",
                             R"({"crit": ["exp1", 2]})", R"({"crit": [["exp1"]]})"}) {
        INFO(text);
        REQUIRE(error_of(header_from(text).critical()) == invalid);
    }
}

TEST_CASE("header check_registered_types requires alg", "[header][negative]") {
    REQUIRE(error_of(header_from(R"({"typ": "JWT", "kid": "k"})").check_registered_types()) ==
            code(jot::errc::header_missing_alg));
    REQUIRE(error_of(jot::header().check_registered_types()) == code(jot::errc::header_missing_alg));
    // "ALG" is a different member: alg is still missing.
    REQUIRE(error_of(header_from(R"({"ALG": "HS256"})").check_registered_types()) ==
            code(jot::errc::header_missing_alg));
}

TEST_CASE("header check_registered_types rejects registered members of the wrong type", "[header][negative]") {
    const auto invalid = code(jot::errc::header_invalid_member);
    for (const char* text : {
             R"({"alg": 5})",
             R"({"alg": null})",
             R"({"alg": ["HS256"]})",
             R"({"alg": "HS256", "kid": 7})",
             R"({"alg": "HS256", "kid": null})",
             R"({"alg": "HS256", "typ": true})",
             R"({"alg": "HS256", "cty": {}})",
             R"({"alg": "HS256", "jku": 1})",
             R"({"alg": "HS256", "x5u": []})",
             R"({"alg": "HS256", "x5t": 1})",
             R"({"alg": "HS256", "x5t#S256": false})",
         }) {
        INFO(text);
        REQUIRE(error_of(header_from(text).check_registered_types()) == invalid);
    }
}

TEST_CASE("header check_registered_types accepts well-typed and private members", "[header][positive]") {
    const auto h = header_from(R"({"alg": "ES256", "typ": "at+jwt", "cty": "JWT", "kid": "",
                                   "jku": "https://example.com/jwks", "x5u": "https://example.com/x5",
                                   "x5t": "abc", "x5t#S256": "def", "private": {"any": [1, null]}, "n": 1})");
    REQUIRE(h.check_registered_types().has_value());
    REQUIRE(h.key_id().value().empty()); // an empty kid is present, not missing
}

TEST_CASE("header from_json refuses JSON that is not an object", "[header][negative]") {
    for (const char* text : {"[]", "\"HS256\"", "1", "null", "false"}) {
        INFO(text);
        REQUIRE(error_of(jot::header::from_json(nlohmann::json::parse(text))) == code(jot::errc::json_not_object));
    }
}

TEST_CASE("basic_header over ordered_json keeps member order and reads the same members",
          "[header][positive]") {
    auto h = jot::basic_header<nlohmann::ordered_json>::from_json(
                 nlohmann::ordered_json::parse(R"({"typ": "JWT", "alg": "HS256", "kid": 3})"))
                 .value();
    REQUIRE(h.json().dump() == R"({"typ":"JWT","alg":"HS256","kid":3})");
    REQUIRE(h.alg().value() == "HS256");
    REQUIRE(error_of(h.key_id()) == code(jot::errc::header_invalid_member));
    REQUIRE(error_of(h.check_registered_types()) == code(jot::errc::header_invalid_member));
}
