// SPDX-License-Identifier: MIT
// Compact JWE (RFC 7516 §7.1): the encryption steps of §5.1 and the strict decryption steps of §5.2.
#pragma once

#include <climits>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "../base64url.hpp"
#include "../bytes.hpp"
#include "../error.hpp"
#include "../jwe_algorithm.hpp"
#include "../result.hpp"
#include "../token.hpp"
#include "json_dom.hpp"
#include "json_write.hpp"
#include "json_get.hpp"
#include "jwe_header.hpp"
#include "jwe_crypto.hpp"
#include "jwe_keys.hpp"

namespace jot::detail {

/// Values a test injects in place of the random ones, to reproduce published vectors byte for byte
/// (RFC 7520 §5). Never used outside tests: a fixed CEK or IV destroys the security of AES-GCM.
struct jwe_fixed_randomness {
    bytes_view cek;
    bytes_view iv;
    bytes_view kw_iv;
    bytes_view p2s;
    EVP_PKEY* ephemeral = nullptr;
};

/// A CEK (at most 64 octets, A256CBC-HS512) on the stack, wiped on every way out of the function.
class stack_cek {
public:
    explicit stack_cek(std::size_t n) noexcept : n_(n) {}
    stack_cek(const stack_cek&) = delete;
    stack_cek& operator=(const stack_cek&) = delete;
    ~stack_cek() { OPENSSL_cleanse(bytes_, sizeof bytes_); }
    std::uint8_t* data() noexcept { return bytes_; }
    std::size_t size() const noexcept { return n_; }
    bytes_view view() const noexcept { return {bytes_, n_}; }

