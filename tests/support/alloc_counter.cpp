// SPDX-License-Identifier: MIT
// Replacement operator new/delete and OpenSSL memory functions that count allocations and show each block to
// an observer before it is freed; on glibc, with JOT_ALLOC_COUNT_C_LIBRARIES, malloc and friends are
// interposed too, so C libraries' allocations are counted as well. See alloc_counter.hpp.
#include "alloc_counter.hpp"

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>

#include <openssl/crypto.h>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#if defined(__SANITIZE_THREAD__)
#define JOT_ALLOC_REPLACE 0
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define JOT_ALLOC_REPLACE 0
#endif
#endif
#ifndef JOT_ALLOC_REPLACE
#define JOT_ALLOC_REPLACE 1
#endif

// Interposing malloc itself would take it away from AddressSanitizer's runtime, so only plain glibc builds do it.
#if defined(__SANITIZE_ADDRESS__)
#define JOT_ALLOC_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define JOT_ALLOC_SANITIZED 1
#endif
#endif
#if JOT_ALLOC_REPLACE && defined(JOT_ALLOC_COUNT_C_LIBRARIES) && defined(__GLIBC__) && !defined(JOT_ALLOC_SANITIZED)
#define JOT_ALLOC_INTERPOSE_MALLOC 1
#else
#define JOT_ALLOC_INTERPOSE_MALLOC 0
#endif

namespace {

// A trivially initialised thread_local needs no constructor call, so it is usable from malloc at any time,
// including before main() and while a thread is starting.
thread_local std::uint64_t count = 0;
std::atomic<jot_alloc::free_observer> observer{nullptr};
bool openssl_hook_installed = false;

} // namespace

#if JOT_ALLOC_INTERPOSE_MALLOC

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

namespace {
// The allocator below the counters: counted once, where the request comes in.
[[maybe_unused]] void* raw_malloc(std::size_t n) noexcept { return __libc_malloc(n); }
[[maybe_unused]] void* raw_aligned(std::size_t align, std::size_t n) noexcept { return __libc_memalign(align, n); }
[[maybe_unused]] void raw_free(void* p) noexcept { __libc_free(p); }
} // namespace

#else

namespace {
[[maybe_unused]] void* raw_malloc(std::size_t n) noexcept { return std::malloc(n); }
[[maybe_unused]] void* raw_aligned(std::size_t align, std::size_t n) noexcept {
    const std::size_t size = (n + align - 1) / align * align; // aligned_alloc wants a multiple of align
    return std::aligned_alloc(align, size == 0 ? align : size);
}
[[maybe_unused]] void raw_free(void* p) noexcept { std::free(p); }
} // namespace

#endif

#if JOT_ALLOC_REPLACE

namespace {

void observe(const void* p, std::size_t n) noexcept {
    if (!p) return;
    if (jot_alloc::free_observer fn = observer.load(std::memory_order_acquire)) fn(p, n);
}

std::size_t block_size(void* p) noexcept {
#if defined(__GLIBC__)
    return p ? malloc_usable_size(p) : 0;
#else
    (void)p;
    return 0;
#endif
}

void* counted_new(std::size_t n) noexcept {
    ++count;
    return raw_malloc(n == 0 ? 1 : n);
}
void* counted_aligned_new(std::size_t n, std::size_t align) noexcept {
    ++count;
    return raw_aligned(align, n);
}
// Not inlined: GCC would otherwise see free() applied to operator new's pointer in every caller and warn about a
// mismatch (-Wmismatched-new-delete) that the replacement pair makes correct.
__attribute__((noinline)) void observed_delete(void* p, std::size_t n) noexcept {
    observe(p, n ? n : block_size(p));
    raw_free(p);
}

// OpenSSL's allocator: a 16-octet header holds the requested size, so the observer sees exactly the block
// OpenSSL asked for.
constexpr std::size_t header = 16;
void* crypto_malloc(std::size_t n, const char*, int) {
    ++count;
    auto* b = static_cast<unsigned char*>(raw_malloc(n + header));
    if (!b) return nullptr;
    std::memcpy(b, &n, sizeof n);
    return b + header;
}
void crypto_free(void* p, const char*, int) {
    if (!p) return;
    auto* b = static_cast<unsigned char*>(p) - header;
    std::size_t n;
    std::memcpy(&n, b, sizeof n);
    observe(p, n);
    raw_free(b);
}
void* crypto_realloc(void* p, std::size_t n, const char* file, int line) {
    if (!p) return crypto_malloc(n, file, line);
    if (n == 0) {
        crypto_free(p, file, line);
        return nullptr;
    }
    std::size_t old;
    std::memcpy(&old, static_cast<unsigned char*>(p) - header, sizeof old);
    void* q = crypto_malloc(n, file, line);
    if (!q) return nullptr;
    std::memcpy(q, p, std::min(old, n));
    crypto_free(p, file, line); // the old copy is shown to the observer like any other freed block
    return q;
}

// OpenSSL accepts new memory functions only before its first allocation, so this runs before main() and
// before ordinary static initialisers.
__attribute__((constructor(101))) void hook_openssl() {
    openssl_hook_installed = CRYPTO_set_mem_functions(crypto_malloc, crypto_realloc, crypto_free) == 1;
}

} // namespace

// Replacement global allocation functions ([replacement.functions]). The nothrow and array forms are
// replaced too, because libstdc++ does not promise to route them through operator new(std::size_t).
void* operator new(std::size_t n) {
    if (void* p = counted_new(n)) return p;
    throw std::bad_alloc();
}
void* operator new[](std::size_t n) {
    if (void* p = counted_new(n)) return p;
    throw std::bad_alloc();
}
void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return counted_new(n); }
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return counted_new(n); }
void* operator new(std::size_t n, std::align_val_t a) {
    if (void* p = counted_aligned_new(n, static_cast<std::size_t>(a))) return p;
    throw std::bad_alloc();
}
void* operator new[](std::size_t n, std::align_val_t a) {
    if (void* p = counted_aligned_new(n, static_cast<std::size_t>(a))) return p;
    throw std::bad_alloc();
}
void* operator new(std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
    return counted_aligned_new(n, static_cast<std::size_t>(a));
}
void* operator new[](std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
    return counted_aligned_new(n, static_cast<std::size_t>(a));
}
void operator delete(void* p) noexcept { observed_delete(p, 0); }
void operator delete[](void* p) noexcept { observed_delete(p, 0); }
void operator delete(void* p, std::size_t n) noexcept { observed_delete(p, n); }
void operator delete[](void* p, std::size_t n) noexcept { observed_delete(p, n); }
void operator delete(void* p, const std::nothrow_t&) noexcept { observed_delete(p, 0); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { observed_delete(p, 0); }
void operator delete(void* p, std::align_val_t) noexcept { observed_delete(p, 0); }
void operator delete[](void* p, std::align_val_t) noexcept { observed_delete(p, 0); }
void operator delete(void* p, std::size_t n, std::align_val_t) noexcept { observed_delete(p, n); }
void operator delete[](void* p, std::size_t n, std::align_val_t) noexcept { observed_delete(p, n); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { observed_delete(p, 0); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { observed_delete(p, 0); }

#endif // JOT_ALLOC_REPLACE

namespace jot_alloc {

bool available() noexcept { return JOT_ALLOC_REPLACE != 0; }
bool openssl_hooked() noexcept { return openssl_hook_installed; }
std::uint64_t allocations() noexcept { return count; }
void set_free_observer(free_observer fn) noexcept { observer.store(fn, std::memory_order_release); }

} // namespace jot_alloc
