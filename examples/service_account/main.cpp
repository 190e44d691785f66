// SPDX-License-Identifier: MIT
// Service-account assertion (RFC 7523 §2.1, Google-style): read a JSON key file, sign an RS256 assertion, print
// the token request body, and verify the assertion as the token endpoint would.
//
//   jot_service_account [KEY_FILE.json] [SCOPE]
//
// KEY_FILE is a service-account key in the shape Google issues (fields type, project_id, private_key_id,
// private_key, client_email, token_uri; private_key is a PKCS#8 PEM). Without one the example writes a test key
// file to a temporary directory first and reads that, so it runs anywhere. To make such a file yourself:
//   openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out sa.pem
//   jq -n --rawfile pem sa.pem --arg id "$(openssl rand -hex 20)" '{type: "service_account",
//     project_id: "demo-project", private_key_id: $id, private_key: $pem,
//     client_email: "robot@demo-project.iam.gserviceaccount.com",
//     token_uri: "https://oauth2.googleapis.com/token"}' > sa.json
// Exit status: 0 only when the token endpoint's checks accept the assertion.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>
#include <openssl/rand.h>

#include <jot/jot.hpp>

namespace {

/// The fields of a service-account key file that a client needs.
struct service_account {
    std::string project_id;
    std::string private_key_id;  ///< goes into the assertion's "kid", so the endpoint knows which key signed
    std::string private_key_pem;
    std::string client_email;    ///< the assertion's "iss"
    std::string token_uri;       ///< the assertion's "aud", and where the request goes
};

std::string read_text(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path.string());
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

/// Reads a key file; every field must be a non-empty string and "type" must be "service_account".
service_account load_service_account(const std::filesystem::path& path) {
    const nlohmann::json doc = nlohmann::json::parse(read_text(path), nullptr, /*allow_exceptions=*/false);
    if (!doc.is_object()) throw std::runtime_error(path.string() + " is not a JSON object");
    auto field = [&](const char* name) {
        const auto it = doc.find(name);
        if (it == doc.end() || !it->is_string() || it->get_ref<const std::string&>().empty())
            throw std::runtime_error(path.string() + ": \"" + name + "\" must be a non-empty string");
        return it->get<std::string>();
    };
    if (field("type") != "service_account") throw std::runtime_error(path.string() + " is not a service-account key");
    return {field("project_id"), field("private_key_id"), field("private_key"), field("client_email"),
            field("token_uri")};
}

/// Writes a test key file shaped like the ones Google issues: a fresh RSA 2048 key as PKCS#8 PEM and a random
/// 40-hex-digit key id. Stands in for the file you download; never commit a real one.
void write_test_key_file(const std::filesystem::path& path) {
    const jot::private_key key = jot::private_key::generate(jot::algorithm::rs256).value();
    unsigned char id[20];
    if (RAND_bytes(id, sizeof id) != 1) throw std::runtime_error("no randomness for the key id");
    std::string hex;
    for (unsigned char b : id) {
        static constexpr char digits[] = "0123456789abcdef";
        hex += digits[b >> 4];
        hex += digits[b & 15];
    }
    const nlohmann::json doc = {
        {"type", "service_account"},
        {"project_id", "jot-demo"},
        {"private_key_id", hex},
        {"private_key", key.to_pem().value()},
        {"client_email", "token-robot@jot-demo.iam.gserviceaccount.com"},
        {"client_id", "100000000000000000001"},
        {"token_uri", "https://oauth2.googleapis.com/token"},
    };
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << doc.dump(2) << "\n";
    if (!out) throw std::runtime_error("cannot write " + path.string());
    std::filesystem::permissions(path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

/// application/x-www-form-urlencoded encoding of one value (WHATWG URL, "urlencoded serializer").
std::string form_encode(std::string_view value) {
    static constexpr char digits[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : value) {
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
            c == '_' || c == '*') {
            out += static_cast<char>(c);
        } else if (c == ' ') {
            out += '+';
        } else {
            out += '%';
            out += digits[c >> 4];
            out += digits[c & 15];
        }
    }
    return out;
}

/// The client: an RS256 assertion signed with the service account's key (RFC 7523 §3), whose "kid" is the
/// private_key_id (accounts may have several keys, rotated). Google limits the lifetime to one hour.
/// RFC 7523 §3 also asks for "sub"; Google reads it as the user to impersonate (domain-wide delegation), so a
/// service acting as itself leaves it out.
std::string make_assertion(const service_account& sa, const jot::private_key& key, const std::string& scope,
                           const std::string& audience, std::chrono::seconds lifetime) {
    return jot::builder()
        .issuer(sa.client_email)
        .audience(audience)
        .claim("scope", scope)
        .issued_now()
        .expires_in(lifetime)
        .sign(key)
        .value();
}

/// The token endpoint: it knows the account's public keys by key id (Google publishes them as certificates at
/// .../service_accounts/v1/metadata/x509/CLIENT_EMAIL) and accepts an assertion only for itself, from that
/// account, at most an hour old and valid for at most an hour.
jot::verifier token_endpoint_verifier(const service_account& sa, const jot::public_key& account_key) {
    using namespace std::chrono_literals;
    return jot::verifier_builder()
        .key(account_key)
        .expect_issuer(sa.client_email)
        .expect_audience(sa.token_uri)
        .max_age(1h)
        .require_claim("scope")
        .expect([](const jot::claims& c) {
            const auto iat = c.issued_at(), exp = c.expires_at();
            return iat && exp && *exp - *iat <= std::chrono::hours(1);
        })
        .build()
        .value();
}

bool check(bool ok, const char* what) {
    std::printf("%-62s %s\n", what, ok ? "ok" : "FAILED");
    return ok;
}

int run(const std::filesystem::path& key_file, const std::string& scope) {
    using namespace std::chrono_literals;
    const service_account sa = load_service_account(key_file);
    const jot::private_key key =
        jot::private_key::from_pem(jot::algorithm::rs256, sa.private_key_pem, sa.private_key_id).value();
    const std::string assertion = make_assertion(sa, key, scope, sa.token_uri, 1h);

    // The request the client would POST to sa.token_uri (RFC 7523 §2.1), with
    // Content-Type: application/x-www-form-urlencoded.
    const std::string body = "grant_type=" + form_encode("urn:ietf:params:oauth:grant-type:jwt-bearer") +
                             "&assertion=" + form_encode(assertion);
    std::cout << "POST " << sa.token_uri << "\n"
              << "Content-Type: application/x-www-form-urlencoded\n\n"
              << body << "\n\n";

    // The endpoint's side. Here the public half comes from the key file; the endpoint has it on record.
    const jot::verifier endpoint = token_endpoint_verifier(sa, key.public_key().value());

    bool ok = true;
    const auto verified = endpoint.verify(assertion);
    ok &= check(verified.has_value(), "the token endpoint accepts the assertion");
    if (!verified) {
        std::cerr << "rejected: " << verified.error().message() << "\n";
        return 1;
    }
    ok &= check(verified->header().key_id().value_or("") == sa.private_key_id, "its kid is the private_key_id");
    ok &= check(verified->claims().get<std::string>("scope").value_or("") == scope, "its scope is the one asked for");

    // What the endpoint must refuse: an assertion meant for another token endpoint, and one valid too long.
    const auto elsewhere = endpoint.verify(make_assertion(sa, key, scope, "https://login.other.example/token", 1h));
    ok &= check(!elsewhere && elsewhere.error() == jot::errc::audience_mismatch,
                "an assertion for another endpoint is refused (audience)");
    const auto overlong = endpoint.verify(make_assertion(sa, key, scope, sa.token_uri, 2h));
    ok &= check(!overlong && overlong.error() == jot::errc::claim_predicate_failed,
                "an assertion valid for more than an hour is refused");
    return ok ? 0 : 1;
}

} // namespace

int main(int argc, char** argv) {
    const std::string scope = argc > 2 ? argv[2] : "https://www.googleapis.com/auth/cloud-platform";
    std::filesystem::path temp_dir;
    try {
        std::filesystem::path key_file;
        if (argc > 1) {
            key_file = argv[1];
        } else {
            const auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
            temp_dir = std::filesystem::temp_directory_path() / ("jot-service-account-" + std::to_string(stamp));
            std::filesystem::create_directories(temp_dir);
            key_file = temp_dir / "service-account.json";
            write_test_key_file(key_file);
            std::cout << "wrote a test key file: " << key_file.string() << "\n";
        }
        const int status = run(key_file, scope);
        if (!temp_dir.empty()) std::filesystem::remove_all(temp_dir);
        return status;
    } catch (const std::exception& e) {
        std::cerr << "error: " << e.what() << "\n";
        if (!temp_dir.empty()) std::filesystem::remove_all(temp_dir);
        return 1;
    }
}
