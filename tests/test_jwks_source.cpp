// SPDX-License-Identifier: MIT
// Tests for jot/jwks_source.hpp: the rotating JWK Set on a fake clock and a scripted fetch function (time-to-live,
// max-age, failed and slow fetches, stale keys up to max_stale, unknown kids with a cooldown, a single fetch).
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include <jot/algorithm.hpp>
#include <jot/error.hpp>
#include <jot/jwk.hpp>
#include <jot/jwks.hpp>
#include <jot/jwks_source.hpp>
#include <jot/key_source.hpp>
#include <jot/private_key.hpp>

#include "catch.hpp"

namespace {

using json = nlohmann::json;
using jot::algorithm;
using jot::errc;
using namespace std::chrono_literals;
using std::chrono::seconds;

/// A clock the test moves by hand. Copies share the time, so the source's copy follows the test's.
struct fake_clock {
    std::shared_ptr<std::atomic<std::int64_t>> at = std::make_shared<std::atomic<std::int64_t>>(1'000'000);
    std::chrono::steady_clock::time_point now() const {
        return std::chrono::steady_clock::time_point(seconds(at->load()));
    }
    void advance(seconds s) const { at->fetch_add(s.count()); }
};

using source = jot::basic_jwks_source<fake_clock>;

/// A scripted identity provider: what the next fetches answer, and how many fetches there were.
struct issuer {
    std::atomic<int> calls{0};
    std::mutex m;
    std::string body;
    std::optional<seconds> max_age;
    std::error_code error;                 // when set, fetches fail with it
    bool throws = false;                   // when set, fetches throw
    std::function<void()> during_fetch;    // run inside each fetch, before it answers (no lock held)

    void serve(std::string b, std::optional<seconds> age = std::nullopt) {
        std::lock_guard<std::mutex> g(m);
        body = std::move(b);
        max_age = age;
        error.clear();
        throws = false;
    }
    void fail(std::error_code e) {
        std::lock_guard<std::mutex> g(m);
        error = e;
    }
    void on_fetch(std::function<void()> f) {
        std::lock_guard<std::mutex> g(m);
        during_fetch = std::move(f);
    }

    jot::result<jot::jwks_document> fetch() {
        ++calls;
        std::function<void()> hook;
        {
            std::lock_guard<std::mutex> g(m);
            hook = during_fetch;
        }
        if (hook) hook();
        std::lock_guard<std::mutex> g(m);
        if (throws) throw std::runtime_error("connection reset");
        if (error) return error;
        return jot::jwks_document{body, max_age};
    }
};

source::fetch_function fetch_from(const std::shared_ptr<issuer>& idp) {
    return [idp] { return idp->fetch(); };
}

// ES256 keys (fast to generate), made once per run.
const jot::private_key& key_a() {
    static const auto k = jot::private_key::generate(algorithm::es256, "a").value();
    return k;
}
const jot::private_key& key_b() {
    static const auto k = jot::private_key::generate(algorithm::es256, "b").value();
    return k;
}

/// The JWK Set text of the public halves of `keys`.
std::string jwks(std::initializer_list<const jot::private_key*> keys) {
    json doc = {{"keys", json::array()}};
    for (const auto* k : keys) doc["keys"].push_back(jot::to_jwk(k->public_key().value()).value());
    return doc.dump();
}
const std::string set_a = jwks({&key_a()});
const std::string set_b = jwks({&key_b()});
const std::string set_ab = jwks({&key_a(), &key_b()});

/// The kids of a key list, in order; "null" for a null list.
std::vector<std::string> kids(const std::shared_ptr<const jot::key_list>& keys) {
    if (!keys) return {"null"};
    std::vector<std::string> out;
    for (const auto& k : *keys) out.emplace_back(k->key_id());
    return out;
}
const std::vector<std::string> a = {"a"};
const std::vector<std::string> b = {"b"};
const std::vector<std::string> ab = {"a", "b"};

/// True when one of `keys` verifies a signature that `signer` makes.
bool any_verifies(const std::shared_ptr<const jot::key_list>& keys, const jot::private_key& signer) {
    const std::string input = "eyJhbGciOiJFUzI1NiJ9.cm90YXRpb24";
    std::vector<std::uint8_t> sig(signer.max_signature_size());
    const auto n = signer.sign(input, sig.data(), sig.size());
    REQUIRE(n.has_value());
    for (const auto& k : *keys)
        if (k->verify(input, jot::bytes_view(sig.data(), *n))) return true;
    return false;
}

/// Explicit timing options, so each test reads against the numbers it uses.
jot::jwks_source_options timing() {
    jot::jwks_source_options o;
    o.default_ttl = 300s;
    o.min_ttl = 30s;
    o.max_ttl = 24h;
    o.unknown_kid_cooldown = 30s;
    o.retry_after_failure = 10s;
    o.max_stale = 1h;
    return o;
}

/// Waits (really) until `flag` is set, up to a generous bound; false when it never was.
bool eventually(const std::atomic<bool>& flag) {
    for (int i = 0; i < 20000 && !flag.load(); ++i) std::this_thread::sleep_for(1ms);
    return flag.load();
}

/// A gate a fetch can wait at until the test opens it.
struct gate {
    std::mutex m;
    std::condition_variable cv;
    bool open = false;
    void wait() {
        std::unique_lock<std::mutex> l(m);
        cv.wait(l, [&] { return open; });
    }
    void release() {
        {
            std::lock_guard<std::mutex> l(m);
            open = true;
        }
        cv.notify_all();
    }
};

} // namespace

