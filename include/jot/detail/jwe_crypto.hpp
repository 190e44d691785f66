// SPDX-License-Identifier: MIT
// The JWE primitives on OpenSSL 3 EVP: AES-GCM, AES-CBC-HMAC-SHA2, AES key wrap, RSA-OAEP, ECDH and Concat KDF.
#pragma once

#include <climits>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

#include "../bytes.hpp"
#include "../error.hpp"
#include "../result.hpp"
#include "constant_time.hpp"
#include "openssl.hpp"

namespace jot::detail {

/// Octets that are wiped when they die: CEKs, derived keys, decrypted plaintext on its way out.
class wiped_buffer {
public:
    wiped_buffer() = default;
    explicit wiped_buffer(std::size_t n) : v_(n) {}
    wiped_buffer(const std::uint8_t* p, std::size_t n) : v_(p, p + n) {}
    wiped_buffer(const wiped_buffer&) = default;
    wiped_buffer(wiped_buffer&& o) noexcept : v_(std::move(o.v_)) {}
    wiped_buffer& operator=(wiped_buffer&& o) noexcept {
        if (this != &o) {
            wipe();
            v_ = std::move(o.v_);
        }
        return *this;
    }
    wiped_buffer& operator=(const wiped_buffer& o) {
        if (this != &o) {
            wipe();
            v_ = o.v_;
        }
        return *this;
    }
    ~wiped_buffer() { wipe(); }
    std::uint8_t* data() noexcept { return v_.data(); }
    const std::uint8_t* data() const noexcept { return v_.data(); }
    std::size_t size() const noexcept { return v_.size(); }
    bool empty() const noexcept { return v_.empty(); }
    void resize(std::size_t n) { v_.resize(n); }
    bytes_view view() const noexcept { return {v_.data(), v_.size()}; }

private:
    void wipe() noexcept {
        if (!v_.empty()) OPENSSL_cleanse(v_.data(), v_.size());
    }
    std::vector<std::uint8_t> v_;
};

/// Fills `out` with `n` octets from OpenSSL's CSPRNG. Errors: errc::crypto_failure.
inline result<void> random_bytes(std::uint8_t* out, std::size_t n) noexcept {
    openssl_error_scope scope;
    if (n == 0) return {};
    if (RAND_bytes(out, static_cast<int>(n)) != 1) return errc::crypto_failure;
    return {};
}

/// The AES cipher of `key_octets` (16, 24, 32) in `mode` ("GCM", "CBC", "WRAP"), fetched once per process and
/// never freed; nullptr for other sizes or when the provider lacks it.
inline EVP_CIPHER* aes_cipher(std::string_view mode, std::size_t key_octets) noexcept {
    struct fetched {
        EVP_CIPHER* table[3][3];
        fetched() noexcept {
            openssl_error_scope scope;
            // WRAP is RFC 3394 with its default IV A6A6A6A6A6A6A6A6, as RFC 7518 §4.4 requires.
            static const char* const names[3][3] = {{"AES-128-GCM", "AES-192-GCM", "AES-256-GCM"},
                                                    {"AES-128-CBC", "AES-192-CBC", "AES-256-CBC"},
                                                    {"AES-128-WRAP", "AES-192-WRAP", "AES-256-WRAP"}};
            for (int m = 0; m < 3; ++m)
                for (int k = 0; k < 3; ++k) table[m][k] = EVP_CIPHER_fetch(nullptr, names[m][k], nullptr);
        }
    };
    static const fetched all;
    const int m = mode == "GCM" ? 0 : mode == "CBC" ? 1 : mode == "WRAP" ? 2 : -1;
    const int k = key_octets == 16 ? 0 : key_octets == 24 ? 1 : key_octets == 32 ? 2 : -1;
    if (m < 0 || k < 0) return nullptr;
    return all.table[m][k];
}

/// The calling thread's reusable cipher context. Each user's EVP_*Init_ex2 replaces its whole state (cipher,
/// key schedule, IV), also after a failed operation; reusing it saves creating OpenSSL's provider context on
/// every token. The key schedule of the thread's last CEK stays in it until the next operation replaces it or
/// the thread ends (OpenSSL wipes it when the context is freed).
inline EVP_CIPHER_CTX* thread_cipher_ctx() noexcept {
    static thread_local cipher_ctx_ptr ctx(EVP_CIPHER_CTX_new());
    return ctx.get();
}

/// AES-GCM (NIST SP 800-38D) with a 96-bit IV and a 128-bit tag, as RFC 7518 §5.3 and §4.7 use it.
/// Encrypts `in` into `out` (same length) and writes 16 octets of tag. Errors: errc::crypto_failure.
inline result<void> gcm_encrypt(bytes_view key, bytes_view iv, bytes_view aad, bytes_view in, std::uint8_t* out,
                                std::uint8_t* tag) noexcept {
    openssl_error_scope scope;
    EVP_CIPHER* cipher = aes_cipher("GCM", key.size());
    EVP_CIPHER_CTX* ctx = thread_cipher_ctx();
    if (!cipher || !ctx || iv.size() != 12) return errc::crypto_failure;
    int n = 0;
    bool ok = EVP_EncryptInit_ex2(ctx, cipher, key.data(), iv.data(), nullptr) == 1 &&
              (aad.empty() || EVP_EncryptUpdate(ctx, nullptr, &n, aad.data(), static_cast<int>(aad.size())) == 1) &&
              (in.empty() || EVP_EncryptUpdate(ctx, out, &n, in.data(), static_cast<int>(in.size())) == 1) &&
              EVP_EncryptFinal_ex(ctx, out + (in.empty() ? 0 : n), &n) == 1 &&
              EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, tag) == 1;
    if (!ok) return errc::crypto_failure;
    return {};
}

