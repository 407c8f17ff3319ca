#pragma once
// A device's session state as the countdown sockets show it, and their two messages. Ticks are
// derived from the authoritative end_time and the gateway's clock, never counted.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "device_session/v1/device_session.pb.h"
#include "fleet/common/clock.h"

namespace fleet::gateway::realtime {

namespace dspb = ::fleetgate::device_session::v1;
using TimePoint = Clock::time_point;

struct DeviceState {
  bool running = false;
  std::optional<std::int64_t> user_id;
  std::optional<TimePoint> end_time;
  // The device's version (one per start, stop or expiry): a state older than the one shown is
  // stale, e.g. a stream event behind a write's own reply.
  std::int64_t version = 0;

  static DeviceState from(const dspb::Device& device);
  bool operator==(const DeviceState&) const = default;

  // A session past its end_time has ended, even before the service's expiry event arrives.
  bool running_at(TimePoint now) const { return running && end_time && now < *end_time; }
  // Whole seconds left (rounded down), 0 when idle.
  std::int64_t seconds_left(TimePoint now) const;
};

// /device/ws/timeleft: {"device_id","time_left":int,"status":"running"|"idle","user_id":int|null}
std::string timeleft_message(std::int64_t device_id, const DeviceState& state, TimePoint now);
// /device/ws/status: {"device_id","running":bool} plus "end_time" while running.
std::string status_message(std::int64_t device_id, const DeviceState& state);

}  // namespace fleet::gateway::realtime
