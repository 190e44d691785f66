// SPDX-License-Identifier: MIT
// Tests for jot/http/fetcher.hpp and jot/http/discovery.hpp against real HTTPS servers on 127.0.0.1 (a test CA
// made at run time): each fault the issue lists, background refresh, rotation, the cache file, shutdown.
#include <atomic>
#include <chrono>
#include <functional>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include <jot/http/discovery.hpp>
#include <jot/http/fetcher.hpp>
#include <jot/jot.hpp>

#include "../catch.hpp"
#include "test_server.hpp"

namespace {

using json = nlohmann::json;
using jot::errc;
using namespace std::chrono_literals;
using jot_test::certificates;
using jot_test::test_server;

const certificates& certs() {
    static const certificates c;
    return c;
}

/// Short bounds, so a fault costs the test a fraction of a second.
jot::http::fetch_options quick() {
    jot::http::fetch_options o;
    o.ca_file = certs().ca_file();
    o.connect_timeout = 500ms;
    o.read_timeout = 300ms;
    o.total_timeout = 2s;
    o.max_body_size = 64 * 1024;
    return o;
}

const jot::private_key& key(const std::string& kid) {
    static std::mutex m;
    static std::map<std::string, std::shared_ptr<const jot::private_key>> keys;
    std::lock_guard<std::mutex> lock(m);
    auto& k = keys[kid];
    if (!k) k = std::make_shared<const jot::private_key>(jot::private_key::generate(jot::algorithm::es256, kid).value());
    return *k;
}

std::string jwks(std::initializer_list<std::string> kids) {
    json doc = {{"keys", json::array()}};
    for (const auto& kid : kids) doc["keys"].push_back(jot::to_jwk(key(kid).public_key().value()).value());
    return doc.dump();
}

std::string token(const std::string& kid, const std::string& issuer = "https://idp.test") {
    return jot::builder().issuer(issuer).subject("alice").audience("api").issued_now().expires_in(5min)
        .sign(key(kid)).value();
}

test_server::handler serve(std::string body, std::string cache_control = "max-age=300") {
    return [body, cache_control](const httplib::Request&, httplib::Response& res) {
        if (!cache_control.empty()) res.set_header("Cache-Control", cache_control);
        res.set_content(body, "application/json");
    };
}

/// A verifier over `source` expecting the test issuer.
jot::verifier verifier_over(std::shared_ptr<const jot::key_source> source) {
    return jot::verifier_builder().key_source(std::move(source)).expect_issuer("https://idp.test")
        .expect_audience("api").build().value();
}

/// Waits (really) until `done()` holds, up to 5 s.
bool eventually(const std::function<bool()>& done) {
    for (int i = 0; i < 5000; ++i) {
        if (done()) return true;
        std::this_thread::sleep_for(1ms);
    }
    return done();
}

template <class F>
std::chrono::milliseconds timed(F&& f) {
    const auto start = std::chrono::steady_clock::now();
    f();
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
}

} // namespace

// ---------------------------------------------------------------------------------------------------------------
// The URL policy (SSRF guard)

TEST_CASE("parse_url accepts https and refuses other schemes, userinfo, fragments and bad ports", "[http][negative]") {
    using jot::http::parse_url;
    const auto ok = parse_url("https://idp.example:8443/keys?x=1");
    REQUIRE(ok);
    CHECK(ok->host == "idp.example");
    CHECK(ok->port == 8443);
    CHECK(ok->target == "/keys?x=1");
    CHECK(parse_url("https://idp.example")->target == "/");
    CHECK(parse_url("https://[::1]:9/k")->host == "::1");
    for (const char* bad : {"ftp://idp.example/k", "file:///etc/passwd", "https://user:pw@idp.example/k",
                            "https://idp.example@10.0.0.1/k", "https://idp.example/k#frag", "https://idp.example:0/",
                            "https://idp.example:70000/", "https://idp.example:/", "https://idp example/",
                            "https:///k", "idp.example/k", "HTTPS://idp.example/", "https://idp.example\\@evil/"}) {
        INFO(bad);
        CHECK(parse_url(bad).error() == errc::url_refused);
    }
}

