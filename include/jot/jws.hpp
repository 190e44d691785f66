// SPDX-License-Identifier: MIT
// jot::jws: JWS beyond the compact JWT: detached content (RFC 7515 App. F), unencoded payloads (RFC 7797) and
// the JSON serializations, flattened and general, with one or several signatures (RFC 7515 §7.2).
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "algorithm.hpp"
#include "base64url.hpp"
#include "builder.hpp"
#include "bytes.hpp"
#include "detail/json_write.hpp"
#include "detail/jws_parts.hpp"
#include "detail/key_selection.hpp"
#include "detail/utf8.hpp"
#include "error.hpp"
#include "key_source.hpp"
#include "result.hpp"
#include "signer.hpp"
#include "token.hpp"

/// General JWS: payloads that are not JWT claim sets, detached or unencoded, in any serialization. The JWT
/// verifier (jot::verifier) never accepts these: a JWT's payload is always base64url JSON, and it refuses
/// "crit":["b64"] as before.
namespace jot::jws {

/// Where a header parameter that comes from the key ("alg", "kid") is written.
enum class placement {
    protected_header,    ///< in the JWS Protected Header (the default; integrity protected)
    unprotected_header,  ///< in the JWS Unprotected Header (JSON serialization only, RFC 7515 §7.2.1)
    omitted,             ///< not written ("kid" only)
};

/// How one signature's headers are made. "alg" and "kid" come from the key; "b64" and "crit" from
/// `unencoded_payload`; any other member from `protected_members` and `unprotected_members`.
struct signature_options {
    /// RFC 7797: sign the payload octets as they are, not their base64url form; writes "b64":false and
    /// "crit":["b64"] into the protected header (§3, §6).
    bool unencoded_payload = false;
    placement alg = placement::protected_header;  ///< never omitted
    placement kid = placement::protected_header;  ///< used only when the key has a "kid"
    nlohmann::json protected_members = nlohmann::json::object();    ///< e.g. "typ", "cty", private names
    nlohmann::json unprotected_members = nlohmann::json::object();  ///< JSON serialization only
};

/// One signer of a JWS JSON Serialization.
struct json_signer {
    std::reference_wrapper<const signer> key;
    signature_options options{};
};

/// Which JSON serialization sign_json() writes (RFC 7515 §7.2.1, §7.2.2).
enum class json_form { general, flattened };

/// Whether the payload is written into the JWS or left out (RFC 7515 Appendix F).
enum class content { attached, detached };

namespace detail_sign {

/// A protected header's text and base64url form, and the unprotected header, for one signature.
struct prepared {
    std::string protected_b64;
    nlohmann::json unprotected = nlohmann::json::object();
};

inline result<prepared> prepare(const signer& key, const signature_options& o) {
    if (auto r = jot::detail::check_header_members(o.protected_members); !r) return r.error();
    if (auto r = jot::detail::check_header_members(o.unprotected_members); !r) return r.error();
    if (o.alg == placement::omitted) return errc::invalid_argument;
    nlohmann::json prot = o.protected_members;
    prepared p;
    p.unprotected = o.unprotected_members;
    for (auto it = p.unprotected.begin(); it != p.unprotected.end(); ++it)
        if (prot.contains(it.key())) return errc::invalid_argument; // RFC 7515 §7.2.1: disjoint names
    (o.alg == placement::protected_header ? prot : p.unprotected)["alg"] = std::string(to_string(key.alg()));
    if (!key.key_id().empty() && o.kid != placement::omitted)
        (o.kid == placement::protected_header ? prot : p.unprotected)["kid"] = std::string(key.key_id());
    if (o.unencoded_payload) {
        prot["b64"] = false;
        prot["crit"] = nlohmann::json::array({"b64"});
    }
    if (!jot::detail::json_numbers_finite(prot) || !jot::detail::json_numbers_finite(p.unprotected))
        return errc::number_not_finite;
    if (!prot.empty()) {
        std::string text;
        if (!jot::detail::write_json(prot, text)) return errc::invalid_argument;
        p.protected_b64 = base64url::encode(bytes_view(text.data(), text.size()));
    }
    return p;
}

/// The base64url signature over `protected_b64 '.' payload_part` (RFC 7515 §5.1 step 5; RFC 7797 §3).
inline result<std::string> signature_of(const signer& key, std::string_view protected_b64,
                                        std::string_view payload_part) {
    std::string input;
    input.reserve(protected_b64.size() + 1 + payload_part.size());
    input.append(protected_b64).push_back('.');
    input.append(payload_part);
    const std::size_t at = input.size() + 1;
    if (auto r = jot::detail::append_signature(input, key); !r) return r.error();
    return input.substr(at);
}

/// prepare() for the compact forms, which have only a protected header. Errors: errc::invalid_argument (an
/// unprotected member or placement), then prepare()'s.
inline result<prepared> prepare_compact(const signer& key, const signature_options& o) {
    if (!o.unprotected_members.empty() || o.alg != placement::protected_header || o.kid == placement::unprotected_header)
        return errc::invalid_argument;
    return prepare(key, o);
}

} // namespace detail_sign

/// Signs `payload` into a compact JWS (RFC 7515 §7.1) that carries it, as base64url or, with
/// `unencoded_payload`, as its own octets (RFC 7797 §5.2). Only protected headers exist in the compact form.
/// Errors: errc::invalid_argument (an unprotected member or placement, "alg" omitted), errc::reserved_header_member
/// ("alg", "kid", "b64" or "crit" set by hand), errc::header_member_wrong_type, errc::number_not_finite,
/// errc::unencoded_payload_period (an unencoded payload containing '.': sign it detached), the signer's errors
/// (errc::callback_failed when a signer of the caller's own throws).
inline result<std::string> sign_compact(const signer& key, bytes_view payload, const signature_options& options = {}) {
    auto p = detail_sign::prepare_compact(key, options);
    if (!p) return p.error();
    const std::string_view raw(reinterpret_cast<const char*>(payload.data()), payload.size());
    std::string part;
    if (options.unencoded_payload) {
        if (raw.find('.') != std::string_view::npos) return errc::unencoded_payload_period;
        part.assign(raw);
    } else {
        part = base64url::encode(payload);
    }
    auto sig = detail_sign::signature_of(key, p->protected_b64, part);
    if (!sig) return sig.error();
    return p->protected_b64 + "." + part + "." + *sig;
}

/// Signs `payload` into a compact JWS with detached content: `header..signature` (RFC 7515 Appendix F); the
/// recipient gets the payload some other way and passes it to verifier::verify_detached(). With
/// `unencoded_payload` the payload may contain '.' (RFC 7797 §5.2). Errors: as sign_compact(), without
/// errc::unencoded_payload_period.
inline result<std::string> sign_detached(const signer& key, bytes_view payload,
                                         const signature_options& options = {}) {
    auto p = detail_sign::prepare_compact(key, options);
    if (!p) return p.error();
    const std::string_view raw(reinterpret_cast<const char*>(payload.data()), payload.size());
    auto sig = detail_sign::signature_of(key, p->protected_b64,
                                         options.unencoded_payload ? std::string(raw) : base64url::encode(payload));
    if (!sig) return sig.error();
    return p->protected_b64 + ".." + *sig;
}

/// Signs `payload` with every signer into a JWS JSON Serialization (RFC 7515 §7.2): the general form (any
/// number of signers) or the flattened form (exactly one). Members are written in name order, without
/// whitespace. An unencoded payload (RFC 7797) must be the choice of every signer (§3) and, when attached, is
/// written as a JSON string, so it must be UTF-8.
/// Errors: errc::invalid_argument (no signer; several for the flattened form; "alg" omitted; a name in both
/// headers), errc::b64_inconsistent, errc::invalid_utf8 (an attached unencoded payload), the errors of
/// sign_compact() but errc::unencoded_payload_period.
inline result<std::string> sign_json(const std::vector<json_signer>& signers, bytes_view payload,
                                     json_form form = json_form::general, content where = content::attached) {
    if (signers.empty() || (form == json_form::flattened && signers.size() != 1)) return errc::invalid_argument;
    const bool unencoded = signers.front().options.unencoded_payload;
    for (const auto& s : signers)
        if (s.options.unencoded_payload != unencoded) return errc::b64_inconsistent;
    const std::string_view raw(reinterpret_cast<const char*>(payload.data()), payload.size());
    if (unencoded && where == content::attached && !jot::detail::is_valid_utf8(raw)) return errc::invalid_utf8;
    const std::string part = unencoded ? std::string(raw) : base64url::encode(payload);

    nlohmann::json out = nlohmann::json::object();
    nlohmann::json list = nlohmann::json::array();
    for (const auto& s : signers) {
        auto p = detail_sign::prepare(s.key.get(), s.options);
        if (!p) return p.error();
        auto sig = detail_sign::signature_of(s.key.get(), p->protected_b64, part);
        if (!sig) return sig.error();
        nlohmann::json one = nlohmann::json::object();
        if (!p->protected_b64.empty()) one["protected"] = p->protected_b64;
        if (!p->unprotected.empty()) one["header"] = std::move(p->unprotected);
        one["signature"] = std::move(*sig);
        list.push_back(std::move(one));
    }
    if (form == json_form::flattened) out = std::move(list.front());
    else out["signatures"] = std::move(list);
    if (where == content::attached) out["payload"] = part;
    std::string text;
    if (!jot::detail::write_json(out, text)) return errc::invalid_argument;
    return text;
}

/// How many of a JWS's signatures must verify (RFC 7515 §7.2: the application decides).
enum class required_signatures {
    all,  ///< every signature, each under an allowed key (the default)
    one,  ///< at least one under an allowed key; the others may be by keys this verifier does not have
};

/// The verifier's policy.
struct verify_options {
    /// RFC 7797: honour "b64":false when "crit" lists "b64". Off by default: "crit":["b64"] is then
    /// errc::crit_unsupported, as an extension jot does not understand must be (RFC 7515 §4.1.11).
    bool allow_unencoded_payload = false;
    required_signatures required = required_signatures::all;
    /// Most signatures read from one JWS JSON Serialization (errc::too_many_signatures).
    std::size_t max_signatures = 8;
    /// max_token_size bounds the compact token or the JSON text; max_json_depth every header and the JSON text.
    decode_options decode{};
};

/// One signature that verified: its algorithm and headers. The unprotected header is not covered by the
/// signature: treat what it says as untrusted.
struct verified_signature {
    std::size_t index = 0;  ///< its position in "signatures" (0 for the compact and flattened forms)
    algorithm alg = algorithm::hs256;
    nlohmann::json protected_header;    ///< the JWS Protected Header (an empty object when absent)
    nlohmann::json unprotected_header;  ///< the JWS Unprotected Header (an empty object when absent)
};

/// A verified JWS: the payload octets and the signatures that verified. Only a jws::verifier makes one.
class verified_content {
public:
    /// The payload: decoded from base64url, or the unencoded octets, or the detached payload as given.
    std::string_view payload() const noexcept { return payload_; }
    /// True when the payload was signed unencoded (RFC 7797 "b64":false).
    bool unencoded() const noexcept { return unencoded_; }
    /// The signatures that verified, in order; with required_signatures::one, the first that did.
    const std::vector<verified_signature>& signatures() const noexcept { return signatures_; }

private:
    friend class verifier;
    verified_content() = default;
    std::string payload_;
    bool unencoded_ = false;
    std::vector<verified_signature> signatures_;
};

/// Verifies general JWSs with a fixed set of keys. As everywhere in jot, the key decides the algorithm: a
/// signature is checked only by keys whose alg() equals its "alg", then by "kid" (detail::verify_with_keys).
/// A const verifier is safe to use from many threads at once.
class verifier {
public:
    /// Errors: errc::no_keys (no key, or a null one), errc::invalid_argument (max_signatures of 0).
    static result<verifier> create(key_list keys, verify_options options = {}) {
        if (keys.empty()) return errc::no_keys;
        for (const auto& k : keys)
            if (!k) return errc::no_keys;
        if (options.max_signatures == 0) return errc::invalid_argument;
        return verifier(std::move(keys), options);
    }

