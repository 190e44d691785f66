// SPDX-License-Identifier: MIT
// jot::hmac_key: an HMAC secret bound to one of HS256/384/512 (RFC 7518 §3.2).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "algorithm.hpp"
#include "bytes.hpp"
#include "detail/constant_time.hpp"
#include "detail/openssl.hpp"
#include "error.hpp"
#include "result.hpp"
#include "signer.hpp"

namespace jot {

/// An HMAC secret bound to one of HS256, HS384 or HS512; it signs and verifies that algorithm only.
/// The secret is copied, kept as bytes (NUL bytes included) and wiped when the key dies. The two HMAC hash
/// states that depend only on the secret (RFC 2104 §2: the hash after K XOR ipad, and after K XOR opad) are
/// computed once here and only read afterwards, so a const key is safe to share between threads.
class hmac_key final : public signer, public verification_key {
public:
    /// Makes a key for `alg` from `secret`, with an optional "kid".
    /// Errors: errc::key_algorithm_mismatch (alg is not HS*), errc::key_too_short (secret shorter than the
    /// hash output, RFC 7518 §3.2), errc::crypto_failure.
    static result<hmac_key> create(jot::algorithm alg, bytes_view secret, std::string kid = {}) {
        if (family_of(alg) != algorithm_family::hmac) return errc::key_algorithm_mismatch;
        if (secret.size() * 8 < detail::facts_of(alg).min_key_bits) return errc::key_too_short;
        hmac_key k(alg, secret, std::move(kid));
        if (!k.pads_.inner) return errc::crypto_failure;
        return k;
    }

    hmac_key(const hmac_key& o) : alg_(o.alg_), kid_(o.kid_), secret_(o.secret_), pads_(prepare()) {}
    hmac_key(hmac_key&&) noexcept = default;
    hmac_key& operator=(const hmac_key& o) {
        if (this != &o) {
            hmac_key tmp(o);
            *this = std::move(tmp);
        }
        return *this;
    }
    hmac_key& operator=(hmac_key&&) noexcept = default;
    ~hmac_key() override = default;

    jot::algorithm alg() const noexcept override { return alg_; }
    std::string_view key_id() const noexcept override { return kid_; }
    std::size_t max_signature_size() const noexcept override { return hash_size(alg_); }
    /// The secret's octets (for exporting it as an "oct" JWK); handle with care.
    bytes_view secret() const noexcept { return {secret_.data(), secret_.size()}; }

    /// Computes the MAC of `signing_input`. Errors: errc::invalid_argument (capacity too small),
    /// errc::crypto_failure.
    result<std::size_t> sign(std::string_view signing_input, std::uint8_t* out,
                             std::size_t capacity) const override {
        if (capacity < hash_size(alg_)) return errc::invalid_argument;
        return mac(signing_input, out);
    }

    /// Recomputes the MAC and compares it in constant time. A MAC of the wrong length (including a truncated
    /// one, which JWS never allows) is errc::signature_length_invalid; a wrong MAC errc::signature_invalid.
    result<void> verify(std::string_view signing_input, bytes_view signature) const override {
        if (signature.size() != hash_size(alg_)) return errc::signature_length_invalid;
        std::uint8_t expected[EVP_MAX_MD_SIZE];
        auto n = mac(signing_input, expected);
        if (!n) return n.error();
        const bool ok = detail::constant_time_equal(expected, signature.data(), *n);
        OPENSSL_cleanse(expected, sizeof expected);
        if (!ok) return errc::signature_invalid;
        return {};
    }

private:
    /// The hash states after absorbing the inner and the outer padded key (RFC 2104 §2 steps 1-3 and 5-6).
    struct pad_states {
        detail::md_ctx_ptr inner, outer;
    };

    hmac_key(jot::algorithm alg, bytes_view secret, std::string kid)
        : alg_(alg), kid_(std::move(kid)), secret_(secret.data(), secret.size()), pads_(prepare()) {}

    /// Both pad states, or two nulls when OpenSSL fails.
    pad_states prepare() const {
        // Each call then costs two context copies (one small allocation each) instead of EVP_MAC_CTX_dup
        // (eleven) or re-keying a MAC context (five, and the pads hashed again): measured in benchmarks/.
        detail::openssl_error_scope scope;
        EVP_MD* md = detail::digest_md(alg_);
        if (!md) return {};
        const auto block = static_cast<std::size_t>(EVP_MD_get_block_size(md));
        std::uint8_t k[256] = {}; // the key padded to the hash's block (64 or 128 octets)
        if (block > sizeof k) return {};
        bool ok = true;
        if (secret_.size() > block) {
            // RFC 2104 §2: a key longer than the block is hashed first.
            unsigned int n = 0;
            ok = EVP_Digest(secret_.data(), secret_.size(), k, &n, md, nullptr) == 1;
        } else if (secret_.size() != 0) {
            std::memcpy(k, secret_.data(), secret_.size());
        }
        std::uint8_t ipad[256], opad[256];
        for (std::size_t i = 0; i < block; ++i) {
            ipad[i] = static_cast<std::uint8_t>(k[i] ^ 0x36);
            opad[i] = static_cast<std::uint8_t>(k[i] ^ 0x5c);
        }
        pad_states p{detail::md_ctx_ptr(EVP_MD_CTX_new()), detail::md_ctx_ptr(EVP_MD_CTX_new())};
        ok = ok && p.inner && p.outer && EVP_DigestInit_ex2(p.inner.get(), md, nullptr) == 1 &&
             EVP_DigestUpdate(p.inner.get(), ipad, block) == 1 && EVP_DigestInit_ex2(p.outer.get(), md, nullptr) == 1 &&
             EVP_DigestUpdate(p.outer.get(), opad, block) == 1;
        OPENSSL_cleanse(k, sizeof k);
        OPENSSL_cleanse(ipad, sizeof ipad);
        OPENSSL_cleanse(opad, sizeof opad);
        if (!ok) return {};
        return p;
    }

    /// HMAC(K, input) = H(K^opad || H(K^ipad || input)), from copies of the prepared states in this thread's
    /// scratch context: no lock, nothing shared is written, and the context never outlives the call's use
    /// of it with a reference to this key (it holds copied hash states only).
    result<std::size_t> mac(std::string_view input, std::uint8_t* out) const {
        detail::openssl_error_scope scope;
        detail::md_ctx_ptr own;
        EVP_MD_CTX* ctx = detail::thread_md_ctx();
        if (!ctx) {
            own.reset(EVP_MD_CTX_new());
            ctx = own.get();
        }
        std::uint8_t inner[EVP_MAX_MD_SIZE];
        unsigned int inner_len = 0, len = 0;
        const bool ok = ctx && EVP_MD_CTX_copy_ex(ctx, pads_.inner.get()) == 1 &&
                        EVP_DigestUpdate(ctx, input.data(), input.size()) == 1 &&
                        EVP_DigestFinal_ex(ctx, inner, &inner_len) == 1 &&
                        EVP_MD_CTX_copy_ex(ctx, pads_.outer.get()) == 1 &&
                        EVP_DigestUpdate(ctx, inner, inner_len) == 1 && EVP_DigestFinal_ex(ctx, out, &len) == 1;
        OPENSSL_cleanse(inner, sizeof inner);
        if (!ok) return errc::crypto_failure;
        return std::size_t{len};
    }

    jot::algorithm alg_;
    std::string kid_;
    detail::secret_bytes secret_;
    pad_states pads_;
};

} // namespace jot
