#include "validation/schema.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <set>

#include "http/form.h"
#include "http/json.h"

namespace fleet::gateway::validation {
namespace json = boost::json;
namespace {

std::string_view trim(std::string_view s) {
  auto space = [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
  };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

// Characters, not bytes: UTF-8 continuation bytes do not count.
std::size_t char_count(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string bound_text(double bound) {
  if (std::floor(bound) == bound && std::fabs(bound) < 1e15) {
    return std::to_string(static_cast<std::int64_t>(bound));
  }
  json::value v = bound;
  return http::dump(v);
}

json::array loc_of(std::string_view root, std::string_view name) {
  return json::array{json::string(root), json::string(name)};
}

Issue make(std::string type, json::array loc, std::string msg) {
  return Issue{std::move(type), std::move(loc), std::move(msg)};
}

// Bounds on a number already of the right type.
bool check_bounds(const Field& field, double value, std::string_view root, Issues& issues) {
  if (field.ge && value < *field.ge) {
    issues.push_back(make("greater_than_equal", loc_of(root, field.name),
                          "Input should be greater than or equal to " + bound_text(*field.ge)));
    return false;
  }
  if (field.le && value > *field.le) {
    issues.push_back(make("less_than_equal", loc_of(root, field.name),
                          "Input should be less than or equal to " + bound_text(*field.le)));
    return false;
  }
  return true;
}

// A string value: non-empty after trimming, not too long, an email if asked.
std::optional<std::string> check_string(const Field& field, std::string_view text,
                                        std::string_view root, Issues& issues) {
  // Form and query text arrive as raw bytes; protobuf refuses a string that is not UTF-8, so it
  // is refused here, as pydantic refuses undecodable bytes.
  if (!is_utf8(text)) {
    issues.push_back(make("string_unicode", loc_of(root, field.name),
                          "Input should be a valid string, unable to parse raw data as a unicode "
                          "string"));
    return std::nullopt;
  }
  auto trimmed = trim(text);
  if (trimmed.empty()) {
    issues.push_back(make("string_too_short", loc_of(root, field.name),
                          "String should have at least 1 character"));
    return std::nullopt;
  }
  if (char_count(text) > field.max_length) {
    issues.push_back(
        make("string_too_long", loc_of(root, field.name),
             "String should have at most " + std::to_string(field.max_length) + " characters"));
    return std::nullopt;
  }
  std::string value(field.trim ? trimmed : text);
  if (field.email) {
    if (auto problem = email_problem(value)) {
      issues.push_back(make("value_error", loc_of(root, field.name),
                            "value is not a valid email address: " + *problem));
      return std::nullopt;
    }
    // email_validator normalizes the domain to lower case.
    auto at = value.rfind('@');
    std::transform(value.begin() + static_cast<std::ptrdiff_t>(at), value.end(),
                   value.begin() + static_cast<std::ptrdiff_t>(at),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  }
  return value;
}

// ---- Decimals (pydantic v2's Decimal validator, exact: no binary floating point) ----

// A decimal as Python's Decimal.as_tuple() sees it: sign, coefficient digits (no leading zeros;
// "0" for zero) and exponent.
struct Dec {
  bool negative = false;
  std::string digits = "0";
  std::int64_t exponent = 0;
  bool finite = true;  // false for NaN and Infinity (which pydantic refuses: finite_number)
};

bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Digits with Python's underscores between digits; appends them to `out`. Returns how many
// characters were read (0 if none; a misplaced underscore ends the run).
std::size_t read_digits(std::string_view s, std::string& out) {
  std::size_t i = 0;
  while (i < s.size()) {
    if (is_digit(s[i])) {
      out += s[i++];
    } else if (s[i] == '_' && i > 0 && is_digit(s[i - 1]) && i + 1 < s.size() &&
               is_digit(s[i + 1])) {
      ++i;
    } else {
      break;
    }
  }
  return i;
}

// Python's Decimal(str): surrounding whitespace, a sign, digits with an optional point, an
// optional exponent; or Infinity/Inf/NaN/sNaN (any case). nullopt: not a decimal.
std::optional<Dec> parse_decimal(std::string_view text) {
  auto s = trim(text);
  Dec dec;
  if (!s.empty() && (s.front() == '+' || s.front() == '-')) {
    dec.negative = s.front() == '-';
    s.remove_prefix(1);
  }
  auto word = lower(s);
  if (word == "inf" || word == "infinity") {
    dec.finite = false;
    return dec;
  }
  for (std::string_view nan : {"nan", "snan"}) {
    if (word.starts_with(nan) &&
        std::all_of(word.begin() + static_cast<std::ptrdiff_t>(nan.size()), word.end(), is_digit)) {
      dec.finite = false;
      return dec;
    }
  }
  std::string digits;
  auto whole = read_digits(s, digits);
  s.remove_prefix(whole);
  std::size_t fraction = 0;
  if (!s.empty() && s.front() == '.') {
    s.remove_prefix(1);
    auto before = digits.size();
    s.remove_prefix(read_digits(s, digits));
    fraction = digits.size() - before;
  }
  if (digits.empty()) return std::nullopt;
  std::int64_t exponent = 0;
  if (!s.empty() && (s.front() == 'e' || s.front() == 'E')) {
    s.remove_prefix(1);
    bool negative = false;
    if (!s.empty() && (s.front() == '+' || s.front() == '-')) {
      negative = s.front() == '-';
      s.remove_prefix(1);
    }
    std::string exp_digits;
    auto read = read_digits(s, exp_digits);
    if (read == 0) return std::nullopt;
    s.remove_prefix(read);
    // Saturate: an exponent this large fails max_digits anyway.
    constexpr std::int64_t kCap = 1'000'000'000'000'000;
    for (char c : exp_digits) exponent = std::min(kCap, exponent * 10 + (c - '0'));
    if (negative) exponent = -exponent;
  }
  if (!s.empty()) return std::nullopt;
  auto first = digits.find_first_not_of('0');
  dec.digits = first == std::string::npos ? "0" : digits.substr(first);
  dec.exponent = exponent - static_cast<std::int64_t>(fraction);
  return dec;
}

bool is_zero(const Dec& d) { return d.digits == "0"; }

// Decimal.normalize(): trailing zeros moved into the exponent; zero is 0E0.
Dec normalized(Dec d) {
  if (is_zero(d)) {
    d.exponent = 0;
    return d;
  }
  auto last = d.digits.find_last_not_of('0');
  d.exponent += static_cast<std::int64_t>(d.digits.size() - last - 1);
  d.digits.resize(last + 1);
  return d;
}

// pydantic-core's (decimals, digits) of a finite Decimal.
struct DigitInfo {
  std::int64_t decimals = 0;
  std::int64_t digits = 0;
};
DigitInfo digit_info(const Dec& d) {
  DigitInfo info{0, static_cast<std::int64_t>(d.digits.size())};
  if (d.exponent >= 0) {
    info.digits += d.exponent;
  } else {
    info.decimals = -d.exponent;
    info.digits = std::max(info.digits, info.decimals);
  }
  return info;
}

// -1, 0, 1 as a < b, a == b, a > b, exactly.
int compare(const Dec& a_in, const Dec& b_in) {
  auto a = normalized(a_in);
  auto b = normalized(b_in);
  int sa = is_zero(a) ? 0 : (a.negative ? -1 : 1);
  int sb = is_zero(b) ? 0 : (b.negative ? -1 : 1);
  if (sa != sb) return sa < sb ? -1 : 1;
  if (sa == 0) return 0;
  int magnitude = 0;
  auto adjusted_a = static_cast<std::int64_t>(a.digits.size()) + a.exponent;
  auto adjusted_b = static_cast<std::int64_t>(b.digits.size()) + b.exponent;
  if (adjusted_a != adjusted_b) {
    magnitude = adjusted_a < adjusted_b ? -1 : 1;
  } else {
    auto n = std::max(a.digits.size(), b.digits.size());
    for (std::size_t i = 0; i < n && magnitude == 0; ++i) {
      char ca = i < a.digits.size() ? a.digits[i] : '0';
      char cb = i < b.digits.size() ? b.digits[i] : '0';
      if (ca != cb) magnitude = ca < cb ? -1 : 1;
    }
  }
  return sa > 0 ? magnitude : -magnitude;
}

// The shortest decimal text that reads back as `d` (Python's repr of a float, Rust's f64
// Display up to notation): what pydantic turns a JSON float or a float bound into.
std::string shortest(double d) {
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, d);
  return ec == std::errc() ? std::string(buffer, end) : std::string("nan");
}

// A double bound as the Decimal pydantic compares with: an integral bound as an integer (a
// FastAPI `ge=0`), any other as its shortest text (a `le=9999999999.99`).
Dec bound_decimal(double bound) {
  if (std::floor(bound) == bound && std::fabs(bound) < 1e18) {
    return *parse_decimal(std::to_string(static_cast<std::int64_t>(bound)));
  }
  return parse_decimal(shortest(bound)).value_or(Dec{});
}

// str(Decimal): plain notation unless the exponent is positive or the value is very small.
std::string python_str(const Dec& d) {
  std::string out = d.negative ? "-" : "";
  auto n = static_cast<std::int64_t>(d.digits.size());
  auto adjusted = d.exponent + n - 1;
  if (d.exponent <= 0 && adjusted >= -6) {
    if (d.exponent == 0) return out + d.digits;
    auto point = n + d.exponent;  // digits before the point
    if (point > 0) {
      return out + d.digits.substr(0, static_cast<std::size_t>(point)) + "." +
             d.digits.substr(static_cast<std::size_t>(point));
    }
    return out + "0." + std::string(static_cast<std::size_t>(-point), '0') + d.digits;
  }
  out += d.digits.substr(0, 1);
  if (n > 1) out += "." + d.digits.substr(1);
  out += "E";
  out += adjusted >= 0 ? "+" : "-";
  return out + std::to_string(adjusted >= 0 ? adjusted : -adjusted);
}

std::string decimal_bound_text(double bound) {
  if (std::floor(bound) == bound && std::fabs(bound) < 1e18) {
    return std::to_string(static_cast<std::int64_t>(bound));
  }
  return python_str(bound_decimal(bound));
}

std::string plural(std::int64_t n, std::string_view word) {
  return std::to_string(n) + " " + std::string(word) + (n == 1 ? "" : "s");
}

// The canonical text of a value that passed decimal_places: exactly `places` decimals.
std::string canonical(const Dec& value, unsigned places) {
  auto d = normalized(value);
  std::string whole;
  std::string fraction;
  if (d.exponent >= 0) {
    whole = is_zero(d) ? "0" : d.digits + std::string(static_cast<std::size_t>(d.exponent), '0');
  } else {
    auto k = static_cast<std::size_t>(-d.exponent);
    if (d.digits.size() > k) {
      whole = d.digits.substr(0, d.digits.size() - k);
      fraction = d.digits.substr(d.digits.size() - k);
    } else {
      whole = "0";
      fraction = std::string(k - d.digits.size(), '0') + d.digits;
    }
  }
  fraction.resize(places, '0');
  std::string out = d.negative && !is_zero(d) ? "-" : "";
  out += whole;
  if (places > 0) out += "." + fraction;
  return out;
}

// pydantic-core's DecimalValidator after the value is read: finite, max_digits, decimal_places,
// whole digits, le, ge (in that order; digit limits fail only if both the value and its
// normalized form exceed them).
void check_decimal(const Field& field, const std::optional<Dec>& parsed, std::string_view root,
                   json::object& out, Issues& issues) {
  auto loc = loc_of(root, field.name);
  if (!parsed) {
    issues.push_back(make("decimal_parsing", std::move(loc), "Input should be a valid decimal"));
    return;
  }
  const Dec& value = *parsed;
  if (!value.finite) {
    issues.push_back(make("finite_number", std::move(loc), "Input should be a finite number"));
    return;
  }
  auto raw = digit_info(value);
  auto norm = digit_info(normalized(value));
  auto max_digits = static_cast<std::int64_t>(field.max_digits);
  auto places = static_cast<std::int64_t>(field.decimal_places);
  if (raw.digits > max_digits && norm.digits > max_digits) {
    issues.push_back(make(
        "decimal_max_digits", std::move(loc),
        "Decimal input should have no more than " + plural(max_digits, "digit") + " in total"));
    return;
  }
  if (raw.decimals > places && norm.decimals > places) {
    issues.push_back(
        make("decimal_max_places", std::move(loc),
             "Decimal input should have no more than " + plural(places, "decimal place")));
    return;
  }
  auto max_whole = std::max<std::int64_t>(0, max_digits - places);
  if (raw.digits - raw.decimals > max_whole && norm.digits - norm.decimals > max_whole) {
    issues.push_back(make("decimal_whole_digits", std::move(loc),
                          "Decimal input should have no more than " + plural(max_whole, "digit") +
                              " before the decimal point"));
    return;
  }
  if (field.le && compare(value, bound_decimal(*field.le)) > 0) {
    issues.push_back(
        make("less_than_equal", std::move(loc),
             "Input should be less than or equal to " + decimal_bound_text(*field.le)));
    return;
  }
  if (field.ge && compare(value, bound_decimal(*field.ge)) < 0) {
    issues.push_back(
        make("greater_than_equal", std::move(loc),
             "Input should be greater than or equal to " + decimal_bound_text(*field.ge)));
    return;
  }
  out[field.name] = json::string(canonical(value, field.decimal_places));
}

// ---- Enums ----

// Python's repr of a str.
std::string python_repr(std::string_view s) {
  char quote =
      s.find('\'') != std::string_view::npos && s.find('"') == std::string_view::npos ? '"' : '\'';
  std::string out(1, quote);
  for (char c : s) {
    if (c == '\\' || c == quote) {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else {
      out += c;
    }
  }
  return out + quote;
}

// 'A', 'B' or 'C', as pydantic-core's expected_repr_name.
std::string expected_choices(std::span<const std::string_view> choices) {
  std::string out;
  for (std::size_t i = 0; i < choices.size(); ++i) {
    if (i > 0) out += i + 1 == choices.size() ? " or " : ", ";
    out += python_repr(choices[i]);
  }
  return out;
}

void check_enum(const Field& field, const json::value* value, std::string_view text,
                std::string_view root, json::object& out, Issues& issues) {
  bool is_text = value == nullptr || value->is_string();
  if (value != nullptr && value->is_string()) text = value->get_string();
  if (is_text &&
      std::find(field.choices.begin(), field.choices.end(), text) != field.choices.end()) {
    out[field.name] = json::string(text);
    return;
  }
  issues.push_back(
      make("enum", loc_of(root, field.name), "Input should be " + expected_choices(field.choices)));
}

// ---- Datetimes (speedate, the parser pydantic v2 uses, and its error texts) ----

struct Moment {
  int year = 0;
  unsigned month = 1;
  unsigned day = 1;
  int hour = 0;
  int minute = 0;
  int second = 0;
  int microsecond = 0;
  int offset_seconds = 0;  // a value without an offset is taken as UTC
};

// An error text, or empty on success.
using ParseError = std::string_view;
constexpr ParseError kTooShort = "input is too short";
constexpr ParseError kExtraCharacters = "unexpected extra characters at the end of the input";
constexpr ParseError kDateTimeSep = "invalid datetime separator, expected `T`, `t`, `_` or space";
constexpr ParseError kDateSep = "invalid date separator, expected `-`";
constexpr ParseError kCharYear = "invalid character in year";
constexpr ParseError kCharMonth = "invalid character in month";
constexpr ParseError kCharDay = "invalid character in day";
constexpr ParseError kTimeSep = "invalid time separator, expected `:`";
constexpr ParseError kCharHour = "invalid character in hour";
constexpr ParseError kCharMinute = "invalid character in minute";
constexpr ParseError kCharSecond = "invalid character in second";
constexpr ParseError kTzSign = "invalid timezone sign";
constexpr ParseError kTzHour = "invalid timezone hour";
constexpr ParseError kTzMinute = "invalid timezone minute";
constexpr ParseError kRangeTzMinute = "timezone minute value is outside expected range of 0-59";
constexpr ParseError kRangeTz = "timezone offset must be less than 24 hours";
constexpr ParseError kRangeMonth = "month value is outside expected range of 1-12";
constexpr ParseError kRangeDay = "day value is outside expected range";
constexpr ParseError kRangeHour = "hour value is outside expected range of 0-23";
constexpr ParseError kRangeMinute = "minute value is outside expected range of 0-59";
constexpr ParseError kRangeSecond = "second value is outside expected range of 0-59";
constexpr ParseError kFractionMissing = "second fraction digits missing after `.`";
constexpr ParseError kDateTooSmall = "dates before 0000 are not supported as unix timestamps";
constexpr ParseError kDateTooLarge = "dates after 9999 are not supported as unix timestamps";
constexpr ParseError kTimeTooLarge = "numeric times may not exceed 86,399 seconds";

// A digit at `i`, or -1.
int digit_at(std::string_view b, std::size_t i) {
  return i < b.size() && is_digit(b[i]) ? b[i] - '0' : -1;
}

bool is_leap(int year) { return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0); }

// YYYY-MM-DD at the start of `b` (Date::parse_bytes_partial).
ParseError parse_date_part(std::string_view b, Moment& m) {
  if (b.size() < 10) return kTooShort;
  int y[4];
  for (int i = 0; i < 4; ++i) {
    if ((y[i] = digit_at(b, static_cast<std::size_t>(i))) < 0) return kCharYear;
  }
  if (b[4] != '-') return kDateSep;
  int m1 = digit_at(b, 5), m2 = digit_at(b, 6);
  if (m1 < 0 || m2 < 0) return kCharMonth;
  if (b[7] != '-') return kDateSep;
  int d1 = digit_at(b, 8), d2 = digit_at(b, 9);
  if (d1 < 0 || d2 < 0) return kCharDay;
  m.year = y[0] * 1000 + y[1] * 100 + y[2] * 10 + y[3];
  m.month = static_cast<unsigned>(m1 * 10 + m2);
  m.day = static_cast<unsigned>(d1 * 10 + d2);
  unsigned max_day = 0;
  switch (m.month) {
    case 1:
    case 3:
    case 5:
    case 7:
    case 8:
    case 10:
    case 12:
      max_day = 31;
      break;
    case 4:
    case 6:
    case 9:
    case 11:
      max_day = 30;
      break;
    case 2:
      max_day = is_leap(m.year) ? 29 : 28;
      break;
    default:
      return kRangeMonth;
  }
  if (m.day < 1 || m.day > max_day) return kRangeDay;
  return {};
}

// DateTime::parse_bytes_rfc3339 with pydantic's defaults (fractions past 6 digits truncated).
ParseError parse_rfc3339(std::string_view b, Moment& m) {
  if (auto e = parse_date_part(b, m); !e.empty()) return e;
  if (b.size() <= 10 || (b[10] != 'T' && b[10] != 't' && b[10] != ' ' && b[10] != '_')) {
    return kDateTimeSep;
  }
  constexpr std::size_t o = 11;
  if (b.size() - o < 5) return kTooShort;
  int h1 = digit_at(b, o), h2 = digit_at(b, o + 1);
  if (h1 < 0 || h2 < 0) return kCharHour;
  if (b[o + 2] != ':') return kTimeSep;
  int n1 = digit_at(b, o + 3), n2 = digit_at(b, o + 4);
  if (n1 < 0 || n2 < 0) return kCharMinute;
  m.hour = h1 * 10 + h2;
  m.minute = n1 * 10 + n2;
  if (m.hour > 23) return kRangeHour;
  if (m.minute > 59) return kRangeMinute;
  std::size_t length = 5;
  if (o + 5 < b.size() && b[o + 5] == ':') {
    int s1 = digit_at(b, o + 6), s2 = digit_at(b, o + 7);
    if (s1 < 0 || s2 < 0) return kCharSecond;
    m.second = s1 * 10 + s2;
    if (m.second > 59) return kRangeSecond;
    length = 8;
    if (o + 8 < b.size() && (b[o + 8] == '.' || b[o + 8] == ',')) {
      length = 9;
      std::size_t i = 0;
      int micro = 0;
      while (digit_at(b, o + length + i) >= 0) {
        if (i < 6) micro = micro * 10 + digit_at(b, o + length + i);
        ++i;
      }
      if (i == 0) return kFractionMissing;
      for (std::size_t k = i; k < 6; ++k) micro *= 10;
      m.microsecond = micro;
      length += i;
    }
  }
  auto position = o + length;
  if (position < b.size()) {
    char c = b[position++];
    if (c == 'Z' || c == 'z') {
      m.offset_seconds = 0;
    } else {
      int sign = 0;
      if (c == '+') {
        sign = 1;
      } else if (c == '-') {
        sign = -1;
      } else if (static_cast<unsigned char>(c) == 0xE2) {  // U+2212 MINUS SIGN
        if (position + 1 >= b.size() || static_cast<unsigned char>(b[position]) != 0x88 ||
            static_cast<unsigned char>(b[position + 1]) != 0x92) {
          return kTzSign;
        }
        position += 2;
        sign = -1;
      } else {
        return kTzSign;
      }
      int t1 = digit_at(b, position), t2 = digit_at(b, position + 1);
      if (t1 < 0 || t2 < 0) return kTzHour;
      int u1 = 0;
      if (position + 2 < b.size() && b[position + 2] == ':') {
        position += 3;
        if ((u1 = digit_at(b, position)) < 0) return kTzMinute;
      } else if ((u1 = digit_at(b, position + 2)) >= 0) {
        position += 2;
      } else {
        return kTzMinute;
      }
      int u2 = digit_at(b, position + 1);
      if (u2 < 0) return kTzMinute;
      int minute_seconds = u1 * 600 + u2 * 60;
      if (minute_seconds >= 3600) return kRangeTzMinute;
      int offset = sign * (t1 * 36000 + t2 * 3600 + minute_seconds);
      if (offset >= 24 * 3600 || offset <= -24 * 3600) return kRangeTz;
      m.offset_seconds = offset;
      position += 2;
    }
  }
  if (b.size() > position) return kExtraCharacters;
  return {};
}

constexpr std::int64_t kMsWatershed = 20'000'000'000;
constexpr std::int64_t kUnix0000 = -62'167'219'200;
constexpr std::int64_t kUnix9999 = 253'402'300'799;

DateTime to_time(const Moment& m) {
  using namespace std::chrono;
  auto date = sys_days{year{m.year} / month{m.month} / day{m.day}};
  return DateTime{date} + hours{m.hour} + minutes{m.minute} + seconds{m.second} +
         microseconds{m.microsecond} - seconds{m.offset_seconds};
}

// DateTime::from_timestamp_with_config, unit inferred: seconds, or milliseconds past 2e10.
ParseError from_timestamp(std::int64_t timestamp, std::int64_t micro, DateTime& out) {
  if (timestamp == std::numeric_limits<std::int64_t>::min()) return kDateTooSmall;
  std::int64_t second = timestamp;
  if (std::abs(timestamp) > kMsWatershed) {
    second = timestamp / 1000;
    auto extra = (timestamp % 1000) * 1000;
    if (extra < 0) {
      second -= 1;
      extra += 1'000'000;
    }
    micro += extra;
  }
  if (micro >= 1'000'000) {
    second += micro / 1'000'000;
    micro %= 1'000'000;
  }
  if (second < kUnix0000) return kDateTooSmall;
  if (second > kUnix9999) return kDateTooLarge;
  out = DateTime{std::chrono::seconds{second}} + std::chrono::microseconds{micro};
  return {};
}

std::int64_t saturating_floor(double d) {
  if (!(d > -9.2e18)) return std::numeric_limits<std::int64_t>::min() + 1;
  if (!(d < 9.2e18)) return std::numeric_limits<std::int64_t>::max();
  return static_cast<std::int64_t>(std::floor(d));
}

// A JSON float (DateTime::from_float_with_config).
ParseError from_float_timestamp(double timestamp, DateTime& out) {
  double fraction = std::fabs(timestamp - std::trunc(timestamp));
  double micro =
      std::fabs(timestamp) <= static_cast<double>(kMsWatershed) ? fraction * 1e6 : fraction * 1e3;
  return from_timestamp(saturating_floor(timestamp), std::llround(micro), out);
}

// DateTime::parse_bytes_with_config: RFC 3339, else a number of seconds (or milliseconds).
ParseError parse_datetime_text(std::string_view b, DateTime& out) {
  Moment m;
  auto error = parse_rfc3339(b, m);
  if (error.empty()) {
    out = to_time(m);
    return {};
  }
  // speedate's float_parse_bytes: an integer, or a float once '.' stops the integer.
  std::string_view digits = b;
  bool negative = false;
  if (!digits.empty() && (digits.front() == '-' || digits.front() == '+')) {
    negative = digits.front() == '-';
    digits.remove_prefix(1);
  }
  if (digits.empty()) return error;
  std::int64_t value = 0;
  std::size_t i = 0;
  for (; i < digits.size() && is_digit(digits[i]); ++i) {
    if (value > (std::numeric_limits<std::int64_t>::max() - (digits[i] - '0')) / 10) return error;
    value = value * 10 + (digits[i] - '0');
  }
  if (i == digits.size()) return from_timestamp(negative ? -value : value, 0, out);
  if (digits[i] != '.') return error;
  double number = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), number);
  if (ec != std::errc() || end != digits.data() + digits.size() || !std::isfinite(number)) {
    return error;
  }
  if (negative) number = -number;
  if (std::fabs(number) > static_cast<double>(kMsWatershed)) number /= 1000;
  auto seconds = saturating_floor(number);
  auto micro = std::llround((number - static_cast<double>(seconds)) * 1e6);
  return from_timestamp(seconds, micro, out);
}

std::string datetime_text(DateTime t) {
  using namespace std::chrono;
  auto day = floor<days>(t);
  year_month_day ymd{day};
  hh_mm_ss<microseconds> clock{t - day};
  char buffer[48];
  int n = std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02d:%02d",
                        static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                        static_cast<unsigned>(ymd.day()), static_cast<int>(clock.hours().count()),
                        static_cast<int>(clock.minutes().count()),
                        static_cast<int>(clock.seconds().count()));
  std::string out(buffer, static_cast<std::size_t>(n));
  if (auto micro = clock.subseconds().count(); micro != 0) {
    std::snprintf(buffer, sizeof buffer, ".%06lld", static_cast<long long>(micro));
    out += buffer;
  }
  return out;
}

void datetime_issue(const Field& field, ParseError error, bool from_date, std::string_view root,
                    Issues& issues) {
  if (from_date) {
    issues.push_back(make("datetime_from_date_parsing", loc_of(root, field.name),
                          "Input should be a valid datetime or date, " + std::string(error)));
  } else {
    issues.push_back(make("datetime_parsing", loc_of(root, field.name),
                          "Input should be a valid datetime, " + std::string(error)));
  }
}

// Text (a JSON string, a query or form value). With date_as_midnight, pydantic's lax fallback:
// a failed datetime is read as a date (YYYY-MM-DD exactly), and a failed date reports the date's
// error as datetime_from_date_parsing.
void check_datetime_text(const Field& field, std::string_view text, std::string_view root,
                         json::object& out, Issues& issues) {
  DateTime value;
  auto error = parse_datetime_text(text, value);
  if (error.empty()) {
    out[field.name] = json::string(datetime_text(value));
    return;
  }
  if (!field.date_as_midnight) {
    datetime_issue(field, error, false, root, issues);
    return;
  }
  Moment m;
  auto date_error = parse_date_part(text, m);
  if (date_error.empty() && text.size() > 10) date_error = kExtraCharacters;
  if (date_error.empty()) {
    out[field.name] = json::string(datetime_text(to_time(m)));
    return;
  }
  // A timestamp out of range fails as a date too, with the same text.
  if (error == kDateTooSmall || error == kDateTooLarge || error == kTimeTooLarge) {
    date_error = error;
  }
  datetime_issue(field, date_error, true, root, issues);
}

void check_datetime_json(const Field& field, const json::value& value, std::string_view root,
                         json::object& out, Issues& issues) {
  if (value.is_string()) {
    check_datetime_text(field, value.get_string(), root, out, issues);
    return;
  }
  DateTime time;
  ParseError error;
  if (value.is_int64()) {
    error = from_timestamp(value.get_int64(), 0, time);
  } else if (value.is_double()) {
    error = from_float_timestamp(value.get_double(), time);
  } else {
    issues.push_back(
        make("datetime_type", loc_of(root, field.name), "Input should be a valid datetime"));
    return;
  }
  if (!error.empty()) {
    datetime_issue(field, error, field.date_as_midnight, root, issues);
    return;
  }
  out[field.name] = json::string(datetime_text(time));
}

// One JSON value against its field; the accepted value goes into `out`.
void check_json(const Field& field, const json::value& value, std::string_view root,
                json::object& out, Issues& issues) {
  switch (field.type) {
    case Type::kString:
      if (!value.is_string()) {
        issues.push_back(string_type(loc_of(root, field.name)));
        return;
      }
      if (auto s = check_string(field, value.get_string(), root, issues)) {
        out[field.name] = json::string(*s);
      }
      return;
    case Type::kInt: {
      std::int64_t number = 0;
      if (value.is_int64()) {
        number = value.get_int64();
      } else if (value.is_uint64()) {
        if (value.get_uint64() >
            static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
          issues.push_back(
              make("int_type", loc_of(root, field.name), "Input should be a valid integer"));
          return;
        }
        number = static_cast<std::int64_t>(value.get_uint64());
      } else if (value.is_double()) {
        double d = value.get_double();
        if (std::floor(d) != d) {
          issues.push_back(
              make("int_from_float", loc_of(root, field.name),
                   "Input should be a valid integer, got a number with a fractional part"));
          return;
        }
        if (std::fabs(d) > 9.2e18) {
          issues.push_back(
              make("int_type", loc_of(root, field.name), "Input should be a valid integer"));
          return;
        }
        number = static_cast<std::int64_t>(d);
      } else {
        issues.push_back(
            make("int_type", loc_of(root, field.name), "Input should be a valid integer"));
        return;
      }
      if (check_bounds(field, static_cast<double>(number), root, issues)) out[field.name] = number;
      return;
    }
    case Type::kBool:
      if (!value.is_bool()) {
        issues.push_back(
            make("bool_type", loc_of(root, field.name), "Input should be a valid boolean"));
        return;
      }
      out[field.name] = value.get_bool();
      return;
    case Type::kNumber: {
      if (!value.is_number()) {
        issues.push_back(
            make("float_type", loc_of(root, field.name), "Input should be a valid number"));
        return;
      }
      double d = value.to_number<double>();
      if (check_bounds(field, d, root, issues)) out[field.name] = d;
      return;
    }
    case Type::kDecimal:
      // As pydantic-core: a JSON float is read as its shortest decimal text.
      if (value.is_string()) {
        check_decimal(field, parse_decimal(value.get_string()), root, out, issues);
      } else if (value.is_int64()) {
        check_decimal(field, parse_decimal(std::to_string(value.get_int64())), root, out, issues);
      } else if (value.is_uint64()) {
        check_decimal(field, parse_decimal(std::to_string(value.get_uint64())), root, out, issues);
      } else if (value.is_double()) {
        check_decimal(field, parse_decimal(shortest(value.get_double())), root, out, issues);
      } else {
        issues.push_back(
            make("decimal_type", loc_of(root, field.name),
                 "Decimal input should be an integer, float, string or Decimal object"));
      }
      return;
    case Type::kEnum:
      check_enum(field, &value, {}, root, out, issues);
      return;
    case Type::kDateTime:
      check_datetime_json(field, value, root, out, issues);
      return;
  }
}

// One text value (query, path or form) against its field.
void check_text(const Field& field, std::string_view text, std::string_view root, json::object& out,
                Issues& issues) {
  switch (field.type) {
    case Type::kString:
      if (auto s = check_string(field, text, root, issues)) out[field.name] = json::string(*s);
      return;
    case Type::kInt: {
      auto number = parse_int(text);
      if (!number) {
        issues.push_back(int_parsing(loc_of(root, field.name)));
        return;
      }
      if (check_bounds(field, static_cast<double>(*number), root, issues))
        out[field.name] = *number;
      return;
    }
    case Type::kBool: {
      std::string lower(trim(text));
      std::transform(lower.begin(), lower.end(), lower.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      static const std::set<std::string> yes{"1", "on", "t", "true", "y", "yes"};
      static const std::set<std::string> no{"0", "off", "f", "false", "n", "no"};
      if (yes.count(lower)) {
        out[field.name] = true;
      } else if (no.count(lower)) {
        out[field.name] = false;
      } else {
        issues.push_back(make("bool_parsing", loc_of(root, field.name),
                              "Input should be a valid boolean, unable to interpret input"));
      }
      return;
    }
    case Type::kNumber: {
      auto t = trim(text);
      double d = 0;
      auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), d);
      if (t.empty() || ec != std::errc() || end != t.data() + t.size() || !std::isfinite(d)) {
        issues.push_back(
            make("float_parsing", loc_of(root, field.name),
                 "Input should be a valid number, unable to parse string as a number"));
        return;
      }
      if (check_bounds(field, d, root, issues)) out[field.name] = d;
      return;
    }
    case Type::kDecimal:
      check_decimal(field, parse_decimal(text), root, out, issues);
      return;
    case Type::kEnum:
      check_enum(field, nullptr, text, root, out, issues);
      return;
    case Type::kDateTime:
      check_datetime_text(field, text, root, out, issues);
      return;
  }
}

