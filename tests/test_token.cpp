// SPDX-License-Identifier: MIT
// Tests for compact JWS decoding (RFC 7515 §7.1) through jot/token.hpp and jot/dangerous.hpp: shape, size,
// UTF-8, strict JSON and the promise that no exception escapes for hostile input.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <system_error>

#include <nlohmann/json.hpp>

#include <jot/base64url.hpp>
#include <jot/dangerous.hpp>
#include <jot/token.hpp>

#include "catch.hpp"

namespace {

std::error_code code(jot::errc e) { return jot::make_error_code(e); }

template <class T>
std::error_code error_of(const jot::result<T>& r) {
    return r ? std::error_code{} : r.error();
}

std::string b64(std::string_view raw) { return jot::base64url::encode(raw); }

// A compact token from the raw header and payload text (any bytes, valid UTF-8 or not) and signature.
std::string make_token(std::string_view header, std::string_view payload,
                       std::string_view signature = "0123456789abcdef0123456789abcdef") {
    return b64(header) + "." + b64(payload) + "." + b64(signature);
}

constexpr std::string_view good_header = R"({"alg":"HS256","typ":"JWT"})";
constexpr std::string_view good_payload = R"({"sub":"1234567890","iat":1516239022})";

std::error_code decode_error(std::string_view token, const jot::decode_options& opts = {}) {
    return error_of(jot::dangerous::decode_unverified(token, opts));
}

// A payload of `depth` nesting levels: the top-level object, then depth - 1 arrays.
std::string nested_arrays(std::size_t depth) {
    return R"({"a":)" + std::string(depth - 1, '[') + std::string(depth - 1, ']') + "}";
}

// A payload of `depth` nesting levels made of objects only.
std::string nested_objects(std::size_t depth) {
    std::string s;
    for (std::size_t i = 1; i < depth; ++i) s += R"({"a":)";
    s += R"({"a":1})";
    s += std::string(depth - 1, '}');
    return s;
}

} // namespace

TEST_CASE("decode_unverified decodes a well-formed compact token", "[token][positive]") {
    const std::string sig("\x00\xff\x10sig", 6);
    const std::string token = make_token(good_header, good_payload, sig);
    auto t = jot::dangerous::decode_unverified(token);
    REQUIRE(t.has_value());
    REQUIRE(t->header.alg().value() == "HS256");
    REQUIRE(t->header.type().value() == "JWT");
    REQUIRE(t->claims.subject().value() == "1234567890");
    REQUIRE(t->claims.issued_at().value().time_since_epoch() == std::chrono::seconds(1516239022));
    REQUIRE(t->signature == sig);

    auto ordered = jot::dangerous::decode_unverified<nlohmann::ordered_json>(token);
    REQUIRE(ordered.has_value());
    REQUIRE(ordered->claims.json().dump() == good_payload);
}

TEST_CASE("split_compact returns the three segments and the signing input", "[token][positive]") {
    auto p = jot::detail::split_compact("aGVh.cGF5.c2ln", jot::decode_options{});
    REQUIRE(p.has_value());
    REQUIRE(p->header == "aGVh");
    REQUIRE(p->payload == "cGF5");
    REQUIRE(p->signature == "c2ln");
    REQUIRE(p->signing_input == "aGVh.cGF5");
}

TEST_CASE("a token without exactly three segments is token_not_compact", "[token][negative]") {
    const std::string h = b64(good_header), p = b64(good_payload), s = b64("signature");
    const std::string cases[] = {
        h,                              // 1 segment
        h + "." + p,                    // 2 segments
        h + "." + p + "." + s + "." + s, // 4 segments
        h + "." + p + "." + s + ".",    // 4 segments, last empty
        "a.b.c.d.e",                    // 5 segments
        "",                             // nothing at all
    };
    for (const std::string& token : cases) {
        INFO("token " << token);
        REQUIRE(error_of(jot::detail::split_compact(token, jot::decode_options{})) ==
                code(jot::errc::token_not_compact));
        REQUIRE(decode_error(token) == code(jot::errc::token_not_compact));
    }
}

