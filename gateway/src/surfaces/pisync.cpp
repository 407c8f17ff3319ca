// pisync (/pisync): username sign-in, devices and sync attempts. Errors: {"message":"text"}.

#include "app/support.h"
#include "render/time.h"
#include "surfaces/routes.h"
#include "surfaces/row.h"
#include "surfaces/schemas.h"

namespace fleet::gateway::surfaces {
namespace {

// POST /pisync/auth/register {"username","password"} -> 201 {"message","token"}
Awaitable register_user(Call& call) {
  authpb::RegisterRequest request;
  request.mutable_account()->set_username(*call.body.string("username"));
  request.mutable_account()->set_role(userpb::ROLE_USER);
  request.set_password(*call.body.string("password"));
  request.set_issue_access_token(true);
  auto created = co_await endpoint::register_account(call, request);
  co_return call.json(
      json::object{{"message", "User registered successfully."}, {"token", created.access_token()}});
}

// POST /pisync/auth/login {"username","password"} -> 200 {"message","token"}
Awaitable login(Call& call) {
  authpb::LoginRequest request;
  request.set_username(*call.body.string("username"));
  request.set_password(*call.body.string("password"));
  auto session = co_await endpoint::login(call, request);
  co_return call.json(
      json::object{{"message", "Login successful."}, {"token", session.access_token()}});
}

// --- devices (the sync service) -----------------------------------------------------------

namespace syncpb = upstream::syncpb;
using upstream::SyncRpc;

// A time as the document shows it (2025-04-23T14:30:25.000Z), or null when unset.
json::value pisync_time(bool set, const google::protobuf::Timestamp& t) {
  if (!set) return nullptr;
  return json::string(render::format_time(t.seconds(), t.nanos(), render::TimeStyle::kMillisZ));
}

// The document's Device: every field present, the sync fields null until the first attempt.
json::object device_json(const syncpb::Device& d) {
  json::object out;
  out["device_id"] = d.device_id();
  out["name"] = json::string(d.name());
  out["type"] = json::string(d.type());
  out["last_sync_at"] = pisync_time(d.has_last_sync_at(), d.last_sync_at());
  out["sync_status_code"] =
      d.has_sync_status_code() ? json::value(d.sync_status_code()) : json::value(nullptr);
  out["error_message"] =
      d.has_error_message() ? json::value(json::string(d.error_message())) : json::value(nullptr);
  out["last_attempt_at"] = pisync_time(d.has_last_attempt_at(), d.last_attempt_at());
  return out;
}

// GET /pisync/devices -> 200 {"count","devices"}
Awaitable list_devices(Call& call) {
  const syncpb::ListDevicesRequest request;
  auto reply = co_await call.rpc(&SyncRpc::ListDevices, request);
  json::array devices;
  devices.reserve(static_cast<std::size_t>(reply.devices_size()));
  for (const auto& d : reply.devices()) devices.emplace_back(device_json(d));
  const auto count = static_cast<std::int64_t>(devices.size());
  co_return call.json(json::object{{"count", count}, {"devices", std::move(devices)}});
}

// The statuses a sync attempt can end with (the document's table).
bool documented_outcome(int status) {
  return status == 200 || status == 400 || status == 404 || status == 500;
}

// GET /pisync/devices/{id}: one sync attempt. Its outcome is data from the service, answered
// with the attempt's own status: 200 {"message":"Device synced successfully","device"} or
// 400/404/500 {"message":"Sync failed: <error>","device"}. An unknown id is the service's
// NOT_FOUND: 404 {"message":"Device with ID {id} not found"}.
Awaitable sync_device(Call& call) {
  syncpb::SyncDeviceRequest request;
  request.set_device_id(call.path_int("id"));
  request.set_actor_user_id(call.me().id());
  auto reply = co_await call.rpc(&SyncRpc::SyncDevice, request);
  const auto& attempt = reply.attempt();
  const int status = attempt.status_code();
  if (!documented_outcome(status)) call.fail(500, "Server error while syncing device");
  std::string message = status == 200 ? std::string("Device synced successfully")
                                      : "Sync failed: " + attempt.error_message();
  co_return app::json(status, json::object{{"message", std::move(message)},
                                           {"device", device_json(reply.device())}});
}

std::string device_id_problem(const validation::Issues&) { return "Invalid device ID"; }

// Express's `/devices/:id`: any integer; one that names no device is a 404.
constexpr validation::Field kDeviceIdPath[] = {
    {.name = "id", .type = validation::Type::kInt, .required = true}};

constexpr endpoint::ErrorRule kListDevicesErrors[] = {
    {grpc::StatusCode::INTERNAL, 500, "Server error while fetching devices"},
    {grpc::StatusCode::UNKNOWN, 500, "Server error while fetching devices"}};
// NOT_FOUND "Device with ID {id} not found" is the default mapping (404 with the service's text).
constexpr endpoint::ErrorRule kSyncDeviceErrors[] = {
    {grpc::StatusCode::INTERNAL, 500, "Server error while syncing device"},
    {grpc::StatusCode::UNKNOWN, 500, "Server error while syncing device"}};

// --- rows ----------------------------------------------------------------------------------

constexpr endpoint::ErrorRule kLoginErrors[] = {
    {grpc::StatusCode::UNAUTHENTICATED, 401, "Invalid username or password."},
    endpoint::kTooManyRequests};
constexpr auto S = Surface::kPisync;
using endpoint::Body;

constexpr endpoint::Endpoint kRows[] = {
    {.method = "POST", .path = "/pisync/auth/register", .surface = S,
     .summary = "Register and sign in", .body_kind = Body::kJson, .body = kPisyncCredentials,
     .success = 201, .idempotent = true, .errors = endpoint::kHashingErrors,
     .response = {"PisyncAuth"}, .problem = pisync_credentials_problem, .run = register_user},
    {.method = "POST", .path = "/pisync/auth/login", .surface = S,
     .summary = "Sign in with username and password", .body_kind = Body::kJson,
     .body = kPisyncCredentials, .errors = kLoginErrors, .response = {"PisyncAuth"},
     .problem = pisync_credentials_problem, .run = login},
    {.method = "GET", .path = "/pisync/devices", .surface = S, .summary = "List the devices",
     .access = endpoint::kAnyToken, .errors = kListDevicesErrors,
     .response = {"PisyncDeviceList"}, .run = list_devices,
     // Every caller sees the same list; every sync attempt publishes "devices".
     .cache = {.service = "sync", .topic = "devices"}},
    {.method = "GET", .path = "/pisync/devices/{id}", .surface = S,
     .summary = "Sync a device: one attempt, answered with its outcome's status (200, or 400, "
                "404 or 500 with the device)",
     .access = endpoint::kAnyToken, .path_params = kDeviceIdPath, .errors = kSyncDeviceErrors,
     .response = {"PisyncSync"}, .problem = device_id_problem, .run = sync_device},
};

}  // namespace

endpoint::Table pisync_rows() { return kRows; }

}  // namespace fleet::gateway::surfaces
