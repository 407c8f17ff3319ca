#include "fleet/common/clock.h"

#include <cmath>
#include <cstdlib>
#include <fstream>

namespace fleet {

Clock::time_point OffsetFileClock::now() const {
  const auto steady = std::chrono::steady_clock::now();
  std::chrono::microseconds offset;
  {
    std::lock_guard lock(mutex_);
    if (steady >= next_read_) {
      double seconds = 0;
      std::ifstream file(path_);
      if (!(file >> seconds) || !std::isfinite(seconds)) seconds = 0;
      offset_ = std::chrono::microseconds(static_cast<std::int64_t>(seconds * 1e6));
      next_read_ = steady + std::chrono::milliseconds(100);
    }
    offset = offset_;
  }
  return std::chrono::system_clock::now() + offset;
}

std::unique_ptr<Clock> clock_from_env() {
  const char* path = std::getenv("FLEETGATE_CLOCK_OFFSET_FILE");
  if (path != nullptr && *path != '\0') return std::make_unique<OffsetFileClock>(path);
  return std::make_unique<SystemClock>();
}

}  // namespace fleet
