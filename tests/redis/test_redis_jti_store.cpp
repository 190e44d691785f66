// SPDX-License-Identifier: MIT
// Tests for jot::redis::jti_store against a real redis-server that each test starts on a free port and stops:
// the operations, AUTH (password and ACL user), database number, key prefixes, racing connections, and Redis
// stopped and restarted under a verifier. Exits 77 (skipped) when redis-server is not installed.
#include <signal.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <hiredis/hiredis.h>

#include <jot/builder.hpp>
#include <jot/hmac_key.hpp>
#include <jot/redis/jti_store.hpp>
#include <jot/refresh_rotation.hpp>
#include <jot/verifier.hpp>

#if __has_include(<catch2/catch_session.hpp>)
#include <catch2/catch_session.hpp>
#include <catch2/catch_test_macros.hpp>
#else
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>
#endif

namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::system_clock;

std::string redis_server_program() {
    const char* p = std::getenv("JOT_REDIS_SERVER");
    return p && *p ? p : "";
}

/// A port nothing listens on now: bind port 0 and read what the kernel chose.
int free_port() {
    const int s = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    socklen_t len = sizeof a;
    if (s < 0 || ::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len) != 0)
        throw std::runtime_error("no free port");
    ::close(s);
    return ntohs(a.sin_port);
}

/// A private redis-server in a temporary folder, with AOF persistence fsynced on every write, so a restart
/// keeps what was written (the "nothing revoked comes back" test needs that).
class redis_server {
public:
    explicit redis_server(std::vector<std::string> extra = {}) : port_(free_port()), extra_(std::move(extra)) {
        char dir[] = "/tmp/jot-redis-test.XXXXXX";
        if (!::mkdtemp(dir)) throw std::runtime_error("mkdtemp");
        dir_ = dir;
        start();
    }
    ~redis_server() {
        stop();
        std::system(("rm -rf '" + dir_ + "'").c_str());
    }
    redis_server(const redis_server&) = delete;
    redis_server& operator=(const redis_server&) = delete;

    int port() const { return port_; }

    void start() {
        std::vector<std::string> args = {redis_server_program(), "--port", std::to_string(port_), "--bind", "127.0.0.1",
                                         "--dir", dir_, "--save", "", "--appendonly", "yes", "--appendfsync", "always",
                                         "--logfile", dir_ + "/redis.log"};
        args.insert(args.end(), extra_.begin(), extra_.end());
        pid_ = ::fork();
        if (pid_ == 0) {
            std::vector<char*> argv;
            for (auto& a : args) argv.push_back(&a[0]);
            argv.push_back(nullptr);
            ::execv(argv[0], argv.data());
            ::_exit(127);
        }
        for (int i = 0; i < 200; ++i) {
            if (answers()) return;
            std::this_thread::sleep_for(25ms);
        }
        throw std::runtime_error("redis-server did not start");
    }

    void stop() {
        if (pid_ <= 0) return;
        ::kill(pid_, SIGTERM);
        int status = 0;
        ::waitpid(pid_, &status, 0);
        pid_ = -1;
    }

    /// A raw command on a fresh connection (authenticated when `auth` is given), for checking what the store
    /// wrote; returns the reply as text ("(nil)", an integer, a status or a string).
    std::string command(const std::vector<std::string>& args, const std::vector<std::string>& auth = {}) const {
        redisContext* c = redisConnect("127.0.0.1", port_);
        if (!c || c->err) {
            if (c) redisFree(c);
            return "(no connection)";
        }
        auto run = [c](const std::vector<std::string>& a) {
            std::vector<const char*> argv;
            std::vector<size_t> lens;
            for (const auto& s : a) {
                argv.push_back(s.data());
                lens.push_back(s.size());
            }
            auto* r = static_cast<redisReply*>(redisCommandArgv(c, static_cast<int>(a.size()), argv.data(), lens.data()));
            std::string out = "(null)";
            if (r) {
                if (r->type == REDIS_REPLY_INTEGER) out = std::to_string(r->integer);
                else if (r->type == REDIS_REPLY_NIL) out = "(nil)";
                else if (r->str) out = std::string(r->str, r->len);
                freeReplyObject(r);
            }
            return out;
        };
        if (!auth.empty()) {
            std::vector<std::string> a = {"AUTH"};
            a.insert(a.end(), auth.begin(), auth.end());
            run(a);
        }
        std::string out = run(args);
        redisFree(c);
        return out;
    }

private:
    bool answers() const {
        const std::string r = command({"PING"});
        return r == "PONG" || r.rfind("NOAUTH", 0) == 0;
    }

