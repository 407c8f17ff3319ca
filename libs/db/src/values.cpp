#include <charconv>
#include <cstdio>

#include "fleet/db/db.h"

namespace fleet::db {
namespace {

// Reads exactly `digits` decimal digits at text[pos].
int digits_at(std::string_view text, std::size_t pos, std::size_t digits) {
  int value = 0;
  if (pos + digits > text.size()) throw Error(0, "malformed datetime: " + std::string(text));
  auto [end, ec] = std::from_chars(text.data() + pos, text.data() + pos + digits, value);
  if (ec != std::errc() || end != text.data() + pos + digits) {
    throw Error(0, "malformed datetime: " + std::string(text));
  }
  return value;
}

}  // namespace

const std::string& Row::str(std::size_t i) const {
  const auto& column = columns_.at(i);
  if (!column) throw Error(0, "column " + std::to_string(i) + " is NULL");
  return *column;
}

std::int64_t Row::i64(std::size_t i) const {
  const std::string& text = str(i);
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    throw Error(0, "column " + std::to_string(i) + " is not an integer");
  }
  return value;
}

std::chrono::system_clock::time_point parse_datetime(std::string_view text) {
  using namespace std::chrono;
  // "YYYY-MM-DD HH:MM:SS" with an optional fraction of up to 6 digits ('T' accepted too).
  if (text.size() < 19 || text[4] != '-' || text[7] != '-' ||
      (text[10] != ' ' && text[10] != 'T') || text[13] != ':' || text[16] != ':') {
    throw Error(0, "malformed datetime: " + std::string(text));
  }
  const year_month_day date{year{digits_at(text, 0, 4)},
                            month{static_cast<unsigned>(digits_at(text, 5, 2))},
                            day{static_cast<unsigned>(digits_at(text, 8, 2))}};
  if (!date.ok()) throw Error(0, "malformed datetime: " + std::string(text));
  auto t = sys_days{date} + hours{digits_at(text, 11, 2)} + minutes{digits_at(text, 14, 2)} +
           seconds{digits_at(text, 17, 2)};
  microseconds fraction{0};
  if (text.size() > 19) {
    const std::size_t digits = text.size() - 20;
    if (text[19] != '.' || digits == 0 || digits > 6) {
      throw Error(0, "malformed datetime: " + std::string(text));
    }
    int value = digits_at(text, 20, digits);
    for (std::size_t i = digits; i < 6; ++i) value *= 10;
    fraction = microseconds{value};
  }
  return time_point_cast<system_clock::duration>(t + fraction);
}

std::string format_datetime(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  const auto micros = floor<microseconds>(t);
  const auto days = floor<std::chrono::days>(micros);
  const year_month_day date{days};
  const hh_mm_ss time{micros - days};
  char out[64];
  std::snprintf(out, sizeof out, "%04d-%02u-%02u %02d:%02d:%02d.%06lld", int(date.year()),
                unsigned(date.month()), unsigned(date.day()), int(time.hours().count()),
                int(time.minutes().count()), int(time.seconds().count()),
                static_cast<long long>(time.subseconds().count()));
  return out;
}

}  // namespace fleet::db
