// rental's devices (base path /), served by device-session. Bodies are rendered from the proto
// Device alone (time_left included, as the service computed it), so that a replayed start or
// stop is byte for byte the first response. Reading needs a signed-in account; a user starts a
// device only for themselves (an admin for anyone), and device-session lets only an admin or
// the session's user stop it. Starts and stops honour X-Idempotency-Key.
// Reads come from the device read model while it is current (readmodel/devices.h), else from
// device-session; a start or stop applies its reply to the model before answering, so the
// caller's next read sees it.
#include "readmodel/devices.h"
#include "realtime/device_hub.h"
#include "render/accounts.h"
#include "render/devices.h"
#include "surfaces/routes.h"
#include "surfaces/row.h"
#include "surfaces/schemas.h"

namespace fleet::gateway::surfaces {
namespace {

readmodel::DeviceModel* model_of(const Call& call) { return call.ctx.services.device_model; }

// The device and wallet of a start or stop reply, for the caller's next read.
void remember(const Call& call, const dspb::Device& device, const dspb::Wallet& wallet) {
  call.ctx.services.devices.apply(device);  // the countdown sockets, too
  if (auto* model = model_of(call)) {
    model->apply(device);
    if (wallet.user_id() > 0) model->apply(wallet);
  }
}

// GET /device/all
Awaitable list_devices(Call& call) {
  if (auto* model = model_of(call)) {
    if (auto all = model->devices()) co_return call.raw_json(render::devices_json(*all));
  }
  const dspb::ListDevicesRequest request;
  auto devices = co_await call.rpc(&DeviceSessionRpc::ListDevices, request);
  co_return call.raw_json(render::devices_json(devices));
}

// GET /device/{device_id}
Awaitable get_device(Call& call) {
  dspb::GetDeviceRequest request;
  request.set_device_id(call.path_int("device_id"));
  if (auto* model = model_of(call)) {
    auto read = model->device(request.device_id());
    if (read.found == readmodel::DeviceModel::Found::kFound) {
      co_return call.raw_json(render::device_json(read.device));
    }
    if (read.found == readmodel::DeviceModel::Found::kUnknown) {
      // What device-session answers for it, so the row's mapping gives the same 404.
      throw endpoint::UpstreamFailure(grpc::Status(grpc::StatusCode::NOT_FOUND, "Device not found"),
                                      dspb::GetDeviceRequest::descriptor()->name());
    }
  }
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
  remember(call, started.device(), started.wallet());
  co_return call.raw_json(render::device_json(started.device()));
}

// POST /device/stop/{device_id}
Awaitable stop_device(Call& call) {
  dspb::StopDeviceRequest request;
  request.set_device_id(call.path_int("device_id"));
  request.set_actor_user_id(call.me().id());
  request.set_actor_is_admin(render::is_admin(call.me().role()));
  auto stopped = co_await call.effect(&DeviceSessionRpc::StopDevice, request);
  remember(call, stopped.device(), stopped.wallet());
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
