// SPDX-License-Identifier: MIT
// The harness shared by fuzz_verify_rsa/ecdsa/eddsa: a permissive verifier over fixed keys, a raw-signature
// check against each key, and a sign-then-verify differential. Any unexpected outcome aborts (a finding).
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include <jot/detail/utf8.hpp>
#include <jot/jot.hpp>

namespace jot_fuzz {

using fixed_verifier = jot::basic_verifier<nlohmann::json, jot::fixed_clock>;

inline jot::fixed_clock fixed_now() {
    return {std::chrono::system_clock::time_point(std::chrono::seconds(1700000000))};
}

/// A private key (from a fixed PEM) and its public half, bound to one algorithm.
struct bound_key {
    jot::private_key priv;
    jot::public_key pub;
};

inline bound_key bind(jot::algorithm alg, const char* pem) {
    auto priv = jot::private_key::from_pem(alg, pem);
    if (!priv) std::abort();
    auto pub = priv->public_key();
    if (!pub) std::abort();
    return {std::move(*priv), std::move(*pub)};
}

class verify_fixture {
public:
    /// `sign_every`: run the sign-then-verify differential on one input in this many (RSA signing is slow).
    verify_fixture(std::initializer_list<std::pair<jot::algorithm, const char*>> keys, std::size_t sign_every)
        : sign_every_(sign_every) {
        jot::basic_verifier_builder<nlohmann::json, jot::fixed_clock> b;
        for (const auto& [alg, pem] : keys) {
            keys_.push_back(bind(alg, pem));
            b.key(keys_.back().pub);
        }
        // Permissive policy, so authentic tokens get through every stage.
        auto v = b.allow_missing_expiration().ignore_audience().ignore_type().clock(fixed_now()).build();
        if (!v) std::abort();
        verifier_ = std::make_unique<fixed_verifier>(std::move(*v));
    }

    void run(const std::uint8_t* data, std::size_t size) const {
        const std::string_view input(reinterpret_cast<const char*>(data), size);
        check_token(input);
        check_raw_signature(data, size);
        if (sign_every_ != 0 && size % sign_every_ == 0) check_round_trip(input, size);
    }

private:
    /// Whatever the verifier accepts was signed with one of our keys under exactly the header's algorithm.
    void check_token(std::string_view input) const {
        auto r = verifier_->verify(input);
        if (!r) {
            if (r.error().category() != jot::error_category() || r.error() == jot::errc::crypto_failure) std::abort();
            return;
        }
        auto named = r->header().alg();
        if (!named || *named != jot::to_string(r->alg())) std::abort();
        const std::size_t dot = input.rfind('.');
        auto sig = jot::base64url::decode<std::string>(input.substr(dot + 1));
        if (!sig) std::abort();
        bool any = false;
        for (const auto& k : keys_)
            if (k.pub.alg() == r->alg() && k.pub.verify(input.substr(0, dot), jot::bytes_view(*sig))) any = true;
        if (!any) std::abort();
    }

    /// The input as a raw signature over a fixed message, as is and cut or zero-padded to each key's exact
    /// size (so the fuzzer reaches the per-algorithm checks: ECDSA r and s ranges, RSA representative < n).
    /// No fuzzed signature over this message may ever verify.
    void check_raw_signature(const std::uint8_t* data, std::size_t size) const {
        static constexpr std::string_view message = "eyJhbGciOiJmdXp6In0.eyJzdWIiOiJmdXp6In0";
        for (const auto& k : keys_) {
            std::vector<std::uint8_t> exact(data, data + std::min(size, k.pub.signature_size()));
            exact.resize(k.pub.signature_size(), 0);
            for (const jot::bytes_view sig : {jot::bytes_view(data, size), jot::bytes_view(exact)}) {
                auto r = k.pub.verify(message, sig);
                if (r) std::abort(); // a forgery
                if (r.error() != jot::errc::signature_invalid && r.error() != jot::errc::signature_length_invalid)
                    std::abort();
                if ((r.error() == jot::errc::signature_length_invalid) != (sig.size() != k.pub.signature_size()))
                    std::abort();
            }
        }
    }

    /// Differential: a token jot signs over the input (as a claim) is accepted and gives the input back.
    void check_round_trip(std::string_view input, std::size_t size) const {
        const bound_key& k = keys_[size / sign_every_ % keys_.size()];
        auto token = jot::basic_builder<nlohmann::json, jot::fixed_clock>(fixed_now())
                         .claim("data", std::string(input))
                         .sign(k.priv);
        if (!jot::detail::is_valid_utf8(input)) {
            if (token || token.error() != jot::errc::invalid_utf8) std::abort();
            return;
        }
        if (!token) std::abort();
        auto back = verifier_->verify(*token);
        if (!back || back->alg() != k.priv.alg()) std::abort();
        auto data = back->claims().get<std::string_view>("data");
        if (!data || *data != input) std::abort();
    }

    std::vector<bound_key> keys_;
    std::unique_ptr<fixed_verifier> verifier_;
    std::size_t sign_every_;
};

} // namespace jot_fuzz
