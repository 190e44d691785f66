// SPDX-License-Identifier: MIT
// Tests for jot/base64url.hpp: strict, unpadded, canonical base64url (RFC 4648 §5, RFC 7515 §2).
#include <array>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <random>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <jot/base64url.hpp>

#include "catch.hpp"
#include "test_support.hpp"

namespace {

constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// An encoder written independently of the library's (one bit at a time), so a round trip through two
// matching mistakes in encode and decode cannot pass unnoticed.
std::string reference_encode(const std::vector<std::uint8_t>& in) {
    std::string out;
    unsigned acc = 0;
    int bits = 0;
    for (std::uint8_t byte : in) {
        for (int i = 7; i >= 0; --i) {
            acc = acc << 1 | ((byte >> i) & 1u);
            if (++bits == 6) {
                out += alphabet[acc];
                acc = 0;
                bits = 0;
            }
        }
    }
    if (bits) out += alphabet[acc << (6 - bits)];
    return out;
}

std::vector<std::uint8_t> random_bytes(std::mt19937& rng, std::size_t n) {
    std::uniform_int_distribution<int> dist(0, 255);
    std::vector<std::uint8_t> v(n);
    for (auto& b : v) b = static_cast<std::uint8_t>(dist(rng));
    return v;
}

std::error_code decode_error(std::string_view text) {
    auto r = jot::base64url::decode(text);
    return r ? std::error_code{} : r.error();
}

std::error_code code(jot::errc e) { return jot::make_error_code(e); }

} // namespace

TEST_CASE("base64url round trips random bytes of every length from 0 to 64", "[base64url][positive]") {
    std::mt19937 rng(20240601);
    for (std::size_t n = 0; n <= 64; ++n) {
        for (int rep = 0; rep < 8; ++rep) {
            const auto bytes = random_bytes(rng, n);
            INFO("length " << n << ", repetition " << rep);
            const std::string text = jot::base64url::encode(bytes);
            REQUIRE(text == reference_encode(bytes));
            REQUIRE(text.size() == jot::base64url::encoded_size(n));
            REQUIRE(text.find_first_not_of(alphabet) == std::string::npos);
            REQUIRE(jot::base64url::decoded_size(text.size()) == n);
            auto back = jot::base64url::decode<std::vector<std::uint8_t>>(text);
            REQUIRE(back.has_value());
            REQUIRE(*back == bytes);
        }
    }
}

TEST_CASE("base64url matches the RFC 4648 test vectors written without padding", "[base64url][vector]") {
    const auto doc = jot_test::read_json("base64url/rfc4648.json");
    REQUIRE(doc.at("vectors").size() >= 10);
    for (const auto& v : doc.at("vectors")) {
        const std::string id = v.at("id");
        const std::string expected = v.at("base64url");
        const auto bytes = jot_test::from_hex(v.at("hex"));
        INFO("vector " << id);
        CHECK(jot::base64url::encode(bytes) == expected);
        auto decoded = jot::base64url::decode<std::vector<std::uint8_t>>(expected);
        REQUIRE(decoded.has_value());
        CHECK(*decoded == bytes);
    }
}

TEST_CASE("base64url encodes into and decodes from std::string and std::vector<std::uint8_t>",
          "[base64url][positive]") {
    const std::string input("foo\0bar", 7); // an embedded NUL must survive both ways
    SECTION("std::string output") {
        const std::string text = jot::base64url::encode<std::string>(input);
        REQUIRE(text == "Zm9vAGJhcg");
        auto back = jot::base64url::decode<std::string>(text);
        REQUIRE(back.has_value());
        REQUIRE(*back == input);
        REQUIRE(back->size() == 7);
    }
    SECTION("std::vector<std::uint8_t> output") {
        const auto text = jot::base64url::encode<std::vector<std::uint8_t>>(input);
        REQUIRE(std::string(text.begin(), text.end()) == "Zm9vAGJhcg");
        auto back = jot::base64url::decode<std::vector<std::uint8_t>>("Zm9vAGJhcg");
        REQUIRE(back.has_value());
        REQUIRE(*back == std::vector<std::uint8_t>{'f', 'o', 'o', 0, 'b', 'a', 'r'});
    }
    SECTION("encode_append keeps what the container already held") {
        std::string out = "prefix.";
        jot::base64url::encode_append(std::string_view("foob"), out);
        REQUIRE(out == "prefix.Zm9vYg");
    }
}

