// SPDX-License-Identifier: MIT
// State the API instances share: revoked access tokens and refresh-token families, in Redis with an in-memory
// fallback for when Redis cannot be reached.
#pragma once

#include <chrono>
#include <cstdio>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

#include <hiredis/hiredis.h>

namespace api {

using clock = std::chrono::system_clock;

/// What an atomic compare-and-swap found.
enum class swap_outcome {
    absent,    ///< no such key: nothing written
    swapped,   ///< the value was the expected one and now holds the replacement
    mismatch,  ///< the value was something else and now holds the mismatch value
    settled,   ///< the value already was the mismatch value: nothing written
};

/// A tiny key-value interface with expiry: just what revocation and refresh rotation need. Every operation
/// returns nullopt when the store cannot answer (Redis unreachable), so the caller can fall back.
class kv_store {
public:
    virtual ~kv_store() = default;
    /// Sets `key` to `value` until `expires`.
    virtual std::optional<bool> put(const std::string& key, const std::string& value, clock::time_point expires) = 0;
    /// The values of two keys (empty string for an absent key), read at one instant.
    virtual std::optional<std::pair<std::string, std::string>> get2(const std::string& a, const std::string& b) = 0;
    /// Atomically: absent -> absent; == on_mismatch -> settled; == expected -> replacement; otherwise ->
    /// on_mismatch. Both writes expire at `expires`.
    virtual std::optional<swap_outcome> swap_if(const std::string& key, const std::string& expected,
                                                const std::string& replacement, const std::string& on_mismatch,
                                                clock::time_point expires) = 0;
};

/// The process's own copy. Always answers; expired entries are dropped as they are met and swept now and then.
class memory_kv final : public kv_store {
public:
    std::optional<bool> put(const std::string& key, const std::string& value, clock::time_point expires) override {
        std::lock_guard<std::mutex> lock(m_);
        entries_[key] = {value, expires};
        if (++writes_ % 1024 == 0) sweep();
        return true;
    }
    std::optional<std::pair<std::string, std::string>> get2(const std::string& a, const std::string& b) override {
        std::lock_guard<std::mutex> lock(m_);
        return std::make_pair(get(a), get(b));
    }
    std::optional<swap_outcome> swap_if(const std::string& key, const std::string& expected,
                                        const std::string& replacement, const std::string& on_mismatch,
                                        clock::time_point expires) override {
        std::lock_guard<std::mutex> lock(m_);
        const std::string v = get(key);
        if (v.empty()) return swap_outcome::absent;
        if (v == on_mismatch) return swap_outcome::settled;
        const bool match = entries_[key].value == expected;
        entries_[key] = {match ? replacement : on_mismatch, expires};
        return match ? swap_outcome::swapped : swap_outcome::mismatch;
    }

private:
    struct entry {
        std::string value;
        clock::time_point expires;
    };
    std::string get(const std::string& key) {
        const auto it = entries_.find(key);
        if (it == entries_.end()) return {};
        if (it->second.expires <= clock::now()) {
            entries_.erase(it);
            return {};
        }
        return it->second.value;
    }
    void sweep() {
        const auto now = clock::now();
        for (auto it = entries_.begin(); it != entries_.end();)
            it = it->second.expires <= now ? entries_.erase(it) : std::next(it);
    }

    std::mutex m_;
    std::unordered_map<std::string, entry> entries_;
    unsigned long writes_ = 0;
};

/// Redis through hiredis. One connection guarded by a mutex (a hiredis context is not thread-safe; a busy
/// service would keep a small pool). Every command has a short timeout; after a failure the connection is
/// dropped and retried at most once per retry interval, so a Redis outage costs each request little.
class redis_kv final : public kv_store {
public:
    redis_kv(std::string host, int port) : host_(std::move(host)), port_(port) {}
    redis_kv(const redis_kv&) = delete;
    redis_kv& operator=(const redis_kv&) = delete;

    /// True when a connection is up now (or could be made).
    bool reachable() {
        std::lock_guard<std::mutex> lock(m_);
        return connect();
    }

