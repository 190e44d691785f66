// SPDX-License-Identifier: MIT
// Fuzzes the general JWS verifier (jot::jws, RFC 7515 §5.2 and §7.2, RFC 7797): every input goes to
// verify_compact, verify_detached, verify_json and verify_json_detached under fixed HS256 and ES256 keys; what
// verifies must re-sign and verify to the same payload, and a compact JWS must verify as its flattened JSON too.
//
// The first input octet picks the policy (see policy_of); the rest is the JWS. When bit 2 of that octet is set,
// the JWS ends at its first NUL and the octets after it are the detached payload; otherwise the detached
// payload is detached_payload below.
//
// The seeds in corpus/jws_json/ are JWSs made with these same fixed keys, plus RFC 7520 §4.5-4.8 and RFC 7797
// (which do not verify here but reach the signature check); to write them again:
//   g++ -std=c++17 -O1 -Iinclude -DJOT_FUZZ_WRITE_SEEDS tests/fuzz/fuzz_jws_json.cpp -lcrypto -o /tmp/seeds
//   /tmp/seeds tests/fuzz/corpus/jws_json tests/data/jose-cookbook
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include <jot/hmac_key.hpp>
#include <jot/jws.hpp>
#include <jot/private_key.hpp>
#include <jot/public_key.hpp>

#include "keys/keys.hpp"

