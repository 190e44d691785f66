// SPDX-License-Identifier: MIT
// The jot tool's token commands: decode (unverified, for people), verify (for scripts), sign.
#include <algorithm>
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
#include <jot/diagnostic.hpp>
#include <jot/nested.hpp>
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

namespace {

/// A token decoded for `decode`: strictly, or (--lenient) with what strict parsing refuses listed as warnings.
struct decoded {
    nlohmann::json header, payload;
    std::size_t signature_size = 0;
    std::vector<std::string> warnings;
};

/// One base64url segment, lenient: '=' padding and the standard alphabet's '+' '/' are accepted with a warning.
std::string lenient_segment(std::string_view seg, const char* name, std::vector<std::string>& warnings) {
    std::string s(seg);
    if (const std::size_t pad = s.find_last_not_of('='); pad + 1 < s.size()) {
        s.resize(pad == std::string::npos ? 0 : pad + 1);
        warnings.push_back(std::string(name) + " has '=' padding, which base64url in JWS forbids (RFC 7515 §2)");
    }
    if (s.find_first_of("+/") != std::string::npos) {
        for (char& c : s) c = c == '+' ? '-' : c == '/' ? '_' : c;
        warnings.push_back(std::string(name) + " uses the base64 alphabet ('+' or '/'), not base64url");
    }
    auto bytes = jot::base64url::decode<std::string>(s);
    if (!bytes) fail_token(bytes.error());
    return std::move(*bytes);
}

/// A JSON object; duplicate member names (the last one wins, as the text shows) are warnings.
nlohmann::json lenient_object(const std::string& text, const char* name, std::vector<std::string>& warnings) {
    std::vector<std::vector<std::string>> seen; // member names of each open object
    bool duplicate = false;
    std::string duplicate_name;
    auto cb = [&](int, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
        using ev = nlohmann::json::parse_event_t;
        if (event == ev::object_start) seen.emplace_back();
        else if (event == ev::object_end && !seen.empty()) seen.pop_back();
        else if (event == ev::key && !seen.empty()) {
            const std::string key = parsed.get<std::string>();
            auto& names = seen.back();
            if (std::find(names.begin(), names.end(), key) != names.end() && !duplicate) {
                duplicate = true;
                duplicate_name = key;
            }
            names.push_back(key);
        }
        return true;
    };
    if (text.find('\0') != std::string::npos) fail_token(make_error_code(jot::errc::json_invalid));
    nlohmann::json j = nlohmann::json::parse(text, cb, /*allow_exceptions=*/false);
    if (j.is_discarded()) fail_token(make_error_code(jot::errc::json_invalid));
    if (!j.is_object()) fail_token(make_error_code(jot::errc::json_not_object));
    if (duplicate)
        warnings.push_back(std::string(name) + " has the member \"" + duplicate_name +
                           "\" more than once (RFC 7515 §5.2 and RFC 8725 §3.2 want it refused); the last one is shown");
    return j;
}

decoded decode_lenient(const std::string& token) {
    decoded d;
    const std::size_t limit = jot::decode_options{}.max_token_size;
    if (token.size() > limit)
        d.warnings.push_back("the token is " + std::to_string(token.size()) + " bytes, over the " +
                             std::to_string(limit) + "-byte limit verifiers apply (token_too_large)");
    const std::size_t dot1 = token.find('.');
    const std::size_t dot2 = dot1 == std::string::npos ? dot1 : token.find('.', dot1 + 1);
    if (dot2 == std::string::npos || token.find('.', dot2 + 1) != std::string::npos)
        fail_token(make_error_code(jot::errc::token_not_compact));
    const std::string_view t(token);
    d.header = lenient_object(lenient_segment(t.substr(0, dot1), "the header", d.warnings), "the header", d.warnings);
    d.payload = lenient_object(lenient_segment(t.substr(dot1 + 1, dot2 - dot1 - 1), "the payload", d.warnings),
                               "the payload", d.warnings);
    d.signature_size = lenient_segment(t.substr(dot2 + 1), "the signature", d.warnings).size();
    const auto alg = d.header.find("alg");
    if (alg != d.header.end() && *alg == "none")
        d.warnings.push_back("alg is \"none\": an unsecured token, which no verifier accepts (RFC 8725 §3.2)");
    else if (alg == d.header.end())
        d.warnings.push_back("the header has no \"alg\"");
    return d;
}

/// A NumericDate claim for verify --json: {"unix": N, "utc": "..."}, or null when it is not a NumericDate.
nlohmann::json date_json(const nlohmann::json& payload, const char* name) {
    const auto it = payload.find(name);
    if (it == payload.end() || !it->is_number()) return nullptr;
    const double v = it->get<double>();
    if (!(v >= 0 && v <= 253402300799.0)) return nullptr;
    nlohmann::json d = nlohmann::json::object();
    d["unix"] = *it;
    d["utc"] = format_utc(static_cast<std::int64_t>(v));
    return d;
}

} // namespace

