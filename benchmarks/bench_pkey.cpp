// SPDX-License-Identifier: MIT
// RS256, PS256, ES256 and EdDSA in jot_bench: jot's private_key/public_key next to OpenSSL used at its best:
// a DigestSign/DigestVerify context initialised once and copied per call, ECDSA r||s <-> DER by ECDSA_SIG.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <jot/private_key.hpp>
#include <jot/public_key.hpp>

#include "bench_common.hpp"

namespace jot_bench {
namespace {

/// The asymmetric floor. EVP_DigestSignInit/EVP_DigestVerifyInit cost a provider lookup and a dozen
/// allocations per call; copying a context prepared once costs less, and FINALISE stops the final call
/// from duplicating the copy again.
class floor_pkey {
public:
    static constexpr std::size_t max_signature_size = 512;
    enum class kind { rsa_pkcs1, rsa_pss, ecdsa, eddsa };

    floor_pkey(EVP_PKEY* private_key, EVP_PKEY* public_key, kind k, std::size_t coordinate)
        : kind_(k), coordinate_(coordinate) {
        sign_ = prepare(private_key, true);
        verify_ = prepare(public_key, false);
        ERR_clear_error();
    }
    floor_pkey(const floor_pkey&) = delete;
    floor_pkey& operator=(const floor_pkey&) = delete;
    ~floor_pkey() {
        EVP_MD_CTX_free(sign_);
        EVP_MD_CTX_free(verify_);
    }
    bool ok() const { return sign_ && verify_; }

    std::size_t sign(std::string_view input, std::uint8_t* out) const {
        EVP_MD_CTX* ctx = copy(sign_);
        if (!ctx) return 0;
        const auto* in = reinterpret_cast<const unsigned char*>(input.data());
        std::size_t len = max_signature_size;
        std::size_t result = 0;
        if (kind_ == kind::ecdsa) {
            unsigned char der[160];
            len = sizeof der;
            if (EVP_DigestSign(ctx, der, &len, in, input.size()) == 1) {
                const unsigned char* p = der;
                ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(len));
                const BIGNUM *r = nullptr, *s = nullptr;
                if (sig) ECDSA_SIG_get0(sig, &r, &s);
                const int w = static_cast<int>(coordinate_);
                if (sig && BN_bn2binpad(r, out, w) == w && BN_bn2binpad(s, out + coordinate_, w) == w)
                    result = 2 * coordinate_;
                ECDSA_SIG_free(sig);
            }
        } else if (EVP_DigestSign(ctx, out, &len, in, input.size()) == 1) {
            result = len;
        }
        EVP_MD_CTX_free(ctx);
        return result;
    }

    bool verify(std::string_view input, const std::uint8_t* sig, std::size_t n) const {
        unsigned char der[160];
        const unsigned char* s = sig;
        std::size_t len = n;
        if (kind_ == kind::ecdsa) {
            if (n != 2 * coordinate_) return false;
            ECDSA_SIG* es = ECDSA_SIG_new();
            BIGNUM* r = BN_bin2bn(sig, static_cast<int>(coordinate_), nullptr);
            BIGNUM* ss = BN_bin2bn(sig + coordinate_, static_cast<int>(coordinate_), nullptr);
            unsigned char* p = der;
            const bool ok = es && r && ss && ECDSA_SIG_set0(es, r, ss) == 1;
            if (!ok) {
                BN_free(r);
                BN_free(ss);
            }
            const int dlen = ok ? i2d_ECDSA_SIG(es, &p) : -1;
            ECDSA_SIG_free(es);
            if (dlen <= 0) return false;
            s = der;
            len = static_cast<std::size_t>(dlen);
        }
        EVP_MD_CTX* ctx = copy(verify_);
        if (!ctx) return false;
        const bool ok = EVP_DigestVerify(ctx, s, len, reinterpret_cast<const unsigned char*>(input.data()),
                                         input.size()) == 1;
        EVP_MD_CTX_free(ctx);
        if (!ok) ERR_clear_error();
        return ok;
    }

private:
    EVP_MD_CTX* prepare(EVP_PKEY* pkey, bool for_signing) const {
        EVP_MD_CTX* ctx = EVP_MD_CTX_new();
        EVP_PKEY_CTX* pctx = nullptr;
        const char* md = kind_ == kind::eddsa ? nullptr : "SHA256";
        const int ok = for_signing ? EVP_DigestSignInit_ex(ctx, &pctx, md, nullptr, nullptr, pkey, nullptr)
                                   : EVP_DigestVerifyInit_ex(ctx, &pctx, md, nullptr, nullptr, pkey, nullptr);
        bool good = ctx && ok == 1;
        if (good && kind_ == kind::rsa_pss)
            good = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
                   EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1;
        if (!good) {
            EVP_MD_CTX_free(ctx);
            return nullptr;
        }
        return ctx;
    }