namespace {

namespace jws = jot::jws;

/// The detached payload when the input does not carry one (RFC 7797 §4's example payload).
constexpr std::string_view detached_payload = "$.02";

jot::bytes_view bytes_of(std::string_view s) { return jot::bytes_view(s.data(), s.size()); }

/// The fixed keys: an HS256 secret and the P-256 key of keys.hpp, each with a "kid".
struct fuzz_keys {
    jot::hmac_key hs;
    jot::private_key es;
    jot::key_list verification;
};

const fuzz_keys& keys() {
    static const fuzz_keys k = [] {
        auto hs = jot::hmac_key::create(jot::algorithm::hs256, std::string_view("0123456789abcdef0123456789abcdef"),
                                        "fuzz-hs");
        auto es = jot::private_key::from_pem(jot::algorithm::es256, jot_fuzz::keys::p256, "fuzz-es");
        if (!hs || !es) std::abort();
        auto pub = es->public_key();
        if (!pub) std::abort();
        jot::key_list list = {std::make_shared<jot::hmac_key>(*hs), std::make_shared<jot::public_key>(std::move(*pub))};
        return fuzz_keys{std::move(*hs), std::move(*es), std::move(list)};
    }();
    return k;
}

/// Policy bits: 0 allows unencoded payloads, 1 asks for one signature instead of all, 3 lowers max_signatures
/// to 2 (bit 2 is the detached split, read by the caller).
jws::verify_options policy_of(std::uint8_t bits) {
    jws::verify_options o;
    o.allow_unencoded_payload = (bits & 1) != 0;
    o.required = (bits & 2) != 0 ? jws::required_signatures::one : jws::required_signatures::all;
    if ((bits & 8) != 0) o.max_signatures = 2;
    return o;
}

/// The sixteen verifiers, one per policy, made once.
const jws::verifier& verifier_for(std::uint8_t bits) {
    static const std::vector<jws::verifier> all = [] {
        std::vector<jws::verifier> v;
        for (unsigned b = 0; b < 16; ++b) v.push_back(jws::verifier::create(keys().verification, policy_of(b)).value());
        return v;
    }();
    return all[bits & 0x0F];
}

/// A failure is always one of jot's codes, and never an internal crypto failure on fuzzed input.
template <class T>
void check_failure(const jot::result<T>& r) {
    if (!r && (r.error().category() != jot::error_category() || r.error() == jot::errc::crypto_failure))
        std::abort();
}

/// What must hold of any verified JWS: at least one signature, by our keys, in order; "alg" where the JWS put
/// it; "b64":false only when the policy allows it; one signature only under required_signatures::one.
void check_verified(const jws::verified_content& c, const jws::verify_options& o) {
    const auto& sigs = c.signatures();
    if (sigs.empty() || (c.unencoded() && !o.allow_unencoded_payload)) std::abort();
    if (o.required == jws::required_signatures::one && sigs.size() != 1) std::abort();
    for (std::size_t i = 0; i < sigs.size(); ++i) {
        const auto& s = sigs[i];
        if (s.alg != jot::algorithm::hs256 && s.alg != jot::algorithm::es256) std::abort();
        if (i > 0 && s.index <= sigs[i - 1].index) std::abort();
        if (!s.protected_header.is_object() || !s.unprotected_header.is_object()) std::abort();
        const auto* where = s.protected_header.contains("alg") ? &s.protected_header : &s.unprotected_header;
        const auto alg = where->find("alg");
        if (alg == where->end() || !alg->is_string() || alg->get<std::string>() != jot::to_string(s.alg))
            std::abort();
    }
}

/// Every form jot signs `payload` in (as unencoded or not) verifies under `v` to the same payload.
void check_round_trip(const jws::verifier& v, const jws::verify_options& o, std::string_view payload,
                      bool unencoded) {
    const auto& k = keys();
    jws::signature_options so;
    so.unencoded_payload = unencoded;
    const auto same = [&](const jot::result<jws::verified_content>& r) {
        if (!r || r->payload() != payload || r->unencoded() != unencoded) std::abort();
        check_verified(*r, o);
    };
    for (const jot::signer* key : {static_cast<const jot::signer*>(&k.hs), static_cast<const jot::signer*>(&k.es)}) {
        auto compact = jws::sign_compact(*key, bytes_of(payload), so);
        if (unencoded && payload.find('.') != std::string_view::npos) {
            if (compact || compact.error() != jot::errc::unencoded_payload_period) std::abort();
        } else {
            if (!compact) std::abort();
            same(v.verify_compact(*compact));
        }
        auto detached = jws::sign_detached(*key, bytes_of(payload), so);
        if (!detached) std::abort();
        same(v.verify_detached(*detached, bytes_of(payload)));
    }

    const std::vector<jws::json_signer> both = {{k.hs, so}, {k.es, so}};
    auto general = jws::sign_json(both, bytes_of(payload));
    if (unencoded && !jot::detail::is_valid_utf8(payload)) {
        if (general || general.error() != jot::errc::invalid_utf8) std::abort();
    } else {
        if (!general) std::abort();
        auto r = v.verify_json(*general);
        same(r);
        if (o.required == jws::required_signatures::all && r->signatures().size() != 2) std::abort();
        auto flat = jws::sign_json({{k.es, so}}, bytes_of(payload), jws::json_form::flattened);
        if (!flat) std::abort();
        same(v.verify_json(*flat));
    }
    auto general_detached = jws::sign_json(both, bytes_of(payload), jws::json_form::general, jws::content::detached);
    if (!general_detached) std::abort();
    same(v.verify_json_detached(*general_detached, bytes_of(payload)));
}

/// A compact JWS that verifies verifies as the flattened JSON of its three parts too (RFC 7515 §7.2.2), with
/// the same payload: the two readers must agree.
void check_as_flattened(const jws::verifier& v, const jws::verify_options& o, std::string_view token,
                        const jws::verified_content& c) {
    if (!jot::detail::is_valid_utf8(token)) return; // an unencoded payload may hold any octet but '.'
    const std::size_t first = token.find('.'), last = token.rfind('.');
    nlohmann::json flat = nlohmann::json::object();
    flat["protected"] = std::string(token.substr(0, first));
    flat["payload"] = std::string(token.substr(first + 1, last - first - 1));
    flat["signature"] = std::string(token.substr(last + 1));
    const std::string text = flat.dump();
    if (text.size() > o.decode.max_token_size) return;
    auto r = v.verify_json(text);
    if (!r || r->payload() != c.payload() || r->unencoded() != c.unencoded() || r->signatures().size() != 1 ||
        r->signatures().front().alg != c.signatures().front().alg)
        std::abort();
}

/// Under required_signatures::all, a verified general JWS reports each of its signatures.
void check_all_counted(std::string_view text, const jws::verify_options& o, const jws::verified_content& c) {
    if (o.required != jws::required_signatures::all) return;
    const auto dom = nlohmann::json::parse(text, nullptr, false);
    if (dom.is_discarded() || !dom.is_object()) std::abort();
    const auto list = dom.find("signatures");
    const std::size_t n = list == dom.end() ? 1 : list->size();
    if (c.signatures().size() != n) std::abort();
}

void run(std::uint8_t bits, std::string_view text, std::string_view detached) {
    const jws::verify_options o = policy_of(bits);
    const jws::verifier& v = verifier_for(bits);

    auto compact = v.verify_compact(text);
    check_failure(compact);
    if (compact) {
        check_verified(*compact, o);
        check_as_flattened(v, o, text, *compact);
        check_round_trip(v, o, compact->payload(), compact->unencoded());
    }

    auto split = v.verify_detached(text, bytes_of(detached));
    check_failure(split);
    if (split) {
        if (split->payload() != detached) std::abort();
        check_verified(*split, o);
        check_round_trip(v, o, split->payload(), split->unencoded());
    }

    auto json = v.verify_json(text);
    check_failure(json);
    if (json) {
        check_verified(*json, o);
        check_all_counted(text, o, *json);
        check_round_trip(v, o, json->payload(), json->unencoded());
    }

    auto json_split = v.verify_json_detached(text, bytes_of(detached));
    check_failure(json_split);
    if (json_split) {
        if (json_split->payload() != detached) std::abort();
        check_verified(*json_split, o);
        check_all_counted(text, o, *json_split);
        check_round_trip(v, o, json_split->payload(), json_split->unencoded());
    }
}

} // namespace

