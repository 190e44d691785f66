// SPDX-License-Identifier: MIT
// jot::redis::jti_store: revoked and single-use ids shared by every instance of a service, in Redis (hiredis).
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <sys/time.h>

#include <hiredis/hiredis.h>
#if defined(JOT_REDIS_TLS)
#include <hiredis/hiredis_ssl.h>
#endif

#include "../error.hpp"
#include "../jti_store.hpp"
#include "../result.hpp"

namespace jot::redis {

/// TLS to Redis. Needs hiredis 1.0 or later built with TLS (the hiredis_ssl library) and JOT_REDIS_TLS defined,
/// which the jot::redis CMake target does when it finds hiredis_ssl. Debian 12's hiredis 0.14 has no TLS: reach
/// a TLS-only Redis through a local TLS tunnel instead (docs/guide-verifying.md, "Logout and revocation across
/// instances").
struct tls_options {
    bool enabled = false;
    std::string ca_file;      ///< PEM file of the CAs that may sign the server's certificate
    std::string cert_file;    ///< client certificate (PEM), when the server asks for one
    std::string key_file;     ///< its private key (PEM)
    std::string server_name;  ///< SNI and the name checked in the certificate; empty: the host
};

/// Where and how to reach Redis.
struct options {
    std::string host = "127.0.0.1";
    int port = 6379;
    std::string unix_socket;  ///< a path: connect through this socket instead of host:port
    std::string user;         ///< an ACL user (Redis 6+, "AUTH user password"); empty: "AUTH password"
    std::string password;     ///< empty: no AUTH
    int database = 0;         ///< SELECT'ed after connecting
    std::string key_prefix = "jot:";  ///< put before every key; one per service, so services sharing a Redis never meet
    std::size_t connections = 2;      ///< connections kept open; each carries one command at a time
    std::chrono::milliseconds connect_timeout{200};
    std::chrono::milliseconds command_timeout{200};
    /// After a connection fails, calls on it fail at once (errc::jti_store_unavailable) for this long before a new
    /// connection is tried, so an outage costs each request microseconds, not a timeout.
    std::chrono::milliseconds retry_interval{500};
    tls_options tls;
};

/// A jot::jti_store in Redis, so a revocation or a use made by one instance holds on all of them.
///
/// Keys: `<key_prefix><purpose>:r:<id>` for a revoked id and `<key_prefix><purpose>:u:<id>` for a used one, each
/// with the value "1" and a millisecond expiry (PX) at the time given, so Redis drops them itself when the token
/// they concern is dead. Every operation is one round trip: revoke is a short Lua script (it keeps the later
/// expiry), is_revoked is EXISTS, and use_once is `SET key 1 NX PX ms`, which Redis executes atomically, so of
/// two instances racing on one id exactly one gets true.
///
/// Thread-safe: calls take one of `options::connections` connections (a hiredis context serves one thread at a
/// time). A lost connection is reconnected (AUTH and SELECT again) after options::retry_interval. Errors are
/// never thrown: connection refused, a timeout, an error reply (wrong password, LOADING after a restart) are
/// errc::jti_store_unavailable, and last_error() says which. Durability is Redis's: without AOF or RDB
/// persistence a Redis restart forgets every revocation (see the guide).
class jti_store final : public ::jot::jti_store {
public:
    /// A store for `o`; connects lazily, on the first call. Errors: invalid_argument (no connections, a
    /// negative database, TLS asked for without TLS support compiled in, or an unusable TLS file).
    static result<std::shared_ptr<jti_store>> make(options o) {
        if (o.connections == 0 || o.database < 0) return errc::invalid_argument;
#if defined(JOT_REDIS_TLS)
        std::shared_ptr<redisSSLContext> ssl;
        if (o.tls.enabled) {
            redisInitOpenSSL();
            redisSSLContextError err = REDIS_SSL_CTX_NONE;
            auto opt = [](const std::string& s) { return s.empty() ? nullptr : s.c_str(); };
            redisSSLContext* raw = redisCreateSSLContext(opt(o.tls.ca_file), nullptr, opt(o.tls.cert_file),
                                                         opt(o.tls.key_file),
                                                         opt(o.tls.server_name.empty() ? o.host : o.tls.server_name),
                                                         &err);
            if (!raw) return errc::invalid_argument;
            ssl.reset(raw, redisFreeSSLContext);
        }
        return std::make_shared<jti_store>(private_tag{}, std::move(o), std::move(ssl));
#else
        if (o.tls.enabled) return errc::invalid_argument;
        return std::make_shared<jti_store>(private_tag{}, std::move(o));
#endif
    }