/// AES-GCM decryption; the tag must be exactly 16 octets (the caller checks, so a truncated tag never reaches
/// OpenSSL, which would accept one as short as 4). Errors: errc::decryption_failed (tag mismatch),
/// errc::crypto_failure.
inline result<void> gcm_decrypt(bytes_view key, bytes_view iv, bytes_view aad, bytes_view in, bytes_view tag,
                                std::uint8_t* out) noexcept {
    openssl_error_scope scope;
    EVP_CIPHER* cipher = aes_cipher("GCM", key.size());
    EVP_CIPHER_CTX* ctx = thread_cipher_ctx();
    if (!cipher || !ctx || iv.size() != 12 || tag.size() != 16) return errc::crypto_failure;
    int n = 0;
    bool ok = EVP_DecryptInit_ex2(ctx, cipher, key.data(), iv.data(), nullptr) == 1 &&
              (aad.empty() || EVP_DecryptUpdate(ctx, nullptr, &n, aad.data(), static_cast<int>(aad.size())) == 1) &&
              (in.empty() || EVP_DecryptUpdate(ctx, out, &n, in.data(), static_cast<int>(in.size())) == 1) &&
              EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, 16, const_cast<std::uint8_t*>(tag.data())) == 1;
    if (!ok) return errc::crypto_failure;
    if (EVP_DecryptFinal_ex(ctx, out + (in.empty() ? 0 : n), &n) != 1) {
        if (!in.empty()) OPENSSL_cleanse(out, in.size());
        return errc::decryption_failed;
    }
    return {};
}

/// HMAC-SHA-2 of the concatenation of `parts` with `key`, truncated to `out_len` (RFC 7518 §5.2.2.1 step 5-6).
inline result<void> hmac_parts(bytes_view key, std::size_t md_octets, const bytes_view* parts, std::size_t count,
                               std::uint8_t* out, std::size_t out_len) noexcept {
    openssl_error_scope scope;
    static EVP_MAC* const hmac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    const char* digest = md_octets == 32 ? "SHA2-256" : md_octets == 48 ? "SHA2-384" : md_octets == 64 ? "SHA2-512"
                                                                                                        : nullptr;
    if (!hmac || !digest) return errc::crypto_failure;
    mac_ctx_ptr ctx(EVP_MAC_CTX_new(hmac));
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>(digest), 0),
                           OSSL_PARAM_construct_end()};
    std::uint8_t full[EVP_MAX_MD_SIZE];
    std::size_t len = 0;
    bool ok = ctx && EVP_MAC_init(ctx.get(), key.data(), key.size(), params) == 1;
    for (std::size_t i = 0; ok && i < count; ++i)
        ok = parts[i].empty() || EVP_MAC_update(ctx.get(), parts[i].data(), parts[i].size()) == 1;
    ok = ok && EVP_MAC_final(ctx.get(), full, &len, sizeof full) == 1 && len >= out_len;
    if (ok) std::memcpy(out, full, out_len);
    OPENSSL_cleanse(full, sizeof full);
    if (!ok) return errc::crypto_failure;
    return {};
}