TEST_CASE("plain http is refused unless the host is a literal loopback address and the caller allowed it",
          "[http][negative]") {
    using jot::http::parse_url;
    jot::http::fetch_options allow;
    allow.allow_http_loopback = true;
    CHECK(parse_url("http://127.0.0.1:8080/k").error() == errc::url_refused);
    CHECK(parse_url("http://127.0.0.1:8080/k", allow));
    CHECK(parse_url("http://127.9.8.7/k", allow));
    CHECK(parse_url("http://[::1]:8080/k", allow));
    for (const char* bad : {"http://localhost/k", "http://10.0.0.1/k", "http://169.254.169.254/latest",
                            "http://127.0.0.1.evil.example/k", "http://127.1/k", "http://1270.0.0.1/k"}) {
        INFO(bad);
        CHECK(parse_url(bad, allow).error() == errc::url_refused);
    }
}

TEST_CASE("Cache-Control max-age is read; no-store and no-cache mean zero", "[http][positive]") {
    using jot::http::cache_max_age;
    CHECK(cache_max_age("public, max-age=300") == std::chrono::seconds(300));
    CHECK(cache_max_age("Max-Age=\"60\", must-revalidate") == std::chrono::seconds(60));
    CHECK(cache_max_age("max-age=300, no-store") == std::chrono::seconds(0));
    CHECK_FALSE(cache_max_age("public").has_value());
    CHECK_FALSE(cache_max_age("max-age=-5").has_value());
}

// ---------------------------------------------------------------------------------------------------------------
// The fetcher against real servers

TEST_CASE("the fetcher reads a JWK Set over https with its max-age", "[http][positive]") {
    test_server server(&certs());
    server.route("/jwks", serve(jwks({"k1"}), "public, max-age=120"));
    auto fetch = jot::http::jwks_fetcher::create(server.url("/jwks"), quick()).value();
    const auto doc = fetch();
    REQUIRE(doc);
    CHECK(doc->max_age == std::chrono::seconds(120));
    CHECK(jot::jwk_set::parse<json>(doc->body).value().keys().size() == 1);
}

TEST_CASE("a certificate from an untrusted CA or for another host name is refused", "[http][negative]") {
    test_server server(&certs());
    server.route("/jwks", serve(jwks({"k1"})));
    auto other = quick();
    other.ca_file = certs().other_ca_file();
    CHECK(jot::http::get(server.url("/jwks"), other).error() == errc::tls_verification_failed);
    // The system store does not know the test CA either.
    auto system = quick();
    system.ca_file.clear();
    CHECK(jot::http::get(server.url("/jwks"), system).error() == errc::tls_verification_failed);
    // The certificate names 127.0.0.1 and jot.test; "localhost" reaches the same server but is not named.
    CHECK(jot::http::get(server.url("/jwks", "localhost"), quick()).error() == errc::tls_verification_failed);
    CHECK(jot::http::get(server.url("/jwks"), quick()));
}

TEST_CASE("a missing CA file is a misuse reported before connecting", "[http][negative]") {
    auto o = quick();
    o.ca_file = certs().dir().file("missing.pem");
    CHECK(jot::http::jwks_fetcher::create("https://127.0.0.1:1/jwks", o).error() == errc::invalid_argument);
}

TEST_CASE("http to loopback works when allowed, against a plain server", "[http][positive]") {
    test_server server;
    server.route("/jwks", serve(jwks({"k1"})));
    auto o = quick();
    CHECK(jot::http::get(server.url("/jwks"), o).error() == errc::url_refused);
    o.allow_http_loopback = true;
    CHECK(jot::http::get(server.url("/jwks"), o));
}

