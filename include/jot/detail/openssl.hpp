// SPDX-License-Identifier: MIT
// OpenSSL 3 plumbing: owning handles, algorithms fetched once per process, error-queue hygiene.
#pragma once

#include <cstddef>
#include <memory>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/decoder.h>
#include <openssl/ec.h>
#include <openssl/encoder.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/params.h>
#include <openssl/x509.h>

#include "../algorithm.hpp"
#include "../evp_pkey.hpp"

namespace jot::detail {

// ---------------------------------------------------------------------------------------------------------
// Owning handles: every OpenSSL object jot holds lives in one of these, freed by the function OpenSSL pairs
// with its constructor.

/// Frees an OpenSSL object with `Free`.
template <auto Free>
struct openssl_free {
    template <class T>
    void operator()(T* p) const noexcept {
        Free(p);
    }
};

using pkey_ptr = jot::evp_pkey_ptr;
using md_ctx_ptr = std::unique_ptr<EVP_MD_CTX, openssl_free<&EVP_MD_CTX_free>>;
using pkey_ctx_ptr = std::unique_ptr<EVP_PKEY_CTX, openssl_free<&EVP_PKEY_CTX_free>>;
/// EVP_CIPHER_CTX_free wipes the key schedule a cipher context holds (JWE CEKs and key-encryption keys).
using cipher_ctx_ptr = std::unique_ptr<EVP_CIPHER_CTX, openssl_free<&EVP_CIPHER_CTX_free>>;
using mac_ctx_ptr = std::unique_ptr<EVP_MAC_CTX, openssl_free<&EVP_MAC_CTX_free>>;
/// BN_clear_free: a BIGNUM may hold key material (RSA factors, a private exponent).
using bignum_ptr = std::unique_ptr<BIGNUM, openssl_free<&BN_clear_free>>;
using bn_ctx_ptr = std::unique_ptr<BN_CTX, openssl_free<&BN_CTX_free>>;
using bio_ptr = std::unique_ptr<BIO, openssl_free<&BIO_free>>;
using x509_ptr = std::unique_ptr<X509, openssl_free<&X509_free>>;
using ecdsa_sig_ptr = std::unique_ptr<ECDSA_SIG, openssl_free<&ECDSA_SIG_free>>;
using decoder_ctx_ptr = std::unique_ptr<OSSL_DECODER_CTX, openssl_free<&OSSL_DECODER_CTX_free>>;
using encoder_ctx_ptr = std::unique_ptr<OSSL_ENCODER_CTX, openssl_free<&OSSL_ENCODER_CTX_free>>;
using param_bld_ptr = std::unique_ptr<OSSL_PARAM_BLD, openssl_free<&OSSL_PARAM_BLD_free>>;
/// OSSL_PARAM_free also wipes the secure block OSSL_PARAM_BLD put secret values in.
using params_ptr = std::unique_ptr<OSSL_PARAM, openssl_free<&OSSL_PARAM_free>>;

/// An OPENSSL_malloc'd buffer of `size` octets that OpenSSL handed over (OSSL_ENCODER_to_data), wiped and
/// freed with OPENSSL_clear_free: it may be an encoded private key.
class openssl_buffer {
public:
    openssl_buffer() = default;
    openssl_buffer(const openssl_buffer&) = delete;
    openssl_buffer& operator=(const openssl_buffer&) = delete;
    ~openssl_buffer() { OPENSSL_clear_free(data_, size_); }