// ---------------------------------------------------------------------------------------------------------------
// Time-to-live

TEST_CASE("the first request fetches once and the keys are reused until the time-to-live ends",
          "[jwks_source][positive]") {
    auto idp = std::make_shared<issuer>();
    idp->serve(set_a);
    const fake_clock clock;
    const source src(fetch_from(idp), timing(), clock);
    CHECK(idp->calls == 0); // nothing is fetched before it is needed
    CHECK(src.current_set() == nullptr);

    const auto first = src.current_keys();
    CHECK(kids(first) == a);
    CHECK(idp->calls == 1);
    CHECK(any_verifies(first, key_a()));
    CHECK_FALSE(any_verifies(first, key_b()));
    REQUIRE(src.current_set() != nullptr);
    CHECK_FALSE(src.last_error());

    for (int i = 0; i < 10; ++i) CHECK(src.current_keys() == first);
    clock.advance(299s);
    CHECK(src.current_keys() == first);
    CHECK(idp->calls == 1);

    clock.advance(1s); // the default time-to-live (300 s) is over
    const auto second = src.current_keys();
    CHECK(idp->calls == 2);
    CHECK(kids(second) == a);
    CHECK(second != first); // a fresh list from the new fetch
    CHECK(src.current_keys() == second);
    CHECK(idp->calls == 2);
}

TEST_CASE("a max-age from the fetch sets the time-to-live, clamped to min_ttl and max_ttl",
          "[jwks_source][positive]") {
    struct ttl_case {
        const char* id;
        std::optional<seconds> max_age;
        seconds expected;
    };
    const ttl_case cases[] = {
        {"no max-age: default_ttl", std::nullopt, 300s},
        {"max-age within bounds", 120s, 120s},
        {"max-age above default_ttl", 3600s, 3600s},
        {"max-age under min_ttl", 5s, 30s},
        {"max-age zero", 0s, 30s},
        {"max-age over max_ttl", std::chrono::hours(24 * 7), 24h},
    };
    for (const auto& c : cases) {
        INFO(c.id);
        auto idp = std::make_shared<issuer>();
        idp->serve(set_a, c.max_age);
        const fake_clock clock;
        const source src(fetch_from(idp), timing(), clock);
        CHECK(kids(src.current_keys()) == a);
        clock.advance(c.expected - 1s);
        CHECK(kids(src.current_keys()) == a);
        CHECK(idp->calls == 1);
        clock.advance(1s);
        CHECK(kids(src.current_keys()) == a);
        CHECK(idp->calls == 2);
    }
}

