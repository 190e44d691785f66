// SPDX-License-Identifier: MIT
// The jot tool's token commands: decode (unverified, for people), verify (for scripts), sign.
#include <chrono>
#include <cstdint>
#include <iostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>
#include <openssl/rand.h>

#include <jot/base64url.hpp>
#include <jot/builder.hpp>
#include <jot/clock.hpp>
#include <jot/dangerous.hpp>
#include <jot/verifier.hpp>

#include "cli.hpp"

namespace jot_cli {

namespace {

/// ANSI styles, or empty strings when colour is off.
struct palette {
    explicit palette(bool on)
        : warn(on ? "\033[1;31m" : ""), title(on ? "\033[1m" : ""), good(on ? "\033[32m" : ""),
          bad(on ? "\033[31m" : ""), reset(on ? "\033[0m" : "") {}
    const char* warn;
    const char* title;
    const char* good;
    const char* bad;
    const char* reset;
};

/// One line about a NumericDate claim: the UTC date and how far it is from now.
void print_date(const jot::claims& claims, std::string_view name, std::chrono::system_clock::time_point now,
                const palette& p) {
    if (!claims.contains(name)) return;
    std::cout << "  " << name << "  ";
    auto date = claims.get<jot::numeric_date>(name);
    if (!date) {
        std::cout << p.bad << "not a NumericDate (" << code_name(date.error()) << ")" << p.reset << "\n";
        return;
    }
    std::cout << format_utc(unix_seconds(*date)) << "  ";
    // Compared as the verifier compares (a NumericDate may have a fraction), shown in whole seconds.
    const auto delta = std::chrono::duration_cast<std::chrono::microseconds>(*date - now);
    const std::int64_t seconds = std::chrono::duration_cast<std::chrono::seconds>(delta).count();
    const bool ahead = delta.count() > 0;
    if (name == "exp") {
        // Expired once now >= exp (RFC 7519 §4.1.4).
        if (ahead) std::cout << p.good << "expires in " << format_duration(seconds);
        else std::cout << p.bad << "expired " << format_duration(-seconds) << " ago";
    } else if (name == "nbf") {
        if (ahead) std::cout << p.bad << "not valid for another " << format_duration(seconds);
        else std::cout << p.good << "valid since " << format_duration(-seconds) << " ago";
    } else {
        if (ahead) std::cout << p.bad << "issued " << format_duration(seconds) << " in the future";
        else std::cout << "issued " << format_duration(-seconds) << " ago";
    }
    std::cout << p.reset << "\n";
}

/// --claim k=VALUE: VALUE as JSON when it parses as JSON, else as the string itself.
std::pair<std::string, nlohmann::json> parse_claim_arg(const std::string& arg) {
    const std::size_t eq = arg.find('=');
    if (eq == std::string::npos || eq == 0) fail_usage("--claim wants NAME=VALUE, not '" + arg + "'");
    std::string value = arg.substr(eq + 1);
    nlohmann::json v = parse_json(value);
    if (v.is_discarded()) v = std::move(value);
    return {arg.substr(0, eq), std::move(v)};
}

/// --claims @file.json or - (stdin): a JSON object whose members become claims.
nlohmann::json read_claims_object(const std::string& arg) {
    std::string text;
    if (arg == "-") text = read_stdin();
    else if (arg.size() > 1 && arg[0] == '@') text = read_file(arg.substr(1), "claims file");
    else fail_usage("--claims wants @FILE or - (standard input), not '" + arg + "'");
    nlohmann::json j = parse_json(text);
    if (j.is_discarded())
        throw failure(exit_usage, errc_name(jot::errc::json_invalid), "--claims " + arg + " is not JSON");
    if (!j.is_object())
        throw failure(exit_usage, errc_name(jot::errc::json_not_object), "--claims " + arg + " is not a JSON object");
    return j;
}

using seconds_point = std::chrono::time_point<std::chrono::system_clock, std::chrono::seconds>;

} // namespace

int run_decode(const decode_args& a, std::chrono::system_clock::time_point now) {
    const std::string token = read_token(a.token);
    auto t = jot::dangerous::decode_unverified(token);
    if (!t) fail_token(t.error());
    if (a.json) {
        nlohmann::json out = nlohmann::json::object();
        out["header"] = t->header.json();
        out["payload"] = t->claims.json();
        out["verified"] = false;
        std::cout << out.dump() << "\n";
        return exit_ok;
    }
    const palette p(stdout_wants_colour());
    std::cout << p.warn << "UNVERIFIED" << p.reset
              << " token: its signature and claims have not been checked; do not trust what follows\n";
    std::cout << p.title << "Header:" << p.reset << "\n" << terminal_safe(t->header.json().dump(2)) << "\n";
    std::cout << p.title << "Payload:" << p.reset << "\n" << terminal_safe(t->claims.json().dump(2)) << "\n";
    std::cout << p.title << "Signature:" << p.reset << " " << t->signature.size() << " bytes, not checked\n";
    if (t->claims.contains("iat") || t->claims.contains("nbf") || t->claims.contains("exp")) {
        std::cout << p.title << "Dates (UTC, now " << format_utc(unix_seconds(now)) << "):" << p.reset << "\n";
        for (std::string_view name : {"iat", "nbf", "exp"}) print_date(t->claims, name, now, p);
    }
    return exit_ok;
}

int run_verify(const verify_args& a, std::chrono::system_clock::time_point now) {
    if (a.payload == "-" && (!a.token || *a.token == "-"))
        fail_usage("--payload - reads standard input, so the token must be an argument");
    // A general JWS (detached content, unencoded payload, JSON form) is told apart before the JWT path.
    const bool token_given = a.token && *a.token != "-";
    if (!a.payload.empty() || a.allow_unencoded || a.any_signature ||
        (token_given && is_jws_verify(a, *a.token))) {
        const std::string token = read_token(a.token);
        return run_verify_jws(a, token);
    }
    const jot::algorithm alg = parse_alg(a.alg);
    std::chrono::seconds leeway{0};
    if (!a.leeway.empty()) {
        std::int64_t s = 0;
        bool digits = a.leeway.size() <= 12;
        for (char c : a.leeway) digits = digits && c >= '0' && c <= '9';
        if (!digits) fail_usage("--leeway wants whole seconds (0 to 600), not '" + a.leeway + "'");
        s = std::stoll(a.leeway);
        // The verifier refuses more than 10 minutes too; checked here so huge values cannot overflow.
        if (s > 600)
            throw failure(exit_usage, errc_name(jot::errc::leeway_too_large),
                          make_error_code(jot::errc::leeway_too_large).message() + " (--leeway " + a.leeway + ")");
        leeway = std::chrono::seconds(s);
    }
    const bool over_http = !a.http.jwks_url.empty() || !a.http.oidc_issuer.empty();
    if (a.key.empty() && a.jwks.empty() && !over_http)
        fail_usage("verify needs --key FILE, --jwks FILE, --jwks-url URL or --oidc-issuer URL");

    // Every key problem is found here, before the token is read: a script learns its setup is wrong (exit 2)
    // rather than seeing a rejected token (exit 1).
    jot::basic_verifier_builder<nlohmann::json, jot::fixed_clock> vb;
    vb.clock(jot::fixed_clock{now});
    if (!a.key.empty()) vb.key(load_verification_key(alg, a.key, parse_key_format(a.key_format)));
    if (!a.jwks.empty()) vb.keys(load_jwks(alg, a.jwks));
    std::string discovered_issuer;
    if (over_http) vb.keys(load_http_keys(alg, a.http, discovered_issuer));
    if (!a.issuer.empty() && !discovered_issuer.empty() && a.issuer != discovered_issuer)
        fail_usage("--iss " + a.issuer + " differs from the issuer --oidc-issuer discovered: " + discovered_issuer);
    if (!a.issuer.empty()) vb.expect_issuer(a.issuer);
    else if (!discovered_issuer.empty()) vb.expect_issuer(discovered_issuer);
    for (const std::string& aud : a.audiences) vb.expect_audience(aud);
    if (!a.subject.empty()) vb.expect_subject(a.subject);
    if (!a.type.empty()) vb.expect_type(a.type);
    // Without --leeway the library's defaults hold (0 past exp, 60 s for nbf/iat ahead); with it, exactly it.
    if (!a.leeway.empty()) vb.leeway(leeway);
    if (a.allow_missing_exp) vb.allow_missing_expiration();
    if (a.ignore_aud) vb.ignore_audience();
    if (a.ignore_typ) vb.ignore_type();
    auto verifier = vb.build();
    if (!verifier) fail_input(verifier.error(), "verifier settings");

    const std::string token = read_token(a.token);
    if (is_jws_verify(a, token)) return run_verify_jws(a, token); // JSON form from standard input
    auto verified = verifier->verify(token);
    if (!verified) fail_token(verified.error());
    std::cout << verified->claims().json().dump() << "\n";
    return exit_ok;
}

int run_sign(const sign_args& a, std::chrono::system_clock::time_point now) {
    if (is_jws_sign(a)) return run_sign_jws(a);
    const jot::algorithm alg = parse_alg(a.alg);
    const auto key = load_signer(alg, a.key, parse_key_format(a.key_format), a.kid);
    const std::int64_t now_s = unix_seconds(now);

    // Later sources win: --claims, then each --claim in order, then the named options and "iat".
    jot::basic_builder<nlohmann::json, jot::fixed_clock> b{jot::fixed_clock{now}};
    if (!a.claims_file.empty()) {
        nlohmann::json obj = read_claims_object(a.claims_file);
        for (auto it = obj.begin(); it != obj.end(); ++it) b.claim(it.key(), it.value());
    }
    for (const std::string& c : a.claims) {
        auto [name, value] = parse_claim_arg(c);
        b.claim(std::move(name), std::move(value));
    }
    if (!a.type.empty()) b.type(a.type);
    if (!a.issuer.empty()) b.issuer(a.issuer);
    if (!a.subject.empty()) b.subject(a.subject);
    if (a.audiences.size() == 1) b.audience(a.audiences.front());
    else if (a.audiences.size() > 1) b.audience(a.audiences);
    if (!a.exp.empty()) b.expires_at(seconds_point(std::chrono::seconds(parse_time_arg(a.exp, now_s, "--exp"))));
    if (!a.nbf.empty()) b.not_before(seconds_point(std::chrono::seconds(parse_time_arg(a.nbf, now_s, "--nbf"))));
    if (!a.jti.empty()) b.id(a.jti);
    if (a.jti_random) {
        // 128 random bits: a collision is never expected, which is what a replay check by "jti" needs.
        unsigned char bytes[16];
        if (RAND_bytes(bytes, sizeof bytes) != 1) fail_input(make_error_code(jot::errc::crypto_failure), "RAND_bytes");
        b.id(jot::base64url::encode(jot::bytes_view(bytes, sizeof bytes)));
    }
    if (!a.no_iat) b.issued_now();

    auto token = b.sign(*key);
    if (!token) fail_input(token.error(), "signing");
    std::cout << *token << "\n";
    return exit_ok;
}

} // namespace jot_cli
