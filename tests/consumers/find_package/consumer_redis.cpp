// SPDX-License-Identifier: MIT
// Consumer of the installed jot::redis target: builds against jot/redis/jti_store.hpp and links hiredis.
#include <jot/redis/jti_store.hpp>

int main() {
    jot::redis::options o;
    o.key_prefix = "consumer:";
    auto store = jot::redis::jti_store::make(o);  // connects lazily: nothing is sent here
    return store ? 0 : 1;
}