    /// Verifies a compact JWS that carries its payload (RFC 7515 §5.2, §7.1; RFC 7797 §5.2).
    /// Errors: errc::token_too_large, errc::token_not_compact, errc::empty_segment,
    /// errc::unencoded_payload_period, base64url and JSON errors, the header errors of RFC 7515 §5.2
    /// (errc::header_missing_alg, errc::header_invalid_member, errc::crit_invalid, errc::crit_unsupported,
    /// errc::unsecured_token, errc::unsupported_algorithm), errc::algorithm_not_allowed, errc::key_not_found,
    /// errc::signature_invalid, errc::signature_length_invalid, errc::callback_failed.
    result<verified_content> verify_compact(std::string_view token) const {
        if (token.size() > options_.decode.max_token_size) return errc::token_too_large;
        jot::detail::jws_parts parts;
        if (auto r = jot::detail::split_jws_compact(token, parts); !r) return r.error();
        return verify_parts(parts, nullptr, true);
    }

    /// Verifies a compact JWS with detached content, `header..signature`, over `payload` (RFC 7515 Appendix F).
    /// Errors: errc::payload_not_detached (the token carries a payload), and those of verify_compact().
    result<verified_content> verify_detached(std::string_view token, bytes_view payload) const {
        if (token.size() > options_.decode.max_token_size) return errc::token_too_large;
        jot::detail::jws_parts parts;
        if (auto r = jot::detail::split_jws_compact(token, parts); !r) return r.error();
        if (!parts.payload.empty()) return errc::payload_not_detached;
        return verify_parts(parts, &payload, true);
    }