    /// Takes the key a key-management step recovered into `plain` when `recovered_size` is this CEK's size,
    /// and sets `recovered`. A failed recovery (errc::decryption_failed) or a key of another size leaves the
    /// random CEK in place, so that the content decryption fails like a bad tag (RFC 7516 §11.5). Errors: the
    /// step's other errors.
    result<void> take(const result<std::size_t>& recovered_size, const std::uint8_t* plain, bool& recovered) noexcept {
        if (!recovered_size && recovered_size.error() != errc::decryption_failed) return recovered_size.error();
        if (recovered_size && *recovered_size == n_) {
            std::memcpy(bytes_, plain, n_);
            recovered = true;
        }
        return {};
    }

private:
    std::uint8_t bytes_[64] = {};
    std::size_t n_;
};

/// Longest plaintext encrypted, in octets: OpenSSL's EVP calls take int lengths.
inline constexpr std::size_t max_jwe_plaintext = static_cast<std::size_t>(INT_MAX) / 2;

/// Appends `"name":` and the JSON string `value`, escaped as the builder escapes (value already checked UTF-8).
inline void append_string_member(std::string& out, std::string_view name, std::string_view value) {
    out += '"';
    out += name;
    out += "\":";
    write_json_string(value, out);
}

/// Encrypts `plaintext` to the key (RFC 7516 §5.1) as a compact JWE. The protected header is written in the
/// order alg, kid, epk | tag, iv, enc, cty, typ (the order of RFC 7520's examples). Errors:
/// errc::key_algorithm_mismatch (a dir key bound to another "enc"), errc::invalid_argument (plaintext too
/// long, or cty/typ not valid UTF-8), errc::crypto_failure.
inline result<std::string> jwe_encrypt(const jwe_key_data& k, content_encryption enc, bytes_view plaintext,
                                       std::string_view cty, std::string_view typ,
                                       const jwe_fixed_randomness* fixed = nullptr) {
    const content_encryption_facts& e = jwe_facts(enc);
    const key_management_family fam = family_of(k.alg);
    if (fam == key_management_family::direct && k.dir_enc != enc) return errc::key_algorithm_mismatch;
    if (plaintext.size() > max_jwe_plaintext) return errc::invalid_argument;
    if (!is_valid_utf8(cty) || !is_valid_utf8(typ) || !is_valid_utf8(k.kid)) return errc::invalid_argument;

    // Step 2-6: the CEK and the JWE Encrypted Key.
    stack_cek cek(e.key_octets);
    std::vector<std::uint8_t> encrypted_key;
    std::string extra; // key management header members
    if (fam == key_management_family::direct) {
        std::memcpy(cek.data(), k.secret.data(), cek.size());
    } else if (fam != key_management_family::ecdh || k.alg != key_management::ecdh_es) {
        if (fixed && fixed->cek.size() == cek.size()) std::memcpy(cek.data(), fixed->cek.data(), cek.size());
        else if (auto r = random_bytes(cek.data(), cek.size()); !r) return r.error();
    }
    switch (fam) {
    case key_management_family::rsa_oaep: {
        encrypted_key.resize(static_cast<std::size_t>(EVP_PKEY_get_size(k.pkey.get())));
        auto n = rsa_oaep(k.pkey.get(), k.alg == key_management::rsa_oaep_256, false, cek.view(),
                          encrypted_key.data(), encrypted_key.size());
        if (!n) return n.error();
        encrypted_key.resize(*n);
        break;
    }
    case key_management_family::aes_kw:
        encrypted_key.resize(cek.size() + 8);
        if (auto r = aes_wrap(bytes_view(k.secret.data(), k.secret.size()), cek.view(), encrypted_key.data()); !r)
            return r.error();
        break;
    case key_management_family::aes_gcm_kw: {
        std::uint8_t iv[12], tag[16];
        if (fixed && fixed->kw_iv.size() == 12) std::memcpy(iv, fixed->kw_iv.data(), 12);
        else if (auto r = random_bytes(iv, 12); !r) return r.error();
        encrypted_key.resize(cek.size());
        if (auto r = gcm_encrypt(bytes_view(k.secret.data(), k.secret.size()), bytes_view(iv, 12), {}, cek.view(),
                                 encrypted_key.data(), tag);
            !r)
            return r.error();
        append_string_member(extra, "tag", base64url::encode(bytes_view(tag, 16)));
        extra += ',';
        append_string_member(extra, "iv", base64url::encode(bytes_view(iv, 12)));
        break;
    }
    case key_management_family::ecdh: {
        pkey_ptr own;
        EVP_PKEY* eph = fixed ? fixed->ephemeral : nullptr;
        if (!eph) {
            auto g = generate_ecdh_key(*k.curve);
            if (!g) return g.error();
            own = std::move(*g);
            eph = own.get();
        }
        auto z = ecdh_derive(eph, k.pkey.get(), /*peer_checked=*/true); // the recipient key, checked when made
        if (!z) return z.error() == errc::ephemeral_key_invalid ? errc::key_invalid : z.error();
        auto epk = epk_json(eph, *k.curve);
        if (!epk) return epk.error();
        extra += "\"epk\":";
        extra += *epk;
        if (k.alg == key_management::ecdh_es) {
            // RFC 7518 §4.6.2: AlgorithmID is the "enc" value when the agreed key is the CEK itself.
            if (auto r = concat_kdf(z->view(), e.name, {}, {}, cek.data(), cek.size()); !r) return r.error();
        } else {
            const std::size_t kek_len = jwe_facts(k.alg).kek_octets;
            wiped_buffer kek(kek_len);
            if (auto r = concat_kdf(z->view(), to_string(k.alg), {}, {}, kek.data(), kek_len); !r) return r.error();
            encrypted_key.resize(cek.size() + 8);
            if (auto r = aes_wrap(kek.view(), cek.view(), encrypted_key.data()); !r) return r.error();
        }
        break;
    }
    case key_management_family::pbes2: {
        // RFC 7518 §4.8.1.1: a fresh salt per token; 16 octets, twice the minimum.
        std::uint8_t p2s[16];
        bytes_view salt(p2s, sizeof p2s);
        if (fixed && fixed->p2s.size() >= pbes2_min_salt) salt = fixed->p2s;
        else if (auto r = random_bytes(p2s, sizeof p2s); !r) return r.error();
        const key_management_facts& f = jwe_facts(k.alg);
        wiped_buffer kek(f.kek_octets);
        if (auto r = pbes2_derive(bytes_view(k.secret.data(), k.secret.size()), f.name, salt, k.pbes2_count,
                                  f.prf_octets, kek.data(), kek.size());
            !r)
            return r.error();
        encrypted_key.resize(cek.size() + 8);
        if (auto r = aes_wrap(kek.view(), cek.view(), encrypted_key.data()); !r) return r.error();
        append_string_member(extra, "p2s", base64url::encode(salt));
        extra += ",\"p2c\":";
        extra += std::to_string(k.pbes2_count);
        break;
    }
    case key_management_family::direct: break;
    }

    // Step 11-13: the protected header; its base64url encoding is the AAD (§5.1 step 14).
    std::string header = "{";
    append_string_member(header, "alg", to_string(k.alg));
    if (!k.kid.empty()) {
        header += ',';
        append_string_member(header, "kid", k.kid);
    }
    if (!extra.empty()) {
        header += ',';
        header += extra;
    }
    header += ',';
    append_string_member(header, "enc", e.name);
    if (!cty.empty()) {
        header += ',';
        append_string_member(header, "cty", cty);
    }
    if (!typ.empty()) {
        header += ',';
        append_string_member(header, "typ", typ);
    }
    header += '}';

    std::uint8_t iv[16], tag[32];
    if (fixed && fixed->iv.size() == e.iv_octets) std::memcpy(iv, fixed->iv.data(), e.iv_octets);
    else if (auto r = random_bytes(iv, e.iv_octets); !r) return r.error();

    std::string out;
    out.reserve(base64url::encoded_size(header.size()) + base64url::encoded_size(encrypted_key.size()) +
                base64url::encoded_size(plaintext.size() + 16) + 64);
    base64url::encode_append(bytes_view(header.data(), header.size()), out);
    const std::size_t aad_len = out.size();
    // The ciphertext of a typical token fits the stack; only a longer one is put on the heap.
    std::uint8_t small_ct[1024];
    std::vector<std::uint8_t> big_ct;
    std::uint8_t* ct = small_ct;
    if (plaintext.size() + 16 > sizeof small_ct) {
        big_ct.resize(plaintext.size() + 16);
        ct = big_ct.data();
    }
    std::size_t ct_len = plaintext.size();
    const bytes_view aad(out.data(), aad_len);
    if (e.gcm) {
        if (auto r = gcm_encrypt(cek.view(), bytes_view(iv, 12), aad, plaintext, ct, tag); !r) return r.error();
    } else {
        auto n = cbc_hs_encrypt(cek.view(), bytes_view(iv, 16), aad, plaintext, ct, tag);
        if (!n) return n.error();
        ct_len = *n;
    }
    out += '.';
    base64url::encode_append(bytes_view(encrypted_key.data(), encrypted_key.size()), out);
    out += '.';
    base64url::encode_append(bytes_view(iv, e.iv_octets), out);
    out += '.';
    base64url::encode_append(bytes_view(ct, ct_len), out);
    out += '.';
    base64url::encode_append(bytes_view(tag, e.tag_octets), out);
    return out;
}

/// The five segments of a compact JWE, as views into the token (RFC 7516 §7.1).
struct jwe_parts {
    std::string_view header, encrypted_key, iv, ciphertext, tag;
};

/// Splits a compact JWE; stops at the fifth '.'. Errors: errc::token_too_large, errc::jwe_not_compact,
/// errc::empty_segment (empty header).
inline result<jwe_parts> split_jwe(std::string_view token, const decode_options& opts) noexcept {
    if (token.size() > opts.max_token_size) return errc::token_too_large;
    std::size_t dots[4];
    std::size_t from = 0;
    for (std::size_t i = 0; i < 4; ++i) {
        dots[i] = token.find('.', from);
        if (dots[i] == std::string_view::npos) return errc::jwe_not_compact;
        from = dots[i] + 1;
    }
    if (token.find('.', from) != std::string_view::npos) return errc::jwe_not_compact;
    jwe_parts p;
    p.header = token.substr(0, dots[0]);
    p.encrypted_key = token.substr(dots[0] + 1, dots[1] - dots[0] - 1);
    p.iv = token.substr(dots[1] + 1, dots[2] - dots[1] - 1);
    p.ciphertext = token.substr(dots[2] + 1, dots[3] - dots[2] - 1);
    p.tag = token.substr(dots[3] + 1);
    if (p.header.empty()) return errc::empty_segment;
    return p;
}

/// Decodes a base64url segment that must be exactly `size` octets into `out` (room for `size`). A segment too
/// long to be that is `wrong_length` without being decoded; otherwise base64url errors come first.
inline result<void> decode_exact(std::string_view b64, std::uint8_t* out, std::size_t size, errc wrong_length) {
    if (b64.empty() || b64.size() > base64url::encoded_size(size)) return wrong_length;
    std::uint8_t buf[64];
    auto n = base64url::decode_into(b64, buf, sizeof buf);
    if (!n) return n.error();
    if (*n != size) return wrong_length;
    std::memcpy(out, buf, size);
    return {};
}

/// Decodes a base64url segment of any length (already bounded by the token size) into `out`.
inline result<void> decode_segment(std::string_view b64, wiped_buffer& out) {
    if (b64.size() % 4 == 1) return base64url::decode_into(b64, nullptr).error();
    out.resize(base64url::decoded_size(b64.size()));
    auto n = base64url::decode_into(b64, out.data());
    if (!n) return n.error();
    return {};
}

/// What a successful decryption gives: the protected header's JSON text (decoded, strictly checked) with the
/// facts read from it, and the plaintext.
struct jwe_decrypted {
    std::string header;
    key_management alg = key_management::dir;
    content_encryption enc = content_encryption::a256gcm;
    std::string content_type, type;
    std::string plaintext;
};

/// Decrypts and authenticates a compact JWE with `k` (RFC 7516 §5.2), accepting only the content encryptions
/// in `allowed`. Sizes are bounded by opts.max_token_size before anything is decoded. The header is scanned,
/// not built into a DOM (only ECDH-ES reads one, for "epk"). Every failure to recover the CEK (RSA-OAEP, key
/// unwrap, A*GCMKW tag, a CEK of the wrong length) is replaced by a random CEK and reported by the content
/// decryption as the same errc::decryption_failed (RFC 7516 §11.5).
/// Errors: see jwe_decrypter::decrypt.
inline result<jwe_decrypted> jwe_decrypt(const jwe_key_data& k, const std::vector<content_encryption>& allowed,
                                         std::string_view token, const decode_options& opts) {
    auto parts = split_jwe(token, opts);
    if (!parts) return parts.error();
    jwe_decrypted out;
    // A typical header (an "epk" included) fits the stack buffer; a longer one is decoded to the heap.
    char small[1024];
    std::string big;
    char* buf = small;
    if (parts->header.size() % 4 != 1 && base64url::decoded_size(parts->header.size()) > sizeof small) {
        big.resize(base64url::decoded_size(parts->header.size()));
        buf = big.data();
    }
    auto header_len = base64url::decode_into(parts->header, reinterpret_cast<std::uint8_t*>(buf));
    if (!header_len) return header_len.error();
    const std::string_view header_text(buf, *header_len);
    json_scanner scanner(opts.max_json_depth);
    jwe_header_scan m;
    if (auto r = scan_jwe_header(header_text, scanner, m); !r) return r.error();
    auto alg = key_management_from_string(m.alg);
    if (!alg) return alg.error();
    const key_management_family fam = family_of(k.alg);
    // PBES2 is opt-in: only a key made from a password (with its bound on "p2c") knows it at all.
    if (family_of(*alg) == key_management_family::pbes2 && fam != key_management_family::pbes2)
        return errc::unsupported_algorithm;
    if (*alg != k.alg) return errc::algorithm_not_allowed;
    auto enc = content_encryption_from_string(m.enc);
    if (!enc) return enc.error();
    bool enc_ok = false;
    for (content_encryption a : allowed) enc_ok = enc_ok || a == *enc;
    if (!enc_ok || (fam == key_management_family::direct && *enc != k.dir_enc)) return errc::encryption_not_allowed;
    if (m.jws.kid == member_state::valid && !k.kid.empty() && m.jws.kid_value != k.kid) return errc::key_not_found;
    const content_encryption_facts& e = jwe_facts(*enc);

    // The other four segments, each strictly decoded before any cryptography.
    wiped_buffer encrypted_key;
    if (auto r = decode_segment(parts->encrypted_key, encrypted_key); !r) return r.error();
    const bool keyless = fam == key_management_family::direct || k.alg == key_management::ecdh_es;
    if (keyless != encrypted_key.empty()) return errc::encrypted_key_invalid;
    std::uint8_t iv[16], tag[32];
    if (auto r = decode_exact(parts->iv, iv, e.iv_octets, errc::iv_length_invalid); !r) return r.error();
    // The ciphertext is decoded into the result's own buffer and decrypted there, in place (EVP allows
    // out == in for GCM and CBC): one buffer, and no copy of the plaintext.
    if (parts->ciphertext.size() % 4 == 1) return base64url::decode_into(parts->ciphertext, nullptr).error();
    out.plaintext.resize(base64url::decoded_size(parts->ciphertext.size()));
    auto* const buffer = reinterpret_cast<std::uint8_t*>(out.plaintext.data());
    if (auto n = base64url::decode_into(parts->ciphertext, buffer); !n) return n.error();
    const bytes_view ciphertext(buffer, out.plaintext.size());
    if (auto r = decode_exact(parts->tag, tag, e.tag_octets, errc::tag_length_invalid); !r) return r.error();

    // Step 6-10: the CEK.
    stack_cek cek(e.key_octets);
    bool recovered = false;
    const bytes_view secret(k.secret.data(), k.secret.size());
    switch (fam) {
    case key_management_family::direct:
        std::memcpy(cek.data(), secret.data(), cek.size());
        recovered = true;
        break;
    case key_management_family::rsa_oaep: {
        wiped_buffer plain(static_cast<std::size_t>(EVP_PKEY_get_size(k.pkey.get())));
        auto n = rsa_oaep(k.pkey.get(), k.alg == key_management::rsa_oaep_256, true, encrypted_key.view(),
                          plain.data(), plain.size());
        if (auto r = cek.take(n, plain.data(), recovered); !r) return r.error();
        break;
    }
    case key_management_family::aes_kw: {
        wiped_buffer plain(encrypted_key.size());
        auto n = aes_unwrap(secret, encrypted_key.view(), plain.data());
        if (auto r = cek.take(n, plain.data(), recovered); !r) return r.error();
        break;
    }
    case key_management_family::aes_gcm_kw: {
        std::uint8_t kw_iv[12], kw_tag[16];
        if (auto r = decode_exact(m.iv, kw_iv, 12, errc::iv_length_invalid); !r) return r.error();
        if (auto r = decode_exact(m.tag, kw_tag, 16, errc::tag_length_invalid); !r) return r.error();
        if (encrypted_key.size() == cek.size()) {
            auto r = gcm_decrypt(secret, bytes_view(kw_iv, 12), {}, encrypted_key.view(), bytes_view(kw_tag, 16),
                                 cek.data());
            if (!r && r.error() != errc::decryption_failed) return r.error();
            recovered = static_cast<bool>(r);
        }
        break;
    }
    case key_management_family::pbes2: {
        // Bounded before any PBKDF2 work: "p2c" is the sender's choice of the recipient's CPU time.
        const std::uint64_t count = m.has_p2c ? m.p2c : 0;
        if (count < pbes2_min_count || count > k.pbes2_max_count) return errc::pbes2_count_out_of_range;
        wiped_buffer salt;
        if (!m.has_p2s) return errc::pbes2_salt_invalid;
        if (auto r = decode_segment(m.p2s, salt); !r) return r.error();
        if (salt.size() < pbes2_min_salt) return errc::pbes2_salt_invalid;
        const key_management_facts& f = jwe_facts(k.alg);
        wiped_buffer kek(f.kek_octets), plain(encrypted_key.size());
        if (auto r = pbes2_derive(secret, f.name, salt.view(), static_cast<std::uint32_t>(count), f.prf_octets,
                                  kek.data(), kek.size());
            !r)
            return r.error();
        auto n = aes_unwrap(kek.view(), encrypted_key.view(), plain.data());
        if (auto r = cek.take(n, plain.data(), recovered); !r) return r.error();
        break;
    }
    case key_management_family::ecdh: {
        if (!m.has_epk) return errc::ephemeral_key_invalid;
        // The one family that reads a header DOM: "epk" is a JWK. The scan accepted the text, so it parses.
        auto dom = parse_object<nlohmann::json>(header_text, opts.max_json_depth);
        if (!dom) return dom.error();
        const nlohmann::json* epk_json = find_member(*dom, "epk");
        if (!epk_json) return errc::ephemeral_key_invalid;
        // The ephemeral key must be a valid point of the recipient key's own curve: a point of another curve
        // or off the curve would let a sender learn the private key bit by bit (invalid-curve attack).
        auto epk = ecdh_pkey_from_jwk(*epk_json, jwk::part::public_key, k.curve);
        if (!epk) return epk.error() == errc::crypto_failure ? errc::crypto_failure : errc::ephemeral_key_invalid;
        auto z = ecdh_derive(k.pkey.get(), epk->get(), /*peer_checked=*/true); // ec_public_check above
        if (!z) return z.error();
        wiped_buffer apu, apv;
        if (auto r = decode_segment(m.apu, apu); !r) return r.error();
        if (auto r = decode_segment(m.apv, apv); !r) return r.error();
        if (k.alg == key_management::ecdh_es) {
            if (auto r = concat_kdf(z->view(), e.name, apu.view(), apv.view(), cek.data(), cek.size()); !r)
                return r.error();
            recovered = true;
        } else {
            const std::size_t kek_len = jwe_facts(k.alg).kek_octets;
            wiped_buffer kek(kek_len), plain(encrypted_key.size());
            if (auto r = concat_kdf(z->view(), to_string(k.alg), apu.view(), apv.view(), kek.data(), kek_len); !r)
                return r.error();
            auto n = aes_unwrap(kek.view(), encrypted_key.view(), plain.data());
            if (auto r = cek.take(n, plain.data(), recovered); !r) return r.error();
        }
        break;
    }
    }
    // RFC 7516 §11.5: a failed key decryption must not be told apart from a bad tag, so go on with a random
    // CEK; the content decryption below then fails like any forgery.
    if (!recovered)
        if (auto r = random_bytes(cek.data(), cek.size()); !r) return r.error();

    // Step 14-16: AAD = ASCII(BASE64URL(protected header)); decrypt and check the tag.
    const bytes_view aad(parts->header.data(), parts->header.size());
    // Decrypted in place; the primitives wipe the buffer when authentication fails.
    std::uint8_t* const plain = buffer;
    std::size_t plain_len = ciphertext.size();
    if (e.gcm) {
        if (auto r = gcm_decrypt(cek.view(), bytes_view(iv, 12), aad, ciphertext, bytes_view(tag, 16), plain); !r)
            return r.error();
    } else {
        auto n = cbc_hs_decrypt(cek.view(), bytes_view(iv, 16), aad, ciphertext, bytes_view(tag, e.tag_octets),
                                plain);
        if (!n) return n.error();
        plain_len = *n;
    }
    out.plaintext.resize(plain_len);
    if (!recovered) { // a 2^-128 chance that a random CEK authenticates
        OPENSSL_cleanse(out.plaintext.data(), out.plaintext.size());
        return errc::decryption_failed;
    }
    out.header.assign(header_text.data(), header_text.size());
    out.alg = *alg;
    out.enc = *enc;
    if (m.jws.cty == member_state::valid) out.content_type.assign(m.jws.cty_value.data(), m.jws.cty_value.size());
    if (m.jws.typ == member_state::valid) out.type.assign(m.jws.typ_value.data(), m.jws.typ_value.size());
    return out;
}

} // namespace jot::detail
