// SPDX-License-Identifier: MIT
// Nested JWTs (RFC 7519 §5.2, §7.2): sign then encrypt, and decrypt then verify with a normal verifier.
#pragma once

#include <string>
#include <string_view>

#include "builder.hpp"
#include "error.hpp"
#include "jwe.hpp"
#include "result.hpp"
#include "signer.hpp"
#include "verifier.hpp"

namespace jot {

/// Signs the claims of `claim_builder` with `key` and encrypts the resulting JWS with `encrypter`, announcing the
/// nested token with "cty":"JWT" in the JWE header (RFC 7519 §5.2, §11.2: sign first, so the signature
/// covers the claims and the encryption hides it). The JWE header gets no "typ".
/// Errors: those of basic_builder::sign() and of jwe_encrypter::encrypt().
template <class Json, class Clock>
result<std::string> sign_and_encrypt(const basic_builder<Json, Clock>& claim_builder, const signer& key,
                                     const jwe_encrypter& encrypter) {
    auto jws = claim_builder.sign(key);
    if (!jws) return jws.error();
    jwe_header_options options;
    options.content_type = "JWT";
    return encrypter.encrypt(bytes_view(*jws), options);
}

/// Decrypts a compact JWE with `decrypter`, requires its "cty" to announce a JWT (compared as a media type:
/// "JWT", "jwt", "application/jwt"), then verifies the plaintext with `inner_verifier` and its whole policy (keys,
/// algorithms, exp, iss, aud, typ, predicates, cache) exactly as inner_verifier.verify() would (RFC 7519 §7.2 steps
/// 7-8). The inner token is a JWS; a JWE inside a JWE is not unwrapped again.
/// Errors: those of jwe_decrypter::decrypt(), errc::nested_token_expected ("cty" absent or not JWT), then
/// those of basic_verifier::verify().
template <class Json, class Clock>
result<basic_verified_token<Json>> decrypt_and_verify(const jwe_decrypter& decrypter,
                                                      const basic_verifier<Json, Clock>& inner_verifier,
                                                      std::string_view token) {
    auto content = decrypter.decrypt(token);
    if (!content) return content.error();
    if (!detail::media_type_equal(content->content_type(), "JWT")) return errc::nested_token_expected;
    return inner_verifier.verify(content->plaintext());
}

} // namespace jot
