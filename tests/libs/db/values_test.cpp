#include <catch2/catch.hpp>

#include "fleet/db/db.h"

using namespace std::chrono;
using fleet::db::format_datetime;
using fleet::db::parse_datetime;

TEST_CASE("datetimes round trip with microseconds, in UTC", "[db][datetime]") {
  const auto t = sys_days{2025y / January / 10} + 10h + 0min + 5s + 123456us;
  CHECK(format_datetime(t) == "2025-01-10 10:00:05.123456");
  CHECK(parse_datetime("2025-01-10 10:00:05.123456") == t);
  CHECK(parse_datetime("2025-01-10T10:00:05.123456") == t);
  CHECK(parse_datetime("2025-01-10 10:00:05") == sys_days{2025y / January / 10} + 10h + 5s);
  CHECK(parse_datetime("2025-01-10 10:00:05.5") == sys_days{2025y / January / 10} + 10h + 5500ms);
  CHECK(format_datetime(sys_days{1970y / January / 1}) == "1970-01-01 00:00:00.000000");
}

TEST_CASE("malformed datetimes are rejected", "[db][datetime]") {
  for (const char* text :
       {"", "2025-01-10", "2025-13-10 10:00:00", "2025-01-10 10:00:00.",
        "2025-01-10 10:00:00.1234567", "2025/01/10 10:00:00", "2025-01-10 10:0a:00"}) {
    INFO(text);
    CHECK_THROWS_AS(parse_datetime(text), fleet::db::Error);
  }
}

TEST_CASE("a row gives text, integers and NULLs", "[db][row]") {
  fleet::db::Row row({std::string("42"), std::nullopt, std::string("x1"), std::string("0")});
  CHECK(row.size() == 4);
  CHECK(row.i64(0) == 42);
  CHECK(row.str(0) == "42");
  CHECK(row.is_null(1));
  CHECK_FALSE(row.opt(1).has_value());
  CHECK_THROWS_AS(row.str(1), fleet::db::Error);
  CHECK_THROWS_AS(row.i64(2), fleet::db::Error);
  CHECK_FALSE(row.boolean(3));
}
