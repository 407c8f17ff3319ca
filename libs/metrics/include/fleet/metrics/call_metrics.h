#pragma once
// Calls by two labels (e.g. service and method) and gRPC status code, with a latency histogram
// per label pair, for /metrics. A pair is added the first time it is seen; after that, counting
// takes a shared lock and atomic increments. The gateway counts its upstream calls with one, and
// every service its own RPCs.
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>

#include "fleet/metrics/latency_histogram.h"

namespace fleet::metrics {

// The Prometheus name of gRPC status code `code` (0 OK .. 16 UNAUTHENTICATED; others UNKNOWN).
std::string_view grpc_code_name(int code);

class CallMetrics {
 public:
  struct Names {
    std::string_view calls;          // counter, e.g. fleetgate_upstream_calls_total
    std::string_view calls_help;
    std::string_view duration;       // histogram, e.g. fleetgate_upstream_call_duration_seconds
    std::string_view duration_help;
    std::string_view first_label;    // e.g. service
    std::string_view second_label;   // e.g. method
  };
  explicit CallMetrics(const Names& names);

  // One finished call. The label values must come from the code (service lists, proto
  // descriptors), never from a client, so that the set of series stays small.
  void observe(std::string_view first, std::string_view second, int code,
               std::chrono::steady_clock::duration elapsed);

  std::uint64_t calls(std::string_view first, std::string_view second, int code) const;

  // The counter and the histogram in Prometheus text format.
  std::string render() const;

 private:
  static constexpr int kCodes = 17;
  struct Pair {
    std::string labels;  // first="…",second="…"
    std::array<std::atomic<std::uint64_t>, kCodes> codes{};
    LatencyHistogram latency;
  };
  Pair* find(std::string_view first, std::string_view second) const;

  std::string calls_, calls_help_, duration_, duration_help_, first_label_, second_label_;
  mutable std::shared_mutex mutex_;
  std::map<std::string, std::unique_ptr<Pair>, std::less<>> pairs_;  // "first/second"
};

}  // namespace fleet::metrics
