// SPDX-License-Identifier: MIT
// jot's one error model: jot::errc codes, their coarse conditions, and the jot::error exception.
#pragma once

#include <string>
#include <system_error>

namespace jot {

/// Every distinct failure jot reports. Each value is used for one failure only, so a caller (or a test)
/// can tell exactly what was wrong. Compare with a `jot::condition` to branch on the kind of failure.
enum class errc {
    // -- malformed input (condition::malformed) --
    token_too_large = 1,         ///< the token is longer than decode_options::max_token_size
    token_not_compact,           ///< not exactly three '.'-separated segments
    empty_segment,               ///< the header, payload or signature segment is empty
    base64_padding,              ///< base64url text contains '=' (RFC 7515 §2 forbids padding)
    base64_invalid_character,    ///< a character outside [A-Za-z0-9_-]
    base64_invalid_length,       ///< length mod 4 == 1 cannot come from any byte string
    base64_non_canonical,        ///< the unused trailing bits of the last character are not zero
    invalid_utf8,                ///< header or payload bytes are not well-formed UTF-8
    json_invalid,                ///< header or payload is not valid JSON text
    json_not_object,             ///< header or payload is valid JSON but not an object
    json_duplicate_member,       ///< an object names the same member twice (RFC 7515 §4)
    json_too_deep,               ///< nesting deeper than decode_options::max_json_depth
    json_byte_order_mark,        ///< header or payload JSON starts with a UTF-8 byte-order mark (RFC 8259 §8.1)
    header_missing_alg,          ///< the JOSE header has no "alg" member
    header_invalid_member,       ///< a registered header member has the wrong JSON type
    crit_invalid,                ///< "crit" is not a non-empty array of names of present, non-registered members
    header_member_missing,       ///< a typed header getter was asked for a member the header does not have
    jwe_not_compact,             ///< a JWE is not exactly five '.'-separated segments (RFC 7516 §7.1)
    header_missing_enc,          ///< a JWE header has no "enc" member (RFC 7516 §4.1.2)
    iv_length_invalid,           ///< a JWE IV (or a key-wrap "iv") is empty or not the length its algorithm fixes
    encrypted_key_invalid,       ///< a JWE Encrypted Key is present for dir/ECDH-ES, or empty where one is needed
    pbes2_salt_invalid,          ///< a PBES2 JWE has no "p2s", or one shorter than 8 octets (RFC 7518 §4.8.1.1)
    jws_json_invalid,            ///< a JWS JSON Serialization has an unknown, missing or mistyped member (RFC 7515 §7.2)
    header_member_duplicated,    ///< a name is in both the protected and the unprotected header (RFC 7515 §7.2.1)
    unencoded_payload_period,    ///< a compact JWS with "b64":false carries a payload containing '.' (RFC 7797 §5.2)
    b64_inconsistent,            ///< the signatures of one JWS disagree on "b64" (RFC 7797 §3)
    payload_not_detached,        ///< a detached payload was given for a JWS that carries its own (RFC 7515 App. F)
    too_many_signatures,         ///< a JWS JSON Serialization holds more signatures than jws::verify_options allows
    claim_wrong_type,            ///< a registered claim has the wrong JSON type (never treated as absent)
    numeric_date_out_of_range,   ///< a NumericDate is not finite or outside [0, 253402300799]
    bearer_missing,              ///< the Authorization header value is empty (RFC 6750 §2.1)
    bearer_wrong_scheme,         ///< the Authorization scheme is not "Bearer" (compared case-insensitively)
    bearer_malformed,            ///< not exactly one b64token after "Bearer " (RFC 6750 §2.1)
    dpop_proof_missing,          ///< a request has no DPoP header, or an empty one (RFC 9449 §4.3 step 1)
    dpop_proof_multiple,         ///< a request has more than one DPoP header or proof (RFC 9449 §4.3 step 1)

