// SPDX-License-Identifier: MIT
// Strict JSON read without a DOM: json_scanner reports a document's top-level members under parse_object's exact rules.
#pragma once

#include <array>
#include <charconv>
#include <clocale>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "../error.hpp"
#include "json_dom.hpp"
#include "utf8.hpp"

namespace jot::detail {

// ---------------------------------------------------------------------------------------------------------
// DOM-free scanning. The verifier does not need a DOM to check a token: it needs a handful of registered
// members. json_scanner reads the text once with exactly parse_object's rules and reports only the
// top-level members (and the elements of top-level arrays) to a handler, so nothing is allocated for a
// typical token. Its verdicts must equal parse_object's, error code for error code, because a verified
// token builds its DOM from the same text later with parse_object (tests/test_json_scan.cpp compares them).

/// One value as json_scanner reports it. For objects and arrays only the kind is set.
struct scanned_value {
    enum class kind : unsigned char { null, boolean, number_unsigned, number_integer, number_float, string, object, array };
    kind type = kind::null;
    bool boolean = false;
    std::uint64_t unsigned_value = 0;
    std::int64_t integer_value = 0;
    double float_value = 0;
    std::string_view string;  ///< decoded (escapes resolved); valid while the scanner lives
};

/// A Json backend whose numbers and strings json_scanner mirrors (json_traits<Json>::text_reads): nlohmann's
/// default number and string types, Boost.JSON. Other backends and instantiations take the DOM path.
template <class Json>
struct is_scannable_json : std::bool_constant<json_traits<Json>::text_reads> {};

/// A LIFO of trivially copyable T that lives on the stack up to N elements and only then allocates.
template <class T, std::size_t N>
class small_stack {
    static_assert(std::is_trivially_copyable<T>::value, "small_stack holds trivially copyable values");

public:
    std::size_t size() const noexcept { return size_; }
    bool empty() const noexcept { return size_ == 0; }
    T& operator[](std::size_t i) noexcept { return i < N ? inline_[i] : heap_[i - N]; }
    const T& operator[](std::size_t i) const noexcept { return i < N ? inline_[i] : heap_[i - N]; }
    T& back() noexcept { return (*this)[size_ - 1]; }
    void push_back(const T& v) {
        if (size_ < N) inline_[size_] = v;
        else heap_.push_back(v);
        ++size_;
    }
    void pop_back() noexcept { resize_down(size_ - 1); }
    void resize_down(std::size_t n) noexcept {
        if (n < N) heap_.clear();
        else heap_.resize(n - N);
        size_ = n;
    }

private:
    std::array<T, N> inline_;
    std::vector<T> heap_;
    std::size_t size_ = 0;
};

/// Reads one JSON object under parse_object's rules without building anything: RFC 8259 grammar as
/// nlohmann's strict parser reads it (a leading UTF-8 BOM refused, non-finite numbers refused, lone
/// surrogate escapes refused), well-formed UTF-8, no raw NUL, no duplicate member names at any depth,
/// nesting bounded. The handler sees `member(name, value)` for each top-level member and `element(value)`
/// for each direct element of a top-level array; decoded strings stay valid while the scanner lives. A
/// scanner reads one text: make a new one for the next.
class json_scanner {
public:
    explicit json_scanner(std::size_t max_depth) noexcept : max_depth_(max_depth) {}
    json_scanner(const json_scanner&) = delete;
    json_scanner& operator=(const json_scanner&) = delete;

    /// Scans `text`; errc{} when it is a strict JSON object, otherwise the code parse_object returns:
    /// invalid_utf8, json_invalid, json_byte_order_mark, json_not_object, json_duplicate_member or
    /// json_too_deep. Stops at the first problem, exactly where parse_object stops.
    template <class Handler>
    errc scan(std::string_view text, Handler& handler) {
        if (!is_valid_utf8(text)) return errc::invalid_utf8;
        if (text.find('\0') != std::string_view::npos) return errc::json_invalid; // see parse_object
        text_ = text;
        p_ = text.data();
        end_ = p_ + text.size();
        if (starts_with_byte_order_mark(text)) return errc::json_byte_order_mark; // see parse_object
        skip_ws();
        if (p_ == end_) return errc::json_invalid;
        if (*p_ == '[') return errc::json_not_object;
        if (*p_ != '{') {
            scanned_value v;
            return lex_scalar(v) ? errc::json_not_object : errc::json_invalid;
        }
        return scan_object(handler);
    }

