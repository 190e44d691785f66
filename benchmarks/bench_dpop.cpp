// SPDX-License-Identifier: MIT
// The DPoP benchmark (RFC 9449): a resource server checking an ES256 access token and its DPoP proof, next to
// the floor of that work in raw OpenSSL: two ES256 signature checks, one RFC 7638 thumbprint, one SHA-256.
//   jot/DPoP-ES256/verify                 access token verify + cnf.jkt + proof verify (replay store: no-op)
//   jot/DPoP-ES256/verify-memory-store    the same with jot::memory_jti_store recording every proof's jti
//   floor/DPoP-ES256/verify               the floor, with both public keys already imported
//   floor/DPoP-ES256/verify-import-jwk    the floor plus importing the proof's JWK (x, y) into an EVP_PKEY
#include <chrono>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <jot/dpop.hpp>
#include <jot/jwk.hpp>
#include <jot/private_key.hpp>
#include <jot/verifier.hpp>

#include "bench_common.hpp"

namespace jot_bench {
namespace {

using namespace std::chrono_literals;

/// A replay store that never remembers: isolates the verification from the store (measured apart).
class accepting_store final : public jot::jti_store {
public:
    jot::result<void> revoke(std::string_view, std::string_view, time_point) override { return {}; }
    jot::result<bool> is_revoked(std::string_view, std::string_view) override { return false; }
    jot::result<bool> use_once(std::string_view, std::string_view, time_point) override { return true; }
};

/// An ES256 check in raw OpenSSL: r||s to DER, then EVP_DigestVerify on a copy of a context prepared once.
bool es256_verify(EVP_MD_CTX* prepared, std::string_view input, const std::uint8_t* sig, std::size_t n) {
    if (n != 64) return false;
    ECDSA_SIG* es = ECDSA_SIG_new();
    BIGNUM* r = BN_bin2bn(sig, 32, nullptr);
    BIGNUM* s = BN_bin2bn(sig + 32, 32, nullptr);
    const bool set = es && r && s && ECDSA_SIG_set0(es, r, s) == 1;
    if (!set) {
        BN_free(r);
        BN_free(s);
    }
    unsigned char der[80];
    unsigned char* p = der;
    const int dlen = set ? i2d_ECDSA_SIG(es, &p) : -1;
    ECDSA_SIG_free(es);
    if (dlen <= 0) return false;
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    bool ok = ctx && EVP_MD_CTX_copy_ex(ctx, prepared) == 1;
    if (ok) {
        EVP_MD_CTX_set_flags(ctx, EVP_MD_CTX_FLAG_FINALISE);
        ok = EVP_DigestVerify(ctx, der, static_cast<std::size_t>(dlen),
                              reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
    }
    EVP_MD_CTX_free(ctx);
    if (!ok) ERR_clear_error();
    return ok;
}

EVP_MD_CTX* prepare_verify(EVP_PKEY* key) {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    if (ctx && EVP_DigestVerifyInit_ex(ctx, nullptr, "SHA256", nullptr, nullptr, key, nullptr) == 1) return ctx;
    EVP_MD_CTX_free(ctx);
    return nullptr;
}

std::string sha256_b64(std::string_view text) {
    unsigned char md[32];
    unsigned int len = 0;
    if (EVP_Digest(text.data(), text.size(), md, &len, EVP_sha256(), nullptr) != 1) return {};
    return jot::base64url::encode(jot::bytes_view(md, len));
}

/// A P-256 public key from its JWK coordinates (x, y as base64url), as a floor would import a proof's "jwk".
EVP_PKEY* import_p256(std::string_view x, std::string_view y) {
    std::uint8_t point[65] = {0x04};
    auto nx = jot::base64url::decode_into(x, point + 1);
    auto ny = jot::base64url::decode_into(y, point + 33);
    if (!nx || !ny || *nx != 32 || *ny != 32) return nullptr;
    OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
    EVP_PKEY_CTX* pctx = EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr);
    EVP_PKEY* key = nullptr;
    OSSL_PARAM* params = nullptr;
    if (bld && pctx && OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) == 1 &&
        OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point, sizeof point) == 1 &&
        (params = OSSL_PARAM_BLD_to_param(bld)) != nullptr && EVP_PKEY_fromdata_init(pctx) == 1)
        EVP_PKEY_fromdata(pctx, &key, EVP_PKEY_PUBLIC_KEY, params);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    EVP_PKEY_CTX_free(pctx);
    return key;
}

