// SPDX-License-Identifier: MIT
// The one replacement of the global allocators, for the programs that must see every allocation: jot_bench
// counts them, jot_secrets_tests looks inside every block as it is freed. Link alloc_counter.cpp into such a
// program only: it replaces operator new/delete and OpenSSL's memory functions for the whole process.
#pragma once

#include <cstddef>
#include <cstdint>

namespace jot_alloc {

/// Whether the allocators are replaced in this build. False under ThreadSanitizer, whose runtime defines the
/// global allocation functions itself.
bool available() noexcept;

/// Whether OpenSSL's malloc/realloc/free go through the counter (CRYPTO_set_mem_functions). It is installed
/// before main() and before ordinary static initialisers; false when OpenSSL had already allocated.
bool openssl_hooked() noexcept;

/// Allocations made so far by the calling thread: operator new (every form), OpenSSL's malloc and realloc,
/// and, in a program compiled with JOT_ALLOC_COUNT_C_LIBRARIES on glibc, every malloc, calloc, realloc and
/// aligned allocation of any library (peers' C libraries included). Per thread, so benchmarks running on
/// several threads do not share a counter.
std::uint64_t allocations() noexcept;

/// Called with each block released through operator delete or OpenSSL's free, and its size, before the
/// block goes back to malloc (so reading it is reading allocated memory). Sizes: OpenSSL's blocks exactly as
/// requested; operator delete's as given to a sized delete, else malloc_usable_size (glibc) or 0.
using free_observer = void (*)(const void* block, std::size_t size) noexcept;

/// Installs `fn` (nullptr: none). Not synchronised with frees running on other threads: set it while no other
/// thread allocates.
void set_free_observer(free_observer fn) noexcept;

} // namespace jot_alloc