TEST_CASE("base64url decode_into fills a caller's buffer and reports the octet count",
          "[base64url][positive]") {
    std::array<std::uint8_t, 8> buf{};
    buf.fill(0xAA);
    auto n = jot::base64url::decode_into("Zm9vYmE", buf.data(), 5);
    REQUIRE(n.has_value());
    REQUIRE(*n == 5);
    REQUIRE(std::string(buf.begin(), buf.begin() + 5) == "fooba");
    REQUIRE(buf[5] == 0xAA); // nothing written past the decoded octets

    auto empty = jot::base64url::decode_into("", buf.data(), 0);
    REQUIRE(empty.has_value());
    REQUIRE(*empty == 0);
}

TEST_CASE("base64url decode_into refuses a buffer too small for the decoded octets",
          "[base64url][negative]") {
    std::array<std::uint8_t, 8> buf{};
    buf.fill(0xAA);
    auto r = jot::base64url::decode_into("Zm9vYmE", buf.data(), 4);
    REQUIRE_FALSE(r.has_value());
    REQUIRE(r.error() == code(jot::errc::invalid_argument));
    for (auto b : buf) REQUIRE(b == 0xAA); // refused before writing anything

    auto zero = jot::base64url::decode_into("Zg", buf.data(), 0);
    REQUIRE(zero.error() == code(jot::errc::invalid_argument));
}

TEST_CASE("base64url rejects '=' padding at the end", "[base64url][negative]") {
    for (std::string_view text : {"Zg==", "Zm8=", "Zg=", "Zm9vYg==", "=", "Zm9v="}) {
        INFO("input " << text);
        REQUIRE(decode_error(text) == code(jot::errc::base64_padding));
    }
}

TEST_CASE("base64url rejects '=' in the middle of the text", "[base64url][negative]") {
    for (std::string_view text : {"Zg==Zm9v", "Zm=vYmFy", "=m9v", "Zm9vY=Fy"}) {
        INFO("input " << text);
        REQUIRE(decode_error(text) == code(jot::errc::base64_padding));
    }
}

TEST_CASE("base64url rejects the standard-alphabet characters '+' and '/'", "[base64url][negative]") {
    REQUIRE(decode_error("-_8") == std::error_code{}); // the base64url spelling is fine
    REQUIRE(decode_error("+_8") == code(jot::errc::base64_invalid_character));
    REQUIRE(decode_error("-/8") == code(jot::errc::base64_invalid_character));
    REQUIRE(decode_error("++++") == code(jot::errc::base64_invalid_character));
    REQUIRE(decode_error("Zm9v////") == code(jot::errc::base64_invalid_character));
}

TEST_CASE("base64url rejects whitespace: space, newline and tab", "[base64url][negative]") {
    // Lengths are kept away from 1 mod 4, which is reported first as base64_invalid_length.
    const std::string_view cases[] = {"Zm9v Ym", "Zm9v\nYm", "Zm9v\tYm", " Zm9vYg", "Zm9vYg\n", "Zm\r\n"};
    for (std::size_t i = 0; i < std::size(cases); ++i) {
        INFO("case " << i);
        REQUIRE(decode_error(cases[i]) == code(jot::errc::base64_invalid_character));
    }
}

TEST_CASE("base64url rejects a NUL character", "[base64url][negative]") {
    const std::string with_nul("Zm9v\0mFy", 8);
    REQUIRE(decode_error(with_nul) == code(jot::errc::base64_invalid_character));
    const std::string trailing_nul("Zm8\0", 4);
    REQUIRE(decode_error(trailing_nul) == code(jot::errc::base64_invalid_character));
}

TEST_CASE("base64url rejects every byte at or above 0x80", "[base64url][negative]") {
    for (int b = 0x80; b <= 0xFF; ++b) {
        std::string text = "Zm9vYmFy";
        text[3] = static_cast<char>(b);
        INFO("byte " << b);
        REQUIRE(decode_error(text) == code(jot::errc::base64_invalid_character));
    }
}

