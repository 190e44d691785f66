// SPDX-License-Identifier: MIT
// Allocation counting for jot_bench: every operator new and every OpenSSL malloc/calloc/realloc is counted.
#pragma once

#include <cstdint>

namespace jot_bench {

/// Allocations made so far by the calling thread: operator new (all forms) plus OpenSSL's malloc, zalloc
/// (its calloc) and realloc. Per thread, so benchmarks running on several threads do not share a counter.
std::uint64_t allocations() noexcept;

/// Routes OpenSSL's allocations through the counter (CRYPTO_set_mem_functions). Must run before OpenSSL
/// allocates anything, i.e. first thing in main(); false when OpenSSL refused because it already had.
bool count_openssl_allocations() noexcept;

} // namespace jot_bench