Outcome body_issue(Issue issue) {
  Outcome outcome;
  outcome.issues.push_back(std::move(issue));
  return outcome;
}

}  // namespace

bool is_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t extra = 0;
    std::uint32_t code = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if (c >= 0xC2 && c <= 0xDF) {
      extra = 1, code = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      extra = 2, code = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      extra = 3, code = c & 0x07;
    } else {
      return false;  // a continuation byte first, an overlong lead (C0, C1) or beyond F4
    }
    if (i + extra >= text.size()) return false;  // truncated
    for (std::size_t k = 1; k <= extra; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      code = (code << 6) | (next & 0x3F);
    }
    // Overlong forms, UTF-16 surrogates and code points past U+10FFFF.
    if ((extra == 2 && code < 0x800) || (extra == 3 && (code < 0x10000 || code > 0x10FFFF)) ||
        (code >= 0xD800 && code <= 0xDFFF)) {
      return false;
    }
    i += extra + 1;
  }
  return true;
}

bool Values::is_null(std::string_view name) const {
  auto it = values_.find(name);
  return it != values_.end() && it->value().is_null();
}

std::optional<std::string> Values::string(std::string_view name) const {
  auto it = values_.find(name);
  if (it == values_.end() || !it->value().is_string()) return std::nullopt;
  return std::string(it->value().get_string());
}

