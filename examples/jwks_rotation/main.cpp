// SPDX-License-Identifier: MIT
// A resource server following an identity provider's key rotation: an HTTP server on 127.0.0.1 publishes a
// JWK Set and rotates its signing key; a verifier reads the set through jot::jwks_source and keeps up.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>

#include <httplib.h>
#include <nlohmann/json.hpp>

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

/// Reads "max-age=N" from a Cache-Control value, as jwks_document wants it.
std::optional<std::chrono::seconds> max_age(const std::string& cache_control) {
    const auto at = cache_control.find("max-age=");
    if (at == std::string::npos) return std::nullopt;
    return std::chrono::seconds(std::stoll(cache_control.substr(at + 8)));
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

    // The resource server: jot has no HTTP client, so the fetch is ours (here cpp-httplib).
    auto source = std::make_shared<jot::jwks_source>([port]() -> jot::result<jot::jwks_document> {
        httplib::Client client("127.0.0.1", port);
        auto res = client.Get("/jwks.json");
        if (!res || res->status != 200) return jot::errc::key_set_invalid;
        return jot::jwks_document{res->body, max_age(res->get_header_value("Cache-Control"))};
    });
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
    const auto rotated = verifier.verify(idp.issue("carol"));
    ok &= expect(rotated.has_value(), "after rotation, a key-2 token verifies (unknown kid -> refresh)");
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
