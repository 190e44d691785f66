// SPDX-License-Identifier: MIT
// An HTTP API on 127.0.0.1 (cpp-httplib) guarded by jot: login, Bearer or DPoP-bound (RFC 9449) access tokens with
// scopes, refresh-token rotation with reuse detection, and logout by jti, with revocations and used DPoP proof ids
// shared between instances through Redis (jot::redis::jti_store) or kept in this process (jot::memory_jti_store)
// when no Redis is given.
//
//   jot_http_api --secret-file FILE [--port N] [--port-file FILE] [--redis HOST:PORT] [--redis-db N]
//                [--redis-user USER] [--store-failure reject|accept] [--name NAME]
//
// FILE holds the HS256 secret shared by every instance (raw bytes, at least 32; e.g. `head -c 32 /dev/urandom`).
// The Redis password, if any, comes from the environment variable JOT_REDIS_PASSWORD (not the command line,
// which other users of the machine can read).
// See README.md in this folder for the routes; scripts/run-http-api-demo.sh drives two instances end to end.
#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <httplib.h>
#include <nlohmann/json.hpp>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <jot/jot.hpp>
#include <jot/redis/jti_store.hpp>

namespace {

using namespace std::chrono_literals;
using nlohmann::json;

// -- settings ------------------------------------------------------------------------------------------------

constexpr const char* issuer = "https://auth.jot-demo.example";  ///< "iss" of every token, shared by instances
constexpr const char* api_audience = "orders-api";               ///< "aud" of access tokens
constexpr const char* refresh_audience = "https://auth.jot-demo.example/refresh";  ///< "aud" of refresh tokens
constexpr const char* realm = "orders";                          ///< the WWW-Authenticate realm
constexpr const char* client_id = "orders-web";                  ///< RFC 9068 "client_id" of our one client
constexpr const char* refresh_type = "refresh+jwt";              ///< header "typ" of refresh tokens
constexpr auto access_lifetime = 5min;    ///< short: a stolen access token is useful only briefly
constexpr auto refresh_lifetime = 8h;     ///< a working day; every refresh makes a new one
constexpr const char* access_purpose = "access";  ///< the jti store's namespace for revoked access tokens
constexpr const char* dpop_purpose = "dpop";      ///< the jti store's namespace for used DPoP proof ids

using clock_type = std::chrono::system_clock;

// -- users ---------------------------------------------------------------------------------------------------

/// A user of the demo: a PBKDF2-HMAC-SHA256 password hash (never the password) and the scopes granted.
struct user {
    const char* salt_hex;
    const char* hash_hex;
    const char* scope;
};

constexpr int pbkdf2_iterations = 600000;  // OWASP's 2023 figure for PBKDF2-HMAC-SHA256

/// The in-memory user table. Demo passwords: alice "alice-demo-password", bob "bob-demo-password".
const std::map<std::string, user, std::less<>> users = {
    {"alice", {"fac8dd232c9fb47241c77c4a05f03fed", "daed8c7411a80c4318652da76dc080b8c01c385f52d602654ddaa04c285d1b18",
               "orders:read orders:write"}},
    {"bob", {"f02832441a3540c90954ff12efa53d64", "5ce4b188ee1aa13300fc08cb0f168977da910f06f94171efc7b3b2d20f7a3034",
             "orders:read"}},
};

std::vector<unsigned char> from_hex(std::string_view hex) {
    std::vector<unsigned char> out;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
        out.push_back(static_cast<unsigned char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
    return out;
}

/// The user's scopes when the password is right. An unknown user costs the same hash, so response times do
/// not tell which user names exist.
std::optional<std::string> check_password(std::string_view name, std::string_view password) {
    const auto it = users.find(name);
    const user& u = it != users.end() ? it->second : users.begin()->second;
    const auto salt = from_hex(u.salt_hex);
    const auto expected = from_hex(u.hash_hex);
    unsigned char got[32];
    if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), salt.data(),
                          static_cast<int>(salt.size()), pbkdf2_iterations, EVP_sha256(), sizeof got, got) != 1)
        return std::nullopt;
    const bool match = expected.size() == sizeof got && CRYPTO_memcmp(got, expected.data(), sizeof got) == 0;
    if (it == users.end() || !match) return std::nullopt;
    return std::string(u.scope);
}

