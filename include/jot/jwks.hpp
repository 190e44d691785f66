// SPDX-License-Identifier: MIT
// JWK Sets (RFC 7517 §5): parse a key set into verification keys, report what was skipped, write it back.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "algorithm.hpp"
#include "detail/json_dom.hpp"
#include "detail/json_get.hpp"
#include "error.hpp"
#include "jwk.hpp"
#include "key_source.hpp"
#include "hmac_key.hpp"
#include "public_key.hpp"
#include "result.hpp"
#include "token.hpp"

namespace jot {

/// A JWK of the set that yields no key, and why. Inspect these to notice an identity provider publishing keys
/// jot cannot use.
struct skipped_key {
    std::size_t index;       ///< position in the "keys" array
    std::string kid;         ///< its "kid", if it had a string one
    /// e.g. errc::key_too_weak, key_use_mismatch, algorithm_not_allowed, duplicate_key_id, private_key_in_set,
    /// key_small_order
    std::error_code reason;
};

/// How a JWK Set is read.
struct jwk_set_options {
    /// The algorithms keys may be bound to. A JWK with "alg" outside this list is skipped; a JWK without
    /// "alg" is bound to every algorithm here that its type and curve allow (an RSA key without "alg" may
    /// verify RS256..PS512 unless you narrow this list, which you should when you know the issuer's algorithm).
    std::vector<algorithm> allowed_algorithms = {
        algorithm::rs256, algorithm::rs384, algorithm::rs512, algorithm::ps256, algorithm::ps384,
        algorithm::ps512, algorithm::es256, algorithm::es384, algorithm::es512, algorithm::es256k,
        algorithm::eddsa, algorithm::ed25519, algorithm::ed448};
    /// Symmetric ("oct") keys are skipped unless this is set and HS* algorithms are allowed: a published key
    /// set is public, so a secret in it is a mistake (or an attack).
    bool allow_symmetric = false;
    /// JWKs beyond this many are skipped (errc::too_many_keys), bounding the work a hostile document causes.
    std::size_t max_keys = 64;
    /// Longest JWK Set document read, in bytes (errc::key_set_too_large). Real sets are a few KiB (certificate
    /// chains in "x5c" make them tens of KiB); 256 KiB bounds what a hostile or broken endpoint can make jot
    /// parse, apart from the token limit (decode_options), which is about tokens.
    std::size_t max_document_size = 256 * 1024;
    /// Deepest JSON nesting accepted in the document (errc::json_too_deep); a JWK Set needs 3 or 4 levels.
    std::size_t max_json_depth = 32;
};

/// The usable keys of a JWK Set, each bound to one algorithm, in document order, with the JWKs that were
/// skipped and why. Immutable once made; share it freely.
class jwk_set {
public:
    /// An empty set.
    jwk_set() = default;

    /// Parses JWK Set text strictly (UTF-8, one JSON object, no duplicate members, bounded size and depth) and
    /// reads it with from_json. Errors: errc::key_set_too_large (checked first, before any parsing), the
    /// malformed codes for the text, errc::key_set_invalid.
    template <class Json = nlohmann::json>
    static result<jwk_set> parse(std::string_view text, const jwk_set_options& options = {}) {
        if (text.size() > options.max_document_size) return errc::key_set_too_large;
        auto doc = detail::parse_object<Json>(text, options.max_json_depth);
        if (!doc) return doc.error();
        return from_json(*doc, options);
    }

    /// Reads a parsed JWK Set: an object whose "keys" member is an array. Each JWK becomes one key per
    /// algorithm it may serve; a JWK that cannot be used (unsupported type or curve, too weak, "use":"enc",
    /// "key_ops" without "verify", an "alg" not allowed, a malformed member, private members such as "d") is
    /// skipped with its reason,
    /// never failing the set. A "kid" that two JWKs give for the same algorithm is ambiguous: every key with
    /// that kid and algorithm is dropped (skipped as errc::duplicate_key_id), so jot never guesses which one
    /// the issuer meant; the same kid on keys of different algorithms (RFC 7517 §4.5 allows it across key
    /// types) is fine. Errors: errc::key_set_invalid (not an object, or no "keys" array).
    template <class Json>
    static result<jwk_set> from_json(const Json& doc, const jwk_set_options& options = {}) {
        const Json* keys = detail::find_member(doc, "keys");
        if (!keys || !detail::json_is_array(*keys)) return errc::key_set_invalid;
        jwk_set out;
        std::size_t index = 0;
        detail::json_all_of(*keys, [&](const Json& jwk) {
            out.add(jwk, index++, options);
            return true;
        });
        out.drop_ambiguous_kids();
        return out;
    }