    std::optional<bool> put(const std::string& key, const std::string& value, clock::time_point expires) override {
        std::lock_guard<std::mutex> lock(m_);
        reply r = command("SET %b %b PX %lld", key.data(), key.size(), value.data(), value.size(), ttl_ms(expires));
        if (!r) return std::nullopt;
        return r->type == REDIS_REPLY_STATUS;
    }

    std::optional<std::pair<std::string, std::string>> get2(const std::string& a, const std::string& b) override {
        std::lock_guard<std::mutex> lock(m_);
        reply r = command("MGET %b %b", a.data(), a.size(), b.data(), b.size());
        if (!r || r->type != REDIS_REPLY_ARRAY || r->elements != 2) return std::nullopt;
        auto text = [](const redisReply* e) {
            return e->type == REDIS_REPLY_STRING ? std::string(e->str, e->len) : std::string();
        };
        return std::make_pair(text(r->element[0]), text(r->element[1]));
    }

    std::optional<swap_outcome> swap_if(const std::string& key, const std::string& expected,
                                        const std::string& replacement, const std::string& on_mismatch,
                                        clock::time_point expires) override {
        // A Lua script runs atomically in Redis, so two instances rotating the same family cannot both win.
        static constexpr const char* script =
            "local v = redis.call('GET', KEYS[1]) "
            "if not v then return 0 end "
            "if v == ARGV[3] then return 3 end "
            "if v == ARGV[1] then redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[4]) return 1 end "
            "redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[4]) return 2";
        const std::string ttl = std::to_string(ttl_ms(expires));
        std::lock_guard<std::mutex> lock(m_);
        reply r = command("EVAL %s 1 %b %b %b %b %b", script, key.data(), key.size(), expected.data(), expected.size(),
                          replacement.data(), replacement.size(), on_mismatch.data(), on_mismatch.size(), ttl.data(),
                          ttl.size());
        if (!r || r->type != REDIS_REPLY_INTEGER) return std::nullopt;
        switch (r->integer) {
        case 1: return swap_outcome::swapped;
        case 2: return swap_outcome::mismatch;
        case 3: return swap_outcome::settled;
        default: return swap_outcome::absent;
        }
    }

private:
    struct context_deleter {
        void operator()(redisContext* c) const noexcept { redisFree(c); }
    };
    struct reply_deleter {
        void operator()(redisReply* r) const noexcept { freeReplyObject(r); }
    };
    using reply = std::unique_ptr<redisReply, reply_deleter>;

    static long long ttl_ms(clock::time_point expires) {
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(expires - clock::now()).count();
        return ms > 0 ? ms : 1; // already expired: keep it a moment rather than send an invalid PX
    }

    /// Connects if not connected and the retry interval allows. Call with m_ held.
    bool connect() {
        if (ctx_) return true;
        const auto now = std::chrono::steady_clock::now();
        if (tried_ && now - last_try_ < retry_interval) return false;
        tried_ = true;
        last_try_ = now;
        const timeval timeout{0, 200 * 1000};
        std::unique_ptr<redisContext, context_deleter> c(redisConnectWithTimeout(host_.c_str(), port_, timeout));
        if (!c || c->err || redisSetTimeout(c.get(), timeout) != REDIS_OK) {
            std::fprintf(stderr, "redis %s:%d unreachable (%s); using the in-memory store\n", host_.c_str(), port_,
                         c ? c->errstr : "out of memory");
            return false;
        }
        ctx_ = std::move(c);
        return true;
    }

    /// Runs one command; on a connection error drops the connection and returns null. Call with m_ held.
    template <class... Args>
    reply command(const char* format, Args... args) {
        if (!connect()) return nullptr;
        reply r(static_cast<redisReply*>(redisCommand(ctx_.get(), format, args...)));
        if (!r || ctx_->err) {
            std::fprintf(stderr, "redis error (%s); using the in-memory store\n", ctx_->errstr);
            ctx_.reset();
            return nullptr;
        }
        if (r->type == REDIS_REPLY_ERROR) {
            std::fprintf(stderr, "redis replied: %.*s\n", static_cast<int>(r->len), r->str);
            return nullptr;
        }
        return r;
    }

