// SPDX-License-Identifier: MIT
// JWE in jot_bench: jot's jwe_encrypter and jwe_decrypter next to a raw-OpenSSL floor doing the same steps
// (split, base64url, header JSON, key management, AES-256-GCM), on the typical 300-byte claim set. Rows:
// dir+A256GCM, A256KW+A256GCM, RSA-OAEP-256+A256GCM, ECDH-ES+A256KW+A256GCM (P-256), each /encrypt and /decrypt.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rand.h>

#include <jot/base64url.hpp>
#include <jot/jwe.hpp>
#include <jot/jwe_key.hpp>

#include "bench_common.hpp"

namespace jot_bench {

std::string typical_plaintext() {
    const typical_claims c;
    nlohmann::json p = nlohmann::json::object();
    p["iss"] = c.issuer;
    p["sub"] = c.subject;
    p["aud"] = c.audience;
    p["iat"] = unix_seconds(c.issued_at);
    p["exp"] = unix_seconds(c.expires_at);
    p["scope"] = c.scope;
    p["tenant_id"] = c.tenant_id;
    p["roles"] = c.roles;
    return p.dump();
}

namespace {

// ---------------------------------------------------------------------------------------------------------
// The floor: OpenSSL used directly, with ciphers fetched once and a cipher context kept per thread.

EVP_CIPHER* cipher(const char* name) {
    return EVP_CIPHER_fetch(nullptr, name, nullptr);
}

EVP_CIPHER_CTX* thread_ctx() {
    thread_local struct holder {
        EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
        ~holder() { EVP_CIPHER_CTX_free(ctx); }
    } h;
    return h.ctx;
}

bool gcm256(bool enc, const std::uint8_t* key, const std::uint8_t* iv, std::string_view aad, const std::uint8_t* in,
            std::size_t n, std::uint8_t* out, std::uint8_t* tag) {
    static EVP_CIPHER* const c = cipher("AES-256-GCM");
    EVP_CIPHER_CTX* ctx = thread_ctx();
    int len = 0;
    bool ok = EVP_CipherInit_ex2(ctx, c, key, iv, enc ? 1 : 0, nullptr) == 1 &&
              EVP_CipherUpdate(ctx, nullptr, &len, reinterpret_cast<const std::uint8_t*>(aad.data()),
                               static_cast<int>(aad.size())) == 1 &&
              EVP_CipherUpdate(ctx, out, &len, in, static_cast<int>(n)) == 1;
    if (ok && !enc) ok = EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, 16, tag) == 1;
    ok = ok && EVP_CipherFinal_ex(ctx, out + len, &len) == 1;
    if (ok && enc) ok = EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, tag) == 1;
    return ok;
}

bool aes256_wrap(bool wrap, const std::uint8_t* kek, const std::uint8_t* in, std::size_t n, std::uint8_t* out) {
    static EVP_CIPHER* const c = cipher("AES-256-WRAP");
    EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
    int a = 0, b = 0;
    const bool ok = ctx && EVP_CipherInit_ex2(ctx, c, kek, nullptr, wrap ? 1 : 0, nullptr) == 1 &&
                    EVP_CipherUpdate(ctx, out, &a, in, static_cast<int>(n)) == 1 &&
                    EVP_CipherFinal_ex(ctx, out + a, &b) == 1;
    EVP_CIPHER_CTX_free(ctx);
    return ok;
}

/// RFC 7518 §4.6.2 Concat KDF with SHA-256, one round (key data of 32 octets or less), no apu/apv.
void concat_kdf(const std::uint8_t* z, std::size_t zn, std::string_view alg, std::uint8_t* out, std::size_t n) {
    std::uint8_t buf[256];
    std::size_t at = 0;
    auto be32 = [&](std::uint32_t v) {
        for (int i = 3; i >= 0; --i) buf[at++] = static_cast<std::uint8_t>(v >> (8 * i));
    };
    be32(1);
    std::memcpy(buf + at, z, zn);
    at += zn;
    be32(static_cast<std::uint32_t>(alg.size()));
    std::memcpy(buf + at, alg.data(), alg.size());
    at += alg.size();
    be32(0);
    be32(0);
    be32(static_cast<std::uint32_t>(n * 8));
    std::uint8_t md[32];
    EVP_Digest(buf, at, md, nullptr, EVP_sha256(), nullptr);
    std::memcpy(out, md, n);
}