int run_decode(const decode_args& a, std::chrono::system_clock::time_point now) {
    // --lenient shows an oversized token too, so it reads all of standard input.
    const std::string token = read_token(a.token, a.lenient);
    decoded d;
    if (a.lenient) {
        d = decode_lenient(token);
    } else {
        auto t = jot::dangerous::decode_unverified(token);
        if (!t) {
            const std::error_code ec = t.error();
            std::string hint = token_hint(a.token, token);
            if (hint.empty() && (ec == jot::errc::base64_padding || ec == jot::errc::token_too_large ||
                                 ec == jot::errc::json_duplicate_member || ec == jot::errc::empty_segment))
                hint = "decode --lenient shows it anyway, with warnings";
            throw failure(exit_rejected, code_name(ec), ec.message() + (hint.empty() ? "" : "; " + hint));
        }
        d.header = t->header.json();
        d.payload = t->claims.json();
        d.signature_size = t->signature.size();
        if (d.header.value("alg", "") == "none")
            d.warnings.push_back("alg is \"none\": an unsecured token, which no verifier accepts (RFC 8725 §3.2)");
    }
    if (a.json) {
        nlohmann::json out = nlohmann::json::object();
        out["header"] = d.header;
        out["payload"] = d.payload;
        out["verified"] = false;
        if (a.lenient) out["warnings"] = d.warnings;
        std::cout << out.dump() << "\n";
        return exit_ok;
    }
    const palette p(stdout_wants_colour());
    std::cout << p.warn << "UNVERIFIED" << p.reset
              << " token: its signature and claims have not been checked; do not trust what follows\n";
    for (const std::string& w : d.warnings) std::cout << p.warn << "warning:" << p.reset << " " << w << "\n";
    std::cout << p.title << "Header:" << p.reset << "\n" << terminal_safe(d.header.dump(2)) << "\n";
    std::cout << p.title << "Payload:" << p.reset << "\n" << terminal_safe(d.payload.dump(2)) << "\n";
    std::cout << p.title << "Signature:" << p.reset << " " << d.signature_size << " bytes, not checked\n";
    auto claims = jot::claims::from_json(d.payload);
    if (claims && (claims->contains("iat") || claims->contains("nbf") || claims->contains("exp"))) {
        std::cout << p.title << "Dates (UTC, now " << format_utc(unix_seconds(now)) << "):" << p.reset << "\n";
        for (std::string_view name : {"iat", "nbf", "exp"}) print_date(*claims, name, now, p);
    }
    return exit_ok;
}

namespace {

int verify_token(const verify_args& a, std::chrono::system_clock::time_point now, nlohmann::json* report) {
    const jot::algorithm alg = parse_alg(a.alg);
    const bool over_http = !a.http.jwks_url.empty() || !a.http.oidc_issuer.empty();
    if (a.key.path.empty() && a.jwks.empty() && !over_http)
        fail_usage("verify needs --key FILE, --jwks FILE, --jwks-url URL or --oidc-issuer URL");
    if (a.key.path == "-" && token_from_stdin(a.token))
        fail_usage("--key - reads the key from standard input, so give the token as an argument or @FILE");
    std::chrono::seconds leeway{0};
    if (!a.leeway.empty()) leeway = std::chrono::seconds(parse_duration_arg(a.leeway, 600, "--leeway"));

    // Every key problem is found here, before the token is read: a script learns its setup is wrong (exit 2)
    // rather than seeing a rejected token (exit 1).
    jot::basic_verifier_builder<nlohmann::json, jot::fixed_clock> vb;
    vb.clock(jot::fixed_clock{now});
    std::string signature_hint;
    if (!a.key.path.empty()) vb.key(load_verification_key(alg, a.key, signature_hint));
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
    if (report) {
        // What the token says, verified or not, so that a script sees why it was refused.
        if (auto t = jot::dangerous::decode_unverified(token)) {
            (*report)["header"] = t->header.json();
            (*report)["payload"] = t->claims.json();
            nlohmann::json dates = nlohmann::json::object();
            for (const char* name : {"iat", "nbf", "exp"})
                if (t->claims.contains(name)) dates[name] = date_json(t->claims.json(), name);
            (*report)["dates"] = std::move(dates);
        }
    }
    // The error line: the library's message, what did not match in parentheses, then a hint for a tired user.
    auto refuse = [&](std::error_code ec, const std::string& detail) {
        std::string hint = token_hint(a.token, token);
        if (hint.empty() && ec == jot::errc::signature_invalid) hint = signature_hint;
        std::string message = ec.message();
        if (!detail.empty()) message += " (" + detail + ")";
        if (!hint.empty()) message += "; " + hint;
        throw failure(exit_rejected, code_name(ec), message);
    };
    if (a.explain) {
        // Every failed check, each on its own error line in the order the verifier makes them; the last
        // goes through the same refusal as any other (exit 1).
        const std::vector<jot::diagnostic> failed = verifier->explain(token);
        for (std::size_t i = 0; i + 1 < failed.size(); ++i)
            std::cerr << "error: " << code_name(failed[i].error) << ": " << failed[i].error.message() << " ("
                      << failed[i].to_string() << ")\n";
        if (!failed.empty()) refuse(failed.back().error, failed.back().to_string());
    }
    if (is_jws_verify(a, token)) return run_verify_jws(a, token); // JSON form from standard input
    jot::diagnostic why;
    // A nested JWT (RFC 7519 §7.2): decrypt, require "cty":"JWT", then the same verifier and policy.
    auto verified = a.decrypt_key.empty()
                        ? verifier->verify(token, why)
                        : jot::decrypt_and_verify(make_decrypter(a.decrypt_alg, a.decrypt_enc, a.decrypt_key, token),
                                                  *verifier, token);
    if (!verified) refuse(verified.error(), why ? why.to_string() : std::string());
    if (report) {
        (*report)["result"] = {{"valid", true}};
        std::cout << report->dump() << "\n";
    } else {
        std::cout << verified->claims().json().dump() << "\n";
    }
    return exit_ok;
}

} // namespace

