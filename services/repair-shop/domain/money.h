#pragma once
// Exact money in integer cents. Amounts cross every boundary (proto, SQL) as decimal text with
// two places; arithmetic never touches binary floating point.
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fleet::repair_shop {

class Money {
 public:
  // The columns are DECIMAL(12,2): at most 9,999,999,999.99.
  static constexpr std::int64_t kMaxCents = 999'999'999'999;

  constexpr Money() = default;
  static constexpr Money cents(std::int64_t value) { return Money(value); }

  // "12.34", "12.3", "12" (and a leading '-' when allow_negative). Rejects more than two
  // decimals, a bare or trailing '.', '+', spaces, exponents, and magnitudes above kMaxCents.
  static std::optional<Money> parse(std::string_view text, bool allow_negative = false);
  // parse() that throws std::invalid_argument: for values read back from the database.
  static Money from_db(std::string_view text);

  constexpr std::int64_t in_cents() const { return cents_; }
  // Two places, '-' for negatives: "0.00", "275.00", "-1.13".
  std::string str() const;

  constexpr Money operator+(Money o) const { return Money(cents_ + o.cents_); }
  constexpr Money operator-(Money o) const { return Money(cents_ - o.cents_); }
  constexpr auto operator<=>(const Money&) const = default;

 private:
  constexpr explicit Money(std::int64_t cents) : cents_(cents) {}
  std::int64_t cents_ = 0;
};

}  // namespace fleet::repair_shop
