// SPDX-License-Identifier: MIT
// The jot tool's general JWS commands (jot::jws): `sign --payload` with --detached, --json and --unencoded, and
// `verify --payload` (detached content) or a JWS JSON Serialization as the token.
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

#include <jot/jws.hpp>

#include "cli.hpp"

namespace jot_cli {

namespace {

/// --payload FILE, or standard input for "-": every byte kept.
std::string read_payload(const std::string& arg) { return arg == "-" ? read_stdin() : read_file(arg, "payload"); }

} // namespace

bool is_jws_sign(const sign_args& a) { return !a.payload.empty() || a.detached || a.json || a.unencoded; }

bool is_jws_verify(const verify_args& a, const std::string& token) {
    return !a.payload.empty() || a.allow_unencoded || a.any_signature || (!token.empty() && token.front() == '{');
}

int run_sign_jws(const sign_args& a) {
    if (a.payload.empty()) fail_usage("--detached, --json and --unencoded sign the bytes of --payload FILE (or -)");
    if (!a.issuer.empty() || !a.subject.empty() || !a.audiences.empty() || !a.exp.empty() || !a.nbf.empty() ||
        !a.jti.empty() || a.jti_random || !a.claims.empty() || !a.claims_file.empty())
        fail_usage("--payload signs the file's bytes as they are: claim options do not apply");
    const jot::algorithm alg = parse_alg(a.alg);
    if (a.key.path == "-" && a.payload == "-") fail_usage("--key - and --payload - cannot both read standard input");
    const auto key = load_signer(alg, a.key, a.kid);
    const std::string payload = read_payload(a.payload);
    const jot::bytes_view bytes(payload.data(), payload.size());

    jot::jws::signature_options o;
    o.unencoded_payload = a.unencoded;
    if (!a.type.empty()) o.protected_members["typ"] = a.type;
    jot::result<std::string> out = jot::errc::invalid_argument;
    if (a.json)
        out = jot::jws::sign_json({jot::jws::json_signer{*key, o}}, bytes, jot::jws::json_form::flattened,
                                  a.detached ? jot::jws::content::detached : jot::jws::content::attached);
    else if (a.detached)
        out = jot::jws::sign_detached(*key, bytes, o);
    else
        out = jot::jws::sign_compact(*key, bytes, o);
    if (!out) fail_input(out.error(), "signing");
    std::cout << *out << "\n";
    return exit_ok;
}

int run_verify_jws(const verify_args& a, const std::string& token) {
    if (!a.issuer.empty() || !a.subject.empty() || !a.audiences.empty() || !a.type.empty() || !a.leeway.empty() ||
        a.allow_missing_exp || a.ignore_aud || a.ignore_typ || a.json || a.explain || !a.decrypt_key.empty())
        fail_usage("a JWS with --payload, or in JSON form, has no claims to check: claim options, --json, --explain and "
                   "--decrypt-key do not apply");
    if (!a.http.jwks_url.empty() || !a.http.oidc_issuer.empty())
        fail_usage("--payload and JSON-form tokens take keys from --key or --jwks");
    const jot::algorithm alg = parse_alg(a.alg);
    if (a.key.path.empty() && a.jwks.empty()) fail_usage("verify needs --key FILE or --jwks FILE");
    if (a.key.path == "-" && a.payload == "-") fail_usage("--key - and --payload - cannot both read standard input");
    jot::key_list keys;
    std::string unused_hint; // the newline hint is for the JWT path's error line
    if (!a.key.path.empty()) keys.push_back(load_verification_key(alg, a.key, unused_hint));
    if (!a.jwks.empty())
        for (auto& k : load_jwks(alg, a.jwks)) keys.push_back(std::move(k));
    jot::jws::verify_options o;
    o.allow_unencoded_payload = a.allow_unencoded;
    o.required = a.any_signature ? jot::jws::required_signatures::one : jot::jws::required_signatures::all;
    auto verifier = jot::jws::verifier::create(std::move(keys), o);
    if (!verifier) fail_input(verifier.error(), "verifier settings");

    const bool json_form = !token.empty() && token.front() == '{';
    jot::result<jot::jws::verified_content> r = jot::errc::invalid_argument;
    if (a.payload.empty()) {
        r = json_form ? verifier->verify_json(token) : verifier->verify_compact(token);
    } else {
        const std::string payload = read_payload(a.payload);
        const jot::bytes_view bytes(payload.data(), payload.size());
        r = json_form ? verifier->verify_json_detached(token, bytes) : verifier->verify_detached(token, bytes);
    }
    if (!r) fail_token(r.error());
    if (a.payload.empty()) {
        // The payload exactly, as `decrypt` prints a plaintext: it need not be JSON, nor text.
        std::cout << r->payload();
        return exit_ok;
    }
    nlohmann::json out = nlohmann::json::object();
    out["verified"] = true;
    out["unencoded"] = r->unencoded();
    out["header"] = r->signatures().front().protected_header;
    std::cout << out.dump() << "\n";
    return exit_ok;
}

} // namespace jot_cli
