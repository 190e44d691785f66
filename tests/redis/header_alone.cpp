// SPDX-License-Identifier: MIT
// jot/redis/jti_store.hpp must compile alone (the core's headers_compile_alone check does not see include/jot/redis/).
#include <jot/redis/jti_store.hpp>
