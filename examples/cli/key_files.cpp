// SPDX-License-Identifier: MIT
// Key files for the jot tool: --key guessing (PEM, JWK, raw secret), JWK Sets, and keygen, jwks, thumbprint.
#include <cstdint>
#include <iostream>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <unistd.h>

#include <jot/algorithm.hpp>
#include <jot/diagnostic.hpp>
#include <jot/jwk.hpp>
#include <jot/jwks.hpp>
#include <jot/hmac_key.hpp>
#include <jot/private_key.hpp>
#include <jot/public_key.hpp>

#include "cli.hpp"

namespace jot_cli {

namespace {

bool is_hmac(jot::algorithm a) { return jot::family_of(a) == jot::algorithm_family::hmac; }

/// A JSON object parsed from `text`, or nothing (a secret file may hold any bytes, so this is a question).
std::optional<nlohmann::json> json_object(const std::string& text) {
    nlohmann::json j = parse_json(text);
    if (!j.is_object()) return std::nullopt;
    return j;
}

/// Where the first PEM block begins: "-----BEGIN " at the start of a line, after nothing but blank lines and
/// comment lines (OpenSSL skips such text too); npos when the text is not PEM.
std::size_t pem_begin(const std::string& text) {
    std::size_t line = 0;
    while (line < text.size()) {
        if (text.compare(line, 11, "-----BEGIN ") == 0) return line;
        std::size_t next = text.find('\n', line);
        const std::string_view content =
            std::string_view(text).substr(line, next == std::string::npos ? std::string::npos : next - line);
        const std::size_t first = content.find_first_not_of(" \t\r");
        // A blank line, or a comment ('#', as ssh and many tools write them): skipped. Anything else: not PEM.
        if (first != std::string_view::npos && content[first] != '#') return std::string::npos;
        if (next == std::string::npos) break;
        line = next + 1;
    }
    return std::string::npos;
}

bool starts_with_pem(const std::string& text) { return pem_begin(text) != std::string::npos; }

/// The label of the first PEM block ("PUBLIC KEY", "EC PRIVATE KEY", "CERTIFICATE", ...).
std::string first_pem_label(const std::string& text) {
    const std::string begin = "-----BEGIN ";
    const std::size_t at = text.find(begin);
    if (at == std::string::npos) return {};
    const std::size_t end = text.find("-----", at + begin.size());
    if (end == std::string::npos) return {};
    return text.substr(at + begin.size(), end - at - begin.size());
}

bool is_private_pem(const std::string& text) {
    return first_pem_label(text).find("PRIVATE KEY") != std::string::npos;
}

/// PKCS#8 "ENCRYPTED PRIVATE KEY", or a traditional PEM with "Proc-Type: 4,ENCRYPTED".
bool is_encrypted_pem(const std::string& text) {
    return first_pem_label(text) == "ENCRYPTED PRIVATE KEY" || text.find("Proc-Type: 4,ENCRYPTED") != std::string::npos;
}

/// An OpenSSH key: the "OPENSSH PRIVATE KEY" PEM block, or a one-line public key ("ssh-ed25519 AAAA...").
bool is_openssh(const std::string& text, bool& is_private) {
    is_private = first_pem_label(text) == "OPENSSH PRIVATE KEY";
    if (is_private) return true;
    for (const char* prefix : {"ssh-rsa ", "ssh-ed25519 ", "ssh-ed448 ", "ecdsa-sha2-nistp"})
        if (text.rfind(prefix, 0) == 0) return true;
    return false;
}

/// Base64 or base64url, '=' padding optional, surrounding whitespace (a final newline) ignored; nothing when
/// any other byte is there.
std::optional<std::string> decode_any_base64(const std::string& text) {
    const std::size_t first = text.find_first_not_of(" \t\r\n");
    const std::size_t last = text.find_last_not_of(" \t\r\n");
    std::string_view s = first == std::string::npos ? std::string_view() : std::string_view(text).substr(first, last - first + 1);
    while (!s.empty() && s.back() == '=') s.remove_suffix(1);
    std::string out;
    std::uint32_t acc = 0;
    int bits = 0;
    for (char c : s) {
        int v = -1;
        if (c >= 'A' && c <= 'Z') v = c - 'A';
        else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
        else if (c >= '0' && c <= '9') v = c - '0' + 52;
        else if (c == '+' || c == '-') v = 62;
        else if (c == '/' || c == '_') v = 63;
        if (v < 0) return std::nullopt;
        acc = (acc << 6) | static_cast<std::uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((acc >> bits) & 0xFF);
        }
    }
    if (bits >= 6) return std::nullopt; // one character left over: no base64 text has that length
    return out;
}

/// A key file read and classified: how to read its bytes, decided by --key-format or by guessing.
struct key_file {
    std::string path;
    key_format format;
    std::string bytes;
    nlohmann::json jwk;     // when format == jwk
    std::string password;   // --password-file's first line
};

/// Reads --key FILE (or standard input for "-") and decides its format: PEM when a "-----BEGIN" line comes
/// first (after blank or comment lines), a JWK when it is a JSON object with "kty", DER when it starts with an
/// ASN.1 SEQUENCE and the algorithm is not HS*, else raw bytes. For HS*, a PEM file is refused unless
/// --key-format raw: a public key is public, and taking it for an HMAC secret is the classic
/// algorithm-confusion forgery (RFC 8725 §2.1). Files that are keys of another kind (a JWK Set, an OpenSSH
/// key, an encrypted key without --password-file) fail with a message saying what to do instead.
key_file read_key_file(jot::algorithm alg, const key_args& args) {
    const std::string& path = args.path;
    const std::string name = path == "-" ? "standard input (--key -)" : path;
    key_file k{path, parse_key_format(args.format), path == "-" ? read_stdin() : read_file(path, "key file"), {}, {}};
    if (!args.password_file.empty()) {
        k.password = read_file(args.password_file, "password file");
        // The first line, as `openssl ... -passin file:` reads it.
        const std::size_t nl = k.password.find_first_of("\r\n");
        if (nl != std::string::npos) k.password.resize(nl);
    }
    if (args.secret_base64) {
        if (!is_hmac(alg)) fail_usage("--secret-base64 is for HS256, HS384 and HS512 secrets only");
        if (k.format != key_format::guess && k.format != key_format::raw)
            fail_usage("--secret-base64 reads a base64 secret; it cannot be combined with --key-format " + args.format);
        auto secret = decode_any_base64(k.bytes);
        if (!secret)
            throw failure(exit_usage, errc_name(jot::errc::base64_invalid_character),
                          name + " is not base64 or base64url (--secret-base64)");
        OPENSSL_cleanse(k.bytes.data(), k.bytes.size());
        k.bytes = std::move(*secret);
        k.format = key_format::raw;
        return k;
    }
    bool ssh_private = false;
    if (!is_hmac(alg) && k.format != key_format::raw && is_openssh(k.bytes, ssh_private))
        throw failure(exit_usage, errc_name(jot::errc::key_invalid),
                      name + " is an OpenSSH " + (ssh_private ? "private" : "public") + " key, which jot does not read; "
                             "convert it to PEM with: " +
                          (ssh_private ? "cp " + path + " key.pem && ssh-keygen -p -N '' -m PKCS8 -f key.pem"
                                       : "ssh-keygen -e -m PKCS8 -f " + path + " > key.pub.pem"));
    if (k.format == key_format::guess) {
        std::optional<nlohmann::json> j = json_object(k.bytes);
        if (starts_with_pem(k.bytes)) {
            k.format = key_format::pem;
        } else if (j && j->contains("kty")) {
            k.format = key_format::jwk;
        } else if (j && j->contains("keys") && (*j)["keys"].is_array()) {
            // Also for HS*: a set of oct keys taken as one secret's bytes would only fail every signature.
            throw failure(exit_usage, errc_name(jot::errc::key_invalid),
                          name + " is a JWK Set (a \"keys\" array), not one key: pass it with --jwks " + path +
                              (is_hmac(alg) ? " (or --key-format raw if its bytes really are the secret)" : ""));
        } else if (!is_hmac(alg) && !k.bytes.empty() && k.bytes[0] == '\x30') {
            k.format = key_format::der; // an ASN.1 SEQUENCE: SubjectPublicKeyInfo, PKCS#8 or a certificate
        } else {
            k.format = key_format::raw;
        }
        if (is_hmac(alg) && k.format == key_format::pem)
            throw failure(exit_usage, errc_name(jot::errc::key_algorithm_mismatch),
                          name + " is a PEM key, not an HMAC secret; if its bytes really are the " +
                              std::string(jot::to_string(alg)) + " secret, pass --key-format raw");
        if (!is_hmac(alg) && k.format == key_format::raw)
            throw failure(exit_usage, errc_name(jot::errc::key_invalid),
                          name + " is neither PEM (-----BEGIN ...), DER nor a JWK (a JSON object with \"kty\"); raw "
                                 "key bytes are for HS256, HS384 and HS512 only");
    }
    switch (k.format) {
    case key_format::guess: break;
    case key_format::raw:
        if (!is_hmac(alg)) fail_usage("--key-format raw is for HS256, HS384 and HS512 secrets only");
        break;
    case key_format::pem:
    case key_format::der:
        if (is_hmac(alg))
            throw failure(exit_usage, errc_name(jot::errc::key_algorithm_mismatch),
                          std::string(jot::to_string(alg)) + " needs a secret (raw bytes or oct JWK), not a " +
                              (k.format == key_format::pem ? "PEM" : "DER") + " key");
        if (k.format == key_format::pem) {
            const std::size_t at = pem_begin(k.bytes);
            if (at != std::string::npos) k.bytes.erase(0, at); // leading blank or comment lines
            if (is_encrypted_pem(k.bytes) && k.password.empty())
                throw failure(exit_usage, errc_name(jot::errc::key_invalid),
                              name + " is an encrypted private key: pass its password with --password-file FILE");
        }
        break;
    case key_format::jwk: {
        auto j = json_object(k.bytes);
        if (!j) throw failure(exit_usage, errc_name(jot::errc::key_invalid), name + " is not a JSON object (a JWK)");
        k.jwk = std::move(*j);
        break;
    }
    }
    return k;
}

/// The HMAC key of a raw or JWK key file.
jot::hmac_key hmac_from_file(jot::algorithm alg, const key_file& k, const std::string& kid) {
    if (k.format == key_format::jwk) {
        nlohmann::json j = k.jwk;
        if (!kid.empty()) j["kid"] = kid;
        auto key = jot::hmac_key_from_jwk(j, alg);
        if (!key) fail_input(key.error(), "--key " + k.path);
        return std::move(*key);
    }
    // The file's bytes exactly: no newline is stripped, since a secret may end in any byte.
    auto key = jot::hmac_key::create(alg, k.bytes, kid);
    if (!key) fail_input(key.error(), "--key " + k.path + ", " + std::to_string(k.bytes.size()) + " bytes");
    return std::move(*key);
}

/// The private key of a PEM or DER key file.
jot::result<jot::private_key> private_from_file(jot::algorithm alg, const key_file& k, const std::string& kid) {
    if (k.format == key_format::der)
        return jot::private_key::from_der(
            alg, jot::bytes_view(reinterpret_cast<const unsigned char*>(k.bytes.data()), k.bytes.size()), kid,
            k.password);
    return jot::private_key::from_pem(alg, k.bytes, kid, k.password);
}

/// The public key of a PEM file: SPKI, PKCS#1 public, certificate, or the public half of a private key.
jot::result<jot::public_key> public_from_pem(jot::algorithm alg, const std::string& pem,
                                             const std::string& password = {}) {
    if (!is_private_pem(pem)) return jot::public_key::from_pem(alg, pem);
    auto priv = jot::private_key::from_pem(alg, pem, {}, password);
    if (!priv) return priv.error();
    return priv->public_key();
}

/// The public key of a DER file: SubjectPublicKeyInfo (or certificate), else the public half of a private key.
jot::result<jot::public_key> public_from_der(jot::algorithm alg, const key_file& k) {
    const jot::bytes_view der(reinterpret_cast<const unsigned char*>(k.bytes.data()), k.bytes.size());
    auto pub = jot::public_key::from_der(alg, der);
    if (pub || pub.error() == jot::errc::key_algorithm_mismatch || pub.error() == jot::errc::key_too_weak) return pub;
    auto priv = jot::private_key::from_der(alg, der, {}, k.password);
    if (!priv) return pub.error();
    return priv->public_key();
}

/// The "kid" keygen wrote next to the key file it made (PREFIX.private.pem → PREFIX.public.jwk.json,
/// PREFIX.secret.bin → PREFIX.secret.jwk.json), when that file is there and holds a JWK whose thumbprint is
/// `thumbprint` (keygen's kid is the RFC 7638 thumbprint); else empty.
std::string keygen_kid(const std::string& path, const std::string& thumbprint) {
    std::string sibling;
    for (auto [suffix, jwk_suffix] : {std::pair<const char*, const char*>{".private.pem", ".public.jwk.json"},
                                      std::pair<const char*, const char*>{".secret.bin", ".secret.jwk.json"}}) {
        const std::string s = suffix;
        if (path.size() > s.size() && path.compare(path.size() - s.size(), s.size(), s) == 0)
            sibling = path.substr(0, path.size() - s.size()) + jwk_suffix;
    }
    if (sibling.empty() || ::access(sibling.c_str(), R_OK) != 0) return {};
    auto j = json_object(read_file(sibling, "JWK"));
    if (!j || !j->contains("kid") || !(*j)["kid"].is_string()) return {};
    auto t = jot::jwk_thumbprint(*j);
    if (!t || *t != thumbprint || (*j)["kid"] != thumbprint) return {};
    return thumbprint;
}

/// For a PEM key refused for its type, curve or size: "; key: found EC P-384, expected EC P-256"; else "".
std::string pem_key_detail(jot::algorithm alg, const key_file& k) {
    if (k.format != key_format::pem) return {};
    const jot::diagnostic d = jot::diagnose_key_pem(alg, k.bytes);
    return d ? "; " + d.to_string() : std::string();
}

} // namespace

