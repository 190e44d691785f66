// SPDX-License-Identifier: MIT
// The jti store: revoked ids and "use once" ids with an expiry, behind one interface; an in-memory implementation.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "clock.hpp"
#include "error.hpp"
#include "result.hpp"

namespace jot {

/// Where a verifier, a refresh_rotation or a replay check keeps the ids ("jti", RFC 7519 §4.1.7) it must
/// remember until a token expires: ids revoked before their time (logout, a stolen token) and ids that may be
/// used once only (refresh tokens, one-time proofs such as DPoP's, RFC 9449 §11.1).
///
/// Every id lives in a `purpose` (e.g. "access", "refresh", "dpop"), so users of one store never see each
/// other's ids; revoked ids and used ids are kept apart as well. An entry expires at the time it was given, which
/// should be the token's own "exp": after it the token is refused anyway, so the store never grows with tokens
/// that are already dead.
///
/// Contract for implementations: thread-safe; each call answers or fails with a jot::errc, and never reports an
/// id as absent when it cannot tell (a lost connection is errc::jti_store_unavailable, never `false`). jot
/// catches an exception escaping a store it calls (as errc::jti_store_unavailable), but a store should not throw.
class jti_store {
public:
    using time_point = std::chrono::system_clock::time_point;

    virtual ~jti_store() = default;

    /// Revokes `id` of `purpose` until `until`; revoking again moves the end to the later time. A time already
    /// past succeeds without storing anything. Errors: jti_store_unavailable, jti_store_full, invalid_argument
    /// (an empty id).
    virtual result<void> revoke(std::string_view purpose, std::string_view id, time_point until) = 0;

    /// True when `id` of `purpose` is revoked now. Errors: jti_store_unavailable.
    virtual result<bool> is_revoked(std::string_view purpose, std::string_view id) = 0;

    /// Atomically records `id` of `purpose` until `until` if it is not recorded yet: true for the one caller
    /// that recorded it, false for every later one until `until` (a replay). Two callers racing on one id, on
    /// one machine or on many sharing a store, cannot both get true. Errors: jti_store_unavailable,
    /// jti_store_full, invalid_argument (an empty id, or `until` not in the future: such an id could not be
    /// remembered, so its single use could not be enforced).
    virtual result<bool> use_once(std::string_view purpose, std::string_view id, time_point until) = 0;
};

/// What a verifier does when its jti_store cannot answer (basic_verifier_builder::revocation).
enum class store_failure {
    reject,  ///< the default: fail closed, verify() returns errc::jti_store_unavailable
    accept,  ///< fail open: the token is accepted as if not revoked (availability over revocation)
};

/// How a verifier consults its jti_store.
struct revocation_options {
    std::string purpose = "access";                 ///< the store's namespace for this verifier's ids
    store_failure on_failure = store_failure::reject;
};

/// A jti_store in this process's memory: for one instance, and for tests. At most `max_entries` unexpired
/// entries (revoked and used ids together); expired ones are dropped as new ones come. When full it refuses a new
/// entry with errc::jti_store_full rather than forget a live one, which would let a revoked token back in or a
/// used id be used again. Several instances of a service each have their own: use a shared store (jot::redis) to
/// make a revocation hold on all of them.
template <class Clock = std::chrono::system_clock>
class basic_memory_jti_store final : public jti_store {
    static_assert(detail::is_jot_clock<Clock>::value,
                  "a jot clock needs now() returning a std::chrono::system_clock time point");

public:
    /// A store holding at most `max_entries` unexpired ids (0 is taken as 1).
    explicit basic_memory_jti_store(std::size_t max_entries = 100000, Clock clock = Clock{})
        : max_entries_(max_entries == 0 ? 1 : max_entries), clock_(std::move(clock)) {}

    result<void> revoke(std::string_view purpose, std::string_view id, time_point until) override {
        if (id.empty()) return errc::invalid_argument;
        const time_point now = clock_.now();
        if (until <= now) return {};
        std::lock_guard<std::mutex> lock(mutex_);
        drop_expired(now);
        std::string key = key_of(purpose, 'r', id);
        auto it = entries_.find(key);
        if (it != entries_.end()) {
            if (until > it->second) set_expiry(it, until);
            return {};
        }
        if (entries_.size() >= max_entries_) return errc::jti_store_full;
        add(std::move(key), until);
        return {};
    }

    result<bool> is_revoked(std::string_view purpose, std::string_view id) override {
        const time_point now = clock_.now();
        std::lock_guard<std::mutex> lock(mutex_);
        auto it = entries_.find(key_of(purpose, 'r', id));
        return it != entries_.end() && it->second > now;
    }

    result<bool> use_once(std::string_view purpose, std::string_view id, time_point until) override {
        if (id.empty()) return errc::invalid_argument;
        const time_point now = clock_.now();
        if (until <= now) return errc::invalid_argument;
        std::lock_guard<std::mutex> lock(mutex_);
        drop_expired(now);
        std::string key = key_of(purpose, 'u', id);
        if (entries_.count(key) != 0) return false;
        if (entries_.size() >= max_entries_) return errc::jti_store_full;
        add(std::move(key), until);
        return true;
    }

    /// Unexpired and not yet dropped entries held now.
    std::size_t size() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return entries_.size();
    }

private:
    using entry_map = std::unordered_map<std::string, time_point>;

    // Length-prefixed purpose, then the kind ('r' revoked, 'u' used), then the id: no two (purpose, kind, id)
    // triples share a key, whatever bytes they hold.
    static std::string key_of(std::string_view purpose, char kind, std::string_view id) {
        std::string k = std::to_string(purpose.size());
        k += ':';
        k.append(purpose.data(), purpose.size());
        k += kind;
        k.append(id.data(), id.size());
        return k;
    }

    void add(std::string key, time_point until) {
        auto it = entries_.emplace(std::move(key), until).first;
        by_expiry_.emplace(until, it->first);
    }

    void set_expiry(entry_map::iterator it, time_point until) {
        erase_from_order(it->first, it->second);
        it->second = until;
        by_expiry_.emplace(until, it->first);
    }

    void erase_from_order(const std::string& key, time_point at) {
        auto range = by_expiry_.equal_range(at);
        for (auto o = range.first; o != range.second; ++o)
            if (o->second == key) {
                by_expiry_.erase(o);
                return;
            }
    }

    // Expiry order makes dropping the dead entries cost O(log n) each, so a store of many ids stays cheap.
    void drop_expired(time_point now) {
        while (!by_expiry_.empty() && by_expiry_.begin()->first <= now) {
            entries_.erase(by_expiry_.begin()->second);
            by_expiry_.erase(by_expiry_.begin());
        }
    }

    std::size_t max_entries_;
    Clock clock_;
    mutable std::mutex mutex_;
    entry_map entries_;
    std::multimap<time_point, std::string> by_expiry_;
};

/// The in-memory jti_store on the system clock.
using memory_jti_store = basic_memory_jti_store<std::chrono::system_clock>;

} // namespace jot