enum class floor_alg { dir, a256kw, rsa_oaep_256, ecdh_es_a256kw };

/// One JWE floor: the same token shape jot makes, built and opened with OpenSSL calls only.
class floor_jwe {
public:
    floor_jwe(floor_alg a, std::string secret, EVP_PKEY* pkey) : alg_(a), secret_(std::move(secret)), pkey_(pkey) {}

    std::string encrypt(std::string_view plaintext) const {
        std::uint8_t cek[32], iv[12], tag[16], ek[512];
        std::size_t ek_len = 0;
        std::string header = "{\"alg\":\"";
        header += name();
        header += "\"";
        if (alg_ == floor_alg::dir) {
            std::memcpy(cek, secret_.data(), 32);
        } else if (RAND_bytes(cek, 32) != 1) {
            return {};
        }
        if (alg_ == floor_alg::a256kw) {
            if (!aes256_wrap(true, reinterpret_cast<const std::uint8_t*>(secret_.data()), cek, 32, ek)) return {};
            ek_len = 40;
        } else if (alg_ == floor_alg::rsa_oaep_256) {
            EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_pkey(nullptr, pkey_, nullptr);
            ek_len = sizeof ek;
            const bool ok = ctx && EVP_PKEY_encrypt_init(ctx) == 1 &&
                            EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING) == 1 &&
                            EVP_PKEY_CTX_set_rsa_oaep_md(ctx, EVP_sha256()) == 1 &&
                            EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, EVP_sha256()) == 1 &&
                            EVP_PKEY_encrypt(ctx, ek, &ek_len, cek, 32) == 1;
            EVP_PKEY_CTX_free(ctx);
            if (!ok) return {};
        } else if (alg_ == floor_alg::ecdh_es_a256kw) {
            EVP_PKEY* eph = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
            EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_pkey(nullptr, eph, nullptr);
            std::uint8_t z[32], kek[32], point[65];
            std::size_t zn = sizeof z, pn = 0;
            // The recipient key was checked once, when loaded: no need to validate it on every token.
            bool ok = eph && ctx && EVP_PKEY_derive_init(ctx) == 1 && EVP_PKEY_derive_set_peer_ex(ctx, pkey_, 0) == 1 &&
                      EVP_PKEY_derive(ctx, z, &zn) == 1 &&
                      EVP_PKEY_get_octet_string_param(eph, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, point, sizeof point,
                                                      &pn) == 1;
            EVP_PKEY_CTX_free(ctx);
            EVP_PKEY_free(eph);
            if (!ok || pn != 65) return {};
            concat_kdf(z, zn, "ECDH-ES+A256KW", kek, 32);
            if (!aes256_wrap(true, kek, cek, 32, ek)) return {};
            ek_len = 40;
            header += ",\"epk\":{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"";
            jot::base64url::encode_append(jot::bytes_view(point + 1, 32), header);
            header += "\",\"y\":\"";
            jot::base64url::encode_append(jot::bytes_view(point + 33, 32), header);
            header += "\"}";
        }
        header += ",\"enc\":\"A256GCM\"}";
        if (RAND_bytes(iv, 12) != 1) return {};
        std::string out;
        out.reserve(1024);
        jot::base64url::encode_append(jot::bytes_view(header), out);
        const std::size_t aad = out.size();
        std::uint8_t ct[1024];
        if (plaintext.size() > sizeof ct ||
            !gcm256(true, cek, iv, std::string_view(out.data(), aad),
                    reinterpret_cast<const std::uint8_t*>(plaintext.data()), plaintext.size(), ct, tag))
            return {};
        out += '.';
        jot::base64url::encode_append(jot::bytes_view(ek, ek_len), out);
        out += '.';
        jot::base64url::encode_append(jot::bytes_view(iv, 12), out);
        out += '.';
        jot::base64url::encode_append(jot::bytes_view(ct, plaintext.size()), out);
        out += '.';
        jot::base64url::encode_append(jot::bytes_view(tag, 16), out);
        return out;
    }

    /// Split, decode, parse the header (for "epk"), recover the CEK, decrypt; the plaintext into `out`.
    bool decrypt(std::string_view token, std::string& out) const {
        std::size_t d[4], from = 0;
        for (auto& x : d) {
            x = token.find('.', from);
            if (x == std::string_view::npos) return false;
            from = x + 1;
        }
        const std::string_view h = token.substr(0, d[0]), ekb = token.substr(d[0] + 1, d[1] - d[0] - 1),
                               ivb = token.substr(d[1] + 1, d[2] - d[1] - 1),
                               ctb = token.substr(d[2] + 1, d[3] - d[2] - 1), tagb = token.substr(d[3] + 1);
        std::uint8_t hbuf[1024], ek[512], iv[16], tag[16], cek[32], ct[1024];
        auto hn = jot::base64url::decode_into(h, hbuf, sizeof hbuf);
        auto ekn = jot::base64url::decode_into(ekb, ek, sizeof ek);
        auto ivn = jot::base64url::decode_into(ivb, iv, sizeof iv);
        auto ctn = jot::base64url::decode_into(ctb, ct, sizeof ct);
        auto tagn = jot::base64url::decode_into(tagb, tag, sizeof tag);
        if (!hn || !ekn || !ivn || *ivn != 12 || !ctn || !tagn || *tagn != 16) return false;
        const auto header = nlohmann::json::parse(hbuf, hbuf + *hn, nullptr, false);
        if (!header.is_object()) return false;
        if (alg_ == floor_alg::dir) {
            std::memcpy(cek, secret_.data(), 32);
        } else if (alg_ == floor_alg::a256kw) {
            std::uint8_t plain[40];
            if (*ekn != 40 || !aes256_wrap(false, reinterpret_cast<const std::uint8_t*>(secret_.data()), ek, 40, plain))
                return false;
            std::memcpy(cek, plain, 32);
        } else if (alg_ == floor_alg::rsa_oaep_256) {
            EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_pkey(nullptr, pkey_, nullptr);
            std::uint8_t plain[512];
            std::size_t n = sizeof plain;
            const bool ok = ctx && EVP_PKEY_decrypt_init(ctx) == 1 &&
                            EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING) == 1 &&
                            EVP_PKEY_CTX_set_rsa_oaep_md(ctx, EVP_sha256()) == 1 &&
                            EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, EVP_sha256()) == 1 &&
                            EVP_PKEY_decrypt(ctx, plain, &n, ek, *ekn) == 1 && n == 32;
            EVP_PKEY_CTX_free(ctx);
            if (!ok) return false;
            std::memcpy(cek, plain, 32);
        } else {
            const auto& epk = header["epk"];
            std::uint8_t point[65] = {0x04};
            if (!epk.is_object() || !epk["x"].is_string() || !epk["y"].is_string()) return false;
            auto xn = jot::base64url::decode_into(epk["x"].get_ref<const std::string&>(), point + 1, 32);
            auto yn = jot::base64url::decode_into(epk["y"].get_ref<const std::string&>(), point + 33, 32);
            if (!xn || !yn || *xn != 32 || *yn != 32) return false;
            OSSL_PARAM params[] = {
                OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, const_cast<char*>("P-256"), 0),
                OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, point, 65), OSSL_PARAM_construct_end()};
            EVP_PKEY_CTX* fctx = EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr);
            EVP_PKEY* peer = nullptr;
            bool ok = fctx && EVP_PKEY_fromdata_init(fctx) == 1 &&
                      EVP_PKEY_fromdata(fctx, &peer, EVP_PKEY_PUBLIC_KEY, params) == 1;
            EVP_PKEY_CTX_free(fctx);
            // The invalid-curve check every ECDH-ES recipient must make: on P-256 (cofactor 1) a point on the
            // curve other than infinity is enough, the quick check jot makes too.
            EVP_PKEY_CTX* pctx = ok ? EVP_PKEY_CTX_new_from_pkey(nullptr, peer, nullptr) : nullptr;
            ok = ok && pctx && EVP_PKEY_public_check_quick(pctx) == 1;
            EVP_PKEY_CTX_free(pctx);
            EVP_PKEY_CTX* ctx = ok ? EVP_PKEY_CTX_new_from_pkey(nullptr, pkey_, nullptr) : nullptr;
            std::uint8_t z[32], kek[32], plain[40];
            std::size_t zn = sizeof z;
            ok = ok && ctx && EVP_PKEY_derive_init(ctx) == 1 && EVP_PKEY_derive_set_peer_ex(ctx, peer, 0) == 1 &&
                 EVP_PKEY_derive(ctx, z, &zn) == 1;
            EVP_PKEY_CTX_free(ctx);
            EVP_PKEY_free(peer);
            if (!ok) return false;
            concat_kdf(z, zn, "ECDH-ES+A256KW", kek, 32);
            if (*ekn != 40 || !aes256_wrap(false, kek, ek, 40, plain)) return false;
            std::memcpy(cek, plain, 32);
        }
        out.resize(*ctn);
        return gcm256(false, cek, iv, h, ct, *ctn, reinterpret_cast<std::uint8_t*>(out.data()), tag);
    }

