// SPDX-License-Identifier: MIT
// `jot`: decode, verify and sign JWTs and make keys from the command line (the contract is in docs/cli.md).
#include <exception>
#include <iostream>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include <CLI/CLI.hpp>

#include <jot/version.hpp>

#include "cli.hpp"

namespace {

/// The token positional: absent or "-" means standard input.
void add_token(CLI::App* cmd, std::optional<std::string>& token) {
    cmd->add_option_function<std::string>(
        "token", [&token](const std::string& t) { token = t; },
        "The compact JWT, @FILE to read it from a file, or standard input when absent or '-' (one trailing LF or "
        "CRLF removed)");
}

/// An option taking one value; a list option takes one value per use (`--aud a --aud b`), so that it never
/// swallows the token that follows it.
template <class T>
CLI::Option* option(CLI::App* cmd, const char* name, T& into, const char* value_name, const std::string& help) {
    CLI::Option* o = cmd->add_option(name, into, help)->type_name(value_name);
    if constexpr (std::is_same_v<T, std::vector<std::string>>) o->allow_extra_args(false);
    return o;
}

void add_now(CLI::App* cmd, std::string& now) {
    option(cmd, "--now", now, "T", "Use this time as now instead of the system clock: UNIX seconds, an RFC 3339 date, or 30s, 15m, 2h, 1d from the clock");
}

/// "error: <code>: <message>" on one line (a newline inside a message would break scripts that read it).
void print_error(const std::string& code, std::string message) {
    for (char& c : message)
        if (c == '\n' || c == '\r') c = ' ';
    std::cerr << "error: " << code << ": " << message << "\n";
}

std::string version() {
    return "jot " + std::to_string(JOT_VERSION_MAJOR) + "." + std::to_string(JOT_VERSION_MINOR) + "." +
           std::to_string(JOT_VERSION_PATCH);
}

} // namespace