    /// After scan() returned json_invalid, json_not_object, json_duplicate_member or json_too_deep: the offset
    /// in the text where the scanner stopped (a diagnostic's position; 0 before any scan).
    std::size_t stopped_at() const noexcept { return p_ ? static_cast<std::size_t>(p_ - text_.data()) : 0; }

    /// True when the scanned object has a top-level member of that name (valid after a successful scan).
    bool has_member(std::string_view name) const {
        if (top_names_) return top_names_->count(name) != 0;
        for (std::size_t i = 0; i < top_count_; ++i)
            if (keys_[i] == name) return true;
        return false;
    }

private:
    using name_set = std::set<std::string_view>;
    struct frame {
        std::size_t first_key;  // index in keys_ of this object's first member name
        name_set* names;        // in sets_; null until the object outgrows linear_members
        bool is_object;
    };
    // Objects with more members than this switch from a linear duplicate check to an ordered set, so a
    // hostile 64 KiB object of short names costs O(n log n), not O(n^2) (a header is read before its
    // signature is checked).
    static constexpr std::size_t linear_members = 16;

    template <class Handler>
    errc scan_object(Handler& handler) {
        if (max_depth_ == 0) return errc::json_too_deep;
        frames_.push_back({0, nullptr, true});
        ++p_;
        bool first = true;
        std::string_view member;  // the current top-level member's name
        for (;;) {
            frame& f = frames_.back();
            skip_ws();
            if (p_ == end_) return errc::json_invalid;
            if (first) {
                if (*p_ == (f.is_object ? '}' : ']')) {
                    ++p_;
                    if (close()) break;
                    first = false;
                    continue;
                }
            } else if (*p_ == ',') {
                ++p_;
                skip_ws();
            } else if (*p_ == (f.is_object ? '}' : ']')) {
                ++p_;
                if (close()) break;
                continue;
            } else {
                return errc::json_invalid;
            }
            if (f.is_object) {
                if (p_ == end_ || *p_ != '"') return errc::json_invalid;
                std::string_view name;
                if (!lex_string(name)) return errc::json_invalid;
                if (!add_key(f, name)) return errc::json_duplicate_member;
                skip_ws();
                if (p_ == end_ || *p_ != ':') return errc::json_invalid;
                ++p_;
                skip_ws();
                if (frames_.size() == 1) member = name;
            }
            if (p_ == end_) return errc::json_invalid;
            // A value: what the handler sees depends on where it is.
            const std::size_t depth = frames_.size();
            const bool top_member = depth == 1;
            const bool top_element = depth == 2 && !frames_[1].is_object;
            const char c = *p_;
            if (c == '{' || c == '[') {
                if (depth >= max_depth_) return errc::json_too_deep;
                scanned_value v;
                v.type = c == '{' ? scanned_value::kind::object : scanned_value::kind::array;
                if (top_member) handler.member(member, v);
                else if (top_element) handler.element(v);
                frames_.push_back({keys_.size(), nullptr, c == '{'});
                ++p_;
                first = true;
                continue;
            }
            scanned_value v;
            if (!lex_scalar(v)) return errc::json_invalid;
            if (top_member) handler.member(member, v);
            else if (top_element) handler.element(v);
            first = false;
        }
        // Only whitespace may follow the top-level object (nlohmann's strict mode).
        skip_ws();
        return p_ == end_ ? errc{} : errc::json_invalid;
    }

    /// Pops the innermost container; true when it was the top-level object.
    bool close() {
        const frame f = frames_.back();
        frames_.pop_back();
        if (frames_.empty()) {
            top_count_ = keys_.size();
            top_names_ = f.names;
            return true;
        }
        if (f.is_object) keys_.resize_down(f.first_key);
        if (f.names) f.names->clear(); // sets_ keeps it; its views are dead now
        return false;
    }

    /// Records a member name of the innermost object; false when the object already has it.
    bool add_key(frame& f, std::string_view name) {
        if (f.names) {
            if (!f.names->insert(name).second) return false;
        } else {
            for (std::size_t i = f.first_key; i < keys_.size(); ++i)
                if (keys_[i] == name) return false;
            if (keys_.size() - f.first_key + 1 > linear_members) {
                auto set = std::make_unique<name_set>();
                for (std::size_t i = f.first_key; i < keys_.size(); ++i) set->insert(keys_[i]);
                set->insert(name);
                f.names = set.get();
                sets_.push_back(std::move(set));
            }
        }
        keys_.push_back(name);
        return true;
    }