    int port_;
    std::vector<std::string> extra_;
    std::string dir_;
    pid_t pid_ = -1;
};

jot::redis::options options_for(const redis_server& s) {
    jot::redis::options o;
    o.port = s.port();
    o.retry_interval = 100ms;
    return o;
}

clock_type::time_point in(std::chrono::milliseconds d) { return clock_type::now() + d; }

const std::string secret = "a secret for the redis store tests";
jot::hmac_key signing_key() { return jot::hmac_key::create(jot::algorithm::hs256, secret).value(); }
std::string token(const std::string& id) {
    return jot::builder().subject("alice").id(id).issued_now().expires_in(10min).sign(signing_key()).value();
}

} // namespace

TEST_CASE("redis jti store revokes, answers and expires ids", "[redis_jti_store][positive]") {
    redis_server server;
    auto store = jot::redis::jti_store::make(options_for(server)).value();
    REQUIRE(store->ping().has_value());
    REQUIRE(store->is_revoked("access", "a").value() == false);
    REQUIRE(store->revoke("access", "a", in(60s)).has_value());
    REQUIRE(store->is_revoked("access", "a").value() == true);
    REQUIRE(store->is_revoked("access", "b").value() == false);
    REQUIRE(store->is_revoked("refresh", "a").value() == false);
    // The key layout the docs give, with an expiry at the given time.
    REQUIRE(server.command({"EXISTS", "jot:access:r:a"}) == "1");
    const long pttl = std::stol(server.command({"PTTL", "jot:access:r:a"}));
    REQUIRE(pttl > 55000);
    REQUIRE(pttl <= 60000);
    // A shorter revocation keeps the later end.
    REQUIRE(store->revoke("access", "a", in(5s)).has_value());
    REQUIRE(std::stol(server.command({"PTTL", "jot:access:r:a"})) > 50000);
    // An entry disappears at its time.
    REQUIRE(store->revoke("access", "short", in(300ms)).has_value());
    REQUIRE(store->is_revoked("access", "short").value() == true);
    std::this_thread::sleep_for(450ms);
    REQUIRE(store->is_revoked("access", "short").value() == false);
    // A past time is a no-op, and bad arguments are refused before any round trip.
    REQUIRE(store->revoke("access", "past", in(-1s)).has_value());
    REQUIRE(store->is_revoked("access", "past").value() == false);
    REQUIRE(store->revoke("access", "", in(1s)).error() == jot::errc::invalid_argument);
    REQUIRE(store->revoke("bad:purpose", "x", in(1s)).error() == jot::errc::invalid_argument);
}

TEST_CASE("redis jti store lets an id be used once until its expiry", "[redis_jti_store][positive]") {
    redis_server server;
    auto store = jot::redis::jti_store::make(options_for(server)).value();
    REQUIRE(store->use_once("dpop", "p1", in(400ms)).value() == true);
    REQUIRE(store->use_once("dpop", "p1", in(60s)).value() == false);
    REQUIRE(store->use_once("dpop", "p2", in(60s)).value() == true);
    REQUIRE(store->is_revoked("dpop", "p1").value() == false);  // used is not revoked
    REQUIRE(server.command({"EXISTS", "jot:dpop:u:p1"}) == "1");
    std::this_thread::sleep_for(550ms);
    REQUIRE(store->use_once("dpop", "p1", in(60s)).value() == true);
    REQUIRE(store->use_once("dpop", "p3", in(-1ms)).error() == jot::errc::invalid_argument);
}

