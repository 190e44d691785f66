// SPDX-License-Identifier: MIT
// The JWT claim set (RFC 7519 §4): registered claims typed, custom claims as JSON.
#pragma once

#include <mutex>
#include <string>
#include <type_traits>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "detail/claim_read.hpp"
#include "detail/claim_registry.hpp"
#include "detail/invariant.hpp"
#include "detail/json_dom.hpp"
#include "detail/json_get.hpp"
#include "detail/json_scan.hpp"
#include "detail/user_code.hpp"
#include "error.hpp"
#include "result.hpp"

namespace jot {

namespace detail {
template <class Json>
class token_data;
} // namespace detail

/// A JWT claim set over a JSON backend (json_traits.hpp; `jot::claims` is nlohmann::json's, and
/// `jot::boost_json::claims` Boost.JSON's).
/// Reading is non-throwing: an absent claim is errc::claim_missing and a claim of the wrong JSON type
/// errc::claim_wrong_type; the two are never confused (an "exp" string is not a missing "exp").
///
/// A claim set holds a DOM (made by from_json() or by the builder), or, in a verified token, the payload
/// text the verifier accepted. Over text, the registered-claim getters, contains() and get<T>() for strings,
/// numbers, booleans, NumericDates and lists of strings read the one member they need from the text and
/// build no DOM; json() and find() build the DOM once, on first use (thread-safe), and so do get<T>() of a
/// caller's own type and a std::string_view read of a string written with escapes (the view then points into
/// the DOM, the claim set's one cache of decoded strings; std::string reads decode without it). Copying a
/// claim set copies its DOM.
template <class Json = nlohmann::json>
class basic_claims {
public:
    using json_type = Json;

    /// An empty claim set.
    basic_claims() : json_(json_traits<Json>::make_object()) {}
    /// Wraps a JSON object. Errors: errc::json_not_object when `obj` is not an object.
    static result<basic_claims> from_json(Json obj) {
        if (!detail::json_is_object(obj)) return errc::json_not_object;
        return basic_claims(std::move(obj), 0);
    }

    /// A copy as a DOM (built first when `o` is over a verified token's text), so it outlives the token.
    basic_claims(const basic_claims& o) : json_(o.json()) {}
    /// Moving a claim set over text moves the view of the text: only a verified token's record makes one, and
    /// it moves it straight into its own storage. Callers see those only as const, so they copy.
    basic_claims(basic_claims&& o) noexcept
        : json_(o.over_text() ? Json() : std::move(o.json_)), text_(o.text_), max_depth_(o.max_depth_) {}
    /// Becomes a DOM copy of `o`, as the copy constructor.
    basic_claims& operator=(const basic_claims& o) {
        if (this != &o) {
            json_ = o.json();
            text_ = {};
        }
        return *this;
    }
    /// Takes `o`'s DOM (a copy of it when `o` is over text).
    basic_claims& operator=(basic_claims&& o) noexcept {
        if (this != &o) {
            json_ = o.over_text() ? o.json() : std::move(o.json_);
            text_ = {};
        }
        return *this;
    }
    ~basic_claims() = default;

    /// The whole claim set as JSON. Over a verified token's text, the DOM is built here on the first call
    /// (once, safely from several threads); if that allocation fails the program terminates.
    const Json& json() const noexcept {
        if (over_text()) std::call_once(dom_once_, [this] { build_dom(); });
        return json_;
    }
    /// True when the claim is present (whatever its type).
    bool contains(std::string_view name) const {
        std::string_view v;
        if (scans()) return detail::find_json_member(text_, name, v);
        return find(name) != nullptr;
    }
    /// The claim's JSON value, or nullptr when absent.
    const Json* find(std::string_view name) const { return detail::find_member(json(), name); }

    /// "iss" (RFC 7519 §4.1.1). Errors: claim_missing, claim_wrong_type (not a string).
    result<std::string_view> issuer() const { return get<std::string_view>("iss"); }
    /// "sub" (RFC 7519 §4.1.2). Errors: claim_missing, claim_wrong_type.
    result<std::string_view> subject() const { return get<std::string_view>("sub"); }
    /// "jti" (RFC 7519 §4.1.7). Errors: claim_missing, claim_wrong_type.
    result<std::string_view> id() const { return get<std::string_view>("jti"); }
    /// "aud" (RFC 7519 §4.1.3) as a list: a single string gives one element.
    /// Errors: claim_missing, claim_wrong_type (neither a string nor an array of strings).
    result<std::vector<std::string_view>> audience() const {
        if (scans()) {
            std::string_view v;
            if (!detail::find_json_member(text_, "aud", v)) return errc::claim_missing;
            std::vector<std::string_view> out;
            bool escaped = false;
            if (v[0] == '"') {
                escaped = !push_plain_string(v, out);
            } else if (v[0] == '[') {
                out.reserve(detail::count_json_elements(v));
                bool strings = true;
                detail::for_each_json_element(v, [&](std::string_view e) {
                    if (e[0] != '"') {
                        strings = false;
                        return false;
                    }
                    if (!push_plain_string(e, out)) escaped = true;
                    return true;
                });
                if (!strings) return errc::claim_wrong_type;
            } else {
                return errc::claim_wrong_type;
            }
            if (!escaped) return out;
            // A string with escapes: its decoded form lives in the DOM.
        }
        return audience_from_dom();
    }
    /// "exp" (RFC 7519 §4.1.4). Errors: claim_missing, claim_wrong_type, numeric_date_out_of_range.
    result<numeric_date> expires_at() const { return get<numeric_date>("exp"); }
    /// "nbf" (RFC 7519 §4.1.5). Errors as expires_at().
    result<numeric_date> not_before() const { return get<numeric_date>("nbf"); }
    /// "iat" (RFC 7519 §4.1.6). Errors as expires_at().
    result<numeric_date> issued_at() const { return get<numeric_date>("iat"); }

