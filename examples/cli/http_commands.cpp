// SPDX-License-Identifier: MIT
// The jot tool's HTTPS key sources: verify --jwks-url / --oidc-issuer and jwks --url, through jot::http.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <jot/jwk.hpp>
#include <jot/jwks.hpp>

#include "cli.hpp"

#if JOT_CLI_HAVE_HTTP
#include <jot/http/discovery.hpp>
#include <jot/http/fetcher.hpp>
#endif

namespace jot_cli {

#if JOT_CLI_HAVE_HTTP
namespace {

jot::http::fetch_options fetch_options_of(const http_args& h) {
    jot::http::fetch_options o;
    o.ca_file = h.ca_file;
    o.allow_http_loopback = h.allow_http_loopback;
    return o;
}

/// The JWK Set at `url`, fetched once. Network and policy problems are input problems (exit 2).
std::string fetch_jwks(const std::string& url, const jot::http::fetch_options& o, const std::string& option) {
    auto fetcher = jot::http::jwks_fetcher::create(url, o);
    if (!fetcher) fail_input(fetcher.error(), option + " " + url);
    auto doc = (*fetcher)();
    if (!doc) fail_input(doc.error(), option + " " + url);
    return std::move(doc->body);
}

} // namespace

std::vector<std::shared_ptr<const jot::verification_key>> load_http_keys(jot::algorithm alg, const http_args& h,
                                                                         std::string& issuer) {
    const auto o = fetch_options_of(h);
    std::string url = h.jwks_url, option = "--jwks-url";
    if (!h.oidc_issuer.empty()) {
        // The discovered issuer is the one tokens must carry (OpenID Connect Discovery §4.3).
        auto meta = jot::http::discover(h.oidc_issuer, o);
        if (!meta) fail_input(meta.error(), "--oidc-issuer " + h.oidc_issuer);
        url = meta->jwks_uri;
        option = "jwks_uri of " + h.oidc_issuer + ":";
        issuer = meta->issuer;
    }
    const std::string text = fetch_jwks(url, o, option);
    jot::jwk_set_options options;
    options.allowed_algorithms = {alg};
    options.max_document_size = 1024 * 1024;
    auto set = jot::jwk_set::parse(text, options);
    if (!set) fail_input(set.error(), option + " " + url);
    if (set->empty())
        throw failure(exit_usage, code_name(jot::errc::key_set_invalid),
                      option + " " + url + " has no key usable for " + std::string(jot::to_string(alg)));
    return {set->keys().begin(), set->keys().end()};
}

int run_jwks_url(const jwks_args& a) {
    const std::string text = fetch_jwks(a.http.jwks_url, fetch_options_of(a.http), "--url");
    const nlohmann::json doc = parse_json(text);
    if (!doc.is_object() || !doc.contains("keys") || !doc["keys"].is_array())
        fail_input(make_error_code(jot::errc::key_set_invalid), "--url " + a.http.jwks_url);
    // Every published key with its RFC 7638 thumbprint, the keys jot cannot use included (with the reason), so
    // an operator sees the whole set.
    nlohmann::json out = nlohmann::json::array();
    for (const auto& jwk : doc["keys"]) {
        nlohmann::json row = {{"kid", jwk.value("kid", "")}, {"kty", jwk.value("kty", "")}, {"alg", jwk.value("alg", "")}};
        auto thumb = jot::jwk_thumbprint(jwk);
        if (thumb) row["thumbprint"] = *thumb;
        else row["error"] = code_name(thumb.error());
        out.push_back(std::move(row));
    }
    std::cout << terminal_safe(nlohmann::json{{"url", a.http.jwks_url}, {"keys", out}}.dump(2)) << "\n";
    return exit_ok;
}

#else

std::vector<std::shared_ptr<const jot::verification_key>> load_http_keys(jot::algorithm, const http_args&, std::string&) {
    fail_usage("this jot was built without jot::http (cpp-httplib): --jwks-url and --oidc-issuer are unavailable");
}

int run_jwks_url(const jwks_args&) {
    fail_usage("this jot was built without jot::http (cpp-httplib): jwks --url is unavailable");
}

#endif

} // namespace jot_cli
