// SPDX-License-Identifier: MIT
// The counting allocator behind jot_bench's "allocs" counter: replaced global operator new/delete plus
// OpenSSL memory functions, all forwarding to malloc/free.
#include "alloc_counter.hpp"

#include <cstddef>
#include <cstdlib>
#include <new>

#include <openssl/crypto.h>

namespace {

// A trivially initialised thread_local needs no constructor call, so it is usable from operator new at any
// time, including before main() and while a thread is starting.
thread_local std::uint64_t count = 0;

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
