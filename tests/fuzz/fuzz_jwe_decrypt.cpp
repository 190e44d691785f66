// SPDX-License-Identifier: MIT
// Fuzzes compact JWE decryption (RFC 7516 §5.2): every input goes to decrypters of each key family, and what
// decrypts must re-encrypt and decrypt to the same plaintext, with a header the DOM parser reads as the scanner did.
//
// The seeds in corpus/jwe_decrypt/ are tokens made with these same fixed keys; to write them again:
//   g++ -std=c++17 -O1 -Iinclude -DJOT_FUZZ_WRITE_SEEDS tests/fuzz/fuzz_jwe_decrypt.cpp -lcrypto -o /tmp/seeds
//   /tmp/seeds tests/fuzz/corpus/jwe_decrypt
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include <openssl/evp.h>

#include <jot/jwe.hpp>
#include <jot/jwe_key.hpp>

namespace {

using jot::content_encryption;
using jot::key_management;

const std::vector<content_encryption> all_enc = {
    content_encryption::a128gcm,       content_encryption::a192gcm,       content_encryption::a256gcm,
    content_encryption::a128cbc_hs256, content_encryption::a192cbc_hs384, content_encryption::a256cbc_hs512,
};

jot::bytes_view octets(std::string_view s) { return jot::bytes_view(s); }

/// An X25519 key from fixed private octets, so a crash reproduces with the same key.
jot::jwe_decryption_key x25519_key() {
    std::uint8_t d[32];
    for (int i = 0; i < 32; ++i) d[i] = static_cast<std::uint8_t>(0x40 + i);
    jot::detail::pkey_ptr p(EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, nullptr, d, sizeof d));
    if (!p) std::abort();
    return jot::jwe_decryption_key::from_pkey(key_management::ecdh_es_a128kw, std::move(p)).value();
}

/// One decrypter per key family (PBES2 bounded at its minimum count, to keep each input cheap).
const std::vector<jot::jwe_decrypter>& decrypters() {
    static const std::vector<jot::jwe_decrypter> all = [] {
        const std::string k16(16, 'k'), k32(32, 'K');
        std::vector<jot::jwe_decryption_key> keys = {
            jot::jwe_decryption_key::direct(content_encryption::a128cbc_hs256, octets(k32)).value(),
            jot::jwe_decryption_key::direct(content_encryption::a256gcm, octets(k32)).value(),
            jot::jwe_decryption_key::from_secret(key_management::a128kw, octets(k16)).value(),
            jot::jwe_decryption_key::from_secret(key_management::a128gcmkw, octets(k16)).value(),
            jot::jwe_decryption_key::from_password(key_management::pbes2_hs256_a128kw, octets("fuzz"), {1000, 1000})
                .value(),
            x25519_key(),
        };
        std::vector<jot::jwe_decrypter> out;
        for (auto& k : keys) out.push_back(jot::jwe_decrypter::create(k, all_enc).value());
        return out;
    }();
    return all;
}

void check_one(const jot::jwe_decrypter& d, std::string_view token) {
    auto c = d.decrypt(token);
    if (!c) {
        if (c.error().category() != jot::error_category()) std::abort();
        return;
    }
    // The header the scanner accepted parses as a DOM (header() throws otherwise) and names the same algorithms.
    const nlohmann::json h = c->header();
    if (!h.is_object() || h.value("alg", std::string()) != jot::to_string(c->alg()) ||
        h.value("enc", std::string()) != jot::to_string(c->enc()) || c->alg() != d.key().alg())
        std::abort();
    // Round trip: what decrypted re-encrypts under the same key and decrypts to the same octets.
    const auto e = jot::jwe_encrypter::create(d.key().encryption_key().value(), c->enc()).value();
    jot::jwe_header_options o;
    o.content_type = std::string(c->content_type());
    o.type = std::string(c->type());
    const std::string again = e.encrypt(jot::bytes_view(c->plaintext()), o).value();
    auto back = d.decrypt(again);
    if (!back || back->plaintext() != c->plaintext() || back->content_type() != c->content_type()) std::abort();
}

} // namespace

#ifndef JOT_FUZZ_WRITE_SEEDS
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view token(reinterpret_cast<const char*>(data), size);
    for (const auto& d : decrypters()) check_one(d, token);
    return 0;
}
#else
#include <fstream>
int main(int argc, char** argv) {
    if (argc != 2) return 2;
    int n = 0;
    for (const auto& d : decrypters()) {
        const auto key = d.key().encryption_key().value();
        for (content_encryption enc : {content_encryption::a128gcm, content_encryption::a256cbc_hs512}) {
            auto e = jot::jwe_encrypter::create(key, enc);
            if (!e) continue; // a dir key serves one "enc"
            jot::jwe_header_options o;
            o.content_type = n % 2 ? "JWT" : "";
            auto t = e->encrypt(octets("{\"sub\":\"fuzz\",\"n\":" + std::to_string(n) + "}"), o);
            std::ofstream(std::string(argv[1]) + "/seed-" + std::to_string(n++)) << t.value();
        }
        check_one(d, "x.y.z.w.v"); // the seed writer runs the property checks once too
        if (d.key().alg() == key_management::dir) {
            auto e = jot::jwe_encrypter::create(key, d.key().direct_encryption()).value();
            std::ofstream(std::string(argv[1]) + "/seed-" + std::to_string(n++)) << e.encrypt(octets("")).value();
        }
    }
    return 0;
}
#endif
