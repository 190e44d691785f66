// SPDX-License-Identifier: MIT
// The jot tool's plumbing: errc names, failures, files and stdin, colour, times and algorithm names.
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <optional>
#include <string_view>
#include <string>
#include <system_error>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jot/algorithm.hpp>
#include <jot/error.hpp>
#include <jot/token.hpp>

#include "cli.hpp"

namespace jot_cli {

const char* errc_name(jot::errc e) noexcept {
    // No default: -Wswitch (part of -Wall, an error here) names any errc added later and missing here.
#define JOT_CLI_NAME(name) \
    case jot::errc::name: return #name;
    switch (e) {
    JOT_CLI_NAME(token_too_large)
    JOT_CLI_NAME(token_not_compact)
    JOT_CLI_NAME(empty_segment)
    JOT_CLI_NAME(base64_padding)
    JOT_CLI_NAME(base64_invalid_character)
    JOT_CLI_NAME(base64_invalid_length)
    JOT_CLI_NAME(base64_non_canonical)
    JOT_CLI_NAME(invalid_utf8)
    JOT_CLI_NAME(json_invalid)
    JOT_CLI_NAME(json_not_object)
    JOT_CLI_NAME(json_duplicate_member)
    JOT_CLI_NAME(json_too_deep)
    JOT_CLI_NAME(json_byte_order_mark)
    JOT_CLI_NAME(header_missing_alg)
    JOT_CLI_NAME(header_invalid_member)
    JOT_CLI_NAME(crit_invalid)
    JOT_CLI_NAME(header_member_missing)
    JOT_CLI_NAME(jwe_not_compact)
    JOT_CLI_NAME(header_missing_enc)
    JOT_CLI_NAME(iv_length_invalid)
    JOT_CLI_NAME(encrypted_key_invalid)
    JOT_CLI_NAME(pbes2_salt_invalid)
    JOT_CLI_NAME(jws_json_invalid)
    JOT_CLI_NAME(header_member_duplicated)
    JOT_CLI_NAME(unencoded_payload_period)
    JOT_CLI_NAME(b64_inconsistent)
    JOT_CLI_NAME(payload_not_detached)
    JOT_CLI_NAME(too_many_signatures)
    JOT_CLI_NAME(claim_wrong_type)
    JOT_CLI_NAME(numeric_date_out_of_range)
    JOT_CLI_NAME(bearer_missing)
    JOT_CLI_NAME(bearer_wrong_scheme)
    JOT_CLI_NAME(bearer_malformed)
    JOT_CLI_NAME(dpop_proof_missing)
    JOT_CLI_NAME(dpop_proof_multiple)
    JOT_CLI_NAME(signature_invalid)
    JOT_CLI_NAME(signature_length_invalid)
    JOT_CLI_NAME(unsecured_token)
    JOT_CLI_NAME(unsupported_algorithm)
    JOT_CLI_NAME(algorithm_not_allowed)
    JOT_CLI_NAME(key_not_found)
    JOT_CLI_NAME(nested_token_unsupported)
    JOT_CLI_NAME(decryption_failed)
    JOT_CLI_NAME(tag_length_invalid)
    JOT_CLI_NAME(ephemeral_key_invalid)
    JOT_CLI_NAME(unsupported_encryption)
    JOT_CLI_NAME(encryption_not_allowed)
    JOT_CLI_NAME(zip_unsupported)
    JOT_CLI_NAME(pbes2_count_out_of_range)
    JOT_CLI_NAME(crit_unsupported)
    JOT_CLI_NAME(dpop_algorithm_not_allowed)
    JOT_CLI_NAME(dpop_jwk_invalid)
    JOT_CLI_NAME(dpop_jwk_private)
    JOT_CLI_NAME(dpop_key_mismatch)
    JOT_CLI_NAME(token_expired)
    JOT_CLI_NAME(token_not_yet_valid)
    JOT_CLI_NAME(issued_in_future)
    JOT_CLI_NAME(token_too_old)
    JOT_CLI_NAME(expiration_missing)
    JOT_CLI_NAME(claim_missing)
    JOT_CLI_NAME(issuer_mismatch)
    JOT_CLI_NAME(audience_mismatch)
    JOT_CLI_NAME(audience_unexpected)
    JOT_CLI_NAME(subject_mismatch)
    JOT_CLI_NAME(type_mismatch)
    JOT_CLI_NAME(claim_mismatch)
    JOT_CLI_NAME(claim_predicate_failed)
    JOT_CLI_NAME(token_revoked)
    JOT_CLI_NAME(token_replayed)
    JOT_CLI_NAME(nested_token_expected)
    JOT_CLI_NAME(insufficient_scope)
    JOT_CLI_NAME(dpop_type_mismatch)
    JOT_CLI_NAME(dpop_method_mismatch)
    JOT_CLI_NAME(dpop_url_mismatch)
    JOT_CLI_NAME(dpop_proof_too_old)
    JOT_CLI_NAME(dpop_issued_in_future)
    JOT_CLI_NAME(dpop_ath_mismatch)
    JOT_CLI_NAME(dpop_token_unbound)
    JOT_CLI_NAME(dpop_token_as_bearer)
    JOT_CLI_NAME(dpop_nonce_required)
    JOT_CLI_NAME(dpop_nonce_mismatch)
    JOT_CLI_NAME(key_too_short)
    JOT_CLI_NAME(key_too_weak)
    JOT_CLI_NAME(key_algorithm_mismatch)
    JOT_CLI_NAME(key_invalid)
    JOT_CLI_NAME(key_not_private)
    JOT_CLI_NAME(key_use_mismatch)
    JOT_CLI_NAME(key_small_order)
    JOT_CLI_NAME(key_not_canonical)
    JOT_CLI_NAME(private_key_in_set)
    JOT_CLI_NAME(key_set_invalid)
    JOT_CLI_NAME(key_set_too_large)
    JOT_CLI_NAME(duplicate_key_id)
    JOT_CLI_NAME(key_size_invalid)
    JOT_CLI_NAME(too_many_keys)
    JOT_CLI_NAME(invalid_argument)
    JOT_CLI_NAME(url_refused)
    JOT_CLI_NAME(leeway_too_large)
    JOT_CLI_NAME(no_keys)
    JOT_CLI_NAME(reserved_header_member)
    JOT_CLI_NAME(header_member_wrong_type)
    JOT_CLI_NAME(number_not_finite)
    JOT_CLI_NAME(claim_not_serializable)
    JOT_CLI_NAME(crypto_failure)
    JOT_CLI_NAME(jti_store_unavailable)
    JOT_CLI_NAME(jti_store_full)
    JOT_CLI_NAME(fetch_failed)
    JOT_CLI_NAME(fetch_timeout)
    JOT_CLI_NAME(tls_verification_failed)
    JOT_CLI_NAME(http_status_unexpected)
    JOT_CLI_NAME(redirect_refused)
    JOT_CLI_NAME(response_too_large)
    JOT_CLI_NAME(discovery_issuer_mismatch)
    JOT_CLI_NAME(discovery_invalid)
    JOT_CLI_NAME(callback_failed)
    }
#undef JOT_CLI_NAME
    return "unknown_error";
}

std::string code_name(std::error_code ec) {
    if (ec.category() == jot::error_category()) return errc_name(static_cast<jot::errc>(ec.value()));
    return std::string(ec.category().name()) + ":" + std::to_string(ec.value());
}

void fail_usage(std::string message) { throw failure(exit_usage, "usage", std::move(message)); }

void fail_input(std::error_code ec, const std::string& context) {
    throw failure(exit_usage, code_name(ec), ec.message() + " (" + context + ")");
}

void fail_token(std::error_code ec, const std::string& detail) {
    throw failure(exit_rejected, code_name(ec), detail.empty() ? ec.message() : ec.message() + " (" + detail + ")");
}

std::string read_file(const std::string& path, const std::string& what) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f)
        throw failure(exit_usage, "file_unreadable", "cannot open " + what + " " + path + ": " + std::strerror(errno));
    std::string out;
    char buf[8192];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
    const bool bad = std::ferror(f) != 0;
    std::fclose(f);
    if (bad) throw failure(exit_usage, "file_unreadable", "cannot read " + what + " " + path);
    return out;
}