    jti_store(const jti_store&) = delete;
    jti_store& operator=(const jti_store&) = delete;

private:
    struct private_tag {
        explicit private_tag() = default;
    };

public:
    /// Only make() constructs a store (the tag is private); public so std::make_shared can reach it.
#if defined(JOT_REDIS_TLS)
    jti_store(private_tag, options o, std::shared_ptr<redisSSLContext> ssl)
        : o_(std::move(o)), pool_(o_.connections), ssl_(std::move(ssl)) {}
#else
    jti_store(private_tag, options o) : o_(std::move(o)), pool_(o_.connections) {}
#endif

    /// Errors: jti_store_unavailable, invalid_argument (an empty id, or a purpose with ':').
    result<void> revoke(std::string_view purpose, std::string_view id, time_point until) override {
        if (id.empty() || !valid_purpose(purpose)) return errc::invalid_argument;
        const long long ms = millis_until(until);
        if (ms <= 0) return {};
        // Keeps the later of the two expiries, in one atomic step (PTTL is -2 for a missing key).
        static constexpr std::string_view script =
            "if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) then "
            "redis.call('SET', KEYS[1], '1', 'PX', ARGV[1]) end return 1";
        const std::string key = key_of(purpose, 'r', id), px = std::to_string(ms);
        auto r = run({"EVAL", script, "1", key, px});
        if (!r) return r.error();
        if ((*r)->type != REDIS_REPLY_INTEGER) return unavailable("unexpected reply to EVAL");
        return {};
    }

    /// Errors: jti_store_unavailable, invalid_argument (a purpose with ':').
    result<bool> is_revoked(std::string_view purpose, std::string_view id) override {
        if (!valid_purpose(purpose)) return errc::invalid_argument;
        const std::string key = key_of(purpose, 'r', id);
        auto r = run({"EXISTS", key});
        if (!r) return r.error();
        if ((*r)->type != REDIS_REPLY_INTEGER) return unavailable("unexpected reply to EXISTS");
        return (*r)->integer != 0;
    }

    /// One `SET key 1 NX PX ms`. Errors: jti_store_unavailable, invalid_argument (an empty id, a purpose with ':',
    /// `until` not in the future).
    result<bool> use_once(std::string_view purpose, std::string_view id, time_point until) override {
        if (id.empty() || !valid_purpose(purpose)) return errc::invalid_argument;
        const long long ms = millis_until(until);
        if (ms <= 0) return errc::invalid_argument;
        const std::string key = key_of(purpose, 'u', id), px = std::to_string(ms);
        auto r = run({"SET", key, "1", "NX", "PX", px});
        if (!r) return r.error();
        if ((*r)->type == REDIS_REPLY_STATUS) return true;  // "OK": this call recorded it
        if ((*r)->type == REDIS_REPLY_NIL) return false;    // NX found it there
        return unavailable("unexpected reply to SET NX");
    }

    /// PING: whether Redis answers now (AUTH and SELECT included). Errors: jti_store_unavailable.
    result<void> ping() {
        auto r = run({"PING"});
        if (!r) return r.error();
        return {};
    }

    /// What went wrong last (empty when nothing has): for logs and health checks; never holds a password.
    std::string last_error() const {
        std::lock_guard<std::mutex> lock(error_mutex_);
        return last_error_;
    }

private:
    struct context_deleter {
        void operator()(redisContext* c) const noexcept { redisFree(c); }
    };
    struct reply_deleter {
        void operator()(redisReply* r) const noexcept { freeReplyObject(r); }
    };
    using context_ptr = std::unique_ptr<redisContext, context_deleter>;
    using reply_ptr = std::unique_ptr<redisReply, reply_deleter>;

    struct connection {
        std::mutex mutex;
        context_ptr ctx;
        bool failed = false;
        std::chrono::steady_clock::time_point failed_at{};
    };


    static bool valid_purpose(std::string_view p) noexcept { return p.find(':') == std::string_view::npos; }

    std::string key_of(std::string_view purpose, char kind, std::string_view id) const {
        std::string k;
        k.reserve(o_.key_prefix.size() + purpose.size() + 3 + id.size());
        k += o_.key_prefix;
        k.append(purpose.data(), purpose.size());
        k += ':';
        k += kind;
        k += ':';
        k.append(id.data(), id.size());
        return k;
    }

    static long long millis_until(time_point until) {
        return std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::system_clock::now()).count();
    }

    static timeval to_timeval(std::chrono::milliseconds d) {
        timeval tv{};
        tv.tv_sec = static_cast<decltype(tv.tv_sec)>(d.count() / 1000);
        tv.tv_usec = static_cast<decltype(tv.tv_usec)>(d.count() % 1000 * 1000);
        return tv;
    }

    std::error_code unavailable(std::string why) const {
        std::lock_guard<std::mutex> lock(error_mutex_);
        last_error_ = std::move(why);
        return make_error_code(errc::jti_store_unavailable);
    }

