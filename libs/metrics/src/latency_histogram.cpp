#include "fleet/metrics/latency_histogram.h"

#include <algorithm>
#include <cstdio>

namespace fleet::metrics {

void LatencyHistogram::observe(std::chrono::steady_clock::duration elapsed) {
  const double taken = std::chrono::duration<double>(elapsed).count();
  const auto bucket = static_cast<std::size_t>(
      std::lower_bound(kBuckets.begin(), kBuckets.end(), taken) - kBuckets.begin());
  buckets_[bucket].fetch_add(1, std::memory_order_relaxed);
  sum_micros_.fetch_add(static_cast<std::uint64_t>(
                            std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count()),
                        std::memory_order_relaxed);
}

std::uint64_t LatencyHistogram::count() const {
  std::uint64_t total = 0;
  for (const auto& bucket : buckets_) total += bucket.load();
  return total;
}

void LatencyHistogram::render(std::string& out, std::string_view name,
                              std::string_view labels) const {
  std::array<std::uint64_t, kBuckets.size() + 1> counts{};
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < counts.size(); ++i) total += counts[i] = buckets_[i].load();
  if (total == 0) return;
  const std::string series(name);
  const std::string with(labels);
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    cumulative += counts[i];
    char le[32];
    if (i < kBuckets.size()) {
      std::snprintf(le, sizeof le, "%g", kBuckets[i]);
    } else {
      std::snprintf(le, sizeof le, "+Inf");
    }
    out += series + "_bucket{" + with + ",le=\"" + le + "\"} " + std::to_string(cumulative) + "\n";
  }
  char sum[32];
  std::snprintf(sum, sizeof sum, "%.6f", static_cast<double>(sum_micros_.load()) / 1e6);
  out += series + "_sum{" + with + "} " + sum + "\n";
  out += series + "_count{" + with + "} " + std::to_string(cumulative) + "\n";
}

}  // namespace fleet::metrics
