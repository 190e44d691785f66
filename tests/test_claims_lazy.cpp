// SPDX-License-Identifier: MIT
// Tests for the claims of a verified token read straight from the payload text (jot/claims.hpp over
// detail/claim_read.hpp): the same values and errors as the DOM gives, and no DOM built to get them.
// Its own program (jot_claims_lazy_tests), linked with tests/support/alloc_counter.cpp to count allocations.
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include <jot/base64url.hpp>
#include <jot/detail/json_scan.hpp>
#include <jot/hmac_key.hpp>
#include <jot/scope.hpp>
#include <jot/verifier.hpp>
#include <jot/verifier_builder.hpp>

#include "catch.hpp"
#include "support/alloc_counter.hpp"

namespace {

const jot::hmac_key& test_key() {
    static const jot::hmac_key key =
        jot::hmac_key::create(jot::algorithm::hs256, std::string("a claims-lazy test secret of 32+ octets")).value();
    return key;
}

/// A HS256 token whose payload is exactly `payload` (the builder would re-serialise it).
std::string token_for(std::string_view payload) {
    const std::string header = R"({"alg":"HS256","typ":"JWT"})";
    std::string t = jot::base64url::encode(jot::bytes_view(header));
    t.push_back('.');
    jot::base64url::encode_append(jot::bytes_view(payload.data(), payload.size()), t);
    std::uint8_t sig[64];
    const std::size_t n = test_key().sign(t, sig, sizeof sig).value();
    t.push_back('.');
    jot::base64url::encode_append(jot::bytes_view(sig, n), t);
    return t;
}

const jot::verifier& test_verifier() {
    static const jot::verifier v = jot::verifier_builder()
                                       .key(test_key())
                                       .allow_missing_expiration()
                                       .ignore_audience()
                                       .build()
                                       .value();
    return v;
}

jot::verified_token verified(std::string_view payload) {
    auto r = test_verifier().verify(token_for(payload));
    INFO(payload);
    REQUIRE(r.has_value());
    return std::move(*r);
}

struct ignore_members {
    void member(std::string_view, const jot::detail::scanned_value&) {}
    void element(const jot::detail::scanned_value&) {}
};

/// A verified token's record over `payload` without a verifier's claim checks, so registered claims may be
/// of any type (as in the invariant test, tests/invariant/reparse.cpp). The payload must be text the verifier
/// would accept as JSON: json_scanner checks it first.
jot::verified_token over_text(std::string_view payload) {
    jot::detail::json_scanner scan(32);
    ignore_members h;
    INFO(payload);
    REQUIRE(scan.scan(payload, h) == jot::errc{});
    auto data = std::make_shared<jot::detail::token_data<nlohmann::json>>(32);
    const std::string header = R"({"alg":"HS256"})";
    data->text() = header;
    data->text().append(payload.data(), payload.size());
    data->set_header_size(header.size()); // the text is complete: the claim set is made over it
    return jot::detail::verified_token_access::make<nlohmann::json>(std::move(data), jot::algorithm::hs256);
}

/// The same claims as a DOM (the path every read took before reads from text).
jot::claims dom_claims(std::string_view payload) {
    return jot::claims::from_json(nlohmann::json::parse(payload)).value();
}

template <class T>
std::error_code error_of(const jot::result<T>& r) {
    return r ? std::error_code{} : r.error();
}

std::error_code code(jot::errc e) { return jot::make_error_code(e); }

/// Reads `name` as a T from the text and from the DOM: the same value, or the same error.
template <class T>
void same_as_dom(const jot::claims& text, const jot::claims& dom, std::string_view name) {
    const auto a = text.get<T>(name);
    const auto b = dom.get<T>(name);
    INFO("claim " << name);
    REQUIRE(error_of(a) == error_of(b));
    if (a) CHECK(*a == *b);
}

void all_types_same_as_dom(const jot::claims& text, const jot::claims& dom, std::string_view name) {
    same_as_dom<std::string>(text, dom, name);
    same_as_dom<std::string_view>(text, dom, name);
    same_as_dom<bool>(text, dom, name);
    same_as_dom<std::int64_t>(text, dom, name);
    same_as_dom<std::uint64_t>(text, dom, name);
    same_as_dom<int>(text, dom, name);
    same_as_dom<unsigned>(text, dom, name);
    same_as_dom<std::int8_t>(text, dom, name);
    same_as_dom<std::uint16_t>(text, dom, name);
    same_as_dom<double>(text, dom, name);
    same_as_dom<float>(text, dom, name);
    same_as_dom<jot::numeric_date>(text, dom, name);
    same_as_dom<std::vector<std::string>>(text, dom, name);
}

// Payloads that exercise every kind of member the reads must find or skip: nested objects and arrays whose
// strings hold brackets, quotes and names of top-level members; escapes in values and in names; numbers at
// the edges of each integer type; whitespace everywhere JSON allows it.
const char* const payloads[] = {
    R"({"sub":"alice","scope":"read write","tenant":"acme","n":42,"ok":true,"roles":["a","b","c"]})",
    R"({"nested":{"sub":"inner","x":[{"sub":"deeper"}],"s":"}]\"{["},"sub":"outer","n":-7})",
    R"({ "a" : [ 1 , [ 2 , { "n" : 3 } ] , "]" ] , "n" : 18446744073709551615 , "ok" : false } )",
    R"({"n":-9223372036854775808,"big":18446744073709551616,"f":1.5e3,"neg":-0.25,"zero":0,"e":1E2})",
    R"({"s\u0075b":"escaped name","n\u0000x":1,"tab\tname":2,"n":300})",
    R"({"sub":"caf\u00e9 \ud83d\ude00 \"q\" \\ \/ \b\f\n\r\t","aud":["x","y\u0041"],"n":65535})",
    R"({"sub":"café 😀","n":1.0,"ok":null,"roles":[],"exp":1700000000.5,"iat":-1,"nbf":1e300})",
    R"({"roles":["a",1],"aud":"solo","n":2147483648,"ok":"true","exp":"1700000000","list":[["x"]]})",
    R"({"empty":"","obj":{},"arr":[],"deep":{"a":{"b":{"c":{"d":[[[["sub"]]]]}}}},"sub":""})",
};