private:
    const char* name() const {
        switch (alg_) {
        case floor_alg::dir: return "dir";
        case floor_alg::a256kw: return "A256KW";
        case floor_alg::rsa_oaep_256: return "RSA-OAEP-256";
        case floor_alg::ecdh_es_a256kw: return "ECDH-ES+A256KW";
        }
        return "";
    }
    floor_alg alg_;
    std::string secret_;
    EVP_PKEY* pkey_;
};

void register_pair(const char* row, floor_alg falg, const jot::jwe_decryption_key& key, const std::string& secret,
                   EVP_PKEY* pkey) {
    const std::string plaintext = typical_plaintext();
    auto enc = jot::jwe_encrypter::create(key.encryption_key().value(), jot::content_encryption::a256gcm);
    auto dec = jot::jwe_decrypter::create(key, {jot::content_encryption::a256gcm});
    if (!check(enc && dec, row, "the jot encrypter or decrypter could not be made")) return;
    auto floor = std::make_shared<const floor_jwe>(falg, secret, pkey);
    auto jenc = std::make_shared<const jot::jwe_encrypter>(std::move(*enc));
    auto jdec = std::make_shared<const jot::jwe_decrypter>(std::move(*dec));
    // Self-checks: each side opens the other's token, so both do the same work.
    const std::string mine = jenc->encrypt(jot::bytes_view(plaintext)).value_or(std::string());
    const std::string theirs = floor->encrypt(plaintext);
    std::string opened;
    const auto a = jdec->decrypt(theirs);
    if (!check(!mine.empty() && !theirs.empty() && a && a->plaintext() == plaintext &&
                   floor->decrypt(mine, opened) && opened == plaintext,
               row, "jot and the floor do not open each other's tokens"))
        return;
    add("jot", row, "encrypt", [jenc, plaintext](benchmark::State& s) {
        run_counted(s, [&] {
            auto t = jenc->encrypt(jot::bytes_view(plaintext));
            benchmark::DoNotOptimize(t);
            return t.has_value();
        });
    });
    add("floor", row, "encrypt", [floor, plaintext](benchmark::State& s) {
        run_counted(s, [&] {
            auto t = floor->encrypt(plaintext);
            benchmark::DoNotOptimize(t);
            return !t.empty();
        });
    });
    add("jot", row, "decrypt", [jdec, mine](benchmark::State& s) {
        run_counted(s, [&] {
            auto c = jdec->decrypt(mine);
            benchmark::DoNotOptimize(c);
            return c.has_value();
        });
    });
    add("floor", row, "decrypt", [floor, mine](benchmark::State& s) {
        std::string out;
        run_counted(s, [&] { return floor->decrypt(mine, out); });
    });
}

} // namespace

void register_jwe() {
    const std::string secret(32, '\x5a');
    register_pair("dir+A256GCM", floor_alg::dir,
                  jot::jwe_decryption_key::direct(jot::content_encryption::a256gcm, secret).value(), secret, nullptr);
    register_pair("A256KW+A256GCM", floor_alg::a256kw,
                  jot::jwe_decryption_key::from_secret(jot::key_management::a256kw, secret).value(), secret, nullptr);
    static const auto rsa = jot::jwe_decryption_key::generate(jot::key_management::rsa_oaep_256).value();
    register_pair("RSA-OAEP-256+A256GCM", floor_alg::rsa_oaep_256, rsa, {},
                  jot::detail::jwe_key_access::of(rsa).pkey.get());
    static const auto ec = jot::jwe_decryption_key::generate(jot::key_management::ecdh_es_a256kw).value();
    register_pair("ECDH-ES+A256KW+A256GCM", floor_alg::ecdh_es_a256kw, ec, {},
                  jot::detail::jwe_key_access::of(ec).pkey.get());
}

} // namespace jot_bench
