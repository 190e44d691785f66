// SPDX-License-Identifier: MIT
// A rotating JWK Set: keys fetched through a caller-supplied function, refreshed on a time-to-live and on
// unknown "kid"s (rate-limited), one fetch at a time, on the request thread or in the background, keeping
// working keys through failed refreshes.
#pragma once

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iterator>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include <nlohmann/json.hpp>

#include "detail/background_runner.hpp"
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

/// Where a jwks_source runs its refreshes.
enum class refresh_mode {
    /// On the thread of the verification that needs them (one at a time; the others keep the current keys).
    calling_thread,
    /// Off the request path: on a worker thread the source owns (or on jwks_source_options::executor). Once
    /// keys are loaded no verification waits for the network; only a source without usable keys (the cold
    /// start, or past max_stale) waits, at most cold_start_timeout.
    background,
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

    /// Where refreshes run. calling_thread keeps the behaviour of earlier versions.
    refresh_mode refresh = refresh_mode::calling_thread;
    /// background: a refresh starts this long before the keys expire (at most half their time-to-live before),
    /// so a slow provider is absorbed while the current keys are still fresh.
    std::chrono::seconds refresh_ahead{std::chrono::seconds(30)};
    /// background: how long a verification waits for keys when there are none usable (cold start).
    std::chrono::milliseconds cold_start_timeout{std::chrono::seconds(5)};
    /// background: runs each refresh job; empty means a worker thread the source owns and joins when it is
    /// destroyed. The executor must run every job it accepts (a job run after the source is gone does
    /// nothing); a throw from it counts as a failed refresh (errc::callback_failed).
    std::function<void(std::function<void()>)> executor;
    /// When not empty: the last good document is written here after every successful fetch (a temporary file
    /// renamed over it), and read at construction, so a restart during a provider outage still verifies
    /// (keys read from the file count as expired at once: they serve for max_stale while refreshes are tried).
    std::string cache_file;
};

/// What jwks_source::status() reports, for a health check.
struct jwks_source_status {
    bool has_keys = false;    ///< keys are served now (fresh, or stale within max_stale)
    bool stale = false;       ///< the keys served are past their time-to-live (refreshes are failing)
    bool refreshing = false;  ///< a fetch is in flight
    /// Time since the keys in force were fetched (or read from the cache file); empty before any.
    std::optional<std::chrono::milliseconds> age;
    std::error_code last_error;        ///< why the last refresh failed; empty after a success
    std::error_code cache_file_error;  ///< why the last write or read of cache_file failed; empty otherwise
    std::uint64_t fetches = 0;         ///< successful fetches
    std::uint64_t failures = 0;        ///< failed fetches
};

