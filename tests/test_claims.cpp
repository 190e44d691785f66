// SPDX-License-Identifier: MIT
// Tests for jot/claims.hpp: typed reads of registered claims (RFC 7519 §4.1) and NumericDate (RFC 7519 §2).
#include <chrono>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <vector>

#include <nlohmann/json.hpp>

#include <jot/claims.hpp>

#include "catch.hpp"
#include "json_backends.hpp"

namespace {

using std::chrono::microseconds;
using std::chrono::seconds;

std::error_code code(jot::errc e) { return jot::make_error_code(e); }

template <class T>
std::error_code error_of(const jot::result<T>& r) {
    return r ? std::error_code{} : r.error();
}

// True for nlohmann's basic_json specialisations (nlohmann::json, nlohmann::ordered_json).
template <class Json>
constexpr bool is_nlohmann = nlohmann::detail::is_basic_json<Json>::value;

// `text` parsed by the backend's own library; nlohmann::ordered_json, which jot_test does not list, by its own.
template <class Json>
Json parse(const char* text) {
    if constexpr (std::is_same<Json, nlohmann::ordered_json>::value) return Json::parse(text);
    else return jot_test::parse_as<Json>(text);
}

template <class Json>
jot::basic_claims<Json> claims_from(const char* text) {
    return jot::basic_claims<Json>::from_json(parse<Json>(text)).value();
}

template <class Json>
jot::basic_claims<Json> claims_with(const char* name, Json value) {
    jot::basic_claims<Json> c;
    c.set(name, std::move(value));
    return c;
}

// Values that are neither a string nor a number, plus a number (for the string claims).
template <class Json>
std::vector<std::pair<const char*, Json>> non_string_values() {
    return {{"number", Json(5)},           {"float", Json(1.5)},          {"true", Json(true)},
            {"null", Json(nullptr)},       {"array", parse<Json>("[\"a\"]")}, {"object", parse<Json>("{}")}};
}

// Values that are not JSON numbers, including a numeric-looking string.
template <class Json>
std::vector<std::pair<const char*, Json>> non_number_values() {
    return {{"string", Json("1516239022")}, {"empty string", Json("")}, {"false", Json(false)},
            {"null", Json(nullptr)},       {"array", parse<Json>("[1516239022]")},
            {"object", parse<Json>("{\"exp\":1}")}};
}

template <class Json>
void check_absent_claims_are_missing() {
    const jot::basic_claims<Json> c = claims_from<Json>(R"({"custom": 1})");
    const auto missing = code(jot::errc::claim_missing);
    CHECK(error_of(c.issuer()) == missing);
    CHECK(error_of(c.subject()) == missing);
    CHECK(error_of(c.id()) == missing);
    CHECK(error_of(c.audience()) == missing);
    CHECK(error_of(c.expires_at()) == missing);
    CHECK(error_of(c.not_before()) == missing);
    CHECK(error_of(c.issued_at()) == missing);
    CHECK(error_of(c.template get<std::string>("iss")) == missing);
    CHECK(error_of(c.template get<int>("nope")) == missing);
    CHECK(error_of(c.template get<bool>("nope")) == missing);
    CHECK(error_of(c.template get<Json>("nope")) == missing);
    CHECK(error_of(c.template get<std::vector<std::string>>("nope")) == missing);
    CHECK_FALSE(c.contains("iss"));
    CHECK(c.find("iss") == nullptr);
    CHECK(c.contains("custom"));
    // Member names are case-sensitive: "ISS" is not "iss".
    const jot::basic_claims<Json> upper = claims_from<Json>(R"({"ISS": "x", "Exp": 1})");
    CHECK(error_of(upper.issuer()) == missing);
    CHECK(error_of(upper.expires_at()) == missing);
}

template <class Json>
void check_string_claims_of_wrong_type() {
    for (const auto& [label, value] : non_string_values<Json>()) {
        for (const char* name : {"iss", "sub", "jti"}) {
            INFO(name << " as " << label);
            const auto c = claims_with<Json>(name, value);
            REQUIRE(c.contains(name));
            const auto r = std::string_view(name) == "iss"   ? c.issuer()
                           : std::string_view(name) == "sub" ? c.subject()
                                                             : c.id();
            REQUIRE(error_of(r) == code(jot::errc::claim_wrong_type));
            REQUIRE(error_of(c.template get<std::string>(name)) == code(jot::errc::claim_wrong_type));
            REQUIRE(error_of(c.template get<std::string_view>(name)) == code(jot::errc::claim_wrong_type));
        }
    }
}

template <class Json>
void check_date_claims_of_wrong_type() {
    for (const auto& [label, value] : non_number_values<Json>()) {
        for (const char* name : {"exp", "nbf", "iat"}) {
            INFO(name << " as " << label);
            const auto c = claims_with<Json>(name, value);
            const auto r = std::string_view(name) == "exp"   ? c.expires_at()
                           : std::string_view(name) == "nbf" ? c.not_before()
                                                             : c.issued_at();
            REQUIRE(error_of(r) == code(jot::errc::claim_wrong_type));
            REQUIRE(error_of(c.template get<jot::numeric_date>(name)) == code(jot::errc::claim_wrong_type));
            REQUIRE(error_of(c.check_registered_types()) == code(jot::errc::claim_wrong_type));
        }
    }
}

template <class Json>
jot::result<jot::numeric_date> exp_of(const char* json_number) {
    const std::string text = std::string("{\"exp\": ") + json_number + "}";
    return claims_from<Json>(text.c_str()).expires_at();
}

template <class Json>
void check_numeric_dates_in_range() {
    struct row {
        const char* text;
        std::int64_t micros;
    };
    const row rows[] = {
        {"1516239022", 1516239022000000},
        {"1516239022.5", 1516239022500000},
        {"1516239022.123456", 1516239022123456},
        {"1700000000.000001", 1700000000000001},
        {"1.000001", 1000001},
        {"0.000001", 1},
        {"12345.999999", 12345999999},
        {"1e3", 1000000000},
        {"0", 0},
        {"0.0", 0},
        {"-0", 0},
        {"253402300799", 253402300799000000},
        {"253402300799.0", 253402300799000000},
    };
    for (const row& r : rows) {
        INFO("exp " << r.text);
        const auto d = exp_of<Json>(r.text);
        REQUIRE(d.has_value());
        REQUIRE(d->time_since_epoch().count() == r.micros);
    }
    // Built in code rather than parsed: signed and unsigned integers take different paths.
    const auto as_int = claims_with<Json>("iat", Json(std::int64_t{1516239022})).issued_at();
    REQUIRE(as_int.has_value());
    REQUIRE(as_int->time_since_epoch() == seconds(1516239022));
    const auto as_unsigned = claims_with<Json>("nbf", Json(std::uint64_t{1516239022})).not_before();
    REQUIRE(as_unsigned.has_value());
    REQUIRE(as_unsigned->time_since_epoch() == seconds(1516239022));
}

template <class Json>
void check_numeric_dates_out_of_range() {
    const auto out = code(jot::errc::numeric_date_out_of_range);
    for (const char* text : {"-1", "-0.5", "-9223372036854775808", "253402300800", "253402300799.5", "1e300",
                             "-1e300", "18446744073709551615", "9223372036854775807"}) {
        INFO("exp " << text);
        REQUIRE(error_of(exp_of<Json>(text)) == out);
    }
    INFO("values only code can make");
    REQUIRE(error_of(claims_with<Json>("exp", Json(std::int64_t{-1})).expires_at()) == out);
    REQUIRE(error_of(claims_with<Json>("exp", Json(std::int64_t{253402300800})).expires_at()) == out);
    REQUIRE(error_of(claims_with<Json>("exp", Json(std::numeric_limits<std::uint64_t>::max())).expires_at()) ==
            out);
    REQUIRE(error_of(claims_with<Json>("exp", Json(std::numeric_limits<double>::quiet_NaN())).expires_at()) ==
            out);
    REQUIRE(error_of(claims_with<Json>("exp", Json(std::numeric_limits<double>::infinity())).expires_at()) ==
            out);
    REQUIRE(error_of(claims_with<Json>("nbf", Json(-std::numeric_limits<double>::infinity())).not_before()) ==
            out);
    REQUIRE(error_of(claims_from<Json>(R"({"iat": 253402300800})").check_registered_types()) == out);
}

template <class Json>
void check_typed_get() {
    const auto c = claims_from<Json>(R"({
        "big": 2147483648, "min_int": -2147483648, "below_int": -2147483649, "neg": -1, "byte": 256,
        "max_u64": 18446744073709551615, "frac": 1.5, "flag": true, "name": "ada",
        "roles": ["admin", "ops"], "mixed": ["admin", 1], "empty": []
    })");
    const auto wrong = code(jot::errc::claim_wrong_type);

