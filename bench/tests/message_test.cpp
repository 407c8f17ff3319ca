#include "fanout_load/message.h"

#include <catch2/catch.hpp>

using fleet::bench::check_countdown_shape;
using fleet::bench::render_countdown;
using fleet::bench::scan_countdown;

TEST_CASE("scan_countdown reads device_id and time_left wherever they are") {
  auto m = scan_countdown(R"({"time_left": 42 ,"status":"running","device_id":3,"user_id":7})");
  REQUIRE(m);
  CHECK(m->device_id == 3);
  CHECK(m->time_left == 42);
  CHECK_FALSE(scan_countdown(R"({"device_id":3,"time_left":4.5})"));
  CHECK_FALSE(scan_countdown(R"({"device_id":3})"));
  CHECK_FALSE(scan_countdown(R"({"device_id":3,"time_left":null})"));
}

TEST_CASE("check_countdown_shape follows the documented message") {
  CHECK(check_countdown_shape(render_countdown(1, 3599, true, 2)).empty());
  CHECK(check_countdown_shape(render_countdown(1, 0, false, std::nullopt)).empty());
  CHECK(
      check_countdown_shape(R"({"device_id":1,"time_left":3.5,"status":"running","user_id":1})") ==
      "time_left is not an integer");
  CHECK(check_countdown_shape(R"({"device_id":1,"time_left":3,"status":"busy","user_id":1})") ==
        "status is not \"running\" or \"idle\"");
  CHECK(check_countdown_shape(R"({"device_id":1,"time_left":3,"status":"idle"})") ==
        "user_id is not an integer or null");
  CHECK(check_countdown_shape("nope") == "not JSON");
}

TEST_CASE("render_countdown writes the four fields") {
  CHECK(render_countdown(2, 10, true, 5) ==
        R"({"device_id":2,"time_left":10,"status":"running","user_id":5})");
  CHECK(render_countdown(2, 0, false, std::nullopt) ==
        R"({"device_id":2,"time_left":0,"status":"idle","user_id":null})");
}
