// SPDX-License-Identifier: MIT
// The revocation benchmarks: HS256 verify with no jti store, with jot::memory_jti_store, and with Redis.
#pragma once

#include <memory>
#include <string>

#include <jot/jti_store.hpp>

namespace jot_bench {

/// Registers jot/HS256/verify-revocation-<kind> (a verify that asks `store`), its cache-hit twin
/// jot/HS256/verify-cached-revocation-<kind>, and their -shared variants run by 1 and 2 threads. A null store
/// registers the baseline kind "none": the same verifier and token without revocation(). False when the setup
/// self-check fails (a revoked token must be refused, the live one accepted).
bool register_revocation(const std::string& kind, std::shared_ptr<jot::jti_store> store);

} // namespace jot_bench