TEST_CASE("a token of 100,000 dots is token_not_compact", "[token][negative]") {
    // No timing here (timings belong to benchmarks/): the split stops at the third '.', which the fuzzers and
    // the benchmark exercise; this checks the verdict.
    const std::string dots(100000, '.');
    jot::decode_options big;
    big.max_token_size = 1 << 20;
    REQUIRE(decode_error(dots, big) == code(jot::errc::token_not_compact));
    // Under the default limit, the size check comes first.
    REQUIRE(decode_error(dots) == code(jot::errc::token_too_large));
}

TEST_CASE("a token with an empty segment is empty_segment", "[token][negative]") {
    const std::string h = b64(good_header), p = b64(good_payload), s = b64("signature");
    const std::string cases[] = {"..", "." + p + "." + s, h + ".." + s, h + "." + p + ".", ".." + s, h + ".."};
    for (const std::string& token : cases) {
        INFO("token " << token);
        REQUIRE(error_of(jot::detail::split_compact(token, jot::decode_options{})) ==
                code(jot::errc::empty_segment));
        REQUIRE(decode_error(token) == code(jot::errc::empty_segment));
    }
}

TEST_CASE("a token longer than max_token_size is token_too_large", "[token][negative]") {
    const std::string token = make_token(good_header, good_payload);
    jot::decode_options opts;
    opts.max_token_size = token.size();
    REQUIRE(decode_error(token, opts) == std::error_code{}); // exactly at the limit
    opts.max_token_size = token.size() - 1;
    REQUIRE(decode_error(token, opts) == code(jot::errc::token_too_large));
    REQUIRE(error_of(jot::detail::split_compact(token, opts)) == code(jot::errc::token_too_large));
}

TEST_CASE("a 1 MiB payload is token_too_large under the default options", "[token][negative]") {
    const std::string payload = R"({"pad":")" + std::string(1 << 20, 'x') + R"("})";
    REQUIRE(decode_error(make_token(good_header, payload)) == code(jot::errc::token_too_large));
    // The default bound is what decode_options documents, so a token a little under it still decodes.
    const std::string under = R"({"pad":")" + std::string(40 * 1024, 'x') + R"("})";
    const std::string token = make_token(good_header, under);
    REQUIRE(token.size() < jot::decode_options{}.max_token_size);
    REQUIRE(decode_error(token) == std::error_code{});
}

TEST_CASE("header or payload bytes that are not well-formed UTF-8 are invalid_utf8", "[token][negative]") {
    struct row {
        const char* id;
        std::string bytes;
    };
    const row rows[] = {
        {"overlong solidus C0 AF", "\xC0\xAF"},
        {"overlong C1 BF", "\xC1\xBF"},
        {"overlong 3-byte E0 80 AF", "\xE0\x80\xAF"},
        {"surrogate ED A0 80 (U+D800)", "\xED\xA0\x80"},
        {"surrogate ED BF BF (U+DFFF)", "\xED\xBF\xBF"},
        {"lone continuation 80", "\x80"},
        {"lone continuation BF", "\xBF"},
        {"truncated 3-byte E6 97", "\xE6\x97"},
        {"truncated 4-byte F0 9F 98", "\xF0\x9F\x98"},
        {"above U+10FFFF F4 90 80 80", "\xF4\x90\x80\x80"},
        {"F5 lead", "\xF5\x80\x80\x80"},
        {"FF byte", "\xFF"},
    };
    for (const row& r : rows) {
        INFO("case " << r.id);
        const std::string in_value = R"({"alg":"HS256","x":")" + r.bytes + R"("})";
        const std::string in_name = R"({"alg":"HS256",")" + r.bytes + R"(":1})";
        const std::string payload_value = R"({"sub":")" + r.bytes + R"("})";
        const std::string at_end = std::string(good_payload) + r.bytes; // not JSON either: UTF-8 is checked first
        REQUIRE(decode_error(make_token(in_value, good_payload)) == code(jot::errc::invalid_utf8));
        REQUIRE(decode_error(make_token(in_name, good_payload)) == code(jot::errc::invalid_utf8));
        REQUIRE(decode_error(make_token(good_header, payload_value)) == code(jot::errc::invalid_utf8));
        REQUIRE(decode_error(make_token(good_header, at_end)) == code(jot::errc::invalid_utf8));
    }
}