    /// Any claim as a T: std::string, std::string_view (pointing into this claim set), bool, an integer
    /// (range-checked, never truncated), a floating-point number, numeric_date, std::vector<std::string>,
    /// the Json type itself, or a caller's own type read by the backend's own conversion (nlohmann's
    /// from_json, Boost.JSON's value_to; a throw from it is claim_wrong_type).
    /// Errors: claim_missing, claim_wrong_type, numeric_date_out_of_range.
    template <class T>
    result<T> get(std::string_view name) const {
        if constexpr (detail::reads_from_text<T>::value) {
            if (scans()) {
                std::string_view v;
                if (!detail::find_json_member(text_, name, v)) return errc::claim_missing;
                if constexpr (std::is_same<T, std::string_view>::value) {
                    if (v[0] != '"') return errc::claim_wrong_type;
                    const std::string_view s = detail::json_string_contents(v);
                    if (s.find('\\') == std::string_view::npos) return s;
                    // Escapes: the decoded string lives in the DOM (see the class comment).
                } else {
                    return detail::read_json_as<T>(v, errc::claim_wrong_type);
                }
            }
        }
        const Json* v = find(name);
        if (!v) return errc::claim_missing;
        if constexpr (detail::reads_from_text<T>::value || std::is_same<T, Json>::value) {
            return detail::json_as<T>(*v, errc::claim_wrong_type);
        } else {
            return detail::call_user_code([v]() -> result<T> { return json_traits<Json>::template to<T>(*v); },
                                          []() -> result<T> { return errc::claim_wrong_type; });
        }
    }

    /// Sets (or replaces) a claim. No check is made here; the builder checks registered claims' types.
    void set(std::string name, Json value) {
        own_dom();
        json_traits<Json>::set_member(json_, name, std::move(value));
    }
    /// Removes a claim; true when it was present.
    bool erase(std::string_view name) {
        own_dom();
        return json_traits<Json>::erase_member(json_, name);
    }

    /// Checks that every registered claim present has its registered type (detail::registered_claims): iss,
    /// sub, jti strings; aud a string or an array of strings; exp, nbf, iat NumericDates in range.
    /// Errors: claim_wrong_type, numeric_date_out_of_range.
    result<void> check_registered_types() const {
        for (const auto& c : detail::registered_claims)
            if (const Json* v = find(c.name))
                if (const errc e = detail::check_claim_type(*v, c.type); e != errc{}) return e;
        return {};
    }

private:
    template <class>
    friend class detail::token_data;

    basic_claims(Json obj, int) : json_(std::move(obj)) {}
    /// Over text that json_scanner accepted under `max_depth` (a verified token's payload); kept as a view,
    /// so the token's record that owns the text must outlive this.
    basic_claims(std::string_view verified_text, std::size_t max_depth) noexcept
        : json_(), text_(verified_text), max_depth_(max_depth) {}

    bool over_text() const noexcept { return text_.data() != nullptr; }
    /// Typed reads scan the text only for a Json whose numbers and strings json_scanner mirrors.
    bool scans() const noexcept { return detail::is_scannable_json<Json>::value && over_text(); }

    /// Parses the verified text. It cannot fail: json_scanner's verdicts equal parse_object's (the differential
    /// tests and fuzzers hold them to it). If it ever did, an empty claim set would let predicates see "no
    /// claims" in a token that has them, so that outcome is loud instead (detail::invariant_failed).
    void build_dom() const {
        auto r = detail::parse_object<Json>(text_, max_depth_);
        if (!r) detail::invariant_failed("a verified token's JSON no longer parses", "claims", r.error());
        json_ = std::move(*r);
    }
    /// Before a change: the DOM becomes the claim set and the text is let go.
    void own_dom() {
        if (!over_text()) return;
        (void)json();
        text_ = {};
    }

    /// Appends the string token's contents as a view; false (nothing appended) when it has escapes.
    static bool push_plain_string(std::string_view token, std::vector<std::string_view>& out) {
        const std::string_view s = detail::json_string_contents(token);
        if (s.find('\\') != std::string_view::npos) return false;
        out.push_back(s);
        return true;
    }
    result<std::vector<std::string_view>> audience_from_dom() const {
        const Json* v = find("aud");
        if (!v) return errc::claim_missing;
        std::vector<std::string_view> out;
        if (detail::json_is_string(*v)) {
            out.push_back(detail::json_string(*v));
            return out;
        }
        if (!detail::json_is_array(*v)) return errc::claim_wrong_type;
        out.reserve(json_traits<Json>::size(*v));
        const bool strings = detail::json_all_of(*v, [&out](const Json& e) {
            if (!detail::json_is_string(e)) return false;
            out.push_back(detail::json_string(e));
            return true;
        });
        if (!strings) return errc::claim_wrong_type;
        return out;
    }

    mutable Json json_;            // the claim set; over text, null until json() builds it
    std::string_view text_;        // the verified payload text, or null (data() == nullptr) when json_ is all
    std::size_t max_depth_ = 0;
    mutable std::once_flag dom_once_;
};

/// The claim set over nlohmann::json.
using claims = basic_claims<nlohmann::json>;

} // namespace jot
