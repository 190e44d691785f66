// SPDX-License-Identifier: MIT
// Asymmetric keys from PEM and DER: SubjectPublicKeyInfo, PKCS#1, PKCS#8 (encrypted too), X.509 certificates.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include <openssl/bio.h>
#include <openssl/decoder.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "../bytes.hpp"
#include "../error.hpp"
#include "../result.hpp"
#include "openssl.hpp"

namespace jot::detail {

/// The offset of the first PEM block ("-----BEGIN <label>-----") whose label satisfies `pred`, or npos.
template <class Pred>
std::size_t find_pem_block(std::string_view pem, Pred pred) {
    constexpr std::string_view begin = "-----BEGIN ";
    for (auto b = pem.find(begin); b != std::string_view::npos; b = pem.find(begin, b + 1)) {
        const auto start = b + begin.size();
        const auto end = pem.find("-----", start);
        if (end == std::string_view::npos) break;
        if (pred(pem.substr(start, end - start))) return b;
    }
    return std::string_view::npos;
}

/// The label of the first PEM block, or empty when there is none.
inline std::string_view first_pem_label(std::string_view pem) {
    std::string_view label;
    find_pem_block(pem, [&](std::string_view l) {
        label = l;
        return true;
    });
    return label;
}

inline bool is_certificate_label(std::string_view label) noexcept {
    return label == "CERTIFICATE" || label == "X509 CERTIFICATE";
}

/// "PRIVATE KEY", "ENCRYPTED PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY", ...
inline bool is_private_key_label(std::string_view label) noexcept {
    constexpr std::string_view suffix = "PRIVATE KEY";
    return label.size() >= suffix.size() && label.substr(label.size() - suffix.size()) == suffix;
}

/// Decodes one key with OSSL_DECODER. `input` is "PEM" or "DER"; `selection` EVP_PKEY_PUBLIC_KEY or
/// EVP_PKEY_KEYPAIR. An empty `password` means none: an encrypted key then fails to decode instead of
/// OpenSSL asking on the terminal. With `whole`, trailing octets after the key make it fail (DER input).
/// Returns nullptr on any failure; the caller owns the error queue (see openssl_error_scope).
inline pkey_ptr decode_pkey(const char* input, bytes_view data, int selection, std::string_view password,
                            bool whole) {
    if (data.empty()) return nullptr;
    EVP_PKEY* raw = nullptr;
    decoder_ctx_ptr ctx(OSSL_DECODER_CTX_new_for_pkey(&raw, input, nullptr, nullptr, selection, nullptr, nullptr));
    if (!ctx) return nullptr;
    int ok = 1;
    if (!password.empty()) {
        ok = OSSL_DECODER_CTX_set_passphrase(ctx.get(), reinterpret_cast<const unsigned char*>(password.data()),
                                             password.size());
    } else {
        // Without a callback of our own, OpenSSL could fall back to a console prompt for an encrypted key.
        ok = OSSL_DECODER_CTX_set_passphrase_cb(
            ctx.get(), [](char*, std::size_t, std::size_t*, const OSSL_PARAM*, void*) -> int { return 0; }, nullptr);
    }
    if (ok != 1) return nullptr;
    const unsigned char* p = data.data();
    std::size_t left = data.size();
    ok = OSSL_DECODER_from_data(ctx.get(), &p, &left);
    pkey_ptr key(raw);
    if (ok != 1 || !key || (whole && left != 0)) return nullptr;
    return key;
}

/// The public key of the first certificate in PEM text; nullptr when there is none. The certificate is only
/// a container here: its validity period, issuer and extensions are not checked.
inline pkey_ptr pkey_from_certificate_pem(std::string_view pem) {
    if (pem.size() > static_cast<std::size_t>(INT32_MAX)) return nullptr;
    bio_ptr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    if (!bio) return nullptr;
    x509_ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!cert) return nullptr;
    return pkey_ptr(X509_get_pubkey(cert.get()));
}

/// The public key of a DER certificate that spans all of `der`; nullptr otherwise.
inline pkey_ptr pkey_from_certificate_der(bytes_view der) {
    if (der.empty() || der.size() > static_cast<std::size_t>(INT32_MAX)) return nullptr;
    const unsigned char* p = der.data();
    x509_ptr cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
    if (!cert || p != der.data() + der.size()) return nullptr;
    return pkey_ptr(X509_get_pubkey(cert.get()));
}

/// A public key from PEM: SubjectPublicKeyInfo, PKCS#1 RSAPublicKey, or the key of an X.509 certificate.
/// Errors: errc::key_invalid.
inline result<pkey_ptr> load_public_pem(std::string_view pem) {
    openssl_error_scope scope;
    pkey_ptr key = is_certificate_label(first_pem_label(pem))
                       ? pkey_from_certificate_pem(pem)
                       : decode_pkey("PEM", bytes_view(pem.data(), pem.size()), EVP_PKEY_PUBLIC_KEY, {}, false);
    if (!key) return errc::key_invalid;
    return key;
}

/// A public key from DER: SubjectPublicKeyInfo (or PKCS#1 RSAPublicKey) or an X.509 certificate.
/// Errors: errc::key_invalid.
inline result<pkey_ptr> load_public_der(bytes_view der) {
    openssl_error_scope scope;
    pkey_ptr key = decode_pkey("DER", der, EVP_PKEY_PUBLIC_KEY, {}, true);
    if (!key) key = pkey_from_certificate_der(der);
    if (!key) return errc::key_invalid;
    return key;
}

/// A private key from PEM or DER (`input` "PEM"/"DER"): PKCS#8, encrypted PKCS#8 (with `password`), or the
/// traditional "RSA PRIVATE KEY" / "EC PRIVATE KEY" forms. In PEM the first block labelled "... PRIVATE KEY"
/// is read, so a file holding a certificate and then its key works. Errors: errc::key_not_private when the
/// input holds only a public key or a certificate, errc::key_invalid when it holds no key (or the password
/// is wrong or missing).
inline result<pkey_ptr> load_private(const char* input, bytes_view data, std::string_view password) {
    openssl_error_scope scope;
    if (std::strcmp(input, "PEM") == 0) {
        const std::string_view pem = data.as_chars();
        const std::size_t at = find_pem_block(pem, is_private_key_label);
        if (at != std::string_view::npos) {
            const std::string_view block = pem.substr(at);
            if (pkey_ptr key = decode_pkey("PEM", bytes_view(block.data(), block.size()), EVP_PKEY_KEYPAIR,
                                           password, false))
                return key;
            return errc::key_invalid;
        }
        if (find_pem_block(pem, is_certificate_label) != std::string_view::npos ||
            decode_pkey("PEM", data, EVP_PKEY_PUBLIC_KEY, {}, false))
            return errc::key_not_private;
        return errc::key_invalid;
    }
    if (pkey_ptr key = decode_pkey(input, data, EVP_PKEY_KEYPAIR, password, true)) return key;
    if (decode_pkey(input, data, EVP_PKEY_PUBLIC_KEY, {}, true) || pkey_from_certificate_der(data))
        return errc::key_not_private;
    return errc::key_invalid;
}

} // namespace jot::detail
