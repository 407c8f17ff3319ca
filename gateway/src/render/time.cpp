#include "render/time.h"

#include <cstdio>
#include <ctime>

namespace fleet::gateway::render {

TimeStyle time_style(Surface surface) {
  switch (surface) {
    case Surface::kRepair:
      return TimeStyle::kNaive;
    case Surface::kPisync:
      return TimeStyle::kMillisZ;
    default:
      return TimeStyle::kSecondsZ;
  }
}

std::string format_time(std::int64_t seconds, std::int32_t nanos, TimeStyle style) {
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[64];
  int n = std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900,
                        tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  std::string out(buffer, static_cast<std::size_t>(n));
  switch (style) {
    case TimeStyle::kSecondsZ:
      out += 'Z';
      break;
    case TimeStyle::kNaive:
      break;
    case TimeStyle::kMillisZ: {
      int millis = nanos > 0 ? nanos / 1'000'000 : 0;
      std::snprintf(buffer, sizeof buffer, ".%03dZ", millis);
      out += buffer;
      break;
    }
  }
  return out;
}

}  // namespace fleet::gateway::render