TEST_CASE("base64url accepts exactly the 64 alphabet characters", "[base64url][negative]") {
    for (int b = 0; b <= 0xFF; ++b) {
        std::string text = "AAAA";
        text[1] = static_cast<char>(b);
        INFO("byte " << b);
        const bool in_alphabet = alphabet.find(static_cast<char>(b)) != std::string_view::npos;
        const auto expected = in_alphabet      ? std::error_code{}
                              : b == '='       ? code(jot::errc::base64_padding)
                                               : code(jot::errc::base64_invalid_character);
        REQUIRE(decode_error(text) == expected);
    }
}

TEST_CASE("base64url rejects a length of 1 mod 4, which no byte string encodes to", "[base64url][negative]") {
    for (std::string_view text : {"Z", "Zm9vY", "Zm9vYmFyZ", "AAAAAAAAAAAAA"}) {
        INFO("input " << text);
        REQUIRE(decode_error(text) == code(jot::errc::base64_invalid_length));
    }
    std::uint8_t buf[16];
    REQUIRE(jot::base64url::decode_into("Zm9vY", buf, sizeof buf).error() ==
            code(jot::errc::base64_invalid_length));
}

TEST_CASE("base64url rejects non-zero unused trailing bits", "[base64url][negative]") {
    // "QQ" is the canonical encoding of "A"; "QR" differs only in the 4 unused bits.
    REQUIRE(decode_error("QQ") == std::error_code{});
    REQUIRE(decode_error("QR") == code(jot::errc::base64_non_canonical));
    REQUIRE(decode_error("QT") == code(jot::errc::base64_non_canonical));
    REQUIRE(decode_error("Q_") == code(jot::errc::base64_non_canonical));
    // "QUI" is the canonical encoding of "AB"; "QUJ" differs only in the 2 unused bits.
    REQUIRE(decode_error("QUI") == std::error_code{});
    REQUIRE(decode_error("QUJ") == code(jot::errc::base64_non_canonical));
    REQUIRE(decode_error("QUL") == code(jot::errc::base64_non_canonical));
    // The same tails after a full quantum.
    REQUIRE(decode_error("Zm9vQR") == code(jot::errc::base64_non_canonical));
    REQUIRE(decode_error("Zm9vQUJ") == code(jot::errc::base64_non_canonical));
}

TEST_CASE("base64url accepts only the canonical form of every 2- and 3-character tail",
          "[base64url][negative]") {
    // Every tail is tried after a full quantum; a tail decodes exactly when re-encoding gives it back, so
    // each byte string has one accepted spelling, and all others are reported as non-canonical.
    std::uint8_t buf[8];
    SECTION("2-character tails (one octet)") {
        std::size_t accepted = 0;
        std::string text = "AAAA??";
        for (char a : alphabet)
            for (char b : alphabet) {
                text[4] = a;
                text[5] = b;
                auto r = jot::base64url::decode_into(text, buf, sizeof buf);
                INFO("input " << text);
                if (r) {
                    ++accepted;
                    REQUIRE(*r == 4);
                    REQUIRE(reference_encode({buf, buf + *r}) == text);
                } else {
                    REQUIRE(r.error() == code(jot::errc::base64_non_canonical));
                }
            }
        REQUIRE(accepted == 256);
    }
    SECTION("3-character tails (two octets)") {
        std::size_t accepted = 0;
        std::string text = "AAAA???";
        for (char a : alphabet)
            for (char b : alphabet)
                for (char c : alphabet) {
                    text[4] = a;
                    text[5] = b;
                    text[6] = c;
                    auto r = jot::base64url::decode_into(text, buf, sizeof buf);
                    if (r) {
                        ++accepted;
                        if (*r != 5 || reference_encode({buf, buf + *r}) != text) {
                            INFO("input " << text);
                            FAIL("accepted a tail that does not re-encode to itself");
                        }
                    } else if (r.error() != code(jot::errc::base64_non_canonical)) {
                        INFO("input " << text << " gave " << r.error().message());
                        FAIL("a non-canonical tail was rejected with the wrong code");
                    }
                }
        REQUIRE(accepted == 65536);
    }
}
