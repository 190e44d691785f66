// SPDX-License-Identifier: MIT
// `jot dpop proof` and `jot dpop verify`: DPoP proofs (RFC 9449) made and checked by hand.
#include <chrono>
#include <iostream>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include <jot/clock.hpp>
#include <jot/dpop.hpp>
#include <jot/private_key.hpp>

#include "cli.hpp"

namespace jot_cli {

int run_dpop_proof(const dpop_proof_args& a, std::chrono::system_clock::time_point now) {
    const jot::algorithm alg = parse_alg(a.alg);
    if (jot::family_of(alg) == jot::algorithm_family::hmac)
        fail_input(jot::errc::dpop_algorithm_not_allowed, "--alg: a DPoP proof is signed with a private key");
    const auto signer = load_signer(alg, a.key, {});
    const auto key = std::dynamic_pointer_cast<const jot::private_key>(signer);
    if (!key) fail_input(jot::errc::key_not_private, "--key " + a.key.path);
    jot::dpop::proof_options o;
    o.access_token = a.access_token;
    o.nonce = a.nonce;
    o.jti = a.jti;
    o.issued_at = now;
    auto proof = jot::dpop::make_proof(*key, a.method, a.url, o);
    if (!proof) fail_input(proof.error(), "--method/--url: an HTTP method and an absolute http(s) URL");
    std::cout << *proof << "\n";
    return exit_ok;
}

int run_dpop_verify(const dpop_verify_args& a, std::chrono::system_clock::time_point now) {
    jot::dpop::proof_policy policy;
    if (!a.algs.empty()) {
        policy.algorithms.clear();
        for (const auto& name : a.algs) policy.algorithms.push_back(parse_alg(name));
    }
    if (!a.max_age.empty()) policy.max_age = std::chrono::seconds(parse_duration_arg(a.max_age, 86400, "--max-age"));
    if (!a.nonce.empty()) {
        const std::string expected = a.nonce;
        policy.accept_nonce = [expected](std::string_view n) { return n == expected; };
    }
    const jot::dpop::basic_proof_verifier<jot::fixed_clock> verifier(std::move(policy), jot::fixed_clock{now});
    const std::string proof = read_token(a.proof);
    auto checked = verifier.verify(proof, jot::dpop::request{a.method, a.url, a.access_token, a.jkt});
    if (!checked) {
        if (checked.error() == jot::errc::invalid_argument)
            fail_input(checked.error(), "--method/--url: an HTTP method and an absolute http(s) URL");
        fail_token(checked.error());
    }
    nlohmann::json out = {{"alg", std::string(jot::to_string(checked->alg))},
                          {"jkt", checked->jkt},
                          {"jti", checked->jti},
                          {"htm", checked->htm},
                          {"htu", checked->htu},
                          {"iat", unix_seconds(checked->issued_at)}};
    if (!checked->nonce.empty()) out["nonce"] = checked->nonce;
    std::cout << terminal_safe(out.dump()) << "\n";
    return exit_ok;
}

} // namespace jot_cli