    /// Verifies a JWS JSON Serialization, general or flattened, that carries its payload (RFC 7515 §7.2), under
    /// the policy's required_signatures. Every header is checked first and a malformed one (or a malformed
    /// signature) fails the whole JWS whatever the policy. Under `all` the first failing signature's error is
    /// returned; under `one`, when none verifies, the first error of a signature some key was tried on, else
    /// the first signature's (algorithm_not_allowed, key_not_found). Errors: errc::jws_json_invalid (also for a JWS without "payload"),
    /// errc::too_many_signatures, errc::header_member_duplicated, errc::b64_inconsistent, the JSON errors of
    /// the text, and those of verify_compact().
    result<verified_content> verify_json(std::string_view text) const { return verify_json_text(text, nullptr); }

    /// Verifies a JWS JSON Serialization without "payload" over the detached `payload` (RFC 7515 Appendix F).
    /// Errors: errc::payload_not_detached (it has a "payload"), and those of verify_json().
    result<verified_content> verify_json_detached(std::string_view text, bytes_view payload) const {
        return verify_json_text(text, &payload);
    }

private:
    verifier(key_list keys, verify_options options) : keys_(std::move(keys)), options_(options) {}

    result<verified_content> verify_json_text(std::string_view text, const bytes_view* detached) const {
        if (text.size() > options_.decode.max_token_size) return errc::token_too_large;
        auto dom = jot::detail::parse_object<nlohmann::json>(text, options_.decode.max_json_depth);
        if (!dom) return dom.error();
        jot::detail::jws_parts parts;
        if (auto r = jot::detail::read_jws_json(*dom, options_.max_signatures, parts); !r) return r.error();
        if (detached && parts.has_payload) return errc::payload_not_detached;
        if (!detached && !parts.has_payload) return errc::jws_json_invalid;
        return verify_parts(parts, detached, false);
    }