    SECTION("a number too large for the integer type is a wrong type, not truncated") {
        REQUIRE(error_of(c.template get<int>("big")) == wrong);
        REQUIRE(error_of(c.template get<std::int32_t>("below_int")) == wrong);
        REQUIRE(error_of(c.template get<std::uint8_t>("byte")) == wrong);
        REQUIRE(error_of(c.template get<unsigned>("neg")) == wrong);
        REQUIRE(error_of(c.template get<std::int64_t>("max_u64")) == wrong);
        REQUIRE(error_of(c.template get<int>("frac")) == wrong);
        REQUIRE(error_of(c.template get<int>("flag")) == wrong);
        REQUIRE(error_of(c.template get<int>("name")) == wrong);
    }
    SECTION("a number that fits is returned exactly") {
        REQUIRE(c.template get<std::int64_t>("big").value() == 2147483648);
        REQUIRE(c.template get<int>("min_int").value() == std::numeric_limits<int>::min());
        REQUIRE(c.template get<int>("neg").value() == -1);
        REQUIRE(c.template get<std::uint64_t>("max_u64").value() == std::numeric_limits<std::uint64_t>::max());
        REQUIRE(c.template get<double>("frac").value() == 1.5);
        REQUIRE(c.template get<double>("byte").value() == 256.0);
        REQUIRE(error_of(c.template get<double>("name")) == wrong);
    }
    SECTION("strings, booleans and the JSON value itself") {
        REQUIRE(c.template get<std::string>("name").value() == "ada");
        const std::string_view view = c.template get<std::string_view>("name").value();
        REQUIRE(view == "ada");
        if constexpr (is_nlohmann<Json>) {
            REQUIRE(view.data() == c.find("name")->template get_ref<const std::string&>().data()); // no copy
        } else {
            REQUIRE(view.data() == c.find("name")->get_string().data()); // no copy
        }
        REQUIRE(c.template get<bool>("flag").value() == true);
        REQUIRE(error_of(c.template get<bool>("neg")) == wrong);
        REQUIRE(error_of(c.template get<bool>("name")) == wrong);
        REQUIRE(c.template get<Json>("roles").value() == parse<Json>(R"(["admin","ops"])"));
    }
    SECTION("a list of strings") {
        REQUIRE(c.template get<std::vector<std::string>>("roles").value() ==
                std::vector<std::string>{"admin", "ops"});
        REQUIRE(c.template get<std::vector<std::string>>("empty").value().empty());
        REQUIRE(error_of(c.template get<std::vector<std::string>>("mixed")) == wrong);
        REQUIRE(error_of(c.template get<std::vector<std::string>>("name")) == wrong);
    }
}