    static EVP_MD_CTX* copy(const EVP_MD_CTX* from) {
        EVP_MD_CTX* ctx = EVP_MD_CTX_new();
        if (!ctx || EVP_MD_CTX_copy_ex(ctx, from) != 1) {
            EVP_MD_CTX_free(ctx);
            return nullptr;
        }
        EVP_MD_CTX_set_flags(ctx, EVP_MD_CTX_FLAG_FINALISE);
        return ctx;
    }

    kind kind_;
    std::size_t coordinate_;
    EVP_MD_CTX* sign_ = nullptr;
    EVP_MD_CTX* verify_ = nullptr;
};

/// Registers jot and the floor for one asymmetric algorithm with the private key in `pem`.
void register_pkey(jot::algorithm alg, const std::string& pem, floor_pkey::kind kind, std::size_t coordinate,
                   algorithm_options opts) {
    const std::string name(jot::to_string(alg));
    auto priv = jot::private_key::from_pem(alg, pem);
    if (!check(priv.has_value(), name, "the private key could not be read")) return;
    auto pub = priv->public_key();
    if (!check(pub.has_value(), name, "the public key could not be made")) return;
    auto pub_pem = pub->to_pem();
    if (!check(pub_pem.has_value(), name, "the public key could not be written")) return;
    auto floor = std::make_shared<const floor_pkey>(priv->native_handle(), pub->native_handle(), kind, coordinate);
    if (!check(floor->ok(), name, "the floor's contexts could not be prepared")) return;
    opts.private_pem = pem;
    opts.public_pem = *pub_pem;
    register_algorithm<floor_pkey>(name, std::make_shared<const jot::private_key>(std::move(*priv)),
                                   std::make_shared<const jot::public_key>(std::move(*pub)), floor, opts);
}

/// A fresh key's PKCS#8 PEM; empty on failure.
std::string generate_pem(jot::algorithm alg) {
    auto k = jot::private_key::generate(alg);
    if (!k) return {};
    auto pem = k->to_pem();
    return pem ? *pem : std::string();
}

} // namespace

void register_rsa() {
    // One RSA-2048 key for RS256 and PS256 (keys are bound to one algorithm, so it is read twice).
    const std::string pem = generate_pem(jot::algorithm::rs256);
    if (!check(!pem.empty(), "RS256", "no RSA key could be generated")) return;
    algorithm_options rs;
    rs.deterministic = true;
    rs.cache = true;
    rs.peers = true;
    register_pkey(jot::algorithm::rs256, pem, floor_pkey::kind::rsa_pkcs1, 0, rs);
    register_pkey(jot::algorithm::ps256, pem, floor_pkey::kind::rsa_pss, 0, {});
}

void register_ecdsa() {
    const std::string pem = generate_pem(jot::algorithm::es256);
    if (!check(!pem.empty(), "ES256", "no P-256 key could be generated")) return;
    algorithm_options es;
    es.peers = true;
    register_pkey(jot::algorithm::es256, pem, floor_pkey::kind::ecdsa, 32, es);
}

void register_eddsa() {
    const std::string pem = generate_pem(jot::algorithm::eddsa);
    if (!check(!pem.empty(), "EdDSA", "no Ed25519 key could be generated")) return;
    algorithm_options ed;
    ed.deterministic = true;
    register_pkey(jot::algorithm::eddsa, pem, floor_pkey::kind::eddsa, 0, ed);
}

} // namespace jot_bench
