#include "fleet/db/nullable.h"

#include <catch2/catch.hpp>

using namespace std::chrono;
using fleet::db::nullable;
using fleet::db::Param;
using fleet::db::Row;

TEST_CASE("absent values become NULL parameters, present ones their value", "[db][nullable]") {
  CHECK(std::holds_alternative<std::nullptr_t>(nullable(std::optional<std::string>{})));
  CHECK(std::holds_alternative<std::nullptr_t>(nullable(std::optional<std::int64_t>{})));
  CHECK(std::get<std::string>(nullable(std::optional<std::string>{"x"})) == "x");
  CHECK(std::get<std::string>(nullable(std::optional<std::string>{""})).empty());
  CHECK(std::get<std::int64_t>(nullable(std::optional<std::int64_t>{7})) == 7);
  CHECK(std::get<std::int64_t>(nullable(std::optional<std::int64_t>{0})) == 0);
}

TEST_CASE("NULL columns read as nullopt, others as their value", "[db][nullable]") {
  const Row row({std::nullopt, "42", "2025-01-10 10:00:05.123456", "abc"});
  CHECK_FALSE(fleet::db::opt_i64(row, 0).has_value());
  CHECK_FALSE(fleet::db::opt_time(row, 0).has_value());
  CHECK(fleet::db::opt_i64(row, 1) == 42);
  CHECK(fleet::db::opt_time(row, 2) == sys_days{2025y / January / 10} + 10h + 5s + 123456us);
  CHECK_THROWS_AS(fleet::db::opt_i64(row, 3), fleet::db::Error);
  CHECK_THROWS_AS(fleet::db::opt_time(row, 3), fleet::db::Error);
  CHECK_THROWS(fleet::db::opt_i64(row, 4));  // no such column
}