    /// Sends one command on an already connected context. Call with the connection's mutex held.
    static reply_ptr send(redisContext* c, const std::vector<std::string_view>& args) {
        std::vector<const char*> argv;
        std::vector<std::size_t> lens;
        argv.reserve(args.size());
        lens.reserve(args.size());
        for (auto a : args) {
            argv.push_back(a.data());
            lens.push_back(a.size());
        }
        return reply_ptr(static_cast<redisReply*>(
            redisCommandArgv(c, static_cast<int>(argv.size()), argv.data(), lens.data())));
    }

    /// True when the server had closed the connection (end of file, reset, broken pipe), as opposed to a
    /// timeout, after which the command may still run on the server and must not be sent again.
    static bool closed_by_peer(const redisContext& c) noexcept {
        if (c.err == REDIS_ERR_EOF) return true;
        if (c.err != REDIS_ERR_IO) return false;
        const std::string_view why(c.errstr);
        return why.find("reset by peer") != std::string_view::npos || why.find("Broken pipe") != std::string_view::npos;
    }

    /// Opens, authenticates and selects. Call with the connection's mutex held.
    result<void> open(connection& conn) {
        const timeval ct = to_timeval(o_.connect_timeout);
        context_ptr c(o_.unix_socket.empty() ? redisConnectWithTimeout(o_.host.c_str(), o_.port, ct)
                                             : redisConnectUnixWithTimeout(o_.unix_socket.c_str(), ct));
        if (!c) return unavailable("cannot allocate a hiredis context");
        if (c->err) return unavailable(std::string("connect: ") + c->errstr);
        if (redisSetTimeout(c.get(), to_timeval(o_.command_timeout)) != REDIS_OK)
            return unavailable("cannot set the command timeout");
#if defined(JOT_REDIS_TLS)
        if (ssl_ && redisInitiateSSLWithContext(c.get(), ssl_.get()) != REDIS_OK)
            return unavailable(std::string("TLS: ") + c->errstr);
#endif
        if (!o_.password.empty()) {
            auto r = o_.user.empty() ? send(c.get(), {"AUTH", o_.password})
                                     : send(c.get(), {"AUTH", o_.user, o_.password});
            if (!r) return unavailable(std::string("AUTH: ") + c->errstr);
            if (r->type == REDIS_REPLY_ERROR) return unavailable("AUTH refused: " + std::string(r->str, r->len));
        }
        if (o_.database != 0) {
            const std::string db = std::to_string(o_.database);
            auto r = send(c.get(), {"SELECT", db});
            if (!r) return unavailable(std::string("SELECT: ") + c->errstr);
            if (r->type == REDIS_REPLY_ERROR) return unavailable("SELECT refused: " + std::string(r->str, r->len));
        }
        conn.ctx = std::move(c);
        return {};
    }

    /// One command on one pooled connection, (re)connecting when allowed. Never throws: an allocation failure
    /// in here would terminate, like anywhere else in jot's no-throw paths.
    result<reply_ptr> run(const std::vector<std::string_view>& args) {
        connection& conn = pool_[next_.fetch_add(1, std::memory_order_relaxed) % pool_.size()];
        std::lock_guard<std::mutex> lock(conn.mutex);
        if (!conn.ctx) {
            const auto now = std::chrono::steady_clock::now();
            if (conn.failed && now - conn.failed_at < o_.retry_interval)
                return make_error_code(errc::jti_store_unavailable);
            if (auto r = open(conn); !r) {
                conn.failed = true;
                conn.failed_at = now;
                return r.error();
            }
            conn.failed = false;
        }
        reply_ptr r = send(conn.ctx.get(), args);
        if (!r && closed_by_peer(*conn.ctx)) {
            // A connection that was idle while Redis restarted is found closed on its first use. The command
            // never reached a live server, so it is sent once more on a new connection rather than failed.
            conn.ctx.reset();
            if (open(conn)) r = send(conn.ctx.get(), args);
        }
        if (!r) {
            // An I/O error or a timeout leaves the context unusable (hiredis sets err): start again later.
            auto ec = unavailable(std::string("redis: ") + (conn.ctx ? conn.ctx->errstr : "reconnect failed"));
            conn.ctx.reset();
            conn.failed = true;
            conn.failed_at = std::chrono::steady_clock::now();
            return ec;
        }
        if (r->type == REDIS_REPLY_ERROR) return unavailable("redis replied: " + std::string(r->str, r->len));
        return r;
    }

    options o_;
    std::vector<connection> pool_;
#if defined(JOT_REDIS_TLS)
    std::shared_ptr<redisSSLContext> ssl_;
#endif
    std::atomic<std::size_t> next_{0};
    mutable std::mutex error_mutex_;
    mutable std::string last_error_;
};

} // namespace jot::redis
