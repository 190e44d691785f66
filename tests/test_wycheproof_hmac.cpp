// SPDX-License-Identifier: MIT
// Project Wycheproof HMAC-SHA-2 vectors (tests/data/wycheproof, Apache-2.0) through jot::hmac_key, with the
// JWS reading of them: truncated tags are always refused and keys shorter than the hash cannot be made.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include <jot/algorithm.hpp>
#include <jot/error.hpp>
#include <jot/hmac_key.hpp>

#include "catch.hpp"
#include "test_support.hpp"

namespace {

struct counts {
    int exact = 0;      ///< full tag, key at least the hash size: verdict must equal "result"
    int truncated = 0;  ///< tagSize below the hash size: refused as signature_length_invalid
    int short_key = 0;  ///< keySize below the hash size: hmac_key::create refuses the key
    int valid_accepted = 0;
};

counts run_file(const std::string& file, jot::algorithm alg, const std::string& algorithm_name) {
    const auto doc = jot_test::read_json("wycheproof/" + file);
    REQUIRE(doc.at("algorithm") == algorithm_name);
    const std::size_t hash_bits = jot::hash_size(alg) * 8;
    counts c;
    int seen = 0;
    for (const auto& group : doc.at("testGroups")) {
        REQUIRE(group.at("type") == "MacTest");
        const std::size_t key_bits = group.at("keySize");
        const std::size_t tag_bits = group.at("tagSize");
        for (const auto& t : group.at("tests")) {
            ++seen;
            const int id = t.at("tcId");
            const std::string expected = t.at("result");
            INFO(file << " tcId " << id << " (" << t.at("comment").get<std::string>() << ", keySize " << key_bits
                      << ", tagSize " << tag_bits << ", expected " << expected << ")");
            const auto secret = jot_test::from_hex(t.at("key"));
            const auto msg = jot_test::from_hex(t.at("msg"));
            const auto tag = jot_test::from_hex(t.at("tag"));
            REQUIRE(secret.size() * 8 == key_bits);
            REQUIRE(tag.size() * 8 == tag_bits);
            const std::string_view input(reinterpret_cast<const char*>(msg.data()), msg.size());

            auto key = jot::hmac_key::create(alg, secret);
            if (key_bits < hash_bits) {
                // RFC 7518 §3.2: a key shorter than the hash output MUST NOT be used.
                REQUIRE_FALSE(key.has_value());
                REQUIRE(key.error() == jot::errc::key_too_short);
                ++c.short_key;
                continue;
            }
            REQUIRE(key.has_value());
            const auto verdict = key->verify(input, tag);
            if (tag_bits != hash_bits) {
                // Wycheproof's "valid" here means a valid truncated MAC; JWS has no truncated MACs.
                REQUIRE_FALSE(verdict.has_value());
                REQUIRE(verdict.error() == jot::errc::signature_length_invalid);
                ++c.truncated;
                continue;
            }
            if (expected == "valid") {
                REQUIRE(verdict.has_value());
                ++c.valid_accepted;
            } else {
                REQUIRE(expected == "invalid");
                REQUIRE_FALSE(verdict.has_value());
                REQUIRE(verdict.error() == jot::errc::signature_invalid);
            }
            ++c.exact;
        }
    }
    REQUIRE(seen == doc.at("numberOfTests").get<int>());
    return c;
}

} // namespace

TEST_CASE("Wycheproof HMAC vectors get their JWS verdict from hmac_key", "[keys][vector][wycheproof]") {
    struct file_case {
        const char* file;
        jot::algorithm alg;
        const char* name;
    };
    for (const auto& f : {file_case{"hmac_sha256_test.json", jot::algorithm::hs256, "HMACSHA256"},
                          file_case{"hmac_sha384_test.json", jot::algorithm::hs384, "HMACSHA384"},
                          file_case{"hmac_sha512_test.json", jot::algorithm::hs512, "HMACSHA512"}}) {
        INFO(f.file);
        const counts c = run_file(f.file, f.alg, f.name);
        // 174 cases per file: 84 exact (27 + 3 valid), 84 truncated-tag, 6 with a short key.
        REQUIRE(c.exact == 84);
        REQUIRE(c.valid_accepted == 30);
        REQUIRE(c.truncated == 84);
        REQUIRE(c.short_key == 6);
    }
}
