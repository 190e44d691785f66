// SPDX-License-Identifier: MIT
// jot::evp_pkey_ptr: an owned OpenSSL EVP_PKEY, the type public_key::from_pkey and private_key::from_pkey take.
#pragma once

#include <memory>

#include <openssl/evp.h>

namespace jot {

/// Frees an EVP_PKEY (EVP_PKEY_free: the reference the pointer owns).
struct evp_pkey_deleter {
    void operator()(EVP_PKEY* p) const noexcept { EVP_PKEY_free(p); }
};

/// An EVP_PKEY that jot takes ownership of: hand it a key made by OpenSSL (or with its reference count raised
/// by EVP_PKEY_up_ref to keep using your own handle) and do not modify the key afterwards.
using evp_pkey_ptr = std::unique_ptr<EVP_PKEY, evp_pkey_deleter>;

} // namespace jot
