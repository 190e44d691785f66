// SPDX-License-Identifier: MIT
// HS256 in jot_bench: jot's hmac_key next to a pre-keyed OpenSSL EVP_MAC_CTX duplicated per call.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <jot/keys.hpp>

#include "bench_common.hpp"

namespace jot_bench {
namespace {

/// The HMAC floor: the MAC fetched and keyed once; each call duplicates the keyed context (cheaper than
/// EVP_MAC_init, which re-derives the HMAC pads) and compares with CRYPTO_memcmp.
class floor_hmac {
public:
    static constexpr std::size_t max_signature_size = EVP_MAX_MD_SIZE;

    floor_hmac(const char* digest, std::string_view secret, std::size_t size) : size_(size) {
        mac_ = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
        ctx_ = mac_ ? EVP_MAC_CTX_new(mac_) : nullptr;
        OSSL_PARAM params[] = {
            OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>(digest), 0),
            OSSL_PARAM_construct_end(),
        };
        if (ctx_ && EVP_MAC_init(ctx_, reinterpret_cast<const unsigned char*>(secret.data()), secret.size(),
                                 params) != 1) {
            EVP_MAC_CTX_free(ctx_);
            ctx_ = nullptr;
        }
    }
    floor_hmac(const floor_hmac&) = delete;
    floor_hmac& operator=(const floor_hmac&) = delete;
    ~floor_hmac() {
        EVP_MAC_CTX_free(ctx_);
        EVP_MAC_free(mac_);
    }
    bool ok() const { return ctx_ != nullptr; }

    std::size_t sign(std::string_view input, std::uint8_t* out) const {
        EVP_MAC_CTX* c = EVP_MAC_CTX_dup(ctx_);
        std::size_t n = 0;
        const bool ok = c && EVP_MAC_update(c, reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1 &&
                        EVP_MAC_final(c, out, &n, max_signature_size) == 1;
        EVP_MAC_CTX_free(c);
        return ok ? n : 0;
    }

    bool verify(std::string_view input, const std::uint8_t* sig, std::size_t n) const {
        if (n != size_) return false;
        std::uint8_t mac[max_signature_size];
        return sign(input, mac) == n && CRYPTO_memcmp(mac, sig, n) == 0;
    }

private:
    std::size_t size_;
    EVP_MAC* mac_ = nullptr;
    EVP_MAC_CTX* ctx_ = nullptr;
};

} // namespace

void register_hmac() {
    const std::string secret = "a jot_bench HMAC secret: 32 octets or more, as RFC 7518 asks";
    auto key = jot::hmac_key::create(jot::algorithm::hs256, secret);
    auto floor = std::make_shared<const floor_hmac>("SHA2-256", secret, 32);
    if (!check(key.has_value() && floor->ok(), "HS256", "the HMAC keys could not be made")) return;
    auto shared = std::make_shared<const jot::hmac_key>(std::move(*key));
    register_algorithm<floor_hmac>("HS256", shared, shared, floor, {/*deterministic=*/true});
}

} // namespace jot_bench