TEST_CASE("keys follow the issuer's rotation from one set to the next", "[jwks_source][positive]") {
    auto idp = std::make_shared<issuer>();
    idp->serve(set_a);
    const fake_clock clock;
    const source src(fetch_from(idp), timing(), clock);
    CHECK(kids(src.current_keys()) == a);

    idp->serve(set_ab); // the new key is published next to the old one
    clock.advance(300s);
    const auto during = src.current_keys();
    CHECK(kids(during) == ab);
    CHECK(any_verifies(during, key_a()));
    CHECK(any_verifies(during, key_b()));

    idp->serve(set_b); // then the old key is withdrawn
    clock.advance(300s);
    const auto after = src.current_keys();
    CHECK(kids(after) == b);
    CHECK_FALSE(any_verifies(after, key_a()));
    CHECK(any_verifies(after, key_b()));
    CHECK(idp->calls == 3);
}

// ---------------------------------------------------------------------------------------------------------------
// Failed fetches and stale keys

TEST_CASE("a failed refresh keeps the old keys, sets last_error and waits retry_after_failure",
          "[jwks_source][negative]") {
    struct failure {
        const char* id;
        std::function<void(issuer&)> make_fail;
        std::error_code expected;
    };
    const std::error_code refused = std::make_error_code(std::errc::connection_refused);
    const std::string unusable = [] {
        json doc = json::parse(set_a);
        doc["keys"][0]["use"] = "enc";
        return doc.dump();
    }();
    const std::vector<failure> failures = {
        {"the fetch reports an error (passed through as is)", [&](issuer& i) { i.fail(refused); }, refused},
        {"the body is not JSON", [](issuer& i) { i.serve("<html>502 Bad Gateway</html>"); },
         jot::make_error_code(errc::json_invalid)},
        {"the body has no keys array", [](issuer& i) { i.serve("{\"error\":\"unavailable\"}"); },
         jot::make_error_code(errc::key_set_invalid)},
        {"the set holds no usable key", [&](issuer& i) { i.serve(unusable); },
         jot::make_error_code(errc::key_set_invalid)},
        {"the set is empty", [](issuer& i) { i.serve("{\"keys\":[]}"); },
         jot::make_error_code(errc::key_set_invalid)},
    };
    for (const auto& f : failures) {
        INFO(f.id);
        auto idp = std::make_shared<issuer>();
        idp->serve(set_a);
        const fake_clock clock;
        const source src(fetch_from(idp), timing(), clock);
        const auto good = src.current_keys();
        REQUIRE(kids(good) == a);
        const auto good_set = src.current_set();

        f.make_fail(*idp);
        clock.advance(300s);
        CHECK(src.current_keys() == good); // the refresh failed: the working keys stay
        CHECK(idp->calls == 2);
        CHECK(src.last_error() == f.expected);
        CHECK(src.current_set() == good_set);

        clock.advance(9s); // within retry_after_failure: no new attempt
        for (int i = 0; i < 5; ++i) CHECK(src.current_keys() == good);
        CHECK(idp->calls == 2);

        clock.advance(1s); // retry_after_failure is over: one more attempt, which fails again
        CHECK(src.current_keys() == good);
        CHECK(idp->calls == 3);
        CHECK(src.last_error() == f.expected);

        idp->serve(set_b); // the issuer recovers
        clock.advance(10s);
        CHECK(kids(src.current_keys()) == b);
        CHECK(idp->calls == 4);
        CHECK_FALSE(src.last_error());
    }
}

TEST_CASE("past ttl + max_stale with failing fetches the source serves no keys until a fetch succeeds",
          "[jwks_source][negative]") {
    auto idp = std::make_shared<issuer>();
    idp->serve(set_a);
    const fake_clock clock;
    const source src(fetch_from(idp), timing(), clock);
    const auto good = src.current_keys();
    REQUIRE(kids(good) == a);

    idp->fail(std::make_error_code(std::errc::timed_out));
    clock.advance(300s + 3599s); // one second before ttl + max_stale
    CHECK(src.current_keys() == good);
    CHECK(idp->calls == 2);

    clock.advance(1s); // ttl + max_stale: still within retry_after_failure, but the keys are too old to serve
    const auto closed = src.current_keys();
    REQUIRE(closed != nullptr); // never null
    CHECK(closed->empty());
    CHECK(idp->calls == 2);
    CHECK(src.refresh_for_unknown_kid("a") == nullptr);

    clock.advance(10s); // a new attempt, which fails: still nothing
    CHECK(src.current_keys()->empty());
    CHECK(idp->calls == 3);
    CHECK(src.last_error() == std::errc::timed_out);

    idp->serve(set_b);
    clock.advance(10s);
    CHECK(kids(src.current_keys()) == b);
    CHECK(idp->calls == 4);
    CHECK_FALSE(src.last_error());
}