key_format parse_key_format(const std::string& text) {
    if (text.empty()) return key_format::guess;
    if (text == "raw") return key_format::raw;
    if (text == "pem") return key_format::pem;
    if (text == "der") return key_format::der;
    if (text == "jwk") return key_format::jwk;
    fail_usage("--key-format wants raw, pem, der or jwk, not '" + text + "'");
}

std::shared_ptr<const jot::verification_key> load_verification_key(jot::algorithm alg, const key_args& args,
                                                                   std::string& signature_hint) {
    const key_file k = read_key_file(alg, args);
    const std::string& path = args.path;
    if (is_hmac(alg)) {
        if (k.format == key_format::raw && !k.bytes.empty() && k.bytes.back() == '\n')
            signature_hint = "the key file ends in a newline, which is part of the secret; if an editor or echo added "
                             "it, write the secret without it (printf '%s' SECRET > FILE), or use --secret-base64";
        return std::make_shared<const jot::hmac_key>(hmac_from_file(alg, k, {}));
    }
    auto key = k.format == key_format::jwk   ? jot::public_key_from_jwk(k.jwk, alg)
               : k.format == key_format::der ? public_from_der(alg, k)
                                             : public_from_pem(alg, k.bytes, k.password);
    if (!key) fail_input(key.error(), "--key " + path + pem_key_detail(alg, k));
    return std::make_shared<const jot::public_key>(std::move(*key));
}

