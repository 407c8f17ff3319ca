#include "app/upstream_metrics.h"

#include <mutex>

namespace fleet::gateway::app {
namespace {

constexpr std::string_view kCodeNames[] = {
    "OK",        "CANCELLED",      "UNKNOWN",           "INVALID_ARGUMENT",   "DEADLINE_EXCEEDED",
    "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
    "ABORTED",   "OUT_OF_RANGE",   "UNIMPLEMENTED",     "INTERNAL",           "UNAVAILABLE",
    "DATA_LOSS", "UNAUTHENTICATED"};

std::string key_of(std::string_view service, std::string_view method) {
  return std::string(service) + "/" + std::string(method);
}

}  // namespace

UpstreamMetrics::Method* UpstreamMetrics::find(std::string_view service,
                                               std::string_view method) const {
  std::shared_lock lock(mutex_);
  const auto it = methods_.find(key_of(service, method));
  return it == methods_.end() ? nullptr : it->second.get();
}

void UpstreamMetrics::observe(std::string_view service, std::string_view method, int code,
                              std::chrono::steady_clock::duration elapsed) {
  if (code < 0 || code >= kCodes) code = 2;  // UNKNOWN
  auto* entry = find(service, method);
  if (entry == nullptr) {
    // Service and method names come from the code (services.tsv, proto descriptors), never from
    // a client, so this map stays as small as the set of RPCs the gateway calls.
    std::unique_lock lock(mutex_);
    auto& slot = methods_[key_of(service, method)];
    if (!slot) {
      slot = std::make_unique<Method>();
      slot->labels =
          "service=\"" + std::string(service) + "\",method=\"" + std::string(method) + "\"";
    }
    entry = slot.get();
  }
  entry->codes[static_cast<std::size_t>(code)].fetch_add(1, std::memory_order_relaxed);
  entry->latency.observe(elapsed);
}

std::uint64_t UpstreamMetrics::calls(std::string_view service, std::string_view method,
                                     int code) const {
  const auto* entry = find(service, method);
  if (entry == nullptr || code < 0 || code >= kCodes) return 0;
  return entry->codes[static_cast<std::size_t>(code)].load();
}

std::string UpstreamMetrics::render() const {
  std::string out =
      "# HELP fleetgate_upstream_calls_total gRPC calls to the services by service, method and "
      "status code.\n"
      "# TYPE fleetgate_upstream_calls_total counter\n";
  std::shared_lock lock(mutex_);
  for (const auto& [key, entry] : methods_) {
    for (int code = 0; code < kCodes; ++code) {
      const auto n = entry->codes[static_cast<std::size_t>(code)].load();
      if (n == 0) continue;
      out += "fleetgate_upstream_calls_total{" + entry->labels + ",code=\"" +
             std::string(kCodeNames[code]) + "\"} " + std::to_string(n) + "\n";
    }
  }
  out +=
      "# HELP fleetgate_upstream_call_duration_seconds Time from sending a gRPC call to its "
      "status, by service and method.\n"
      "# TYPE fleetgate_upstream_call_duration_seconds histogram\n";
  for (const auto& [key, entry] : methods_) {
    entry->latency.render(out, "fleetgate_upstream_call_duration_seconds", entry->labels);
  }
  return out;
}

}  // namespace fleet::gateway::app