/// 128 random bits, base64url: for "jti" and family ids, which must not be guessable.
std::string random_id() {
    unsigned char b[16];
    if (RAND_bytes(b, sizeof b) != 1) throw std::runtime_error("no randomness");
    return jot::base64url::encode(jot::bytes_view(b, sizeof b));
}

// -- tokens --------------------------------------------------------------------------------------------------

/// Issues and checks this API's tokens. Access tokens are RFC 9068 JWTs ("typ" at+jwt); refresh tokens are
/// JWTs with their own "typ" and audience, so neither kind is ever accepted as the other (RFC 8725 §3.11).
class token_service {
public:
    token_service(const jot::hmac_key& key, std::shared_ptr<jot::jti_store> store, jot::store_failure policy)
        : key_(key), store_(std::move(store)), rotation_(store_), policy_(policy), access_(make_access_verifier()),
          refresh_(make_refresh_verifier()), proofs_(make_proof_verifier()) {}
    token_service(const token_service&) = delete;  // the access verifier's family check refers to this object
    token_service& operator=(const token_service&) = delete;

    /// A new access token and refresh token for `family`; the refresh token's jti is `refresh_id`. With `jkt`
    /// (the thumbprint of the key of a DPoP proof sent with the request) the access token is bound to that key
    /// ("cnf":{"jkt"}, RFC 9449 §6.1) and its type is DPoP: it is then refused without a proof of that key.
    json issue_pair(const std::string& subject, const std::string& scope, const std::string& family,
                    const std::string& refresh_id, const std::string& jkt = {}) const {
        jot::builder access_builder;
        if (!jkt.empty()) access_builder.claim("cnf", {{"jkt", jkt}});
        const std::string access = access_builder
                                       .type("at+jwt")
                                       .issuer(issuer)
                                       .subject(subject)
                                       .audience(api_audience)
                                       .claim("client_id", client_id)
                                       .claim("scope", scope)
                                       .claim("sid", family)
                                       .id(random_id())
                                       .issued_now()
                                       .expires_in(access_lifetime)
                                       .sign(key_)
                                       .value();
        const std::string refresh = jot::builder()
                                        .type(refresh_type)
                                        .issuer(issuer)
                                        .subject(subject)
                                        .audience(refresh_audience)
                                        .claim("scope", scope)
                                        .claim("sid", family)
                                        .id(refresh_id)
                                        .issued_now()
                                        .expires_in(refresh_lifetime)
                                        .sign(key_)
                                        .value();
        return {{"access_token", access},
                {"token_type", jkt.empty() ? "Bearer" : "DPoP"},
                {"expires_in", std::chrono::seconds(access_lifetime).count()},
                {"refresh_token", refresh},
                {"scope", scope}};
    }

