#pragma once
// Rate limits per client address (PLATFORM.md "Rate limits"): a token bucket per client and
// scope, which holds `burst` requests and refills at `per_second`. A request that finds its
// bucket empty gets 429 with Retry-After, before any backend call.
//
// RATE_LIMITS lists the rules, separated by ';', each `scope=rate/burst` or `scope=off`:
//   "users-v1=10/20; docs=30/20"                       (the default, PLATFORM.md's figures)
//   "users-v1=10/20; POST /api/v1/auth/login=1/5"      (a route of a surface's table)
//   "off"                                              (no limits at all)
// A scope is a surface (rental, users-v1, repair, streetlight, pisync), `docs` (/openapi.json,
// /docs, /redoc) or one route, "METHOD /path/template" as in the endpoint tables; a route's rule
// wins over its surface's. Probes (/healthz, /readyz, /metrics) and sockets are never limited.
//
// The client is the peer's address; X-Forwarded-For is believed only from TRUSTED_PROXIES. At
// most `max_clients` buckets are kept; past that the least recently used go (a bucket that
// comes back starts full again, which only errs towards letting a request through).
#include <array>
#include <chrono>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "fleet/common/clock.h"
#include "http/message.h"
#include "router/surface.h"

namespace fleet::gateway::app {

struct Rate {
  double per_second = 0;
  double burst = 0;  // the bucket's size: this many requests may come at once
};

struct RateLimitRules {
  std::array<std::optional<Rate>, kSurfaceCount> surfaces;  // indexed by Surface
  std::optional<Rate> docs;                                 //
  std::map<std::string, std::optional<Rate>, std::less<>>
      routes;  // "METHOD /template"; nullopt: off

  // The rule and its bucket's scope for a route of `surface`, or nullopt when unlimited.
  std::optional<std::pair<Rate, std::string_view>> for_route(Surface surface,
                                                             std::string_view method,
                                                             std::string_view path) const;
};

inline constexpr std::string_view kDefaultRateLimits = "users-v1=10/20; docs=30/20";

// Throws std::invalid_argument naming the problem (an unknown scope, a bad rate).
RateLimitRules parse_rate_limits(std::string_view setting);

// The client's address: the peer's, or when the peer is a trusted proxy, the rightmost
// X-Forwarded-For entry that is not one (the first hop a trusted proxy saw).
std::string client_address(const http::Request& request,
                           const std::vector<std::string>& trusted_proxies);

class RateLimiter {
 public:
  RateLimiter(RateLimitRules rules, std::vector<std::string> trusted_proxies,
              std::size_t max_clients, const Clock& clock);

  const RateLimitRules& rules() const { return rules_; }

  // Takes one request from the client's bucket of `scope`; when it is empty, the whole seconds
  // until it holds one again (at least 1), for Retry-After.
  std::optional<std::chrono::seconds> take(const http::Request& request, std::string_view scope,
                                           const Rate& rate);

 private:
  struct Bucket {
    double tokens;
    Clock::time_point updated;
    std::list<std::string>::iterator age;  // its place in the shard's use order
  };
  struct Shard {
    std::mutex mutex;
    std::unordered_map<std::string, Bucket> buckets;
    std::list<std::string> use_order;  // most recently used first
  };
  static constexpr std::size_t kShards = 16;

  RateLimitRules rules_;
  std::vector<std::string> trusted_proxies_;
  std::size_t max_per_shard_;
  const Clock& clock_;
  std::array<Shard, kShards> shards_;
};

}  // namespace fleet::gateway::app