/// What the floor knows before a request: the issuer's key prepared, the proof key's JWK members.
struct floor_fixture {
    EVP_MD_CTX* issuer = nullptr;  ///< the access token's key, prepared once
    EVP_MD_CTX* client = nullptr;  ///< the proof's key, prepared once (floor/verify)
    std::string x, y;              ///< the proof key's coordinates as the proof carries them
    std::string ath, jkt;          ///< the proof's ath and the token's cnf.jkt, as the floor reads them
};

/// Splits a compact JWS into its signing input and decoded signature.
bool split_sig(std::string_view token, std::string_view& input, std::uint8_t* sig, std::size_t& n) {
    const std::size_t dot = token.rfind('.');
    if (dot == std::string_view::npos) return false;
    input = token.substr(0, dot);
    const std::string_view s = token.substr(dot + 1);
    if (jot::base64url::decoded_size(s.size()) > 64) return false;
    auto got = jot::base64url::decode_into(s, sig);
    if (!got) return false;
    n = *got;
    return true;
}

/// The floor: two ES256 checks, the RFC 7638 thumbprint of the proof key, the SHA-256 of the access token.
bool floor_dpop(const floor_fixture& f, std::string_view access_token, std::string_view proof, bool import_jwk) {
    std::string_view input;
    std::uint8_t sig[64];
    std::size_t n = 0;
    if (!split_sig(access_token, input, sig, n) || !es256_verify(f.issuer, input, sig, n)) return false;
    if (!split_sig(proof, input, sig, n)) return false;
    bool ok = false;
    if (import_jwk) {
        EVP_PKEY* key = import_p256(f.x, f.y);
        EVP_MD_CTX* ctx = key ? prepare_verify(key) : nullptr;
        ok = ctx && es256_verify(ctx, input, sig, n);
        EVP_MD_CTX_free(ctx);
        EVP_PKEY_free(key);
    } else {
        ok = es256_verify(f.client, input, sig, n);
    }
    if (!ok) return false;
    std::string canonical = "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"";
    canonical.append(f.x).append("\",\"y\":\"").append(f.y).append("\"}");
    return sha256_b64(canonical) == f.jkt && sha256_b64(access_token) == f.ath;
}

} // namespace