std::optional<std::int64_t> Values::integer(std::string_view name) const {
  auto it = values_.find(name);
  if (it == values_.end() || !it->value().is_int64()) return std::nullopt;
  return it->value().get_int64();
}

std::optional<bool> Values::boolean(std::string_view name) const {
  auto it = values_.find(name);
  if (it == values_.end() || !it->value().is_bool()) return std::nullopt;
  return it->value().get_bool();
}

std::optional<double> Values::number(std::string_view name) const {
  auto it = values_.find(name);
  if (it == values_.end() || !it->value().is_number()) return std::nullopt;
  return it->value().to_number<double>();
}

std::optional<std::string> Values::decimal(std::string_view name) const { return string(name); }

std::optional<DateTime> Values::datetime(std::string_view name) const {
  auto text = string(name);
  if (!text) return std::nullopt;
  Moment m;
  if (!parse_rfc3339(*text, m).empty()) return std::nullopt;
  return to_time(m);
}

Issue missing(json::array loc) { return make("missing", std::move(loc), "Field required"); }
Issue string_type(json::array loc) {
  return make("string_type", std::move(loc), "Input should be a valid string");
}
Issue int_parsing(json::array loc) {
  return make("int_parsing", std::move(loc),
              "Input should be a valid integer, unable to parse string as an integer");
}

