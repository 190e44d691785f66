// SPDX-License-Identifier: MIT
// OpenSSL 3 plumbing: owning handles, algorithms fetched once per process, error-queue hygiene.
#pragma once

#include <memory>

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include "../algorithm.hpp"

namespace jot::detail {

struct evp_md_ctx_deleter {
    void operator()(EVP_MD_CTX* p) const noexcept { EVP_MD_CTX_free(p); }
};
struct evp_pkey_deleter {
    void operator()(EVP_PKEY* p) const noexcept { EVP_PKEY_free(p); }
};
struct evp_pkey_ctx_deleter {
    void operator()(EVP_PKEY_CTX* p) const noexcept { EVP_PKEY_CTX_free(p); }
};
using md_ctx_ptr = std::unique_ptr<EVP_MD_CTX, evp_md_ctx_deleter>;
using pkey_ptr = std::unique_ptr<EVP_PKEY, evp_pkey_deleter>;
struct bignum_deleter {
    void operator()(BIGNUM* p) const noexcept { BN_clear_free(p); }
};
struct bn_ctx_deleter {
    void operator()(BN_CTX* p) const noexcept { BN_CTX_free(p); }
};
using pkey_ctx_ptr = std::unique_ptr<EVP_PKEY_CTX, evp_pkey_ctx_deleter>;
using bignum_ptr = std::unique_ptr<BIGNUM, bignum_deleter>;
using bn_ctx_ptr = std::unique_ptr<BN_CTX, bn_ctx_deleter>;

/// Discards whatever OpenSSL left on this thread's error queue, so a failure inside jot never leaks into
/// the caller's later ERR_get_error() (OpenSSL pushes entries even for an ordinary bad signature).
inline void clear_openssl_errors() noexcept { ERR_clear_error(); }

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

/// The SHA-2 EVP_MD for 32, 48 or 64 octets of output, fetched once; nullptr for other sizes.
inline EVP_MD* sha2_md(std::size_t octets) noexcept {
    static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA2-256", nullptr);
    static EVP_MD* const sha384 = EVP_MD_fetch(nullptr, "SHA2-384", nullptr);
    static EVP_MD* const sha512 = EVP_MD_fetch(nullptr, "SHA2-512", nullptr);
    switch (octets) {
    case 32: return sha256;
    case 48: return sha384;
    case 64: return sha512;
    default: return nullptr;
    }
}

/// The OpenSSL digest name matching an algorithm's hash ("SHA2-256", ...); nullptr for EdDSA.
inline const char* sha2_name(algorithm a) noexcept {
    switch (hash_size(a)) {
    case 32: return "SHA2-256";
    case 48: return "SHA2-384";
    case 64: return "SHA2-512";
    default: return nullptr;
    }
}

} // namespace jot::detail
