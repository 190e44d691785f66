// SPDX-License-Identifier: MIT
// The verifier's optional verified-token cache: a bounded, sharded LRU keyed by a keyed hash of the token.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <utility>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "../algorithm.hpp"
#include "../bytes.hpp"
#include "../error.hpp"
#include "claim_facts.hpp"
#include "../key_source.hpp"
#include "../hmac_key.hpp"
#include "../result.hpp"
#include "openssl.hpp"

namespace jot::detail {

/// Remembers tokens a verifier has accepted. The key of an entry is HMAC-SHA-256 of the exact token bytes
/// under a random key made for this cache alone, so no one can compute where a token lands, craft two
/// tokens that share an entry, or recognise another verifier's entries; a token that differs by one byte
/// (a forged signature, say) simply misses. Entries remember the key list they were verified under when the
/// verifier reads keys from a key_source, and the whole cache is emptied when that list changes. Bounded:
/// at most `capacity` entries in all, the least recently used dropped first. A cache of sharded_capacity
/// entries or more is split into shards with a lock and an LRU order each, so threads verifying different
/// tokens rarely wait for each other; recency is then kept per shard.
template <class Token>
class token_cache {
public:
    using digest = std::array<std::uint8_t, 32>;

    /// What a lookup returns: the verified token and its time claims.
    struct hit {
        Token token;
        time_claims times;
    };

    /// A cache of `capacity` entries (at least 1). Errors: errc::crypto_failure (no randomness).
    static result<std::shared_ptr<token_cache>> make(std::size_t capacity) {
        std::uint8_t secret[32];
        {
            openssl_error_scope errors;
            if (RAND_bytes(secret, sizeof secret) != 1) return errc::crypto_failure;
        }
        auto key = hmac_key::create(algorithm::hs256, bytes_view(secret, sizeof secret));
        OPENSSL_cleanse(secret, sizeof secret);
        if (!key) return key.error();
        return std::make_shared<token_cache>(private_tag{}, std::move(*key), capacity);
    }

    /// The entry key of `token`; false when hashing failed (the caller then verifies without the cache).
    bool digest_of(std::string_view token, digest& out) const {
        auto n = key_.sign(token, out.data(), out.size());
        return n && *n == out.size();
    }

    /// The entry for `d` verified under `keys` (nullptr: the verifier's fixed keys), made most recently used.
    std::optional<hit> find(const digest& d, const key_list* keys) {
        shard& s = shard_of(d);
        std::lock_guard<std::mutex> lock(s.mutex);
        auto it = s.index.find(d);
        if (it == s.index.end()) return std::nullopt;
        if (it->second->keys.get() != keys) {
            s.lru.erase(it->second);
            s.index.erase(it);
            return std::nullopt;
        }
        s.lru.splice(s.lru.begin(), s.lru, it->second);
        return hit{it->second->token, it->second->times};
    }

    /// Adds (or refreshes) the entry for `d`, dropping the shard's least recently used one when full.
    void insert(const digest& d, const Token& token, const time_claims& times, std::shared_ptr<const key_list> keys) {
        shard& s = shard_of(d);
        std::lock_guard<std::mutex> lock(s.mutex);
        auto it = s.index.find(d);
        if (it != s.index.end()) {
            s.lru.erase(it->second);
            s.index.erase(it);
        }
        s.lru.push_front(entry{d, token, times, std::move(keys)});
        s.index.emplace(d, s.lru.begin());
        while (s.lru.size() > s.capacity) {
            s.index.erase(s.lru.back().key);
            s.lru.pop_back();
        }
    }

    /// Drops the entry for `d`, if any.
    void erase(const digest& d) {
        shard& s = shard_of(d);
        std::lock_guard<std::mutex> lock(s.mutex);
        auto it = s.index.find(d);
        if (it == s.index.end()) return;
        s.lru.erase(it->second);
        s.index.erase(it);
    }

    /// Drops every entry.
    void clear() {
        for (std::size_t i = 0; i < shard_count_; ++i) {
            std::lock_guard<std::mutex> lock(shards_[i].mutex);
            shards_[i].index.clear();
            shards_[i].lru.clear();
        }
    }

    /// Empties the cache when a key source's list differs from the one seen last. The list seen last is held,
    /// so its address cannot be reused by a new list while it is compared against.
    void observe_keys(const std::shared_ptr<const key_list>& keys) {
        if (seen_raw_.load(std::memory_order_acquire) == keys.get()) return;
        {
            std::lock_guard<std::mutex> lock(seen_mutex_);
            if (seen_.get() == keys.get()) return;
            seen_ = keys;
            seen_raw_.store(keys.get(), std::memory_order_release);
        }
        clear();
    }

    /// Entries held now.
    std::size_t size() const {
        std::size_t n = 0;
        for (std::size_t i = 0; i < shard_count_; ++i) {
            std::lock_guard<std::mutex> lock(shards_[i].mutex);
            n += shards_[i].lru.size();
        }
        return n;
    }

private:
    struct private_tag {
        explicit private_tag() = default;
    };
    struct entry {
        digest key;
        Token token;
        time_claims times;
        std::shared_ptr<const key_list> keys;
    };
    struct digest_hash {
        // The digest is a MAC under a secret key, so any 8 of its bytes are a uniformly distributed hash.
        std::size_t operator()(const digest& d) const noexcept {
            std::uint64_t v;
            std::memcpy(&v, d.data(), sizeof v);
            return static_cast<std::size_t>(v);
        }
    };
    struct shard {
        mutable std::mutex mutex;
        std::list<entry> lru;  // most recently used first
        std::unordered_map<digest, typename std::list<entry>::iterator, digest_hash> index;
        std::size_t capacity = 0;
    };
    static constexpr std::size_t sharded_capacity = 256;
    static constexpr std::size_t shards = 8;

    /// Shards of mutable state; a shard is neither movable nor copyable (it holds a mutex).
    static std::unique_ptr<shard[]> make_shards(std::size_t count) { return std::make_unique<shard[]>(count); }

    hmac_key key_;
    std::size_t shard_count_;
    std::unique_ptr<shard[]> shards_;
    std::mutex seen_mutex_;
    std::shared_ptr<const key_list> seen_;
    std::atomic<const key_list*> seen_raw_{nullptr};

public:
    /// Only make() constructs a cache (the tag is private); public so std::make_shared can reach it.
    token_cache(private_tag, hmac_key key, std::size_t capacity)
        : key_(std::move(key)), shard_count_(capacity >= sharded_capacity ? shards : 1),
          shards_(make_shards(shard_count_)) {
        const std::size_t total = capacity == 0 ? 1 : capacity;
        for (std::size_t i = 0; i < shard_count_; ++i)
            shards_[i].capacity = total / shard_count_ + (i < total % shard_count_ ? 1 : 0);
    }

private:
    shard& shard_of(const digest& d) noexcept { return shards_[d[8] % shard_count_]; }
};

} // namespace jot::detail