Outcome validate_object(const json::object& object, Schema schema, std::string_view root) {
  Outcome outcome;
  for (const auto& field : schema) {
    auto it = object.find(field.name);
    if (it == object.end()) {
      if (field.required) outcome.issues.push_back(missing(loc_of(root, field.name)));
      continue;
    }
    if (it->value().is_null() && field.accepts_null()) {
      outcome.values.raw()[field.name] = nullptr;
      continue;
    }
    check_json(field, it->value(), root, outcome.values.raw(), outcome.issues);
  }
  return outcome;
}

Outcome validate_json_body(const http::Request& request, Schema schema) {
  if (request.body.empty()) return body_issue(missing(json::array{"body"}));
  auto content_type = request.header("Content-Type");
  if (!content_type.empty() && !http::is_json(content_type)) {
    return body_issue(make("model_attributes_type", json::array{"body"},
                           "Input should be a valid dictionary or object to extract fields from"));
  }
  auto parsed = http::parse_json(request.body);
  if (!parsed.value) {
    return body_issue(make("json_invalid",
                           json::array{"body", static_cast<std::int64_t>(parsed.error_offset)},
                           "JSON decode error"));
  }
  if (!parsed.value->is_object()) {
    return body_issue(make("model_attributes_type", json::array{"body"},
                           "Input should be a valid dictionary or object to extract fields from"));
  }
  return validate_object(parsed.value->get_object(), schema, "body");
}

