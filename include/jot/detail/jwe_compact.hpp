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
#include "header_registry.hpp"
#include "json_dom.hpp"
#include "json_write.hpp"
#include "json_get.hpp"
#include "jwe_crypto.hpp"
#include "jwe_keys.hpp"

namespace jot::detail {

/// The header parameters RFC 7516 §4.1 and RFC 7518 §4.6.1, §4.7.1, §4.8.1 register for JWE, with their JSON
/// types (the JWS ones come from header_registry.hpp). "p2c" is a number; every other one here a string,
/// except "epk" (an object). "zip" is refused whatever its type.
enum class jwe_member_type : unsigned char { string, object, number };
struct jwe_registered_member {
    std::string_view name;
    jwe_member_type type;
};
inline constexpr jwe_registered_member jwe_registered_members[] = {
    {"enc", jwe_member_type::string}, {"zip", jwe_member_type::string}, {"epk", jwe_member_type::object},
    {"apu", jwe_member_type::string}, {"apv", jwe_member_type::string}, {"iv", jwe_member_type::string},
    {"tag", jwe_member_type::string}, {"p2s", jwe_member_type::string}, {"p2c", jwe_member_type::number},
};

inline const jwe_registered_member* find_jwe_registered(std::string_view name) noexcept {
    for (const auto& m : jwe_registered_members)
        if (m.name == name) return &m;
    return nullptr;
}

/// Values a test injects in place of the random ones, to reproduce published vectors byte for byte
/// (RFC 7520 §5). Never used outside tests: a fixed CEK or IV destroys the security of AES-GCM.
struct jwe_fixed_randomness {
    bytes_view cek;
    bytes_view iv;
    bytes_view kw_iv;
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
    std::vector<std::uint8_t> ct(plaintext.size() + 16);
    std::size_t ct_len = plaintext.size();
    const bytes_view aad(out.data(), aad_len);
    if (e.gcm) {
        if (auto r = gcm_encrypt(cek.view(), bytes_view(iv, 12), aad, plaintext, ct.data(), tag); !r) return r.error();
    } else {
        auto n = cbc_hs_encrypt(cek.view(), bytes_view(iv, 16), aad, plaintext, ct.data(), tag);
        if (!n) return n.error();
        ct_len = *n;
    }
    out += '.';
    base64url::encode_append(bytes_view(encrypted_key.data(), encrypted_key.size()), out);
    out += '.';
    base64url::encode_append(bytes_view(iv, e.iv_octets), out);
    out += '.';
    base64url::encode_append(bytes_view(ct.data(), ct_len), out);
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

/// The string value of header member `name`, empty when absent (its type was checked already).
inline std::string_view header_string(const nlohmann::json& h, std::string_view name) {
    const nlohmann::json* v = find_member(h, name);
    return v && v->is_string() ? std::string_view(v->get_ref<const std::string&>()) : std::string_view();
}

/// The members of a JWE header the decryption reads, found in one pass (null when absent).
struct jwe_header_members {
    const nlohmann::json *alg = nullptr, *enc = nullptr, *kid = nullptr, *epk = nullptr, *apu = nullptr,
                         *apv = nullptr, *iv = nullptr, *tag = nullptr, *crit = nullptr;
    /// The string value of a member found (its type was checked), empty when absent.
    static std::string_view text(const nlohmann::json* v) {
        return v && v->is_string() ? std::string_view(v->get_ref<const std::string&>()) : std::string_view();
    }
};

/// Checks the protected header (RFC 7516 §5.2 steps 3-5) in one pass over its members: "alg" and "enc"
/// present, every registered member of its JSON type, "zip" refused, "crit" as RFC 7515 §4.1.11 asks (and then
/// refused: jot implements no extension). Errors: errc::header_missing_alg, errc::header_missing_enc,
/// errc::header_invalid_member, errc::zip_unsupported, errc::crit_invalid, errc::crit_unsupported.
inline result<jwe_header_members> check_jwe_header(const nlohmann::json& h) {
    jwe_header_members m;
    bool zip = false;
    for (auto it = h.begin(); it != h.end(); ++it) {
        const std::string& name = it.key();
        const nlohmann::json* v = &*it;
        if (name == "crit") {
            m.crit = v;
            continue;
        }
        if (name == "zip") zip = true;
        if (const auto* r = find_registered_header(name)) {
            if (!has_header_member_type(*v, r->type)) return errc::header_invalid_member;
            if (name == "alg") m.alg = v;
            else if (name == "kid") m.kid = v;
        } else if (const auto* j = find_jwe_registered(name)) {
            const bool ok = j->type == jwe_member_type::string   ? v->is_string()
                            : j->type == jwe_member_type::object ? v->is_object()
                                                                 : v->is_number_integer();
            if (!ok && name != "zip") return errc::header_invalid_member;
            const nlohmann::json** slot = name == "enc" ? &m.enc : name == "epk" ? &m.epk : name == "apu" ? &m.apu
                                        : name == "apv" ? &m.apv : name == "iv" ? &m.iv : name == "tag" ? &m.tag
                                                                                          : nullptr;
            if (slot) *slot = v;
        }
    }
    // A present "alg" or "enc" of the wrong type was refused in the loop, so null means absent here.
    if (!m.alg) return errc::header_missing_alg;
    if (!m.enc) return errc::header_missing_enc;
    // Compression before encryption leaks plaintext through lengths and invites decompression bombs.
    if (zip) return errc::zip_unsupported;
    if (m.crit) {
        if (!m.crit->is_array() || m.crit->empty()) return errc::crit_invalid;
        for (const auto& n : *m.crit) {
            if (!n.is_string()) return errc::crit_invalid;
            const std::string& s = n.get_ref<const std::string&>();
            if (is_registered_header_name(s) || find_jwe_registered(s) || !find_member(h, s))
                return errc::crit_invalid;
        }
        return errc::crit_unsupported;
    }
    return m;
}

/// What a successful decryption gives: the protected header and the plaintext.
struct jwe_decrypted {
    nlohmann::json header;
    std::string plaintext;
};

/// Decrypts and authenticates a compact JWE with `k` (RFC 7516 §5.2), accepting only the content encryptions
/// in `allowed`. Sizes are bounded by opts.max_token_size before anything is decoded. Every failure to
/// recover the CEK (RSA-OAEP, key unwrap, A*GCMKW tag, a CEK of the wrong length) is replaced by a random CEK
/// and reported by the content decryption as the same errc::decryption_failed (RFC 7516 §11.5).
/// Errors: see jwe_decrypter::decrypt.
inline result<jwe_decrypted> jwe_decrypt(const jwe_key_data& k, const std::vector<content_encryption>& allowed,
                                         std::string_view token, const decode_options& opts) {
    auto parts = split_jwe(token, opts);
    if (!parts) return parts.error();
    jwe_decrypted out;
    {
        // A typical header (an "epk" included) fits the stack buffer; a longer one is decoded to the heap.
        char small[1024];
        std::string big;
        char* buf = small;
        if (parts->header.size() % 4 != 1 && base64url::decoded_size(parts->header.size()) > sizeof small) {
            big.resize(base64url::decoded_size(parts->header.size()));
            buf = big.data();
        }
        auto n = base64url::decode_into(parts->header, reinterpret_cast<std::uint8_t*>(buf));
        if (!n) return n.error();
        auto h = parse_object<nlohmann::json>(std::string_view(buf, *n), opts.max_json_depth);
        if (!h) return h.error();
        out.header = std::move(*h);
    }
    const nlohmann::json& h = out.header;
    auto members = check_jwe_header(h);
    if (!members) return members.error();
    const jwe_header_members& m = *members;
    auto alg = key_management_from_string(m.text(m.alg));
    if (!alg) return alg.error();
    if (*alg != k.alg) return errc::algorithm_not_allowed;
    auto enc = content_encryption_from_string(m.text(m.enc));
    if (!enc) return enc.error();
    bool enc_ok = false;
    for (content_encryption a : allowed) enc_ok = enc_ok || a == *enc;
    const key_management_family fam = family_of(k.alg);
    if (!enc_ok || (fam == key_management_family::direct && *enc != k.dir_enc)) return errc::encryption_not_allowed;
    if (m.kid && !k.kid.empty() && m.text(m.kid) != k.kid) return errc::key_not_found;
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
        if (!n && n.error() != errc::decryption_failed) return n.error();
        if (n && *n == cek.size()) {
            std::memcpy(cek.data(), plain.data(), cek.size());
            recovered = true;
        }
        break;
    }
    case key_management_family::aes_kw: {
        wiped_buffer plain(encrypted_key.size());
        auto n = aes_unwrap(secret, encrypted_key.view(), plain.data());
        if (!n && n.error() != errc::decryption_failed) return n.error();
        if (n && *n == cek.size()) {
            std::memcpy(cek.data(), plain.data(), cek.size());
            recovered = true;
        }
        break;
    }
    case key_management_family::aes_gcm_kw: {
        std::uint8_t kw_iv[12], kw_tag[16];
        const std::string_view iv_b64 = m.text(m.iv), tag_b64 = m.text(m.tag);
        if (auto r = decode_exact(iv_b64, kw_iv, 12, errc::iv_length_invalid); !r) return r.error();
        if (auto r = decode_exact(tag_b64, kw_tag, 16, errc::tag_length_invalid); !r) return r.error();
        if (encrypted_key.size() == cek.size()) {
            auto r = gcm_decrypt(secret, bytes_view(kw_iv, 12), {}, encrypted_key.view(), bytes_view(kw_tag, 16),
                                 cek.data());
            if (!r && r.error() != errc::decryption_failed) return r.error();
            recovered = static_cast<bool>(r);
        }
        break;
    }
    case key_management_family::ecdh: {
        const nlohmann::json* epk_json = m.epk;
        if (!epk_json) return errc::ephemeral_key_invalid;
        // The ephemeral key must be a valid point of the recipient key's own curve: a point of another curve
        // or off the curve would let a sender learn the private key bit by bit (invalid-curve attack).
        auto epk = ecdh_pkey_from_jwk(*epk_json, jwk::part::public_key, k.curve);
        if (!epk) return epk.error() == errc::crypto_failure ? errc::crypto_failure : errc::ephemeral_key_invalid;
        auto z = ecdh_derive(k.pkey.get(), epk->get(), /*peer_checked=*/true); // EVP_PKEY_public_check above
        if (!z) return z.error();
        wiped_buffer apu, apv;
        if (auto r = decode_segment(m.text(m.apu), apu); !r) return r.error();
        if (auto r = decode_segment(m.text(m.apv), apv); !r) return r.error();
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
            if (!n && n.error() != errc::decryption_failed) return n.error();
            if (n && *n == cek.size()) {
                std::memcpy(cek.data(), plain.data(), cek.size());
                recovered = true;
            }
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
    return out;
}

} // namespace jot::detail