TEST_CASE("each failure of the server maps to its own code", "[http][negative]") {
    test_server server(&certs());
    server.route("/500", [](const httplib::Request&, httplib::Response& res) { res.status = 500; });
    server.route("/slow", [&](const httplib::Request&, httplib::Response& res) {
        server.pause(3s);
        res.set_content(jwks({"k1"}), "application/json");
    });
    server.route("/large", serve(std::string(70 * 1024, ' ') + jwks({"k1"})));
    server.route("/to-http", [&](const httplib::Request&, httplib::Response& res) {
        res.set_redirect("http://127.0.0.1:" + std::to_string(server.port()) + "/jwks");
    });
    server.route("/to-https", [&](const httplib::Request&, httplib::Response& res) {
        res.set_redirect(server.url("/jwks"), 301);
    });
    CHECK(jot::http::get(server.url("/500"), quick()).error() == errc::http_status_unexpected);
    CHECK(jot::http::get(server.url("/none"), quick()).error() == errc::http_status_unexpected);
    CHECK(jot::http::get(server.url("/large"), quick()).error() == errc::response_too_large);
    CHECK(jot::http::get(server.url("/to-http"), quick()).error() == errc::redirect_refused);
    CHECK(jot::http::get(server.url("/to-https"), quick()).error() == errc::redirect_refused);
    std::error_code slow;
    const auto took = timed([&] { slow = jot::http::get(server.url("/slow"), quick()).error(); });
    CHECK(slow == errc::fetch_timeout);
    CHECK(took < 1500ms);  // read_timeout is 300 ms; nothing waits for the 3 s answer
}

TEST_CASE("a port nobody listens on fails fast with fetch_failed", "[http][negative]") {
    int port = 0;
    {
        test_server gone(&certs());
        port = gone.port();
    }
    CHECK(jot::http::get("https://127.0.0.1:" + std::to_string(port) + "/jwks", quick()).error() == errc::fetch_failed);
}

TEST_CASE("an ETag is revalidated with If-None-Match and a 304 keeps the keys", "[http][positive]") {
    test_server server(&certs());
    std::atomic<int> not_modified{0};
    const std::string body = jwks({"k1"});
    server.route("/jwks", [&](const httplib::Request& req, httplib::Response& res) {
        res.set_header("Cache-Control", "max-age=60");
        if (req.get_header_value("If-None-Match") == "\"v1\"") {
            ++not_modified;
            res.status = 304;
            return;
        }
        res.set_header("ETag", "\"v1\"");
        res.set_content(body, "application/json");
    });
    auto fetch = jot::http::jwks_fetcher::create(server.url("/jwks"), quick()).value();
    auto source = std::make_shared<jot::jwks_source>(fetch);
    REQUIRE(source->refresh());
    REQUIRE(source->refresh());
    REQUIRE(source->refresh());
    CHECK(server.hits("/jwks") == 3);
    CHECK(not_modified == 2);
    CHECK(source->status().fetches == 3);
    CHECK(verifier_over(source).verify(token("k1")));
    // A 304 to a request that sent no validator is not accepted.
    server.route("/bare304", [](const httplib::Request&, httplib::Response& res) { res.status = 304; });
    CHECK(jot::http::get(server.url("/bare304"), quick()).error() == errc::http_status_unexpected);
}

// ---------------------------------------------------------------------------------------------------------------
// A source over a misbehaving provider

TEST_CASE("working keys are kept through 500s, timeouts, invalid JSON, oversized and keyless sets",
          "[http][negative]") {
    test_server server(&certs());
    server.route("/jwks", serve(jwks({"k1"})));
    auto o = jot::http::background_source_options();
    o.retry_after_failure = 0s;
    auto source = jot::http::make_jwks_source(server.url("/jwks"), quick(), o).value();
    const auto v = verifier_over(source);
    REQUIRE(source->refresh());
    const std::string good = token("k1");
    REQUIRE(v.verify(good));

    struct fault {
        const char* name;
        test_server::handler handler;
        errc expected;
    };
    const std::vector<fault> faults = {
        {"500", [](const httplib::Request&, httplib::Response& res) { res.status = 500; }, errc::http_status_unexpected},
        {"slow", [&](const httplib::Request&, httplib::Response& res) {
             server.pause(2s);
             res.set_content(jwks({"k2"}), "application/json");
         }, errc::fetch_timeout},
        {"too large", serve(std::string(100 * 1024, ' ')), errc::response_too_large},
        {"invalid JSON", serve("{\"keys\": [}"), errc::json_invalid},
        {"no usable key", serve(R"({"keys":[{"kty":"oct","k":"c2VjcmV0"}]})"), errc::key_set_invalid},
        {"not a set", serve(R"({"issuer":"x"})"), errc::key_set_invalid},
    };
    for (const auto& f : faults) {
        INFO(f.name);
        server.route("/jwks", f.handler);
        std::error_code error;
        const auto took = timed([&] { error = source->refresh().error(); });
        CHECK(error == f.expected);
        CHECK(took < 1500ms);
        CHECK(source->status().last_error == f.expected);
        CHECK(source->status().has_keys);
        CHECK(v.verify(good));
    }
}

