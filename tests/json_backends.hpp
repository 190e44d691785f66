// SPDX-License-Identifier: MIT
// What tests run against both JSON backends share: JOT_BACKENDS for TEMPLATE_TEST_CASE, each library's own
// parser, and conversions between the two for building inputs and comparing results.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>

#include <nlohmann/json.hpp>

#include <jot/detail/json_write.hpp>
#include <jot/json_traits.hpp>

// The backends a TEMPLATE_TEST_CASE runs against: TEMPLATE_TEST_CASE("name", "[tags]", JOT_BACKENDS).
// tests/CMakeLists.txt defines JOT_TEST_NO_BOOST_JSON when Boost.JSON is not found (the quick start installs it).
#ifdef JOT_TEST_NO_BOOST_JSON
#define JOT_BACKENDS nlohmann::json
#else
#include <boost/json.hpp>
#include <jot/json/boost.hpp>
#define JOT_BACKENDS nlohmann::json, boost::json::value
#endif

namespace jot_test {

/// Each library's own parser, so the values under test are the ones a user of that library holds.
template <class Json>
struct backend;

template <>
struct backend<nlohmann::json> {
    static nlohmann::json parse(std::string_view text) { return nlohmann::json::parse(text); }
};

#ifndef JOT_TEST_NO_BOOST_JSON
template <>
struct backend<boost::json::value> {
    static boost::json::value parse(std::string_view text) {
        return boost::json::parse(boost::json::string_view(text.data(), text.size()));
    }
};
#endif

/// `text` parsed by the backend's own library (throws on bad JSON, like nlohmann::json::parse).
template <class Json>
Json parse_as(std::string_view text) {
    return backend<Json>::parse(text);
}

/// An nlohmann::json value (a literal in a test, say) as a value of `Json`.
template <class Json>
Json to_backend(const nlohmann::json& v) {
    if constexpr (std::is_same<Json, nlohmann::json>::value) return v;
    else return backend<Json>::parse(v.dump());
}

/// A value of either backend as nlohmann::json (written by jot's writer for that backend), to compare values.
template <class Json>
nlohmann::json to_nlohmann(const Json& v) {
    std::string text;
    if (!jot::detail::write_json(v, text)) throw std::runtime_error("jot cannot write this value");
    return nlohmann::json::parse(text);
}

/// A string as a value of `Json`.
template <class Json>
Json json_string(std::string_view s) {
    return jot::json_traits<Json>::make_string(s);
}

} // namespace jot_test
