// SPDX-License-Identifier: MIT
// PEM keys: make RS256 and ES256 key pairs, save them as PEM files, load them back, sign and verify.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>

#include <jot/jot.hpp>

namespace {

void write_file(const std::filesystem::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) throw std::runtime_error("cannot write " + path.string());
}

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path.string());
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

/// Once, at deployment: make a key pair and store it. With the openssl tool instead:
///   openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rs256-private.pem
///   openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out es256-private.pem
///   openssl pkey -in es256-private.pem -pubout -out es256-public.pem
void make_key_files(jot::algorithm alg, const std::filesystem::path& dir, const std::string& name) {
    const jot::private_key key = jot::private_key::generate(alg).value();
    write_file(dir / (name + "-private.pem"), key.to_pem().value()); // unencrypted PKCS#8: protect the file
    write_file(dir / (name + "-public.pem"), key.public_key().value().to_pem().value());
}

/// At run time: the issuer loads the private key, the API loads the public key, both bound to one algorithm.
bool round_trip(jot::algorithm alg, const std::filesystem::path& dir, const std::string& name) {
    using namespace std::chrono_literals;
    const auto signer = jot::private_key::from_pem(alg, read_file(dir / (name + "-private.pem")), name);
    if (!signer) {
        std::cerr << name << ": private key: " << signer.error().message() << "\n";
        return false;
    }
    const std::string token = jot::builder()
                                  .issuer("https://auth.example.com")
                                  .subject("user-42")
                                  .expires_in(15min)
                                  .sign(*signer)
                                  .value();

    const auto public_key = jot::public_key::from_pem(alg, read_file(dir / (name + "-public.pem")), name);
    if (!public_key) {
        std::cerr << name << ": public key: " << public_key.error().message() << "\n";
        return false;
    }
    const jot::verifier verifier =
        jot::verifier_builder().key(*public_key).expect_issuer("https://auth.example.com").build().value();
    const auto verified = verifier.verify(token);
    if (!verified) {
        std::cerr << name << ": rejected: " << verified.error().message() << "\n";
        return false;
    }
    std::cout << name << ": " << token.substr(0, 48) << "... verified, sub="
              << verified->claims().subject().value() << "\n";

    // A key file for another algorithm is refused when loaded, not when the first token arrives.
    const auto wrong = jot::public_key::from_pem(jot::algorithm::es384, read_file(dir / (name + "-public.pem")));
    std::cout << name << ": as ES384 key: " << wrong.error().message() << "\n";
    return !wrong;
}

} // namespace

int main() {
    const std::filesystem::path dir = std::filesystem::temp_directory_path() / "jot-pem-keys-example";
    std::filesystem::create_directories(dir);
    make_key_files(jot::algorithm::rs256, dir, "rs256");
    make_key_files(jot::algorithm::es256, dir, "es256");
    const bool ok = round_trip(jot::algorithm::rs256, dir, "rs256") && round_trip(jot::algorithm::es256, dir, "es256");
    std::filesystem::remove_all(dir);
    return ok ? 0 : 1;
}