namespace {
/// Reads stdin (binary on POSIX: no translation) until EOF or `limit` bytes.
std::string read_stdin_upto(std::size_t limit) {
    std::string out;
    char buf[8192];
    while (out.size() < limit) {
        const std::size_t want = std::min(sizeof buf, limit - out.size());
        const std::size_t n = std::fread(buf, 1, want, stdin);
        out.append(buf, n);
        if (n < want) break;
    }
    if (std::ferror(stdin)) throw failure(exit_usage, "file_unreadable", "cannot read standard input");
    return out;
}
} // namespace

std::string read_stdin() { return read_stdin_upto(static_cast<std::size_t>(-1)); }

namespace {
/// Removes exactly one trailing LF or CRLF: the one `echo` or a text editor adds.
void drop_line_ending(std::string& t) {
    if (t.size() >= 2 && t.compare(t.size() - 2, 2, "\r\n") == 0) t.resize(t.size() - 2);
    else if (!t.empty() && t.back() == '\n') t.pop_back();
}
} // namespace

bool token_from_stdin(const std::optional<std::string>& arg) { return !arg || *arg == "-"; }

std::string read_token(const std::optional<std::string>& arg, bool whole) {
    if (arg && arg->size() > 1 && (*arg)[0] == '@') {
        std::string t = read_file(arg->substr(1), "token file");
        drop_line_ending(t);
        return t;
    }
    if (!token_from_stdin(arg)) return *arg;
    // A token longer than the verifier's limit is rejected as token_too_large whatever follows, so there is
    // no need to hold more than the limit plus a CRLF plus one byte (which makes it too large).
    const std::size_t cap = whole ? static_cast<std::size_t>(-1) : jot::decode_options{}.max_token_size + 3;
    std::string t = read_stdin_upto(cap);
    if (t.size() == cap) return t;
    // Exactly one line ending goes. Everything else is the token's.
    drop_line_ending(t);
    if (t.empty())
        throw failure(exit_rejected, errc_name(jot::errc::token_not_compact),
                      "no token on standard input (give it as an argument, @FILE, or pipe it in)");
    return t;
}

