#include <catch2/catch.hpp>
#include <unistd.h>

#include "fleet/common/clock.h"

TEST_CASE("a manual clock moves only when told", "[clock]") {
  fleet::ManualClock clock;
  auto start = clock.now();
  CHECK(clock.now() == start);
  clock.advance(std::chrono::seconds(90));
  CHECK(clock.now() - start == std::chrono::seconds(90));
  clock.set(start);
  CHECK(clock.now() == start);
}

#include <cstdio>
#include <fstream>
#include <thread>

TEST_CASE("an offset file shifts the clock and is re-read", "[clock]") {
  const std::string path = "/tmp/fleet_clock_test_" + std::to_string(::getpid());
  {
    std::ofstream(path) << "3600";
  }
  fleet::OffsetFileClock clock(path);
  auto shifted = clock.now() - std::chrono::system_clock::now();
  CHECK(shifted > std::chrono::seconds(3599));
  CHECK(shifted < std::chrono::seconds(3601));

  std::ofstream(path) << "0";
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  shifted = clock.now() - std::chrono::system_clock::now();
  CHECK(shifted < std::chrono::seconds(1));

  std::remove(path.c_str());
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  shifted = clock.now() - std::chrono::system_clock::now();
  CHECK(shifted < std::chrono::seconds(1));
}
