#pragma once
// Exact money in integer cents, for every service that keeps money (device-session's wallets,
// repair-shop's orders and payments). Amounts cross every boundary (proto, SQL) as decimal text
// with two places; arithmetic never touches binary floating point.
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fleet {

class Money {
 public:
  // Money columns are DECIMAL(12,2): at most 9,999,999,999.99.
  static constexpr std::int64_t kMaxCents = 999'999'999'999;

  constexpr Money() = default;
  static constexpr Money cents(std::int64_t value) { return Money(value); }

  // "12.34", "12.3", "12" (and a leading '-' when allow_negative). Rejects more than two
  // decimals, a bare or trailing '.', signs, spaces, exponents, and magnitudes above kMaxCents.
  static std::optional<Money> parse(std::string_view text, bool allow_negative = false);
  // parse() that throws std::invalid_argument: for values read back from the database.
  static Money from_db(std::string_view text);

  // hourly × numerator / denominator, rounded half up to the cent (half away from zero);
  // e.g. cost = per_hour(rate, minutes, 60), refund = per_hour(rate, seconds, 3600).
  static Money prorate(Money rate, std::int64_t numerator, std::int64_t denominator);

  constexpr std::int64_t in_cents() const { return cents_; }
  // Two places, '-' for negatives: "0.00", "8.50", "-1.13".
  std::string str() const;

  constexpr Money operator+(Money o) const { return Money(cents_ + o.cents_); }
  constexpr Money operator-(Money o) const { return Money(cents_ - o.cents_); }
  constexpr Money operator-() const { return Money(-cents_); }
  constexpr auto operator<=>(const Money&) const = default;

 private:
  constexpr explicit Money(std::int64_t cents) : cents_(cents) {}
  std::int64_t cents_ = 0;
};

}  // namespace fleet
