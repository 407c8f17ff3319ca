#pragma once
// The sync service's values: pisync devices, the outcome of a sync attempt, and logged attempts.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "fleet/common/clock.h"

namespace fleet::sync {

using TimePoint = Clock::time_point;

// A device and its last attempt. Never attempted: the four sync fields are all unset.
struct Device {
  std::int64_t id = 0;
  std::string name;
  std::string type;
  std::optional<TimePoint> last_sync_at;      // the last success
  std::optional<int> sync_status_code;        // of the last attempt
  std::optional<std::string> error_message;   // of the last attempt; unset after a success
  std::optional<TimePoint> last_attempt_at;

  // A device never attempted.
  static Device fresh(std::int64_t id, std::string name, std::string type) {
    Device d;
    d.id = id;
    d.name = std::move(name);
    d.type = std::move(type);
    return d;
  }
  bool operator==(const Device&) const = default;
};

// What one attempt came to: 200 and no message, or one of kFailures.
struct Outcome {
  int status_code = 200;
  std::optional<std::string_view> error_message;

  bool success() const { return status_code == 200; }
  bool operator==(const Outcome&) const = default;
};

inline constexpr int kSuccessCode = 200;

// The pisync document's failures, each drawn with equal probability when an attempt fails.
inline constexpr std::array<Outcome, 4> kFailures = {{
    {400, "Connection Timeout"},
    {400, "Authentication Failure"},
    {404, "Server Not Reachable"},
    {500, "Unknown Sync Error"},
}};

// One logged attempt.
struct Attempt {
  std::int64_t id = 0;  // 0 until stored
  std::int64_t device_id = 0;
  int status_code = kSuccessCode;
  std::optional<std::string> error_message;
  TimePoint attempted_at;
  std::optional<std::int64_t> actor_user_id;  // unset for seeded history

  bool operator==(const Attempt&) const = default;
};

// A device to create (the demo data).
struct NewDevice {
  std::int64_t id = 0;
  std::string name;
  std::string type;
};

struct SyncResult {
  Device device;    // after the attempt
  Attempt attempt;  // as logged
};

}  // namespace fleet::sync
