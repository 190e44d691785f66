// SPDX-License-Identifier: MIT
// Strict JSON into a DOM: UTF-8 checked, one object only, no duplicate members, bounded depth, no exception escapes.
// parse_object reaches the backend through json_traits; parse_nlohmann_object is the default backend's parser.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "../error.hpp"
#include "../json_traits.hpp"
#include "../result.hpp"
#include "utf8.hpp"

namespace jot::detail {

/// Builds a Json DOM from SAX events, stopping at the first duplicate member or excess depth.
template <class Json>
class strict_dom_builder {
public:
    using number_integer_t = typename Json::number_integer_t;
    using number_unsigned_t = typename Json::number_unsigned_t;
    using number_float_t = typename Json::number_float_t;
    using string_t = typename Json::string_t;
    using binary_t = typename Json::binary_t;

    strict_dom_builder(Json& root, std::size_t max_depth) : root_(root), max_depth_(max_depth) {}

    bool null() { return put(Json(nullptr)); }
    bool boolean(bool v) { return put(Json(v)); }
    bool number_integer(number_integer_t v) { return put(Json(v)); }
    bool number_unsigned(number_unsigned_t v) { return put(Json(v)); }
    bool number_float(number_float_t v, const string_t&) { return put(Json(v)); }
    bool string(string_t& v) { return put(Json(std::move(v))); }
    bool binary(binary_t&) { return fail(errc::json_invalid); }

    bool start_object(std::size_t) {
        if (stack_.empty() && started_) return fail(errc::json_invalid);
        if (stack_.size() >= max_depth_) return fail(errc::json_too_deep);
        return open(Json::value_t::object);
    }
    bool key(string_t& k) {
        Json& obj = *stack_.back();
        if (obj.find(k) != obj.end()) return fail(errc::json_duplicate_member);
        key_ = std::move(k);
        return true;
    }
    bool end_object() {
        stack_.pop_back();
        return true;
    }
    bool start_array(std::size_t) {
        if (stack_.empty()) return fail(errc::json_not_object);
        if (stack_.size() >= max_depth_) return fail(errc::json_too_deep);
        return open(Json::value_t::array);
    }
    bool end_array() {
        stack_.pop_back();
        return true;
    }
    template <class Exception>
    bool parse_error(std::size_t, const std::string&, const Exception&) {
        if (error_ == errc{}) error_ = errc::json_invalid;
        return false;
    }

    errc error() const noexcept { return error_; }

private:
    bool fail(errc e) {
        error_ = e;
        return false;
    }
    bool put(Json&& v) {
        if (stack_.empty()) return fail(errc::json_not_object); // a scalar at the top level
        Json& parent = *stack_.back();
        if (parent.is_object())
            parent.emplace(std::move(key_), std::move(v));
        else
            parent.push_back(std::move(v));
        return true;
    }
    bool open(typename Json::value_t t) {
        if (stack_.empty()) {
            started_ = true;
            root_ = Json(t);
            stack_.push_back(&root_);
            return true;
        }
        Json& parent = *stack_.back();
        Json* child;
        if (parent.is_object()) {
            auto r = parent.emplace(std::move(key_), Json(t));
            child = &r.first.value();
        } else {
            parent.push_back(Json(t));
            child = &parent.back();
        }
        stack_.push_back(child);
        return true;
    }

    Json& root_;
    std::size_t max_depth_;
    std::vector<Json*> stack_;
    string_t key_;
    errc error_{};
    bool started_ = false;
};

/// True when `text` starts with the UTF-8 encoding of U+FEFF, the byte-order mark.
inline bool starts_with_byte_order_mark(std::string_view text) noexcept {
    return text.size() >= 3 && static_cast<unsigned char>(text[0]) == 0xEF &&
           static_cast<unsigned char>(text[1]) == 0xBB && static_cast<unsigned char>(text[2]) == 0xBF;
}

/// Parses `text` as one nlohmann JSON object under jot's strict rules (see parse_object).
template <class Json>
result<Json> parse_nlohmann_object(std::string_view text, std::size_t max_depth) {
    if (!is_valid_utf8(text)) return errc::invalid_utf8;
    // A raw NUL is never valid JSON (RFC 8259 §7 requires it escaped in strings; it is not whitespace), but
    // nlohmann's lexer reads it as end of input, which would accept `{...}\0<anything>`.
    if (text.find('\0') != std::string_view::npos) return errc::json_invalid;
    // nlohmann skips a leading byte-order mark; RFC 8259 §8.1 forbids senders to add one and Go's and Python's
    // parsers refuse it, so accepting it would make verifiers disagree on the same token.
    if (starts_with_byte_order_mark(text)) return errc::json_byte_order_mark;
    Json root;
    strict_dom_builder<Json> sax(root, max_depth);
    const bool ok = Json::sax_parse(text.begin(), text.end(), &sax, nlohmann::json::input_format_t::json,
                                    /*strict=*/true, /*ignore_comments=*/false);
    if (!ok) return sax.error() == errc{} ? errc::json_invalid : sax.error();
    if (!root.is_object()) return errc::json_not_object;
    return root;
}

/// Parses `text` as one JSON object under jot's strict rules, into the backend's DOM (json_traits<Json>).
/// Errors: errc::invalid_utf8, errc::json_invalid, errc::json_byte_order_mark, errc::json_not_object,
/// errc::json_duplicate_member, errc::json_too_deep. Never throws for bad input.
template <class Json>
result<Json> parse_object(std::string_view text, std::size_t max_depth) {
    return json_traits<Json>::parse_object(text, max_depth);
}

} // namespace jot::detail

#include "../json/nlohmann.hpp" // the default backend is always there