std::vector<std::shared_ptr<const jot::verification_key>> load_jwks(jot::algorithm alg, const std::string& path) {
    const std::string text = read_file(path, "JWK Set");
    jot::jwk_set_options options;
    // Only keys for the algorithm asked for: an RSA JWK without "alg" then serves RS256 alone, not PS256 too.
    options.allowed_algorithms = {alg};
    // A local file the user chose: allow a larger set than a fetched one (256 KiB by default).
    options.max_document_size = 1024 * 1024;
    auto set = jot::jwk_set::parse(text, options);
    if (!set) fail_input(set.error(), "--jwks " + path);
    if (set->empty()) {
        const std::error_code why = set->skipped().empty() ? make_error_code(jot::errc::no_keys)
                                                           : set->skipped().front().reason;
        throw failure(exit_usage, code_name(why),
                      "--jwks " + path + " has no key usable for " + std::string(jot::to_string(alg)) + " (" +
                          std::to_string(set->skipped().size()) + " skipped; first reason: " + why.message() + ")");
    }
    return {set->keys().begin(), set->keys().end()};
}

std::shared_ptr<const jot::signer> load_signer(jot::algorithm alg, const key_args& args, const std::string& kid) {
    const key_file k = read_key_file(alg, args);
    const std::string& path = args.path;
    if (is_hmac(alg)) {
        if (kid.empty() && k.format == key_format::raw) {
            auto plain = jot::hmac_key::create(alg, k.bytes);
            if (plain)
                if (auto jwk = jot::to_jwk(*plain))
                    if (auto t = jot::jwk_thumbprint(*jwk))
                        if (std::string found = keygen_kid(path, *t); !found.empty())
                            return std::make_shared<const jot::hmac_key>(hmac_from_file(alg, k, found));
        }
        return std::make_shared<const jot::hmac_key>(hmac_from_file(alg, k, kid));
    }
    jot::result<jot::private_key> key = jot::errc::key_invalid;
    if (k.format == key_format::jwk) {
        nlohmann::json j = k.jwk;
        if (!kid.empty()) j["kid"] = kid;
        key = jot::private_key_from_jwk(j, alg);
    } else {
        key = private_from_file(alg, k, kid);
        if (key && kid.empty())
            if (auto pub = key->public_key())
                if (auto t = jot::jwk_thumbprint(*pub))
                    if (std::string found = keygen_kid(path, *t); !found.empty()) key = private_from_file(alg, k, found);
    }
    if (!key) fail_input(key.error(), "--key " + path + pem_key_detail(alg, k));
    return std::make_shared<const jot::private_key>(std::move(*key));
}

