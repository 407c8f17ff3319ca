#include <catch2/catch.hpp>

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
