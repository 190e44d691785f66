// SPDX-License-Identifier: MIT
// jot::http (optional part): OpenID Connect Discovery and RFC 8414 metadata: issuer URL in, rotating keys and a
// verifier builder that expects that issuer out.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include "../error.hpp"
#include "../jwks_source.hpp"
#include "../result.hpp"
#include "../verifier.hpp"
#include "fetcher.hpp"

namespace jot::http {

/// Which well-known document describes the issuer.
enum class metadata_kind {
    openid_configuration,  ///< `/.well-known/openid-configuration` (OpenID Connect Discovery 1.0 §4)
    authorization_server,  ///< `/.well-known/oauth-authorization-server` (RFC 8414 §3)
};

/// What jot reads from a provider's metadata document.
struct provider_metadata {
    std::string issuer;    ///< equal to the configured issuer, byte for byte
    std::string jwks_uri;  ///< where the JWK Set is published
    std::string document;  ///< the whole document, for the members jot does not read
};

/// The metadata URL of `issuer`. OpenID Connect Discovery §4.1 appends `/.well-known/openid-configuration` to
/// the issuer (a trailing '/' removed first); RFC 8414 §3.1 inserts `/.well-known/oauth-authorization-server`
/// between the host and the issuer's path.
inline std::string metadata_url(std::string_view issuer, metadata_kind kind = metadata_kind::openid_configuration) {
    std::string base(issuer);
    if (kind == metadata_kind::openid_configuration) {
        if (!base.empty() && base.back() == '/') base.pop_back();
        return base + "/.well-known/openid-configuration";
    }
    const auto scheme = base.find("://");
    const auto path_at = scheme == std::string::npos ? std::string::npos : base.find('/', scheme + 3);
    std::string path = path_at == std::string::npos ? std::string() : base.substr(path_at);
    if (path == "/") path.clear();
    return base.substr(0, path_at) + "/.well-known/oauth-authorization-server" + path;
}

/// Fetches and checks the issuer's metadata. The document's "issuer" must equal `issuer` exactly (OpenID
/// Connect Discovery §4.3, RFC 8414 §3.3): otherwise a provider could announce keys for another issuer.
/// Errors: those of http::get(), json_invalid / json_not_object, discovery_invalid ("issuer" or "jwks_uri"
/// missing or not strings), discovery_issuer_mismatch, url_refused (the jwks_uri breaks the fetch policy).
inline result<provider_metadata> discover(const std::string& issuer, const fetch_options& options = {},
                                          metadata_kind kind = metadata_kind::openid_configuration) {
    auto res = get(metadata_url(issuer, kind), options);
    if (!res) return res.error();
    auto doc = nlohmann::json::parse(res->body, nullptr, false);
    if (doc.is_discarded()) return errc::json_invalid;
    if (!doc.is_object()) return errc::json_not_object;
    const auto iss = doc.find("issuer");
    const auto jwks = doc.find("jwks_uri");
    if (iss == doc.end() || !iss->is_string() || jwks == doc.end() || !jwks->is_string()) return errc::discovery_invalid;
    if (iss->get_ref<const std::string&>() != issuer) return errc::discovery_issuer_mismatch;
    provider_metadata out{issuer, jwks->get<std::string>(), std::move(res->body)};
    auto checked = parse_url(out.jwks_uri, options);
    if (!checked) return checked.error();
    return out;
}

/// How discover_provider() fetches, keeps keys and reads metadata.
struct provider_options {
    fetch_options fetch{};
    jwks_source_options keys = background_source_options();
    metadata_kind kind = metadata_kind::openid_configuration;
};

/// An identity provider found by discovery: its metadata and its rotating keys.
class provider {
public:
    const provider_metadata& metadata() const noexcept { return metadata_; }
    /// The rotating key source over the provider's jwks_uri (shared with the verifiers made from it).
    const std::shared_ptr<jwks_source>& keys() const noexcept { return keys_; }
    /// A verifier builder that takes keys from keys() and expects "iss" to be the provider's issuer. Add the
    /// audience (and any other policy) before build().
    verifier_builder verifier() const {
        verifier_builder b;
        b.key_source(keys_).expect_issuer(metadata_.issuer);
        return b;
    }

private:
    friend result<provider> discover_provider(const std::string&, provider_options);
    provider(provider_metadata m, std::shared_ptr<jwks_source> k) : metadata_(std::move(m)), keys_(std::move(k)) {}
    provider_metadata metadata_;
    std::shared_ptr<jwks_source> keys_;
};

/// Discovery, then the first load of the keys, so a wrong issuer or an unusable key set fails at start-up.
/// When options.keys.cache_file already holds keys, a failed first load is tolerated (the saved keys serve,
/// and status() reports the error). Errors: those of discover() and of jwks_source::refresh().
inline result<provider> discover_provider(const std::string& issuer, provider_options options = {}) {
    auto meta = discover(issuer, options.fetch, options.kind);
    if (!meta) return meta.error();
    auto keys = make_jwks_source(meta->jwks_uri, options.fetch, std::move(options.keys));
    if (!keys) return keys.error();
    const auto loaded = (*keys)->refresh();
    if (!loaded && !(*keys)->status().has_keys) return loaded.error();
    return provider(std::move(*meta), std::move(*keys));
}

} // namespace jot::http