    /// RFC 7515 §5.2 for every signature: the headers first (a malformed one fails the whole JWS), "b64" the
    /// same for all, then the signatures under the policy; the payload is decoded only after that.
    result<verified_content> verify_parts(const jot::detail::jws_parts& parts, const bytes_view* detached,
                                          bool compact) const {
        std::vector<result<jot::detail::jws_header_info>> headers;
        headers.reserve(parts.signatures.size());
        const jot::detail::jws_header_info* first_ok = nullptr;
        for (const auto& s : parts.signatures) {
            headers.push_back(jot::detail::check_jws_header(s, options_.allow_unencoded_payload,
                                                            options_.decode.max_json_depth));
            const auto& h = headers.back();
            if (!h && h.error() == condition::malformed) return h.error();
        }
        for (const auto& h : headers) {
            if (!h) continue;
            if (!first_ok) first_ok = &*h;
            else if (h->unencoded != first_ok->unencoded) return errc::b64_inconsistent;
        }
        if (!first_ok) return headers.front().error();
        const bool unencoded = first_ok->unencoded;

        // The payload part of the signing input: as carried, or the detached octets (encoded unless b64:false).
        std::string detached_part;
        std::string_view part = parts.payload;
        if (detached) {
            const std::string_view raw(reinterpret_cast<const char*>(detached->data()), detached->size());
            detached_part = unencoded ? std::string(raw) : base64url::encode(*detached);
            part = detached_part;
        } else if (compact && parts.payload.find('.') != std::string_view::npos) {
            return unencoded ? errc::unencoded_payload_period : errc::token_not_compact;
        }

        // The payload is decoded before any signature is checked, so that malformed input is reported as such
        // whatever the keys (RFC 7515 §5.2 step 6).
        verified_content out;
        out.unencoded_ = unencoded;
        if (detached) {
            out.payload_.assign(reinterpret_cast<const char*>(detached->data()), detached->size());
        } else if (unencoded) {
            out.payload_.assign(parts.payload);
        } else {
            auto decoded = base64url::decode<std::string>(parts.payload);
            if (!decoded) return decoded.error();
            out.payload_ = std::move(*decoded);
        }

        std::error_code first_error;
        bool first_tried = false;
        for (std::size_t i = 0; i < parts.signatures.size(); ++i) {
            auto r = check_one(parts.signatures[i], headers[i], part);
            if (!r) {
                // A malformed signature fails the whole JWS, whatever the policy.
                if (options_.required == required_signatures::all || r.error() == condition::malformed)
                    return r.error();
                // Reported when none verifies: the first failure of a signature some key was tried on, else the first.
                const bool tried = r.error() != errc::algorithm_not_allowed && r.error() != errc::key_not_found;
                if (!first_error || (tried && !first_tried)) first_error = r.error();
                first_tried = first_tried || tried;
                continue;
            }
            const auto* unprotected = parts.signatures[i].header;
            out.signatures_.push_back({i, headers[i]->alg, headers[i]->protected_header,
                                       unprotected ? *unprotected : nlohmann::json::object()});
            if (options_.required == required_signatures::one) break;
        }
        if (out.signatures_.empty()) return first_error;
        return out;
    }

    result<void> check_one(const jot::detail::jws_signature_parts& sig,
                           const result<jot::detail::jws_header_info>& header, std::string_view payload_part) const {
        if (!header) return header.error();
        if (sig.signature_b64.empty()) return errc::empty_segment;
        if (sig.signature_b64.size() > base64url::encoded_size(jot::detail::max_signature_octets))
            return errc::signature_length_invalid;
        std::uint8_t buf[jot::detail::max_signature_octets];
        auto n = base64url::decode_into(sig.signature_b64, buf);
        if (!n) return n.error();
        std::string input;
        input.reserve(sig.protected_b64.size() + 1 + payload_part.size());
        input.append(sig.protected_b64).push_back('.');
        input.append(payload_part);
        return jot::detail::verify_with_keys(keys_, nullptr, header->alg, header->kid, header->has_kid, input,
                                             bytes_view(buf, *n));
    }

    key_list keys_;
    verify_options options_;
};

} // namespace jot::jws
