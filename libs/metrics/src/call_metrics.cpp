#include "fleet/metrics/call_metrics.h"

#include <mutex>

namespace fleet::metrics {
namespace {

constexpr std::string_view kCodeNames[] = {
    "OK",        "CANCELLED",      "UNKNOWN",           "INVALID_ARGUMENT",   "DEADLINE_EXCEEDED",
    "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
    "ABORTED",   "OUT_OF_RANGE",   "UNIMPLEMENTED",     "INTERNAL",           "UNAVAILABLE",
    "DATA_LOSS", "UNAUTHENTICATED"};
constexpr int kUnknown = 2;

std::string key_of(std::string_view first, std::string_view second) {
  return std::string(first) + "/" + std::string(second);
}

}  // namespace

std::string_view grpc_code_name(int code) {
  if (code < 0 || code >= static_cast<int>(std::size(kCodeNames))) code = kUnknown;
  return kCodeNames[code];
}

CallMetrics::CallMetrics(const Names& names)
    : calls_(names.calls),
      calls_help_(names.calls_help),
      duration_(names.duration),
      duration_help_(names.duration_help),
      first_label_(names.first_label),
      second_label_(names.second_label) {}

CallMetrics::Pair* CallMetrics::find(std::string_view first, std::string_view second) const {
  std::shared_lock lock(mutex_);
  const auto it = pairs_.find(key_of(first, second));
  return it == pairs_.end() ? nullptr : it->second.get();
}

void CallMetrics::observe(std::string_view first, std::string_view second, int code,
                          std::chrono::steady_clock::duration elapsed) {
  if (code < 0 || code >= kCodes) code = kUnknown;
  auto* entry = find(first, second);
  if (entry == nullptr) {
    std::unique_lock lock(mutex_);
    auto& slot = pairs_[key_of(first, second)];
    if (!slot) {
      slot = std::make_unique<Pair>();
      slot->labels = first_label_ + "=\"" + std::string(first) + "\"," + second_label_ + "=\"" +
                     std::string(second) + "\"";
    }
    entry = slot.get();
  }
  entry->codes[static_cast<std::size_t>(code)].fetch_add(1, std::memory_order_relaxed);
  entry->latency.observe(elapsed);
}

std::uint64_t CallMetrics::calls(std::string_view first, std::string_view second,
                                 int code) const {
  const auto* entry = find(first, second);
  if (entry == nullptr || code < 0 || code >= kCodes) return 0;
  return entry->codes[static_cast<std::size_t>(code)].load();
}

std::string CallMetrics::render() const {
  std::string out = "# HELP " + calls_ + " " + calls_help_ + "\n# TYPE " + calls_ + " counter\n";
  std::shared_lock lock(mutex_);
  for (const auto& [key, entry] : pairs_) {
    for (int code = 0; code < kCodes; ++code) {
      const auto n = entry->codes[static_cast<std::size_t>(code)].load();
      if (n == 0) continue;
      out += calls_ + "{" + entry->labels + ",code=\"" + std::string(kCodeNames[code]) + "\"} " +
             std::to_string(n) + "\n";
    }
  }
  out += "# HELP " + duration_ + " " + duration_help_ + "\n# TYPE " + duration_ + " histogram\n";
  for (const auto& [key, entry] : pairs_) entry->latency.render(out, duration_, entry->labels);
  return out;
}

}  // namespace fleet::metrics
