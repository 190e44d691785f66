// SPDX-License-Identifier: MIT
// Custom signer: sign with a key that stays inside a "KMS" (a callback here) that answers with a DER ECDSA
// signature, convert it to JWS's r||s, and verify with the public key.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <jot/evp_pkey.hpp>
#include <jot/jot.hpp>

namespace {

struct md_ctx_deleter {
    void operator()(EVP_MD_CTX* p) const noexcept { EVP_MD_CTX_free(p); }
};
struct bio_deleter {
    void operator()(BIO* p) const noexcept { BIO_free(p); }
};
struct ecdsa_sig_deleter {
    void operator()(ECDSA_SIG* p) const noexcept { ECDSA_SIG_free(p); }
};

/// Stands in for an HSM or cloud KMS client. A real one sends the signing input (or its SHA-256 digest) to
/// the device and gets a signature back; the private key never enters this process. Like AWS KMS, Google Cloud
/// KMS, Azure Key Vault's DER mode and PKCS#11 tokens set up for X.509, this "device" answers an ECDSA request
/// with a DER ECDSA-Sig-Value (SEQUENCE { r INTEGER, s INTEGER }, 70 to 72 bytes for P-256), not JWS's r||s.
/// Here it is OpenSSL in the same process, so the example runs anywhere.
class pretend_kms {
public:
    pretend_kms() : key_(EVP_EC_gen("P-256")) {}

    /// What the device publishes: its public key as PEM (SubjectPublicKeyInfo).
    std::string public_key_pem() const {
        std::unique_ptr<BIO, bio_deleter> bio(BIO_new(BIO_s_mem()));
        if (!bio || !key_ || PEM_write_bio_PUBKEY(bio.get(), key_.get()) != 1) return {};
        char* data = nullptr;
        const long n = BIO_get_mem_data(bio.get(), &data);
        return std::string(data, static_cast<std::size_t>(n));
    }

    /// ECDSA P-256 with SHA-256 over `message`: the DER signature, as the KMS returns it.
    std::optional<std::vector<std::uint8_t>> sign_der(std::string_view message) const {
        std::unique_ptr<EVP_MD_CTX, md_ctx_deleter> ctx(EVP_MD_CTX_new());
        std::size_t len = 0;
        if (!ctx || !key_ || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get()) != 1 ||
            EVP_DigestSign(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(message.data()),
                           message.size()) != 1)
            return std::nullopt;
        std::vector<std::uint8_t> der(len);
        if (EVP_DigestSign(ctx.get(), der.data(), &len, reinterpret_cast<const unsigned char*>(message.data()),
                           message.size()) != 1)
            return std::nullopt;
        der.resize(len);
        ++calls_;
        return der;
    }

    int calls() const { return calls_.load(); }

private:
    jot::evp_pkey_ptr key_;
    mutable std::atomic<int> calls_{0}; // sign_der() may run on several threads at once
};

/// The step every KMS-backed ES256/ES384/ES512 signer needs (RFC 7518 §3.4): a JWS ECDSA signature is r and s,
/// each as a big-endian unsigned integer left-padded with zeros to the curve's size (32 octets for P-256),
/// concatenated. DER drops leading zeros (and adds one before a high bit), so its length varies; r||s does not.
/// jot refuses a DER signature from a callback signer (errc::signature_length_invalid), as verifiers would.
jot::result<std::vector<std::uint8_t>> der_to_jws(const std::vector<std::uint8_t>& der, std::size_t half) {
    const unsigned char* p = der.data();
    std::unique_ptr<ECDSA_SIG, ecdsa_sig_deleter> sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
    // The whole buffer must be one ECDSA-Sig-Value: no trailing bytes.
    if (!sig || p != der.data() + der.size()) return jot::errc::crypto_failure;
    const BIGNUM* r = nullptr;
    const BIGNUM* s = nullptr;
    ECDSA_SIG_get0(sig.get(), &r, &s);
    std::vector<std::uint8_t> out(2 * half);
    // BN_bn2binpad fails (-1) when the number does not fit in `half` octets: a signature from another curve.
    if (BN_bn2binpad(r, out.data(), static_cast<int>(half)) < 0 ||
        BN_bn2binpad(s, out.data() + half, static_cast<int>(half)) < 0)
        return jot::errc::crypto_failure;
    return out;
}

} // namespace

int main() {
    using namespace std::chrono_literals;
    const pretend_kms kms;

    // The signer: algorithm, kid, largest signature, and the function that produces signatures: the KMS's
    // DER answer, converted to r||s (32 + 32 octets for ES256).
    const jot::callback_signer signer =
        jot::callback_signer::create(jot::algorithm::es256, "kms-key-1", 64,
                                     [&kms](std::string_view input) -> jot::result<std::vector<std::uint8_t>> {
                                         const auto der = kms.sign_der(input);
                                         if (!der) return jot::errc::crypto_failure;
                                         return der_to_jws(*der, 32);
                                     })
            .value();

    // The builder treats it like any other key: "alg" and "kid" in the header come from it.
    const std::string token = jot::builder()
                                  .issuer("https://auth.example.com")
                                  .subject("service-a")
                                  .expires_in(5min)
                                  .sign(signer)
                                  .value();
    std::cout << "token:    " << token << "\n";
    std::cout << "kms calls: " << kms.calls() << "\n";

    // The verifier only ever sees the public key.
    const jot::public_key public_key =
        jot::public_key::from_pem(jot::algorithm::es256, kms.public_key_pem(), "kms-key-1").value();
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
