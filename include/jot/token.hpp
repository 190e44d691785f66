// SPDX-License-Identifier: MIT
// Compact JWS serialization (RFC 7515 §7.1): decoding limits, splitting, and the verified token type.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include "algorithm.hpp"
#include "base64url.hpp"
#include "claims.hpp"
#include "detail/invariant.hpp"
#include "detail/json_dom.hpp"
#include "error.hpp"
#include "header.hpp"
#include "result.hpp"

namespace jot {

/// Bounds applied before any work is done on an untrusted token.
struct decode_options {
    /// Longest token accepted, in bytes (errc::token_too_large). 64 KiB is far above any real access or ID
    /// token and keeps a hostile megabyte from being decoded or parsed at all.
    std::size_t max_token_size = 64 * 1024;
    /// Deepest JSON nesting accepted in the header or payload (errc::json_too_deep); the top-level object
    /// counts as 1.
    std::size_t max_json_depth = 32;
};

namespace detail {

/// The three segments of a compact JWS, as views into the token.
struct compact_parts {
    std::string_view header;         ///< base64url of the protected header
    std::string_view payload;        ///< base64url of the payload
    std::string_view signature;      ///< base64url of the signature
    std::string_view signing_input;  ///< header '.' payload (RFC 7515 §5.1)
};

/// Splits a compact JWS. Stops at the third '.', so a token of 100,000 dots costs one short scan.
/// Errors: errc::token_too_large, errc::token_not_compact, errc::empty_segment (header or payload; an empty
/// signature too, unless `allow_empty_signature`: the verifier sets it so that an unsecured JWS, whose
/// signature is empty by RFC 7515 §6, is reported as errc::unsecured_token once its header is read).
inline result<compact_parts> split_compact(std::string_view token, const decode_options& opts,
                                           bool allow_empty_signature = false) noexcept {
    if (token.size() > opts.max_token_size) return errc::token_too_large;
    const std::size_t d1 = token.find('.');
    if (d1 == std::string_view::npos) return errc::token_not_compact;
    const std::size_t d2 = token.find('.', d1 + 1);
    if (d2 == std::string_view::npos) return errc::token_not_compact;
    if (token.find('.', d2 + 1) != std::string_view::npos) return errc::token_not_compact;
    compact_parts p;
    p.header = token.substr(0, d1);
    p.payload = token.substr(d1 + 1, d2 - d1 - 1);
    p.signature = token.substr(d2 + 1);
    p.signing_input = token.substr(0, d2);
    if (p.header.empty() || p.payload.empty() || (p.signature.empty() && !allow_empty_signature))
        return errc::empty_segment;
    return p;
}

/// Decodes one base64url segment and parses it as a strict JSON object.
template <class Json>
result<Json> decode_json_segment(std::string_view b64, const decode_options& opts) {
    auto text = base64url::decode<std::string>(b64);
    if (!text) return text.error();
    return parse_object<Json>(*text, opts.max_json_depth);
}

struct verified_token_access;

/// What a verified token owns, shared by its copies: the decoded header and payload JSON text, the header
/// DOM built from that text on first access, and the claim set over the payload text (which builds its own
/// DOM on first need). std::call_once makes the first header access safe from several threads at once, and
/// the claim set guards its DOM the same way; later accesses only read.
template <class Json>
class token_data {
public:
    /// Holds text the verifier has checked with json_scanner (whose verdicts equal parse_object's) under
    /// `max_depth`, so parsing it again under the same depth cannot fail.
    explicit token_data(std::size_t max_depth) noexcept : max_depth_(max_depth) {}
    token_data(const token_data&) = delete;
    token_data& operator=(const token_data&) = delete;

    /// The buffer the verifier decodes into: the header JSON, then the payload JSON.
    std::string& text() noexcept { return text_; }
    /// Marks where the header ends, once the text is complete (it must not change afterwards): the claim set
    /// over the payload text is made here, before the record is shared, so claims() needs no synchronisation
    /// (a std::call_once costs a futex wake the first time, more than the reads it would guard).
    void set_header_size(std::size_t n) noexcept {
        header_size_ = n;
        claims_.emplace(basic_claims<Json>(payload_text(), max_depth_));
    }
    std::string_view header_text() const noexcept { return std::string_view(text_).substr(0, header_size_); }
    std::string_view payload_text() const noexcept { return std::string_view(text_).substr(header_size_); }