int run_verify(const verify_args& a, std::chrono::system_clock::time_point now) {
    if (a.payload == "-" && (!a.token || *a.token == "-"))
        fail_usage("--payload - reads standard input, so the token must be an argument");
    // A general JWS (detached content, unencoded payload, JSON form) is told apart before the JWT path.
    const bool token_given = a.token && *a.token != "-";
    if (!a.payload.empty() || a.allow_unencoded || a.any_signature || (token_given && is_jws_verify(a, *a.token)))
        return run_verify_jws(a, read_token(a.token));
    if (!a.json) return verify_token(a, now, nullptr);
    nlohmann::json report = nlohmann::json::object();
    try {
        return verify_token(a, now, &report);
    } catch (const failure& f) {
        // The same failure goes on to main's stderr line and exit status; stdout gets it as JSON too.
        report["result"] = {{"valid", false}, {"exit", f.status}, {"error", f.code}, {"message", f.message}};
        std::cout << report.dump() << "\n";
        throw;
    }
}

int run_sign(const sign_args& a, std::chrono::system_clock::time_point now) {
    if (is_jws_sign(a)) return run_sign_jws(a);
    const jot::algorithm alg = parse_alg(a.alg);
    if (!a.exp.empty() && a.no_exp) fail_usage("--exp and --no-exp contradict each other");
    if (a.key.path == "-" && a.claims_file == "-") fail_usage("--key - and --claims - cannot both read standard input");
    const std::int64_t now_s = unix_seconds(now);
    std::int64_t exp = 0;
    if (!a.exp.empty()) {
        exp = parse_time_arg(a.exp, now_s, "--exp");
        // RFC 7519 §4.1.4: expired once now >= exp. Such a token is refused everywhere at once.
        if (exp <= now_s && !a.force)
            throw failure(exit_usage, errc_name(jot::errc::token_expired),
                          "--exp " + a.exp + " is " + format_utc(exp) + ", not after now (" + format_utc(now_s) +
                              "): every verifier would refuse the token; pass --force to sign it anyway");
    }
    const auto key = load_signer(alg, a.key, a.kid);
    // Later sources win: --claims, then each --claim in order, then the named options and "iat".
    jot::basic_builder<nlohmann::json, jot::fixed_clock> b{jot::fixed_clock{now}};
    bool exp_from_claims = false; // "exp" given through --claims or --claim: no warning
    if (!a.claims_file.empty()) {
        nlohmann::json obj = read_claims_object(a.claims_file);
        exp_from_claims = exp_from_claims || obj.contains("exp");
        for (auto it = obj.begin(); it != obj.end(); ++it) b.claim(it.key(), it.value());
    }
    for (const std::string& c : a.claims) {
        auto [name, value] = parse_claim_arg(c);
        exp_from_claims = exp_from_claims || name == "exp";
        b.claim(std::move(name), std::move(value));
    }
    if (!a.type.empty()) b.type(a.type);
    if (!a.issuer.empty()) b.issuer(a.issuer);
    if (!a.subject.empty()) b.subject(a.subject);
    if (a.audiences.size() == 1) b.audience(a.audiences.front());
    else if (a.audiences.size() > 1) b.audience(a.audiences);
    if (!a.exp.empty()) b.expires_at(seconds_point(std::chrono::seconds(exp)));
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
    if (a.exp.empty() && !a.no_exp && !exp_from_claims)
        std::cerr << "warning: no --exp: verifiers (jot verify included) refuse a token without \"exp\" by default; "
                     "pass --exp 15m, or --no-exp to leave it out on purpose\n";
    std::cout << *token << "\n";
    return exit_ok;
}

} // namespace jot_cli