TEST_CASE("a first load that fails serves no keys and waits retry_after_failure", "[jwks_source][negative]") {
    auto idp = std::make_shared<issuer>();
    idp->fail(std::make_error_code(std::errc::host_unreachable));
    const fake_clock clock;
    const source src(fetch_from(idp), timing(), clock);

    const auto keys = src.current_keys();
    REQUIRE(keys != nullptr);
    CHECK(keys->empty());
    CHECK(src.last_error() == std::errc::host_unreachable);
    CHECK(src.current_set() == nullptr);
    CHECK(src.current_keys()->empty());
    CHECK(src.refresh_for_unknown_kid("a") == nullptr);
    CHECK(idp->calls == 1);

    idp->serve(set_a);
    clock.advance(10s);
    CHECK(kids(src.current_keys()) == a);
    CHECK(idp->calls == 2);
}

TEST_CASE("refresh() fetches now and reports why a refresh failed", "[jwks_source][positive]") {
    auto idp = std::make_shared<issuer>();
    idp->fail(std::make_error_code(std::errc::connection_refused));
    const fake_clock clock;
    const source src(fetch_from(idp), timing(), clock);

    const auto failed = src.refresh();
    REQUIRE_FALSE(failed.has_value());
    CHECK(failed.error() == std::errc::connection_refused);

    idp->serve(set_a);
    CHECK(src.refresh().has_value()); // no retry_after_failure wait: the caller asked
    CHECK(idp->calls == 2);
    CHECK(kids(src.current_keys()) == a);
    CHECK(idp->calls == 2);

    idp->serve("{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"use\":\"enc\",\"kid\":\"x\"}]}");
    const auto unusable = src.refresh();
    REQUIRE_FALSE(unusable.has_value());
    CHECK(unusable.error() == errc::key_set_invalid);
    CHECK(kids(src.current_keys()) == a);
}

TEST_CASE("the key set of the last successful fetch shows the skipped JWKs", "[jwks_source][positive]") {
    json doc = json::parse(set_ab);
    doc["keys"][1]["use"] = "enc";
    auto idp = std::make_shared<issuer>();
    idp->serve(doc.dump());
    const fake_clock clock;
    const source src(fetch_from(idp), timing(), clock);
    CHECK(kids(src.current_keys()) == a);
    const auto set = src.current_set();
    REQUIRE(set != nullptr);
    REQUIRE(set->skipped().size() == 1);
    CHECK(set->skipped()[0].kid == "b");
    CHECK(set->skipped()[0].reason == errc::key_use_mismatch);
}

TEST_CASE("parse options apply to fetched documents", "[jwks_source][positive]") {
    auto idp = std::make_shared<issuer>();
    idp->serve(set_a);
    auto options = timing();
    options.parse.allowed_algorithms = {algorithm::rs256}; // the issuer is expected to sign with RS256 only
    const fake_clock clock;
    const source src(fetch_from(idp), options, clock);
    CHECK(src.current_keys()->empty());
    CHECK(src.last_error() == errc::key_set_invalid);
}

TEST_CASE("a source without a fetch function reports invalid_argument", "[jwks_source][negative]") {
    const source src(nullptr, timing(), fake_clock{});
    CHECK(src.current_keys()->empty());
    CHECK(src.last_error() == errc::invalid_argument);
}

