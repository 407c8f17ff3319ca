#include <catch2/catch.hpp>
#include <cstdlib>

#include "fleet/common/config.h"

using namespace fleet::config;

TEST_CASE("require fails fast on a missing or empty value", "[config]") {
  ::unsetenv("FLEET_TEST_MISSING");
  CHECK_THROWS_AS(require("FLEET_TEST_MISSING"), ConfigError);
  ::setenv("FLEET_TEST_EMPTY", "", 1);
  CHECK_THROWS_AS(require("FLEET_TEST_EMPTY"), ConfigError);
  ::setenv("FLEET_TEST_SET", "value", 1);
  CHECK(require("FLEET_TEST_SET") == "value");
}

TEST_CASE("integers parse completely and respect bounds", "[config]") {
  ::unsetenv("FLEET_TEST_INT");
  CHECK(get_int("FLEET_TEST_INT", 7, 0, 10) == 7);
  ::setenv("FLEET_TEST_INT", "9", 1);
  CHECK(get_int("FLEET_TEST_INT", 7, 0, 10) == 9);
  ::setenv("FLEET_TEST_INT", "11", 1);
  CHECK_THROWS_AS(get_int("FLEET_TEST_INT", 7, 0, 10), ConfigError);
  ::setenv("FLEET_TEST_INT", "9x", 1);
  CHECK_THROWS_AS(get_int("FLEET_TEST_INT", 7, 0, 10), ConfigError);
}

TEST_CASE("decimals and booleans", "[config]") {
  ::setenv("FLEET_TEST_DBL", "0.25", 1);
  CHECK(get_double("FLEET_TEST_DBL", 0.8, 0.0, 1.0) == Approx(0.25));
  ::setenv("FLEET_TEST_DBL", "1.5", 1);
  CHECK_THROWS_AS(get_double("FLEET_TEST_DBL", 0.8, 0.0, 1.0), ConfigError);
  ::setenv("FLEET_TEST_BOOL", "on", 1);
  CHECK(get_bool("FLEET_TEST_BOOL", false));
  ::setenv("FLEET_TEST_BOOL", "OFF", 1);
  CHECK_FALSE(get_bool("FLEET_TEST_BOOL", true));
  ::setenv("FLEET_TEST_BOOL", "maybe", 1);
  CHECK_THROWS_AS(get_bool("FLEET_TEST_BOOL", true), ConfigError);
}

TEST_CASE("lists split at commas into trimmed items, empty ones kept", "[config]") {
  using Items = std::vector<std::string_view>;
  CHECK(split_list("a:1") == Items{"a:1"});
  CHECK(split_list(" a:1 ,\tb:2\n") == Items{"a:1", "b:2"});
  CHECK(split_list("a:1,,b:2,") == Items{"a:1", "", "b:2", ""});
  CHECK(split_list("") == Items{""});
  CHECK(trimmed(" \t x y \n") == "x y");
  CHECK(trimmed("   ").empty());
}
