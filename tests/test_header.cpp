// SPDX-License-Identifier: MIT
// Tests for jot/header.hpp: typed reads of the registered JOSE header members (RFC 7515 §4.1).
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <nlohmann/json.hpp>

#include <jot/header.hpp>

#include "catch.hpp"
#include "json_backends.hpp"

namespace {

std::error_code code(jot::errc e) { return jot::make_error_code(e); }

template <class T>
std::error_code error_of(const jot::result<T>& r) {
    return r ? std::error_code{} : r.error();
}

template <class Json>
jot::basic_header<Json> header_from(const char* text) {
    return jot::basic_header<Json>::from_json(jot_test::parse_as<Json>(text)).value();
}

} // namespace

TEMPLATE_TEST_CASE("header getters read alg, typ, kid, cty and crit as written", "[header][positive]", JOT_BACKENDS) {
    const auto h = header_from<TestType>(R"({"alg": "HS256", "typ": "JWT", "kid": "k-1", "cty": "example",
                                             "crit": ["exp1", "exp2"], "exp1": 1, "exp2": true})");
    REQUIRE(h.alg().value() == "HS256");
    REQUIRE(h.type().value() == "JWT");
    REQUIRE(h.key_id().value() == "k-1");
    REQUIRE(h.content_type().value() == "example");
    REQUIRE(h.critical().value() == std::vector<std::string_view>{"exp1", "exp2"});
    REQUIRE(h.template get<int>("exp1").value() == 1);
    REQUIRE(h.template get<bool>("exp2").value() == true);
    REQUIRE(h.contains("exp1"));
    REQUIRE(h.find("exp2") != nullptr);
}

TEMPLATE_TEST_CASE("header alg is returned as written, not normalised", "[header][positive]", JOT_BACKENDS) {
    // Recognising the name is algorithm_from_string's job; the header reports what the token says.
    REQUIRE(header_from<TestType>(R"({"alg": "none"})").alg().value() == "none");
    REQUIRE(header_from<TestType>(R"({"alg": "hs256"})").alg().value() == "hs256");
}

TEMPLATE_TEST_CASE("header getters report header_member_missing for absent members",
                   "[header][negative]", JOT_BACKENDS) {
    const auto h = header_from<TestType>(R"({"alg": "HS256", "KID": "upper-case is another member"})");
    const auto missing = code(jot::errc::header_member_missing);
    REQUIRE(error_of(h.type()) == missing);
    REQUIRE(error_of(h.key_id()) == missing);
    REQUIRE(error_of(h.content_type()) == missing);
    REQUIRE(error_of(h.critical()) == missing);
    REQUIRE(error_of(h.template get<std::string>("x5u")) == missing);
    REQUIRE(error_of(jot::basic_header<TestType>().alg()) == missing);
    REQUIRE_FALSE(h.contains("kid"));
}

TEMPLATE_TEST_CASE("header getters report header_invalid_member for members of the wrong type, never missing",
                   "[header][negative]", JOT_BACKENDS) {
    const auto invalid = code(jot::errc::header_invalid_member);
    for (const char* value : {"5", "1.5", "true", "null", "[\"HS256\"]", "{}"}) {
        const std::string text = std::string(R"({"alg": )") + value + R"(, "typ": )" + value + R"(, "kid": )" +
                                 value + R"(, "cty": )" + value + "}";
        INFO(text);
        const auto h = header_from<TestType>(text.c_str());
        REQUIRE(error_of(h.alg()) == invalid);
        REQUIRE(error_of(h.type()) == invalid);
        REQUIRE(error_of(h.key_id()) == invalid);
        REQUIRE(error_of(h.content_type()) == invalid);
    }
}

TEMPLATE_TEST_CASE("header crit must be an array of strings", "[header][negative]", JOT_BACKENDS) {
    const auto invalid = code(jot::errc::header_invalid_member);
    for (const char* text : {R"({"crit": "exp1"})", R"({"crit": {"exp1": true}})", R"({"crit": null})",
                             R"({"crit": ["exp1", 2]})", R"({"crit": [["exp1"]]})"}) {
        INFO(text);
        REQUIRE(error_of(header_from<TestType>(text).critical()) == invalid);
    }
}

TEMPLATE_TEST_CASE("header check_registered_types requires alg", "[header][negative]", JOT_BACKENDS) {
    REQUIRE(error_of(header_from<TestType>(R"({"typ": "JWT", "kid": "k"})").check_registered_types()) ==
            code(jot::errc::header_missing_alg));
    REQUIRE(error_of(jot::basic_header<TestType>().check_registered_types()) == code(jot::errc::header_missing_alg));
    // "ALG" is a different member: alg is still missing.
    REQUIRE(error_of(header_from<TestType>(R"({"ALG": "HS256"})").check_registered_types()) ==
            code(jot::errc::header_missing_alg));
}

TEMPLATE_TEST_CASE("header check_registered_types rejects registered members of the wrong type",
                   "[header][negative]", JOT_BACKENDS) {
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
        REQUIRE(error_of(header_from<TestType>(text).check_registered_types()) == invalid);
    }
}

TEMPLATE_TEST_CASE("header check_registered_types accepts well-typed and private members",
                   "[header][positive]", JOT_BACKENDS) {
    const auto h = header_from<TestType>(R"({"alg": "ES256", "typ": "at+jwt", "cty": "JWT", "kid": "",
                                             "jku": "https://example.com/jwks", "x5u": "https://example.com/x5",
                                             "x5t": "abc", "x5t#S256": "def", "private": {"any": [1, null]},
                                             "n": 1})");
    REQUIRE(h.check_registered_types().has_value());
    REQUIRE(h.key_id().value().empty()); // an empty kid is present, not missing
}

TEMPLATE_TEST_CASE("header from_json refuses JSON that is not an object", "[header][negative]", JOT_BACKENDS) {
    for (const char* text : {"[]", "\"HS256\"", "1", "null", "false"}) {
        INFO(text);
        REQUIRE(error_of(jot::basic_header<TestType>::from_json(jot_test::parse_as<TestType>(text))) ==
                code(jot::errc::json_not_object));
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

#ifndef JOT_TEST_NO_BOOST_JSON
// The Boost.JSON counterpart of the ordered_json case: boost::json::object keeps insertion order too.
TEST_CASE("basic_header over Boost.JSON keeps member order and reads the same members", "[header][positive]") {
    auto h = jot::boost_json::header::from_json(
                 jot_test::parse_as<boost::json::value>(R"({"typ": "JWT", "alg": "HS256", "kid": 3})"))
                 .value();
    std::string text;
    REQUIRE(jot::detail::write_json(h.json(), text));
    REQUIRE(text == R"({"typ":"JWT","alg":"HS256","kid":3})");
    REQUIRE(h.alg().value() == "HS256");
    REQUIRE(error_of(h.key_id()) == code(jot::errc::header_invalid_member));
    REQUIRE(error_of(h.check_registered_types()) == code(jot::errc::header_invalid_member));
}
#endif