/// A key_source over a JWK Set that jot fetches through `fetch` (a function that GETs the issuer's
/// jwks_uri: jot::http::jwks_fetcher from the optional jot::http part, or your own). Thread-safe; share one
/// per issuer. With refresh_mode::calling_thread refreshes run on the thread of the verification that needs
/// them, one at a time: other threads keep using the current keys meanwhile, and wait only when there are no
/// usable keys at all (the very first load, or past max_stale). With refresh_mode::background they run on a
/// worker (see jwks_source_options::refresh): a verification never waits once keys are loaded, and an unknown
/// "kid" starts a rate-limited refresh whose keys serve the next tokens, not the one that asked.
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
          empty_(std::make_shared<const key_list>()), runner_(options_.executor) {
        if (!options_.cache_file.empty()) {
            std::lock_guard<std::mutex> lock(m_);
            cache_file_error_ = install_file(options_.cache_file);
        }
    }
    /// Stops the background worker: waits for a fetch in flight (bounded by the fetch's own timeouts).
    ~basic_jwks_source() override { runner_.stop(); }

    std::shared_ptr<const key_list> current_keys() const override {
        std::unique_lock<std::mutex> lock(m_);
        const time_point now = clock_.now();
        if (options_.refresh == refresh_mode::background) return current_keys_background(lock, now);
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
        if (options_.refresh == refresh_mode::background) {
            // Rate-limited like the calling-thread mode, but nothing waits: the token that asked is answered
            // from the keys in force (key_not_found), the refreshed keys serve the tokens after it.
            if (in_flight_ || (attempted_ && now < next_attempt_)) return nullptr;
            if (unknown_kid_refreshed_ && now < last_unknown_kid_refresh_ + options_.unknown_kid_cooldown) return nullptr;
            unknown_kid_refreshed_ = true;
            last_unknown_kid_refresh_ = now;
            schedule(lock);
            return nullptr;
        }
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

    /// Health of the source: whether keys are served, how old they are, and the last errors.
    jwks_source_status status() const {
        std::lock_guard<std::mutex> lock(m_);
        const time_point now = clock_.now();
        jwks_source_status st;
        st.has_keys = usable(now);
        st.stale = st.has_keys && now >= expires_at_;
        st.refreshing = in_flight_;
        if (set_) st.age = std::chrono::duration_cast<std::chrono::milliseconds>(now - loaded_at_);
        st.last_error = last_error_;
        st.cache_file_error = cache_file_error_;
        st.fetches = fetches_;
        st.failures = failures_;
        return st;
    }

    /// Writes the last good document to `path` (a temporary file renamed over it). Errors: errc::no_keys
    /// before any document was loaded; the std::errc of a failed write or rename.
    result<void> save(const std::string& path) const {
        std::string body;
        {
            std::lock_guard<std::mutex> lock(m_);
            if (!set_) return errc::no_keys;
            body = body_;
        }
        return write_file(path, body);
    }

    /// Reads a document written by save() (or any JWK Set) and serves its keys when the source has none
    /// yet; they count as expired at once, so they serve for max_stale while refreshes are tried. Errors:
    /// std::errc::no_such_file_or_directory, the document's parse error, errc::key_set_invalid when it holds
    /// no usable key, errc::invalid_argument when the source already has keys.
    result<void> load(const std::string& path) const {
        std::lock_guard<std::mutex> lock(m_);
        if (set_) return errc::invalid_argument;
        const std::error_code error = install_file(path);
        if (error) return error;
        return {};
    }

private:
    bool usable(time_point now) const { return set_ && now < expires_at_ + options_.max_stale; }

    std::shared_ptr<const key_list> current_keys_background(std::unique_lock<std::mutex>& lock, time_point now) const {
        const bool may_fetch = !in_flight_ && !(attempted_ && now < next_attempt_);
        if (usable(now)) {
            if (may_fetch && (!set_ || now >= refresh_at_)) schedule(lock);
            return keys_;
        }
        // No usable keys: the cold start (or past max_stale) waits, bounded, for a fetch; after a failed one,
        // until retry_after_failure, it fails closed at once.
        if (may_fetch) schedule(lock);
        if (in_flight_) cv_.wait_for(lock, options_.cold_start_timeout, [&] { return !in_flight_; });
        return usable(clock_.now()) ? keys_ : empty_;
    }

    // With the lock held and no fetch in flight: hands a fetch to the runner; returns with the lock held.
    void schedule(std::unique_lock<std::mutex>& lock) const {
        in_flight_ = true;
        attempted_ = true;
        lock.unlock();
        // The job may run inline (a caller's executor may do that), so no lock is held while posting.
        const bool posted = runner_.post([this] { fetch_and_store(); });
        lock.lock();
        if (!posted && in_flight_) {
            failed(clock_.now(), make_error_code(errc::callback_failed));
            in_flight_ = false;
            cv_.notify_all();
        }
    }

    // Called with the lock held and no fetch in flight; returns with the lock held.
    void run_fetch(std::unique_lock<std::mutex>& lock) const {
        in_flight_ = true;
        attempted_ = true;
        lock.unlock();
        fetch_and_store();
        lock.lock();
    }

    // Called without the lock, with in_flight_ set by the caller; clears it.
    void fetch_and_store() const {
        std::unique_lock<std::mutex> lock(m_, std::defer_lock);
        std::error_code error;
        std::shared_ptr<const jwk_set> fresh;
        std::string body;
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
                self->failed(self->clock_.now(), make_error_code(errc::crypto_failure));
                self->in_flight_ = false;
                self->cv_.notify_all();
                lock.unlock();
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
                body = std::move(doc->body);
            }
        }
        guard.done = true;
        // Not std::clamp: min_ttl > max_ttl is a caller's mistake, not undefined behaviour; min_ttl wins.
        ttl = std::max(options_.min_ttl, std::min(ttl, options_.max_ttl));
        std::error_code file_error;
        if (fresh && !options_.cache_file.empty()) file_error = write_file(options_.cache_file, body).error();
        lock.lock();
        const time_point now = clock_.now();
        if (fresh) {
            set_ = std::move(fresh);
            keys_ = set_->shared_keys();
            body_ = std::move(body);
            loaded_at_ = now;
            expires_at_ = now + ttl;
            refresh_at_ = expires_at_ - std::min<decltype(now - now)>(options_.refresh_ahead, ttl / 2);
            next_attempt_ = now;
            last_error_.clear();
            ++fetches_;
            if (!options_.cache_file.empty()) cache_file_error_ = file_error;
        } else {
            failed(now, error);
        }
        in_flight_ = false;
        cv_.notify_all();
    }

    void failed(time_point now, std::error_code error) const {
        next_attempt_ = now + options_.retry_after_failure;
        last_error_ = error;
        ++failures_;
    }

    // With the lock held: parses the file and serves its keys as expired now. Returns the error, if any.
    std::error_code install_file(const std::string& path) const {
        std::ifstream in(path, std::ios::binary);
        if (!in) return std::make_error_code(std::errc::no_such_file_or_directory);
        std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        auto parsed = jwk_set::parse<nlohmann::json>(body, options_.parse);
        if (!parsed) return parsed.error();
        if (parsed->empty()) return make_error_code(errc::key_set_invalid);
        set_ = std::make_shared<const jwk_set>(std::move(*parsed));
        keys_ = set_->shared_keys();
        body_ = std::move(body);
        loaded_at_ = expires_at_ = refresh_at_ = clock_.now();
        return {};
    }

    static result<void> write_file(const std::string& path, const std::string& body) {
        const std::string temporary = path + ".tmp";
        {
            std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
            if (!out || !out.write(body.data(), static_cast<std::streamsize>(body.size())) || !out.flush())
                return std::make_error_code(std::errc::io_error);
        }
        // rename() replaces the old file in one step: a crash mid-write never leaves a truncated cache.
        if (std::rename(temporary.c_str(), path.c_str()) != 0) return std::make_error_code(std::errc::io_error);
        return {};
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
    mutable std::string body_;
    mutable time_point loaded_at_{};
    mutable time_point refresh_at_{};
    mutable time_point expires_at_{};
    mutable time_point next_attempt_{};
    mutable time_point last_unknown_kid_refresh_{};
    mutable std::error_code last_error_;
    mutable std::error_code cache_file_error_;
    mutable std::uint64_t fetches_ = 0;
    mutable std::uint64_t failures_ = 0;
    // Last member: destroyed first, though the destructor already stopped it.
    mutable detail::background_runner runner_;
};

/// The rotating JWK Set source on the steady clock.
using jwks_source = basic_jwks_source<std::chrono::steady_clock>;

} // namespace jot