    const basic_header<Json>& header() {
        std::call_once(header_once_, [this] { header_.emplace(reparse<basic_header<Json>>(header_text(), "header")); });
        return *header_;
    }
    /// The claim set over the payload text (typed reads scan the text; basic_claims::json() builds the DOM on
    /// first use), or the adopted one.
    const basic_claims<Json>& claims() const noexcept { return *claims_; }

    /// Installs DOMs that already exist (tokens made from DOMs rather than text).
    void adopt(basic_header<Json> h, basic_claims<Json> c) {
        std::call_once(header_once_, [&] { header_.emplace(std::move(h)); });
        claims_.emplace(std::move(c));
    }

private:
    /// Parses text the verifier accepted. It cannot fail: json_scanner's verdicts equal parse_object's (the
    /// differential tests and fuzzers hold them to it). If it ever did, an empty header or claim set would
    /// let predicates see "no claims" in a token that has them, so that outcome is loud instead: the process
    /// stops with a message (invariant_failed), like a failed assertion.
    template <class Dom>
    Dom reparse(std::string_view text, const char* what) const {
        auto r = parse_object<Json>(text, max_depth_);
        if (!r) invariant_failed("a verified token's JSON no longer parses", what, r.error());
        auto dom = Dom::from_json(std::move(*r));
        if (!dom) invariant_failed("a verified token's JSON is not an object", what, dom.error());
        return std::move(*dom);
    }

    std::string text_;
    std::size_t header_size_ = 0;
    std::size_t max_depth_;
    std::once_flag header_once_;
    std::optional<basic_header<Json>> header_;
    std::optional<basic_claims<Json>> claims_;
};

} // namespace detail

/// A token whose signature and claims a verifier has accepted. Only a verifier can make one, so holding a
/// basic_verified_token proves verification succeeded (the type system carries the check).
///
/// Copies are cheap and share one immutable record. The header DOM is built from the verified text the first
/// time header() is called; claims() is a claim set over the payload text, whose typed reads (subject(),
/// get<std::string_view>("scope"), ...) read the text and whose DOM is built the first time json() or find()
/// needs it (or by the verifier, when its own checks read them). So a caller pays only for what it reads.
/// Calling them from several threads at once is safe. Building a DOM allocates; if that allocation fails the
/// program terminates (these accessors are noexcept). They never return an empty stand-in: text the verifier
/// accepted always parses again, and if that invariant ever broke the process would stop with a message
/// rather than show "no claims".
template <class Json = nlohmann::json>
class basic_verified_token {
public:
    using json_type = Json;

    /// The JOSE header.
    const basic_header<Json>& header() const noexcept { return data_->header(); }
    /// The verified claim set.
    const basic_claims<Json>& claims() const noexcept { return data_->claims(); }
    /// The algorithm that verified the signature.
    jot::algorithm alg() const noexcept { return alg_; }

private:
    friend struct detail::verified_token_access;
    basic_verified_token(std::shared_ptr<detail::token_data<Json>> d, jot::algorithm a)
        : data_(std::move(d)), alg_(a) {}

    std::shared_ptr<detail::token_data<Json>> data_;
    jot::algorithm alg_;
};

/// The verified token over nlohmann::json.
using verified_token = basic_verified_token<nlohmann::json>;

namespace detail {
struct verified_token_access {
    template <class Json>
    static basic_verified_token<Json> make(basic_header<Json> h, basic_claims<Json> c, jot::algorithm a) {
        auto d = std::make_shared<token_data<Json>>(0);
        d->adopt(std::move(h), std::move(c));
        return basic_verified_token<Json>(std::move(d), a);
    }
    template <class Json>
    static basic_verified_token<Json> make(std::shared_ptr<token_data<Json>> d, jot::algorithm a) {
        return basic_verified_token<Json>(std::move(d), a);
    }
};
} // namespace detail

} // namespace jot
