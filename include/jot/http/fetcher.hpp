// SPDX-License-Identifier: MIT
// jot::http (optional part, CMake target jot::http): an HTTPS GET for key documents on cpp-httplib and OpenSSL,
// with certificate checks, an SSRF guard, time and size bounds, Cache-Control max-age and ETag revalidation.
#pragma once

#ifndef CPPHTTPLIB_OPENSSL_SUPPORT
#error "jot/http needs cpp-httplib built with OpenSSL: link the jot::http target (it defines CPPHTTPLIB_OPENSSL_SUPPORT)"
#endif

#include <chrono>
#include <cstddef>
#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include <httplib.h>

#include "../error.hpp"
#include "../jwks_source.hpp"
#include "../result.hpp"

namespace jot::http {

/// How jot::http fetches. Defaults suit a public identity provider; every bound is enforced per fetch.
struct fetch_options {
    /// PEM file of the CAs trusted for the server certificate; empty means the system trust store (OpenSSL's
    /// default paths, /etc/ssl/certs on Debian). The host name is always checked against the certificate.
    std::string ca_file;
    /// Allows `http://` to a literal loopback address (127.0.0.0/8, [::1]) only: for local tests and sidecars.
    /// Plain http to any other host is refused whatever this says.
    bool allow_http_loopback = false;
    std::chrono::milliseconds connect_timeout{std::chrono::seconds(3)};  ///< TCP connect and TLS handshake
    std::chrono::milliseconds read_timeout{std::chrono::seconds(5)};     ///< each read of the response
    std::chrono::milliseconds total_timeout{std::chrono::seconds(10)};   ///< the whole body, however it trickles
    std::size_t max_body_size = 1024 * 1024;  ///< larger bodies fail with errc::response_too_large
};

/// A URL jot agreed to fetch: its parts, checked by parse_url().
struct url_parts {
    std::string scheme;  ///< "https" or (loopback only, when allowed) "http"
    std::string host;    ///< a DNS name or a literal address, without brackets
    int port = 443;
    std::string target;  ///< path and query, starting with '/'
};

/// Checks a URL against jot's fetch policy (the SSRF guard): `https://host[:port][/path][?query]`, or `http://`
/// to a literal loopback address when options.allow_http_loopback is set. Refused (errc::url_refused): any other
/// scheme, userinfo (`user@host`), a fragment, a port outside 1..65535, a host with other characters than
/// letters, digits, '-' and '.' (or a bracketed IPv6 literal), spaces or control characters. Host names are
/// not resolved here: a DNS name that resolves to an internal address is the operator's configuration.
inline result<url_parts> parse_url(std::string_view url, const fetch_options& options = {}) {
    url_parts out;
    const auto scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos) return errc::url_refused;
    out.scheme = std::string(url.substr(0, scheme_end));
    if (out.scheme != "https" && out.scheme != "http") return errc::url_refused;
    for (const char c : url) {
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f || c == '#' || c == '\\') return errc::url_refused;
    }
    std::string_view rest = url.substr(scheme_end + 3);
    const auto authority_end = rest.find_first_of("/?");
    const std::string_view authority = rest.substr(0, authority_end);
    out.target = authority_end == std::string_view::npos ? "/" : std::string(rest.substr(authority_end));
    if (out.target.front() == '?') out.target.insert(0, "/");
    if (authority.empty() || authority.find('@') != std::string_view::npos) return errc::url_refused;
    std::string_view host = authority, port;
    if (authority.front() == '[') {
        const auto close = authority.find(']');
        if (close == std::string_view::npos) return errc::url_refused;
        host = authority.substr(1, close - 1);
        const std::string_view after = authority.substr(close + 1);
        if (!after.empty() && after.front() != ':') return errc::url_refused;
        if (!after.empty()) port = after.substr(1);
        if (host.empty() || host.find_first_not_of("0123456789abcdefABCDEF:.") != std::string_view::npos)
            return errc::url_refused;
    } else {
        const auto colon = authority.find(':');
        host = authority.substr(0, colon);
        if (colon != std::string_view::npos) port = authority.substr(colon + 1);
        if (host.empty() || host.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.") !=
                                std::string_view::npos)
            return errc::url_refused;
    }
    out.host = std::string(host);
    out.port = out.scheme == "https" ? 443 : 80;
    if (authority.back() == ':' ) return errc::url_refused;
    if (!port.empty()) {
        if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string_view::npos) return errc::url_refused;
        out.port = std::stoi(std::string(port));
        if (out.port < 1 || out.port > 65535) return errc::url_refused;
    }
    if (out.scheme == "http") {
        // The SSRF guard: plain http only to a literal loopback address, and only when the caller allowed it.
        bool loopback = out.host == "::1" || out.host == "0:0:0:0:0:0:0:1";
        if (out.host.rfind("127.", 0) == 0) {
            int dots = 0, digits = 0;
            loopback = true;
            for (const char c : out.host) {
                if (c == '.') {
                    loopback = loopback && digits > 0 && digits <= 3;
                    ++dots;
                    digits = 0;
                } else if (c >= '0' && c <= '9') {
                    ++digits;
                } else {
                    loopback = false;
                }
            }
            loopback = loopback && dots == 3 && digits > 0 && digits <= 3;
        }
        if (!loopback || !options.allow_http_loopback) return errc::url_refused;
    }
    return out;
}

