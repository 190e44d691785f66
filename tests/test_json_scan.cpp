// SPDX-License-Identifier: MIT
// Tests for the DOM-free JSON scanner and writer in jot/detail/json_scan.hpp and json_write.hpp: their verdicts and output must equal
// parse_object's and nlohmann's dump(), because a verified token later builds its DOM from the same text.
// Also: the verifier's scanning path against its DOM path, and the builder's text against dump().
#include <chrono>
#include <cstdint>
#include <limits>
#include <map>
#include <random>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include <jot/base64url.hpp>
#include <jot/builder.hpp>
#include <jot/clock.hpp>
#include <jot/detail/json_dom.hpp>
#include <jot/detail/json_scan.hpp>
#include <jot/detail/json_write.hpp>
#include <jot/error.hpp>
#include <jot/hmac_key.hpp>
#include <jot/verifier.hpp>

#include "catch.hpp"

namespace {

using json = nlohmann::json;
using jot::detail::scanned_value;

/// Records what the scanner reports, as JSON, so it can be compared with the DOM.
struct recorder {
    json members = json::object();
    std::string current;

    static json to_json(const scanned_value& v) {
        switch (v.type) {
        case scanned_value::kind::null: return nullptr;
        case scanned_value::kind::boolean: return v.boolean;
        case scanned_value::kind::number_unsigned: return v.unsigned_value;
        case scanned_value::kind::number_integer: return v.integer_value;
        case scanned_value::kind::number_float: return v.float_value;
        case scanned_value::kind::string: return std::string(v.string);
        case scanned_value::kind::object: return json::object();
        case scanned_value::kind::array: return json::array();
        }
        return json();
    }
    void member(std::string_view name, const scanned_value& v) {
        current = std::string(name);
        members[current] = to_json(v);
    }
    void element(const scanned_value& v) {
        json e = to_json(v);
        members[current].push_back(e);
    }
};

std::error_code scan_code(std::string_view text, std::size_t depth, recorder* out = nullptr) {
    jot::detail::json_scanner scanner(depth);
    recorder r;
    const jot::errc e = scanner.scan(text, r);
    if (out) *out = std::move(r);
    return e == jot::errc{} ? std::error_code{} : jot::make_error_code(e);
}

std::error_code dom_code(std::string_view text, std::size_t depth) {
    const auto r = jot::detail::parse_object<json>(text, depth);
    return r ? std::error_code{} : r.error();
}

/// The top-level members as the scanner should report them: scalars as they are, containers empty, except
/// that a top-level array lists its direct elements (nested containers again empty).
json expected_view(const json& dom) {
    auto shallow = [](const json& v) -> json {
        if (v.is_object()) return json::object();
        if (v.is_array()) return json::array();
        return v;
    };
    json out = json::object();
    for (auto it = dom.begin(); it != dom.end(); ++it) {
        json v = shallow(it.value());
        if (it.value().is_array())
            for (const auto& e : it.value()) v.push_back(shallow(e));
        out[it.key()] = v;
    }
    return out;
}

/// Compares the scanner with parse_object on one text: same verdict, and for a valid object the same
/// members with the same JSON types and values.
void same_as_dom(const std::string& text, std::size_t depth = 32) {
    INFO("text " << json(text).dump(-1, ' ', true, json::error_handler_t::replace) << " depth " << depth);
    recorder r;
    const auto got = scan_code(text, depth, &r);
    REQUIRE(got == dom_code(text, depth));
    if (!got) {
        const json dom = jot::detail::parse_object<json>(text, depth).value();
        const json expected = expected_view(dom);
        REQUIRE(r.members == expected);
        // The value types must agree too (json's == treats 1 and 1.0 as equal).
        for (auto it = expected.begin(); it != expected.end(); ++it) REQUIRE(r.members[it.key()].type() == it->type());
    }
}

const char* const corpus[] = {
    // valid
    "{}", " {} ", "\t{\n}\r\n", "\xEF\xBB\xBF{}", R"({"a":1})", R"({"a":-1,"b":0,"c":-0,"d":1.5,"e":1e3,"f":1E-3})",
    R"({"a":18446744073709551615,"b":18446744073709551616,"c":-9223372036854775808,"d":-9223372036854775809})",
    R"({"a":1e-400,"b":0.0,"c":-0.0,"d":123456789012345678901234567890})",
    R"({"a":"x","b":"","c":"\"\\\/\b\f\n\r\t","d":"\u0041\u00e9\u20ac\ud83d\ude00","e":"\u0000"})",
    R"({"a":true,"b":false,"c":null,"d":[],"e":{},"f":[1,"two",[3],{"four":4},null,true]})",
    R"({"aud":["x","y"],"crit":["a"],"a":{"b":{"c":[{"d":[]}]}}})", "{\"a\":\"\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\"}",
    R"({"a":1,"A":2,"\u0061b":3,"ab ":4})", R"({"":1})", "{\"a\":\x7f\"\"}", R"({"a":"\u00"})",
    // invalid
    "", " ", "not json", "{", "}", "{\"a\":}", "{'a':1}", "{\"a\":1,}", "{a:1}", "{\"a\":01}", "{\"a\":1e400}",
    "{\"a\":-1e400}", "{\"a\":NaN}", "{\"a\":Infinity}", "{\"a\":\"\x01\"}", "{\"a\":1} // comment", "{\"a\":1}x",
    "{\"a\":1}{}", "{\"a\":1}]", "{\"a\":1},", "{\"a\" 1}", "{\"a\":1 \"b\":2}", "{\"a\":[1 2]}", "{\"a\":[1,]}",
    "{\"a\":[,1]}", "{\"a\":-}", "{\"a\":1.}", "{\"a\":.5}", "{\"a\":1e}", "{\"a\":1e+}", "{\"a\":+1}", "{\"a\":tru}",
    "{\"a\":truex}", "{\"a\":nul}", "{\"a\":\"\\x\"}", "{\"a\":\"\\u12\"}", "{\"a\":\"\\u12g4\"}", "{\"a\":\"abc}",
    "{\"a\":\"\\", "{\"a\"", "{\"a\":", "{\"a\":1", "{\"a\":[", "{\"a\":{", R"({"a":"\ud800"})", R"({"a":"\udc00"})",
    R"({"a":"\ud800\u0041"})", R"({"a":"\ud800x"})", R"({"\udbff":1})", R"({"a":"\ud800\\udc00"})",
    "\xEF\xBB{}", "\xEF\xBB\xBF\xEF\xBB\xBF{}", "{\"a\":1}\xEF\xBB\xBF", "{\"a\":\"\xff\"}", "{\"a\":\"\xc0\xaf\"}",
    "{\"a\":1,\"a\":2}", R"({"a":{"b":1,"b":1}})",
    R"({"a":[1,{"b":1,"c":{},"b":2}]})", R"({"sub":"a","\u0073ub":"b"})", R"({"a":{"b":1},"c":{"b":2}})",
    // not objects
    "[]", "[{\"alg\":\"HS256\"}]", "\"HS256\"", "42", "-1.5", "null", "true", "0123", "1 2", "\"abc", "tru", "-",
    "1e400", "[", "]", ",", ":", "\"\\ud800\"",
};

