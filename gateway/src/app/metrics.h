#pragma once
// Process counters for /metrics (Prometheus text format 0.0.4). Lock-free: any thread counts.
#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "app/route_metrics.h"
#include "app/upstream_metrics.h"
#include "router/surface.h"

namespace fleet::gateway::app {

enum class SocketKind { kTimeleft, kStatus, kChat };
// The gateway's in-memory read models (readmodel/): devices, rental wallets and accounts.
enum class ReadModel { kDevice, kWallet, kAccount };

class Metrics {
 public:
  // One HTTP response (a WebSocket upgrade counts as 101); `path` picks the surface label
  // ("ops" for /healthz, /readyz, /metrics).
  void count_request(std::string_view path, int status);

  void socket_opened(SocketKind kind) { sockets_[index(kind)]++; }
  void socket_closed(SocketKind kind) { sockets_[index(kind)]--; }
  void socket_dropped_slow() { dropped_slow_++; }
  // Open upstream WatchDevice streams.
  void stream_opened() { streams_++; }
  void stream_closed() { streams_--; }

  // A read answered from a read model (hit) or sent upstream (miss).
  void read_model(ReadModel model, bool hit) { read_model_[index(model)][hit ? 1 : 0]++; }
  std::uint64_t read_model_reads(ReadModel model, bool hit) const {
    return read_model_[index(model)][hit ? 1 : 0].load();
  }
  // A request refused by the rate limits (app/rate_limit.h); `path` picks the surface label.
  void rate_limited(std::string_view path);
  std::uint64_t rate_limited_count(std::string_view surface) const;

  // Whether the device read model is current (its feed live and its snapshot received).
  void device_model_current(bool current) { device_model_current_ = current; }
  // Whether the account read model is current (WatchAccounts live, its snapshot received).
  void account_model_current(bool current) { account_model_current_ = current; }
  bool account_model_current() const { return account_model_current_.load(); }
  // A WebSocket closed by the gateway with a policy-violation frame: its token expired, or its
  // account was deleted or deactivated.
  void socket_revoked(bool expired) { revoked_[expired ? 1 : 0]++; }
  std::uint64_t sockets_revoked(bool expired) const { return revoked_[expired ? 1 : 0].load(); }

  // A cacheable row's read answered from the response cache (hit) or sent upstream (miss).
  void response_cache(Surface surface, bool hit) {
    response_cache_[static_cast<std::size_t>(surface)][hit ? 1 : 0]++;
  }
  std::uint64_t response_cache_reads(Surface surface, bool hit) const {
    return response_cache_[static_cast<std::size_t>(surface)][hit ? 1 : 0].load();
  }
  // Whether a service's change feed is live (the response cache answers for that service).
  void change_feed_current(std::string_view service, bool current);

  std::int64_t open_streams() const { return streams_.load(); }
  std::int64_t open_sockets(SocketKind kind) const { return sockets_[index(kind)].load(); }
  std::uint64_t dropped_slow() const { return dropped_slow_.load(); }
  std::uint64_t requests(std::string_view surface, int status) const;

  // Per route template: requests by method and status, and latency (app/route_metrics.h).
  RouteMetrics& routes() { return routes_; }
  const RouteMetrics& routes() const { return routes_; }
  // gRPC calls to the services by service, method and code, with latency.
  UpstreamMetrics& upstream() { return upstream_; }
  const UpstreamMetrics& upstream() const { return upstream_; }

  std::string render() const;

 private:
  static constexpr std::size_t kSurfaces = 6;  // five surfaces and ops
  static constexpr int kMinStatus = 100, kMaxStatus = 599;
  static std::size_t index(SocketKind kind) { return static_cast<std::size_t>(kind); }
  static std::size_t index(ReadModel model) { return static_cast<std::size_t>(model); }

  std::array<std::atomic<std::int64_t>, 3> sockets_{};
  std::atomic<std::uint64_t> dropped_slow_{0};
  std::atomic<std::int64_t> streams_{0};
  std::array<std::array<std::atomic<std::uint64_t>, 2>, 3> read_model_{};  // [model][hit]
  std::atomic<bool> device_model_current_{false};
  std::array<std::atomic<std::uint64_t>, kSurfaces> rate_limited_{};
  RouteMetrics routes_;
  UpstreamMetrics upstream_;
  std::array<std::array<std::atomic<std::uint64_t>, 2>, kSurfaces> response_cache_{};  // [hit]
  mutable std::mutex feeds_mutex_;  // a change per feed loss or return: rare
  std::map<std::string, bool, std::less<>> feeds_current_;
  std::atomic<bool> account_model_current_{false};
  std::array<std::atomic<std::uint64_t>, 2> revoked_{};  // [expired]
  std::array<std::array<std::atomic<std::uint64_t>, kMaxStatus - kMinStatus + 1>, kSurfaces>
      requests_{};
};

}  // namespace fleet::gateway::app