/// Reads the cache lifetime from a Cache-Control value (RFC 9111 §5.2.2.1): max-age=N gives N seconds;
/// no-store or no-cache give 0 (the source then applies its min_ttl); nothing usable gives no value.
inline std::optional<std::chrono::seconds> cache_max_age(std::string_view cache_control) {
    std::optional<std::chrono::seconds> age;
    bool no_cache = false;
    while (!cache_control.empty()) {
        const auto comma = cache_control.find(',');
        std::string directive(cache_control.substr(0, comma));
        cache_control = comma == std::string_view::npos ? std::string_view{} : cache_control.substr(comma + 1);
        const auto first = directive.find_first_not_of(" \t");
        if (first == std::string::npos) continue;
        directive = directive.substr(first, directive.find_last_not_of(" \t") - first + 1);
        for (auto& c : directive) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
        if (directive == "no-store" || directive == "no-cache") no_cache = true;
        if (directive.rfind("max-age=", 0) != 0) continue;
        std::string value = directive.substr(8);
        if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
        if (value.empty() || value.size() > 10 || value.find_first_not_of("0123456789") != std::string::npos) continue;
        age = std::chrono::seconds(std::stoll(value));
    }
    if (no_cache) return std::chrono::seconds(0);
    return age;
}

/// One HTTP response as jot::http returns it.
struct response {
    int status = 0;                              ///< 200, or 304 to a revalidation
    std::string body;                            ///< empty for a 304
    std::optional<std::chrono::seconds> max_age; ///< from Cache-Control
    std::string etag;                            ///< the ETag header, as sent
};

/// GETs `url` under the fetch policy. Follows no redirect (a key URL is fetched exactly as configured, so a
/// redirect can take it neither to another scheme nor to another host). With `if_none_match`, sends it
/// (RFC 9110 §13.1.2) and accepts a 304. Errors: url_refused (parse_url), invalid_argument (ca_file not
/// readable), fetch_failed, fetch_timeout, tls_verification_failed, redirect_refused, http_status_unexpected,
/// response_too_large. Never throws.
inline result<response> get(std::string_view url, const fetch_options& options = {},
                            const std::string& if_none_match = {}) noexcept {
    // Everything runs inside call_user_code: cpp-httplib and the allocator may throw, and get() must not.
    return detail::call_user_code(
        [&]() -> result<response> {
            auto parts = parse_url(url, options);
            if (!parts) return parts.error();
            if (!options.ca_file.empty() && !std::ifstream(options.ca_file)) return errc::invalid_argument;
            std::unique_ptr<httplib::ClientImpl> client;
            if (parts->scheme == "https") {
                auto tls = std::make_unique<httplib::SSLClient>(parts->host, parts->port);
                tls->enable_server_certificate_verification(true);
                if (!options.ca_file.empty()) tls->set_ca_cert_path(options.ca_file.c_str());
                client = std::move(tls);
            } else {
                client = std::make_unique<httplib::ClientImpl>(parts->host, parts->port);
            }
            const auto seconds_and_micros = [](std::chrono::milliseconds d) {
                return std::make_pair(static_cast<time_t>(d.count() / 1000), static_cast<time_t>(d.count() % 1000 * 1000));
            };
            const auto connect = seconds_and_micros(options.connect_timeout);
            const auto read = seconds_and_micros(options.read_timeout);
            client->set_connection_timeout(connect.first, connect.second);
            client->set_read_timeout(read.first, read.second);
            client->set_write_timeout(read.first, read.second);
            client->set_follow_location(false);
            client->set_keep_alive(false);
            httplib::Headers headers{{"Accept", "application/json, application/jwk-set+json"}};
            if (!if_none_match.empty()) headers.emplace("If-None-Match", if_none_match);

            const auto start = std::chrono::steady_clock::now();
            std::string body;
            bool too_large = false, too_slow = false;
            auto res = client->Get(parts->target, headers, [&](const char* data, std::size_t n) {
                if (body.size() + n > options.max_body_size) return !(too_large = true);
                if (std::chrono::steady_clock::now() - start > options.total_timeout) return !(too_slow = true);
                body.append(data, n);
                return true;
            });
            if (too_large) return errc::response_too_large;
            if (too_slow) return errc::fetch_timeout;
            if (!res) {
                switch (res.error()) {
                case httplib::Error::ConnectionTimeout: return errc::fetch_timeout;
                case httplib::Error::Read:
                    // httplib reports a read that timed out as a read error; the elapsed time tells them apart.
                    return std::chrono::steady_clock::now() - start >= options.read_timeout ? errc::fetch_timeout
                                                                                          : errc::fetch_failed;
                case httplib::Error::SSLServerVerification:
                case httplib::Error::SSLLoadingCerts: return errc::tls_verification_failed;
                case httplib::Error::ExceedRedirectCount: return errc::redirect_refused;
                default: return errc::fetch_failed;
                }
            }
            if (res->status >= 300 && res->status < 400 && res->status != 304) return errc::redirect_refused;
            if (res->status != 200 && !(res->status == 304 && !if_none_match.empty()))
                return errc::http_status_unexpected;
            response out;
            out.status = res->status;
            if (res->status == 200) out.body = std::move(body);
            out.max_age = cache_max_age(res->get_header_value("Cache-Control"));
            out.etag = res->get_header_value("ETag");
            return out;
        },
        [] { return result<response>(errc::fetch_failed); });
}