std::string nested(std::size_t n, char open, char close) {
    std::string s = R"({"a":)";
    for (std::size_t i = 1; i < n; ++i) s += open == '{' ? std::string(R"({"a":)") : std::string(1, open);
    s += "1";
    for (std::size_t i = 1; i < n; ++i) s += close;
    return s + "}";
}

} // namespace

TEST_CASE("json_scanner agrees with parse_object on valid and invalid texts", "[json_scan][vector]") {
    for (const char* text : corpus) same_as_dom(text);
    same_as_dom(std::string("{\"a\":1}\0", 8));
    same_as_dom(std::string("{\"a\":\"x\0y\"}", 11));
    same_as_dom(std::string("{\"a\":\"\\u0000\"}"));
}

TEST_CASE("json_scanner applies the depth limit exactly as parse_object does", "[json_scan][negative]") {
    for (std::size_t depth : {0, 1, 2, 3, 31, 32, 33}) {
        for (std::size_t n : {1, 2, 3, 31, 32, 33}) {
            same_as_dom(nested(n, '[', ']'), depth);
            same_as_dom(nested(n, '{', '}'), depth);
        }
        same_as_dom("{}", depth);
        same_as_dom(R"({"a":[]})", depth);
        same_as_dom("[]", depth);
    }
    // A deep prefix with a duplicate or a syntax error after it: the first problem in reading order wins.
    same_as_dom(R"({"a":1,"a":[[[[[[[[[[)", 4);
    same_as_dom(R"({"a":[[[[[[[[[[,"a":1})", 4);
    same_as_dom(R"({"a":[[[[x]]]]})", 3);
}

