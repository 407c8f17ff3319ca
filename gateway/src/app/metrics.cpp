#include "app/metrics.h"

#include "router/surface.h"

namespace fleet::gateway::app {
namespace {

constexpr std::string_view kSurfaceLabels[] = {"rental",      "users-v1", "repair",
                                               "streetlight", "pisync",   "ops"};
constexpr std::size_t kOps = 5;

std::size_t surface_index(std::string_view path) {
  if (path == "/healthz" || path == "/readyz" || path == "/metrics") return kOps;
  return static_cast<std::size_t>(surface_for_path(path));
}

}  // namespace

void Metrics::count_request(std::string_view path, int status) {
  if (status < kMinStatus || status > kMaxStatus) return;
  requests_[surface_index(path)][static_cast<std::size_t>(status - kMinStatus)]++;
}

void Metrics::rate_limited(std::string_view path) { rate_limited_[surface_index(path)]++; }

std::uint64_t Metrics::rate_limited_count(std::string_view surface) const {
  for (std::size_t i = 0; i < kSurfaces; ++i) {
    if (kSurfaceLabels[i] == surface) return rate_limited_[i].load();
  }
  return 0;
}

void Metrics::change_feed_current(std::string_view service, bool current) {
  std::lock_guard lock(feeds_mutex_);
  feeds_current_.insert_or_assign(std::string(service), current);
}

std::uint64_t Metrics::requests(std::string_view surface, int status) const {
  if (status < kMinStatus || status > kMaxStatus) return 0;
  for (std::size_t i = 0; i < kSurfaces; ++i) {
    if (kSurfaceLabels[i] == surface) {
      return requests_[i][static_cast<std::size_t>(status - kMinStatus)].load();
    }
  }
  return 0;
}

std::string Metrics::render() const {
  std::string out;
  out +=
      "# HELP fleetgate_upstream_device_streams Open upstream WatchDevice streams (one per watched "
      "device).\n"
      "# TYPE fleetgate_upstream_device_streams gauge\n"
      "fleetgate_upstream_device_streams " +
      std::to_string(streams_.load()) + "\n";
  out +=
      "# HELP fleetgate_ws_connections Open WebSocket connections.\n"
      "# TYPE fleetgate_ws_connections gauge\n";
  constexpr std::string_view kKinds[] = {"timeleft", "status", "chat"};
  for (std::size_t i = 0; i < 3; ++i) {
    out += "fleetgate_ws_connections{kind=\"" + std::string(kKinds[i]) + "\"} " +
           std::to_string(sockets_[i].load()) + "\n";
  }
  out +=
      "# HELP fleetgate_ws_dropped_slow_total WebSockets closed because their send queue was "
      "full.\n"
      "# TYPE fleetgate_ws_dropped_slow_total counter\n"
      "fleetgate_ws_dropped_slow_total " +
      std::to_string(dropped_slow_.load()) + "\n";
  out +=
      "# HELP fleetgate_ws_revoked_total WebSockets closed with a policy-violation frame: token "
      "expired, or account deleted or deactivated.\n"
      "# TYPE fleetgate_ws_revoked_total counter\n"
      "fleetgate_ws_revoked_total{reason=\"expired\"} " +
      std::to_string(revoked_[1].load()) + "\n" +
      "fleetgate_ws_revoked_total{reason=\"account\"} " + std::to_string(revoked_[0].load()) + "\n";
  out +=
      "# HELP fleetgate_device_model_current 1 while the device read model answers reads (its "
      "feed live, its snapshot received).\n"
      "# TYPE fleetgate_device_model_current gauge\n"
      "fleetgate_device_model_current " +
      std::string(device_model_current_.load() ? "1" : "0") + "\n";
  out +=
      "# HELP fleetgate_account_model_current 1 while the account read model answers reads (its "
      "feed live, its snapshot received).\n"
      "# TYPE fleetgate_account_model_current gauge\n"
      "fleetgate_account_model_current " +
      std::string(account_model_current_.load() ? "1" : "0") + "\n";
  out +=
      "# HELP fleetgate_read_model_reads_total Reads answered from a read model (hit) or sent "
      "upstream (miss).\n"
      "# TYPE fleetgate_read_model_reads_total counter\n";
  constexpr std::string_view kModels[] = {"device", "wallet", "account"};
  for (std::size_t m = 0; m < 3; ++m) {
    for (int hit = 1; hit >= 0; --hit) {
      out += "fleetgate_read_model_reads_total{model=\"" + std::string(kModels[m]) +
             "\",result=\"" + (hit ? "hit" : "miss") + "\"} " +
             std::to_string(read_model_[m][static_cast<std::size_t>(hit)].load()) + "\n";
    }
  }
  out +=
      "# HELP fleetgate_rate_limited_total Requests refused with 429 by the rate limits, by "
      "surface (docs count under rental).\n"
      "# TYPE fleetgate_rate_limited_total counter\n";
  for (std::size_t s = 0; s < kSurfaces; ++s) {
    out += "fleetgate_rate_limited_total{surface=\"" + std::string(kSurfaceLabels[s]) + "\"} " +
           std::to_string(rate_limited_[s].load()) + "\n";
  }
  out +=
      "# HELP fleetgate_response_cache_reads_total Reads of cacheable rows answered from the "
      "response cache (hit) or sent upstream (miss), by surface.\n"
      "# TYPE fleetgate_response_cache_reads_total counter\n";
  for (std::size_t s = 0; s + 1 < kSurfaces; ++s) {
    for (int hit = 1; hit >= 0; --hit) {
      out += "fleetgate_response_cache_reads_total{surface=\"" + std::string(kSurfaceLabels[s]) +
             "\",result=\"" + (hit ? "hit" : "miss") + "\"} " +
             std::to_string(response_cache_[s][static_cast<std::size_t>(hit)].load()) + "\n";
    }
  }
  out +=
      "# HELP fleetgate_change_feed_current 1 while a service's change feed is live (the response "
      "cache answers for it).\n"
      "# TYPE fleetgate_change_feed_current gauge\n";
  {
    std::lock_guard lock(feeds_mutex_);
    for (const auto& [service, current] : feeds_current_) {
      out += "fleetgate_change_feed_current{service=\"" + service + "\"} " + (current ? "1" : "0") +
             "\n";
    }
  }
  out +=
      "# HELP fleetgate_http_requests_total HTTP responses by surface and status.\n"
      "# TYPE fleetgate_http_requests_total counter\n";
  for (std::size_t s = 0; s < kSurfaces; ++s) {
    for (int status = kMinStatus; status <= kMaxStatus; ++status) {
      auto n = requests_[s][static_cast<std::size_t>(status - kMinStatus)].load();
      if (n == 0) continue;
      out += "fleetgate_http_requests_total{surface=\"" + std::string(kSurfaceLabels[s]) +
             "\",status=\"" + std::to_string(status) + "\"} " + std::to_string(n) + "\n";
    }
  }
  out += routes_.render();
  out += upstream_.render();
  return out;
}

}  // namespace fleet::gateway::app
