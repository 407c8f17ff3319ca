#pragma once
// A Prometheus latency histogram for one label set: lock-free observe() from any thread, and its
// _bucket, _sum and _count lines. Shared by the gateway's route metrics and every CallMetrics.
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace fleet::metrics {

class LatencyHistogram {
 public:
  // Upper bounds of the buckets, in seconds (+Inf is implied).
  static constexpr std::array<double, 13> kBuckets{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                   0.1,    0.25,  0.5,    1,     2.5,  5};

  void observe(std::chrono::steady_clock::duration elapsed);
  std::uint64_t count() const;

  // `name`_bucket{`labels`,le="…"}, `name`_sum and `name`_count; nothing before the first
  // observation, so that series never used stay out of /metrics.
  void render(std::string& out, std::string_view name, std::string_view labels) const;

 private:
  std::array<std::atomic<std::uint64_t>, kBuckets.size() + 1> buckets_{};  // last: +Inf
  std::atomic<std::uint64_t> sum_micros_{0};
};

}  // namespace fleet::metrics
