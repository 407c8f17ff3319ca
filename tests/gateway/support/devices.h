#pragma once
// Device messages as device-session sends them, for the tests' canned replies and streams.
#include <chrono>
#include <cstdint>
#include <string>

#include "device_session/v1/device_session.pb.h"

namespace fleet::gateway::testing {

// An idle device.
inline ::fleetgate::device_session::v1::Device device(std::int64_t id,
                                                      std::string name = "Washer 1",
                                                      std::string type = "washer",
                                                      std::string hourly_cost = "1.20") {
  ::fleetgate::device_session::v1::Device d;
  d.set_id(id);
  d.set_name(std::move(name));
  d.set_type(std::move(type));
  d.set_hourly_cost(std::move(hourly_cost));
  return d;
}

// `d` running for `user` until `end` (to the nanosecond), with the service's `time_left`.
inline ::fleetgate::device_session::v1::Device running(
    ::fleetgate::device_session::v1::Device d, std::int64_t user,
    std::chrono::system_clock::time_point end, double time_left) {
  const auto ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(end.time_since_epoch()).count();
  d.set_running(true);
  d.set_user_id(user);
  d.mutable_end_time()->set_seconds(ns / 1'000'000'000);
  d.mutable_end_time()->set_nanos(static_cast<std::int32_t>(ns % 1'000'000'000));
  d.set_time_left(time_left);
  return d;
}

// Washer "A" (1.50/h): idle, or running for user 7 until 2025-01-10T10:00:00.250Z with
// 3599.75 s left.
inline ::fleetgate::device_session::v1::Device sample_washer(bool is_running) {
  auto d = device(1, "Washer \"A\"", "washer", "1.50");
  if (!is_running) return d;
  const std::chrono::system_clock::time_point end{std::chrono::milliseconds(1736503200250)};
  return running(d, 7, end, 3599.75);
}

}  // namespace fleet::gateway::testing
