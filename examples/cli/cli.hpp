// SPDX-License-Identifier: MIT
// The jot command-line tool's shared pieces: exit statuses, the failure type, options of each command.
#pragma once

#include <chrono>
#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include <jot/algorithm.hpp>
#include <jot/error.hpp>
#include <jot/jwe.hpp>
#include <jot/signer.hpp>

namespace jot_cli {

/// Exit statuses: scripts branch on these, so they never change.
inline constexpr int exit_ok = 0;        ///< the command did what was asked
inline constexpr int exit_rejected = 1;  ///< the token was rejected (or, for decode, is not a well-formed JWT)
inline constexpr int exit_usage = 2;     ///< bad arguments, or a key (or other input file) that cannot be used

/// Ends a command: main() prints "error: <code>: <message>" on one stderr line and exits with `status`.
/// `code` is a jot::errc name ("token_expired") or one of the tool's own: usage, file_unreadable,
/// file_exists, file_unwritable.
struct failure : std::exception {
    failure(int status_, std::string code_, std::string message_)
        : status(status_), code(std::move(code_)), message(std::move(message_)) {}
    const char* what() const noexcept override { return message.c_str(); }

    int status;
    std::string code;
    std::string message;
};

/// The enumerator's name, e.g. "token_expired" for jot::errc::token_expired.
const char* errc_name(jot::errc e) noexcept;
/// errc_name() for a jot code; "<category>:<value>" for a code of another category.
std::string code_name(std::error_code ec);

/// Throws failure{exit_usage, "usage", message}.
[[noreturn]] void fail_usage(std::string message);
/// Throws failure{exit_usage, code_name(ec), the library's message + " (" + context + ")"}: a key or other
/// input problem.
[[noreturn]] void fail_input(std::error_code ec, const std::string& context);
/// Throws failure{exit_rejected, code_name(ec), the library's message}: the token was rejected. A non-empty
/// `detail` (a jot::diagnostic's to_string(): which check, what the token had, what was expected) follows the
/// message in parentheses, on the same line.
[[noreturn]] void fail_token(std::error_code ec, const std::string& detail = {});

/// The whole file as bytes. Fails with file_unreadable (exit 2).
std::string read_file(const std::string& path, const std::string& what);
/// All of standard input, as bytes.
std::string read_stdin();
/// The token: `arg` itself, the file PATH when `arg` is "@PATH", or standard input when `arg` is absent or "-".
/// From stdin or a file exactly one trailing LF or CRLF is removed and every other byte (NUL included) is kept.
/// Empty standard input fails with token_not_compact, "no token on standard input" (exit 1). Standard input
/// is read up to just past the verifier's size limit (a longer token is refused anyway) unless `whole`.
std::string read_token(const std::optional<std::string>& arg, bool whole = false);
/// True when read_token(arg) reads standard input.
bool token_from_stdin(const std::optional<std::string>& arg);
/// A hint for a token the library refused: a "Bearer " prefix, surrounding whitespace, or an argument that is
/// the name of a file (which wants @PATH). Empty when there is nothing to say.
std::string token_hint(const std::optional<std::string>& arg, const std::string& token);
/// Writes `bytes` to a new file; mode 0600 for a `secret`, 0644 (less the umask) otherwise. An existing file
/// is replaced only with `overwrite` (and then also gets the mode). Fails with file_unwritable.
void write_file(const std::string& path, std::string_view bytes, bool secret, bool overwrite);
/// True when ANSI colour may be written to stdout: a terminal, NO_COLOR unset or empty, TERM not "dumb".
bool stdout_wants_colour();
/// `json` text with every C1 control character (U+0080..U+009F) written as a \u escape: the JSON means the
/// same, and a token cannot send a terminal 8-bit control sequences (dump() already escapes U+0000..U+001F).
std::string terminal_safe(std::string json);

/// `text` parsed as JSON, or a discarded value when it is not JSON. A NUL byte makes it not JSON: nlohmann's
/// lexer would stop there and accept `{...}\0<anything>`.
nlohmann::json parse_json(const std::string& text);

/// --now: a time in any form parse_time_arg() takes (relative forms count from the system clock), or the system
/// clock when `arg` is empty. Fails with usage.
std::chrono::system_clock::time_point resolve_now(const std::string& arg);
/// Whole seconds since the epoch of `t` (rounded down).
template <class Duration>
std::int64_t unix_seconds(std::chrono::time_point<std::chrono::system_clock, Duration> t) {
    return std::chrono::floor<std::chrono::seconds>(t.time_since_epoch()).count();
}
/// A time option (--exp, --nbf, --now): "N" or "+N" with a unit s, m, h or d (that long after `now_seconds`),
/// an integer (UNIX seconds), or an RFC 3339 date-time ("2026-01-02T03:04:05Z", a fraction is dropped, an
/// offset "+01:00" is applied). Fails with usage (bad syntax) or numeric_date_out_of_range.
std::int64_t parse_time_arg(const std::string& text, std::int64_t now_seconds, const char* option);
/// A duration option (--leeway): an integer (seconds) or N with a unit s, m, h or d. Fails with usage;
/// more than `max_seconds` fails with leeway_too_large.
std::int64_t parse_duration_arg(const std::string& text, std::int64_t max_seconds, const char* option);
/// "2024-01-02T03:04:05Z".
std::string format_utc(std::int64_t unix_seconds);
/// A short duration in its two largest non-zero units: "0s", "45s", "14m 59s", "3h 5s", "12d 4h".
std::string format_duration(std::int64_t seconds);
/// --alg: a JOSE algorithm name. "none" and unknown names fail with their errc (exit 2).
jot::algorithm parse_alg(const std::string& name);

/// How --key FILE is read (--key-format; guess when not given).
enum class key_format { guess, raw, pem, der, jwk };
/// --key-format's value; the empty string is guess.
key_format parse_key_format(const std::string& text);

/// --key and the options that say how to read it.
struct key_args {
    std::string path;           ///< a file, or "-" for standard input
    std::string format;         ///< --key-format (empty: guess)
    std::string password_file;  ///< --password-file: the password of an encrypted private key (first line)
    bool secret_base64 = false; ///< --secret-base64: the file holds an HS* secret in base64 or base64url
};

/// The key of --key FILE for verifying `alg`: an HMAC secret for HS*, else a public key (from a public,
/// private or certificate PEM, DER, or a JWK). Fails with exit 2. `signature_hint` is set to a sentence worth
/// adding to a signature_invalid error (an HMAC secret file that ends in a newline), else left empty.
std::shared_ptr<const jot::verification_key> load_verification_key(jot::algorithm alg, const key_args& key,
                                                                   std::string& signature_hint);
/// The usable keys for `alg` in the JWK Set file `path`. Fails with exit 2 when there is none.
std::vector<std::shared_ptr<const jot::verification_key>> load_jwks(jot::algorithm alg, const std::string& path);
/// The key of --key FILE for signing `alg`: an HMAC secret for HS*, else a private key (PKCS#8 or traditional
/// PEM, DER, or a private JWK). A non-empty `kid` replaces the key's own. Without one, a key keygen made
/// (PREFIX.private.pem or PREFIX.secret.bin) gets the "kid" of PREFIX.public.jwk.json / PREFIX.secret.jwk.json
/// when that file is there and holds the same key. Fails with exit 2.
std::shared_ptr<const jot::signer> load_signer(jot::algorithm alg, const key_args& key, const std::string& kid);

struct decode_args {
    std::optional<std::string> token;
    bool json = false;
    bool lenient = false; ///< show padded, oversized, duplicate-member and alg none tokens, with warnings
};

/// Keys over HTTPS (examples/cli/http_commands.cpp; needs jot::http).
struct http_args {
    std::string jwks_url, oidc_issuer, ca_file;
    bool allow_http_loopback = false;
};

struct verify_args {
    http_args http;
    key_args key;
    std::string alg, jwks, issuer, subject, type, leeway;
    std::vector<std::string> audiences;
    bool allow_missing_exp = false, ignore_aud = false, ignore_typ = false;
    std::string decrypt_key, decrypt_alg, decrypt_enc;  ///< a nested JWT: decrypt with these, then verify
    bool json = false; ///< one JSON document on stdout: header, payload, dates and the result, errors included
    bool explain = false;  ///< --explain: one error line per failed check, not only the first
    std::optional<std::string> token;
    // General JWS (jws_commands.cpp): detached content, unencoded payloads, several signatures.
    std::string payload;          ///< --payload FILE|-: the detached content
    bool allow_unencoded = false; ///< --allow-unencoded: honour "b64":false (RFC 7797)
    bool any_signature = false;   ///< --any-signature: one verified signature is enough
};

struct sign_args {
    key_args key;
    std::string alg, kid, type, issuer, subject, exp, nbf, jti, claims_file;
    std::vector<std::string> audiences, claims;
    bool no_iat = false, jti_random = false;
    bool no_exp = false; ///< no "exp" on purpose: no warning
    bool force = false;  ///< sign even when --exp is not in the future
    // General JWS (jws_commands.cpp).
    std::string payload;  ///< --payload FILE|-: sign these bytes instead of a claim set
    bool detached = false, json = false, unencoded = false;
};

struct keygen_args {
    std::string alg, out;
    std::string crv, enc;  ///< JWE keys only: the ECDH curve, and the "enc" a dir key serves
    bool force = false;
};

struct encrypt_args {
    std::string alg, enc, key, in, cty;
};

struct decrypt_args {
    std::string alg, enc, key;
    std::optional<std::string> token;
};

struct jwks_args {
    http_args http;  // jwks --url: http.jwks_url
    std::string alg;
    std::vector<std::string> files;
};

/// jot dpop proof: a DPoP proof (RFC 9449 §4.2) for one request.
struct dpop_proof_args {
    key_args key;
    std::string alg = "ES256", method, url, access_token, nonce, jti;
};

/// jot dpop verify: the checks of RFC 9449 §4.3 on one proof.
struct dpop_verify_args {
    std::string method, url, access_token, jkt, nonce, max_age;
    std::vector<std::string> algs;
    std::optional<std::string> proof;
};

/// The commands; each returns its exit status or throws failure.
int run_decode(const decode_args& a, std::chrono::system_clock::time_point now);
int run_verify(const verify_args& a, std::chrono::system_clock::time_point now);
int run_sign(const sign_args& a, std::chrono::system_clock::time_point now);
int run_keygen(const keygen_args& a);
int run_jwks(const jwks_args& a);
/// jwks --url: the provider's keys with their thumbprints.
int run_jwks_url(const jwks_args& a);
/// The keys for `alg` from --jwks-url, or from the jwks_uri --oidc-issuer's discovery names (then `issuer` is
/// set to the discovered issuer). Fails with exit 2.
std::vector<std::shared_ptr<const jot::verification_key>> load_http_keys(jot::algorithm alg, const http_args& h,
                                                                         std::string& issuer);
int run_thumbprint(const std::string& file);
/// General JWS (examples/cli/jws_commands.cpp): true when `sign` was asked for one (--payload, --detached,
/// --json, --unencoded).
bool is_jws_sign(const sign_args& a);
/// True when `verify` was given a general JWS: --payload, --allow-unencoded, --any-signature, or a token in
/// JSON form.
bool is_jws_verify(const verify_args& a, const std::string& token);
int run_sign_jws(const sign_args& a);
int run_verify_jws(const verify_args& a, const std::string& token);
/// JWE (examples/cli/jwe_commands.cpp): true when `name` is a JWE key management algorithm.
bool is_jwe_alg(const std::string& name);
int run_encrypt(const encrypt_args& a);
int run_decrypt(const decrypt_args& a);
/// The decrypter `decrypt` (and `verify --decrypt-key`) uses: --alg/--enc when given, otherwise the token's own
/// "alg" (the key must fit it) and every "enc" (a dir key: the token's). Fails with exit 2 (key) or 1 (token).
jot::jwe_decrypter make_decrypter(const std::string& alg, const std::string& enc, const std::string& key_file,
                                 const std::string& token);
int run_jwe_keygen(const keygen_args& a);
/// DPoP (examples/cli/dpop_commands.cpp).
int run_dpop_proof(const dpop_proof_args& a, std::chrono::system_clock::time_point now);
int run_dpop_verify(const dpop_verify_args& a, std::chrono::system_clock::time_point now);

} // namespace jot_cli