    const jot::verifier& access() const { return access_; }
    const jot::verifier& refresh() const { return refresh_; }
    const jot::dpop::proof_verifier& proofs() const { return proofs_; }
    jot::jti_store& store() const { return *store_; }
    const jot::refresh_rotation& rotation() const { return rotation_; }

private:
    jot::verifier make_access_verifier() {
        jot::verifier_builder b;
        jot::profiles::access_token(b, issuer, api_audience);
        jot::revocation_options revocation;
        revocation.purpose = access_purpose;
        revocation.on_failure = policy_;
        return b.key(key_)
            .require_claim("sid")
            // The token's own jti: asked after the signature and claims pass, and on every cache hit.
            .revocation(store_, revocation)
            .require_jti()
            // Its session ("family"): revoked by logout or by refresh-token reuse, for every token of the family.
            .expect_token([this](const jot::header&, const jot::claims& c) -> std::error_code {
                const auto sid = c.get<std::string>("sid");
                if (!sid) return jot::errc::claim_missing;
                const auto revoked = rotation_.family_revoked(*sid);
                if (!revoked) return policy_ == jot::store_failure::accept ? std::error_code() : revoked.error();
                return *revoked ? make_error_code(jot::errc::token_revoked) : std::error_code();
            })
            .cache(4096)
            .build()
            .value();
    }
    /// DPoP proofs: the default policy (asymmetric algorithms, 60 s window) with this service's store, so a
    /// proof used on one instance is a replay on every other.
    jot::dpop::proof_verifier make_proof_verifier() {
        jot::dpop::proof_policy p;
        p.replay_store = store_;
        p.replay_purpose = dpop_purpose;
        return jot::dpop::proof_verifier(std::move(p));
    }
    jot::verifier make_refresh_verifier() {
        return jot::verifier_builder()
            .key(key_)
            .expect_type(refresh_type)
            .expect_issuer(issuer)
            .expect_audience(refresh_audience)
            .require_claim("jti")
            .require_claim("sid")
            .require_claim("sub")
            .build()
            .value();
    }

    jot::hmac_key key_;
    std::shared_ptr<jot::jti_store> store_;
    jot::refresh_rotation rotation_;
    jot::store_failure policy_;
    jot::verifier access_, refresh_;
    jot::dpop::proof_verifier proofs_;
};

// -- HTTP ----------------------------------------------------------------------------------------------------

void send_json(httplib::Response& res, int status, const json& body) {
    res.status = status;
    res.set_content(body.dump(), "application/json");
}

/// The absolute URI of a request as a DPoP proof names it ("htu", RFC 9449 §4.2): this instance's own origin
/// (not the client's Host header) and the request target without its query.
std::string request_uri(const std::string& origin, const httplib::Request& req) {
    const std::string& target = req.target.empty() ? req.path : req.target;
    return origin + target.substr(0, target.find('?'));
}

/// The DPoP proofs of a request: every value of every DPoP header field (jot::dpop::single_proof wants one).
std::vector<std::string_view> dpop_headers(const httplib::Request& req) {
    std::vector<std::string_view> out;
    const auto range = req.headers.equal_range("DPoP");  // httplib compares header names case-insensitively
    for (auto it = range.first; it != range.second; ++it) out.emplace_back(it->second);
    return out;
}

