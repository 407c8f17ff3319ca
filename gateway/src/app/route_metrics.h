#pragma once
// Requests per route template (not raw path: /user/{user_id}, never /user/7), method and status,
// and a latency histogram per route, for /metrics. Routes are registered once at start; counting
// is lock-free from any thread.
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>

#include "fleet/metrics/latency_histogram.h"

namespace fleet::gateway::app {

class RouteMetrics {
 public:
  // Registers a route (before any request); returns its id for observe().
  std::size_t add(std::string_view surface, std::string_view method, std::string_view route);

  // One response of route `id`, `elapsed` after its request was read.
  void observe(std::size_t id, int status, std::chrono::steady_clock::duration elapsed);

  std::uint64_t requests(std::size_t id, int status) const;
  std::uint64_t count(std::size_t id) const;  // all statuses

  // fleetgate_route_requests_total and fleetgate_route_duration_seconds, in Prometheus text.
  std::string render() const;

 private:
  static constexpr int kMinStatus = 100, kMaxStatus = 599;
  struct Route {
    std::string labels;  // surface="…",method="…",route="…"
    std::array<std::atomic<std::uint64_t>, kMaxStatus - kMinStatus + 1> statuses{};
    metrics::LatencyHistogram latency;
  };
  std::deque<Route> routes_;  // a deque: registering never moves a Route (atomics don't move)
};

}  // namespace fleet::gateway::app
