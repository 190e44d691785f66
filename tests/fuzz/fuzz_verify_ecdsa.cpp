// SPDX-License-Identifier: MIT
// Fuzzes ES256/384/512 and ES256K verification with fixed keys: whole tokens, raw r||s signatures of every
// length and value (r, s = 0, = n, > n reach the range checks), and a sign-then-verify differential.
#include <cstddef>
#include <cstdint>

#include "keys/keys.hpp"
#include "keys/verify_fixture.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using jot::algorithm;
    static const jot_fuzz::verify_fixture fixture(
        {{algorithm::es256, jot_fuzz::keys::p256}, {algorithm::es384, jot_fuzz::keys::p384},
         {algorithm::es512, jot_fuzz::keys::p521}, {algorithm::es256k, jot_fuzz::keys::secp256k1}},
        /*sign_every=*/1);
    fixture.run(data, size);
    return 0;
}
