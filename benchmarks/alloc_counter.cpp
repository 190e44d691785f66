// SPDX-License-Identifier: MIT
// The counting allocator behind jot_bench's "allocs" counter. On glibc, malloc, calloc, realloc and the
// aligned forms are interposed, so every allocation in the process is seen: operator new (which calls malloc),
// OpenSSL, and the C libraries of peers (libjwt's jansson). Elsewhere, the global operator new/delete are
// replaced and OpenSSL's memory functions routed through the counter.
#include "alloc_counter.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>

#include <openssl/crypto.h>

namespace {

// A trivially initialised thread_local needs no constructor call, so it is usable from malloc at any time,
// including before main() and while a thread is starting.
thread_local std::uint64_t count = 0;

} // namespace

#if defined(__GLIBC__)

// glibc's own entry points, which a program may call to reach the real allocator from its replacement.
extern "C" {
void* __libc_malloc(std::size_t);
void* __libc_calloc(std::size_t, std::size_t);
void* __libc_realloc(void*, std::size_t);
void* __libc_memalign(std::size_t, std::size_t);
void __libc_free(void*);

void* malloc(std::size_t n) noexcept {
    ++count;
    return __libc_malloc(n);
}
void* calloc(std::size_t n, std::size_t size) noexcept {
    ++count;
    return __libc_calloc(n, size);
}
void* realloc(void* p, std::size_t n) noexcept {
    ++count;
    return __libc_realloc(p, n);
}
void free(void* p) noexcept { __libc_free(p); }
void* memalign(std::size_t align, std::size_t n) noexcept {
    ++count;
    return __libc_memalign(align, n);
}
void* aligned_alloc(std::size_t align, std::size_t n) noexcept {
    ++count;
    return __libc_memalign(align, n);
}
int posix_memalign(void** out, std::size_t align, std::size_t n) noexcept {
    ++count;
    void* p = __libc_memalign(align, n);
    if (!p) return 12; // ENOMEM
    *out = p;
    return 0;
}
} // extern "C"

namespace jot_bench {
std::uint64_t allocations() noexcept { return count; }
bool count_openssl_allocations() noexcept { return true; } // OpenSSL calls malloc, which is counted
} // namespace jot_bench

#else

namespace {

void* counted_malloc(std::size_t n) noexcept {
    ++count;
    return std::malloc(n == 0 ? 1 : n);
}

void* counted_aligned(std::size_t n, std::size_t align) noexcept {
    ++count;
    // aligned_alloc wants a size that is a multiple of the alignment.
    const std::size_t size = (n + align - 1) / align * align;
    return std::aligned_alloc(align, size == 0 ? align : size);
}

void* openssl_malloc(std::size_t n, const char*, int) {
    ++count;
    return std::malloc(n);
}
void* openssl_realloc(void* p, std::size_t n, const char*, int) {
    ++count;
    return std::realloc(p, n);
}
void openssl_free(void* p, const char*, int) { std::free(p); }

} // namespace

namespace jot_bench {

std::uint64_t allocations() noexcept { return count; }

bool count_openssl_allocations() noexcept {
    return CRYPTO_set_mem_functions(openssl_malloc, openssl_realloc, openssl_free) == 1;
}

} // namespace jot_bench

// Replacement global allocation functions ([replacement.functions]). The nothrow and array forms are
// replaced too, because libstdc++ does not promise to route them through operator new(std::size_t).
void* operator new(std::size_t n) {
    if (void* p = counted_malloc(n)) return p;
    throw std::bad_alloc();
}
void* operator new[](std::size_t n) {
    if (void* p = counted_malloc(n)) return p;
    throw std::bad_alloc();
}
void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return counted_malloc(n); }
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return counted_malloc(n); }
void* operator new(std::size_t n, std::align_val_t a) {
    if (void* p = counted_aligned(n, static_cast<std::size_t>(a))) return p;
    throw std::bad_alloc();
}
void* operator new[](std::size_t n, std::align_val_t a) {
    if (void* p = counted_aligned(n, static_cast<std::size_t>(a))) return p;
    throw std::bad_alloc();
}
void* operator new(std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
    return counted_aligned(n, static_cast<std::size_t>(a));
}
void* operator new[](std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
    return counted_aligned(n, static_cast<std::size_t>(a));
}

void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }

#endif