/// The CBC-HS authentication tag T over A || IV || E || AL (RFC 7518 §5.2.2.1): the first half of the HMAC.
inline result<void> cbc_hs_tag(bytes_view mac_key, bytes_view iv, bytes_view aad, bytes_view ciphertext,
                               std::uint8_t* tag) noexcept {
    std::uint8_t al[8]; // AAD length in bits, 64-bit big-endian
    const std::uint64_t bits = static_cast<std::uint64_t>(aad.size()) * 8;
    for (int i = 0; i < 8; ++i) al[i] = static_cast<std::uint8_t>(bits >> (56 - 8 * i));
    const bytes_view parts[] = {aad, iv, ciphertext, bytes_view(al, 8)};
    // RFC 7518 §5.2.3-5.2.5: the hash output is twice MAC_KEY_LEN, and T_LEN is MAC_KEY_LEN.
    return hmac_parts(mac_key, 2 * mac_key.size(), parts, 4, tag, mac_key.size());
}

/// AES_CBC_HMAC_SHA2 encryption (RFC 7518 §5.2.2.1): `key` is MAC_KEY || ENC_KEY (32, 48 or 64 octets), the IV
/// 16 octets, PKCS#7 padding. `out` must hold in.size() + 16 octets; the tag is key.size() / 2 octets.
/// Returns the ciphertext length. Errors: errc::crypto_failure.
inline result<std::size_t> cbc_hs_encrypt(bytes_view key, bytes_view iv, bytes_view aad, bytes_view in,
                                          std::uint8_t* out, std::uint8_t* tag) noexcept {
    openssl_error_scope scope;
    const std::size_t half = key.size() / 2;
    EVP_CIPHER* cipher = aes_cipher("CBC", half);
    EVP_CIPHER_CTX* ctx = thread_cipher_ctx();
    if (!cipher || !ctx || iv.size() != 16) return errc::crypto_failure;
    int n = 0, m = 0;
    bool ok = EVP_EncryptInit_ex2(ctx, cipher, key.data() + half, iv.data(), nullptr) == 1 &&
              (in.empty() || EVP_EncryptUpdate(ctx, out, &n, in.data(), static_cast<int>(in.size())) == 1) &&
              EVP_EncryptFinal_ex(ctx, out + n, &m) == 1;
    if (!ok) return errc::crypto_failure;
    const std::size_t len = static_cast<std::size_t>(n + m);
    if (auto r = cbc_hs_tag(bytes_view(key.data(), half), iv, aad, bytes_view(out, len), tag); !r) return r.error();
    return len;
}