TEST_CASE("a fetch function that throws counts as a failed refresh and does not leave the source stuck",
          "[jwks_source][negative]") {
    auto idp = std::make_shared<issuer>();
    {
        std::lock_guard<std::mutex> g(idp->m);
        idp->throws = true;
    }
    const fake_clock clock;
    auto src = std::make_shared<const source>(fetch_from(idp), timing(), clock);
    // The exception stops at the source: no keys yet, and last_error() says a callback threw.
    CHECK(src->current_keys()->empty());
    CHECK(src->last_error() == errc::callback_failed);
    CHECK(idp->calls == 1);

    // The failed attempt counts for retry_after_failure, and a later caller is not left waiting for it.
    auto returned = std::make_shared<std::atomic<bool>>(false);
    std::thread([src, returned] {
        (void)src->current_keys();
        *returned = true;
    }).detach();
    REQUIRE(eventually(*returned)); // a wedged source would never return here
    CHECK(idp->calls == 1);

    idp->serve(set_a);
    clock.advance(10s);
    CHECK(kids(src->current_keys()) == a);
    CHECK(idp->calls == 2);
}

// ---------------------------------------------------------------------------------------------------------------
// Unknown kids

TEST_CASE("an unknown kid triggers a refresh that returns the rotated keys", "[jwks_source][positive]") {
    auto idp = std::make_shared<issuer>();
    idp->serve(set_a);
    const fake_clock clock;
    const source src(fetch_from(idp), timing(), clock);
    CHECK(kids(src.current_keys()) == a);

    idp->serve(set_ab); // rotated long before the time-to-live ends
    clock.advance(1s);
    const auto refreshed = src.refresh_for_unknown_kid("b");
    CHECK(kids(refreshed) == ab);
    CHECK(idp->calls == 2);
    REQUIRE(refreshed != nullptr);
    CHECK(any_verifies(refreshed, key_b()));
    // The refreshed keys are now the current ones, with a new time-to-live.
    CHECK(src.current_keys() == refreshed);
    clock.advance(299s);
    CHECK(src.current_keys() == refreshed);
    CHECK(idp->calls == 2);
}

TEST_CASE("a flood of unknown kids within the cooldown costs the issuer one fetch", "[jwks_source][negative]") {
    auto idp = std::make_shared<issuer>();
    idp->serve(set_a);
    const fake_clock clock;
    const source src(fetch_from(idp), timing(), clock);
    CHECK(kids(src.current_keys()) == a);
    CHECK(idp->calls == 1);

    int new_lists = 0;
    for (int i = 0; i < 1000; ++i) {
        const auto r = src.refresh_for_unknown_kid("bogus-" + std::to_string(i));
        if (r) {
            ++new_lists;
            CHECK(kids(r) == a); // whatever was fetched, an invented kid is not in it
        }
    }
    CHECK(idp->calls == 2); // 1,000 bogus kids: one fetch
    CHECK(new_lists <= 1);
    CHECK(kids(src.current_keys()) == a);

    clock.advance(29s);
    CHECK(src.refresh_for_unknown_kid("bogus") == nullptr);
    CHECK(idp->calls == 2);

    idp->serve(set_ab);
    clock.advance(1s); // the cooldown is over: one more fetch, which finds the new key
    CHECK(kids(src.refresh_for_unknown_kid("b")) == ab);
    CHECK(idp->calls == 3);
    CHECK(src.refresh_for_unknown_kid("c") == nullptr);
    CHECK(idp->calls == 3);
}

TEST_CASE("an unknown-kid refresh that fails keeps the keys and returns nothing new", "[jwks_source][negative]") {
    auto idp = std::make_shared<issuer>();
    idp->serve(set_a);
    const fake_clock clock;
    const source src(fetch_from(idp), timing(), clock);
    const auto good = src.current_keys();

    idp->fail(std::make_error_code(std::errc::connection_reset));
    CHECK(src.refresh_for_unknown_kid("b") == nullptr);
    CHECK(idp->calls == 2);
    CHECK(src.last_error() == std::errc::connection_reset);
    CHECK(src.current_keys() == good);

    // After the cooldown, still within the keys' time-to-live: another attempt is allowed, and it succeeds.
    idp->serve(set_ab);
    clock.advance(30s);
    CHECK(kids(src.refresh_for_unknown_kid("b")) == ab);
    CHECK(idp->calls == 3);
    CHECK_FALSE(src.last_error());
}