TEST_CASE("json_scanner finds duplicates in objects with many members", "[json_scan][negative]") {
    for (std::size_t n : {15, 16, 17, 40, 2000}) {
        std::string text = "{";
        for (std::size_t i = 0; i < n; ++i) text += "\"k" + std::to_string(i) + "\":" + std::to_string(i) + ",";
        same_as_dom(text + "\"z\":0}");
        same_as_dom(text + "\"k0\":0}");
        same_as_dom(text + "\"k" + std::to_string(n - 1) + "\":0}");
        same_as_dom(text + "\"inner\":" + text + "\"k3\":1}}");
        same_as_dom(text + "\"inner\":" + text + "\"z\":1},\"k1\":1}");
    }
}

TEST_CASE("json_scanner has_member sees every top-level name and no nested one", "[json_scan][positive]") {
    for (std::size_t n : {3, 40}) {
        std::string text = R"({"nested":{"inner":1},)";
        for (std::size_t i = 0; i < n; ++i) text += "\"k" + std::to_string(i) + "\":" + std::to_string(i) + ",";
        text += R"("\u0065sc":1})";
        jot::detail::json_scanner scanner(32);
        recorder r;
        REQUIRE(scanner.scan(text, r) == jot::errc{});
        REQUIRE(scanner.has_member("nested"));
        REQUIRE(scanner.has_member("k0"));
        REQUIRE(scanner.has_member("k" + std::to_string(n - 1)));
        REQUIRE(scanner.has_member("esc"));
        REQUIRE_FALSE(scanner.has_member("inner"));
        REQUIRE_FALSE(scanner.has_member("k" + std::to_string(n)));
    }
}

TEST_CASE("json_scanner agrees with parse_object on 30,000 mutated texts", "[json_scan][negative]") {
    const std::string seeds[] = {
        R"({"alg":"HS256","typ":"JWT","kid":"k-1","crit":["b64"],"b64":false})",
        R"({"iss":"https://a.example","sub":"u\u00e9","aud":["x","y"],"exp":1700000060,"nbf":1.5,"iat":-1})",
        R"({"a":[1,[2,{"b":null}],{"c":"\ud83d\ude00"}],"d":{"e":{"f":true}},"g":1e-5,"h":18446744073709551616})",
    };
    const std::string alphabet = "{}[]\":,\\u0123456789eE.+-tfnrlasx \t\n\xC3\xA9\xEF\xBB\xBF";
    std::mt19937 rng(20240601);
    for (int i = 0; i < 30000; ++i) {
        std::string t = seeds[static_cast<std::size_t>(i) % 3];
        const int edits = 1 + static_cast<int>(rng() % 4);
        for (int k = 0; k < edits && !t.empty(); ++k) {
            const std::size_t at = rng() % t.size();
            const char c = alphabet[rng() % alphabet.size()];
            switch (rng() % 3) {
            case 0: t[at] = c; break;
            case 1: t.insert(t.begin() + static_cast<std::ptrdiff_t>(at), c); break;
            default: t.erase(at, 1); break;
            }
        }
        same_as_dom(t, 1 + rng() % 4);
    }
}

