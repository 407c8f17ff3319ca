#pragma once
// Upstream gRPC calls by service, method and status code, with a latency histogram per service
// and method, for /metrics. A (service, method) pair is added the first time it is called; after
// that, counting takes a shared lock and atomic increments.
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>

#include "app/latency_histogram.h"

namespace fleet::gateway::app {

class UpstreamMetrics {
 public:
  // One finished call: `service` as in services.tsv, `method` its RPC name, `code` the gRPC
  // status code (0 OK .. 16 UNAUTHENTICATED).
  void observe(std::string_view service, std::string_view method, int code,
               std::chrono::steady_clock::duration elapsed);

  std::uint64_t calls(std::string_view service, std::string_view method, int code) const;

  // fleetgate_upstream_calls_total and fleetgate_upstream_call_duration_seconds.
  std::string render() const;

 private:
  static constexpr int kCodes = 17;
  struct Method {
    std::string labels;  // service="…",method="…"
    std::array<std::atomic<std::uint64_t>, kCodes> codes{};
    LatencyHistogram latency;
  };
  Method* find(std::string_view service, std::string_view method) const;

  mutable std::shared_mutex mutex_;
  std::map<std::string, std::unique_ptr<Method>, std::less<>> methods_;  // "service/method"
};

}  // namespace fleet::gateway::app