    void skip_ws() noexcept {
        while (p_ != end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
    }

    bool lex_scalar(scanned_value& v) {
        switch (*p_) {
        case '"':
            v.type = scanned_value::kind::string;
            return lex_string(v.string);
        case 't':
            v.type = scanned_value::kind::boolean;
            v.boolean = true;
            return lex_literal("true");
        case 'f':
            v.type = scanned_value::kind::boolean;
            return lex_literal("false");
        case 'n':
            v.type = scanned_value::kind::null;
            return lex_literal("null");
        default:
            return read_number(p_, end_, v);
        }
    }

    bool lex_literal(std::string_view word) noexcept {
        if (static_cast<std::size_t>(end_ - p_) < word.size() || std::string_view(p_, word.size()) != word)
            return false;
        p_ += word.size();
        return true;
    }

    static bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

public:
    /// RFC 8259 §6 numbers, classified as nlohmann classifies them: an integer without '-' that fits 64 bits
    /// is unsigned, one with '-' that fits is signed, everything else is a double, and a double that
    /// overflows is an error (nlohmann refuses non-finite numbers).
    static bool read_number(const char*& p, const char* end, scanned_value& v) {
        const char* s = p;
        const bool negative = *p == '-';
        if (negative) ++p;
        if (p == end) return false;
        if (*p == '0') {
            ++p;
        } else if (*p >= '1' && *p <= '9') {
            while (p != end && is_digit(*p)) ++p;
        } else {
            return false;
        }
        bool integral = true;
        if (p != end && *p == '.') {
            integral = false;
            ++p;
            if (p == end || !is_digit(*p)) return false;
            while (p != end && is_digit(*p)) ++p;
        }
        if (p != end && (*p == 'e' || *p == 'E')) {
            integral = false;
            ++p;
            if (p != end && (*p == '+' || *p == '-')) ++p;
            if (p == end || !is_digit(*p)) return false;
            while (p != end && is_digit(*p)) ++p;
        }
        if (integral) {
            std::uint64_t u = 0;
            bool fits = true;
            for (const char* q = negative ? s + 1 : s; q != p; ++q) {
                const auto d = static_cast<std::uint64_t>(*q - '0');
                if (u > (std::numeric_limits<std::uint64_t>::max() - d) / 10) {
                    fits = false;
                    break;
                }
                u = u * 10 + d;
            }
            if (fits && !negative) {
                v.type = scanned_value::kind::number_unsigned;
                v.unsigned_value = u;
                return true;
            }
            constexpr std::uint64_t min_magnitude = std::uint64_t{1} << 63; // |INT64_MIN|
            if (fits && negative && u <= min_magnitude) {
                v.type = scanned_value::kind::number_integer;
                v.integer_value = u == min_magnitude ? std::numeric_limits<std::int64_t>::min()
                                                     : -static_cast<std::int64_t>(u);
                return true;
            }
        }
        v.type = scanned_value::kind::number_float;
        v.float_value = to_double(s, p);
        return std::isfinite(v.float_value);
    }

private:
    /// The correctly rounded double of a number token, as strtod gives it (nlohmann's conversion).
    static double to_double(const char* first, const char* last) {
#if defined(__cpp_lib_to_chars) && __cpp_lib_to_chars >= 201611L
        double d = 0;
        const auto r = std::from_chars(first, last, d);
        if (r.ec == std::errc() && r.ptr == last) return d;
        // Out of range: strtod tells overflow (HUGE_VAL, refused) from underflow (a tiny or zero value,
        // which nlohmann accepts).
#endif
        // strtod reads the decimal point of the current C locale; nlohmann writes that character in place of
        // '.', and so does this.
        std::string buf(first, last);
        const char point = *std::localeconv()->decimal_point;
        for (char& c : buf)
            if (c == '.') c = point;
        return std::strtod(buf.c_str(), nullptr);
    }

    static int hex_digit(char c) noexcept {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }
    static int hex4(const char*& p, const char* end) noexcept {
        if (end - p < 4) return -1;
        int v = 0;
        for (int i = 0; i < 4; ++i) {
            const int d = hex_digit(p[i]);
            if (d < 0) return -1;
            v = v << 4 | d;
        }
        p += 4;
        return v;
    }

    /// A string token (at '"'); `out` views the text when it has no escape, otherwise the decoded copy.
    bool lex_string(std::string_view& out) {
        const char* s = p_ + 1;
        const char* q = s;
        while (q != end_) {
            const auto c = static_cast<unsigned char>(*q);
            if (c == '"') {
                out = std::string_view(s, static_cast<std::size_t>(q - s));
                p_ = q + 1;
                return true;
            }
            if (c == '\\') break;
            if (c < 0x20) { // RFC 8259 §7: control characters must be escaped
                p_ = q;     // stopped_at() reports where
                return false;
            }
            ++q;
        }
        if (q == end_) {
            p_ = q;
            return false;
        }
        // Decoded text never outgrows its source (every escape is longer than what it stands for), so one
        // buffer the size of the whole text holds every decoded string of the scan and never moves.
        if (!arena_) arena_ = std::make_unique<char[]>(text_.size());
        char* const start = arena_.get() + arena_used_;
        const char* const o = decode_string(p_, end_, start);
        if (!o) return false;
        out = std::string_view(start, static_cast<std::size_t>(o - start));
        arena_used_ += out.size();
        return true;
    }

public:
    /// Reads the string token at `p` (its opening quote) under RFC 8259 §7 and writes its decoded UTF-8 to
    /// `out`, which has room for as many bytes as the token: `p` then points past the closing quote and the
    /// end of the decoded text is returned. nullptr when the token is not a valid JSON string. Shared with the
    /// typed claim reads (detail/claim_read.hpp), so the two decode alike.
    static char* decode_string(const char*& p, const char* end, char* out) noexcept {
        char* o = out;
        ++p;
        while (p != end) {
            const auto c = static_cast<unsigned char>(*p);
            if (c == '"') {
                ++p;
                return o;
            }
            if (c < 0x20) return nullptr;
            if (c != '\\') {
                *o++ = static_cast<char>(c);
                ++p;
                continue;
            }
            if (++p == end) return nullptr;
            switch (*p++) {
            case '"': *o++ = '"'; break;
            case '\\': *o++ = '\\'; break;
            case '/': *o++ = '/'; break;
            case 'b': *o++ = '\b'; break;
            case 'f': *o++ = '\f'; break;
            case 'n': *o++ = '\n'; break;
            case 'r': *o++ = '\r'; break;
            case 't': *o++ = '\t'; break;
            case 'u': {
                long cp = hex4(p, end);
                if (cp < 0) return nullptr;
                if (cp >= 0xD800 && cp <= 0xDBFF) {
                    // A high surrogate must be followed by an escaped low one (RFC 8259 §7).
                    if (end - p < 2 || p[0] != '\\' || p[1] != 'u') return nullptr;
                    p += 2;
                    const long lo = hex4(p, end);
                    if (lo < 0xDC00 || lo > 0xDFFF) return nullptr;
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                    return nullptr;
                }
                if (cp < 0x80) {
                    *o++ = static_cast<char>(cp);
                } else if (cp < 0x800) {
                    *o++ = static_cast<char>(0xC0 | cp >> 6);
                    *o++ = static_cast<char>(0x80 | (cp & 0x3F));
                } else if (cp < 0x10000) {
                    *o++ = static_cast<char>(0xE0 | cp >> 12);
                    *o++ = static_cast<char>(0x80 | (cp >> 6 & 0x3F));
                    *o++ = static_cast<char>(0x80 | (cp & 0x3F));
                } else {
                    *o++ = static_cast<char>(0xF0 | cp >> 18);
                    *o++ = static_cast<char>(0x80 | (cp >> 12 & 0x3F));
                    *o++ = static_cast<char>(0x80 | (cp >> 6 & 0x3F));
                    *o++ = static_cast<char>(0x80 | (cp & 0x3F));
                }
                break;
            }
            default: return nullptr;
            }
        }
        return nullptr;
    }

private:
    std::size_t max_depth_;
    std::string_view text_;
    const char* p_ = nullptr;
    const char* end_ = nullptr;
    small_stack<frame, 8> frames_;
    small_stack<std::string_view, 32> keys_;
    std::vector<std::unique_ptr<name_set>> sets_;  // every name_set made, owned here; frames point into it
    name_set* top_names_ = nullptr;  // the top-level object's names, when it outgrew linear_members
    std::size_t top_count_ = 0;
    std::unique_ptr<char[]> arena_;
    std::size_t arena_used_ = 0;
};

} // namespace jot::detail
