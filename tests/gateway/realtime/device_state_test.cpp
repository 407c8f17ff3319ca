// The countdown and status messages of a device's state, derived from end_time and the clock.
#include <catch2/catch.hpp>

#include "realtime/device_state.h"
#include "support/devices.h"

using namespace fleet::gateway;
namespace dspb = ::fleetgate::device_session::v1;

namespace {
constexpr std::int64_t k20250110T100000 = 1736503200;

using fleet::gateway::testing::sample_washer;

realtime::TimePoint at(std::int64_t seconds, std::int64_t millis = 0) {
  return realtime::TimePoint(std::chrono::seconds(seconds) + std::chrono::milliseconds(millis));
}
}  // namespace

TEST_CASE("countdown messages derive time_left from end_time and the clock") {
  auto state = realtime::DeviceState::from(sample_washer(true));  // ends at 10:00:00.250
  REQUIRE(state.running);
  CHECK(state.user_id == 7);
  CHECK(state.end_time == at(k20250110T100000, 250));

  // Whole seconds rounded up: a running device counts down to 1; 0 is only ever idle.
  CHECK(realtime::timeleft_message(1, state, at(k20250110T100000 - 60)) ==
        R"({"device_id":1,"time_left":61,"status":"running","user_id":7})");
  CHECK(state.seconds_left(at(k20250110T100000 - 60, 300)) == 60);
  CHECK(realtime::timeleft_message(1, state, at(k20250110T100000, 249)) ==
        R"({"device_id":1,"time_left":1,"status":"running","user_id":7})");
  // Past end_time the session is over, even before the service's expiry event.
  CHECK(realtime::timeleft_message(1, state, at(k20250110T100000, 250)) ==
        R"({"device_id":1,"time_left":0,"status":"idle","user_id":null})");
  CHECK(realtime::status_message(1, state) ==
        R"({"device_id":1,"running":true,"end_time":"2025-01-10T10:00:00Z"})");

  auto idle = realtime::DeviceState::from(sample_washer(false));
  CHECK(realtime::timeleft_message(3, idle, at(k20250110T100000)) ==
        R"({"device_id":3,"time_left":0,"status":"idle","user_id":null})");
  CHECK(realtime::status_message(3, idle) == R"({"device_id":3,"running":false})");
}