// ---------------------------------------------------------------------------------------------------------------
// Threads

TEST_CASE("eight threads asking at first load share one fetch and all get the keys", "[jwks_source][threads]") {
    auto idp = std::make_shared<issuer>();
    idp->serve(set_a);
    idp->on_fetch([] { std::this_thread::sleep_for(50ms); });
    const fake_clock clock;
    const source src(fetch_from(idp), timing(), clock);

    constexpr int n = 8;
    std::vector<std::shared_ptr<const jot::key_list>> got(n);
    std::atomic<int> ready{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < n; ++i) {
        threads.emplace_back([&, i] {
            ++ready;
            while (ready.load() < n) std::this_thread::yield(); // start together
            got[static_cast<std::size_t>(i)] = src.current_keys();
        });
    }
    for (auto& t : threads) t.join();

    CHECK(idp->calls == 1);
    for (int i = 0; i < n; ++i) {
        INFO("thread " << i);
        CHECK(kids(got[static_cast<std::size_t>(i)]) == a);
        CHECK(got[static_cast<std::size_t>(i)] == got[0]);
    }
}

TEST_CASE("during a slow refresh other threads keep the old keys without waiting", "[jwks_source][threads]") {
    auto idp = std::make_shared<issuer>();
    idp->serve(set_a);
    const fake_clock clock;
    auto src = std::make_shared<const source>(fetch_from(idp), timing(), clock);
    const auto old_keys = src->current_keys();
    REQUIRE(kids(old_keys) == a);

    // The next fetch announces itself, then blocks until the test opens the gate.
    auto slow = std::make_shared<gate>();
    auto fetch_started = std::make_shared<std::atomic<bool>>(false);
    auto fetch_finished = std::make_shared<std::atomic<bool>>(false);
    idp->serve(set_b);
    idp->on_fetch([slow, fetch_started, fetch_finished] {
        *fetch_started = true;
        slow->wait();
        *fetch_finished = true;
    });
    clock.advance(300s);

    std::shared_ptr<const jot::key_list> refresher_got;
    std::thread refresher([&] { refresher_got = src->current_keys(); });
    REQUIRE(eventually(*fetch_started));

    // Readers on other threads: each must return while the fetch is still blocked at the gate.
    constexpr int n = 4;
    struct reader_result {
        std::atomic<bool> returned{false};
        bool fetch_was_finished = true;
        std::shared_ptr<const jot::key_list> keys;
    };
    auto readers = std::make_shared<std::vector<reader_result>>(n);
    for (int i = 0; i < n; ++i) {
        std::thread([src, readers, fetch_finished, i] {
            auto& r = (*readers)[static_cast<std::size_t>(i)];
            r.keys = src->current_keys();
            r.fetch_was_finished = fetch_finished->load();
            r.returned = true;
        }).detach();
    }
    for (int i = 0; i < n; ++i) {
        INFO("reader " << i);
        auto& r = (*readers)[static_cast<std::size_t>(i)];
        const bool returned = eventually(r.returned);
        if (!returned) slow->release(); // unblock everything before failing, so the run does not hang
        REQUIRE(returned);
        CHECK_FALSE(r.fetch_was_finished); // returned while the fetch was still in flight
        CHECK(r.keys == old_keys);
    }
    CHECK(src->current_keys() == old_keys); // this thread too
    CHECK(idp->calls == 2);                 // nobody started a second fetch

    slow->release();
    refresher.join();
    CHECK(kids(refresher_got) == b);
    CHECK(kids(src->current_keys()) == b);
    CHECK(idp->calls == 2);
}

// ---------------------------------------------------------------------------------------------------------------
// Background refresh (refresh_mode::background)

namespace {
jot::jwks_source_options background() {
    auto o = timing();
    o.refresh = jot::refresh_mode::background;
    o.refresh_ahead = 30s;
    o.cold_start_timeout = 5s;
    return o;
}
} // namespace

