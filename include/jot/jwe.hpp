// SPDX-License-Identifier: MIT
// Compact JWE (RFC 7516, RFC 7518 §4-5): jwe_encrypter makes encrypted tokens, jwe_decrypter opens them.
#pragma once

#include <cstring>
#include <initializer_list>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>
#include <openssl/crypto.h>

#include "bytes.hpp"
#include "detail/jwe_compact.hpp"
#include "error.hpp"
#include "jwe_algorithm.hpp"
#include "jwe_key.hpp"
#include "result.hpp"
#include "token.hpp"

namespace jot {

/// Optional members of the protected header a jwe_encrypter writes besides alg, kid, enc and the key
/// management parameters.
struct jwe_header_options {
    std::string content_type;  ///< "cty" when not empty ("JWT" for a nested token, RFC 7519 §5.2)
    std::string type;          ///< "typ" when not empty
};

/// Encrypts plaintexts to one recipient key with one content encryption. Each call draws a fresh CEK (except
/// for dir), IV and, for ECDH-ES, ephemeral key. A const encrypter is safe to use from many threads at once.
class jwe_encrypter {
public:
    /// Binds `key` to the content encryption `enc`. Errors: errc::key_algorithm_mismatch (a dir key made for
    /// another "enc").
    static result<jwe_encrypter> create(jwe_encryption_key key, content_encryption enc) {
        const auto& d = detail::jwe_key_access::of(key);
        if (d.alg == key_management::dir && d.dir_enc != enc) return errc::key_algorithm_mismatch;
        return jwe_encrypter(std::move(key), enc);
    }

    key_management alg() const noexcept { return key_.alg(); }
    content_encryption enc() const noexcept { return enc_; }

    /// The compact JWE of `plaintext` (RFC 7516 §5.1, §7.1): BASE64URL(header) '.' encrypted key '.' IV '.'
    /// ciphertext '.' tag. Errors: errc::invalid_argument (plaintext over 1 GiB, or a cty/typ/kid that is not
    /// UTF-8), errc::key_invalid (an ECDH key OpenSSL refuses to agree with), errc::crypto_failure.
    result<std::string> encrypt(bytes_view plaintext, const jwe_header_options& options = {}) const {
        return detail::jwe_encrypt(detail::jwe_key_access::of(key_), enc_, plaintext, options.content_type,
                                   options.type);
    }

private:
    jwe_encrypter(jwe_encryption_key key, content_encryption enc) : key_(std::move(key)), enc_(enc) {}
    jwe_encryption_key key_;
    content_encryption enc_;
};

/// A decrypted JWE: the protected header and the plaintext. The plaintext is wiped when the object dies.
class jwe_content {
public:
    jwe_content(const jwe_content&) = default;
    jwe_content(jwe_content&&) noexcept = default;
    jwe_content& operator=(const jwe_content&) = default;
    jwe_content& operator=(jwe_content&&) noexcept = default;
    ~jwe_content() {
        if (!d_.plaintext.empty()) OPENSSL_cleanse(d_.plaintext.data(), d_.plaintext.size());
    }

    /// The plaintext, exactly as encrypted.
    std::string_view plaintext() const noexcept { return d_.plaintext; }
    /// The protected header's JSON text, as decoded and strictly checked.
    std::string_view header_json() const noexcept { return d_.header; }
    /// The protected header as a DOM, built on each call from header_json(): decryption only scans the header
    /// (RFC 7516 §5.2), so a caller who never reads the DOM never pays for it. The text passed json_scanner,
    /// whose verdicts equal parse_object's, so this cannot fail; if it ever did, the process stops with a
    /// message (detail::invariant_failed) rather than hand back an empty header.
    nlohmann::json header() const {
        auto r = detail::parse_object<nlohmann::json>(d_.header, std::numeric_limits<std::size_t>::max());
        if (!r) detail::invariant_failed("a decrypted JWE's header no longer parses", "header", r.error());
        return std::move(*r);
    }
    /// "cty", empty when absent.
    std::string_view content_type() const noexcept { return d_.content_type; }
    /// "typ", empty when absent.
    std::string_view type() const noexcept { return d_.type; }
    key_management alg() const noexcept { return d_.alg; }
    content_encryption enc() const noexcept { return d_.enc; }

private:
    friend class jwe_decrypter;
    explicit jwe_content(detail::jwe_decrypted d) : d_(std::move(d)) {}
    detail::jwe_decrypted d_;
};

/// Decrypts compact JWEs with one key, accepting only the content encryptions the caller lists: neither the
/// key management algorithm (the key's) nor "enc" (the caller's list) is ever taken from the token alone.
/// A const decrypter is safe to use from many threads at once.
class jwe_decrypter {
public:
    /// Errors: errc::invalid_argument (`allowed` empty), errc::encryption_not_allowed (a dir key whose "enc"
    /// is not in `allowed`).
    static result<jwe_decrypter> create(jwe_decryption_key key, std::vector<content_encryption> allowed,
                                        decode_options options = {}) {
        if (allowed.empty()) return errc::invalid_argument;
        const auto& d = detail::jwe_key_access::of(key);
        if (d.alg == key_management::dir) {
            bool found = false;
            for (content_encryption e : allowed) found = found || e == d.dir_enc;
            if (!found) return errc::encryption_not_allowed;
        }
        return jwe_decrypter(std::move(key), std::move(allowed), options);
    }

    const jwe_decryption_key& key() const noexcept { return key_; }

    /// Decrypts and authenticates a compact JWE (RFC 7516 §5.2). Order: size (before anything is decoded),
    /// five segments, the header (strict base64url and JSON, "alg", "enc", member types, "zip", "crit"), "alg"
    /// equal to the key's, "enc" allowed, "kid" (when both the token and the key have one), the other four
    /// segments strictly decoded and their lengths, the CEK, then the content.
    /// Errors: errc::token_too_large, errc::jwe_not_compact, errc::empty_segment, any base64url and JSON error,
    /// errc::header_missing_alg, errc::header_missing_enc, errc::header_invalid_member, errc::zip_unsupported,
    /// errc::crit_invalid, errc::crit_unsupported, errc::unsupported_algorithm (RSA1_5; PBES2-* unless the key
    /// was made with from_password), errc::algorithm_not_allowed, errc::unsupported_encryption, errc::encryption_not_allowed,
    /// errc::key_not_found, errc::encrypted_key_invalid, errc::iv_length_invalid, errc::tag_length_invalid,
    /// errc::pbes2_count_out_of_range and errc::pbes2_salt_invalid (PBES2, before any PBKDF2 work),
    /// errc::ephemeral_key_invalid, errc::decryption_failed (one code for a wrong tag and for an encrypted key
    /// that did not decrypt or unwrap, RFC 7516 §11.5), errc::crypto_failure. No exception for bad input.
    result<jwe_content> decrypt(std::string_view token) const {
        auto r = detail::jwe_decrypt(detail::jwe_key_access::of(key_), allowed_, token, options_);
        if (!r) return r.error();
        return jwe_content(std::move(*r));
    }

private:
    jwe_decrypter(jwe_decryption_key key, std::vector<content_encryption> allowed, decode_options options)
        : key_(std::move(key)), allowed_(std::move(allowed)), options_(options) {}
    jwe_decryption_key key_;
    std::vector<content_encryption> allowed_;
    decode_options options_;
};

} // namespace jot