/// AES_CBC_HMAC_SHA2 decryption (RFC 7518 §5.2.2.2): the tag is recomputed and compared in constant time
/// *before* anything is decrypted, so no padding oracle exists; the tag must be key.size() / 2 octets (the
/// caller checks). Returns the plaintext length written to `out` (room for in.size() octets).
/// Errors: errc::decryption_failed, errc::crypto_failure.
inline result<std::size_t> cbc_hs_decrypt(bytes_view key, bytes_view iv, bytes_view aad, bytes_view in,
                                          bytes_view tag, std::uint8_t* out) noexcept {
    openssl_error_scope scope;
    const std::size_t half = key.size() / 2;
    EVP_CIPHER* cipher = aes_cipher("CBC", half);
    if (!cipher || iv.size() != 16 || tag.size() != half) return errc::crypto_failure;
    std::uint8_t expected[32];
    if (auto r = cbc_hs_tag(bytes_view(key.data(), half), iv, aad, in, expected); !r) return r.error();
    const bool tag_ok = constant_time_equal(expected, tag.data(), half);
    OPENSSL_cleanse(expected, sizeof expected);
    if (!tag_ok) return errc::decryption_failed;
    // Authentic: only a sender holding the key could have made a ciphertext that is not whole blocks.
    if (in.empty() || in.size() % 16 != 0) return errc::decryption_failed;
    EVP_CIPHER_CTX* ctx = thread_cipher_ctx();
    if (!ctx) return errc::crypto_failure;
    int n = 0, m = 0;
    if (EVP_DecryptInit_ex2(ctx, cipher, key.data() + half, iv.data(), nullptr) != 1 ||
        EVP_DecryptUpdate(ctx, out, &n, in.data(), static_cast<int>(in.size())) != 1) return errc::crypto_failure;
    if (EVP_DecryptFinal_ex(ctx, out + n, &m) != 1) {
        OPENSSL_cleanse(out, in.size());
        return errc::decryption_failed;
    }
    return static_cast<std::size_t>(n + m);
}

/// AES key wrap (RFC 3394, RFC 7518 §4.4) of `cek` (a multiple of 8 octets, at least 16) under `kek`.
/// `out` must hold cek.size() + 8 octets. Errors: errc::crypto_failure.
inline result<void> aes_wrap(bytes_view kek, bytes_view cek, std::uint8_t* out) noexcept {
    openssl_error_scope scope;
    EVP_CIPHER* cipher = aes_cipher("WRAP", kek.size());
    if (!cipher || cek.size() < 16 || cek.size() % 8 != 0) return errc::crypto_failure;
    cipher_ctx_ptr ctx(EVP_CIPHER_CTX_new());
    int n = 0, m = 0;
    if (!ctx) return errc::crypto_failure;
    EVP_CIPHER_CTX_set_flags(ctx.get(), EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
    const bool ok = EVP_EncryptInit_ex2(ctx.get(), cipher, kek.data(), nullptr, nullptr) == 1 &&
                    EVP_EncryptUpdate(ctx.get(), out, &n, cek.data(), static_cast<int>(cek.size())) == 1 &&
                    EVP_EncryptFinal_ex(ctx.get(), out + n, &m) == 1 &&
                    static_cast<std::size_t>(n + m) == cek.size() + 8;
    if (!ok) return errc::crypto_failure;
    return {};
}

/// AES key unwrap (RFC 3394 §2.2.3 integrity check included). `out` must hold wrapped.size() octets.
/// Returns the unwrapped length. Errors: errc::decryption_failed (integrity check failed, or a length that
/// is not a multiple of 8 octets of at least 24), errc::crypto_failure.
inline result<std::size_t> aes_unwrap(bytes_view kek, bytes_view wrapped, std::uint8_t* out) noexcept {
    openssl_error_scope scope;
    EVP_CIPHER* cipher = aes_cipher("WRAP", kek.size());
    if (!cipher) return errc::crypto_failure;
    if (wrapped.size() < 24 || wrapped.size() % 8 != 0) return errc::decryption_failed;
    cipher_ctx_ptr ctx(EVP_CIPHER_CTX_new());
    if (!ctx) return errc::crypto_failure;
    EVP_CIPHER_CTX_set_flags(ctx.get(), EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
    int n = 0, m = 0;
    if (EVP_DecryptInit_ex2(ctx.get(), cipher, kek.data(), nullptr, nullptr) != 1) return errc::crypto_failure;
    if (EVP_DecryptUpdate(ctx.get(), out, &n, wrapped.data(), static_cast<int>(wrapped.size())) != 1 ||
        EVP_DecryptFinal_ex(ctx.get(), out + n, &m) != 1) {
        OPENSSL_cleanse(out, wrapped.size());
        return errc::decryption_failed;
    }
    return static_cast<std::size_t>(n + m);
}

/// RSAES-OAEP (RFC 8017 §7.1) with SHA-1 (`sha256` false, "RSA-OAEP") or SHA-256 ("RSA-OAEP-256") for both
/// the label hash and MGF1 (RFC 7518 §4.3). `decrypt` selects the direction. Returns the output length
/// (written to `out`, which holds `capacity` octets). Errors: errc::decryption_failed (decryption failed:
/// the caller hides it behind a random CEK, RFC 7516 §11.5), errc::crypto_failure.
inline result<std::size_t> rsa_oaep(EVP_PKEY* key, bool sha256, bool decrypt, bytes_view in, std::uint8_t* out,
                                    std::size_t capacity) noexcept {
    openssl_error_scope scope;
    pkey_ctx_ptr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
    const char* md = sha256 ? "SHA2-256" : "SHA1";
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_ASYM_CIPHER_PARAM_PAD_MODE, const_cast<char*>(OSSL_PKEY_RSA_PAD_MODE_OAEP), 0),
        OSSL_PARAM_construct_utf8_string(OSSL_ASYM_CIPHER_PARAM_OAEP_DIGEST, const_cast<char*>(md), 0),
        OSSL_PARAM_construct_utf8_string(OSSL_ASYM_CIPHER_PARAM_MGF1_DIGEST, const_cast<char*>(md), 0),
        OSSL_PARAM_construct_end(),
    };
    std::size_t len = capacity;
    if (!ctx || (decrypt ? EVP_PKEY_decrypt_init_ex(ctx.get(), params) : EVP_PKEY_encrypt_init_ex(ctx.get(), params)) != 1)
        return errc::crypto_failure;
    const int rc = decrypt ? EVP_PKEY_decrypt(ctx.get(), out, &len, in.data(), in.size())
                           : EVP_PKEY_encrypt(ctx.get(), out, &len, in.data(), in.size());
    if (rc != 1) return decrypt ? errc::decryption_failed : errc::crypto_failure;
    return len;
}

