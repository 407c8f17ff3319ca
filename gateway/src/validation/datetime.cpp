// Datetimes as pydantic v2 reads them (speedate, with its error texts).
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "validation/checks.h"

namespace fleet::gateway::validation::detail {
namespace json = boost::json;
namespace {

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

}  // namespace

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

std::optional<DateTime> stored_datetime(std::string_view text) {
  Moment m;
  if (!parse_rfc3339(text, m).empty()) return std::nullopt;
  return to_time(m);
}

}  // namespace fleet::gateway::validation::detail
