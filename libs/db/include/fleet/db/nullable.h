#pragma once
// Nullable columns: std::optional values to NULL-able statement parameters, and NULL-able result
// columns to std::optional. (Row::opt(i) already gives a nullable text column.)
#include <chrono>
#include <concepts>
#include <cstdint>
#include <optional>
#include <string>

#include "fleet/db/db.h"

namespace fleet::db {

// The value, or NULL when absent. T is std::string, std::int64_t or double (what Param holds).
template <class T>
requires std::constructible_from<Param, T> Param nullable(const std::optional<T>& value) {
  if (value) return Param(*value);
  return Param(nullptr);
}

// Column i as an integer, nullopt when NULL; throws Error when it is not an integer.
std::optional<std::int64_t> opt_i64(const Row& row, std::size_t i);
// Column i as a DATETIME(6) in UTC (parse_datetime), nullopt when NULL.
std::optional<std::chrono::system_clock::time_point> opt_time(const Row& row, std::size_t i);

}  // namespace fleet::db
