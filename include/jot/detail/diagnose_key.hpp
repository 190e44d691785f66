// SPDX-License-Identifier: MIT
// Says what a key is and what an algorithm needs, for a key refused as the wrong type, curve or size.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <openssl/evp.h>

#include "../algorithm.hpp"
#include "../bytes.hpp"
#include "../error.hpp"
#include "openssl.hpp"
#include "pkey.hpp"
#include "pkey_load.hpp"

namespace jot::detail {

/// The key's type and its size or curve, as a person names them: "RSA 2048 bits", "EC P-384", "Ed448".
inline std::string describe_pkey(const EVP_PKEY* key) {
    if (EVP_PKEY_is_a(key, "RSA") == 1 || EVP_PKEY_is_a(key, "RSA-PSS") == 1)
        return std::string(EVP_PKEY_is_a(key, "RSA") == 1 ? "RSA " : "RSA-PSS (restricted) ") +
               std::to_string(EVP_PKEY_get_bits(key)) + " bits";
    if (EVP_PKEY_is_a(key, "EC") == 1) {
        char name[80] = {};
        std::size_t len = 0;
        if (EVP_PKEY_get_group_name(key, name, sizeof name, &len) != 1) return "EC (unnamed curve)";
        for (const curve_facts& c : curve_table)
            if (c.openssl_group && std::string_view(c.openssl_group) == name) return "EC " + std::string(c.jose_name);
        return "EC " + std::string(name);  // OpenSSL's name, not the input's
    }
    if (const curve_facts* c = eddsa_curve_of(key)) return std::string(c->jose_name);
    const char* type = EVP_PKEY_get0_type_name(key);
    return type ? std::string(type) : "a key of unknown type";
}

/// What `alg` needs of a key, from the algorithm table.
inline std::string key_needed_by(algorithm alg) {
    const algorithm_facts& f = facts_of(alg);
    switch (f.family) {
    case algorithm_family::hmac: return "an HMAC secret of at least " + std::to_string(f.min_key_bits / 8) + " octets";
    case algorithm_family::rsa_pkcs1:
    case algorithm_family::rsa_pss:
        return "RSA " + std::to_string(f.min_key_bits) + " to " + std::to_string(f.max_key_bits) + " bits";
    case algorithm_family::ecdsa: return "EC " + std::string(f.curve->jose_name);
    case algorithm_family::eddsa: return f.curve ? std::string(f.curve->jose_name) : "Ed25519 or Ed448";
    }
    return {};
}

} // namespace jot::detail