template <class Json>
void check_audience() {
    const auto wrong = code(jot::errc::claim_wrong_type);
    // The views point into the claim set, so it must outlive them.
    const auto one = claims_from<Json>(R"({"aud": "api"})");
    const auto single = one.audience();
    REQUIRE(single.has_value());
    REQUIRE(*single == std::vector<std::string_view>{"api"});

    const auto two = claims_from<Json>(R"({"aud": ["api", "web"]})");
    const auto many = two.audience();
    REQUIRE(many.has_value());
    REQUIRE(*many == std::vector<std::string_view>{"api", "web"});

    for (const char* text : {R"({"aud": ["api", 1]})", R"({"aud": ["api", null]})", R"({"aud": [["api"]]})",
                             R"({"aud": 1})", R"({"aud": null})", R"({"aud": {"0": "api"}})", R"({"aud": true})"}) {
        INFO(text);
        const auto c = claims_from<Json>(text);
        REQUIRE(error_of(c.audience()) == wrong);
        REQUIRE(error_of(c.check_registered_types()) == wrong);
    }
}

template <class Json>
void check_registered_types_rules() {
    const auto ok = claims_from<Json>(R"({
        "iss": "https://issuer.example", "sub": "u1", "jti": "id-1", "aud": ["a", "b"],
        "exp": 1516239022, "nbf": 1516239000.25, "iat": 0,
        "custom_number": "any", "custom": {"nested": [1, null, true]}, "scope": 7
    })");
    REQUIRE(ok.check_registered_types().has_value());
    REQUIRE(jot::basic_claims<Json>().check_registered_types().has_value());

    struct row {
        const char* text;
        jot::errc expected;
    };
    const row rows[] = {
        {R"({"iss": 1})", jot::errc::claim_wrong_type},
        {R"({"sub": null})", jot::errc::claim_wrong_type},
        {R"({"jti": ["x"]})", jot::errc::claim_wrong_type},
        {R"({"aud": [1]})", jot::errc::claim_wrong_type},
        {R"({"exp": "1516239022"})", jot::errc::claim_wrong_type},
        {R"({"nbf": false})", jot::errc::claim_wrong_type},
        {R"({"iat": {}})", jot::errc::claim_wrong_type},
        {R"({"exp": -1})", jot::errc::numeric_date_out_of_range},
        {R"({"nbf": 253402300800})", jot::errc::numeric_date_out_of_range},
        {R"({"iat": 1e300})", jot::errc::numeric_date_out_of_range},
        {R"({"iss": "ok", "exp": 1, "sub": 2})", jot::errc::claim_wrong_type},
    };
    for (const row& r : rows) {
        INFO(r.text);
        REQUIRE(error_of(claims_from<Json>(r.text).check_registered_types()) == code(r.expected));
    }
}