void register_dpop() {
    const std::string alg = "DPoP-ES256";
    const typical_claims claims;
    auto issuer_key = jot::private_key::generate(jot::algorithm::es256, "issuer-1");
    auto client_key = jot::private_key::generate(jot::algorithm::es256);
    if (!check(issuer_key && client_key, alg, "the keys could not be made")) return;
    auto issuer_pub = issuer_key->public_key();
    auto client_pub = client_key->public_key();
    auto jkt = jot::jwk_thumbprint(*client_pub);
    if (!check(issuer_pub && client_pub && jkt, alg, "the public keys could not be read")) return;

    // The typical access token, bound to the client's key.
    auto access = typical_builder(claims).claim("cnf", {{"jkt", *jkt}}).sign(*issuer_key);
    auto verifier = make_verifier(std::make_shared<const jot::public_key>(*issuer_pub), claims);
    if (!check(access && verifier, alg, "the access token or its verifier could not be made")) return;
    const std::string method = "GET", uri = "https://api.example.com/orders/42";
    auto make_proof = [&](std::string jti) {
        jot::dpop::proof_options o;
        o.access_token = *access;
        o.issued_at = claims.verify_at();
        o.jti = std::move(jti);
        return jot::dpop::make_proof(*client_key, method, uri, o);
    };
    auto proof = make_proof("bench-proof");
    if (!check(proof.has_value(), alg, "the proof could not be made")) return;

    struct fixture {
        bench_verifier access_verifier;
        jot::dpop::basic_proof_verifier<jot::fixed_clock> proofs;
        std::string access, proof, method, uri;
        std::vector<std::string> pool;  ///< distinct proofs, for the store-backed row
        floor_fixture floor;
        ~fixture() {
            EVP_MD_CTX_free(floor.issuer);
            EVP_MD_CTX_free(floor.client);
        }
    };
    jot::dpop::proof_policy policy;
    policy.replay_store = std::make_shared<accepting_store>();
    auto fx = std::make_shared<fixture>(fixture{std::move(*verifier),
                                                jot::dpop::basic_proof_verifier<jot::fixed_clock>(
                                                    policy, jot::fixed_clock{claims.verify_at()}),
                                                *access, *proof, method, uri, {}, {}});
    auto jwk = jot::to_jwk(*client_pub);
    if (!check(jwk.has_value(), alg, "the client JWK could not be written")) return;
    fx->floor.issuer = prepare_verify(issuer_pub->native_handle());
    fx->floor.client = prepare_verify(client_pub->native_handle());
    fx->floor.x = (*jwk)["x"].get<std::string>();
    fx->floor.y = (*jwk)["y"].get<std::string>();
    fx->floor.jkt = *jkt;
    fx->floor.ath = jot::dpop::access_token_hash(*access).value_or("");
    constexpr std::size_t pool_size = 20000;
    for (std::size_t i = 0; i < pool_size; ++i) {
        auto p = make_proof("pool-" + std::to_string(i));
        if (!check(p.has_value(), alg, "a pooled proof could not be made")) return;
        fx->pool.push_back(std::move(*p));
    }

    auto jot_dpop = [](const fixture& f, const jot::dpop::basic_proof_verifier<jot::fixed_clock>& proofs,
                       const std::string& proof) {
        auto token = f.access_verifier.verify(f.access);
        if (!token) return false;
        auto checked = proofs.verify(proof, f.method, f.uri, f.access, *token);
        benchmark::DoNotOptimize(checked);
        return checked.has_value();
    };

    // Self-checks: both sides accept the real pair and refuse a forged proof signature.
    check(jot_dpop(*fx, fx->proofs, fx->proof), alg, "jot rejects the proof");
    check(floor_dpop(fx->floor, fx->access, fx->proof, false), alg, "the floor rejects the proof");
    check(floor_dpop(fx->floor, fx->access, fx->proof, true), alg, "the importing floor rejects the proof");
    std::string forged = fx->proof;
    forged[forged.size() - 2] = forged[forged.size() - 2] == 'A' ? 'B' : 'A';
    check(!jot_dpop(*fx, fx->proofs, forged), alg, "jot accepts a forged proof");
    check(!floor_dpop(fx->floor, fx->access, forged, false), alg, "the floor accepts a forged proof");
    {
        const jot::dpop::basic_proof_verifier<jot::fixed_clock> remembering({}, jot::fixed_clock{claims.verify_at()});
        check(jot_dpop(*fx, remembering, fx->proof) && !jot_dpop(*fx, remembering, fx->proof), alg,
              "jot's default store does not refuse a replay");
    }
    benchmark::AddCustomContext(alg + "_proof_bytes", std::to_string(fx->proof.size()));

    add("jot", alg, "verify", [fx, jot_dpop](benchmark::State& s) {
        run_counted(s, [&] { return jot_dpop(*fx, fx->proofs, fx->proof); });
    });
    // Every iteration a new proof recorded in a fresh in-memory store (one per run, so repetitions never replay).
    add("jot", alg, "verify-memory-store", [fx, jot_dpop](benchmark::State& s) {
        const jot::dpop::basic_proof_verifier<jot::fixed_clock> remembering(
            {}, jot::fixed_clock{typical_claims{}.verify_at()});
        std::size_t i = 0;
        run_counted(s, [&] { return jot_dpop(*fx, remembering, fx->pool[i++ % fx->pool.size()]); });
    })->Iterations(static_cast<benchmark::IterationCount>(pool_size));
    add("floor", alg, "verify", [fx](benchmark::State& s) {
        run_counted(s, [&] { return floor_dpop(fx->floor, fx->access, fx->proof, false); });
    });
    add("floor", alg, "verify-import-jwk", [fx](benchmark::State& s) {
        run_counted(s, [&] { return floor_dpop(fx->floor, fx->access, fx->proof, true); });
    });
}

} // namespace jot_bench