    /// The usable keys (each bound to one algorithm).
    const key_list& keys() const noexcept { return keys_; }
    /// The same keys, shareable with a verifier without copying.
    std::shared_ptr<const key_list> shared_keys() const { return std::make_shared<const key_list>(keys_); }
    /// The JWKs that yielded no key.
    const std::vector<skipped_key>& skipped() const noexcept { return skipped_; }
    bool empty() const noexcept { return keys_.empty(); }

    /// The set as JSON with public keys only: one JWK per source JWK that yielded a key ("alg" is written when
    /// the source JWK had one or yielded a single algorithm), or, for a source JWK that lost some of its
    /// algorithms to an ambiguous kid, one JWK per kept key with its "alg" (so reading the set back cannot
    /// revive a dropped kid and algorithm). Symmetric keys are never written.
    /// Errors: errc::key_invalid, errc::crypto_failure.
    template <class Json = nlohmann::json>
    result<Json> to_json() const {
        using traits = json_traits<Json>;
        Json arr = traits::make_array();
        for (std::size_t i = 0, end = 0; i < keys_.size(); i = end) {
            // The keys of one source JWK are consecutive.
            for (end = i + 1; end < keys_.size() && sources_[end].source == sources_[i].source;) ++end;
            if (!sources_[i].pub) continue;
            const bool whole = end - i == sources_[i].made;
            for (std::size_t k = i; k < (whole ? i + 1 : end); ++k) {
                auto j = to_jwk<Json>(*sources_[k].pub);
                if (!j) return j.error();
                if (whole && sources_[i].made != 1) traits::erase_member(*j, "alg");
                traits::push_back(arr, std::move(*j));
            }
        }
        Json doc = traits::make_object();
        traits::set_member(doc, "keys", std::move(arr));
        return doc;
    }

private:
    struct source_info {
        std::size_t source;
        std::size_t made; // keys the source JWK yielded before ambiguous kids were dropped
        std::shared_ptr<const public_key> pub; // null for a symmetric key, which is never written out
    };
    struct made_key {
        std::shared_ptr<const verification_key> key;
        std::shared_ptr<const public_key> pub;
    };

    template <class Json>
    void add(const Json& jwk, std::size_t index, const jwk_set_options& options) {
        std::string_view kid_member;
        std::string kid;
        if (detail::find_string_member(jwk, "kid", kid_member)) kid = std::string(kid_member);
        auto skip = [&](std::error_code why) { skipped_.push_back(skipped_key{index, kid, why}); };
        if (index >= options.max_keys) return skip(errc::too_many_keys);
        note_declared_claim(jwk, index, kid);
        if (!detail::json_is_object(jwk)) return skip(errc::key_invalid);

        std::string_view kty;
        const bool symmetric = detail::find_string_member(jwk, "kty", kty) && kty == "oct";
        if (symmetric && !options.allow_symmetric) return skip(errc::key_algorithm_mismatch);
        // A JWK Set is published (RFC 7517 §5; a jwks_uri is world-readable): a private key in it is a leak to
        // report, and never a key to use, even though its public half would verify.
        if (!symmetric)
            for (const char* m : {"d", "p", "q", "dp", "dq", "qi", "oth"})
                if (detail::find_member(jwk, m)) return skip(errc::private_key_in_set);

        auto allowed = [&](algorithm a) {
            for (algorithm x : options.allowed_algorithms)
                if (x == a) return true;
            return false;
        };
        auto make = [&](std::optional<algorithm> a) -> result<made_key> {
            if (symmetric) {
                auto k = hmac_key_from_jwk(jwk, a);
                if (!k) return k.error();
                return made_key{std::make_shared<const hmac_key>(std::move(*k)), nullptr};
            }
            auto k = public_key_from_jwk(jwk, a);
            if (!k) return k.error();
            auto pub = std::make_shared<const public_key>(std::move(*k));
            return made_key{pub, pub};
        };

        std::vector<made_key> made;
        std::error_code first_error;
        if (detail::find_member(jwk, "alg")) {
            auto k = make(std::nullopt);
            if (!k) return skip(k.error());
            if (!allowed(k->key->alg())) return skip(errc::algorithm_not_allowed);
            made.push_back(std::move(*k));
        } else {
            for (algorithm a : options.allowed_algorithms) {
                auto k = make(a);
                if (k) {
                    made.push_back(std::move(*k));
                } else if (k.error() != errc::key_algorithm_mismatch) {
                    if (!first_error) first_error = k.error();
                    // A secret too short for HS512 may still serve HS256 (RFC 7518 §3.2); any other defect (too
                    // weak, malformed) is the same for every algorithm.
                    if (k.error() != errc::key_too_short) break;
                }
            }
            if (made.empty() && !first_error) {
                // Nothing allowed fits: "not allowed" only if another algorithm would, else the key serves no JWS
                // algorithm at all (e.g. an X25519 key agreement key).
                first_error = make_error_code(errc::key_algorithm_mismatch);
                for (algorithm a : all_algorithms) {
                    if (!allowed(a) && make(a)) {
                        first_error = make_error_code(errc::algorithm_not_allowed);
                        break;
                    }
                }
            }
            if (made.empty()) return skip(first_error);
        }

        for (auto& m : made) {
            keys_.push_back(std::move(m.key));
            sources_.push_back(source_info{index, made.size(), std::move(m.pub)});
        }
    }