int main(int argc, char** argv) {
    using namespace jot_cli;
    CLI::App app{"jot: decode, verify and sign JSON Web Tokens, and make and publish keys.\n"
                 "Exit status: 0 ok, 1 token rejected, 2 usage or key problem.",
                 "jot"};
    app.require_subcommand(1);
    app.set_version_flag("--version", version());
    std::string now;
    const std::string alg_help = "JWS algorithm: HS256 HS384 HS512 RS256 RS384 RS512 PS256 PS384 PS512 ES256 "
                                 "ES384 ES512 ES256K EdDSA Ed25519 Ed448";
    const std::string key_format_help =
        "How to read --key: raw (HS* secret bytes), pem, der or jwk; guessed when absent";
    const std::string time_help = ": 30s, 15m, 2h or 7d from now ('+' allowed), UNIX seconds, or an RFC 3339 date";
    // Each command's help ends with an example.
    const auto example = [](CLI::App* cmd, const std::string& text) { cmd->footer("Example:\n  " + text + "\n"); };
    // --key and the options that say how to read it.
    const auto add_key = [&key_format_help](CLI::App* cmd, key_args& k, const std::string& help) {
        CLI::Option* o = option(cmd, "--key", k.path, "FILE|-", help + "; - reads it from standard input");
        option(cmd, "--key-format", k.format, "raw|pem|der|jwk", key_format_help)->needs(o);
        option(cmd, "--password-file", k.password_file, "FILE", "The password of an encrypted private key (first line of FILE)")
            ->needs(o);
        cmd->add_flag("--secret-base64", k.secret_base64, "The HS* secret in --key is base64 or base64url text")->needs(o);
        return o;
    };

    decode_args dec;
    CLI::App* decode = app.add_subcommand("decode", "Print a token's header and payload WITHOUT verifying it");
    add_token(decode, dec.token);
    decode->add_flag("--json", dec.json, "Print {\"header\": ..., \"payload\": ..., \"verified\": false}");
    decode->add_flag("--lenient", dec.lenient,
                     "Also show padded, oversized, duplicate-member and unsecured tokens, with warnings");
    add_now(decode, now);
    example(decode, "jot decode @token.txt    (or: echo \"$TOKEN\" | jot decode)");

    verify_args ver;
    CLI::App* verify = app.add_subcommand("verify", "Verify a token; print its payload as JSON when it is accepted");
    option(verify, "--alg", ver.alg, "ALG", alg_help)->required();
    add_key(verify, ver.key, "Key file: PEM or DER (public, private or certificate), JWK, or HS* secret");
    option(verify, "--jwks", ver.jwks, "FILE", "JWK Set file whose keys for --alg are accepted too");
    option(verify, "--iss", ver.issuer, "S", "Expected issuer (\"iss\")");
    CLI::Option* aud = option(verify, "--aud", ver.audiences, "S", "Expected audience; repeat to accept any of them");
    option(verify, "--sub", ver.subject, "S", "Expected subject (\"sub\")");
    CLI::Option* typ = option(verify, "--typ", ver.type, "S", "Expected header \"typ\" (default: absent or JWT)");
    verify->add_flag("--json", ver.json, "Print header, payload, dates and the result as one JSON document, errors included");
    option(verify, "--leeway", ver.leeway, "DURATION", "Clock skew allowed for exp, nbf and iat, exactly: seconds, or 30s, 5m (at most 10m; default: 0 past exp, 60 s ahead for nbf/iat)");
    verify->add_flag("--allow-missing-exp", ver.allow_missing_exp, "Accept a token without \"exp\"");
    verify->add_flag("--ignore-aud", ver.ignore_aud, "Accept any \"aud\" without checking it")->excludes(aud);
    verify->add_flag("--ignore-typ", ver.ignore_typ, "Accept any header \"typ\"")->excludes(typ);
    CLI::Option* decrypt_key = option(verify, "--decrypt-key", ver.decrypt_key, "FILE",
                                      "A nested JWT: decrypt the JWE with this key (as decrypt --key), then verify");
    option(verify, "--decrypt-alg", ver.decrypt_alg, "ALG", "With --decrypt-key: the JWE \"alg\" (default: the token's)")
        ->needs(decrypt_key);
    option(verify, "--decrypt-enc", ver.decrypt_enc, "ENC", "With --decrypt-key: the one JWE \"enc\" allowed (default: any)")
        ->needs(decrypt_key);
    verify->add_flag("--explain", ver.explain, "On refusal, one error line per failed check, not only the first")
        ->excludes(decrypt_key);
    add_token(verify, ver.token);
    add_now(verify, now);
    // A general JWS (RFC 7515 App. F, §7.2; RFC 7797): jws_commands.cpp.
    option(verify, "--payload", ver.payload, "FILE|-", "Detached content: verify the token (h..s, or JSON without \"payload\") over these bytes");
    verify->add_flag("--allow-unencoded", ver.allow_unencoded, "Honour \"b64\":false in \"crit\" (RFC 7797)");
    verify->add_flag("--any-signature", ver.any_signature, "JSON form: accept when one signature verifies (default: all must)");
    // Keys from a live provider (http_commands.cpp).
    CLI::Option* jwks_url = option(verify, "--jwks-url", ver.http.jwks_url, "URL", "JWK Set URL (https) whose keys are accepted");
    option(verify, "--oidc-issuer", ver.http.oidc_issuer, "URL", "Issuer URL: keys from its OpenID discovery; \"iss\" must be it")
        ->excludes(jwks_url);
    option(verify, "--ca-file", ver.http.ca_file, "PEM", "CAs trusted for the provider (default: system store)");
    verify->add_flag("--allow-http-loopback", ver.http.allow_http_loopback, "Allow http:// to 127.0.0.1/[::1] (tests)");
    example(verify, "jot verify --alg ES256 --key issuer.public.pem --iss https://issuer.example --aud api @token.txt");

    sign_args sig;
    CLI::App* sign = app.add_subcommand("sign", "Sign a new token and print it");
    option(sign, "--alg", sig.alg, "ALG", alg_help)->required();
    add_key(sign, sig.key, "Key file: private PEM or DER, private JWK, or HS* secret")->required();
    option(sign, "--kid", sig.kid, "S", "Key id for the header (\"kid\")");
    option(sign, "--typ", sig.type, "S", "Header \"typ\" (default JWT)");
    option(sign, "--iss", sig.issuer, "S", "Issuer (\"iss\")");
    option(sign, "--sub", sig.subject, "S", "Subject (\"sub\")");
    option(sign, "--aud", sig.audiences, "S", "Audience; one gives a string, several an array");
    CLI::Option* exp = option(sign, "--exp", sig.exp, "T", "Expiry" + time_help + "; refused unless after now");
    sign->add_flag("--no-exp", sig.no_exp, "Leave out \"exp\" on purpose (no warning)")->excludes(exp);
    sign->add_flag("--force", sig.force, "Sign even when --exp is not after now");
    option(sign, "--nbf", sig.nbf, "T", "Not before" + time_help);
    sign->add_flag("--no-iat", sig.no_iat, "Leave out \"iat\" (set to now otherwise)");
    CLI::Option* jti = option(sign, "--jti", sig.jti, "S", "Token id (\"jti\")");
    sign->add_flag("--jti-random", sig.jti_random, "A random \"jti\" (16 bytes, base64url)")->excludes(jti);
    option(sign, "--claim", sig.claims, "NAME=VALUE", "A claim, VALUE as JSON or else as a string; repeatable");
    option(sign, "--claims", sig.claims_file, "@FILE|-", "A JSON object of claims, from a file or stdin (-)");
    // A general JWS over any bytes instead of a JWT (jws_commands.cpp).
    option(sign, "--payload", sig.payload, "FILE|-", "Sign these bytes as they are (a JWS, not a JWT); no claim options");
    sign->add_flag("--detached", sig.detached, "With --payload: leave the payload out (h..s, RFC 7515 App. F)");
    sign->add_flag("--json", sig.json, "With --payload: print the flattened JWS JSON Serialization (RFC 7515 §7.2.2)");
    sign->add_flag("--unencoded", sig.unencoded, "With --payload: sign the bytes unencoded, \"b64\":false (RFC 7797)");
    add_now(sign, now);
    example(sign, "jot sign --alg ES256 --key issuer.private.pem --iss https://issuer.example --aud api --exp 15m");

    keygen_args gen;
    CLI::App* keygen = app.add_subcommand("keygen", "Make a new key and write it to PREFIX.* files");
    option(keygen, "--alg", gen.alg, "ALG", alg_help + ", or a JWE key management algorithm")->required();
    option(keygen, "--out", gen.out, "PREFIX", "File name prefix")->required();
    option(keygen, "--crv", gen.crv, "CRV", "JWE ECDH-ES* keys: P-256 (default), P-384, P-521 or X25519");
    option(keygen, "--enc", gen.enc, "ENC", "JWE dir keys: the content encryption the key serves");
    keygen->add_flag("--force", gen.force, "Replace files that exist");
    add_now(keygen, now);
    example(keygen, "jot keygen --alg ES256 --out issuer    (writes issuer.private.pem, issuer.public.pem, "
                    "issuer.public.jwk.json)");

    jwks_args set;
    CLI::App* jwks = app.add_subcommand("jwks", "Print a JWK Set of the public keys in PEM or JWK files");
    jwks->add_option("files", set.files, "Key files (PEM or JWK)");
    CLI::Option* jwks_from = option(jwks, "--url", set.http.jwks_url, "URL", "Print a provider's keys and thumbprints");
    option(jwks, "--ca-file", set.http.ca_file, "PEM", "CAs trusted for the provider")->needs(jwks_from);
    jwks->add_flag("--allow-http-loopback", set.http.allow_http_loopback, "Allow http:// to loopback")->needs(jwks_from);
    option(jwks, "--alg", set.alg, "ALG", "Bind every key to this algorithm (default: from the curve; none for RSA)");
    add_now(jwks, now);
    example(jwks, "jot jwks issuer.public.pem old.public.jwk.json > jwks.json");

    const std::string jwe_alg_help = "JWE key management: RSA-OAEP RSA-OAEP-256 ECDH-ES ECDH-ES+A128KW "
                                     "ECDH-ES+A192KW ECDH-ES+A256KW A128KW A192KW A256KW A128GCMKW A192GCMKW "
                                     "A256GCMKW dir";
    const std::string enc_help = "JWE content encryption: A128GCM A192GCM A256GCM A128CBC-HS256 A192CBC-HS384 "
                                 "A256CBC-HS512";
    encrypt_args enc;
    CLI::App* encrypt = app.add_subcommand("encrypt", "Encrypt standard input (or --in FILE); print the compact JWE");
    option(encrypt, "--alg", enc.alg, "ALG", jwe_alg_help)->required();
    option(encrypt, "--enc", enc.enc, "ENC", enc_help)->required();
    option(encrypt, "--key", enc.key, "FILE", "Recipient key: public PEM, JWK, or raw octets (dir, A*KW, A*GCMKW)")
        ->required();
    option(encrypt, "--in", enc.in, "FILE", "Read the plaintext from FILE instead of standard input");
    option(encrypt, "--cty", enc.cty, "S", "Header \"cty\" (JWT for a signed token: a nested JWT)");
    add_now(encrypt, now);
    example(encrypt, "jot encrypt --alg RSA-OAEP-256 --enc A256GCM --key rsa.public.pem --cty JWT < token.txt");

    decrypt_args dcr;
    CLI::App* decrypt = app.add_subcommand("decrypt", "Decrypt a compact JWE; print the plaintext exactly");
    option(decrypt, "--key", dcr.key, "FILE", "Private PEM, JWK, or raw octets (dir, A*KW, A*GCMKW)")->required();
    option(decrypt, "--alg", dcr.alg, "ALG", jwe_alg_help + " (default: the token's, if the key fits it)");
    option(decrypt, "--enc", dcr.enc, "ENC", enc_help + " (default: any)");
    decrypt->add_option_function<std::string>(
        "token", [&dcr](const std::string& t) { dcr.token = t; },
        "The compact JWE, @FILE, or standard input when absent or '-' (one trailing LF or CRLF removed)");
    add_now(decrypt, now);
    example(decrypt, "jot decrypt --key rsa.private.pem @token.jwe");

    std::string thumb_file;
    CLI::App* thumbprint = app.add_subcommand("thumbprint", "Print the RFC 7638 SHA-256 thumbprint of a key");
    thumbprint->add_option("file", thumb_file, "Key file (PEM or JWK)")->required();
    add_now(thumbprint, now);
    example(thumbprint, "jot thumbprint issuer.public.pem");

    CLI::App* dpop = app.add_subcommand("dpop", "Make or check a DPoP proof (RFC 9449)");
    dpop->require_subcommand(1);
    dpop_proof_args dpp;
    CLI::App* dpop_proof = dpop->add_subcommand("proof", "Print a DPoP proof for one HTTP request");
    add_key(dpop_proof, dpp.key, "Private key: PEM or DER, or a private JWK")->required();
    option(dpop_proof, "--alg", dpp.alg, "ALG", "Asymmetric JWS algorithm of the key (default ES256)");
    option(dpop_proof, "--method", dpp.method, "METHOD", "HTTP method (\"htm\")")->required();
    option(dpop_proof, "--url", dpp.url, "URL", "Request URL (\"htu\"; query and fragment dropped)")->required();
    option(dpop_proof, "--access-token", dpp.access_token, "TOKEN", "Bind to this access token (\"ath\")");
    option(dpop_proof, "--nonce", dpp.nonce, "S", "The server's DPoP-Nonce (\"nonce\")");
    option(dpop_proof, "--jti", dpp.jti, "S", "Proof id (default: 16 random bytes, base64url)");
    add_now(dpop_proof, now);
    example(dpop_proof, "jot dpop proof --key client.private.pem --method GET --url https://api.example/orders "
                        "--access-token \"$TOKEN\"");
    dpop_verify_args dpv;
    CLI::App* dpop_verify =
        dpop->add_subcommand("verify", "Check a DPoP proof for a request; print what it proves as JSON");
    option(dpop_verify, "--method", dpv.method, "METHOD", "The request's HTTP method")->required();
    option(dpop_verify, "--url", dpv.url, "URL", "The request's absolute URL")->required();
    CLI::Option* dpop_token = option(dpop_verify, "--access-token", dpv.access_token, "TOKEN",
                                     "The access token sent with the proof (\"ath\" must be its hash)");
    option(dpop_verify, "--jkt", dpv.jkt, "THUMBPRINT", "The access token's cnf.jkt")->needs(dpop_token);
    option(dpop_verify, "--nonce", dpv.nonce, "S", "Require this nonce");
    option(dpop_verify, "--alg", dpv.algs, "ALG", "Accept only this algorithm; repeatable (default: all asymmetric)");
    option(dpop_verify, "--max-age", dpv.max_age, "D", "Oldest \"iat\" accepted: 60s, 2m or seconds (default 60)");
    dpop_verify->add_option_function<std::string>(
        "proof", [&dpv](const std::string& t) { dpv.proof = t; },
        "The DPoP proof; read from standard input when absent or '-'");
    add_now(dpop_verify, now);
    example(dpop_verify, "jot dpop verify --method GET --url https://api.example/orders --access-token \"$TOKEN\" "
                         "--jkt \"$JKT\" \"$PROOF\"");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) return app.exit(e); // --help, --version
        std::string where = "jot";
        for (const CLI::App* cmd : app.get_subcommands()) where += " " + cmd->get_name();
        // A first word that is no command: say so, and name the commands (CLI11 would only say it was not expected).
        if (app.get_subcommands().empty() && argc > 1 && argv[1][0] != '-') {
            std::string names;
            for (const CLI::App* cmd : app.get_subcommands({}))
                names += (names.empty() ? "" : " ") + cmd->get_name();
            print_error("usage", "unknown command '" + std::string(argv[1]) + "'; the commands are: " + names +
                                     " (see 'jot --help')");
            return exit_usage;
        }
        print_error("usage", std::string(e.what()) + " (see '" + where + " --help')");
        return exit_usage;
    }

    try {
        // --now is checked first, so a bad value is reported even by commands that do not use the clock.
        const auto clock_now = resolve_now(now);
        if (decode->parsed()) return run_decode(dec, clock_now);
        if (verify->parsed()) return run_verify(ver, clock_now);
        if (sign->parsed()) return run_sign(sig, clock_now);
        if (keygen->parsed()) return is_jwe_alg(gen.alg) ? run_jwe_keygen(gen) : run_keygen(gen);
        if (encrypt->parsed()) return run_encrypt(enc);
        if (decrypt->parsed()) return run_decrypt(dcr);
        if (jwks->parsed()) {
            if (!set.http.jwks_url.empty() && !set.files.empty()) fail_usage("jwks takes key files or --url, not both");
            if (!set.http.jwks_url.empty()) return run_jwks_url(set);
            if (set.files.empty()) fail_usage("jwks needs key files (or --url URL)");
            return run_jwks(set);
        }
        if (thumbprint->parsed()) return run_thumbprint(thumb_file);
        if (dpop_proof->parsed()) return run_dpop_proof(dpp, clock_now);
        if (dpop_verify->parsed()) return run_dpop_verify(dpv, clock_now);
        return exit_usage;
    } catch (const failure& f) {
        print_error(f.code, f.message);
        return f.status;
    } catch (const std::exception& e) {
        print_error("internal", e.what());
        return exit_usage;
    }
}
