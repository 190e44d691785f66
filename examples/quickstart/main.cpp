// SPDX-License-Identifier: MIT
// Quick start: sign an HS256 token, verify it, print its claims, and watch a forgery get rejected.
#include <chrono>
#include <iostream>
#include <string>

#include <jot/jot.hpp>

int main() {
    using namespace std::chrono_literals;

    // A secret is bytes, at least as long as the hash (32 octets for HS256). Load it from a secret store.
    const std::string secret = "an example secret of 32+ octets, never hard-code one";
    const jot::hmac_key key = jot::hmac_key::create(jot::algorithm::hs256, secret).value();

    const std::string token = jot::builder()
                                  .issuer("https://auth.example.com")
                                  .subject("user-42")
                                  .audience("orders-api")
                                  .issued_now()
                                  .expires_in(15min)
                                  .claim("scope", "orders:read orders:write")
                                  .sign(key)
                                  .value();
    std::cout << "token:    " << token << "\n";

    const jot::verifier verifier = jot::verifier_builder()
                                       .key(key)
                                       .expect_issuer("https://auth.example.com")
                                       .expect_audience("orders-api")
                                       .build()
                                       .value();

    const auto verified = verifier.verify(token);
    if (!verified) {
        std::cerr << "rejected: " << verified.error().message() << "\n";
        return 1;
    }
    std::cout << "verified: sub=" << verified->claims().subject().value()
              << " scope=" << verified->claims().get<std::string>("scope").value() << "\n";
    std::cout << "claims:   " << verified->claims().json().dump() << "\n";

    // Flip one character of the signature: the verifier must refuse it.
    std::string forged = token;
    forged[forged.size() - 2] = forged[forged.size() - 2] == 'A' ? 'B' : 'A';
    const auto rejected = verifier.verify(forged);
    if (rejected) {
        std::cerr << "a forged token was accepted\n";
        return 1;
    }
    std::cout << "forgery:  rejected (" << rejected.error().message() << ", code jot:"
              << rejected.error().value() << ")\n";
    return 0;
}
