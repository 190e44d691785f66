// SPDX-License-Identifier: MIT
// A rotating JWK Set: keys fetched through a caller-supplied function, refreshed on a time-to-live and on
// unknown "kid"s (rate-limited), one fetch at a time, keeping working keys through failed refreshes.
#pragma once

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include <nlohmann/json.hpp>

#include "detail/user_code.hpp"
#include "error.hpp"
#include "jwks.hpp"
#include "key_source.hpp"
#include "result.hpp"

namespace jot {

/// What a fetch returns: the JWK Set document and, when the HTTP response said so (Cache-Control max-age),
/// how long it may be cached.
struct jwks_document {
    std::string body;
    std::optional<std::chrono::seconds> max_age;
};

/// Timing policy of a jwks_source. Every value is a std::chrono duration.
struct jwks_source_options {
    std::chrono::seconds default_ttl{std::chrono::minutes(5)};  ///< cache time when the fetch gives no max-age
    std::chrono::seconds min_ttl{std::chrono::seconds(30)};     ///< a smaller max-age is raised to this
    std::chrono::seconds max_ttl{std::chrono::hours(24)};       ///< a larger max-age is lowered to this
    /// At most one refresh for unknown kids per this period: a flood of invented kids costs the issuer one
    /// request per period, not one per token.
    std::chrono::seconds unknown_kid_cooldown{std::chrono::seconds(30)};
    /// After a failed fetch, the next attempt waits at least this long.
    std::chrono::seconds retry_after_failure{std::chrono::seconds(10)};
    /// How long past their time-to-live keys are still served while refreshes fail. After that the source
    /// serves no keys (verification fails closed) until a fetch succeeds.
    std::chrono::seconds max_stale{std::chrono::hours(1)};
    /// How documents are read (allowed algorithms, symmetric keys, bounds).
    jwk_set_options parse{};
};

/// A key_source over a JWK Set that jot fetches through `fetch` (jot has no HTTP client of its own; pass a
/// function that GETs the issuer's jwks_uri). Thread-safe; share one per issuer. Refreshes run on the
/// thread of the verification that needs them, one at a time: other threads keep using the current keys
/// meanwhile, and wait only when there are no usable keys at all (the very first load, or past max_stale).
///
/// A fetch that fails or throws (errc::callback_failed), a document that does not parse, or one with no
/// usable key counts as a failed refresh: the keys in force stay in force (up to max_stale) and last_error()
/// says what happened.
template <class Clock = std::chrono::steady_clock>
class basic_jwks_source final : public key_source {
public:
    using fetch_function = std::function<result<jwks_document>()>;
    using time_point = decltype(std::declval<const Clock&>().now());

    explicit basic_jwks_source(fetch_function fetch, jwks_source_options options = {}, Clock clock = Clock{})
        : fetch_(std::move(fetch)), options_(std::move(options)), clock_(std::move(clock)),
          empty_(std::make_shared<const key_list>()) {}

    std::shared_ptr<const key_list> current_keys() const override {
        std::unique_lock<std::mutex> lock(m_);
        const time_point now = clock_.now();
        if (set_ && now < expires_at_) return keys_;
        if (in_flight_) {
            if (usable(now)) return keys_;
            cv_.wait(lock, [&] { return !in_flight_; });
            return usable(clock_.now()) ? keys_ : empty_;
        }
        if (attempted_ && now < next_attempt_) return usable(now) ? keys_ : empty_;
        run_fetch(lock);
        return usable(clock_.now()) ? keys_ : empty_;
    }

    std::shared_ptr<const key_list> refresh_for_unknown_kid(std::string_view) const override {
        std::unique_lock<std::mutex> lock(m_);
        const time_point now = clock_.now();
        if (in_flight_) {
            const auto before = keys_;
            cv_.wait(lock, [&] { return !in_flight_; });
            return usable(clock_.now()) && keys_ != before ? keys_ : nullptr;
        }
        if (unknown_kid_refreshed_ && now < last_unknown_kid_refresh_ + options_.unknown_kid_cooldown) return nullptr;
        if (attempted_ && now < next_attempt_) return nullptr;
        unknown_kid_refreshed_ = true;
        last_unknown_kid_refresh_ = now;
        const auto before = keys_;
        run_fetch(lock);
        if (!usable(clock_.now()) || keys_ == before) return nullptr;
        return keys_;
    }