    // -- authentication failed (condition::unauthenticated) --
    signature_invalid,           ///< the signature does not verify under the selected key
    signature_length_invalid,    ///< the signature has the wrong length for the algorithm and key
    unsecured_token,             ///< "alg":"none": unsecured JWS is never accepted by a verifier
    unsupported_algorithm,       ///< "alg" names no algorithm jot implements (names are case-sensitive)
    algorithm_not_allowed,       ///< no key of the verifier is bound to the token's algorithm
    key_not_found,               ///< keys exist for the algorithm, but none has the token's "kid"
    nested_token_unsupported,    ///< "cty":"JWT" announces a nested JWT, which verify() does not unwrap (RFC 7519 §5.2)
    decryption_failed,           ///< a JWE did not decrypt: bad tag, or a key that did not unwrap (one code, RFC 7516 §11.5)
    tag_length_invalid,          ///< a JWE authentication tag (or a key-wrap "tag") is not the length its algorithm fixes
    ephemeral_key_invalid,       ///< "epk" is not a valid public key on the recipient key's curve (RFC 7518 §4.6.1.1)
    unsupported_encryption,      ///< "enc" names no content encryption jot implements (RFC 7518 §5.1)
    encryption_not_allowed,      ///< "enc" is not one the caller allowed, or not the one a dir key is bound to
    zip_unsupported,             ///< a JWE header has "zip": compressed plaintext is refused (decompression bombs)
    pbes2_count_out_of_range,    ///< a PBES2 JWE's "p2c" is absent, under 1000 or over the key's bound (RFC 7518 §4.8.1.2)
    crit_unsupported,            ///< "crit" names an extension jot does not implement (RFC 7515 §4.1.11)
    dpop_algorithm_not_allowed,  ///< a DPoP proof's "alg" is none, symmetric, unknown or not allowed (RFC 9449 §4.3 step 5)
    dpop_jwk_invalid,            ///< a DPoP proof has no "jwk" header object (RFC 9449 §4.2)
    dpop_jwk_private,            ///< a DPoP proof's "jwk" carries private key members (RFC 9449 §4.3 step 7)
    dpop_key_mismatch,           ///< the DPoP proof key is not the key the access token's "cnf"."jkt" binds (RFC 9449 §4.3 step 12)

    // -- claims rejected by policy (condition::claims_rejected) --
    token_expired,               ///< now >= exp + expiry leeway (RFC 7519 §4.1.4)
    token_not_yet_valid,         ///< now + future leeway < nbf (RFC 7519 §4.1.5)
    issued_in_future,            ///< iat > now + future leeway
    token_too_old,               ///< now - iat > max_age + expiry leeway
    expiration_missing,          ///< no "exp" and allow_missing_expiration() was not called
    claim_missing,               ///< a claim the verifier requires (or a typed getter asked for) is absent
    issuer_mismatch,             ///< "iss" differs from every expected issuer
    audience_mismatch,           ///< no "aud" value equals an expected audience
    audience_unexpected,         ///< the token has "aud" but the verifier expects none (RFC 7519 §4.1.3)
    subject_mismatch,            ///< "sub" differs from the expected subject
    type_mismatch,               ///< header "typ" is not the expected type
    claim_mismatch,              ///< a custom claim differs from its expected value
    claim_predicate_failed,      ///< a caller-supplied claim predicate returned false
    token_revoked,               ///< the token's "jti" (or its refresh-token family) is revoked in the verifier's jti_store
    token_replayed,              ///< a "use once" id was used before: a replayed proof, or a refresh token presented again (RFC 9700 §4.14)
    nested_token_expected,       ///< decrypt_and_verify: the JWE's "cty" is not "JWT", so it holds no nested token (RFC 7519 §5.2)
    insufficient_scope,          ///< "scope"/"scp" lacks a scope the resource requires (RFC 6750 §3.1)
    dpop_type_mismatch,          ///< a DPoP proof's "typ" is absent or not "dpop+jwt" (RFC 9449 §4.3 step 4)
    dpop_method_mismatch,        ///< a DPoP proof's "htm" is not the request's method (RFC 9449 §4.3 step 8)
    dpop_url_mismatch,           ///< a DPoP proof's "htu" is not the request's URI, once both are normalised (RFC 9449 §4.3 step 9)
    dpop_proof_too_old,          ///< a DPoP proof's "iat" is older than the accepted window (RFC 9449 §4.3 step 11)
    dpop_issued_in_future,       ///< a DPoP proof's "iat" is further ahead than the accepted leeway (RFC 9449 §4.3 step 11)
    dpop_ath_mismatch,           ///< a DPoP proof's "ath" is not the hash of the access token presented (RFC 9449 §4.3 step 12)
    dpop_token_unbound,          ///< an access token presented with DPoP has no "cnf"."jkt" (RFC 9449 §6.1, §7.1)
    dpop_token_as_bearer,        ///< a DPoP-bound access token was presented with the Bearer scheme (RFC 9449 §7.2)
    dpop_nonce_required,         ///< the server requires a "nonce" in DPoP proofs and this one has none (RFC 9449 §9)
    dpop_nonce_mismatch,         ///< a DPoP proof's "nonce" is not one the server accepts (RFC 9449 §9)