TEST_CASE("after a rotation removes a key, its tokens are refused and the new key's accepted", "[http][positive]") {
    test_server server(&certs());
    server.route("/jwks", serve(jwks({"old"})));
    auto o = jot::http::background_source_options();
    o.unknown_kid_cooldown = 0s;
    auto source = jot::http::make_jwks_source(server.url("/jwks"), quick(), o).value();
    const auto v = verifier_over(source);
    const std::string old_token = token("old");
    REQUIRE(v.verify(old_token));

    // Mid-run the provider publishes the new key next to the old, then drops the old.
    server.route("/jwks", serve(jwks({"old", "new"})));
    const std::string new_token = token("new");
    // Background mode: the unknown kid starts a refresh; this token is answered from the keys in force.
    CHECK(v.verify(new_token).error() == errc::key_not_found);
    CHECK(eventually([&] { return v.verify(new_token).has_value(); }));
    CHECK(v.verify(old_token));

    server.route("/jwks", serve(jwks({"new"})));
    REQUIRE(source->refresh());
    CHECK(v.verify(old_token).error() == errc::key_not_found);
    CHECK(v.verify(new_token));
}

// ---------------------------------------------------------------------------------------------------------------
// Background refresh, cold start, shutdown

TEST_CASE("verifications do not wait while a slow background refresh is in flight", "[http][threads]") {
    test_server server(&certs());
    server.route("/jwks", serve(jwks({"k1"}), "max-age=1"));
    auto o = jot::http::background_source_options();
    o.min_ttl = 0s;
    o.refresh_ahead = 0s;
    auto fo = quick();
    fo.read_timeout = 3s;
    auto source = jot::http::make_jwks_source(server.url("/jwks"), fo, o).value();
    REQUIRE(source->refresh());
    const auto v = verifier_over(source);
    const std::string good = token("k1");
    server.route("/jwks", [&](const httplib::Request&, httplib::Response& res) {
        server.pause(800ms);
        res.set_header("Cache-Control", "max-age=300");
        res.set_content(jwks({"k1"}), "application/json");
    });
    std::this_thread::sleep_for(1100ms);  // past the 1 s max-age: the next verification starts a refresh
    std::chrono::milliseconds slowest{0};
    int verified = 0;
    const auto start = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() - start < 600ms) {
        const auto took = timed([&] { verified += v.verify(good).has_value(); });
        slowest = std::max(slowest, took);
    }
    CHECK(source->status().refreshing);
    CHECK(verified > 10);
    CHECK(slowest < 200ms);  // the fetch takes 800 ms; no verification waited for it
    CHECK(eventually([&] { return source->status().fetches == 2; }));
}

TEST_CASE("a cold start waits at most cold_start_timeout, then fails closed", "[http][threads]") {
    test_server server(&certs());
    server.route("/jwks", [&](const httplib::Request&, httplib::Response& res) {
        server.pause(2s);
        res.set_content(jwks({"k1"}), "application/json");
    });
    auto o = jot::http::background_source_options();
    o.cold_start_timeout = 200ms;
    auto fo = quick();
    fo.read_timeout = 3s;
    auto source = jot::http::make_jwks_source(server.url("/jwks"), fo, o).value();
    const auto v = verifier_over(source);
    std::error_code error;
    const auto took = timed([&] { error = v.verify(token("k1")).error(); });
    CHECK(error == errc::algorithm_not_allowed);  // no key at all, so none for ES256
    CHECK(took >= 150ms);
    CHECK(took < 1000ms);
    CHECK_FALSE(source->status().has_keys);
}