namespace {

/// A public key from a PEM or JWK file, for jwks and thumbprint, which need no --alg: an EC or OKP key's
/// algorithm follows from its curve; an RSA key is bound to RS256 only to be read, and `alg_known` is false
/// so that no "alg" is published for it (it could be RS* or PS*).
struct file_public_key {
    jot::public_key key;
    bool alg_known;
};

file_public_key public_key_of_file(const std::string& path, std::optional<jot::algorithm> alg) {
    const std::string text = read_file(path, "key file");
    if (auto j = json_object(text); j && j->contains("kty")) {
        if ((*j)["kty"] == "oct")
            throw failure(exit_usage, errc_name(jot::errc::key_algorithm_mismatch),
                          path + " is a secret (oct) key; a JWK Set holds public keys only");
        auto key = jot::public_key_from_jwk(*j, alg);
        if (key) return {std::move(*key), true};
        if (!alg && key.error() == jot::errc::invalid_argument) { // RSA without "alg"
            auto rsa = jot::public_key_from_jwk(*j, jot::algorithm::rs256);
            if (rsa) return {std::move(*rsa), false};
            fail_input(rsa.error(), path);
        }
        fail_input(key.error(), path);
    }
    if (!starts_with_pem(text))
        throw failure(exit_usage, errc_name(jot::errc::key_invalid),
                      path + " is neither PEM (-----BEGIN ...) nor a JWK (a JSON object with \"kty\")");
    std::vector<jot::algorithm> candidates;
    if (alg) candidates = {*alg};
    else candidates = {jot::algorithm::es256, jot::algorithm::es384, jot::algorithm::es512, jot::algorithm::es256k,
                       jot::algorithm::eddsa, jot::algorithm::rs256};
    std::error_code first; // the most telling error: anything but "this is not that type of key"
    for (jot::algorithm a : candidates) {
        auto key = public_from_pem(a, text);
        if (key) return {std::move(*key), alg.has_value() || a != jot::algorithm::rs256};
        if (!first && key.error() != jot::errc::key_algorithm_mismatch) first = key.error();
    }
    fail_input(first ? first : make_error_code(jot::errc::key_algorithm_mismatch), path);
}

std::string pretty(const nlohmann::json& j) { return j.dump(2) + "\n"; }

} // namespace

