#pragma once
// The application behind the server: picks the surface by path prefix, finds the row in the
// surface's endpoint table, runs it through the pipeline, and renders any failure in the
// surface's error body. WebSocket upgrades are rows of their own table. CORS preflights are
// answered here, before any route or backend.
#include <array>
#include <unordered_map>
#include <vector>

#include "app/context.h"
#include "app/cors.h"
#include "app/rate_limit.h"
#include "endpoint/endpoint.h"
#include "server/server.h"

namespace fleet::gateway::app {

class Gateway final : public server::Application {
 public:
  // Without a limiter, no request is rate limited.
  explicit Gateway(Services services, CorsPolicies cors = {}, RateLimiter* limiter = nullptr);

  boost::asio::awaitable<http::Response> handle(http::Request request) override;
  http::Response error(std::string_view path, int status, std::string_view text) override;
  boost::asio::awaitable<server::Upgrade> upgrade(http::Request request) override;
  void on_response(std::string_view path, int status) override;

 private:
  using Rows = router::Router<const endpoint::Endpoint*>;
  // The surface's route for the request (or 404/405), run through the pipeline.
  // Sets `route` to the request's id in the route metrics.
  boost::asio::awaitable<http::Response> dispatch(const http::Request& request, Surface surface,
                                                  std::size_t& route);
  std::size_t ops_route(std::string_view path) const;
  // 429 in the surface's body with Retry-After when the client's bucket of `scope` is empty.
  std::optional<http::Response> limit(const http::Request& request, Surface surface,
                                      std::string_view scope, const Rate& rate);

  Services services_;
  CorsPolicies cors_;  // indexed by Surface
  RateLimiter* limiter_;
  // Ids in the route metrics (app/route_metrics.h): every row, the operations routes, and per
  // surface its unmatched requests and its CORS preflights.
  std::unordered_map<const endpoint::Endpoint*, std::size_t> row_routes_;
  std::vector<std::pair<std::string_view, std::size_t>> ops_routes_;
  std::array<std::size_t, kSurfaceCount> unmatched_route_{};
  std::array<std::size_t, kSurfaceCount> preflight_route_{};
  std::array<Rows, kSurfaceCount> surfaces_;  // indexed by Surface
  Routes ops_;    // /healthz, /readyz, /metrics, /openapi.json, /docs, /redoc
  Rows sockets_;  // WebSocket upgrades of every surface
};

}  // namespace fleet::gateway::app
