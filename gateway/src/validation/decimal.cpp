// Decimals as pydantic v2 validates them, exactly: no binary floating point.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "validation/checks.h"

namespace fleet::gateway::validation::detail {
namespace json = boost::json;
namespace {

// A decimal as Python's Decimal.as_tuple() sees it: sign, coefficient digits (no leading zeros;
// "0" for zero) and exponent.
struct Dec {
  bool negative = false;
  std::string digits = "0";
  std::int64_t exponent = 0;
  bool finite = true;  // false for NaN and Infinity (which pydantic refuses: finite_number)
};

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

}  // namespace

void check_decimal_json(const Field& field, const json::value& value, std::string_view root,
                        json::object& out, Issues& issues) {
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
    issues.push_back(make("decimal_type", loc_of(root, field.name),
                          "Decimal input should be an integer, float, string or Decimal object"));
  }
}

void check_decimal_text(const Field& field, std::string_view text, std::string_view root,
                        json::object& out, Issues& issues) {
  check_decimal(field, parse_decimal(text), root, out, issues);
}

}  // namespace fleet::gateway::validation::detail