TEST_CASE("in background mode a refresh starts ahead of expiry and no caller waits for it",
          "[jwks_source][threads]") {
    auto idp = std::make_shared<issuer>();
    idp->serve(set_a);
    const fake_clock clock;
    auto src = std::make_shared<const source>(fetch_from(idp), background(), clock);
    REQUIRE(kids(src->current_keys()) == a);  // the cold start waits for the first fetch
    CHECK(idp->calls == 1);

    auto slow = std::make_shared<gate>();
    auto started = std::make_shared<std::atomic<bool>>(false);
    idp->serve(set_b);
    idp->on_fetch([slow, started] {
        *started = true;
        slow->wait();
    });
    clock.advance(269s);
    CHECK(kids(src->current_keys()) == a);  // 31 s before expiry: not yet
    CHECK_FALSE(src->status().refreshing);
    clock.advance(2s);                       // 29 s before expiry: refresh-ahead
    CHECK(kids(src->current_keys()) == a);   // answered at once while the fetch is held at the gate
    REQUIRE(eventually(*started));
    CHECK(src->status().refreshing);
    CHECK(kids(src->current_keys()) == a);
    CHECK(idp->calls == 2);
    slow->release();
    for (int i = 0; i < 5000 && kids(src->current_keys()) != b; ++i) std::this_thread::sleep_for(1ms);
    CHECK(kids(src->current_keys()) == b);
    CHECK(src->status().fetches == 2);
    CHECK(idp->calls == 2);
}

TEST_CASE("in background mode an unknown kid starts one rate-limited refresh and returns nothing at once",
          "[jwks_source][threads]") {
    auto idp = std::make_shared<issuer>();
    idp->serve(set_a);
    const fake_clock clock;
    auto src = std::make_shared<const source>(fetch_from(idp), background(), clock);
    REQUIRE(kids(src->current_keys()) == a);
    idp->serve(set_ab);
    CHECK(src->refresh_for_unknown_kid("b") == nullptr);
    for (int i = 0; i < 5000 && src->status().fetches < 2; ++i) std::this_thread::sleep_for(1ms);
    REQUIRE(src->status().fetches == 2);
    CHECK(kids(src->current_keys()) == ab);
    for (int i = 0; i < 50; ++i) CHECK(src->refresh_for_unknown_kid("c") == nullptr);
    CHECK(idp->calls == 2);  // within the cooldown nothing more is fetched
}

TEST_CASE("status reports the age of the keys, staleness and the last error", "[jwks_source][positive]") {
    auto idp = std::make_shared<issuer>();
    idp->serve(set_a, 60s);
    const fake_clock clock;
    const source src(fetch_from(idp), timing(), clock);
    CHECK_FALSE(src.status().has_keys);
    CHECK_FALSE(src.status().age.has_value());
    REQUIRE(src.refresh());
    clock.advance(20s);
    auto st = src.status();
    CHECK(st.has_keys);
    CHECK_FALSE(st.stale);
    CHECK(st.age == std::chrono::milliseconds(20000));
    CHECK(st.fetches == 1);
    idp->fail(errc::key_invalid);
    clock.advance(50s);
    CHECK(kids(src.current_keys()) == a);  // expired: the refresh fails, the keys serve stale
    st = src.status();
    CHECK(st.stale);
    CHECK(st.has_keys);
    CHECK(st.last_error == errc::key_invalid);
    CHECK(st.failures == 1);
    CHECK(st.age == std::chrono::milliseconds(70000));
}

TEST_CASE("a job the executor runs after the source is gone does nothing", "[jwks_source][threads]") {
    auto idp = std::make_shared<issuer>();
    idp->serve(set_a);
    std::vector<std::function<void()>> queued;
    auto o = background();
    o.cold_start_timeout = 1ms;
    o.executor = [&](std::function<void()> job) { queued.push_back(std::move(job)); };
    {
        const fake_clock clock;
        const source src(fetch_from(idp), o, clock);
        CHECK(src.current_keys()->empty());  // the job is queued, not run: the cold start gives up after 1 ms
        CHECK(src.status().refreshing);
    }
    REQUIRE(queued.size() == 1);
    queued.front()();  // would touch the destroyed source if the gate did not stop it
    CHECK(idp->calls == 0);
}