    static constexpr std::chrono::seconds retry_interval{2};
    std::string host_;
    int port_;
    std::mutex m_;
    std::unique_ptr<redisContext, context_deleter> ctx_;
    bool tried_ = false;
    std::chrono::steady_clock::time_point last_try_{};
};

/// Revocations and refresh-token families. Every write goes to the local memory copy and, when reachable, to
/// Redis; reads ask Redis first and the memory copy when Redis cannot answer. With Redis up, all instances see
/// each other's revocations; with Redis down, each instance still honours its own.
class session_store {
public:
    enum class rotation {
        rotated,  ///< the presented token was current; `next` is now
        reused,   ///< the presented token had been rotated already: the family is revoked now
        revoked,  ///< the family was revoked before (logout, or an earlier reuse)
        unknown,  ///< no such family (expired, or never issued)
    };

    /// `redis` may be null: memory only.
    explicit session_store(std::unique_ptr<redis_kv> redis) : redis_(std::move(redis)) {}

    /// "redis" when Redis answers now, "memory" otherwise.
    const char* backend() { return redis_ && redis_->reachable() ? "redis" : "memory"; }

    /// Denies the access token `jti` until `expires`, its own "exp": after that the token is refused anyway.
    void revoke_token(const std::string& jti, clock::time_point expires) { put(deny_key(jti), "1", expires); }

    /// Starts a refresh-token family whose only valid member is `jti`.
    void start_family(const std::string& family, const std::string& jti, clock::time_point expires) {
        put(family_key(family), jti, expires);
    }

    /// Ends a family: no member refreshes, and its access tokens are refused.
    void revoke_family(const std::string& family, clock::time_point expires) {
        put(family_key(family), revoked, expires);
    }

    /// True when the access token `jti` was revoked, or its family was, according to Redis or to this
    /// process's own record (which also holds what was revoked here while Redis was away).
    bool is_revoked(const std::string& jti, const std::string& family) {
        auto says_revoked = [](const std::pair<std::string, std::string>& v) {
            return !v.first.empty() || v.second == revoked;
        };
        if (says_revoked(*memory_.get2(deny_key(jti), family_key(family)))) return true;
        if (!redis_) return false;
        const auto shared = redis_->get2(deny_key(jti), family_key(family));
        return shared && says_revoked(*shared);
    }

    /// Refresh-token rotation: when `presented` is the family's current token it is replaced by `next`.
    /// Presenting any other member of the family means a refresh token was used twice, by its owner and by
    /// someone who copied it, and nobody can tell which is which: the whole family is revoked.
    rotation rotate(const std::string& family, const std::string& presented, const std::string& next,
                    clock::time_point expires) {
        const std::string key = family_key(family);
        std::optional<swap_outcome> r;
        if (redis_) r = redis_->swap_if(key, presented, next, revoked, expires);
        if (r) {
            // Keep the local copy in step, for when Redis goes away.
            if (*r == swap_outcome::swapped || *r == swap_outcome::mismatch)
                memory_.put(key, *r == swap_outcome::swapped ? next : revoked, expires);
        } else {
            r = memory_.swap_if(key, presented, next, revoked, expires);
        }
        switch (*r) {
        case swap_outcome::swapped: return rotation::rotated;
        case swap_outcome::mismatch: return rotation::reused;
        case swap_outcome::settled: return rotation::revoked;
        case swap_outcome::absent: break;
        }
        return rotation::unknown;
    }

private:
    static constexpr const char* revoked = "revoked";
    static std::string deny_key(const std::string& jti) { return "jot-demo:deny:" + jti; }
    static std::string family_key(const std::string& family) { return "jot-demo:family:" + family; }

    void put(const std::string& key, const std::string& value, clock::time_point expires) {
        memory_.put(key, value, expires);
        if (redis_) redis_->put(key, value, expires);
    }

    memory_kv memory_;
    std::unique_ptr<redis_kv> redis_;
};

} // namespace api
