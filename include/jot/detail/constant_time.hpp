// SPDX-License-Identifier: MIT
// Constant-time comparison and secret wiping, both delegated to OpenSSL's audited primitives.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include <openssl/crypto.h>

namespace jot::detail {

/// True when the two buffers are equal; time depends only on `n` (CRYPTO_memcmp).
inline bool constant_time_equal(const void* a, const void* b, std::size_t n) noexcept {
    return CRYPTO_memcmp(a, b, n) == 0;
}

/// Octets that are wiped with OPENSSL_cleanse (which the optimiser cannot remove) when they die.
class secret_bytes {
public:
    secret_bytes() = default;
    secret_bytes(const std::uint8_t* p, std::size_t n) : v_(p, p + n) {}
    secret_bytes(const secret_bytes&) = default;
    secret_bytes(secret_bytes&& o) noexcept : v_(std::move(o.v_)) {}
    secret_bytes& operator=(const secret_bytes& o) {
        if (this != &o) {
            wipe();
            v_ = o.v_;
        }
        return *this;
    }
    secret_bytes& operator=(secret_bytes&& o) noexcept {
        if (this != &o) {
            wipe();
            v_ = std::move(o.v_);
        }
        return *this;
    }
    ~secret_bytes() { wipe(); }

    const std::uint8_t* data() const noexcept { return v_.data(); }
    std::size_t size() const noexcept { return v_.size(); }

private:
    void wipe() noexcept {
        if (!v_.empty()) OPENSSL_cleanse(v_.data(), v_.size());
    }
    std::vector<std::uint8_t> v_;
};

} // namespace jot::detail
