// SPDX-License-Identifier: MIT
// jot::bytes_view: a non-owning view of octets, used for secrets and signatures (which are bytes, not text).
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string_view>
#include <type_traits>

namespace jot {

namespace detail {
template <class T, class = void>
struct is_byte_container : std::false_type {};
template <class T>
struct is_byte_container<T, std::void_t<decltype(std::declval<const T&>().data()),
                                        decltype(std::declval<const T&>().size())>>
    : std::bool_constant<sizeof(*std::declval<const T&>().data()) == 1 &&
                         std::is_trivial<std::remove_cv_t<
                             std::remove_pointer_t<decltype(std::declval<const T&>().data())>>>::value> {};
} // namespace detail

/// A read-only view of `size()` octets. Built from any contiguous container of one-byte elements
/// (std::string, std::string_view, std::vector<std::uint8_t>, std::array<std::byte, N>, ...), or from a
/// pointer and a length. Not from a bare `const char*`: a secret may hold NUL bytes, so its length is
/// always explicit.
class bytes_view {
public:
    constexpr bytes_view() noexcept = default;
    bytes_view(const void* data, std::size_t size) noexcept
        : data_(static_cast<const std::uint8_t*>(data)), size_(size) {}
    template <class Container,
              std::enable_if_t<detail::is_byte_container<Container>::value &&
                                   !std::is_same<std::decay_t<Container>, bytes_view>::value,
                               int> = 0>
    bytes_view(const Container& c) noexcept
        : data_(reinterpret_cast<const std::uint8_t*>(c.data())), size_(c.size()) {}
    /// A string literal is refused: say `std::string_view` (or a container) so the length is deliberate.
    template <std::size_t N>
    bytes_view(const char (&)[N]) = delete;

    const std::uint8_t* data() const noexcept { return data_; }
    std::size_t size() const noexcept { return size_; }
    bool empty() const noexcept { return size_ == 0; }
    const std::uint8_t* begin() const noexcept { return data_; }
    const std::uint8_t* end() const noexcept { return data_ + size_; }
    std::uint8_t operator[](std::size_t i) const noexcept { return data_[i]; }
    /// The same octets seen as characters.
    std::string_view as_chars() const noexcept {
        return {reinterpret_cast<const char*>(data_), size_};
    }

private:
    const std::uint8_t* data_ = nullptr;
    std::size_t size_ = 0;
};

} // namespace jot