    // -- key problems (condition::bad_key) --
    key_too_short,               ///< an HMAC secret shorter than the hash output (RFC 7518 §3.2)
    key_too_weak,                ///< e.g. an RSA modulus under 2048 bits
    key_algorithm_mismatch,      ///< the key's type or curve cannot be used with the algorithm
    key_invalid,                 ///< the key material could not be parsed or is not a valid key
    key_not_private,             ///< signing needs a private key, but a public one was given
    key_use_mismatch,            ///< a JWK's "use" or "key_ops" does not allow signatures (RFC 7517 §4.2, §4.3)
    key_small_order,             ///< an EdDSA public key is a point of small order (RFC 8725 §3.4, RFC 8032 §5.1.7)
    key_not_canonical,           ///< an EdDSA public key encodes its point non-canonically (y >= p, or x = 0 with the sign bit)
    private_key_in_set,          ///< a JWK Set, which is published, carries private key members (d, p, q, ...)
    key_set_invalid,             ///< a JWK Set document is not an object with a "keys" array (RFC 7517 §5)
    key_set_too_large,           ///< a JWK Set document is longer than jwk_set_options::max_document_size
    duplicate_key_id,            ///< a JWK repeats the "kid" an earlier key of the set has for the same algorithm
    key_size_invalid,            ///< a dir or key-wrap secret is not the length its algorithm requires (RFC 7518 §4.4, §5)
    too_many_keys,               ///< a JWK Set holds more keys than jwk_set_options::max_keys

    // -- caller misuse (condition::misuse) --
    invalid_argument,            ///< an argument is out of its documented range
    url_refused,                 ///< a key or discovery URL jot will not fetch: not https (nor allowed loopback http), userinfo, or malformed
    leeway_too_large,            ///< leeway over 10 minutes
    no_keys,                     ///< a verifier was built without any key
    reserved_header_member,      ///< tried to set "alg" or "kid" by hand (they come from the key)
    header_member_wrong_type,    ///< a registered header member was given a value of the wrong JSON type
    number_not_finite,           ///< a claim or header member holds an infinite or NaN number, which JSON cannot carry
    claim_not_serializable,      ///< a registered claim was given a value of the wrong type