TEST_CASE("write_json writes exactly what dump() writes", "[json_scan][positive]") {
    const json values[] = {
        json::object(), json::array(), json(""), json("plain"), json("\"\\/\b\f\n\r\t\x01\x1f\x7f"),
        json("\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80"), json(std::string("nul\0in", 6)), json(0), json(-1),
        json(std::numeric_limits<std::int64_t>::min()), json(std::numeric_limits<std::uint64_t>::max()), json(1.5),
        json(1700000000.25), json(1e300), json(0.1), json(-0.0), json(true), json(false), json(nullptr),
        json::parse(R"({"iss":"https://a.example","aud":["x","y"],"exp":1700000060,"n":{"a":[1,{"b":[]}],"c":{}}})"),
        json::binary({1, 2, 3}),
    };
    for (const json& v : values) {
        INFO("value " << v.dump());
        std::string out = "prefix";
        REQUIRE(jot::detail::write_json(v, out));
        REQUIRE(out == "prefix" + v.dump());
    }
    const nlohmann::ordered_json ordered = {{"z", 1}, {"a", {{"y", 2}, {"b", 3}}}};
    std::string out;
    REQUIRE(jot::detail::write_json(ordered, out));
    REQUIRE(out == ordered.dump());
}

TEST_CASE("write_json refuses strings and member names that are not UTF-8", "[json_scan][negative]") {
    std::string out;
    REQUIRE_FALSE(jot::detail::write_json(json("\xff"), out));
    REQUIRE_FALSE(jot::detail::write_json(json({{"ok", {"fine", "\xc0\xaf"}}}), out));
    REQUIRE_FALSE(jot::detail::write_json(json({{"\xed\xa0\x80", 1}}), out));
}

namespace {

// The same JSON as nlohmann::json with `long long` integers: identical values, but not the types the scanner
// mirrors, so a verifier over it takes the DOM path. The two verifiers must agree on every token.
using dom_json = nlohmann::basic_json<std::map, std::vector, std::string, bool, long long, unsigned long long, double>;
static_assert(jot::detail::is_scannable_json<json>::value, "nlohmann::json takes the scanning path");
static_assert(!jot::detail::is_scannable_json<dom_json>::value, "dom_json takes the DOM path");

constexpr std::int64_t now_s = 1700000000;
const jot::hmac_key& mac_key() {
    static const jot::hmac_key k = jot::hmac_key::create(jot::algorithm::hs256, std::string(32, 'k'), "k1").value();
    return k;
}

/// A compact token with exactly this header and payload text and a valid HS256 MAC, whatever the text says.
std::string raw_token(const std::string& header, const std::string& payload) {
    std::string out = jot::base64url::encode(header) + "." + jot::base64url::encode(payload);
    std::vector<std::uint8_t> mac(32);
    const auto n = mac_key().sign(out, mac.data(), mac.size()).value();
    mac.resize(n);
    return out + "." + jot::base64url::encode(mac);
}

template <class Json>
jot::basic_verifier<Json, jot::fixed_clock> policy(int which) {
    jot::basic_verifier_builder<Json, jot::fixed_clock> b;
    b.key(mac_key()).clock(jot::fixed_clock{std::chrono::system_clock::time_point(std::chrono::seconds(now_s))});
    switch (which) {
    case 0: break;
    case 1: b.expect_issuer("iss-a").expect_issuer("iss-\u00e9").expect_audience("aud-a").expect_subject("sub-a"); break;
    case 2: b.allow_missing_expiration().ignore_type().ignore_audience().leeway(std::chrono::seconds(30)); break;
    case 3: b.max_age(std::chrono::hours(1)).expect_type("at+jwt").require_claim("scope"); break;
    case 4: b.expect_claim("role", Json("admin")).limits({64 * 1024, 3}); break;
    default: b.expect_audience({"x", "aud-a"}).allow_missing_expiration(); break;
    }
    return b.build().value();
}
constexpr int policies = 6;

/// Verifies `token` through both paths under every policy: same error, or the same header and claims.
void same_verdicts(const std::string& token) {
    for (int p = 0; p < policies; ++p) {
        const auto scanned = policy<json>(p).verify(token);
        const auto dom = policy<dom_json>(p).verify(token);
        INFO("policy " << p);
        REQUIRE(scanned.has_value() == dom.has_value());
        if (!scanned) {
            REQUIRE(scanned.error() == dom.error());
            continue;
        }
        REQUIRE(scanned->alg() == dom->alg());
        REQUIRE(scanned->claims().json().dump() == dom->claims().json().dump());
        REQUIRE(scanned->header().json().dump() == dom->header().json().dump());
    }
}

const char* const headers[] = {
    R"({"alg":"HS256"})", R"({"alg":"HS256","typ":"JWT"})", R"({"alg":"HS256","typ":"at+jwt"})",
    R"({"typ":"application/AT+JWT","alg":"HS256","kid":"k1"})", R"({"alg":"HS256","kid":"k2"})",
    R"({"alg":"HS256","kid":"\u006b1"})", "\xEF\xBB\xBF{\"alg\":\"HS256\"}", R"({"alg":"HS384"})", R"({"alg":"none"})",
    R"({"alg":"hs256"})", R"({"alg":256})", R"({"typ":"JWT"})", R"({"alg":"HS256","typ":1})", R"({"alg":"HS256","cty":[]})",
    R"({"alg":"HS256","x5t#S256":null})", R"({"alg":"HS256","jku":"https://x"})", R"({"alg":"HS256","crit":["b64"],"b64":false})",
    R"({"alg":"HS256","crit":["b64"]})", R"({"alg":"HS256","crit":[]})", R"({"alg":"HS256","crit":"b64","b64":1})",
    R"({"alg":"HS256","crit":["kid"],"kid":"k1"})", R"({"alg":"HS256","crit":[1]})", R"({"alg":"HS256","crit":[["b64"]],"b64":1})",
    R"({"alg":"HS256","crit":["\u0062\u0036\u0034"],"b64":1})", R"({"alg":"HS256","alg":"HS256"})", R"({"alg":"HS256",)",
    R"({"alg":"HS256","x":{"y":{"z":[[]]}}})", R"(["alg"])", R"({"alg":"HS256"} )", R"({"alg":"HS256"}x)",
};

const char* const payloads[] = {
    R"({"exp":1700000060})", R"({"exp":1700000000})", R"({"exp":1699999990})", R"({"exp":1700000060.5,"nbf":1700000000.25})",
    R"({"exp":"1700000060"})", R"({"exp":null})", R"({"exp":-1})", R"({"exp":1e300})", R"({"exp":1e400})", R"({"exp":18446744073709551616})",
    R"({"exp":-9223372036854775809})", R"({"exp":253402300799})", R"({"exp":253402300800})", R"({"exp":1700000060,"nbf":1700000031})",
    R"({"exp":1700000060,"nbf":1700000001})", R"({"exp":1700000060,"iat":1700000001})", R"({"exp":1700000060,"iat":1699990000})",
    R"({"exp":1700000060,"iat":[1]})", R"({"exp":1700000060,"iss":"iss-a","aud":"aud-a","sub":"sub-a","scope":"s"})",
    R"({"exp":1700000060,"iss":"iss-\u00e9","aud":["q","aud-a"],"sub":"sub-a"})", R"({"exp":1700000060,"iss":"iss-a ","aud":"aud-a","sub":"sub-a"})",
    R"({"exp":1700000060,"iss":"iss-a","aud":["aud-a",1],"sub":"sub-a"})", R"({"exp":1700000060,"iss":"iss-a","aud":[],"sub":"sub-a"})",
    R"({"exp":1700000060,"iss":"iss-a","aud":[["aud-a"]],"sub":"sub-a"})", R"({"exp":1700000060,"iss":5,"aud":5,"sub":5})",
    R"({"exp":1700000060,"jti":7})", R"({"exp":1700000060,"sub":"sub-\u0061"})", R"({"exp":1700000060,"aud":"x"})",
    R"({"exp":1700000060,"role":"admin","scope":"a b"})", R"({"exp":1700000060,"role":"user"})", R"({"exp":1700000060,"role":["admin"]})",
    R"({"exp":1700000060,"a":{"b":{"c":1}}})", R"({"exp":1700000060,"a":[[[1]]]})", R"({"exp":1700000060,"exp":1700000060})",
    R"({"exp":1700000060,"a":{"b":1,"b":2}})", R"({"exp":1700000060,"s":"\ud800"})", R"({"exp":1700000060,)", R"([1])", "",
    R"({"iat":1700000000,"scope":"x"})", R"({"exp":1700000060,"nbf":"x","iat":"y"})", R"({"iss":1,"exp":"bad"})",
};

} // namespace

TEST_CASE("the verifier's scanning path and DOM path agree on every verdict", "[json_scan][verifier]") {
    for (const char* h : headers) {
        for (const char* p : payloads) {
            INFO("header " << h << "\npayload " << p);
            same_verdicts(raw_token(h, p));
        }
    }
}

TEST_CASE("the verifier's two paths agree on 3,000 mutated payloads and headers", "[json_scan][verifier]") {
    const std::string seed_header = R"({"alg":"HS256","typ":"at+jwt","kid":"k1"})";
    const std::string seed_payload =
        R"({"iss":"iss-a","sub":"sub-a","aud":["x","aud-a"],"exp":1700000060,"nbf":1699999999,"iat":1700000000,"scope":"s","role":"admin","n":{"a":[1,2]}})";
    const std::string alphabet = "{}[]\":,\\u0123456789eE.+-tfnrlas \t\xC3\xA9";
    std::mt19937 rng(7);
    for (int i = 0; i < 3000; ++i) {
        std::string h = seed_header, p = seed_payload;
        std::string& t = i % 4 == 0 ? h : p;
        const int edits = 1 + static_cast<int>(rng() % 3);
        for (int k = 0; k < edits && !t.empty(); ++k) {
            const std::size_t at = rng() % t.size();
            const char c = alphabet[rng() % alphabet.size()];
            switch (rng() % 3) {
            case 0: t[at] = c; break;
            case 1: t.insert(t.begin() + static_cast<std::ptrdiff_t>(at), c); break;
            default: t.erase(at, 1); break;
            }
        }
        INFO("header " << json(h).dump(-1, ' ', true, json::error_handler_t::replace) << "\npayload "
                       << json(p).dump(-1, ' ', true, json::error_handler_t::replace));
        same_verdicts(raw_token(h, p));
    }
}

TEST_CASE("the verifier decodes a header longer than its stack buffer", "[json_scan][verifier]") {
    const std::string big = R"({"alg":"HS256","x":")" + std::string(3000, 'x') + R"("})";
    same_verdicts(raw_token(big, R"({"exp":1700000060})"));
    REQUIRE(policy<json>(0).verify(raw_token(big, R"({"exp":1700000060})")).has_value());
}

TEST_CASE("the builder writes the header and payload text dump() writes", "[json_scan][builder]") {
    const jot::hmac_key with_kid = jot::hmac_key::create(jot::algorithm::hs256, std::string(32, 'k'), "kid \"\u00e9\"\n").value();
    const jot::hmac_key without_kid = jot::hmac_key::create(jot::algorithm::hs384, std::string(48, 'k')).value();
    auto decode_part = [](const std::string& token, int index) {
        const std::size_t d1 = token.find('.'), d2 = token.find('.', d1 + 1);
        const std::string part = index == 0 ? token.substr(0, d1) : token.substr(d1 + 1, d2 - d1 - 1);
        return jot::base64url::decode(part).value();
    };
    for (const jot::hmac_key* key : {&with_kid, &without_kid}) {
        for (int variant = 0; variant < 4; ++variant) {
            jot::builder b;
            b.issuer("https://\u00e9.example/\"q\"\\").subject(std::string("tab\there\x01")).audience({"a", "b"});
            b.issued_at(std::chrono::system_clock::time_point(std::chrono::seconds(now_s)));
            b.expires_at(std::chrono::system_clock::time_point(std::chrono::milliseconds(now_s * 1000 + 250)));
            b.claim("nested", json::parse(R"({"z":[1,-2,3.5,true,null,{"y":"\u0000"}],"a":{}})"));
            b.claim("big", json(std::numeric_limits<std::uint64_t>::max())).claim("f", json(0.1));
            if (variant == 1) b.type("at+jwt");
            if (variant == 2) b.content_type("example");
            if (variant == 3) b.header_member("typ", "T").header_member("zz", json(5));
            const std::string t = b.sign(*key).value();
            json h = json::object();
            h["alg"] = std::string(jot::to_string(key->alg()));
            h["typ"] = variant == 1 ? json("at+jwt") : variant == 3 ? json("T") : json("JWT");
            if (variant == 3) h["zz"] = 5;
            if (!key->key_id().empty()) h["kid"] = std::string(key->key_id());
            if (variant == 2) h["cty"] = "example";
            INFO("variant " << variant << " kid " << key->key_id());
            REQUIRE(decode_part(t, 0) == h.dump());
            REQUIRE(decode_part(t, 1) == b.claims().json().dump());
        }
    }
    // ordered_json keeps insertion order in the header too: alg, kid, typ, as the builder adds them.
    const auto ot = jot::basic_builder<nlohmann::ordered_json>().subject("s").sign(with_kid).value();
    nlohmann::ordered_json oh;
    oh["alg"] = "HS256";
    oh["kid"] = std::string(with_kid.key_id());
    oh["typ"] = "JWT";
    REQUIRE(decode_part(ot, 0) == oh.dump());
}
