// rental's devices (base path /), served by device-session. Bodies are rendered from the proto
// Device alone (time_left included, as the service computed it), so that a replayed start or
// stop is byte for byte the first response. Reading needs a signed-in account; a user starts a
// device only for themselves (an admin for anyone), and device-session lets only an admin or
// the session's user stop it. Starts and stops honour X-Idempotency-Key.
#include "render/accounts.h"
#include "render/devices.h"
#include "surfaces/routes.h"
#include "surfaces/row.h"
#include "surfaces/schemas.h"

namespace fleet::gateway::surfaces {
namespace {

// GET /device/all
Awaitable list_devices(Call& call) {
  const dspb::ListDevicesRequest request;
  auto devices = co_await call.rpc(&DeviceSessionRpc::ListDevices, request);
  co_return call.raw_json(render::devices_json(devices));
}

// GET /device/{device_id}
Awaitable get_device(Call& call) {
  dspb::GetDeviceRequest request;
  request.set_device_id(call.path_int("device_id"));
  auto found = co_await call.rpc(&DeviceSessionRpc::GetDevice, request);
  co_return call.raw_json(render::device_json(found.device()));
}

// POST /device/start/{device_id} {"user_id":int,"duration_minutes":1..1440}
Awaitable start_device(Call& call) {
  const std::int64_t user_id = *call.body.integer("user_id");
  if (user_id != call.me().id()) {
    if (!render::is_admin(call.me().role())) call.forbid();
    auto target = co_await endpoint::get_account(call, user_id);  // 404 "User not found"
    (void)target;
  }
  dspb::StartDeviceRequest request;
  request.set_device_id(call.path_int("device_id"));
  request.set_user_id(user_id);
  request.set_duration_minutes(static_cast<std::int32_t>(*call.body.integer("duration_minutes")));
  auto started = co_await call.effect(&DeviceSessionRpc::StartDevice, request);
  co_return call.raw_json(render::device_json(started.device()));
}

// POST /device/stop/{device_id}
Awaitable stop_device(Call& call) {
  dspb::StopDeviceRequest request;
  request.set_device_id(call.path_int("device_id"));
  request.set_actor_user_id(call.me().id());
  request.set_actor_is_admin(render::is_admin(call.me().role()));
  auto stopped = co_await call.effect(&DeviceSessionRpc::StopDevice, request);
  co_return call.raw_json(render::stop_json(stopped));
}

constexpr validation::Field kDeviceId[] = {
    {.name = "device_id", .type = validation::Type::kInt, .required = true}};
constexpr endpoint::ErrorRule kStopErrors[] = {
    {grpc::StatusCode::PERMISSION_DENIED, 403, endpoint::kForbiddenText}};
constexpr auto S = Surface::kRental;
constexpr auto kToken = endpoint::kAnyToken;

constexpr endpoint::Endpoint kRows[] = {
    {.method = "GET", .path = "/device/all", .surface = S, .summary = "List the devices",
     .access = kToken, .response = {"RentalDevice", true}, .run = list_devices},
    {.method = "GET", .path = "/device/{device_id}", .surface = S, .summary = "Read a device",
     .access = kToken, .path_params = kDeviceId, .response = {"RentalDevice"}, .run = get_device},
    {.method = "POST", .path = "/device/start/{device_id}", .surface = S,
     .summary = "Start a timed session, paid from the user's cash", .access = kToken,
     .path_params = kDeviceId, .body_kind = endpoint::Body::kJson, .body = kRentalStartDevice,
     .idempotent = true, .response = {"RentalDevice"}, .run = start_device},
    {.method = "POST", .path = "/device/stop/{device_id}", .surface = S,
     .summary = "Stop a session and refund the time left", .access = kToken,
     .path_params = kDeviceId, .idempotent = true, .errors = kStopErrors,
     .response = {"RentalStop"}, .run = stop_device},
};

}  // namespace

endpoint::Table rental_device_rows() { return kRows; }

}  // namespace fleet::gateway::surfaces
