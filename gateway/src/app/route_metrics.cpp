#include "app/route_metrics.h"

#include <algorithm>
#include <cstdio>

namespace fleet::gateway::app {
namespace {

// A label value: backslash, double quote and newline escaped, as the text format requires.
std::string escaped(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

std::string seconds(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", value);
  return text;
}

}  // namespace

std::size_t RouteMetrics::add(std::string_view surface, std::string_view method,
                              std::string_view route) {
  auto& added = routes_.emplace_back();
  added.labels = "surface=\"" + escaped(surface) + "\",method=\"" + escaped(method) +
                 "\",route=\"" + escaped(route) + "\"";
  return routes_.size() - 1;
}

void RouteMetrics::observe(std::size_t id, int status,
                           std::chrono::steady_clock::duration elapsed) {
  if (id >= routes_.size() || status < kMinStatus || status > kMaxStatus) return;
  auto& route = routes_[id];
  route.statuses[static_cast<std::size_t>(status - kMinStatus)].fetch_add(
      1, std::memory_order_relaxed);
  const double taken = std::chrono::duration<double>(elapsed).count();
  const auto bucket = static_cast<std::size_t>(
      std::lower_bound(kBuckets.begin(), kBuckets.end(), taken) - kBuckets.begin());
  route.buckets[bucket].fetch_add(1, std::memory_order_relaxed);
  route.sum_micros.fetch_add(
      static_cast<std::uint64_t>(
          std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count()),
      std::memory_order_relaxed);
}

std::uint64_t RouteMetrics::requests(std::size_t id, int status) const {
  if (id >= routes_.size() || status < kMinStatus || status > kMaxStatus) return 0;
  return routes_[id].statuses[static_cast<std::size_t>(status - kMinStatus)].load();
}

std::uint64_t RouteMetrics::count(std::size_t id) const {
  if (id >= routes_.size()) return 0;
  std::uint64_t total = 0;
  for (const auto& bucket : routes_[id].buckets) total += bucket.load();
  return total;
}

std::string RouteMetrics::render() const {
  std::string out =
      "# HELP fleetgate_route_requests_total HTTP responses by route template, method and "
      "status.\n"
      "# TYPE fleetgate_route_requests_total counter\n";
  for (const auto& route : routes_) {
    for (int status = kMinStatus; status <= kMaxStatus; ++status) {
      const auto n = route.statuses[static_cast<std::size_t>(status - kMinStatus)].load();
      if (n == 0) continue;
      out += "fleetgate_route_requests_total{" + route.labels + ",status=\"" +
             std::to_string(status) + "\"} " + std::to_string(n) + "\n";
    }
  }
  out +=
      "# HELP fleetgate_route_duration_seconds Time from a request read to its response ready, "
      "by route.\n"
      "# TYPE fleetgate_route_duration_seconds histogram\n";
  for (const auto& route : routes_) {
    std::array<std::uint64_t, kBuckets.size() + 1> counts{};
    std::uint64_t total = 0;
    for (std::size_t i = 0; i < counts.size(); ++i) total += counts[i] = route.buckets[i].load();
    if (total == 0) continue;  // routes never called add nothing
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < counts.size(); ++i) {
      cumulative += counts[i];
      const auto le = i < kBuckets.size() ? seconds(kBuckets[i]) : std::string("+Inf");
      out += "fleetgate_route_duration_seconds_bucket{" + route.labels + ",le=\"" + le + "\"} " +
             std::to_string(cumulative) + "\n";
    }
    char sum[32];
    std::snprintf(sum, sizeof sum, "%.6f", static_cast<double>(route.sum_micros.load()) / 1e6);
    out += "fleetgate_route_duration_seconds_sum{" + route.labels + "} " + sum + "\n";
    out += "fleetgate_route_duration_seconds_count{" + route.labels + "} " +
           std::to_string(cumulative) + "\n";
  }
  return out;
}

}  // namespace fleet::gateway::app