TEST_CASE("redis jti store authenticates with a password and refuses a wrong one", "[redis_jti_store][auth]") {
    redis_server server({"--requirepass", "s3cret-pass"});
    auto o = options_for(server);
    auto anonymous = jot::redis::jti_store::make(o).value();
    REQUIRE(anonymous->is_revoked("access", "a").error() == jot::errc::jti_store_unavailable);
    REQUIRE(anonymous->last_error().find("NOAUTH") != std::string::npos);
    o.password = "wrong";
    auto wrong = jot::redis::jti_store::make(o).value();
    REQUIRE(wrong->ping().error() == jot::errc::jti_store_unavailable);
    REQUIRE(wrong->last_error().find("AUTH refused") != std::string::npos);
    REQUIRE(wrong->last_error().find("wrong") == std::string::npos);  // never the password
    o.password = "s3cret-pass";
    auto right = jot::redis::jti_store::make(o).value();
    REQUIRE(right->revoke("access", "a", in(60s)).has_value());
    REQUIRE(right->is_revoked("access", "a").value() == true);
}

TEST_CASE("redis jti store authenticates as an ACL user limited to its prefix", "[redis_jti_store][auth]") {
    redis_server server;
    REQUIRE(server.command({"ACL", "SETUSER", "orders", "on", ">orders-pass", "~svc-orders:*", "+@all"}) == "OK");
    auto o = options_for(server);
    o.user = "orders";
    o.password = "orders-pass";
    o.key_prefix = "svc-orders:";
    auto store = jot::redis::jti_store::make(o).value();
    REQUIRE(store->revoke("access", "a", in(60s)).has_value());
    REQUIRE(store->is_revoked("access", "a").value() == true);
    REQUIRE(server.command({"EXISTS", "svc-orders:access:r:a"}) == "1");
    // The same user outside its key pattern is refused by Redis: the store reports unavailable, not "absent".
    o.key_prefix = "other:";
    auto outside = jot::redis::jti_store::make(o).value();
    REQUIRE(outside->is_revoked("access", "a").error() == jot::errc::jti_store_unavailable);
    REQUIRE(outside->last_error().find("NOPERM") != std::string::npos);
    o.password = "nope";
    REQUIRE(jot::redis::jti_store::make(o).value()->ping().error() == jot::errc::jti_store_unavailable);
}

TEST_CASE("redis jti store uses the database number and key prefix it is given", "[redis_jti_store][isolation]") {
    redis_server server;
    auto o = options_for(server);
    o.database = 3;
    o.key_prefix = "svc-a:";
    auto a3 = jot::redis::jti_store::make(o).value();
    o.key_prefix = "svc-b:";
    auto b3 = jot::redis::jti_store::make(o).value();
    o.database = 0;
    o.key_prefix = "svc-a:";
    auto a0 = jot::redis::jti_store::make(o).value();
    REQUIRE(a3->revoke("access", "x", in(60s)).has_value());
    REQUIRE(a3->use_once("dpop", "y", in(60s)).value() == true);
    REQUIRE(a3->is_revoked("access", "x").value() == true);
    REQUIRE(b3->is_revoked("access", "x").value() == false);
    REQUIRE(b3->use_once("dpop", "y", in(60s)).value() == true);
    REQUIRE(a0->is_revoked("access", "x").value() == false);
    REQUIRE(server.command({"EXISTS", "svc-a:access:r:x"}) == "0");  // database 0
    REQUIRE(server.command({"DBSIZE"}) == "0");
    REQUIRE(jot::redis::jti_store::make([] { jot::redis::options bad; bad.database = -1; return bad; }()).error() ==
            jot::errc::invalid_argument);
#if !defined(JOT_REDIS_TLS)
    jot::redis::options tls = options_for(server);
    tls.tls.enabled = true;
    REQUIRE(jot::redis::jti_store::make(tls).error() == jot::errc::invalid_argument);
#endif
}

TEST_CASE("redis jti store lets exactly one of two racing connections use an id", "[redis_jti_store][threads]") {
    redis_server server;
    auto o = options_for(server);
    o.connections = 1;
    // Two stores with a connection each, as two instances of a service would have.
    auto first = jot::redis::jti_store::make(o).value();
    auto second = jot::redis::jti_store::make(o).value();
    for (int round = 0; round < 50; ++round) {
        const std::string id = "refresh-" + std::to_string(round);
        std::atomic<int> winners{0}, losers{0}, errors{0};
        std::atomic<bool> go{false};
        auto race = [&](jot::redis::jti_store& s) {
            while (!go.load()) std::this_thread::yield();
            auto r = s.use_once("refresh", id, in(60s));
            if (!r) ++errors;
            else if (*r) ++winners;
            else ++losers;
        };
        std::thread a(race, std::ref(*first)), b(race, std::ref(*second));
        go = true;
        a.join();
        b.join();
        REQUIRE(errors == 0);
        REQUIRE(winners == 1);
        REQUIRE(losers == 1);
    }
}