std::string token_hint(const std::optional<std::string>& arg, const std::string& token) {
    const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    const std::size_t first = token.find_first_not_of(" \t\r\n");
    const std::string_view trimmed =
        first == std::string::npos ? std::string_view() : std::string_view(token).substr(first);
    if (trimmed.size() > 7) {
        std::string scheme(trimmed.substr(0, 7));
        for (char& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (scheme == "bearer ")
            return "the token starts with 'Bearer ', the HTTP Authorization scheme: pass only what follows it";
    }
    if (!token.empty() && (is_space(token.front()) || is_space(token.back())))
        return "the token has whitespace or a line break around it (only one final newline is removed from "
               "standard input): remove it";
    struct stat st {};
    if (arg && !token_from_stdin(arg) && (*arg)[0] != '@' && ::stat(arg->c_str(), &st) == 0 && S_ISREG(st.st_mode))
        return "'" + *arg + "' is a file: pass @" + *arg + " to read the token from it";
    return {};
}

void write_file(const std::string& path, std::string_view bytes, bool secret, bool overwrite) {
    const mode_t mode = secret ? 0600 : 0644;
    // The mode is given to open(), so a secret file is never readable by others, not even for an instant.
    const int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (overwrite ? O_TRUNC : O_EXCL);
    const int fd = ::open(path.c_str(), flags, mode);
    if (fd < 0) {
        const int err = errno;
        if (err == EEXIST)
            throw failure(exit_usage, "file_exists", path + " exists; pass --force to replace it");
        throw failure(exit_usage, "file_unwritable", "cannot create " + path + ": " + std::strerror(err));
    }
    // A replaced file keeps its old mode through O_TRUNC; set it again.
    bool ok = !overwrite || !secret || ::fchmod(fd, mode) == 0;
    std::size_t done = 0;
    while (ok && done < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) ok = false;
        else done += static_cast<std::size_t>(n);
    }
    const int err = errno;
    if (::close(fd) != 0) ok = false;
    if (!ok) throw failure(exit_usage, "file_unwritable", "cannot write " + path + ": " + std::strerror(err));
}

bool stdout_wants_colour() {
    // https://no-color.org: NO_COLOR set to any non-empty value turns colour off.
    const char* no_colour = std::getenv("NO_COLOR");
    if (no_colour && *no_colour) return false;
    const char* term = std::getenv("TERM");
    if (term && std::strcmp(term, "dumb") == 0) return false;
    return ::isatty(STDOUT_FILENO) == 1;
}

std::string terminal_safe(std::string json) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(json.size());
    for (std::size_t i = 0; i < json.size(); ++i) {
        const auto c = static_cast<unsigned char>(json[i]);
        const auto next = i + 1 < json.size() ? static_cast<unsigned char>(json[i + 1]) : 0;
        // U+0080..U+009F are 0xC2 0x80..0x9F in UTF-8 (dump() writes valid UTF-8, so no other byte pair is one).
        if (c == 0xC2 && next >= 0x80 && next <= 0x9F) {
            out += "\\u00";
            out += hex[next >> 4];
            out += hex[next & 0xF];
            ++i;
        } else {
            out += json[i];
        }
    }
    return out;
}

