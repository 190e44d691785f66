// SPDX-License-Identifier: MIT
// cpp-jwt (Debian libcpp-jwt-dev) on the typical token: HS256, RS256 and ES256 through its public API.
// Built only when CMake finds <jwt/jwt.hpp>; its headers use deprecated OpenSSL calls, so this file is
// compiled without jot's -Werror and OPENSSL_NO_DEPRECATED.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <system_error>

#include <jwt/jwt.hpp>

#include "bench_common.hpp"

namespace jot_bench {
namespace {

/// cpp-jwt checks "exp" against the system clock; a leeway reaching back to the typical token's lifetime
/// lets it accept the same token the other implementations verify at a fixed time.
std::uint32_t leeway_for(const typical_claims& c) {
    const auto now = std::chrono::system_clock::now();
    return static_cast<std::uint32_t>(unix_seconds(now) - unix_seconds(c.expires_at) + 86400);
}

std::string cpp_jwt_sign(const peer_case& pc, const typical_claims& c, std::error_code& ec) {
    using namespace jwt::params;
    const std::string& key = pc.secret.empty() ? pc.private_pem : pc.secret;
    jwt::jwt_object obj{algorithm(pc.alg), secret(key)};
    obj.add_claim("iss", c.issuer)
        .add_claim("sub", c.subject)
        .add_claim("aud", c.audience)
        .add_claim("iat", unix_seconds(c.issued_at))
        .add_claim("exp", unix_seconds(c.expires_at))
        .add_claim("scope", c.scope)
        .add_claim("tenant_id", c.tenant_id)
        .add_claim("roles", c.roles);
    return obj.signature(ec);
}

bool cpp_jwt_verify(const peer_case& pc, const typical_claims& c, std::uint32_t slack) {
    using namespace jwt::params;
    const std::string& key = pc.secret.empty() ? pc.public_pem : pc.secret;
    std::error_code ec;
    auto obj = jwt::decode(pc.token, algorithms({pc.alg}), ec, secret(key), issuer(c.issuer), aud(c.audience),
                           leeway(slack), verify(true));
    benchmark::DoNotOptimize(obj);
    return !ec;
}

} // namespace

void register_cpp_jwt() {
    const typical_claims claims;
    const std::uint32_t slack = leeway_for(claims);
    for (const peer_case& pc : peer_cases()) {
        std::error_code ec;
        std::string own;
        try {
            own = cpp_jwt_sign(pc, claims, ec);
        } catch (const std::exception&) {
            ec = std::make_error_code(std::errc::invalid_argument);
        }
        if (ec || !pc.verifier->verify(own) || !cpp_jwt_verify(pc, claims, slack)) {
            std::fprintf(stderr, "jot_bench: cpp-jwt/%s skipped: it does not interoperate on the typical token\n",
                         pc.alg.c_str());
            continue;
        }
        add("cpp-jwt", pc.alg, "sign", [pc, claims](benchmark::State& s) {
            run_counted(s, [&] {
                std::error_code e;
                auto t = cpp_jwt_sign(pc, claims, e);
                benchmark::DoNotOptimize(t);
                return !e;
            });
        });
        add("cpp-jwt", pc.alg, "verify", [pc, claims, slack](benchmark::State& s) {
            run_counted(s, [&] { return cpp_jwt_verify(pc, claims, slack); });
        });
    }
}

} // namespace jot_bench