TEST_CASE("valid multi-byte UTF-8 in header and payload decodes unchanged", "[token][positive]") {
    const std::string samples[] = {
        "\xC3\xA9",                 // é
        "\xE6\x97\xA5\xE6\x9C\xAC", // 日本
        "\xF0\x9F\x98\x80",         // 😀
        "\xED\x9F\xBF",             // U+D7FF, just below the surrogates
        "\xEE\x80\x80",             // U+E000, just above them
        "\xF4\x8F\xBF\xBF",         // U+10FFFF, the last code point
    };
    for (const std::string& s : samples) {
        INFO("sample of " << s.size() << " bytes");
        const std::string header = R"({"alg":"HS256","kid":")" + s + R"("})";
        const std::string payload = R"({"name":")" + s + R"(",")" + s + R"(":true})";
        auto t = jot::dangerous::decode_unverified(make_token(header, payload));
        REQUIRE(t.has_value());
        REQUIRE(t->header.key_id().value() == s);
        REQUIRE(t->claims.get<std::string>("name").value() == s);
        REQUIRE(t->claims.get<bool>(s).value());
    }
}

TEST_CASE("header or payload that is not JSON text is json_invalid", "[token][negative]") {
    for (const char* text : {"not json", "{", "{\"a\":}", "{'a':1}", "{\"a\":1,}", "{a:1}", " ", "{\"a\":01}",
                             "{\"a\":1e400}", "{\"a\":NaN}", "{\"a\":\"\x01\"}", "{\"a\":1} // comment"}) {
        INFO("text " << text);
        REQUIRE(decode_error(make_token(good_header, text)) == code(jot::errc::json_invalid));
        REQUIRE(decode_error(make_token(text, good_payload)) == code(jot::errc::json_invalid));
    }
}

TEST_CASE("header or payload that is a JSON array, string, number or literal is json_not_object",
          "[token][negative]") {
    for (const char* text : {"[]", "[{\"alg\":\"HS256\"}]", "\"HS256\"", "42", "-1.5", "null", "true"}) {
        INFO("text " << text);
        REQUIRE(decode_error(make_token(good_header, text)) == code(jot::errc::json_not_object));
        REQUIRE(decode_error(make_token(text, good_payload)) == code(jot::errc::json_not_object));
    }
}

TEST_CASE("a member named twice is json_duplicate_member, at the top level and nested",
          "[token][negative]") {
    const auto dup = code(jot::errc::json_duplicate_member);
    SECTION("top level") {
        REQUIRE(decode_error(make_token(good_header, R"({"sub":"a","sub":"b"})")) == dup);
        REQUIRE(decode_error(make_token(R"({"alg":"HS256","alg":"none"})", good_payload)) == dup);
        REQUIRE(decode_error(make_token(good_header, R"({"exp":1,"iat":2,"exp":1})")) == dup);
    }
    SECTION("nested in an object and in an array") {
        REQUIRE(decode_error(make_token(good_header, R"({"a":{"b":1,"b":1}})")) == dup);
        REQUIRE(decode_error(make_token(good_header, R"({"a":[1,{"b":1,"c":{},"b":2}]})")) == dup);
    }
    SECTION("the same name spelled with an escape") {
        REQUIRE(decode_error(make_token(good_header, R"({"sub":"a","\u0073ub":"b"})")) == dup);
    }
    SECTION("the same name in sibling objects is not a duplicate") {
        REQUIRE(decode_error(make_token(good_header, R"({"a":{"b":1},"c":{"b":2},"d":[{"b":3},{"b":4}]})")) ==
                std::error_code{});
    }
}