const char* const names[] = {"sub", "scope", "tenant", "n", "ok", "roles", "nested", "a", "big", "f", "neg",
                             "zero", "e", "tab\tname", "aud", "exp", "iat", "nbf", "list", "empty",
                             "obj", "arr", "deep", "x", "absent", "s\\u0075b", ""};

} // namespace

TEST_CASE("typed reads of a verified token's claims equal the DOM's, value for value and error for error",
          "[claims][lazy]") {
    for (const char* p : payloads) {
        INFO(p);
        const auto tok = over_text(p);
        const auto dom = dom_claims(p);
        for (const char* n : names) all_types_same_as_dom(tok.claims(), dom, n);
        // "n\u0000x": a name with an escaped NUL is found by its decoded bytes.
        all_types_same_as_dom(tok.claims(), dom, std::string_view("n\0x", 3));
        CHECK(error_of(tok.claims().audience()) == error_of(dom.audience()));
        if (auto a = tok.claims().audience()) CHECK(*a == dom.audience().value());
        for (const char* n : {"iss", "sub", "jti"}) CHECK(error_of(tok.claims().get<std::string_view>(n)) ==
                                                          error_of(dom.get<std::string_view>(n)));
        CHECK(error_of(tok.claims().expires_at()) == error_of(dom.expires_at()));
        CHECK(error_of(tok.claims().not_before()) == error_of(dom.not_before()));
        CHECK(error_of(tok.claims().issued_at()) == error_of(dom.issued_at()));
        for (const char* n : names) CHECK(tok.claims().contains(n) == dom.contains(n));
    }
}

TEST_CASE("typed reads from text return the values written in the payload", "[claims][lazy]") {
    const auto tok = verified(payloads[0]);
    const auto& c = tok.claims();
    CHECK(c.subject().value() == "alice");
    CHECK(c.get<std::string_view>("scope").value() == "read write");
    CHECK(c.get<std::string>("tenant").value() == "acme");
    CHECK(c.get<int>("n").value() == 42);
    CHECK(c.get<double>("n").value() == 42.0);
    CHECK(c.get<bool>("ok").value());
    CHECK(c.get<std::vector<std::string>>("roles").value() == std::vector<std::string>{"a", "b", "c"});

    const auto nested = verified(payloads[1]);
    CHECK(nested.claims().subject().value() == "outer"); // the nested "sub" members are skipped
    CHECK(nested.claims().get<std::int64_t>("n").value() == -7);

    const auto edges = verified(payloads[3]);
    CHECK(edges.claims().get<std::int64_t>("n").value() == std::numeric_limits<std::int64_t>::min());
    CHECK(edges.claims().get<double>("f").value() == 1500.0);
    CHECK(edges.claims().get<double>("big").value() == 18446744073709551616.0);
    CHECK(edges.claims().get<std::int64_t>("big").error() == code(jot::errc::claim_wrong_type)); // a double
}