int run_keygen(const keygen_args& a) {
    const jot::algorithm alg = parse_alg(a.alg);
    if (a.out.empty()) fail_usage("--out PREFIX must not be empty");
    struct output {
        std::string path;
        std::string bytes;
        bool secret;
    };
    std::vector<output> files;
    if (is_hmac(alg)) {
        // As many random bytes as the hash output: RFC 7518 §3.2's minimum, and all HMAC can use.
        std::string secret(jot::hash_size(alg), '\0');
        if (RAND_bytes(reinterpret_cast<unsigned char*>(secret.data()), static_cast<int>(secret.size())) != 1)
            fail_input(make_error_code(jot::errc::crypto_failure), "RAND_bytes");
        auto key = jot::hmac_key::create(alg, secret);
        if (!key) fail_input(key.error(), "new secret");
        nlohmann::json jwk = jot::to_jwk(*key).value();
        jwk["kid"] = jot::jwk_thumbprint(jwk).value();
        files.push_back({a.out + ".secret.bin", secret, true});
        files.push_back({a.out + ".secret.jwk.json", pretty(jwk), true});
        OPENSSL_cleanse(secret.data(), secret.size());
        auto& k = jwk["k"].get_ref<std::string&>();
        OPENSSL_cleanse(k.data(), k.size());
    } else {
        auto key = jot::private_key::generate(alg);
        if (!key) fail_input(key.error(), "new " + std::string(jot::to_string(alg)) + " key");
        const jot::public_key pub = key->public_key().value();
        nlohmann::json jwk = jot::to_jwk(pub).value();
        jwk["kid"] = jot::jwk_thumbprint(pub).value();
        files.push_back({a.out + ".private.pem", key->to_pem().value(), true});
        files.push_back({a.out + ".public.pem", pub.to_pem().value(), false});
        files.push_back({a.out + ".public.jwk.json", pretty(jwk), false});
    }
    // Check every name first, so a refusal leaves no half-written key pair behind.
    if (!a.force)
        for (const output& f : files)
            if (::access(f.path.c_str(), F_OK) == 0)
                throw failure(exit_usage, "file_exists", f.path + " exists; pass --force to replace it");
    for (const output& f : files) write_file(f.path, f.bytes, f.secret, a.force);
    for (output& f : files) {
        if (f.secret) OPENSSL_cleanse(f.bytes.data(), f.bytes.size());
        std::cout << f.path << "\n";
    }
    return exit_ok;
}

