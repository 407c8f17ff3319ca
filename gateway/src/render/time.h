#pragma once
// UTC timestamps as each surface's document shows them.
#include <cstdint>
#include <string>

#include "router/surface.h"

namespace fleet::gateway::render {

enum class TimeStyle {
  kSecondsZ,  // 2025-01-10T10:00:00Z       (rental, users-v1, streetlight)
  kNaive,     // 2025-01-10T10:00:00        (repair)
  kMillisZ,   // 2025-01-10T10:00:00.000Z   (pisync)
};

TimeStyle time_style(Surface surface);

// seconds/nanos since the Unix epoch, as in google.protobuf.Timestamp.
std::string format_time(std::int64_t seconds, std::int32_t nanos, TimeStyle style);

}  // namespace fleet::gateway::render