TEST_CASE("typed reads from text report missing, wrong-type and out-of-range claims", "[claims][lazy]") {
    const auto tok = over_text(payloads[7]);
    const auto& c = tok.claims();
    CHECK(c.get<std::string>("absent").error() == code(jot::errc::claim_missing));
    CHECK(c.subject().error() == code(jot::errc::claim_missing));
    CHECK(c.get<std::vector<std::string>>("roles").error() == code(jot::errc::claim_wrong_type));
    CHECK(c.get<std::vector<std::string>>("list").error() == code(jot::errc::claim_wrong_type));
    CHECK(c.get<std::int32_t>("n").error() == code(jot::errc::claim_wrong_type)); // 2^31 does not fit
    CHECK(c.get<std::uint32_t>("n").value() == 2147483648u);
    CHECK(c.get<bool>("ok").error() == code(jot::errc::claim_wrong_type)); // the string "true"
    CHECK(c.expires_at().error() == code(jot::errc::claim_wrong_type));  // a numeric string
    CHECK(c.audience().value() == std::vector<std::string_view>{"solo"});

    const auto dates = over_text(payloads[6]);
    CHECK(dates.claims().issued_at().error() == code(jot::errc::numeric_date_out_of_range));
    CHECK(dates.claims().not_before().error() == code(jot::errc::numeric_date_out_of_range));
    CHECK(dates.claims().expires_at().value().time_since_epoch().count() == 1700000000500000);
    CHECK(dates.claims().get<bool>("ok").error() == code(jot::errc::claim_wrong_type)); // null
    CHECK(dates.claims().get<std::uint8_t>("n").error() == code(jot::errc::claim_wrong_type)); // 1.0 is a double
    CHECK(dates.claims().get<std::vector<std::string>>("roles").value().empty());
}

TEST_CASE("escaped strings read from text decode as the DOM decodes them", "[claims][lazy]") {
    const auto tok = verified(payloads[5]);
    const auto& c = tok.claims();
    const std::string want = "caf\xc3\xa9 \xf0\x9f\x98\x80 \"q\" \\ / \b\f\n\r\t";
    CHECK(c.get<std::string>("sub").value() == want);
    // A std::string_view of an escaped string points into the DOM, built for it.
    CHECK(c.subject().value() == want);
    CHECK(c.audience().value() == std::vector<std::string_view>{"x", "yA"});

    const auto names_escaped = verified(payloads[4]);
    CHECK(names_escaped.claims().subject().value() == "escaped name"); // "s\u0075b" is "sub"
    CHECK(names_escaped.claims().get<int>("tab\tname").value() == 2);
    CHECK(names_escaped.claims().get<int>(std::string_view("n\0x", 3)).value() == 1);
    CHECK_FALSE(names_escaped.claims().contains("s\\u0075b"));
}

TEST_CASE("json() after typed reads gives the whole claim set", "[claims][lazy]") {
    for (const char* p : payloads) {
        INFO(p);
        const auto tok = over_text(p);
        const auto& c = tok.claims();
        (void)c.subject();
        (void)c.get<std::int64_t>("n");
        (void)c.get<std::vector<std::string>>("roles");
        CHECK(c.json() == nlohmann::json::parse(p));
        CHECK(c.find("sub") == (c.json().contains("sub") ? &c.json()["sub"] : nullptr));
        // Reads after the DOM exists still agree with it.
        all_types_same_as_dom(c, dom_claims(p), "sub");
        all_types_same_as_dom(c, dom_claims(p), "n");
    }
}

namespace tests_claims_lazy {
struct tenant {
    std::string id;
    int region = 0;
};
void from_json(const nlohmann::json& j, tenant& t) {
    j.at("id").get_to(t.id);
    j.at("region").get_to(t.region);
}
} // namespace tests_claims_lazy

TEST_CASE("get<T> of a caller's own type reads it through from_json on the DOM", "[claims][lazy]") {
    const auto tok = verified(R"({"tenant":{"id":"acme","region":3},"bad":{"id":1},"sub":"x"})");
    const auto& c = tok.claims();
    const auto t = c.get<tests_claims_lazy::tenant>("tenant");
    REQUIRE(t.has_value());
    CHECK(t->id == "acme");
    CHECK(t->region == 3);
    CHECK(c.get<tests_claims_lazy::tenant>("bad").error() == code(jot::errc::claim_wrong_type));
    CHECK(c.get<tests_claims_lazy::tenant>("sub").error() == code(jot::errc::claim_wrong_type));
    CHECK(c.get<tests_claims_lazy::tenant>("absent").error() == code(jot::errc::claim_missing));
    CHECK(c.get<nlohmann::json>("tenant").value().at("region") == 3);
}

TEST_CASE("a copy of a verified token's claims is a DOM that outlives the token", "[claims][lazy]") {
    jot::claims copy;
    {
        const auto tok = verified(payloads[0]);
        copy = tok.claims();
        jot::claims constructed(tok.claims());
        CHECK(constructed.json() == tok.claims().json());
    }
    CHECK(copy.subject().value() == "alice");
    CHECK(copy.get<std::vector<std::string>>("roles").value().size() == 3);
    copy.set("sub", "bob");
    CHECK(copy.subject().value() == "bob");
    CHECK(copy.erase("scope"));
    CHECK_FALSE(copy.contains("scope"));
}

