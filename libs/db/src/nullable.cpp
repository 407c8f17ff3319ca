#include "fleet/db/nullable.h"

namespace fleet::db {

std::optional<std::int64_t> opt_i64(const Row& row, std::size_t i) {
  if (row.is_null(i)) return std::nullopt;
  return row.i64(i);
}

std::optional<std::chrono::system_clock::time_point> opt_time(const Row& row, std::size_t i) {
  if (row.is_null(i)) return std::nullopt;
  return parse_datetime(row.str(i));
}

}  // namespace fleet::db