/// The ECDH (P-256/384/521) or X25519 shared secret Z between `own` (private) and `peer` (public). The peer
/// must be of `own`'s curve; with `peer_checked` false OpenSSL also runs its public-key check on it (a scalar
/// multiplication for EC keys, so callers that ran ec_public_check already pass true). An all-zero X25519
/// output (a small-order peer point, RFC 7748 §6.1) is refused. Errors: errc::ephemeral_key_invalid,
/// errc::crypto_failure.
inline result<wiped_buffer> ecdh_derive(EVP_PKEY* own, EVP_PKEY* peer, bool peer_checked = false) {
    openssl_error_scope scope;
    pkey_ctx_ptr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, own, nullptr));
    std::size_t len = 0;
    if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1) return errc::crypto_failure;
    if (EVP_PKEY_derive_set_peer_ex(ctx.get(), peer, peer_checked ? 0 : 1) != 1) return errc::ephemeral_key_invalid;
    if (EVP_PKEY_derive(ctx.get(), nullptr, &len) != 1 || len == 0 || len > 132) return errc::crypto_failure;
    wiped_buffer z(len);
    if (EVP_PKEY_derive(ctx.get(), z.data(), &len) != 1) {
        // OpenSSL refuses an all-zero X25519 result here.
        return errc::ephemeral_key_invalid;
    }
    z.resize(len);
    // Only for X25519: on P-256/384/521 an x-coordinate of zero is a point like any other (Wycheproof
    // ecdh_secp256r1 tcId 3), while the point at infinity never comes out of EVP_PKEY_derive.
    if (EVP_PKEY_is_a(own, "X25519")) {
        std::uint8_t acc = 0;
        for (std::size_t i = 0; i < len; ++i) acc = static_cast<std::uint8_t>(acc | z.data()[i]);
        if (acc == 0) return errc::ephemeral_key_invalid;
    }
    return z;
}