TEST_CASE("reading claims of a verified token from several threads at once agrees", "[claims][lazy]") {
    const auto tok = verified(payloads[1]);
    std::vector<std::thread> threads;
    std::vector<int> ok(4, 0);
    for (int i = 0; i < 4; ++i)
        threads.emplace_back([&tok, &ok, i] {
            const auto& c = tok.claims();
            const bool sub = c.subject().value() == "outer";
            const bool dom = c.json().at("n") == -7;
            ok[static_cast<std::size_t>(i)] = sub && dom && c.find("nested") != nullptr;
        });
    for (auto& t : threads) t.join();
    CHECK(ok == std::vector<int>(4, 1));
}

TEST_CASE("reading sub, scope and custom claims after verify builds no DOM", "[claims][lazy]") {
    if (!jot_alloc::available()) {
        WARN("the allocators are not replaced in this build (ThreadSanitizer): allocations not counted");
        return;
    }
    const std::string payload =
        R"({"iss":"https://auth.example.com","sub":"f47ac10b-58cc-4372-a567-0e02b2c3d479",)"
        R"("aud":"https://api.example.com","iat":1700000000,"exp":4102444800,)"
        R"("scope":"openid profile email orders:read orders:write","tenant_id":"acme-eu",)"
        R"("meta":{"sub":"not this","list":[1,2,{"x":"]"}]},"limit":250,"admin":false,)"
        R"("roles":["customer","order-manager","report-viewer"]})";
    const auto tok = verified(payload);

    const std::uint64_t before = jot_alloc::allocations();
    const auto& c = tok.claims();
    const auto sub = c.subject();
    const auto iss = c.issuer();
    const auto exp = c.expires_at();
    const auto iat = c.issued_at();
    const auto scope = c.get<std::string_view>("scope");
    const auto tenant = c.get<std::string>("tenant_id"); // short: in the string itself
    const auto limit = c.get<int>("limit");
    const auto admin = c.get<bool>("admin");
    const bool has_meta = c.contains("meta");
    const auto scopes = jot::require_scopes(c, {"orders:read", "email"});
    const auto no_scope = jot::require_scopes(c, {"orders:delete"});
    const std::uint64_t scalars = jot_alloc::allocations() - before;
    const auto roles = c.get<std::vector<std::string>>("roles"); // the vector
    const auto aud = c.audience();                                // the vector
    const std::uint64_t lists = jot_alloc::allocations() - before - scalars;

    CHECK(sub.value() == "f47ac10b-58cc-4372-a567-0e02b2c3d479");
    CHECK(iss.value() == "https://auth.example.com");
    CHECK(exp.value().time_since_epoch().count() == 4102444800000000);
    CHECK(iat.has_value());
    CHECK(scope.value() == "openid profile email orders:read orders:write");
    CHECK(tenant.value() == "acme-eu");
    CHECK(limit.value() == 250);
    CHECK_FALSE(admin.value());
    CHECK(has_meta);
    CHECK(scopes.has_value());
    CHECK(no_scope.error() == code(jot::errc::insufficient_scope));
    CHECK(roles.value().size() == 3);
    CHECK(aud.value().size() == 1);
    CHECK(scalars == 0);
    CHECK(lists <= 2); // one vector each, their strings in the small-string buffer

    // The measure would see a DOM: building one costs far more than the bound above.
    const std::uint64_t before_dom = jot_alloc::allocations();
    CHECK(c.json().size() == 11);
    CHECK(jot_alloc::allocations() - before_dom > 20);
}

TEST_CASE("a string view of an escaped string builds the DOM once, a std::string does not", "[claims][lazy]") {
    if (!jot_alloc::available()) {
        WARN("the allocators are not replaced in this build (ThreadSanitizer): allocations not counted");
        return;
    }
    const auto tok = verified(R"({"sub":"caf\u00e9","name":"a\nb","n":1})");
    const auto& c = tok.claims();
    std::uint64_t before = jot_alloc::allocations();
    CHECK(c.get<std::string>("sub").value() == "caf\xc3\xa9");
    CHECK(jot_alloc::allocations() - before == 0);
    CHECK(c.subject().value() == "caf\xc3\xa9"); // builds the DOM
    CHECK(jot_alloc::allocations() - before > 3);
    before = jot_alloc::allocations();
    CHECK(c.get<std::string_view>("name").value() == "a\nb"); // the DOM is there: no new allocation
    CHECK(jot_alloc::allocations() - before == 0);
}