TEST_CASE("destroying a source while its fetch hangs returns within the fetch timeout", "[http][threads]") {
    test_server server(&certs());
    server.route("/jwks", [&](const httplib::Request&, httplib::Response& res) {
        server.pause(5s);
        res.set_content(jwks({"k1"}), "application/json");
    });
    auto o = jot::http::background_source_options();
    o.cold_start_timeout = 10ms;
    auto source = jot::http::make_jwks_source(server.url("/jwks"), quick(), o).value();
    CHECK(source->current_keys()->empty());  // starts the fetch on the worker, waits only 10 ms
    CHECK(source->status().refreshing);
    const auto took = timed([&] { source.reset(); });
    CHECK(took < 1500ms);  // read_timeout is 300 ms, far from the 5 s the server would take
}

TEST_CASE("refreshes run on an executor the caller supplies", "[http][threads]") {
    test_server server(&certs());
    server.route("/jwks", serve(jwks({"k1"})));
    std::atomic<int> jobs{0};
    std::vector<std::thread> threads;
    std::mutex m;
    auto o = jot::http::background_source_options();
    o.executor = [&](std::function<void()> job) {
        ++jobs;
        std::lock_guard<std::mutex> lock(m);
        threads.emplace_back(std::move(job));
    };
    {
        auto source = jot::http::make_jwks_source(server.url("/jwks"), quick(), o).value();
        CHECK(verifier_over(source).verify(token("k1")));
        CHECK(jobs == 1);
    }
    std::lock_guard<std::mutex> lock(m);
    for (auto& t : threads) t.join();
}

TEST_CASE("an executor that throws counts as a failed refresh", "[http][negative]") {
    auto o = jot::http::background_source_options();
    o.cold_start_timeout = 10ms;
    o.executor = [](std::function<void()>) { throw std::runtime_error("queue full"); };
    auto source = jot::http::make_jwks_source("https://127.0.0.1:1/jwks", quick(), o).value();
    CHECK(source->current_keys()->empty());
    CHECK(source->status().last_error == errc::callback_failed);
    CHECK_FALSE(source->status().refreshing);
}

// ---------------------------------------------------------------------------------------------------------------
// The cache file: a restart during an outage

TEST_CASE("keys saved to the cache file verify after a restart while the provider is down", "[http][positive]") {
    const std::string file = certs().dir().file("jwks-cache.json");
    const std::string good = token("k1");
    {
        test_server server(&certs());
        server.route("/jwks", serve(jwks({"k1"})));
        auto o = jot::http::background_source_options();
        o.cache_file = file;
        auto source = jot::http::make_jwks_source(server.url("/jwks"), quick(), o).value();
        REQUIRE(source->refresh());
        CHECK_FALSE(source->status().cache_file_error);
    }
    test_server down(&certs());
    down.route("/jwks", [](const httplib::Request&, httplib::Response& res) { res.status = 503; });
    auto o = jot::http::background_source_options();
    o.cache_file = file;
    o.max_stale = 1h;
    auto source = jot::http::make_jwks_source(down.url("/jwks"), quick(), o).value();
    CHECK(source->status().has_keys);
    CHECK(source->status().stale);
    CHECK(verifier_over(source).verify(good));
    CHECK(eventually([&] { return source->status().last_error == errc::http_status_unexpected; }));
    CHECK(verifier_over(source).verify(good));

    // Explicit save/load too: a source with no keys loads a saved set; one with keys refuses.
    const std::string copy = certs().dir().file("copy.json");
    REQUIRE(source->save(copy));
    auto fresh = jot::http::make_jwks_source(down.url("/jwks"), quick()).value();
    CHECK(fresh->load(certs().dir().file("nothing.json")).error() == std::errc::no_such_file_or_directory);
    CHECK(fresh->save(copy + ".2").error() == errc::no_keys);
    REQUIRE(fresh->load(copy));
    CHECK(verifier_over(fresh).verify(good));
    CHECK(fresh->load(copy).error() == errc::invalid_argument);
}

// ---------------------------------------------------------------------------------------------------------------
// Discovery

