// SPDX-License-Identifier: MIT
// The pieces of a general JWS (RFC 7515 §7): header checks per signature, the JSON serialization's shape, and the
// "b64" extension (RFC 7797), shared by jot::jws signing and verification.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "../algorithm.hpp"
#include "../base64url.hpp"
#include "../error.hpp"
#include "../header.hpp"
#include "../result.hpp"
#include "header_registry.hpp"
#include "json_dom.hpp"

namespace jot::detail {

/// One signature of a JWS as carried: views into the input (or into the DOM that holds the JSON form).
struct jws_signature_parts {
    std::string_view protected_b64;           ///< BASE64URL(UTF8(JWS Protected Header)); empty when absent
    const nlohmann::json* header = nullptr;   ///< the JWS Unprotected Header; null when absent
    std::string_view signature_b64;
};

/// A JWS in any serialization: the payload as carried (base64url, or the raw octets under "b64":false), whether
/// it is carried at all, and its signatures.
struct jws_parts {
    bool has_payload = false;
    std::string_view payload;
    std::vector<jws_signature_parts> signatures;
};

/// What one signature's JOSE Header (the union of its protected and unprotected headers) says.
struct jws_header_info {
    algorithm alg = algorithm::hs256;
    std::string_view kid;   ///< a view into `joint`
    bool has_kid = false;
    bool unencoded = false; ///< "b64":false listed in "crit" (RFC 7797 §3, §6)
    nlohmann::json protected_header = nlohmann::json::object();
    nlohmann::json joint = nlohmann::json::object();
};

/// Reads and checks one signature's JOSE Header (RFC 7515 §5.2 steps 2-5, §7.2.1; RFC 7797 §6). Order: the
/// protected header strictly decoded and parsed; no name in both headers; "crit" and "b64" only in the
/// protected header; registered member types; "alg" a usable algorithm; "crit" well formed, naming present
/// non-registered members, each one understood ("b64" only when `allow_unencoded`); "b64" a boolean when listed.
/// Errors: base64url and JSON errors of the protected header, errc::header_member_duplicated,
/// errc::crit_invalid, errc::header_invalid_member, errc::header_missing_alg, errc::unsecured_token,
/// errc::unsupported_algorithm, errc::crit_unsupported.
inline result<jws_header_info> check_jws_header(const jws_signature_parts& sig, bool allow_unencoded,
                                                std::size_t max_depth) {
    jws_header_info info;
    if (!sig.protected_b64.empty()) {
        auto text = base64url::decode<std::string>(sig.protected_b64);
        if (!text) return text.error();
        auto dom = parse_object<nlohmann::json>(*text, max_depth);
        if (!dom) return dom.error();
        info.protected_header = std::move(*dom);
    }
    info.joint = info.protected_header;
    if (sig.header) {
        for (auto it = sig.header->begin(); it != sig.header->end(); ++it) {
            // RFC 7515 §7.2.1: the header parameter names of the two headers must be disjoint.
            if (info.joint.contains(it.key())) return errc::header_member_duplicated;
            // RFC 7515 §4.1.11 and RFC 7797 §6: both must be integrity protected.
            if (it.key() == "crit") return errc::crit_invalid;
            if (it.key() == "b64") return errc::header_invalid_member;
            info.joint.emplace(it.key(), it.value());
        }
    }
    auto header = basic_header<nlohmann::json>::from_json(info.joint);
    if (!header) return header.error();
    if (auto r = header->check_registered_types(); !r) return r.error();
    auto alg = algorithm_from_string(*header->alg());
    if (!alg) return alg.error();
    info.alg = *alg;

    bool b64_listed = false;
    if (header->contains("crit")) {
        auto names = header->critical();
        if (!names || names->empty()) return errc::crit_invalid;
        for (std::string_view n : *names)
            if (is_registered_header_name(n) || !info.joint.contains(n)) return errc::crit_invalid;
        for (std::string_view n : *names) {
            // The only extension jot implements is RFC 7797's, and only for a caller who asked for it.
            if (n != "b64" || !allow_unencoded) return errc::crit_unsupported;
            b64_listed = true;
        }
    }
    if (b64_listed) {
        // RFC 7797 §3: "b64" is a boolean; without "crit" it is not the extension and stays an unknown member.
        const auto& b64 = info.protected_header["b64"];
        if (!b64.is_boolean()) return errc::header_invalid_member;
        info.unencoded = !b64.get<bool>();
    }
    // A view into info.joint, whose members stay where they are when info is moved (the header above is a copy).
    if (const auto kid = info.joint.find("kid"); kid != info.joint.end()) {
        info.has_kid = true;
        info.kid = kid->get_ref<const std::string&>();
    }
    return info;
}

/// Reads the JWS JSON Serialization (RFC 7515 §7.2), general or flattened, from `dom` into `out`; `out` then
/// points into `dom`. Strict: no member but those §7.2.1 and §7.2.2 define, "signatures" a non-empty array of
/// objects, "protected" a non-empty string, "header" a non-empty object, at least one of the two per
/// signature, "signature" and "payload" strings. Errors: errc::jws_json_invalid, errc::too_many_signatures.
inline result<void> read_jws_json(const nlohmann::json& dom, std::size_t max_signatures, jws_parts& out) {
    auto read_signature = [](const nlohmann::json& obj, bool flattened, jws_signature_parts& sig) -> bool {
        bool has_signature = false;
        for (auto it = obj.begin(); it != obj.end(); ++it) {
            const std::string& k = it.key();
            const nlohmann::json& v = it.value();
            if (k == "protected") {
                if (!v.is_string() || v.get_ref<const std::string&>().empty()) return false;
                sig.protected_b64 = v.get_ref<const std::string&>();
            } else if (k == "header") {
                // RFC 7515 §7.2.1: present only when non-empty.
                if (!v.is_object() || v.empty()) return false;
                sig.header = &v;
            } else if (k == "signature") {
                if (!v.is_string()) return false;
                sig.signature_b64 = v.get_ref<const std::string&>();
                has_signature = true;
            } else if (!flattened || (k != "payload")) {
                return false;
            }
        }
        return has_signature && (!sig.protected_b64.empty() || sig.header);
    };
    if (const auto p = dom.find("payload"); p != dom.end()) {
        if (!p->is_string()) return errc::jws_json_invalid;
        out.has_payload = true;
        out.payload = p->get_ref<const std::string&>();
    }
    const auto sigs = dom.find("signatures");
    if (sigs == dom.end()) {
        jws_signature_parts one;
        if (!read_signature(dom, true, one)) return errc::jws_json_invalid;
        out.signatures.push_back(one);
        return {};
    }
    for (auto it = dom.begin(); it != dom.end(); ++it)
        if (it.key() != "payload" && it.key() != "signatures") return errc::jws_json_invalid;
    if (!sigs->is_array() || sigs->empty()) return errc::jws_json_invalid;
    if (sigs->size() > max_signatures) return errc::too_many_signatures;
    for (const auto& s : *sigs) {
        jws_signature_parts one;
        if (!s.is_object() || !read_signature(s, false, one)) return errc::jws_json_invalid;
        out.signatures.push_back(one);
    }
    return {};
}

/// Splits a compact JWS (RFC 7515 §7.1) at its first and last '.', so that an unencoded payload's own '.' is
/// not taken for a separator (it is refused later, RFC 7797 §5.2). Errors: errc::token_not_compact,
/// errc::empty_segment (header or signature).
inline result<void> split_jws_compact(std::string_view token, jws_parts& out) {
    const auto first = token.find('.');
    const auto last = token.rfind('.');
    if (first == std::string_view::npos || first == last) return errc::token_not_compact;
    jws_signature_parts sig;
    sig.protected_b64 = token.substr(0, first);
    sig.signature_b64 = token.substr(last + 1);
    if (sig.protected_b64.empty() || sig.signature_b64.empty()) return errc::empty_segment;
    out.has_payload = true;
    out.payload = token.substr(first + 1, last - first - 1);
    out.signatures.push_back(sig);
    return {};
}

/// The members a caller may not set by hand in a jot::jws header: they come from the key ("alg", "kid") or
/// from jot::jws::signature_options ("b64", "crit").
inline bool is_jws_reserved_member(std::string_view name) noexcept {
    return name == "alg" || name == "kid" || name == "b64" || name == "crit";
}

/// Checks caller-supplied header members: an object, no reserved name, registered members of their type.
/// Errors: errc::invalid_argument (not an object), errc::reserved_header_member, errc::header_member_wrong_type.
inline result<void> check_header_members(const nlohmann::json& members) {
    if (!members.is_object()) return errc::invalid_argument;
    for (auto it = members.begin(); it != members.end(); ++it) {
        if (is_jws_reserved_member(it.key())) return errc::reserved_header_member;
        const registered_header_member* m = find_registered_header(it.key());
        if (m && !has_header_member_type(it.value(), m->type)) return errc::header_member_wrong_type;
    }
    return {};
}

} // namespace jot::detail
