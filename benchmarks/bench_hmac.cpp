// SPDX-License-Identifier: MIT
// HS256 in jot_bench: jot's hmac_key next to OpenSSL used at its best: the two HMAC pad states (RFC 2104 §2)
// hashed once, copied per call into a context the thread keeps.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <jot/hmac_key.hpp>

#include "bench_common.hpp"

namespace jot_bench {
namespace {

/// The HMAC floor. EVP_MAC_CTX_dup per call would cost eleven allocations, re-keying a MAC context five;
/// copying two prepared digest states costs two (OpenSSL 3.0 allocates the copy's state).
class floor_hmac {
public:
    static constexpr std::size_t max_signature_size = EVP_MAX_MD_SIZE;

    floor_hmac(const char* digest, std::string_view secret) {
        md_ = EVP_MD_fetch(nullptr, digest, nullptr);
        if (!md_) return;
        const auto block = static_cast<std::size_t>(EVP_MD_get_block_size(md_));
        unsigned char k[128] = {};
        if (block > sizeof k || secret.size() > block) return; // the benchmark's secret fits one block
        std::memcpy(k, secret.data(), secret.size());
        unsigned char ipad[128], opad[128];
        for (std::size_t i = 0; i < block; ++i) {
            ipad[i] = static_cast<unsigned char>(k[i] ^ 0x36);
            opad[i] = static_cast<unsigned char>(k[i] ^ 0x5c);
        }
        inner_ = EVP_MD_CTX_new();
        outer_ = EVP_MD_CTX_new();
        ok_ = inner_ && outer_ && EVP_DigestInit_ex2(inner_, md_, nullptr) == 1 &&
              EVP_DigestUpdate(inner_, ipad, block) == 1 && EVP_DigestInit_ex2(outer_, md_, nullptr) == 1 &&
              EVP_DigestUpdate(outer_, opad, block) == 1;
        OPENSSL_cleanse(k, sizeof k);
        OPENSSL_cleanse(ipad, sizeof ipad);
        OPENSSL_cleanse(opad, sizeof opad);
        size_ = static_cast<std::size_t>(EVP_MD_get_size(md_));
    }
    floor_hmac(const floor_hmac&) = delete;
    floor_hmac& operator=(const floor_hmac&) = delete;
    ~floor_hmac() {
        EVP_MD_CTX_free(inner_);
        EVP_MD_CTX_free(outer_);
        EVP_MD_free(md_);
    }
    bool ok() const { return ok_; }

    std::size_t sign(std::string_view input, std::uint8_t* out) const {
        thread_local struct scratch {
            EVP_MD_CTX* ctx = EVP_MD_CTX_new();
            ~scratch() { EVP_MD_CTX_free(ctx); }
        } t;
        unsigned char inner[EVP_MAX_MD_SIZE];
        unsigned int n = 0, len = 0;
        const bool ok = t.ctx && EVP_MD_CTX_copy_ex(t.ctx, inner_) == 1 &&
                        EVP_DigestUpdate(t.ctx, input.data(), input.size()) == 1 &&
                        EVP_DigestFinal_ex(t.ctx, inner, &n) == 1 && EVP_MD_CTX_copy_ex(t.ctx, outer_) == 1 &&
                        EVP_DigestUpdate(t.ctx, inner, n) == 1 && EVP_DigestFinal_ex(t.ctx, out, &len) == 1;
        return ok ? len : 0;
    }

    bool verify(std::string_view input, const std::uint8_t* sig, std::size_t n) const {
        if (n != size_) return false;
        std::uint8_t mac[max_signature_size];
        return sign(input, mac) == n && CRYPTO_memcmp(mac, sig, n) == 0;
    }

private:
    EVP_MD* md_ = nullptr;
    EVP_MD_CTX* inner_ = nullptr;
    EVP_MD_CTX* outer_ = nullptr;
    std::size_t size_ = 0;
    bool ok_ = false;
};

} // namespace

void register_hmac() {
    const std::string secret = "a jot_bench HMAC secret: 32 octets or more, as RFC 7518 asks";
    auto key = jot::hmac_key::create(jot::algorithm::hs256, secret);
    auto floor = std::make_shared<const floor_hmac>("SHA2-256", secret);
    if (!check(key.has_value() && floor->ok(), "HS256", "the HMAC keys could not be made")) return;
    auto shared = std::make_shared<const jot::hmac_key>(std::move(*key));
    algorithm_options opts;
    opts.deterministic = true;
    opts.cache = true;
    opts.decode_and_build = true;
    opts.read_claims = true;
    opts.peers = true;
    opts.secret = secret;
    register_algorithm<floor_hmac>("HS256", shared, shared, floor, opts);
}

} // namespace jot_bench