TEST_CASE("metadata URLs follow OpenID Connect Discovery and RFC 8414", "[http][positive]") {
    using jot::http::metadata_kind;
    using jot::http::metadata_url;
    CHECK(metadata_url("https://idp.test") == "https://idp.test/.well-known/openid-configuration");
    CHECK(metadata_url("https://idp.test/realms/a/") == "https://idp.test/realms/a/.well-known/openid-configuration");
    CHECK(metadata_url("https://idp.test", metadata_kind::authorization_server) ==
          "https://idp.test/.well-known/oauth-authorization-server");
    CHECK(metadata_url("https://idp.test/tenant", metadata_kind::authorization_server) ==
          "https://idp.test/.well-known/oauth-authorization-server/tenant");
}

TEST_CASE("discovery finds the keys and gives a verifier that expects the issuer", "[http][positive]") {
    test_server server(&certs());
    const std::string issuer = server.url("/tenant");
    server.route("/tenant/.well-known/openid-configuration", [&](const httplib::Request&, httplib::Response& res) {
        res.set_content(json{{"issuer", issuer}, {"jwks_uri", server.url("/tenant/keys")}}.dump(), "application/json");
    });
    server.route("/.well-known/oauth-authorization-server/tenant", [&](const httplib::Request&, httplib::Response& res) {
        res.set_content(json{{"issuer", issuer}, {"jwks_uri", server.url("/tenant/keys")}}.dump(), "application/json");
    });
    server.route("/tenant/keys", serve(jwks({"k1"})));
    jot::http::provider_options po;
    po.fetch = quick();
    auto idp = jot::http::discover_provider(issuer, po).value();
    CHECK(idp.metadata().jwks_uri == server.url("/tenant/keys"));
    const auto v = idp.verifier().expect_audience("api").build().value();
    CHECK(v.verify(token("k1", issuer)));
    CHECK(v.verify(token("k1", "https://other.test")).error() == errc::issuer_mismatch);

    po.kind = jot::http::metadata_kind::authorization_server;
    CHECK(jot::http::discover_provider(issuer, po));
}

TEST_CASE("discovery refuses another issuer, a missing jwks_uri, an http jwks_uri and bad JSON", "[http][negative]") {
    test_server server(&certs());
    const std::string issuer = server.url("");
    std::string document;
    std::mutex m;
    server.route("/.well-known/openid-configuration", [&](const httplib::Request&, httplib::Response& res) {
        std::lock_guard<std::mutex> lock(m);
        res.set_content(document, "application/json");
    });
    const auto answer = [&](std::string d) {
        std::lock_guard<std::mutex> lock(m);
        document = std::move(d);
    };
    const auto fetch = quick();
    answer(json{{"issuer", issuer + "/"}, {"jwks_uri", server.url("/keys")}}.dump());
    CHECK(jot::http::discover(issuer, fetch).error() == errc::discovery_issuer_mismatch);
    answer(json{{"issuer", "https://evil.test"}, {"jwks_uri", server.url("/keys")}}.dump());
    CHECK(jot::http::discover(issuer, fetch).error() == errc::discovery_issuer_mismatch);
    answer(json{{"issuer", issuer}}.dump());
    CHECK(jot::http::discover(issuer, fetch).error() == errc::discovery_invalid);
    answer(json{{"issuer", issuer}, {"jwks_uri", 7}}.dump());
    CHECK(jot::http::discover(issuer, fetch).error() == errc::discovery_invalid);
    answer(json{{"issuer", issuer}, {"jwks_uri", "http://10.0.0.1/keys"}}.dump());
    CHECK(jot::http::discover(issuer, fetch).error() == errc::url_refused);
    answer("{\"issuer\": ");
    CHECK(jot::http::discover(issuer, fetch).error() == errc::json_invalid);
    answer("[]");
    CHECK(jot::http::discover(issuer, fetch).error() == errc::json_not_object);
    // A provider whose keys cannot be loaded fails at start-up, not on the first token.
    answer(json{{"issuer", issuer}, {"jwks_uri", server.url("/missing")}}.dump());
    jot::http::provider_options po;
    po.fetch = fetch;
    CHECK(jot::http::discover_provider(issuer, po).error() == errc::http_status_unexpected);
}