nlohmann::json parse_json(const std::string& text) {
    if (text.find('\0') != std::string::npos) return nlohmann::json(nlohmann::json::value_t::discarded);
    return nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
}

namespace {
/// Largest NumericDate jot writes or reads (9999-12-31T23:59:59Z).
constexpr std::int64_t max_unix_seconds = 253402300799;

bool parse_digits(std::string_view s, std::uint64_t& out) {
    if (s.empty()) return false;
    for (char c : s)
        if (c < '0' || c > '9') return false;
    const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    return r.ec == std::errc() && r.ptr == s.data() + s.size();
}
} // namespace

namespace {
/// Seconds per unit s, m, h or d; 0 for any other character.
std::int64_t unit_seconds(char c) {
    switch (c) {
    case 's': return 1;
    case 'm': return 60;
    case 'h': return 3600;
    case 'd': return 86400;
    default: return 0;
    }
}

/// "N<unit>" (after an optional '+'), as seconds; nothing when `text` is not of that form. Saturates at
/// max_unix_seconds + 1 (certainly out of range for every caller, without overflowing).
std::optional<std::int64_t> relative_seconds(std::string_view text) {
    if (!text.empty() && text[0] == '+') text.remove_prefix(1);
    if (text.size() < 2) return std::nullopt;
    const std::int64_t unit = unit_seconds(text.back());
    std::uint64_t n = 0;
    if (unit == 0 || !parse_digits(text.substr(0, text.size() - 1), n)) return std::nullopt;
    if (n > static_cast<std::uint64_t>(max_unix_seconds)) return max_unix_seconds + 1;
    return std::min<std::int64_t>(static_cast<std::int64_t>(n) * unit, max_unix_seconds + 1);
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil algorithm).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

/// An RFC 3339 date-time (§5.6): "YYYY-MM-DDTHH:MM:SS", an optional fraction (dropped), then "Z" or an offset
/// "+HH:MM"/"-HH:MM"; 't', 'z' and a space for 'T' are accepted as §5.6 allows. UNIX seconds, or nothing.
std::optional<std::int64_t> rfc3339_seconds(std::string_view s) {
    const auto num = [&](std::size_t at, std::size_t len, std::uint64_t& out) {
        return at + len <= s.size() && parse_digits(s.substr(at, len), out);
    };
    std::uint64_t year = 0, mon = 0, day = 0, hour = 0, min = 0, sec = 0;
    if (s.size() < 20 || !num(0, 4, year) || s[4] != '-' || !num(5, 2, mon) || s[7] != '-' || !num(8, 2, day) ||
        (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !num(11, 2, hour) || s[13] != ':' || !num(14, 2, min) ||
        s[16] != ':' || !num(17, 2, sec))
        return std::nullopt;
    static constexpr unsigned month_days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if (mon < 1 || mon > 12 || day < 1 || day > month_days[mon - 1] || (mon == 2 && day == 29 && !leap) ||
        hour > 23 || min > 59 || sec > 60)
        return std::nullopt;
    std::size_t at = 19;
    if (at < s.size() && s[at] == '.') {
        ++at;
        const std::size_t digits_start = at;
        while (at < s.size() && s[at] >= '0' && s[at] <= '9') ++at;
        if (at == digits_start) return std::nullopt;
    }
    std::int64_t offset = 0;
    if (at + 1 == s.size() && (s[at] == 'Z' || s[at] == 'z')) {
        offset = 0;
    } else if (at + 6 == s.size() && (s[at] == '+' || s[at] == '-') && s[at + 3] == ':') {
        std::uint64_t oh = 0, om = 0;
        if (!num(at + 1, 2, oh) || !num(at + 4, 2, om) || oh > 23 || om > 59) return std::nullopt;
        offset = static_cast<std::int64_t>(oh * 3600 + om * 60) * (s[at] == '+' ? 1 : -1);
    } else {
        return std::nullopt;
    }
    // A leap second (:60) is the second after :59, as POSIX time counts it.
    return days_from_civil(static_cast<std::int64_t>(year), static_cast<unsigned>(mon), static_cast<unsigned>(day)) *
               86400 +
           static_cast<std::int64_t>(hour * 3600 + min * 60 + sec) - offset;
}
} // namespace

std::chrono::system_clock::time_point resolve_now(const std::string& arg) {
    using namespace std::chrono;
    if (arg.empty()) return system_clock::now();
    // The system clock counts in nanoseconds on Linux, which reaches the year 2262, not 9999.
    const std::int64_t limit =
        std::min<std::int64_t>(max_unix_seconds, duration_cast<seconds>(system_clock::duration::max()).count());
    const std::int64_t clock = duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
    std::int64_t v = 0;
    try {
        v = parse_time_arg(arg, clock, "--now");
    } catch (const failure&) {
        v = -1;
    }
    if (v < 0 || v > limit)
        fail_usage("--now wants a time between 0 and " + std::to_string(limit) +
                   " (UNIX seconds, an RFC 3339 date such as 2026-01-02T03:04:05Z, or 30s, 15m, 2h, 1d from the "
                   "clock), not '" + arg + "'");
    return system_clock::time_point(duration_cast<system_clock::duration>(seconds(v)));
}

std::int64_t parse_time_arg(const std::string& text, std::int64_t now_seconds, const char* option) {
    std::int64_t at = 0;
    std::uint64_t n = 0;
    if (auto rel = relative_seconds(text)) {
        at = *rel > max_unix_seconds ? max_unix_seconds + 1 : now_seconds + *rel;
    } else if (parse_digits(text, n)) {
        at = n > static_cast<std::uint64_t>(max_unix_seconds) ? max_unix_seconds + 1 : static_cast<std::int64_t>(n);
    } else if (auto date = rfc3339_seconds(text)) {
        if (*date < 0)
            throw failure(exit_usage, errc_name(jot::errc::numeric_date_out_of_range),
                          std::string(option) + " " + text + " is before 1970-01-01T00:00:00Z");
        at = *date;
    } else {
        fail_usage(std::string(option) + " wants a time: 30s, 15m, 2h or 7d from now (a '+' before it is allowed), "
                                         "UNIX seconds, or an RFC 3339 date such as 2026-01-02T03:04:05Z; not '" +
                   text + "'");
    }
    if (at > max_unix_seconds)
        throw failure(exit_usage, errc_name(jot::errc::numeric_date_out_of_range),
                      std::string(option) + " " + text + " is after 9999-12-31T23:59:59Z");
    return at;
}

std::int64_t parse_duration_arg(const std::string& text, std::int64_t max_seconds, const char* option) {
    std::uint64_t n = 0;
    std::int64_t s = 0;
    if (auto rel = relative_seconds(text); rel && text[0] != '+') s = *rel;
    else if (text.size() <= 12 && parse_digits(text, n)) s = static_cast<std::int64_t>(n);
    else
        fail_usage(std::string(option) + " wants a duration: whole seconds (30) or N with a unit s, m, h or d (30s, "
                                         "5m), not '" + text + "'");
    if (s > max_seconds)
        throw failure(exit_usage, errc_name(jot::errc::leeway_too_large),
                      make_error_code(jot::errc::leeway_too_large).message() + " (" + option + " " + text + ")");
    return s;
}

std::string format_utc(std::int64_t unix_seconds) {
    const std::time_t t = static_cast<std::time_t>(unix_seconds);
    std::tm tm{};
    if (!::gmtime_r(&t, &tm)) return "?";
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

std::string format_duration(std::int64_t s) {
    struct unit {
        std::int64_t seconds;
        const char* name;
    };
    static constexpr unit units[] = {{86400, "d"}, {3600, "h"}, {60, "m"}, {1, "s"}};
    if (s <= 0) return "0s";
    // The two largest non-zero units are precise enough for a person reading a token.
    std::string out;
    int shown = 0;
    for (const unit& u : units) {
        const std::int64_t n = s / u.seconds;
        if (n == 0) continue;
        if (shown++) out += ' ';
        out += std::to_string(n) + u.name;
        s -= n * u.seconds;
        if (shown == 2) break;
    }
    return out;
}

jot::algorithm parse_alg(const std::string& name) {
    auto a = jot::algorithm_from_string(name);
    if (!a) {
        std::string known;
        for (jot::algorithm x : jot::all_algorithms) {
            if (!known.empty()) known += ' ';
            known += jot::to_string(x);
        }
        throw failure(exit_usage, code_name(a.error()),
                      "--alg '" + name + "' is not a signature algorithm jot implements (one of: " + known + ")");
    }
    return *a;
}

} // namespace jot_cli
