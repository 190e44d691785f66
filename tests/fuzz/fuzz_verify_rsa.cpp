// SPDX-License-Identifier: MIT
// Fuzzes RS256/384/512 and PS256/384/512 verification with one fixed RSA-2048 key: whole tokens, raw signatures
// of every length, and a sign-then-verify differential (see keys/verify_fixture.hpp).
#include <cstddef>
#include <cstdint>

#include "keys/keys.hpp"
#include "keys/verify_fixture.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using jot::algorithm;
    static const jot_fuzz::verify_fixture fixture(
        {{algorithm::rs256, jot_fuzz::keys::rsa}, {algorithm::rs384, jot_fuzz::keys::rsa},
         {algorithm::rs512, jot_fuzz::keys::rsa}, {algorithm::ps256, jot_fuzz::keys::rsa},
         {algorithm::ps384, jot_fuzz::keys::rsa}, {algorithm::ps512, jot_fuzz::keys::rsa}},
        /*sign_every=*/16); // an RSA signature costs about a hundred verifications
    fixture.run(data, size);
    return 0;
}