int run_jwks(const jwks_args& a) {
    std::optional<jot::algorithm> alg;
    if (!a.alg.empty()) alg = parse_alg(a.alg);
    if (alg && is_hmac(*alg)) fail_usage("a JWK Set holds public keys; --alg cannot be HS256, HS384 or HS512");
    nlohmann::json keys = nlohmann::json::array();
    std::set<std::string> seen;
    for (const std::string& path : a.files) {
        file_public_key k = public_key_of_file(path, alg);
        nlohmann::json jwk = jot::to_jwk(k.key).value();
        jwk["kid"] = jot::jwk_thumbprint(k.key).value();
        if (!k.alg_known) jwk.erase("alg");
        if (seen.insert(jwk.dump()).second) keys.push_back(std::move(jwk));
    }
    nlohmann::json set = nlohmann::json::object();
    set["keys"] = std::move(keys);
    std::cout << pretty(set);
    return exit_ok;
}

int run_thumbprint(const std::string& path) {
    const std::string text = read_file(path, "key file");
    if (auto j = json_object(text); j && j->contains("kty")) {
        // Any JWK, "oct" included: RFC 7638 §3.2 defines the members hashed for each key type.
        auto t = jot::jwk_thumbprint(*j);
        if (!t) fail_input(t.error(), path);
        std::cout << *t << "\n";
        return exit_ok;
    }
    const file_public_key k = public_key_of_file(path, std::nullopt);
    std::cout << jot::jwk_thumbprint(k.key).value() << "\n";
    return exit_ok;
}

} // namespace jot_cli
