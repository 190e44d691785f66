// SPDX-License-Identifier: MIT
// Custom signer: sign with a key that stays inside an "HSM" (a callback here), verify with its public key.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include <jot/jot.hpp>

namespace {

/// Stands in for an HSM or cloud KMS client. A real one sends the signing input (or its SHA-256 digest) to
/// the device and gets a signature back; the private key never enters this process. Here the "device" holds
/// a jot::private_key so the example runs anywhere.
class pretend_hsm {
public:
    pretend_hsm() : key_(jot::private_key::generate(jot::algorithm::es256).value()) {}

    /// What the device publishes: its public key as PEM.
    std::string public_key_pem() const { return key_.public_key().value().to_pem().value(); }

    /// Signs and returns the raw JWS signature. For ES256 that is r||s (64 octets). Many real KMS APIs return
    /// a DER ECDSA-Sig-Value instead; convert it to r||s before returning (jot rejects DER here).
    jot::result<std::vector<std::uint8_t>> sign(std::string_view signing_input) const {
        std::vector<std::uint8_t> sig(key_.max_signature_size());
        auto n = key_.sign(signing_input, sig.data(), sig.size());
        if (!n) return n.error();
        sig.resize(*n);
        ++calls_;
        return sig;
    }

    int calls() const { return calls_.load(); }

private:
    jot::private_key key_;
    mutable std::atomic<int> calls_{0}; // sign() may run on several threads at once
};

} // namespace

int main() {
    using namespace std::chrono_literals;
    const pretend_hsm hsm;

    // The signer: algorithm, kid, largest signature, and the function that produces signatures.
    const jot::callback_signer signer =
        jot::callback_signer::create(jot::algorithm::es256, "hsm-key-1", 64,
                                     [&hsm](std::string_view input) { return hsm.sign(input); })
            .value();

    // The builder treats it like any other key: "alg" and "kid" in the header come from it.
    const std::string token = jot::builder()
                                  .issuer("https://auth.example.com")
                                  .subject("service-a")
                                  .expires_in(5min)
                                  .sign(signer)
                                  .value();
    std::cout << "token:    " << token << "\n";
    std::cout << "hsm calls: " << hsm.calls() << "\n";

    // The verifier only ever sees the public key.
    const jot::public_key public_key =
        jot::public_key::from_pem(jot::algorithm::es256, hsm.public_key_pem(), "hsm-key-1").value();
    const jot::verifier verifier =
        jot::verifier_builder().key(public_key).expect_issuer("https://auth.example.com").build().value();

    const auto verified = verifier.verify(token);
    if (!verified) {
        std::cerr << "rejected: " << verified.error().message() << "\n";
        return 1;
    }
    std::cout << "verified: sub=" << verified->claims().subject().value()
              << " kid=" << verified->header().key_id().value() << "\n";
    return 0;
}