template <class Json>
void check_from_json_needs_an_object() {
    for (const char* text : {"[]", "[{\"iss\":\"x\"}]", "\"iss\"", "1516239022", "null", "true"}) {
        INFO(text);
        const auto r = jot::basic_claims<Json>::from_json(parse<Json>(text));
        REQUIRE(error_of(r) == code(jot::errc::json_not_object));
    }
    const auto empty = jot::basic_claims<Json>::from_json(jot::json_traits<Json>::make_object());
    REQUIRE(empty.has_value());
    if constexpr (is_nlohmann<Json>) {
        REQUIRE(empty->json().empty());
    } else {
        REQUIRE(empty->json().get_object().empty());
    }
}

} // namespace

TEMPLATE_TEST_CASE("typed claim getters report claim_missing for absent claims", "[claims][negative]",
                   JOT_BACKENDS, nlohmann::ordered_json) {
    check_absent_claims_are_missing<TestType>();
}

TEMPLATE_TEST_CASE("iss, sub and jti of a non-string type are claim_wrong_type, never missing", "[claims][negative]",
                   JOT_BACKENDS, nlohmann::ordered_json) {
    check_string_claims_of_wrong_type<TestType>();
}

TEMPLATE_TEST_CASE("exp, nbf and iat that are not numbers are claim_wrong_type, never missing", "[claims][negative]",
                   JOT_BACKENDS, nlohmann::ordered_json) {
    check_date_claims_of_wrong_type<TestType>();
}

TEMPLATE_TEST_CASE("NumericDates from 0 to 253402300799 are read with microsecond precision", "[claims][positive]",
                   JOT_BACKENDS, nlohmann::ordered_json) {
    check_numeric_dates_in_range<TestType>();
}

TEMPLATE_TEST_CASE("NumericDates outside 0..253402300799 or not finite are numeric_date_out_of_range",
                   "[claims][negative]", JOT_BACKENDS, nlohmann::ordered_json) {
    check_numeric_dates_out_of_range<TestType>();
}

TEMPLATE_TEST_CASE("get<T> converts only values that fit T and never truncates", "[claims][negative]",
                   JOT_BACKENDS, nlohmann::ordered_json) {
    check_typed_get<TestType>();
}

TEMPLATE_TEST_CASE("aud is read as a string or an array of strings and nothing else", "[claims][negative]",
                   JOT_BACKENDS, nlohmann::ordered_json) {
    check_audience<TestType>();
}

TEMPLATE_TEST_CASE("check_registered_types accepts custom claims and rejects badly typed registered ones",
                   "[claims][negative]", JOT_BACKENDS, nlohmann::ordered_json) {
    check_registered_types_rules<TestType>();
}

TEMPLATE_TEST_CASE("claims from_json refuses JSON that is not an object", "[claims][negative]",
                   JOT_BACKENDS, nlohmann::ordered_json) {
    check_from_json_needs_an_object<TestType>();
}

TEMPLATE_TEST_CASE("claims set, erase and contains agree", "[claims][positive]", JOT_BACKENDS) {
    jot::basic_claims<TestType> c;
    REQUIRE_FALSE(c.contains("iss"));
    c.set("iss", "a");
    c.set("iss", "b"); // replaces
    REQUIRE(c.issuer().value() == "b");
    REQUIRE(jot::json_traits<TestType>::size(c.json()) == 1);
    REQUIRE(c.erase("iss"));
    REQUIRE_FALSE(c.erase("iss"));
    REQUIRE(error_of(c.issuer()) == code(jot::errc::claim_missing));
}

TEST_CASE("ordered_json claims keep their members in insertion order", "[claims][positive]") {
    const auto c = claims_from<nlohmann::ordered_json>(R"({"sub": "s", "iss": "i", "aud": "a"})");
    REQUIRE(c.json().dump() == R"({"sub":"s","iss":"i","aud":"a"})");
    REQUIRE(c.issuer().value() == "i");
}

#ifndef JOT_TEST_NO_BOOST_JSON
// The Boost.JSON counterpart of the ordered_json case: boost::json::object keeps insertion order too.
TEST_CASE("Boost.JSON claims keep their members in insertion order", "[claims][positive]") {
    const auto c = claims_from<boost::json::value>(R"({"sub": "s", "iss": "i", "aud": "a"})");
    std::string text;
    REQUIRE(jot::detail::write_json(c.json(), text));
    REQUIRE(text == R"({"sub":"s","iss":"i","aud":"a"})");
    REQUIRE(c.issuer().value() == "i");
}
#endif
