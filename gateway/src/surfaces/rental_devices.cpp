// rental's devices (base path /), served by device-session. Bodies are rendered from the proto
// Device alone (time_left included, as the service computed it), so that a replayed start or
// stop is byte for byte the first response. Reading needs a valid token; a user starts a device
// only for themselves (an admin for anyone), and device-session lets only an admin or the
// session's user stop it. Starts and stops honour X-Idempotency-Key.
#include "app/support.h"
#include "render/accounts.h"
#include "render/devices.h"
#include "surfaces/routes.h"
#include "surfaces/schemas.h"

namespace fleet::gateway::surfaces {
namespace {

using app::Context;
namespace dspb = upstream::dspb;
using Awaitable = boost::asio::awaitable<http::Response>;

// GET /device/all
Awaitable list_devices(Context& ctx) {
  app::require_token(ctx);
  const dspb::ListDevicesRequest request;
  auto reply = co_await ctx.services.backend.ListDevices(request, ctx.request_id());
  auto devices = app::take(std::move(reply), "device_session.ListDevices");
  co_return app::raw_json(200, render::devices_json(devices));
}

// GET /device/{device_id}
Awaitable get_device(Context& ctx) {
  app::require_token(ctx);
  const auto device_id = app::require_path_id(ctx, "device_id");
  dspb::GetDeviceRequest request;
  request.set_device_id(device_id);
  auto reply = co_await ctx.services.backend.GetDevice(request, ctx.request_id());
  auto found = app::take(std::move(reply), "device_session.GetDevice");
  co_return app::raw_json(200, render::device_json(found.device()));
}

// POST /device/start/{device_id} {"user_id":int,"duration_minutes":1..1440}
Awaitable start_device(Context& ctx) {
  auto claims = app::require_token(ctx);
  validation::Issues issues;
  auto device_id = app::path_id(ctx, "device_id", issues);
  auto key = app::idempotency_key(ctx, issues);
  auto body = app::json_values(ctx, kRentalStartDevice, issues);
  app::throw_if_invalid(issues);
  auto principal = co_await app::load_principal(ctx, claims);
  const std::int64_t user_id = *body.integer("user_id");
  if (user_id != principal.id()) {
    if (!render::is_admin(principal.role())) app::forbidden(ctx);
    auto target = co_await app::get_account(ctx, user_id);  // 404 "User not found"
    (void)target;
  }

  dspb::StartDeviceRequest request;
  request.set_device_id(*device_id);
  request.set_user_id(user_id);
  request.set_duration_minutes(static_cast<std::int32_t>(*body.integer("duration_minutes")));
  const auto idempotency = app::idempotency_for(ctx, key, principal.id());
  auto reply = co_await ctx.services.backend.StartDevice(request, idempotency, ctx.request_id());
  const bool replayed = key && app::replayed(reply.status, reply.trailers);
  auto started = app::take(std::move(reply), "device_session.StartDevice");
  co_return app::mark_replayed(app::raw_json(200, render::device_json(started.device())), replayed);
}

// POST /device/stop/{device_id}
Awaitable stop_device(Context& ctx) {
  auto claims = app::require_token(ctx);
  validation::Issues issues;
  auto device_id = app::path_id(ctx, "device_id", issues);
  auto key = app::idempotency_key(ctx, issues);
  app::throw_if_invalid(issues);
  auto principal = co_await app::load_principal(ctx, claims);

  dspb::StopDeviceRequest request;
  request.set_device_id(*device_id);
  request.set_actor_user_id(principal.id());
  request.set_actor_is_admin(render::is_admin(principal.role()));
  const auto idempotency = app::idempotency_for(ctx, key, principal.id());
  auto reply = co_await ctx.services.backend.StopDevice(request, idempotency, ctx.request_id());
  const bool replayed = key && app::replayed(reply.status, reply.trailers);
  if (reply.status.error_code() == grpc::StatusCode::PERMISSION_DENIED) app::forbidden(ctx);
  auto stopped = app::take(std::move(reply), "device_session.StopDevice");
  co_return app::mark_replayed(app::raw_json(200, render::stop_json(stopped)), replayed);
}

}  // namespace

void add_rental_device_routes(app::Routes& routes) {
  routes.add("GET", "/device/all", list_devices);
  routes.add("GET", "/device/{device_id}", get_device);
  routes.add("POST", "/device/start/{device_id}", start_device);
  routes.add("POST", "/device/stop/{device_id}", stop_device);
}

}  // namespace fleet::gateway::surfaces