/// Concat KDF (NIST SP 800-56A §5.8.1, single-step, SHA-256) as RFC 7518 §4.6.2 fixes its inputs:
/// AlgorithmID = len32 || `alg_id`, PartyUInfo = len32 || apu, PartyVInfo = len32 || apv, SuppPubInfo =
/// keydatalen in bits (32-bit big-endian). Writes `out_len` octets. Errors: errc::crypto_failure.
inline result<void> concat_kdf(bytes_view z, std::string_view alg_id, bytes_view apu, bytes_view apv,
                               std::uint8_t* out, std::size_t out_len) noexcept {
    openssl_error_scope scope;
    auto be32 = [](std::uint8_t* p, std::uint32_t v) {
        p[0] = static_cast<std::uint8_t>(v >> 24);
        p[1] = static_cast<std::uint8_t>(v >> 16);
        p[2] = static_cast<std::uint8_t>(v >> 8);
        p[3] = static_cast<std::uint8_t>(v);
    };
    std::uint8_t alg_len[4], apu_len[4], apv_len[4], supp[4];
    be32(alg_len, static_cast<std::uint32_t>(alg_id.size()));
    be32(apu_len, static_cast<std::uint32_t>(apu.size()));
    be32(apv_len, static_cast<std::uint32_t>(apv.size()));
    be32(supp, static_cast<std::uint32_t>(out_len * 8));
    EVP_MD* md = sha2_md(32);
    md_ctx_ptr ctx(EVP_MD_CTX_new());
    if (!md || !ctx) return errc::crypto_failure;
    std::uint8_t block[32];
    bool ok = true;
    for (std::uint32_t round = 1, done = 0; ok && done < out_len; ++round) {
        std::uint8_t counter[4];
        be32(counter, round);
        ok = EVP_DigestInit_ex2(ctx.get(), md, nullptr) == 1 && EVP_DigestUpdate(ctx.get(), counter, 4) == 1 &&
             EVP_DigestUpdate(ctx.get(), z.data(), z.size()) == 1 && EVP_DigestUpdate(ctx.get(), alg_len, 4) == 1 &&
             EVP_DigestUpdate(ctx.get(), alg_id.data(), alg_id.size()) == 1 &&
             EVP_DigestUpdate(ctx.get(), apu_len, 4) == 1 &&
             (apu.empty() || EVP_DigestUpdate(ctx.get(), apu.data(), apu.size()) == 1) &&
             EVP_DigestUpdate(ctx.get(), apv_len, 4) == 1 &&
             (apv.empty() || EVP_DigestUpdate(ctx.get(), apv.data(), apv.size()) == 1) &&
             EVP_DigestUpdate(ctx.get(), supp, 4) == 1 && EVP_DigestFinal_ex(ctx.get(), block, nullptr) == 1;
        const std::size_t take = out_len - done < 32 ? out_len - done : 32;
        if (ok) std::memcpy(out + done, block, take);
        done += static_cast<std::uint32_t>(take);
    }
    OPENSSL_cleanse(block, sizeof block);
    if (!ok) return errc::crypto_failure;
    return {};
}

/// PBES2's key derivation (RFC 7518 §4.8.1.1, RFC 8018 §5.2): PBKDF2 with HMAC-SHA-2 of `prf_octets` output,
/// salt UTF8(alg) || 0x00 || `p2s`, `count` iterations; writes `out_len` octets (the KEK). The caller bounds
/// `count` first. Errors: errc::crypto_failure.
inline result<void> pbes2_derive(bytes_view password, std::string_view alg, bytes_view p2s, std::uint32_t count,
                                 std::size_t prf_octets, std::uint8_t* out, std::size_t out_len) {
    openssl_error_scope scope;
    EVP_MD* md = sha2_md(prf_octets);
    if (!md || count == 0 || count > static_cast<std::uint32_t>(INT_MAX)) return errc::crypto_failure;
    wiped_buffer salt(alg.size() + 1 + p2s.size());
    std::memcpy(salt.data(), alg.data(), alg.size());
    salt.data()[alg.size()] = 0;
    if (!p2s.empty()) std::memcpy(salt.data() + alg.size() + 1, p2s.data(), p2s.size());
    const int ok = PKCS5_PBKDF2_HMAC(reinterpret_cast<const char*>(password.data()), static_cast<int>(password.size()),
                                     salt.data(), static_cast<int>(salt.size()), static_cast<int>(count), md,
                                     static_cast<int>(out_len), out);
    if (ok != 1) return errc::crypto_failure;
    return {};
}

} // namespace jot::detail