/// Checks the request's access token, presented as `Bearer <token>` or, bound to a key, as `DPoP <token>` with
/// a DPoP proof of that key (RFC 9449 §7.1), and, when `scope` is not empty, that the token grants it. On failure
/// it writes the response: the status RFC 6750 §3.1 pairs with the failure and a WWW-Authenticate challenge of
/// the scheme used (RFC 9449 §7.1: invalid_dpop_proof, invalid_token, ...).
std::optional<jot::verified_token> authorize(const token_service& tokens, const std::string& origin,
                                             const httplib::Request& req, httplib::Response& res,
                                             std::string_view scope = {}) {
    auto fail = [&](std::error_code why, std::string challenge) -> std::optional<jot::verified_token> {
        if (why == jot::errc::jti_store_unavailable) {
            // The revocation store is away and the policy fails closed: not the client's fault, try again soon.
            res.set_header("Retry-After", "1");
            send_json(res, 503, {{"error", why.message()}});
            return std::nullopt;
        }
        res.set_header("WWW-Authenticate", challenge);
        send_json(res, jot::bearer::status_for(why), {{"error", why.message()}});
        return std::nullopt;
    };
    const std::string algs = jot::dpop::algs_of(tokens.proofs().policy());
    const std::string authorization = req.get_header_value("Authorization");
    const auto presented = jot::dpop::parse_authorization(authorization);  // a view into `authorization`
    if (!presented) {
        // RFC 6750 §3.1: a request with no credentials at all gets a challenge without an error code; this API
        // takes both schemes, so it offers both (RFC 9449 §7.2).
        if (presented.error() == jot::errc::bearer_missing) {
            auto none = fail(presented.error(), jot::bearer::challenge(realm));
            res.set_header("WWW-Authenticate", jot::dpop::challenge(realm, algs));
            return none;
        }
        return fail(presented.error(), jot::bearer::challenge(presented.error(), realm));
    }
    auto verified = tokens.access().verify(presented->token);
    if (presented->scheme == jot::dpop::scheme::dpop) {
        using jot::dpop::failure_source;
        if (!verified)
            return fail(verified.error(), jot::dpop::challenge(verified.error(), failure_source::access_token, realm));
        const auto proof = jot::dpop::single_proof(dpop_headers(req));
        if (!proof) return fail(proof.error(), jot::dpop::challenge(proof.error(), failure_source::proof, realm, algs));
        const auto checked =
            tokens.proofs().verify(*proof, req.method, request_uri(origin, req), presented->token, *verified);
        if (!checked)
            return fail(checked.error(), jot::dpop::challenge(checked.error(), failure_source::proof, realm, algs));
        if (!scope.empty()) {
            if (auto granted = jot::require_scopes(verified->claims(), {scope}); !granted)
                return fail(granted.error(), jot::dpop::challenge(granted.error(), failure_source::access_token, realm));
        }
        return std::move(*verified);
    }
    if (!verified) return fail(verified.error(), jot::bearer::challenge(verified.error(), realm));
    // A token bound to a key is useless without a proof of that key: never accept it as a plain bearer token.
    if (auto r = jot::dpop::check_presented_as_bearer(*verified); !r)
        return fail(r.error(), jot::bearer::challenge(r.error(), realm));
    if (!scope.empty()) {
        if (auto granted = jot::require_scopes(verified->claims(), {scope}); !granted)
            return fail(granted.error(), jot::bearer::challenge(granted.error(), realm, scope));
    }
    return std::move(*verified);
}

/// The thumbprint of the key of the request's DPoP proof, for a token endpoint (no access token yet): empty
/// when the request has no DPoP header, an error when it has an invalid one (RFC 9449 §5).
jot::result<std::string> proof_key(const token_service& tokens, const std::string& origin,
                                   const httplib::Request& req) {
    const auto values = dpop_headers(req);
    if (values.empty()) return std::string();
    const auto proof = jot::dpop::single_proof(values);
    if (!proof) return proof.error();
    auto checked = tokens.proofs().verify(*proof, jot::dpop::request{req.method, request_uri(origin, req), {}, {}});
    if (!checked) return checked.error();
    return std::move(checked->jkt);
}

/// RFC 9449 §5.2: a token endpoint refuses a bad proof with error "invalid_dpop_proof".
void send_proof_error(httplib::Response& res, std::error_code why) {
    if (why == jot::errc::jti_store_unavailable) {
        res.set_header("Retry-After", "1");
        return send_json(res, 503, {{"error", "temporarily_unavailable"}});
    }
    res.set_header("Cache-Control", "no-store");
    send_json(res, 400, {{"error", "invalid_dpop_proof"}, {"error_description", why.message()}});
}

/// RFC 6749 §5.2 error response of the token endpoints.
void send_grant_error(httplib::Response& res, const char* error, const char* description) {
    res.set_header("Cache-Control", "no-store");
    send_json(res, 400, {{"error", error}, {"error_description", description}});
}

/// A JSON object body, or nullopt.
std::optional<json> json_body(const httplib::Request& req) {
    json body = json::parse(req.body, nullptr, /*allow_exceptions=*/false);
    if (!body.is_object()) return std::nullopt;
    return body;
}

std::string string_member(const json& o, const char* name) {
    const auto it = o.find(name);
    return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
}

