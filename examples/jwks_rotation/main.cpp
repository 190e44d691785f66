// SPDX-License-Identifier: MIT
// A resource server following an identity provider's key rotation: an HTTP server on 127.0.0.1 publishes a
// JWK Set and rotates its signing key; a verifier reads the set through jot::http's fetcher, refreshing in the
// background, and keeps up.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <jot/http/fetcher.hpp>
#include <jot/jot.hpp>

namespace {

/// The identity provider: one signing key at a time, its public half published at /jwks.json.
class identity_provider {
public:
    void rotate(const std::string& kid) {
        auto key = jot::private_key::generate(jot::algorithm::es256, kid).value();
        nlohmann::json set = {{"keys", nlohmann::json::array({jot::to_jwk(key.public_key().value()).value()})}};
        std::lock_guard<std::mutex> lock(m_);
        key_ = std::make_shared<const jot::private_key>(std::move(key));
        jwks_ = set.dump();
    }
    std::string jwks() const {
        std::lock_guard<std::mutex> lock(m_);
        return jwks_;
    }
    std::string issue(const std::string& subject) const {
        std::shared_ptr<const jot::private_key> key;
        {
            std::lock_guard<std::mutex> lock(m_);
            key = key_;
        }
        using namespace std::chrono_literals;
        return jot::builder().issuer("https://idp.example").subject(subject).audience("api").issued_now()
            .expires_in(5min).sign(*key).value();
    }

private:
    mutable std::mutex m_;
    std::shared_ptr<const jot::private_key> key_;
    std::string jwks_;
};

/// Waits up to 5 s for `done()`.
template <class F>
bool wait_for(F done) {
    for (int i = 0; i < 500 && !done(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return done();
}

bool expect(bool ok, const char* what) {
    std::printf("%-64s %s\n", what, ok ? "ok" : "FAILED");
    return ok;
}

} // namespace

int main() {
    identity_provider idp;
    idp.rotate("key-1");

    httplib::Server server;
    std::atomic<int> served{0};
    server.Get("/jwks.json", [&](const httplib::Request&, httplib::Response& res) {
        ++served;
        res.set_header("Cache-Control", "public, max-age=300");
        res.set_content(idp.jwks(), "application/jwk-set+json");
    });
    const int port = server.bind_to_any_port("127.0.0.1");
    if (port <= 0) return std::fprintf(stderr, "cannot listen on 127.0.0.1\n"), 1;
    std::thread listener([&] { server.listen_after_bind(); });

    // The resource server: jot::http fetches the set (Cache-Control max-age, ETag revalidation, refreshes on a
    // worker thread). The demo provider is plain http on 127.0.0.1, which must be allowed explicitly; a real
    // provider is https, with its certificate checked against the system trust store.
    jot::http::fetch_options fetch;
    fetch.allow_http_loopback = true;
    const auto source =
        jot::http::make_jwks_source("http://127.0.0.1:" + std::to_string(port) + "/jwks.json", fetch).value();
    const jot::verifier verifier = jot::verifier_builder()
                                       .key_source(source)
                                       .expect_issuer("https://idp.example")
                                       .expect_audience("api")
                                       .build()
                                       .value();

    bool ok = true;
    const std::string old_token = idp.issue("alice");
    ok &= expect(verifier.verify(old_token).has_value(), "token signed with key-1 verifies (first fetch)");
    ok &= expect(verifier.verify(idp.issue("bob")).has_value(), "a second token is served from the cached set");
    ok &= expect(served == 1, "one fetch so far");

    idp.rotate("key-2");
    // No verification waits for the network: the first key-2 token is answered from the keys in force while
    // its unknown kid starts a refresh in the background.
    const auto first = verifier.verify(idp.issue("carol"));
    ok &= expect(!first && first.error() == jot::errc::key_not_found, "the first key-2 token: key_not_found, refresh started");
    ok &= expect(wait_for([&] { return source->status().fetches == 2; }), "the background refresh lands");
    ok &= expect(verifier.verify(idp.issue("carol")).has_value(), "after rotation, key-2 tokens verify");
    ok &= expect(served == 2, "the unknown kid cost exactly one fetch");

    const auto retired = verifier.verify(old_token);
    ok &= expect(!retired && retired.error() == jot::errc::key_not_found, "a key-1 token is refused once key-1 is gone");

    // A flood of invented kids (each a validly shaped, unverifiable token) costs the issuer nothing more.
    int refused = 0;
    for (int i = 0; i < 1000; ++i) {
        const std::string header = R"({"alg":"ES256","kid":"bogus-)" + std::to_string(i) + R"("})";
        const std::string forged = jot::base64url::encode(std::string_view(header)) + ".e30." +
                                   jot::base64url::encode(std::string(64, 'x'));
        refused += verifier.verify(forged).has_value() ? 0 : 1;
    }
    ok &= expect(refused == 1000, "1,000 tokens with invented kids are all refused");
    ok &= expect(served == 2, "and cause no fetch (unknown-kid cooldown)");

    server.stop();
    listener.join();
    std::printf("%s\n", ok ? "jwks rotation: all checks passed" : "jwks rotation: FAILED");
    return ok ? 0 : 1;
}
