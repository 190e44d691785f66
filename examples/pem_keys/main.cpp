// SPDX-License-Identifier: MIT
// PEM keys: make RS256 and ES256 key pairs, save them as PEM files, load them back, sign and verify.
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jot/jot.hpp>

namespace {

/// Writes `text` to `path` with `mode` (0600 for a private key: owner read/write only). The mode is given to
/// open(), so the key is never readable by others, not even between creating the file and a later chmod; a
/// file that was already there is truncated and gets the mode too. (std::ofstream creates files 0666 less the
/// umask: with the usual umask 022, a private key anyone on the machine can read.)
void write_file(const std::filesystem::path& path, const std::string& text, mode_t mode) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
    if (fd < 0) throw std::runtime_error("cannot create " + path.string() + ": " + std::strerror(errno));
    bool ok = ::fchmod(fd, mode) == 0;
    for (std::size_t done = 0; ok && done < text.size();) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        ok = n > 0;
        if (ok) done += static_cast<std::size_t>(n);
    }
    ok = ::close(fd) == 0 && ok;
    if (!ok) throw std::runtime_error("cannot write " + path.string());
}

/// The permission bits of `path` (0600, 0644, ...).
mode_t mode_of(const std::filesystem::path& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) throw std::runtime_error("cannot stat " + path.string());
    return st.st_mode & 07777;
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
    // Unencrypted PKCS#8: only the owner may read it (as `openssl genpkey -out` does too).
    write_file(dir / (name + "-private.pem"), key.to_pem().value(), 0600);
    write_file(dir / (name + "-public.pem"), key.public_key().value().to_pem().value(), 0644);
}

/// At run time: the issuer loads the private key, the API loads the public key, both bound to one algorithm.
bool round_trip(jot::algorithm alg, const std::filesystem::path& dir, const std::string& name) {
    using namespace std::chrono_literals;
    if (mode_of(dir / (name + "-private.pem")) != 0600) {
        std::cerr << name << ": the private key file is not owner-only (0600)\n";
        return false;
    }
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
    // A directory of our own (mkdtemp: 0700, a fresh name), not a fixed name in the shared /tmp.
    std::string dir_template = (std::filesystem::temp_directory_path() / "jot-pem-keys-XXXXXX").string();
    if (!::mkdtemp(dir_template.data())) {
        std::cerr << "cannot create a temporary directory: " << std::strerror(errno) << "\n";
        return 1;
    }
    const std::filesystem::path dir = dir_template;
    bool ok = false;
    try {
        make_key_files(jot::algorithm::rs256, dir, "rs256");
        make_key_files(jot::algorithm::es256, dir, "es256");
        ok = round_trip(jot::algorithm::rs256, dir, "rs256") && round_trip(jot::algorithm::es256, dir, "es256");
    } catch (const std::exception& e) {
        std::cerr << e.what() << "\n";
    }
    std::filesystem::remove_all(dir);
    return ok ? 0 : 1;
}
