// SPDX-License-Identifier: MIT
// A resource server following an identity provider's key rotation: an HTTP server on 127.0.0.1 publishes a
// JWK Set and rotates its signing key; a verifier reads the set through jot::http's fetcher, refreshing in the
// background, and keeps up.
#include <algorithm>
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

/// The identity provider, rotating as docs/guide-issuing.md says: the next key is published before anything is
/// signed with it (at least one cache lifetime of the JWK Set ahead, so every verifier has it when the first
/// token arrives), and the old key stays published until the last token it signed has expired.
class identity_provider {
public:
    /// Adds a new key to the published set; tokens are still signed with the current one.
    void publish_next(const std::string& kid) {
        auto key = jot::private_key::generate(jot::algorithm::es256, kid).value();
        std::lock_guard<std::mutex> lock(m_);
        published_.push_back(jot::to_jwk(key.public_key().value()).value());
        next_ = std::make_shared<const jot::private_key>(std::move(key));
    }
    /// Signs with the key published last from now on.
    void activate_next() {
        std::lock_guard<std::mutex> lock(m_);
        if (next_) signing_ = std::move(next_);
    }
    /// Removes a key from the published set (once no unexpired token signed with it can be left).
    void retire(const std::string& kid) {
        std::lock_guard<std::mutex> lock(m_);
        published_.erase(std::remove_if(published_.begin(), published_.end(),
                                        [&](const nlohmann::json& k) { return k.value("kid", "") == kid; }),
                         published_.end());
    }
    std::string jwks() const {
        std::lock_guard<std::mutex> lock(m_);
        return nlohmann::json{{"keys", published_}}.dump();
    }
    std::string issue(const std::string& subject) const {
        std::shared_ptr<const jot::private_key> key;
        {
            std::lock_guard<std::mutex> lock(m_);
            key = signing_;
        }
        return jot::builder().issuer("https://idp.example").subject(subject).audience("api").issued_now()
            .expires_in(token_lifetime).sign(*key).value();
    }

    static constexpr std::chrono::minutes token_lifetime{5};

private:
    mutable std::mutex m_;
    std::shared_ptr<const jot::private_key> signing_, next_;
    nlohmann::json published_ = nlohmann::json::array();
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
    idp.publish_next("key-1");
    idp.activate_next();

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

    // Rotation, step 1: publish key-2 next to key-1, and keep signing with key-1 for at least the set's
    // max-age (300 s), so that every verifier's cache has key-2 before the first key-2 token exists. The
    // demo does not wait 5 minutes: refresh() stands for the source's scheduled refresh once max-age is over.
    idp.publish_next("key-2");
    ok &= expect(source->refresh().has_value() && served == 2, "key-2 published; the scheduled refresh fetches it");
    ok &= expect(verifier.verify(idp.issue("carol")).has_value(), "tokens are still signed with key-1 meanwhile");

    // Step 2: sign with key-2. Every verifier already has it: no key_not_found, no fetch on the request path.
    idp.activate_next();
    ok &= expect(verifier.verify(idp.issue("dave")).has_value(), "the first key-2 token verifies at once");
    ok &= expect(served == 2, "switching the signing key cost no fetch");
    ok &= expect(verifier.verify(old_token).has_value(), "a key-1 token issued before the switch still verifies");

    // Step 3: once the last key-1 token has expired (token_lifetime after the switch), retire key-1.
    idp.retire("key-1");
    ok &= expect(source->refresh().has_value() && served == 3, "key-1 retired; the next refresh drops it");
    const auto retired = verifier.verify(old_token);
    ok &= expect(!retired && retired.error() == jot::errc::key_not_found, "a key-1 token is refused once key-1 is gone");
    ok &= expect(verifier.verify(idp.issue("erin")).has_value(), "key-2 tokens verify");

    // A flood of invented kids (each a validly shaped, unverifiable token) costs the issuer nothing more.
    int refused = 0;
    for (int i = 0; i < 1000; ++i) {
        const std::string header = R"({"alg":"ES256","kid":"bogus-)" + std::to_string(i) + R"("})";
        const std::string forged = jot::base64url::encode(std::string_view(header)) + ".e30." +
                                   jot::base64url::encode(std::string(64, 'x'));
        refused += verifier.verify(forged).has_value() ? 0 : 1;
    }
    ok &= expect(refused == 1000, "1,000 tokens with invented kids are all refused");
    // The first unknown kid starts one background refresh (a rotation the verifier has not seen yet would
    // look the same); the other 999 fall within the unknown-kid cooldown (30 s) and cost nothing.
    ok &= expect(wait_for([&] { return served >= 4; }) && served == 4, "and cost one fetch in all (unknown-kid cooldown)");

    server.stop();
    listener.join();
    std::printf("%s\n", ok ? "jwks rotation: all checks passed" : "jwks rotation: FAILED");
    return ok ? 0 : 1;
}