TEST_CASE("nesting deeper than max_json_depth is json_too_deep; exactly at the limit decodes",
          "[token][negative]") {
    const std::size_t limit = jot::decode_options{}.max_json_depth;
    const auto deep = code(jot::errc::json_too_deep);
    REQUIRE(decode_error(make_token(good_header, nested_arrays(limit))) == std::error_code{});
    REQUIRE(decode_error(make_token(good_header, nested_arrays(limit + 1))) == deep);
    REQUIRE(decode_error(make_token(good_header, nested_objects(limit))) == std::error_code{});
    REQUIRE(decode_error(make_token(good_header, nested_objects(limit + 1))) == deep);
    REQUIRE(decode_error(make_token(nested_objects(limit + 1), good_payload)) == deep);

    jot::decode_options flat;
    flat.max_json_depth = 1;
    REQUIRE(decode_error(make_token(good_header, R"({"a":1})"), flat) == std::error_code{});
    REQUIRE(decode_error(make_token(good_header, R"({"a":[]})"), flat) == deep);
    REQUIRE(decode_error(make_token(good_header, R"({"a":{}})"), flat) == deep);
}

TEST_CASE("100,000 nested array openers are rejected without exhausting the stack", "[token][negative]") {
    jot::decode_options big;
    big.max_token_size = 1 << 20;
    const std::string opens(100000, '[');
    REQUIRE(decode_error(make_token(good_header, opens), big) == code(jot::errc::json_not_object));
    REQUIRE(decode_error(make_token(good_header, R"({"a":)" + opens), big) == code(jot::errc::json_too_deep));
    const std::string balanced = R"({"a":)" + opens + std::string(100000, ']') + "}";
    REQUIRE(decode_error(make_token(good_header, balanced), big) == code(jot::errc::json_too_deep));
}

TEST_CASE("anything after the top-level object is json_invalid", "[token][negative]") {
    // nlohmann's lexer alone would read a NUL as the end of input and accept whatever follows it.
    const std::string trailers[] = {"x", "{}", "]", "}", ",", "1", "\"\"", std::string(1, '\0'),
                                    std::string("\0{\"sub\":\"admin\"}", 16)};
    for (const std::string& t : trailers) {
        INFO("trailer byte " << static_cast<int>(static_cast<unsigned char>(t[0])));
        REQUIRE(decode_error(make_token(good_header, std::string(good_payload) + t)) ==
                code(jot::errc::json_invalid));
        REQUIRE(decode_error(make_token(std::string(good_header) + t, good_payload)) ==
                code(jot::errc::json_invalid));
    }
}

TEST_CASE("a raw NUL byte anywhere in the JSON text is json_invalid", "[token][negative]") {
    const std::string cases[] = {std::string("{\"a\":\"x\0y\"}", 11), std::string("{\"a\":1\0}", 8),
                                 std::string("\0{\"a\":1}", 8)};
    for (const std::string& text : cases) {
        INFO("NUL at offset " << text.find('\0'));
        REQUIRE(decode_error(make_token(good_header, text)) == code(jot::errc::json_invalid));
    }
}

TEST_CASE("an escaped lone surrogate is json_invalid; an escaped pair decodes", "[token][negative]") {
    for (const char* text : {R"({"a":"\ud800"})", R"({"a":"\udc00"})", R"({"a":"\ud800\u0041"})",
                             R"({"a":"\ud800x"})", R"({"\udbff":1})"}) {
        INFO("text " << text);
        REQUIRE(decode_error(make_token(good_header, text)) == code(jot::errc::json_invalid));
    }
    auto t = jot::dangerous::decode_unverified(make_token(good_header, R"({"a":"\ud83d\ude00"})"));
    REQUIRE(t.has_value());
    REQUIRE(t->claims.get<std::string>("a").value() == "\xF0\x9F\x98\x80");
}

