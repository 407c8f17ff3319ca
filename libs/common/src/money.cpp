#include "fleet/common/money.h"

#include <limits>
#include <stdexcept>

namespace fleet {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::optional<Money> Money::parse(std::string_view text, bool allow_negative) {
  bool negative = false;
  if (!text.empty() && text.front() == '-') {
    if (!allow_negative) return std::nullopt;
    negative = true;
    text.remove_prefix(1);
  }
  const auto dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  const std::string_view fraction = dot == std::string_view::npos ? "" : text.substr(dot + 1);
  if (whole.empty() || (dot != std::string_view::npos && fraction.empty()) || fraction.size() > 2) {
    return std::nullopt;
  }
  std::int64_t cents = 0;
  for (const char c : whole) {
    if (!is_digit(c)) return std::nullopt;
    cents = cents * 10 + (c - '0');
    if (cents > kMaxCents / 100) return std::nullopt;  // also stops overflow on long inputs
  }
  std::int64_t part = 0;
  for (std::size_t i = 0; i < 2; ++i) {
    const char c = i < fraction.size() ? fraction[i] : '0';
    if (!is_digit(c)) return std::nullopt;
    part = part * 10 + (c - '0');
  }
  cents = cents * 100 + part;
  return Money(negative ? -cents : cents);
}

Money Money::from_db(std::string_view text) {
  auto value = parse(text, true);
  if (!value) throw std::invalid_argument("not a money amount: " + std::string(text));
  return *value;
}

Money Money::prorate(Money rate, std::int64_t numerator, std::int64_t denominator) {
  if (denominator <= 0) throw std::invalid_argument("prorate: denominator must be positive");
  const std::int64_t rate_cents = rate.cents_ < 0 ? -rate.cents_ : rate.cents_;
  const std::int64_t count = numerator < 0 ? -numerator : numerator;
  // Rates are at most DECIMAL(10,2) and counts at most a day of seconds: far from the limit.
  constexpr auto kMax = std::numeric_limits<std::int64_t>::max() / 4;
  if (count != 0 && rate_cents > kMax / count) throw std::overflow_error("prorate overflows");
  const std::int64_t magnitude = rate_cents * count;
  if (magnitude > kMax - denominator) throw std::overflow_error("prorate overflows");
  const std::int64_t rounded = (2 * magnitude + denominator) / (2 * denominator);  // half up
  const bool negative = (rate.cents_ < 0) != (numerator < 0);
  return Money(negative ? -rounded : rounded);
}

std::string Money::str() const {
  const std::int64_t magnitude = cents_ < 0 ? -cents_ : cents_;
  std::string out = cents_ < 0 ? "-" : "";
  out += std::to_string(magnitude / 100);
  out += '.';
  out += static_cast<char>('0' + magnitude % 100 / 10);
  out += static_cast<char>('0' + magnitude % 10);
  return out;
}

}  // namespace fleet