    /// Fetches now (e.g. at start-up, to fail fast on a wrong URL), unless a fetch is already running, in
    /// which case it waits for that one. Errors: the fetch's error, or the document's parse error, or
    /// errc::key_set_invalid when it holds no usable key.
    result<void> refresh() const {
        std::unique_lock<std::mutex> lock(m_);
        if (in_flight_) {
            cv_.wait(lock, [&] { return !in_flight_; });
        } else {
            run_fetch(lock);
        }
        if (last_error_) return last_error_;
        return {};
    }

    /// The key set last fetched successfully (null before the first success), to inspect skipped keys.
    std::shared_ptr<const jwk_set> current_set() const {
        std::lock_guard<std::mutex> lock(m_);
        return set_;
    }
    /// Why the last refresh failed; empty after a success.
    std::error_code last_error() const {
        std::lock_guard<std::mutex> lock(m_);
        return last_error_;
    }

private:
    bool usable(time_point now) const { return set_ && now < expires_at_ + options_.max_stale; }

    // Called with the lock held and no fetch in flight; returns with the lock held.
    void run_fetch(std::unique_lock<std::mutex>& lock) const {
        in_flight_ = true;
        attempted_ = true;
        lock.unlock();
        std::error_code error;
        std::shared_ptr<const jwk_set> fresh;
        std::chrono::seconds ttl = options_.default_ttl;
        // The fetch function is the caller's code: a throw from it is caught by call_user_code and counts as a
        // failed refresh (errc::callback_failed), keeping the keys in force. What else can throw here is an
        // allocation (std::bad_alloc); that must not leave in_flight_ set either, or every later caller would
        // wait forever: the guard marks the attempt failed on the way out.
        struct unwind_guard {
            const basic_jwks_source* self;
            std::unique_lock<std::mutex>& lock;
            bool done = false;
            ~unwind_guard() {
                if (done) return;
                lock.lock();
                self->next_attempt_ = self->clock_.now() + self->options_.retry_after_failure;
                self->in_flight_ = false;
                self->cv_.notify_all();
            }
        } guard{this, lock};
        {
            auto doc = fetch_ ? detail::call_user_code([this] { return fetch_(); },
                                                       [] { return result<jwks_document>(errc::callback_failed); })
                              : result<jwks_document>(errc::invalid_argument);
            if (!doc) {
                error = doc.error();
            } else {
                auto parsed = jwk_set::parse<nlohmann::json>(doc->body, options_.parse);
                if (!parsed) error = parsed.error();
                else if (parsed->empty()) error = make_error_code(errc::key_set_invalid);
                else fresh = std::make_shared<const jwk_set>(std::move(*parsed));
                if (doc->max_age) ttl = *doc->max_age;
            }
        }
        guard.done = true;
        // Not std::clamp: min_ttl > max_ttl is a caller's mistake, not undefined behaviour; min_ttl wins.
        ttl = std::max(options_.min_ttl, std::min(ttl, options_.max_ttl));
        lock.lock();
        const time_point now = clock_.now();
        if (fresh) {
            set_ = std::move(fresh);
            keys_ = set_->shared_keys();
            expires_at_ = now + ttl;
            next_attempt_ = now;
            last_error_.clear();
        } else {
            next_attempt_ = now + options_.retry_after_failure;
            last_error_ = error;
        }
        in_flight_ = false;
        cv_.notify_all();
    }

    fetch_function fetch_;
    jwks_source_options options_;
    Clock clock_;
    std::shared_ptr<const key_list> empty_;

    mutable std::mutex m_;
    mutable std::condition_variable cv_;
    mutable bool in_flight_ = false;
    mutable bool attempted_ = false;
    mutable bool unknown_kid_refreshed_ = false;
    mutable std::shared_ptr<const jwk_set> set_;
    mutable std::shared_ptr<const key_list> keys_;
    mutable time_point expires_at_{};
    mutable time_point next_attempt_{};
    mutable time_point last_unknown_kid_refresh_{};
    mutable std::error_code last_error_;
};

/// The rotating JWK Set source on the steady clock.
using jwks_source = basic_jwks_source<std::chrono::steady_clock>;

} // namespace jot