    // A signature JWK (no "use", or "use":"sig") that names a kid and an "alg" claims that pair, even when it
    // turns out unusable: an issuer publishing two keys under one (kid, alg), one of them broken, is just as
    // ambiguous as with two good ones.
    template <class Json>
    void note_declared_claim(const Json& jwk, std::size_t index, const std::string& kid) {
        if (kid.empty() || !detail::json_is_object(jwk)) return;
        if (const Json* use = detail::find_member(jwk, "use"))
            if (!detail::json_is_string(*use) || detail::json_string(*use) != "sig") return;
        std::string_view a;
        if (!detail::find_string_member(jwk, "alg", a)) return;
        auto alg = algorithm_from_string(a);
        if (alg) declared_.push_back(declared_claim{index, kid, *alg});
    }

    // Removes every key whose (kid, algorithm) another JWK of the set also has or declares, and records each
    // affected JWK once as skipped. Quadratic, but max_keys bounds the set.
    void drop_ambiguous_kids() {
        std::vector<bool> drop(keys_.size(), false);
        for (std::size_t i = 0; i < keys_.size(); ++i) {
            if (keys_[i]->key_id().empty()) continue;
            for (std::size_t j = i + 1; j < keys_.size(); ++j)
                if (sources_[i].source != sources_[j].source && keys_[i]->alg() == keys_[j]->alg() &&
                    keys_[i]->key_id() == keys_[j]->key_id())
                    drop[i] = drop[j] = true;
            for (const auto& d : declared_)
                if (d.source != sources_[i].source && d.alg == keys_[i]->alg() && d.kid == keys_[i]->key_id())
                    drop[i] = true;
        }
        key_list kept;
        std::vector<source_info> kept_sources;
        std::size_t last_reported = static_cast<std::size_t>(-1);
        for (std::size_t i = 0; i < keys_.size(); ++i) {
            if (!drop[i]) {
                kept.push_back(std::move(keys_[i]));
                kept_sources.push_back(std::move(sources_[i]));
            } else if (sources_[i].source != last_reported) {
                last_reported = sources_[i].source;
                skipped_.push_back(skipped_key{sources_[i].source, std::string(keys_[i]->key_id()),
                                               make_error_code(errc::duplicate_key_id)});
            }
        }
        keys_ = std::move(kept);
        sources_ = std::move(kept_sources);
    }

    struct declared_claim {
        std::size_t source;
        std::string kid;
        algorithm alg;
    };

    key_list keys_;
    std::vector<source_info> sources_;
    std::vector<skipped_key> skipped_;
    std::vector<declared_claim> declared_;
};

} // namespace jot