    // -- environment (condition::internal) --
    crypto_failure,              ///< OpenSSL failed for a reason unrelated to the input (e.g. allocation)
    jti_store_unavailable,       ///< a jti_store could not answer (e.g. Redis unreachable, timed out, refused AUTH)
    jti_store_full,              ///< an in-memory jti_store holds its maximum of unexpired entries and refuses a new one
    fetch_failed,                ///< an HTTPS fetch could not connect, send or read (jot::http)
    fetch_timeout,               ///< an HTTPS fetch took longer than its connect or read timeout (jot::http)
    tls_verification_failed,     ///< the server's certificate or host name did not verify against the trusted CAs
    http_status_unexpected,      ///< the server answered with a status other than 200 (or 304 to a revalidation)
    redirect_refused,            ///< the server answered with a redirect, which the fetcher does not follow
    response_too_large,          ///< the response body is larger than the fetcher's limit
    discovery_issuer_mismatch,   ///< a discovery document's "issuer" is not exactly the configured issuer (OIDC Discovery §4.3)
    discovery_invalid,           ///< a discovery document is not a JSON object with string "issuer" and "jwks_uri" (RFC 8414 §2)
    callback_failed,             ///< code the caller plugged in (fetch, key source, signer, predicate) threw an exception
};

/// Coarse kinds of failure; compare an error_code with these to branch without listing every errc.
enum class condition {
    malformed = 1,    ///< the input is not a well-formed token
    unauthenticated,  ///< the signature or algorithm could not be trusted
    claims_rejected,  ///< authentic, but the claims or header fail the verifier's policy
    bad_key,          ///< a key is unusable, too weak, or for another algorithm
    misuse,           ///< the API was called in a way its contract forbids
    internal,         ///< the cryptographic library or the environment failed, not the input or the caller
};

namespace detail {

inline condition condition_of(errc e) noexcept {
    if (e <= errc::dpop_proof_multiple) return condition::malformed;
    if (e <= errc::dpop_key_mismatch) return condition::unauthenticated;
    if (e <= errc::dpop_nonce_mismatch) return condition::claims_rejected;
    if (e <= errc::too_many_keys) return condition::bad_key;
    if (e <= errc::claim_not_serializable) return condition::misuse;
    return condition::internal;
}

inline const char* message_of(errc e) noexcept {
    switch (e) {
    case errc::token_too_large: return "token is larger than the configured maximum size";
    case errc::token_not_compact: return "token is not three base64url segments separated by '.'";
    case errc::empty_segment: return "token has an empty header, payload or signature segment";
    case errc::base64_padding: return "base64url text contains '=' padding, which JWS forbids";
    case errc::base64_invalid_character: return "base64url text contains a character outside A-Z a-z 0-9 - _";
    case errc::base64_invalid_length: return "base64url text has a length that no byte string encodes to";
    case errc::base64_non_canonical: return "base64url text has non-zero unused trailing bits";
    case errc::invalid_utf8: return "header or payload is not well-formed UTF-8";
    case errc::json_invalid: return "header or payload is not valid JSON";
    case errc::json_not_object: return "header or payload is JSON but not an object";
    case errc::json_duplicate_member: return "a JSON object names the same member twice";
    case errc::json_too_deep: return "JSON nesting is deeper than the configured maximum";
    case errc::json_byte_order_mark: return "header or payload JSON starts with a byte-order mark, which JSON senders must not add";
    case errc::header_missing_alg: return "JOSE header has no \"alg\" member";
    case errc::header_invalid_member: return "a registered JOSE header member has the wrong type";
    case errc::crit_invalid: return "\"crit\" must be a non-empty array naming present extension members";
    case errc::header_member_missing: return "the JOSE header has no such member";
    case errc::jwe_not_compact: return "JWE is not five base64url segments separated by '.'";
    case errc::header_missing_enc: return "JWE header has no \"enc\" member";
    case errc::iv_length_invalid: return "JWE initialization vector is not the length the algorithm requires";
    case errc::encrypted_key_invalid: return "JWE encrypted key is present where the algorithm has none, or missing where it needs one";
    case errc::pbes2_salt_invalid: return "PBES2 \"p2s\" is missing or shorter than 8 octets";
    case errc::jws_json_invalid: return "JWS JSON Serialization has an unknown, missing or mistyped member";
    case errc::header_member_duplicated: return "a header parameter is in both the protected and the unprotected header";
    case errc::unencoded_payload_period: return "compact JWS with \"b64\":false has a payload containing '.'";
    case errc::b64_inconsistent: return "the signatures of one JWS disagree on \"b64\"";
    case errc::payload_not_detached: return "a detached payload was given, but the JWS carries its own payload";
    case errc::too_many_signatures: return "JWS holds more signatures than allowed";
    case errc::claim_wrong_type: return "a registered claim has the wrong JSON type";
    case errc::numeric_date_out_of_range: return "a NumericDate is not a finite number between 0 and 253402300799";
    case errc::bearer_missing: return "no bearer credentials in the Authorization header";
    case errc::bearer_wrong_scheme: return "Authorization scheme is not Bearer";
    case errc::bearer_malformed: return "Authorization header is not \"Bearer\" followed by exactly one token";
    case errc::signature_invalid: return "signature does not verify";
    case errc::signature_length_invalid: return "signature has the wrong length for the algorithm";
    case errc::unsecured_token: return "unsecured token (\"alg\":\"none\") rejected";
    case errc::unsupported_algorithm: return "\"alg\" names an algorithm jot does not implement";
    case errc::algorithm_not_allowed: return "no verification key is bound to the token's algorithm";
    case errc::key_not_found: return "no verification key has the token's \"kid\"";
    case errc::decryption_failed: return "JWE did not decrypt under the key";
    case errc::tag_length_invalid: return "JWE authentication tag is not the length the algorithm requires";
    case errc::ephemeral_key_invalid: return "JWE \"epk\" is not a valid public key on the recipient key's curve";
    case errc::unsupported_encryption: return "\"enc\" names a content encryption jot does not implement";
    case errc::encryption_not_allowed: return "\"enc\" is not a content encryption the caller allowed";
    case errc::zip_unsupported: return "JWE header has \"zip\": compressed content is refused";
    case errc::pbes2_count_out_of_range: return "PBES2 \"p2c\" is missing, under 1000 or over the key's maximum iteration count";
    case errc::crit_unsupported: return "\"crit\" names an extension jot does not implement";
    case errc::nested_token_unsupported: return "\"cty\":\"JWT\" announces a nested token, which this verifier does not unwrap";
    case errc::token_expired: return "token has expired";
    case errc::token_not_yet_valid: return "token is not valid yet (nbf is in the future)";
    case errc::issued_in_future: return "token was issued in the future (iat is after now)";
    case errc::token_too_old: return "token was issued longer ago than the allowed maximum age";
    case errc::expiration_missing: return "token has no \"exp\" claim and the verifier requires one";
    case errc::claim_missing: return "a required claim is missing";
    case errc::issuer_mismatch: return "\"iss\" is not an expected issuer";
    case errc::audience_mismatch: return "\"aud\" contains no expected audience";
    case errc::audience_unexpected: return "token has \"aud\" but the verifier expects no audience";
    case errc::subject_mismatch: return "\"sub\" is not the expected subject";
    case errc::type_mismatch: return "header \"typ\" is not the expected type";
    case errc::claim_mismatch: return "a claim differs from its expected value";
    case errc::claim_predicate_failed: return "a claim check supplied by the caller failed";
    case errc::token_revoked: return "token has been revoked";
    case errc::token_replayed: return "a single-use token or proof was presented again";
    case errc::nested_token_expected: return "JWE \"cty\" is not \"JWT\", so it holds no nested token";
    case errc::insufficient_scope: return "token lacks a required scope";
    case errc::dpop_proof_missing: return "no DPoP proof in the request";
    case errc::dpop_proof_multiple: return "more than one DPoP proof in the request";
    case errc::dpop_algorithm_not_allowed: return "DPoP proof \"alg\" is not an allowed asymmetric algorithm";
    case errc::dpop_jwk_invalid: return "DPoP proof has no \"jwk\" header object";
    case errc::dpop_jwk_private: return "DPoP proof \"jwk\" carries a private key";
    case errc::dpop_key_mismatch: return "DPoP proof key is not the key the access token is bound to";
    case errc::dpop_type_mismatch: return "DPoP proof \"typ\" is not \"dpop+jwt\"";
    case errc::dpop_method_mismatch: return "DPoP proof \"htm\" is not the request method";
    case errc::dpop_url_mismatch: return "DPoP proof \"htu\" is not the request URI";
    case errc::dpop_proof_too_old: return "DPoP proof \"iat\" is older than the accepted window";
    case errc::dpop_issued_in_future: return "DPoP proof \"iat\" is in the future";
    case errc::dpop_ath_mismatch: return "DPoP proof \"ath\" is not the hash of the access token";
    case errc::dpop_token_unbound: return "access token presented with DPoP is not bound to a key (no cnf.jkt)";
    case errc::dpop_token_as_bearer: return "DPoP-bound access token presented with the Bearer scheme";
    case errc::dpop_nonce_required: return "DPoP proof must carry the server's nonce";
    case errc::dpop_nonce_mismatch: return "DPoP proof \"nonce\" is not one the server accepts";
    case errc::key_too_short: return "HMAC secret is shorter than the hash output";
    case errc::key_too_weak: return "key is too weak for the algorithm";
    case errc::key_algorithm_mismatch: return "key cannot be used with this algorithm";
    case errc::key_invalid: return "key material is not a valid key";
    case errc::key_not_private: return "signing needs a private key";
    case errc::key_use_mismatch: return "the JWK's \"use\" or \"key_ops\" does not allow this operation";
    case errc::key_small_order: return "EdDSA public key is a point of small order, under which signatures can be forged";
    case errc::key_not_canonical: return "EdDSA public key is not canonically encoded";
    case errc::private_key_in_set: return "a published JWK Set carries a private key";
    case errc::key_set_too_large: return "JWK Set document is larger than the configured maximum size";
    case errc::key_set_invalid: return "JWK Set is not an object with a \"keys\" array";
    case errc::duplicate_key_id: return "JWK repeats a \"kid\" an earlier key has for the same algorithm";
    case errc::key_size_invalid: return "secret is not the length the algorithm requires";
    case errc::too_many_keys: return "JWK Set holds more keys than allowed";
    case errc::invalid_argument: return "an argument is outside its allowed range";
    case errc::url_refused: return "URL refused: only https (or http to an allowed loopback address) without userinfo is fetched";
    case errc::leeway_too_large: return "leeway is larger than 10 minutes";
    case errc::no_keys: return "a verifier needs at least one key";
    case errc::reserved_header_member: return "\"alg\" and \"kid\" come from the key and cannot be set by hand";
    case errc::header_member_wrong_type: return "a registered header member was given a value of the wrong type";
    case errc::number_not_finite: return "an infinite or NaN number cannot be written as JSON";
    case errc::claim_not_serializable: return "a registered claim was given a value of the wrong type";
    case errc::crypto_failure: return "the cryptographic library failed";
    case errc::jti_store_unavailable: return "the revocation and replay store could not answer";
    case errc::jti_store_full: return "the in-memory revocation and replay store is full";
    case errc::fetch_failed: return "HTTPS fetch failed to connect, send or read";
    case errc::fetch_timeout: return "HTTPS fetch timed out";
    case errc::tls_verification_failed: return "server certificate or host name did not verify";
    case errc::http_status_unexpected: return "server answered with an unexpected HTTP status";
    case errc::redirect_refused: return "server answered with a redirect, which is not followed";
    case errc::response_too_large: return "response body is larger than the allowed maximum";
    case errc::discovery_issuer_mismatch: return "discovery document names another issuer than the one configured";
    case errc::discovery_invalid: return "discovery document is not a JSON object with string issuer and jwks_uri";
    case errc::callback_failed: return "a function supplied by the caller threw an exception";
    }
    return "unknown jot error";
}

class condition_category_impl final : public std::error_category {
public:
    const char* name() const noexcept override { return "jot.condition"; }
    std::string message(int c) const override {
        switch (static_cast<condition>(c)) {
        case condition::malformed: return "malformed token";
        case condition::unauthenticated: return "token not authenticated";
        case condition::claims_rejected: return "token claims rejected";
        case condition::bad_key: return "unusable key";
        case condition::misuse: return "API misuse";
        case condition::internal: return "internal failure";
        }
        return "unknown jot condition";
    }
};

} // namespace detail

/// The category of jot::condition values.
inline const std::error_category& condition_category() noexcept {
    static const detail::condition_category_impl instance;
    return instance;
}

/// The category of jot::errc values; equivalent() maps each code to its jot::condition.
inline const std::error_category& error_category() noexcept {
    class impl final : public std::error_category {
    public:
        const char* name() const noexcept override { return "jot"; }
        std::string message(int e) const override { return detail::message_of(static_cast<errc>(e)); }
        std::error_condition default_error_condition(int e) const noexcept override {
            return {static_cast<int>(detail::condition_of(static_cast<errc>(e))), condition_category()};
        }
    };
    static const impl instance;
    return instance;
}

/// Makes an error_code of jot's category (found by ADL, so `std::error_code ec = errc::x` works).
inline std::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), error_category()}; }

/// Makes an error_condition of jot's condition category.
inline std::error_condition make_error_condition(condition c) noexcept {
    return {static_cast<int>(c), condition_category()};
}

/// The exception thrown by result<T>::value() on an error: a std::system_error carrying the code.
class error : public std::system_error {
public:
    explicit error(std::error_code ec) : std::system_error(ec) {}
};

} // namespace jot

namespace std {
template <> struct is_error_code_enum<jot::errc> : true_type {};
template <> struct is_error_condition_enum<jot::condition> : true_type {};
} // namespace std
