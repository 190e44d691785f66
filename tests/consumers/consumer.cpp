// SPDX-License-Identifier: MIT
// The program every packaging consumer builds: sign an HS256 token with jot, verify it, refuse a forgery.
#include <chrono>
#include <cstdio>
#include <string>
#include <system_error>

#include <jot/jot.hpp>

namespace {

int fail(const char* step, const std::error_code& ec) {
    std::fprintf(stderr, "consumer: %s failed: %s\n", step, ec.message().c_str());
    return 1;
}

}  // namespace

int main() {
    using namespace std::chrono_literals;

    const std::string secret = "a packaging-test secret of at least 32 octets";
    const auto key = jot::hmac_key::create(jot::algorithm::hs256, secret);
    if (!key) return fail("hmac_key::create", key.error());

    const auto token = jot::builder().issuer("consumer").subject("packaging").expires_in(5min).sign(*key);
    if (!token) return fail("builder::sign", token.error());

    const auto verifier = jot::verifier_builder().key(*key).expect_issuer("consumer").build();
    if (!verifier) return fail("verifier_builder::build", verifier.error());

    const auto verified = verifier->verify(*token);
    if (!verified) return fail("verifier::verify", verified.error());
    const auto subject = verified->claims().subject();
    if (!subject || *subject != "packaging") {
        std::fprintf(stderr, "consumer: the verified token lost its subject\n");
        return 1;
    }

    // One character of the signature changed (not the last, whose low bits are padding): must be refused
    // as a bad signature, not as malformed input.
    std::string forged = *token;
    char& c = forged[forged.size() - 10];
    c = c == 'A' ? 'B' : 'A';
    const auto refused = verifier->verify(forged);
    if (refused || refused.error() != jot::errc::signature_invalid) {
        std::fprintf(stderr, "consumer: a forged token was not refused as signature_invalid\n");
        return 1;
    }

#ifdef JOT_CONSUMER_EXPECTED_VERSION
    // The version the packaging metadata (CMake version file or pkg-config) reported must be the headers'.
    const std::string headers_version = std::to_string(JOT_VERSION_MAJOR) + "." +
                                        std::to_string(JOT_VERSION_MINOR) + "." +
                                        std::to_string(JOT_VERSION_PATCH);
    if (headers_version != JOT_CONSUMER_EXPECTED_VERSION) {
        std::fprintf(stderr, "consumer: package says version %s, headers say %s\n", JOT_CONSUMER_EXPECTED_VERSION,
                     headers_version.c_str());
        return 1;
    }
#endif

    std::printf("consumer: jot %d.%d.%d signed and verified an HS256 token and refused a forgery\n",
                JOT_VERSION_MAJOR, JOT_VERSION_MINOR, JOT_VERSION_PATCH);
    return 0;
}