    unsigned char** out_data() noexcept { return &data_; }
    std::size_t* out_size() noexcept { return &size_; }
    const unsigned char* data() const noexcept { return data_; }
    std::size_t size() const noexcept { return size_; }

private:
    unsigned char* data_ = nullptr;
    std::size_t size_ = 0;
};

// ---------------------------------------------------------------------------------------------------------
// The error queue

/// Removes every OpenSSL error pushed while it lives and leaves older entries alone: the one way jot clears
/// the queue. OpenSSL pushes entries even for an ordinary bad signature, and key loading tries several
/// decoders, each failed attempt pushing errors even when a later one succeeds; none of that may leak into
/// the caller's later ERR_get_error(), and the caller's own entries must survive. Put one at the top of every
/// function that calls OpenSSL and can fail; scopes nest.
class openssl_error_scope {
public:
    openssl_error_scope() noexcept { ERR_set_mark(); }
    ~openssl_error_scope() { ERR_pop_to_mark(); }
    openssl_error_scope(const openssl_error_scope&) = delete;
    openssl_error_scope& operator=(const openssl_error_scope&) = delete;
};

/// Discards this thread's whole error queue, the caller's entries included. Kept only until
/// detail/token_cache.hpp uses openssl_error_scope like every other file; do not call it in new code.
inline void clear_openssl_errors() noexcept { ERR_clear_error(); }

// ---------------------------------------------------------------------------------------------------------
// Contexts and algorithms

/// The calling thread's reusable digest context (see thread_md_ctx). Trivially destructible, so it can be
/// read at any point of the thread's life, even while other thread_local objects are being destroyed.
struct thread_md_slot {
    EVP_MD_CTX* ctx;
    bool retired;  ///< the thread is exiting and has freed its context
};
inline thread_local thread_md_slot thread_md{nullptr, false};

/// A digest context owned by the calling thread, for one operation at a time: the caller copies a prepared
/// state into it (EVP_MD_CTX_copy_ex), finishes, and leaves it. Reusing it saves the EVP_MD_CTX_new/free of
/// every call and touches nothing another thread uses. It never holds a reference to a key: whatever state
/// a caller copies in is replaced by the next copy and freed (OpenSSL wipes digest states when it frees
/// them) at thread exit. nullptr when none can be had (allocation failure, or a thread_local destructor
/// running after this thread's context was freed): the caller then uses a context of its own.
inline EVP_MD_CTX* thread_md_ctx() noexcept {
    thread_md_slot& slot = thread_md;
    if (slot.ctx) return slot.ctx;
    if (slot.retired) return nullptr;
    struct reaper {
        ~reaper() {
            EVP_MD_CTX_free(thread_md.ctx);
            thread_md.ctx = nullptr;
            thread_md.retired = true;
        }
    };
    static thread_local reaper frees_at_thread_exit; // registered on the first call in each thread
    (void)frees_at_thread_exit;
    slot.ctx = EVP_MD_CTX_new();
    return slot.ctx;
}

/// The EVP_MD of an algorithm's digest (algorithm_facts::digest), fetched once per process and never freed;
/// nullptr for EdDSA or when the provider lacks it.
inline EVP_MD* digest_md(algorithm a) noexcept {
    struct fetched {
        EVP_MD* md[sizeof algorithm_table / sizeof algorithm_table[0]];
        fetched() noexcept {
            openssl_error_scope scope;
            for (const algorithm_facts& f : algorithm_table)
                md[static_cast<std::size_t>(f.alg)] = f.digest ? EVP_MD_fetch(nullptr, f.digest, nullptr) : nullptr;
        }
    };
    static const fetched all;
    return all.md[static_cast<std::size_t>(a)];
}

/// The digest of `octets` output that the algorithms use (SHA-256, -384 or -512), fetched once; nullptr for
/// other sizes.
inline EVP_MD* sha2_md(std::size_t octets) noexcept {
    for (const algorithm_facts& f : algorithm_table)
        if (f.digest && f.digest_size == octets) return digest_md(f.alg);
    return nullptr;
}

/// The OpenSSL digest name of an algorithm ("SHA2-256", ...); nullptr for EdDSA.
inline const char* sha2_name(algorithm a) noexcept { return facts_of(a).digest; }

/// Validates the public point of an EC key (P-256, P-384, P-521, secp256k1): not the point at infinity,
/// coordinates below the field prime, on the curve. That is EVP_PKEY_public_check_quick; the full
/// EVP_PKEY_public_check adds a scalar multiplication by the order to prove the point is in the prime-order
/// subgroup, which on these curves (cofactor 1: every point but infinity has the group's order) can never fail
/// and would cost as much as a signature check on every key import and every ECDH-ES ephemeral key.
/// 1 when the point is valid.
inline int ec_public_check(EVP_PKEY_CTX* ctx) noexcept { return EVP_PKEY_public_check_quick(ctx); }

} // namespace jot::detail