Outcome validate_form(const http::ParamList& form, Schema schema) {
  Outcome outcome;
  for (const auto& field : schema) {
    auto text = form.get(field.name);
    if (!text || text->empty()) {
      if (field.required) outcome.issues.push_back(missing(loc_of("body", field.name)));
      continue;
    }
    check_text(field, *text, "body", outcome.values.raw(), outcome.issues);
  }
  return outcome;
}

Outcome validate_params(const http::ParamList& params, Schema schema, std::string_view root) {
  Outcome outcome;
  for (const auto& field : schema) {
    auto text = params.get(field.name);
    if (!text) {
      if (field.required) {
        outcome.issues.push_back(missing(loc_of(root, field.name)));
      } else if (field.default_int) {
        outcome.values.raw()[field.name] = *field.default_int;
      }
      continue;
    }
    check_text(field, *text, root, outcome.values.raw(), outcome.issues);
  }
  return outcome;
}

std::optional<std::int64_t> parse_int(std::string_view text) {
  text = trim(text);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty()) return std::nullopt;
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<std::string> email_problem(std::string_view text) {
  auto at = text.rfind('@');
  if (at == std::string_view::npos) return "An email address must have an @-sign.";
  auto local = text.substr(0, at);
  auto domain = text.substr(at + 1);
  if (local.empty()) return "There must be something before the @-sign.";
  if (domain.empty()) return "There must be something after the @-sign.";

  static constexpr std::string_view kAtext = "!#$%&'*+-/=?^_`{|}~.";
  std::set<char> bad;
  for (char c : local) {
    auto u = static_cast<unsigned char>(c);
    if (u >= 0x80 || std::isalnum(u) || kAtext.find(c) != std::string_view::npos) continue;
    bad.insert(c);
  }
  auto list = [](const std::set<char>& chars) {
    std::string out;
    for (char c : chars) {
      if (!out.empty()) out += ", ";
      out += '\'';
      out += c;
      out += '\'';
    }
    return out;
  };
  if (!bad.empty()) {
    return "The email address contains invalid characters before the @-sign: " + list(bad) + ".";
  }
  if (local.front() == '.') return "An email address cannot start with a period.";
  if (local.back() == '.')
    return "An email address cannot have a period immediately before the @-sign.";
  if (local.find("..") != std::string_view::npos)
    return "An email address cannot have two periods in a row.";
  if (local.size() > 64) {
    return "The email address is too long before the @-sign (" + std::to_string(local.size() - 64) +
           " character" + (local.size() - 64 == 1 ? "" : "s") + " too many).";
  }

  for (char c : domain) {
    auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '.') continue;
    bad.insert(c);
  }
  if (!bad.empty())
    return "The part after the @-sign contains invalid characters: " + list(bad) + ".";
  if (domain.front() == '.')
    return "An email address cannot have a period immediately after the @-sign.";
  if (domain.back() == '.') return "An email address cannot end with a period.";
  if (domain.find("..") != std::string_view::npos)
    return "An email address cannot have two periods in a row.";
  auto dot = domain.rfind('.');
  if (dot == std::string_view::npos)
    return "The part after the @-sign is not valid. It should have a period.";
  std::size_t start = 0;
  while (start <= domain.size()) {
    auto end = domain.find('.', start);
    auto label =
        domain.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (label.front() == '-' || label.back() == '-') {
      return "The part after the @-sign contains invalid characters (Label must not start or end "
             "with a hyphen.).";
    }
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  auto tld = domain.substr(dot + 1);
  if (std::all_of(tld.begin(), tld.end(), [](unsigned char c) { return std::isdigit(c); }) ||
      tld.size() < 2) {
    return "The part after the @-sign is not valid. It is not within a valid top-level domain.";
  }
  return std::nullopt;
}

}  // namespace fleet::gateway::validation
