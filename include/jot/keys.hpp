// SPDX-License-Identifier: MIT
// Key objects that carry their algorithm. This header holds the HMAC key (HS256/384/512, RFC 7518 §3.2).
#pragma once

#include <cstddef>
#include <cstdint>
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
/// The secret is copied, kept as bytes (NUL bytes included) and wiped when the key dies. A pre-keyed OpenSSL
/// MAC context is prepared once here; each operation duplicates it, so a const key is safe to share between
/// threads.
class hmac_key final : public signer, public verification_key {
public:
    /// Makes a key for `alg` from `secret`, with an optional "kid".
    /// Errors: errc::key_algorithm_mismatch (alg is not HS*), errc::key_too_short (secret shorter than the
    /// hash output, RFC 7518 §3.2), errc::crypto_failure.
    static result<hmac_key> create(jot::algorithm alg, bytes_view secret, std::string kid = {}) {
        if (family_of(alg) != algorithm_family::hmac) return errc::key_algorithm_mismatch;
        if (secret.size() < hash_size(alg)) return errc::key_too_short;
        hmac_key k(alg, secret, std::move(kid));
        if (!k.ctx_) return errc::crypto_failure;
        return k;
    }

    hmac_key(const hmac_key& o) : alg_(o.alg_), kid_(o.kid_), secret_(o.secret_), ctx_(prepare()) {}
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
    hmac_key(jot::algorithm alg, bytes_view secret, std::string kid)
        : alg_(alg), kid_(std::move(kid)), secret_(secret.data(), secret.size()), ctx_(prepare()) {}

    detail::mac_ctx_ptr prepare() const {
        EVP_MAC* mac = detail::hmac_mac();
        if (!mac) return nullptr;
        detail::mac_ctx_ptr ctx(EVP_MAC_CTX_new(mac));
        if (!ctx) return nullptr;
        OSSL_PARAM params[] = {
            OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>(detail::sha2_name(alg_)), 0),
            OSSL_PARAM_construct_end(),
        };
        // An empty key is legal for HMAC but OpenSSL wants a non-null pointer; create() refuses short keys.
        if (EVP_MAC_init(ctx.get(), secret_.data(), secret_.size(), params) != 1) {
            detail::clear_openssl_errors();
            return nullptr;
        }
        return ctx;
    }

    result<std::size_t> mac(std::string_view input, std::uint8_t* out) const {
        detail::mac_ctx_ptr ctx(EVP_MAC_CTX_dup(ctx_.get()));
        std::size_t len = 0;
        if (!ctx || EVP_MAC_update(ctx.get(), reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1 ||
            EVP_MAC_final(ctx.get(), out, &len, EVP_MAX_MD_SIZE) != 1) {
            detail::clear_openssl_errors();
            return errc::crypto_failure;
        }
        return len;
    }

    jot::algorithm alg_;
    std::string kid_;
    detail::secret_bytes secret_;
    detail::mac_ctx_ptr ctx_;
};

} // namespace jot
