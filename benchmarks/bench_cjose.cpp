// SPDX-License-Identifier: MIT
// cjose (Debian libcjose-dev) on the typical 300-byte claim set: compact JWE encrypt and decrypt through its
// public C API, on the rows of bench_jwe.cpp it implements (dir+A256GCM, A256KW+A256GCM; cjose 0.6 has neither
// RSA-OAEP-256 nor ECDH-ES+A256KW). Built only when pkg-config finds cjose.
#include <cstdlib>
#include <memory>
#include <string>

#include <cjose/cjose.h>

#include "bench_common.hpp"

namespace jot_bench {
namespace {

struct cjose_key {
    cjose_jwk_t* jwk = nullptr;
    ~cjose_key() { cjose_jwk_release(jwk); }
};

/// One encryption with cjose; the compact JWE, or empty on failure.
std::string cjose_encrypt(const cjose_jwk_t* jwk, const char* alg, const std::string& plaintext) {
    cjose_err err;
    cjose_header_t* hdr = cjose_header_new(&err);
    std::string out;
    if (hdr && cjose_header_set(hdr, CJOSE_HDR_ALG, alg, &err) &&
        cjose_header_set(hdr, CJOSE_HDR_ENC, CJOSE_HDR_ENC_A256GCM, &err)) {
        cjose_jwe_t* jwe = cjose_jwe_encrypt(jwk, hdr, reinterpret_cast<const uint8_t*>(plaintext.data()),
                                             plaintext.size(), &err);
        if (jwe) {
            if (char* compact = cjose_jwe_export(jwe, &err)) {
                out = compact;
                cjose_get_dealloc()(compact);
            }
            cjose_jwe_release(jwe);
        }
    }
    cjose_header_release(hdr);
    return out;
}

/// One decryption with cjose: import (parse) and decrypt; the plaintext, or empty on failure.
std::string cjose_decrypt(const cjose_jwk_t* jwk, const std::string& token) {
    cjose_err err;
    std::string out;
    cjose_jwe_t* jwe = cjose_jwe_import(token.data(), token.size(), &err);
    if (!jwe) return out;
    size_t n = 0;
    if (uint8_t* plain = cjose_jwe_decrypt(jwe, jwk, &n, &err)) {
        out.assign(reinterpret_cast<const char*>(plain), n);
        cjose_get_dealloc()(plain);
    }
    cjose_jwe_release(jwe);
    return out;
}

} // namespace

std::string typical_plaintext();

void register_cjose() {
    const std::string plaintext = typical_plaintext();
    const std::string secret(32, '\x5a');
    for (const auto& [row, alg] : {std::pair<const char*, const char*>{"dir+A256GCM", CJOSE_HDR_ALG_DIR},
                                   {"A256KW+A256GCM", CJOSE_HDR_ALG_A256KW}}) {
        cjose_err err;
        auto key = std::make_shared<cjose_key>();
        key->jwk = cjose_jwk_create_oct_spec(reinterpret_cast<const uint8_t*>(secret.data()), secret.size(), &err);
        const std::string token = key->jwk ? cjose_encrypt(key->jwk, alg, plaintext) : std::string();
        if (!check(!token.empty() && cjose_decrypt(key->jwk, token) == plaintext, std::string("cjose ") + row,
                   "cjose does not open its own token"))
            continue;
        add("cjose", row, "encrypt", [key, alg = std::string(alg), plaintext](benchmark::State& s) {
            run_counted(s, [&] { return !cjose_encrypt(key->jwk, alg.c_str(), plaintext).empty(); });
        });
        add("cjose", row, "decrypt", [key, token](benchmark::State& s) {
            run_counted(s, [&] { return !cjose_decrypt(key->jwk, token).empty(); });
        });
    }
}

} // namespace jot_bench
