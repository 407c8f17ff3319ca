#include "realtime/device_state.h"

#include "render/json_writer.h"
#include "render/time.h"

namespace fleet::gateway::realtime {

DeviceState DeviceState::from(const dspb::Device& device) {
  DeviceState state;
  state.version = device.version();
  state.running = device.running();
  if (!state.running) return state;
  if (device.has_user_id()) state.user_id = device.user_id();
  if (device.has_end_time()) {
    const auto& t = device.end_time();
    state.end_time = TimePoint(std::chrono::duration_cast<TimePoint::duration>(
        std::chrono::seconds(t.seconds()) + std::chrono::nanoseconds(t.nanos())));
  }
  return state;
}

std::int64_t DeviceState::seconds_left(TimePoint now) const {
  if (!running_at(now)) return 0;
  // Rounded up: a running device counts down to 1, and 0 always means idle (PLATFORM.md).
  return std::chrono::ceil<std::chrono::seconds>(*end_time - now).count();
}

std::string timeleft_message(std::int64_t device_id, const DeviceState& state, TimePoint now) {
  const bool running = state.running_at(now);
  render::JsonWriter out;
  out.begin_object();
  out.key("device_id").integer(device_id);
  out.key("time_left").integer(state.seconds_left(now));
  out.key("status").string(running ? "running" : "idle");
  out.key("user_id");
  if (running && state.user_id) {
    out.integer(*state.user_id);
  } else {
    out.null();
  }
  out.end_object();
  return out.take();
}

std::string status_message(std::int64_t device_id, const DeviceState& state) {
  render::JsonWriter out;
  out.begin_object();
  out.key("device_id").integer(device_id);
  out.key("running").boolean(state.running);
  if (state.running && state.end_time) {
    auto since_epoch = state.end_time->time_since_epoch();
    auto seconds = std::chrono::floor<std::chrono::seconds>(since_epoch);
    auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(since_epoch - seconds);
    out.key("end_time")
        .string(render::format_time(seconds.count(), static_cast<std::int32_t>(nanos.count()),
                                    render::TimeStyle::kSecondsZ));
  }
  out.end_object();
  return out.take();
}

}  // namespace fleet::gateway::realtime