TEST_CASE("a revocation through one redis store is refused by another instance's caching verifier",
          "[redis_jti_store][verifier]") {
    redis_server server;
    auto instance_a = jot::redis::jti_store::make(options_for(server)).value();
    auto instance_b = jot::redis::jti_store::make(options_for(server)).value();
    const auto verifier_b =
        jot::verifier_builder().key(signing_key()).revocation(instance_b).require_jti().cache(64).build().value();
    const std::string t = token("logout-me");
    REQUIRE(verifier_b.verify(t).has_value());
    REQUIRE(verifier_b.verify(t).has_value());  // cached on B now
    REQUIRE(instance_a->revoke("access", "logout-me", in(10min)).has_value());
    REQUIRE(verifier_b.verify(t).error() == jot::errc::token_revoked);
}

TEST_CASE("with redis stopped the store fails closed without throwing, and after a restart nothing revoked comes back",
          "[redis_jti_store][fault]") {
    redis_server server;
    auto store = jot::redis::jti_store::make(options_for(server)).value();
    const auto closed = jot::verifier_builder().key(signing_key()).revocation(store).require_jti().cache(64).build().value();
    jot::revocation_options open_policy;
    open_policy.on_failure = jot::store_failure::accept;
    const auto open = jot::verifier_builder().key(signing_key()).revocation(store, open_policy).build().value();
    const jot::refresh_rotation rotation(store);

    const std::string revoked = token("revoked-before"), live = token("live");
    REQUIRE(store->revoke("access", "revoked-before", in(10min)).has_value());
    REQUIRE(rotation.rotate("family-1", "refresh-1", in(10min), in(1h)).has_value());
    REQUIRE(closed.verify(live).has_value());
    REQUIRE(closed.verify(revoked).error() == jot::errc::token_revoked);

    server.stop();
    REQUIRE(store->is_revoked("access", "revoked-before").error() == jot::errc::jti_store_unavailable);
    REQUIRE(store->revoke("access", "x", in(1min)).error() == jot::errc::jti_store_unavailable);
    REQUIRE(store->use_once("refresh", "x", in(1min)).error() == jot::errc::jti_store_unavailable);
    REQUIRE(closed.verify(live).error() == jot::errc::jti_store_unavailable);     // a cache hit, fail closed
    REQUIRE(closed.verify(revoked).error() == jot::errc::jti_store_unavailable);  // still not accepted
    REQUIRE(open.verify(live).has_value());                                      // the fail-open policy
    REQUIRE(rotation.rotate("family-1", "refresh-2", in(10min), in(1h)).error() == jot::errc::jti_store_unavailable);
    // Within the retry interval a call fails at once instead of waiting for a connect timeout.
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < 100; ++i) REQUIRE(!store->is_revoked("access", "live"));
    REQUIRE(std::chrono::steady_clock::now() - t0 < 1s);

    server.start();
    std::this_thread::sleep_for(150ms);  // past the retry interval
    // Both pooled connections reconnect; the AOF kept the revocation and the used refresh token.
    for (int i = 0; i < 4; ++i) {
        REQUIRE(closed.verify(revoked).error() == jot::errc::token_revoked);
        REQUIRE(closed.verify(live).has_value());
    }
    REQUIRE(rotation.rotate("family-1", "refresh-1", in(10min), in(1h)).error() == jot::errc::token_replayed);
    REQUIRE(rotation.family_revoked("family-1").value() == true);
}

int main(int argc, char** argv) {
    const std::string program = redis_server_program();
    if (program.empty() || ::access(program.c_str(), X_OK) != 0) {
        std::puts("redis-server not found (set JOT_REDIS_SERVER): skipped");
        return 77;
    }
    ::signal(SIGPIPE, SIG_IGN);
    return Catch::Session().run(argc, argv);
}