/// Orders per user, kept by this instance only (revocations are what the instances share).
class order_book {
public:
    json list(const std::string& user) {
        std::lock_guard<std::mutex> lock(m_);
        const auto it = orders_.find(user);
        return it != orders_.end() ? it->second : json::array();
    }
    json add(const std::string& user, json item) {
        std::lock_guard<std::mutex> lock(m_);
        json order = {{"id", ++last_id_}, {"item", std::move(item)}};
        orders_[user].push_back(order);
        return order;
    }

private:
    std::mutex m_;
    std::map<std::string, json> orders_;
    long last_id_ = 0;
};

/// 503 for a store that cannot answer now.
void send_unavailable(httplib::Response& res) {
    res.set_header("Retry-After", "1");
    send_json(res, 503, {{"error", "temporarily_unavailable"},
                         {"error_description", "the session store cannot be reached; try again"}});
}

/// "redis", "redis-unreachable" or "memory".
std::string store_state(jot::jti_store& store) {
    auto* redis = dynamic_cast<jot::redis::jti_store*>(&store);
    if (!redis) return "memory";
    return redis->ping() ? "redis" : "redis-unreachable";
}

/// Registers a POST route, and keeps its handler in `posts` for a POST that has no body at all (see add_routes).
void post(httplib::Server& server, std::map<std::string, httplib::Server::Handler>& posts, const std::string& path,
          httplib::Server::Handler handler) {
    posts[path] = handler;
    server.Post(path, std::move(handler));
}