TEST_CASE("each segment must be strict base64url", "[token][negative]") {
    const std::string h = b64(good_header), p = b64(good_payload);
    REQUIRE(decode_error(h + "=." + p + ".c2ln") == code(jot::errc::base64_padding));
    REQUIRE(decode_error(h + "." + p + ".c2lnbg==") == code(jot::errc::base64_padding));
    REQUIRE(decode_error(h + "." + p + "+." + "c2ln") == code(jot::errc::base64_invalid_character));
    REQUIRE(decode_error(h + "." + p + ".c2lnb") == code(jot::errc::base64_invalid_length));
    REQUIRE(decode_error(h + "." + p + ".QR") == code(jot::errc::base64_non_canonical));
}

TEST_CASE("no exception escapes decode_unverified for ~4,000 mutated tokens", "[token][negative]") {
    // Deterministic mutations of a valid token: every outcome must be a value or a malformed-input code.
    const std::string header = R"({"alg":"HS256","typ":"JWT","kid":"k-1","crit":["x"],"x":[1,{"y":null}]})";
    const std::string payload = "{\"sub\":\"Jos\xC3\xA9 \xE6\x97\xA5\",\"aud\":[\"a\",\"b\"],\"exp\":1516239022,"
                                "\"n\":{\"x\":[1,2.5e3,-0,null,true,\"\\u00e9\\ud83d\\ude00\"]}}";
    const std::string valid = make_token(header, payload);
    REQUIRE(decode_error(valid) == std::error_code{});

    std::mt19937 rng(7515);
    auto pick = [&](std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng); };
    auto mutate = [&](std::string s) {
        const std::size_t ops = 1 + pick(3);
        for (std::size_t i = 0; i < ops; ++i) {
            switch (pick(3)) {
            case 0:
                if (!s.empty()) s[pick(s.size())] ^= static_cast<char>(1u << pick(8));
                break;
            case 1: s.insert(s.begin() + static_cast<std::ptrdiff_t>(pick(s.size() + 1)), static_cast<char>(pick(256))); break;
            default:
                if (!s.empty()) s.erase(pick(s.size()), 1);
                break;
            }
        }
        return s;
    };

    std::size_t decoded = 0, failed = 0;
    std::set<int> codes_seen;
    auto feed = [&](const std::string& token, int index) {
        INFO("mutation " << index);
        jot::result<jot::dangerous::unverified_token> r = jot::errc::crypto_failure;
        REQUIRE_NOTHROW(r = jot::dangerous::decode_unverified(token));
        if (r) {
            ++decoded;
            REQUIRE(r->header.json().is_object());
            REQUIRE(r->claims.json().is_object());
        } else {
            ++failed;
            REQUIRE(r.error().category() == jot::error_category());
            REQUIRE(r.error() == jot::condition::malformed);
            codes_seen.insert(r.error().value());
        }
    };

    SECTION("mutating the compact text") {
        for (int i = 0; i < 2000; ++i) feed(mutate(valid), i);
        REQUIRE(decoded > 0);
        REQUIRE(failed > 0);
        REQUIRE(codes_seen.size() >= 4);
    }
    SECTION("mutating the JSON text inside the segments") {
        for (int i = 0; i < 2000; ++i) {
            const bool in_header = pick(2) == 0;
            feed(make_token(in_header ? mutate(header) : header, in_header ? payload : mutate(payload)), i);
        }
        REQUIRE(decoded > 0);
        REQUIRE(failed > 0);
        // Mutations reach the UTF-8 check and the JSON parser, not just the base64url layer.
        REQUIRE(codes_seen.count(static_cast<int>(jot::errc::invalid_utf8)) == 1);
        REQUIRE(codes_seen.count(static_cast<int>(jot::errc::json_invalid)) == 1);
    }
}
