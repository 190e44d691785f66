// SPDX-License-Identifier: MIT
// libjwt (Debian libjwt-dev) on the typical token: HS256, RS256 and ES256 through its public C API.
// Built only when CMake finds <jwt.h> and the library.
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <string>

#include <jwt.h>

#include "bench_common.hpp"

namespace jot_bench {
namespace {

jwt_alg_t alg_of(const std::string& name) {
    if (name == "HS256") return JWT_ALG_HS256;
    if (name == "RS256") return JWT_ALG_RS256;
    if (name == "ES256") return JWT_ALG_ES256;
    return JWT_ALG_INVAL;
}

/// The roles claim as JSON text, for jwt_add_grants_json (libjwt's way to add an array).
std::string roles_json(const typical_claims& c) { return nlohmann::json{{"roles", c.roles}}.dump(); }

/// Signs the typical claims; the caller frees the result with free(). nullptr on failure.
char* libjwt_sign(const peer_case& pc, const typical_claims& c, const std::string& roles) {
    const std::string& key = pc.secret.empty() ? pc.private_pem : pc.secret;
    jwt_t* jwt = nullptr;
    if (jwt_new(&jwt) != 0) return nullptr;
    char* out = nullptr;
    if (jwt_add_grant(jwt, "iss", c.issuer.c_str()) == 0 && jwt_add_grant(jwt, "sub", c.subject.c_str()) == 0 &&
        jwt_add_grant(jwt, "aud", c.audience.c_str()) == 0 &&
        jwt_add_grant_int(jwt, "iat", static_cast<long>(unix_seconds(c.issued_at))) == 0 &&
        jwt_add_grant_int(jwt, "exp", static_cast<long>(unix_seconds(c.expires_at))) == 0 &&
        jwt_add_grant(jwt, "scope", c.scope.c_str()) == 0 && jwt_add_grant(jwt, "tenant_id", c.tenant_id.c_str()) == 0 &&
        jwt_add_grants_json(jwt, roles.c_str()) == 0 &&
        jwt_set_alg(jwt, alg_of(pc.alg), reinterpret_cast<const unsigned char*>(key.data()),
                    static_cast<int>(key.size())) == 0)
        out = jwt_encode_str(jwt);
    jwt_free(jwt);
    return out;
}

/// Decodes and checks the signature (jwt_decode), then the checks libjwt 1.10 leaves to its caller: the
/// algorithm, iss, aud and exp at the benchmark's fixed time.
bool libjwt_verify(const peer_case& pc, const typical_claims& c, const std::string& token) {
    const std::string& key = pc.secret.empty() ? pc.public_pem : pc.secret;
    jwt_t* jwt = nullptr;
    if (jwt_decode(&jwt, token.c_str(), reinterpret_cast<const unsigned char*>(key.data()),
                   static_cast<int>(key.size())) != 0)
        return false;
    const char* iss = jwt_get_grant(jwt, "iss");
    const char* aud = jwt_get_grant(jwt, "aud");
    const long exp = jwt_get_grant_int(jwt, "exp");
    const bool ok = jwt_get_alg(jwt) == alg_of(pc.alg) && iss && c.issuer == iss && aud && c.audience == aud &&
                    exp > unix_seconds(c.verify_at());
    jwt_free(jwt);
    return ok;
}

} // namespace

void register_libjwt() {
    const typical_claims claims;
    const std::string roles = roles_json(claims);
    for (const peer_case& pc : peer_cases()) {
        char* own = libjwt_sign(pc, claims, roles);
        const bool ok = own && pc.verifier->verify(own) && libjwt_verify(pc, claims, pc.token);
        std::free(own);
        if (!ok) {
            std::fprintf(stderr, "jot_bench: libjwt/%s skipped: it does not interoperate on the typical token\n",
                         pc.alg.c_str());
            continue;
        }
        add("libjwt", pc.alg, "sign", [pc, claims, roles](benchmark::State& s) {
            run_counted(s, [&] {
                char* t = libjwt_sign(pc, claims, roles);
                benchmark::DoNotOptimize(t);
                std::free(t);
                return t != nullptr;
            });
        });
        add("libjwt", pc.alg, "verify", [pc, claims](benchmark::State& s) {
            run_counted(s, [&] { return libjwt_verify(pc, claims, pc.token); });
        });
    }
}

} // namespace jot_bench