/// `origin` is this instance's "http://127.0.0.1:PORT", known once it listens (before the first request).
void add_routes(httplib::Server& server, const std::string& name, const std::string& origin, token_service& tokens,
                order_book& orders) {
    auto posts = std::make_shared<std::map<std::string, httplib::Server::Handler>>();
    server.Get("/health", [&, name](const httplib::Request&, httplib::Response& res) {
        send_json(res, 200, {{"instance", name}, {"store", store_state(tokens.store())}});
    });

    post(server, *posts, "/login", [&](const httplib::Request& req, httplib::Response& res) {
        const auto body = json_body(req);
        const auto scope = body ? check_password(string_member(*body, "user"), string_member(*body, "password"))
                                : std::nullopt;
        if (!scope) return send_grant_error(res, "invalid_grant", "unknown user or wrong password");
        // With a DPoP proof, the access token is bound to the proof's key (RFC 9449 §5, §6).
        const auto jkt = proof_key(tokens, origin, req);
        if (!jkt) return send_proof_error(res, jkt.error());
        // A new family; nothing is stored until a refresh token of it is used or the family is revoked.
        const std::string family = random_id(), refresh_id = random_id();
        res.set_header("Cache-Control", "no-store");
        send_json(res, 200, tokens.issue_pair(string_member(*body, "user"), *scope, family, refresh_id, *jkt));
    });

    post(server, *posts, "/refresh", [&](const httplib::Request& req, httplib::Response& res) {
        const auto body = json_body(req);
        const auto presented = tokens.refresh().verify(body ? string_member(*body, "refresh_token") : std::string());
        if (!presented) return send_grant_error(res, "invalid_grant", "the refresh token is not valid");
        const auto jkt = proof_key(tokens, origin, req);
        if (!jkt) return send_proof_error(res, jkt.error());
        const auto& c = presented->claims();
        const std::string family = c.get<std::string>("sid").value_or(""), id(c.id().value_or(""));
        const auto expires = std::chrono::time_point_cast<clock_type::duration>(c.expires_at().value());
        // Each refresh token is exchanged once (one atomic SET NX in Redis); its reuse revokes the family.
        if (auto r = tokens.rotation().rotate(family, id, expires, clock_type::now() + refresh_lifetime); !r) {
            if (r.error() == jot::errc::token_replayed) {
                std::fprintf(stderr, "refresh token reuse detected; session %s revoked\n", family.c_str());
                return send_grant_error(res, "invalid_grant", "refresh token reused; the session is revoked");
            }
            if (r.error() == jot::errc::token_revoked)
                return send_grant_error(res, "invalid_grant", "the session was revoked");
            return send_unavailable(res);  // fail closed: no new tokens while the store cannot answer
        }
        const std::string next = random_id();
        res.set_header("Cache-Control", "no-store");
        send_json(res, 200, tokens.issue_pair(std::string(c.subject().value_or("")),
                                              c.get<std::string>("scope").value_or(""), family, next, *jkt));
    });

    post(server, *posts, "/logout", [&](const httplib::Request& req, httplib::Response& res) {
        const auto token = authorize(tokens, origin, req, res);
        if (!token) return;
        const auto& c = token->claims();
        // Deny the token until its own "exp" (after which it fails anyway), and end its refresh family.
        const auto exp = std::chrono::time_point_cast<clock_type::duration>(c.expires_at().value());
        const auto revoked = tokens.store().revoke(access_purpose, c.id().value(), exp);
        const auto ended = tokens.rotation().revoke_family(c.get<std::string>("sid").value(),
                                                           clock_type::now() + refresh_lifetime);
        if (!revoked || !ended) return send_unavailable(res);  // the client should log out again
        res.status = 204;
    });

    server.Get("/orders", [&](const httplib::Request& req, httplib::Response& res) {
        const auto token = authorize(tokens, origin, req, res, "orders:read");
        if (!token) return;
        const std::string user(token->claims().subject().value());
        send_json(res, 200, {{"user", user}, {"orders", orders.list(user)}, {"served_by", name}});
    });

    post(server, *posts, "/orders", [&](const httplib::Request& req, httplib::Response& res) {
        const auto token = authorize(tokens, origin, req, res, "orders:write");
        if (!token) return;
        const auto body = json_body(req);
        if (!body || !body->contains("item")) return send_json(res, 400, {{"error", "expected {\"item\": ...}"}});
        send_json(res, 201, orders.add(std::string(token->claims().subject().value()), body->at("item")));
    });

    // A POST with neither Content-Length nor Transfer-Encoding has an empty body (RFC 9112 §6.3, last rule):
    // that is how `curl -X POST URL` sends a logout. cpp-httplib (0.11) would instead read until the client
    // closes the connection and, after its read timeout, answer 400 with an empty body. Such a request is
    // answered here, before the server reads a body, by the same handler with the body empty.
    server.set_pre_routing_handler([posts](const httplib::Request& req, httplib::Response& res) {
        if (req.method != "POST" || req.has_header("Content-Length") || req.has_header("Transfer-Encoding"))
            return httplib::Server::HandlerResponse::Unhandled;
        const auto route = posts->find(req.path);
        if (route == posts->end()) return httplib::Server::HandlerResponse::Unhandled;
        route->second(req, res);
        return httplib::Server::HandlerResponse::Handled;
    });
}

// -- start-up ------------------------------------------------------------------------------------------------

struct options {
    std::string secret_file, port_file, redis, redis_user, name = "api";
    int port = 8080;
    int redis_db = 0;
    jot::store_failure on_store_failure = jot::store_failure::reject;
};

std::optional<options> parse_args(int argc, char** argv) {
    options o;
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        if (i + 1 >= argc) return std::nullopt;
        const std::string v = argv[++i];
        if (a == "--secret-file") o.secret_file = v;
        else if (a == "--port") o.port = std::atoi(v.c_str());
        else if (a == "--port-file") o.port_file = v;
        else if (a == "--redis") o.redis = v;
        else if (a == "--redis-db") o.redis_db = std::atoi(v.c_str());
        else if (a == "--redis-user") o.redis_user = v;
        else if (a == "--store-failure" && (v == "reject" || v == "accept"))
            o.on_store_failure = v == "reject" ? jot::store_failure::reject : jot::store_failure::accept;
        else if (a == "--name") o.name = v;
        else return std::nullopt;
    }
    if (o.secret_file.empty()) return std::nullopt;
    return o;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

