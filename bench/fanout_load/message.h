#pragma once
// The countdown message of /device/ws/timeleft/{id}:
//   {"device_id":int,"time_left":int,"status":"running"|"idle","user_id":int|null}
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fleet::bench {

struct Countdown {
  std::int64_t device_id = 0;
  std::int64_t time_left = 0;
};

// Cheap extraction of the two integers, used for every message once a socket's first message
// passed check_countdown_shape: a full JSON parse per message would add client-side time to the
// very spread being measured.
std::optional<Countdown> scan_countdown(std::string_view text);

// Full check of the documented shape; empty when it holds, else what is wrong.
std::string check_countdown_shape(std::string_view text);

// The message as a server sends it (the bare broadcaster uses this).
std::string render_countdown(std::int64_t device_id, std::int64_t time_left, bool running,
                             std::optional<std::int64_t> user_id);

}  // namespace fleet::bench