/// A jwks_source fetch function over HTTPS: GETs the JWK Set URL, passes its max-age on, and revalidates
/// with the last ETag: a 304 answers the document it already has (the keys stay in force, with the new
/// max-age). Copies share the cached document; thread-safe.
class jwks_fetcher {
public:
    /// Checks the URL and options now, so a wrong URL fails at start-up. Errors: url_refused,
    /// invalid_argument (ca_file not readable, or a zero max_body_size).
    static result<jwks_fetcher> create(std::string url, fetch_options options = {}) {
        auto parts = parse_url(url, options);
        if (!parts) return parts.error();
        if (options.max_body_size == 0) return errc::invalid_argument;
        if (!options.ca_file.empty() && !std::ifstream(options.ca_file)) return errc::invalid_argument;
        return jwks_fetcher(std::move(url), std::move(options));
    }

    /// One fetch: the errors of http::get().
    result<jwks_document> operator()() const {
        std::string etag;
        {
            std::lock_guard<std::mutex> lock(state_->m);
            etag = state_->etag;
        }
        auto res = get(state_->url, state_->options, etag);
        if (!res) return res.error();
        std::lock_guard<std::mutex> lock(state_->m);
        if (res->status == 304) return jwks_document{state_->body, res->max_age ? res->max_age : state_->max_age};
        state_->etag = res->etag;
        state_->body = res->body;
        state_->max_age = res->max_age;
        return jwks_document{std::move(res->body), res->max_age};
    }

    const std::string& url() const noexcept { return state_->url; }

private:
    struct state {
        std::string url;
        fetch_options options;
        std::mutex m;
        std::string etag, body;
        std::optional<std::chrono::seconds> max_age;
    };
    jwks_fetcher(std::string url, fetch_options options) : state_(std::make_shared<state>()) {
        state_->url = std::move(url);
        state_->options = std::move(options);
    }
    std::shared_ptr<state> state_;
};

/// The jwks_source options jot::http uses by default: refreshes in the background (no verification waits
/// for the network once keys are loaded), the other values as in jwks_source_options.
inline jwks_source_options background_source_options() {
    jwks_source_options options;
    options.refresh = refresh_mode::background;
    return options;
}

/// A rotating key source over an HTTPS JWK Set URL. Errors: those of jwks_fetcher::create().
inline result<std::shared_ptr<jwks_source>> make_jwks_source(std::string url, fetch_options fetch = {},
                                                            jwks_source_options source = background_source_options()) {
    auto fetcher = jwks_fetcher::create(std::move(url), std::move(fetch));
    if (!fetcher) return fetcher.error();
    return std::make_shared<jwks_source>(std::move(*fetcher), std::move(source));
}

} // namespace jot::http