int run(const options& o) {
    // The secret is bytes: every octet counts, none is trimmed. Shorter than 32 octets is refused.
    const auto key = jot::hmac_key::create(jot::algorithm::hs256, read_file(o.secret_file));
    if (!key) {
        std::fprintf(stderr, "%s: %s\n", o.secret_file.c_str(), key.error().message().c_str());
        return 2;
    }
    std::shared_ptr<jot::jti_store> store;
    if (!o.redis.empty()) {
        const auto colon = o.redis.rfind(':');
        if (colon == std::string::npos) throw std::runtime_error("--redis wants HOST:PORT");
        jot::redis::options ro;
        ro.host = o.redis.substr(0, colon);
        ro.port = std::atoi(o.redis.c_str() + colon + 1);
        ro.database = o.redis_db;
        ro.user = o.redis_user;
        if (const char* pw = std::getenv("JOT_REDIS_PASSWORD")) ro.password = pw;
        ro.key_prefix = "jot-demo:";
        ro.connections = 4;
        auto redis = jot::redis::jti_store::make(ro);
        if (!redis) throw std::runtime_error("--redis: " + redis.error().message());
        store = std::move(*redis);
    } else {
        store = std::make_shared<jot::memory_jti_store>(1000000);
    }
    token_service tokens(*key, store, o.on_store_failure);
    order_book orders;

    httplib::Server server;
    server.set_payload_max_length(16 * 1024);
    server.set_logger([name = o.name](const httplib::Request& req, const httplib::Response& res) {
        std::fprintf(stderr, "[%s] %s %s -> %d\n", name.c_str(), req.method.c_str(), req.path.c_str(), res.status);
    });
    std::string origin;
    add_routes(server, o.name, origin, tokens, orders);

    const int port = o.port == 0 ? server.bind_to_any_port("127.0.0.1")
                                 : (server.bind_to_port("127.0.0.1", o.port) ? o.port : -1);
    if (port <= 0) {
        std::fprintf(stderr, "cannot listen on 127.0.0.1:%d\n", o.port);
        return 1;
    }
    origin = "http://127.0.0.1:" + std::to_string(port);
    std::fprintf(stderr, "[%s] listening on 127.0.0.1:%d, store: %s\n", o.name.c_str(), port,
                 store_state(*store).c_str());
    if (!o.port_file.empty()) {
        // Written last and renamed into place, so a reader never sees a partial number.
        const std::string tmp = o.port_file + ".tmp";
        std::ofstream(tmp) << port << "\n";
        std::rename(tmp.c_str(), o.port_file.c_str());
    }

    // SIGINT/SIGTERM stop the server: a thread waits for them (server.stop() is not async-signal-safe).
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    std::atomic<bool> signalled{false};
    std::thread waiter([&] {
        int sig = 0;
        sigwait(&stop_signals, &sig);
        signalled = true;
        server.stop();
    });
    const bool clean = server.listen_after_bind();
    if (!signalled) pthread_kill(waiter.native_handle(), SIGTERM); // the server stopped on its own: wake the waiter
    waiter.join();
    return clean ? 0 : 1;
}

} // namespace

int main(int argc, char** argv) {
    // Block the stop signals in every thread (the server's pool inherits this mask); one thread sigwaits.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
    // A write to a Redis connection the server closed must fail with EPIPE, not kill the process.
    signal(SIGPIPE, SIG_IGN);

    const auto o = parse_args(argc, argv);
    if (!o) {
        std::fprintf(stderr, "usage: %s --secret-file FILE [--port N] [--port-file FILE] [--redis HOST:PORT] "
                             "[--redis-db N] [--redis-user USER] [--store-failure reject|accept] [--name NAME]\n",
                     argv[0]);
        return 2;
    }
    try {
        return run(*o);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 1;
    }
}
