// SPDX-License-Identifier: MIT
// `jot encrypt`, `jot decrypt` and `jot keygen` for JWE keys: compact JWE from the command line (docs/cli.md).
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <openssl/crypto.h>
#include <unistd.h>

#include <jot/base64url.hpp>
#include <jot/jwe.hpp>
#include <jot/jwe_key.hpp>

#include "cli.hpp"

namespace jot_cli {

namespace {

const std::vector<jot::content_encryption> every_enc = {
    jot::content_encryption::a128gcm,       jot::content_encryption::a192gcm,
    jot::content_encryption::a256gcm,       jot::content_encryption::a128cbc_hs256,
    jot::content_encryption::a192cbc_hs384, jot::content_encryption::a256cbc_hs512,
};

/// Wipes a string holding key material when it goes out of scope.
struct wipe_on_exit {
    std::string& s;
    ~wipe_on_exit() {
        if (!s.empty()) OPENSSL_cleanse(s.data(), s.size());
    }
};

jot::key_management parse_jwe_alg(const std::string& name) {
    auto a = jot::key_management_from_string(name);
    if (!a) fail_input(a.error(), "--alg " + name);
    return *a;
}

jot::content_encryption parse_enc(const std::string& name) {
    auto e = jot::content_encryption_from_string(name);
    if (!e) fail_input(e.error(), "--enc " + name);
    return *e;
}

bool is_symmetric(jot::key_management alg) {
    const auto f = jot::family_of(alg);
    return f == jot::key_management_family::aes_kw || f == jot::key_management_family::aes_gcm_kw ||
           f == jot::key_management_family::direct;
}

enum class file_kind { pem, jwk, raw };

/// PEM when the file starts with "-----BEGIN", a JWK when it is a JSON object with "kty" (as for the JWS
/// commands), raw octets otherwise. A random secret may start with '{' (one key in 256 that `keygen` writes):
/// judging by the first byte read such a key as a broken JWK, which made the JWE interop tests fail now and then.
file_kind kind_of(const std::string& bytes) {
    if (bytes.rfind("-----BEGIN", 0) == 0) return file_kind::pem;
    const nlohmann::json j = parse_json(bytes);
    if (j.is_object() && j.contains("kty")) return file_kind::jwk;
    return file_kind::raw;
}

/// The octets of a JWK's "k" (an "oct" key), for dir keys, which need the "enc" jot cannot read from a JWK.
std::string oct_secret(const std::string& jwk_text, const std::string& path) {
    const nlohmann::json jwk = parse_json(jwk_text);
    if (!jwk.is_object() || !jwk.contains("k") || !jwk["k"].is_string())
        fail_input(make_error_code(jot::errc::key_invalid), path + ": not an \"oct\" JWK with \"k\"");
    auto k = jot::base64url::decode<std::string>(jwk["k"].get<std::string>());
    if (!k) fail_input(make_error_code(jot::errc::key_invalid), path + ": \"k\"");
    return *k;
}

/// The decryption key of --key FILE for `alg` (and `enc`, for dir). Fails with exit 2.
jot::jwe_decryption_key load_decryption_key(jot::key_management alg, jot::content_encryption enc,
                                            const std::string& path) {
    std::string bytes = read_file(path, "key");
    wipe_on_exit wipe{bytes};
    const file_kind kind = kind_of(bytes);
    jot::result<jot::jwe_decryption_key> key = jot::errc::key_invalid;
    if (alg == jot::key_management::dir) {
        std::string secret = kind == file_kind::jwk ? oct_secret(bytes, path) : bytes;
        wipe_on_exit wipe_secret{secret};
        if (kind == file_kind::pem) fail_input(make_error_code(jot::errc::key_algorithm_mismatch), path);
        key = jot::jwe_decryption_key::direct(enc, jot::bytes_view(secret));
    } else if (kind == file_kind::pem) {
        key = jot::jwe_decryption_key::from_pem(alg, bytes);
    } else if (kind == file_kind::jwk) {
        key = jot::jwe_decryption_key::from_jwk(alg, bytes);
    } else if (is_symmetric(alg)) {
        key = jot::jwe_decryption_key::from_secret(alg, jot::bytes_view(bytes));
    }
    if (!key) fail_input(key.error(), path);
    return *key;
}

/// The encryption key of --key FILE: an SPKI PEM (or a private PEM, whose public half is used), a JWK, or raw
/// octets for dir and the key-wrap algorithms. Fails with exit 2.
jot::jwe_encryption_key load_encryption_key(jot::key_management alg, jot::content_encryption enc,
                                            const std::string& path) {
    std::string bytes = read_file(path, "key");
    wipe_on_exit wipe{bytes};
    const file_kind kind = kind_of(bytes);
    if (kind == file_kind::pem && bytes.find("PRIVATE KEY-----") != std::string::npos) {
        auto pub = load_decryption_key(alg, enc, path).encryption_key();
        if (!pub) fail_input(pub.error(), path);
        return *pub;
    }
    jot::result<jot::jwe_encryption_key> key = jot::errc::key_invalid;
    if (alg == jot::key_management::dir) {
        if (kind == file_kind::pem) fail_input(make_error_code(jot::errc::key_algorithm_mismatch), path);
        std::string secret = kind == file_kind::jwk ? oct_secret(bytes, path) : bytes;
        wipe_on_exit wipe_secret{secret};
        key = jot::jwe_encryption_key::direct(enc, jot::bytes_view(secret));
    } else if (kind == file_kind::pem) {
        key = jot::jwe_encryption_key::from_pem(alg, bytes);
    } else if (kind == file_kind::jwk) {
        key = jot::jwe_encryption_key::from_jwk(alg, bytes);
    } else if (is_symmetric(alg)) {
        key = jot::jwe_encryption_key::from_secret(alg, jot::bytes_view(bytes));
    }
    if (!key) fail_input(key.error(), path);
    return *key;
}

/// The token's protected header, read without decrypting (only to learn "alg"/"enc" the caller left out).
nlohmann::json peek_header(const std::string& token) {
    const auto dot = token.find('.');
    auto text = jot::base64url::decode<std::string>(std::string_view(token).substr(0, dot));
    if (dot == std::string::npos || !text) fail_token(make_error_code(jot::errc::jwe_not_compact));
    nlohmann::json h = parse_json(*text);
    if (!h.is_object()) fail_token(make_error_code(jot::errc::json_invalid));
    return h;
}

std::string header_name(const nlohmann::json& h, const char* member, jot::errc missing) {
    if (!h.contains(member)) fail_token(make_error_code(missing));
    if (!h[member].is_string()) fail_token(make_error_code(jot::errc::header_invalid_member));
    return h[member].get<std::string>();
}

} // namespace

jot::jwe_decrypter make_decrypter(const std::string& alg_name, const std::string& enc_name,
                                 const std::string& key_file, const std::string& token) {
    // Without --alg and --enc the token's own names are taken, but the key must still fit its "alg", and
    // without --enc every content encryption is allowed (dir keys: only the token's).
    std::optional<nlohmann::json> header;
    auto peek = [&]() -> const nlohmann::json& {
        if (!header) header = peek_header(token);
        return *header;
    };
    jot::key_management alg = jot::key_management::dir;
    if (!alg_name.empty()) {
        alg = parse_jwe_alg(alg_name);
    } else {
        // The token's own "alg" (a JWS's "RS256", say) is the token's fault: rejected, exit 1.
        auto a = jot::key_management_from_string(header_name(peek(), "alg", jot::errc::header_missing_alg));
        if (!a) fail_token(a.error());
        alg = *a;
    }
    std::vector<jot::content_encryption> allowed = every_enc;
    jot::content_encryption dir_enc = jot::content_encryption::a256gcm;
    if (!enc_name.empty()) {
        allowed = {parse_enc(enc_name)};
        dir_enc = allowed.front();
    } else if (alg == jot::key_management::dir) {
        auto e = jot::content_encryption_from_string(header_name(peek(), "enc", jot::errc::header_missing_enc));
        if (!e) fail_token(e.error());
        dir_enc = *e;
    }
    const jot::jwe_decryption_key key = load_decryption_key(alg, dir_enc, key_file);
    auto decrypter = jot::jwe_decrypter::create(key, allowed);
    if (!decrypter) fail_input(decrypter.error(), "--enc");
    return std::move(*decrypter);
}

bool is_jwe_alg(const std::string& name) { return static_cast<bool>(jot::key_management_from_string(name)); }

int run_encrypt(const encrypt_args& a) {
    const jot::key_management alg = parse_jwe_alg(a.alg);
    const jot::content_encryption enc = parse_enc(a.enc);
    const jot::jwe_encryption_key key = load_encryption_key(alg, enc, a.key);
    auto encrypter = jot::jwe_encrypter::create(key, enc);
    if (!encrypter) fail_input(encrypter.error(), "--enc " + a.enc);
    std::string plaintext = a.in.empty() ? read_stdin() : read_file(a.in, "plaintext");
    wipe_on_exit wipe{plaintext};
    jot::jwe_header_options options;
    options.content_type = a.cty;
    auto token = encrypter->encrypt(jot::bytes_view(plaintext), options);
    if (!token) fail_input(token.error(), "encrypt");
    std::cout << *token << "\n";
    return exit_ok;
}

int run_decrypt(const decrypt_args& a) {
    // The token: TOKEN, @FILE, or standard input ('-' or absent; one trailing LF or CRLF removed).
    const std::string token = read_token(a.token);
    const jot::jwe_decrypter decrypter = make_decrypter(a.alg, a.enc, a.key, token);
    auto content = decrypter.decrypt(token);
    if (!content) fail_token(content.error());
    const std::string_view plain = content->plaintext();
    std::cout.write(plain.data(), static_cast<std::streamsize>(plain.size()));
    std::cout.flush();
    return exit_ok;
}

int run_jwe_keygen(const keygen_args& a) {
    const jot::key_management alg = parse_jwe_alg(a.alg);
    if (a.out.empty()) fail_usage("--out PREFIX must not be empty");
    struct output {
        std::string path, bytes;
        bool secret;
    };
    std::vector<output> files;
    jot::result<jot::jwe_decryption_key> key = jot::errc::invalid_argument;
    if (alg == jot::key_management::dir) {
        if (a.enc.empty()) fail_usage("keygen --alg dir needs --enc (the content encryption the key serves)");
        key = jot::jwe_decryption_key::generate_direct(parse_enc(a.enc));
    } else {
        key = jot::jwe_decryption_key::generate(alg, {}, a.crv.empty() ? "P-256" : a.crv);
    }
    if (!key) fail_input(key.error(), "new " + a.alg + " key" + (a.crv.empty() ? "" : " on " + a.crv));
    if (is_symmetric(alg)) {
        const jot::bytes_view s = key->secret();
        nlohmann::json jwk = {{"kty", "oct"}, {"use", "enc"}, {"k", jot::base64url::encode(s)}};
        if (alg != jot::key_management::dir) jwk["alg"] = a.alg;
        files.push_back({a.out + ".secret.bin", std::string(s.as_chars()), true});
        files.push_back({a.out + ".secret.jwk.json", jwk.dump(2) + "\n", true});
        auto& k = jwk["k"].get_ref<std::string&>();
        OPENSSL_cleanse(k.data(), k.size());
    } else {
        files.push_back({a.out + ".private.pem", key->to_pem().value(), true});
        files.push_back({a.out + ".public.pem", key->public_pem().value(), false});
    }
    for (const output& f : files)
        if (!a.force && ::access(f.path.c_str(), F_OK) == 0)
            throw failure(exit_usage, "file_exists", f.path + " exists; pass --force to replace it");
    for (const output& f : files) write_file(f.path, f.bytes, f.secret, a.force);
    for (output& f : files) {
        if (f.secret) OPENSSL_cleanse(f.bytes.data(), f.bytes.size());
        std::cout << f.path << "\n";
    }
    return exit_ok;
}

} // namespace jot_cli
