// Operations endpoints: liveness, readiness (the token key and every upstream service) and
// Prometheus metrics; none needs a token. With a change bus, /readyz also says whether it is
// connected: "degraded" is still ready (chat stays on this gateway until the bus is back).
#include <boost/json/object.hpp>

#include "app/metrics.h"
#include "app/support.h"
#include "auth/key_store.h"
#include "fleet/bus/bus.h"
#include "fleet/services.h"
#include "surfaces/routes.h"

namespace fleet::gateway::surfaces {
namespace {

using app::Context;
namespace json = boost::json;
namespace healthpb = upstream::healthpb;

constexpr std::chrono::milliseconds kHealthDeadline{1000};

boost::asio::awaitable<http::Response> healthz(Context&) {
  co_return app::json(200, json::object{{"status", "ok"}});
}

boost::asio::awaitable<bool> serving(Context& ctx, std::string_view service) {
  auto reply = co_await ctx.services.upstream.check(service, kHealthDeadline);
  co_return reply.ok() && reply.message.status() == healthpb::HealthCheckResponse::SERVING;
}

// The token key, and every service of services/services.tsv that readiness waits for; never
// while the gateway drains for shutdown.
boost::asio::awaitable<http::Response> readyz(Context& ctx) {
  bool ready =
      ctx.services.keys.loaded() && !(ctx.services.draining && ctx.services.draining->load());
  for (const auto& service : fleet::services::kServices) {
    if (ready && service.ready) ready = co_await serving(ctx, service.name);
  }
  json::object body{{"status", ready ? "ready" : "not ready"}};
  if (ctx.services.bus != nullptr) {
    body["events"] = ctx.services.bus->connected() ? "connected" : "degraded";
  }
  co_return app::json(ready ? 200 : 503, std::move(body));
}

boost::asio::awaitable<http::Response> metrics(Context& ctx) {
  http::Response response;
  response.set_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
  response.body = ctx.services.metrics.render();
  co_return response;
}

}  // namespace

void add_ops_routes(app::Routes& routes) {
  routes.add("GET", "/healthz", healthz);
  routes.add("GET", "/readyz", readyz);
  routes.add("GET", "/metrics", metrics);
}

}  // namespace fleet::gateway::surfaces