#ifndef JOT_FUZZ_WRITE_SEEDS
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::uint8_t bits = data[0];
    std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
    std::string_view detached = detached_payload;
    if ((bits & 4) != 0) {
        const std::size_t nul = text.find('\0');
        detached = nul == std::string_view::npos ? std::string_view() : text.substr(nul + 1);
        text = text.substr(0, nul);
    }
    run(bits, text, detached);
    return 0;
}
#else
#include <fstream>
#include <iterator>
namespace {
/// Writes one seed: the policy octet, the JWS, and after a NUL the detached payload when there is one.
void write_seed(const std::string& dir, const std::string& name, std::uint8_t bits, const std::string& jws,
                const std::string* payload = nullptr) {
    std::string seed(1, static_cast<char>(payload ? bits | 4 : bits));
    seed += jws;
    if (payload) seed.append(1, '\0').append(*payload);
    std::ofstream(dir + "/" + name, std::ios::binary) << seed;
    const std::uint8_t b = static_cast<std::uint8_t>(seed[0]);
    const std::string_view p = payload ? std::string_view(*payload) : detached_payload;
    run(b, jws, p); // the seed writer runs the property checks too
    // Seeds of our own keys must verify in one of the four ways, or they would not reach the round trip.
    const auto& v = verifier_for(b);
    const bool ours = name.rfind("rfc", 0) != 0;
    if (ours && !v.verify_compact(jws) && !v.verify_detached(jws, bytes_of(p)) && !v.verify_json(jws) &&
        !v.verify_json_detached(jws, bytes_of(p)))
        std::abort();
}
} // namespace

int main(int argc, char** argv) {
    if (argc != 3) return 2;
    const std::string out = argv[1], cookbook = argv[2];
    const auto& k = keys();
    const std::string payload = "{\"iss\":\"joe\",\"n\":1}";
    const std::string dotted = "$.02 with a period";
    jws::signature_options plain, unencoded;
    unencoded.unencoded_payload = true;
    jws::signature_options in_header;
    in_header.alg = jws::placement::unprotected_header;
    in_header.kid = jws::placement::unprotected_header;
    in_header.protected_members = {{"typ", "example"}};

    write_seed(out, "compact-hs256", 0, jws::sign_compact(k.hs, bytes_of(payload)).value());
    write_seed(out, "compact-unencoded", 1, jws::sign_compact(k.es, bytes_of("$02"), unencoded).value());
    write_seed(out, "detached-es256", 0, jws::sign_detached(k.es, bytes_of(payload)).value(), &payload);
    write_seed(out, "detached-unencoded", 1, jws::sign_detached(k.hs, bytes_of(dotted), unencoded).value(), &dotted);
    write_seed(out, "flattened-hs256", 0,
               jws::sign_json({{k.hs, plain}}, bytes_of(payload), jws::json_form::flattened).value());
    write_seed(out, "flattened-unprotected-alg", 2,
               jws::sign_json({{k.es, in_header}}, bytes_of(payload), jws::json_form::flattened).value());
    write_seed(out, "general-one", 0, jws::sign_json({{k.es, plain}}, bytes_of(payload)).value());
    write_seed(out, "general-two", 0, jws::sign_json({{k.hs, plain}, {k.es, in_header}}, bytes_of(payload)).value());
    write_seed(out, "general-two-one", 10, jws::sign_json({{k.es, plain}, {k.hs, plain}}, bytes_of(payload)).value());
    write_seed(out, "general-unencoded", 1,
               jws::sign_json({{k.hs, unencoded}, {k.es, unencoded}}, bytes_of(dotted)).value());
    write_seed(out, "general-detached", 2,
               jws::sign_json({{k.hs, plain}, {k.es, plain}}, bytes_of(payload), jws::json_form::general,
                              jws::content::detached)
                   .value(),
               &payload);

    // RFC 7520 §4.5-4.8 and RFC 7797 §4: their own keys, so they stop at the signature, not before.
    const auto read = [&](const std::string& path) {
        std::ifstream in(cookbook + "/" + path);
        return nlohmann::json::parse(std::string(std::istreambuf_iterator<char>(in), {}));
    };
    for (const char* name : {"4_6.protecting_specific_header_fields", "4_7.protecting_content_only",
                             "4_8.multiple_signatures"}) {
        const auto v = read(std::string("jws/") + name + ".json");
        const auto& o = v["output"];
        if (o.contains("json")) write_seed(out, std::string("rfc7520-") + name, 0, o["json"].dump());
        if (o.contains("json_flat")) write_seed(out, std::string("rfc7520-") + name + "-flat", 2, o["json_flat"].dump());
    }
    const auto detached = read("jws/4_5.signature_with_detached_content.json");
    const std::string hobbit = detached["input"]["payload"].get<std::string>();
    write_seed(out, "rfc7520-4_5-detached", 0, detached["output"]["json"].dump(), &hobbit);
    write_seed(out, "rfc7520-4_5-compact", 0, detached["output"]["compact"].get<std::string>(), &hobbit);
    const auto b64 = read("rfc7797/hmac-sha2_b64_false.json");
    write_seed(out, "rfc7797-compact", 1, b64["output"]["compact"].get<std::string>());
    write_seed(out, "rfc7797-json", 1, b64["output"]["json"].dump());
    return 0;
}
#endif
