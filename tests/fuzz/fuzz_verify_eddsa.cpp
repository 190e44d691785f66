// SPDX-License-Identifier: MIT
// Fuzzes EdDSA, Ed25519 and Ed448 verification with fixed keys: whole tokens, raw signatures of every length,
// and a sign-then-verify differential (see keys/verify_fixture.hpp).
#include <cstddef>
#include <cstdint>

#include "keys/keys.hpp"
#include "keys/verify_fixture.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using jot::algorithm;
    static const jot_fuzz::verify_fixture fixture(
        {{algorithm::eddsa, jot_fuzz::keys::ed25519}, {algorithm::ed25519, jot_fuzz::keys::ed25519},
         {algorithm::eddsa, jot_fuzz::keys::ed448}, {algorithm::ed448, jot_fuzz::keys::ed448}},
        /*sign_every=*/1);
    fixture.run(data, size);
    return 0;
}
