#include "app/route_metrics.h"

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
  route.latency.observe(elapsed);
}

std::uint64_t RouteMetrics::requests(std::size_t id, int status) const {
  if (id >= routes_.size() || status < kMinStatus || status > kMaxStatus) return 0;
  return routes_[id].statuses[static_cast<std::size_t>(status - kMinStatus)].load();
}

std::uint64_t RouteMetrics::count(std::size_t id) const {
  return id < routes_.size() ? routes_[id].latency.count() : 0;
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
    route.latency.render(out, "fleetgate_route_duration_seconds", route.labels);
  }
  return out;
}

}  // namespace fleet::gateway::app
