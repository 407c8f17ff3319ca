#include "fake_backend.h"

namespace fleet::gateway::testing {
namespace {

std::string role_name(userpb::Role role) {
  switch (role) {
    case userpb::ROLE_ADMIN:
      return "admin";
    case userpb::ROLE_OPERATOR:
      return "operator";
    default:
      return "user";
  }
}

template <typename T>
Reply<T> failed(grpc::StatusCode code, std::string text) {
  return Reply<T>{grpc::Status(code, std::move(text)), T{}, {}};
}

std::int64_t cents_of(const std::string& text) {
  auto dot = text.find('.');
  std::int64_t whole = std::stoll(text.substr(0, dot));
  std::int64_t fraction = 0;
  if (dot != std::string::npos) {
    auto digits = (text.substr(dot + 1) + "00").substr(0, 2);
    fraction = std::stoll(digits);
  }
  return whole * 100 + fraction;
}

std::string text_of(std::int64_t cents) {
  auto fraction = std::to_string(cents % 100);
  return std::to_string(cents / 100) + "." + (fraction.size() == 1 ? "0" : "") + fraction;
}

void set_time(Clock::time_point t, google::protobuf::Timestamp* out) {
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
  out->set_seconds(ns / 1'000'000'000);
  out->set_nanos(static_cast<std::int32_t>(ns % 1'000'000'000));
}

Clock::time_point time_of(const google::protobuf::Timestamp& t) {
  return Clock::time_point(std::chrono::duration_cast<Clock::time_point::duration>(
      std::chrono::seconds(t.seconds()) + std::chrono::nanoseconds(t.nanos())));
}

std::string public_of(const std::string& private_pem, const Clock& clock) {
  return token::Signer(private_pem, "fleetgate", "k1", std::chrono::hours(1), clock)
      .public_key_pem();
}

}  // namespace

FakeBackend::FakeBackend(const Clock& clock)
    : clock_(clock),
      private_pem_(token::generate_private_key_pem()),
      public_pem_(public_of(private_pem_, clock)),
      signer_(private_pem_, "fleetgate", "k1", std::chrono::hours(1), clock) {}

userpb::Account FakeBackend::add(userpb::Role role, std::string username, std::string password,
                                 std::string email, std::string phone) {
  userpb::Account a;
  a.set_id(next_id_++);
  if (!username.empty()) a.set_username(username);
  if (!email.empty()) a.set_email(email);
  if (!phone.empty()) a.set_phone(phone);
  a.set_role(role);
  a.set_is_active(true);
  a.mutable_created_at()->set_seconds(1736503200);
  a.mutable_updated_at()->set_seconds(1736503200);
  accounts[a.id()] = a;
  passwords[a.id()] = std::move(password);
  return a;
}

std::string FakeBackend::token_for(const userpb::Account& account) const {
  return signer_.sign(account.id(), role_name(account.role()));
}

#define FAKE_CALL(T, name) \
  calls.push_back(name);   \
  if (!forced.ok()) return Reply<T>{forced, T{}, {}};

Reply<userpb::GetUserResponse> FakeBackend::GetUser(const userpb::GetUserRequest& request,
                                                   const std::string&) {
  FAKE_CALL(userpb::GetUserResponse, "user.GetUser");
  auto it = accounts.find(request.id());
  if (it == accounts.end())
    return failed<userpb::GetUserResponse>(grpc::StatusCode::NOT_FOUND, "User not found");
  userpb::GetUserResponse response;
  *response.mutable_account() = it->second;
  return Reply<userpb::GetUserResponse>{grpc::Status::OK, response, {}};
}

Reply<userpb::ListUsersResponse> FakeBackend::ListUsers(const userpb::ListUsersRequest& request,
                                                       const std::string&) {
  FAKE_CALL(userpb::ListUsersResponse, "user.ListUsers");
  userpb::ListUsersResponse response;
  std::int64_t index = 0;
  for (const auto& [id, account] : accounts) {
    if (index++ < request.offset()) continue;
    if (response.accounts_size() >= request.limit()) break;
    *response.add_accounts() = account;
  }
  return Reply<userpb::ListUsersResponse>{grpc::Status::OK, response, {}};
}

Reply<userpb::UpdateUserResponse> FakeBackend::UpdateUser(const userpb::UpdateUserRequest& request,
                                                         const std::string&) {
  FAKE_CALL(userpb::UpdateUserResponse, "user.UpdateUser");
  auto it = accounts.find(request.id());
  if (it == accounts.end())
    return failed<userpb::UpdateUserResponse>(grpc::StatusCode::NOT_FOUND, "User not found");
  auto& a = it->second;
  if (request.has_username()) a.set_username(request.username());
  if (request.has_email()) a.set_email(request.email());
  if (request.has_phone()) a.set_phone(request.phone());
  if (request.has_full_name()) a.set_full_name(request.full_name());
  if (request.has_city()) a.set_city(request.city());
  if (request.has_profile_picture()) {
    if (request.profile_picture().empty()) {
      a.clear_profile_picture();
    } else {
      a.set_profile_picture(request.profile_picture());
    }
  }
  if (request.has_role()) a.set_role(request.role());
  if (request.has_is_active()) a.set_is_active(request.is_active());
  userpb::UpdateUserResponse response;
  *response.mutable_account() = a;
  return Reply<userpb::UpdateUserResponse>{grpc::Status::OK, response, {}};
}

Reply<userpb::DeleteUserResponse> FakeBackend::DeleteUser(const userpb::DeleteUserRequest& request,
                                                         const std::string&) {
  FAKE_CALL(userpb::DeleteUserResponse, "user.DeleteUser");
  if (accounts.erase(request.id()) == 0) {
    return failed<userpb::DeleteUserResponse>(grpc::StatusCode::NOT_FOUND, "User not found");
  }
  return Reply<userpb::DeleteUserResponse>{grpc::Status::OK, {}, {}};
}

template <typename T>
std::optional<Reply<T>> keyed_outcome(FakeBackend& fake, const upstream::Idempotency& key);

Reply<authpb::RegisterResponse> FakeBackend::Register(const authpb::RegisterRequest& request,
                                                     const upstream::Idempotency& idempotency,
                                                     const std::string&) {
  FAKE_CALL(authpb::RegisterResponse, "auth.Register");
  idempotency_sent.push_back(idempotency);
  if (auto early = keyed_outcome<authpb::RegisterResponse>(*this, idempotency)) {
    return std::move(*early);
  }
  const auto& n = request.account();
  for (const auto& [id, a] : accounts) {
    if (n.has_username() && a.has_username() && a.username() == n.username()) {
      return failed<authpb::RegisterResponse>(grpc::StatusCode::ALREADY_EXISTS,
                                                 "Username already exists");
    }
    if (n.has_email() && a.has_email() && a.email() == n.email()) {
      return failed<authpb::RegisterResponse>(grpc::StatusCode::ALREADY_EXISTS,
                                                 "Email already registered");
    }
    if (n.has_phone() && a.has_phone() && a.phone() == n.phone()) {
      return failed<authpb::RegisterResponse>(grpc::StatusCode::ALREADY_EXISTS,
                                                 "Phone already registered");
    }
  }
  auto role = n.role() == userpb::ROLE_UNSPECIFIED ? userpb::ROLE_USER : n.role();
  auto account = add(role, n.username(), request.password(), n.email(), n.phone());
  if (n.has_full_name()) account.set_full_name(n.full_name());
  if (n.has_city()) account.set_city(n.city());
  accounts[account.id()] = account;
  authpb::RegisterResponse response;
  *response.mutable_account() = account;
  if (request.issue_access_token()) response.set_access_token(token_for(account));
  if (!idempotency.key.empty()) {
    stored[{idempotency.caller, idempotency.key}] = {idempotency.fingerprint,
                                                     response.SerializeAsString()};
  }
  return Reply<authpb::RegisterResponse>{grpc::Status::OK, response, {}};
}

Reply<authpb::LoginResponse> FakeBackend::Login(const authpb::LoginRequest& request,
                                               const std::string&) {
  FAKE_CALL(authpb::LoginResponse, "auth.Login");
  for (const auto& [id, a] : accounts) {
    bool match =
        (request.has_username() && a.has_username() && a.username() == request.username()) ||
        (request.has_email() && a.has_email() && a.email() == request.email()) ||
        (request.has_phone() && a.has_phone() && a.phone() == request.phone());
    if (!match || passwords[id] != request.password()) continue;
    if (!a.is_active())
      return failed<authpb::LoginResponse>(grpc::StatusCode::PERMISSION_DENIED,
                                              "User is inactive");
    authpb::LoginResponse response;
    *response.mutable_account() = a;
    response.set_access_token(token_for(a));
    if (request.issue_refresh_token()) {
      auto token = "rt-" + std::to_string(next_refresh_++);
      refresh_tokens[token] = id;
      response.set_refresh_token(token);
    }
    return Reply<authpb::LoginResponse>{grpc::Status::OK, response, {}};
  }
  return failed<authpb::LoginResponse>(grpc::StatusCode::UNAUTHENTICATED, "Invalid credentials");
}

Reply<authpb::RefreshResponse> FakeBackend::Refresh(const authpb::RefreshRequest& request,
                                                   const std::string&) {
  FAKE_CALL(authpb::RefreshResponse, "auth.Refresh");
  auto it = refresh_tokens.find(request.refresh_token());
  if (it == refresh_tokens.end()) {
    return failed<authpb::RefreshResponse>(grpc::StatusCode::UNAUTHENTICATED,
                                              "Invalid refresh token");
  }
  authpb::RefreshResponse response;
  response.set_access_token(token_for(accounts.at(it->second)));
  return Reply<authpb::RefreshResponse>{grpc::Status::OK, response, {}};
}

Reply<authpb::LogoutResponse> FakeBackend::Logout(const authpb::LogoutRequest& request,
                                                 const std::string&) {
  FAKE_CALL(authpb::LogoutResponse, "auth.Logout");
  if (refresh_tokens.erase(request.refresh_token()) == 0) {
    return failed<authpb::LogoutResponse>(grpc::StatusCode::UNAUTHENTICATED,
                                             "Invalid refresh token");
  }
  return Reply<authpb::LogoutResponse>{grpc::Status::OK, {}, {}};
}

Reply<authpb::SetPasswordResponse> FakeBackend::SetPassword(
    const authpb::SetPasswordRequest& request, const std::string&) {
  FAKE_CALL(authpb::SetPasswordResponse, "auth.SetPassword");
  passwords[request.user_id()] = request.password();
  return Reply<authpb::SetPasswordResponse>{grpc::Status::OK, {}, {}};
}

Reply<authpb::DeleteCredentialsResponse> FakeBackend::DeleteCredentials(
    const authpb::DeleteCredentialsRequest& request, const std::string&) {
  FAKE_CALL(authpb::DeleteCredentialsResponse, "auth.DeleteCredentials");
  passwords.erase(request.user_id());
  return Reply<authpb::DeleteCredentialsResponse>{grpc::Status::OK, {}, {}};
}

Reply<authpb::GetPublicKeyResponse> FakeBackend::GetPublicKey(const authpb::GetPublicKeyRequest&, const std::string&) {
  FAKE_CALL(authpb::GetPublicKeyResponse, "auth.GetPublicKey");
  authpb::GetPublicKeyResponse response;
  response.set_algorithm("EdDSA");
  response.set_public_key_pem(public_pem_);
  response.set_key_id("k1");
  response.set_issuer("fleetgate");
  return Reply<authpb::GetPublicKeyResponse>{grpc::Status::OK, response, {}};
}

Reply<healthpb::HealthCheckResponse> FakeBackend::Check(std::string_view service) {
  healthpb::HealthCheckResponse response;
  const bool up =
      serving && (service != "device-session" || device_session_serving);
  response.set_status(up ? healthpb::HealthCheckResponse::SERVING
                         : healthpb::HealthCheckResponse::NOT_SERVING);
  return Reply<healthpb::HealthCheckResponse>{grpc::Status::OK, response, {}};
}

// --- device-session ------------------------------------------------------------------------

void FakeWatch::cancel() {
  {
    std::lock_guard lock(mutex_);
    cancelled_ = true;
  }
  finish(grpc::Status(grpc::StatusCode::CANCELLED, "Cancelled"));
}

void FakeWatch::push(dspb::DeviceEvent::Kind kind, const dspb::Device& device) {
  std::lock_guard lock(mutex_);
  if (done_) return;
  dspb::DeviceEvent event;
  event.set_kind(kind);
  *event.mutable_device() = device;
  callbacks_.on_event(event);
}

void FakeWatch::finish(const grpc::Status& status) {
  std::lock_guard lock(mutex_);
  if (done_) return;
  done_ = true;
  callbacks_.on_done(status);
  callbacks_ = {};
}

bool FakeWatch::done() const {
  std::lock_guard lock(mutex_);
  return done_;
}

bool FakeWatch::cancelled() const {
  std::lock_guard lock(mutex_);
  return cancelled_;
}

void FakeBackend::add_device(std::int64_t id, std::string name, std::string type,
                             std::string hourly_cost) {
  dspb::Device d;
  d.set_id(id);
  d.set_name(std::move(name));
  d.set_type(std::move(type));
  d.set_hourly_cost(std::move(hourly_cost));
  devices[id] = d;
}

dspb::Device FakeBackend::current(std::int64_t id) {
  auto& d = devices.at(id);
  const auto now = clock_.now();
  if (d.running() && time_of(d.end_time()) <= now) {
    d.set_running(false);
    d.clear_user_id();
    d.clear_end_time();
    publish(dspb::DeviceEvent::KIND_EXPIRED, d);
  }
  dspb::Device view = d;
  view.set_time_left(
      d.running() ? std::chrono::duration<double>(time_of(d.end_time()) - now).count() : 0.0);
  set_time(now, view.mutable_as_of());
  return view;
}

void FakeBackend::publish(dspb::DeviceEvent::Kind kind, const dspb::Device& device) {
  for (const auto& watch : watches()) {
    if (watch->device_id == device.id()) watch->push(kind, device);
  }
}

std::vector<std::shared_ptr<FakeWatch>> FakeBackend::watches() const {
  std::lock_guard lock(watch_mutex_);
  return watches_;
}

std::size_t FakeBackend::open_watches() const {
  std::size_t open = 0;
  for (const auto& watch : watches()) open += watch->done() ? 0 : 1;
  return open;
}

std::shared_ptr<upstream::Watch> FakeBackend::watch_device(std::int64_t device_id,
                                                          upstream::WatchCallbacks callbacks) {
  auto watch = std::make_shared<FakeWatch>(device_id, std::move(callbacks));
  {
    std::lock_guard lock(watch_mutex_);
    watches_.push_back(watch);
  }
  if (snapshot_on_watch) {
    if (devices.count(device_id)) {
      watch->push(dspb::DeviceEvent::KIND_SNAPSHOT, current(device_id));
    } else {
      watch->finish(grpc::Status(grpc::StatusCode::NOT_FOUND, "Device not found"));
    }
  }
  return watch;
}

// The idempotency rules of libs/idempotency for a keyed call: a reply to give now, or nullopt to
// run the effect.
template <typename T>
std::optional<Reply<T>> keyed_outcome(FakeBackend& fake, const upstream::Idempotency& key) {
  if (key.key.empty()) return std::nullopt;
  if (fake.next_in_flight) {
    fake.next_in_flight = false;
    return Reply<T>{grpc::Status(grpc::StatusCode::ABORTED,
                                 "A request with this idempotency key is in progress"),
                    T{},
                    {{"x-idempotency", "in-flight"}}};
  }
  auto it = fake.stored.find({key.caller, key.key});
  if (it == fake.stored.end()) return std::nullopt;
  if (it->second.first != key.fingerprint) {
    return Reply<T>{grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                 "Idempotency key was used with a different request"),
                    T{},
                    {{"x-idempotency", "mismatch"}}};
  }
  T replay;
  replay.ParseFromString(it->second.second);
  return Reply<T>{grpc::Status::OK, replay, {{"x-idempotency", "replayed"}}};
}

Reply<dspb::ListDevicesResponse> FakeBackend::ListDevices(const dspb::ListDevicesRequest&,
                                                         const std::string&) {
  FAKE_CALL(dspb::ListDevicesResponse, "device_session.ListDevices");
  dspb::ListDevicesResponse response;
  for (const auto& [id, device] : devices) *response.add_devices() = current(id);
  return Reply<dspb::ListDevicesResponse>{grpc::Status::OK, response, {}};
}

Reply<dspb::GetDeviceResponse> FakeBackend::GetDevice(const dspb::GetDeviceRequest& request,
                                                     const std::string&) {
  FAKE_CALL(dspb::GetDeviceResponse, "device_session.GetDevice");
  if (!devices.count(request.device_id())) {
    return failed<dspb::GetDeviceResponse>(grpc::StatusCode::NOT_FOUND, "Device not found");
  }
  dspb::GetDeviceResponse response;
  *response.mutable_device() = current(request.device_id());
  return Reply<dspb::GetDeviceResponse>{grpc::Status::OK, response, {}};
}

Reply<dspb::StartDeviceResponse> FakeBackend::StartDevice(const dspb::StartDeviceRequest& request,
                                                         const upstream::Idempotency& idempotency,
                                                         const std::string&) {
  FAKE_CALL(dspb::StartDeviceResponse, "device_session.StartDevice");
  idempotency_sent.push_back(idempotency);
  if (auto early = keyed_outcome<dspb::StartDeviceResponse>(*this, idempotency)) {
    return std::move(*early);
  }
  if (request.duration_minutes() < 1 || request.duration_minutes() > 1440) {
    return failed<dspb::StartDeviceResponse>(grpc::StatusCode::INVALID_ARGUMENT,
                                                "Duration must be between 1 and 1440 minutes");
  }
  if (!devices.count(request.device_id())) {
    return failed<dspb::StartDeviceResponse>(grpc::StatusCode::NOT_FOUND, "Device not found");
  }
  if (current(request.device_id()).running()) {
    return failed<dspb::StartDeviceResponse>(grpc::StatusCode::FAILED_PRECONDITION,
                                                "Device is already running");
  }
  auto& device = devices.at(request.device_id());
  const std::int64_t cost = (cents_of(device.hourly_cost()) * request.duration_minutes() + 30) / 60;
  const std::int64_t cash =
      wallets.count(request.user_id()) ? cents_of(wallets[request.user_id()]) : 0;
  if (cash < cost) {
    return failed<dspb::StartDeviceResponse>(grpc::StatusCode::FAILED_PRECONDITION,
                                                "Insufficient funds");
  }
  wallets[request.user_id()] = text_of(cash - cost);
  device.set_running(true);
  device.set_user_id(request.user_id());
  set_time(clock_.now() + std::chrono::minutes(request.duration_minutes()),
           device.mutable_end_time());
  dspb::StartDeviceResponse response;
  *response.mutable_device() = current(device.id());
  response.set_charged_amount(text_of(cost));
  if (!idempotency.key.empty()) {
    stored[{idempotency.caller, idempotency.key}] = {idempotency.fingerprint,
                                                     response.SerializeAsString()};
  }
  publish(dspb::DeviceEvent::KIND_STARTED, response.device());
  return Reply<dspb::StartDeviceResponse>{grpc::Status::OK, response, {}};
}

Reply<dspb::StopDeviceResponse> FakeBackend::StopDevice(const dspb::StopDeviceRequest& request,
                                                       const upstream::Idempotency& idempotency,
                                                       const std::string&) {
  FAKE_CALL(dspb::StopDeviceResponse, "device_session.StopDevice");
  idempotency_sent.push_back(idempotency);
  if (auto early = keyed_outcome<dspb::StopDeviceResponse>(*this, idempotency)) {
    return std::move(*early);
  }
  if (!devices.count(request.device_id())) {
    return failed<dspb::StopDeviceResponse>(grpc::StatusCode::NOT_FOUND, "Device not found");
  }
  auto now_view = current(request.device_id());
  if (!now_view.running()) {
    return failed<dspb::StopDeviceResponse>(grpc::StatusCode::FAILED_PRECONDITION,
                                               "Device is not running");
  }
  if (!request.actor_is_admin() && request.actor_user_id() != now_view.user_id()) {
    return failed<dspb::StopDeviceResponse>(grpc::StatusCode::PERMISSION_DENIED,
                                               "Not enough permissions");
  }
  auto& device = devices.at(request.device_id());
  const auto remaining =
      std::chrono::floor<std::chrono::seconds>(time_of(device.end_time()) - clock_.now());
  const std::int64_t refund = (cents_of(device.hourly_cost()) * remaining.count() + 1800) / 3600;
  const auto user = device.user_id();
  const std::int64_t cash = wallets.count(user) ? cents_of(wallets[user]) : 0;
  wallets[user] = text_of(cash + refund);
  device.set_running(false);
  device.clear_user_id();
  device.clear_end_time();
  dspb::StopDeviceResponse response;
  *response.mutable_device() = current(device.id());
  response.set_refund_amount(text_of(refund));
  if (!idempotency.key.empty()) {
    stored[{idempotency.caller, idempotency.key}] = {idempotency.fingerprint,
                                                     response.SerializeAsString()};
  }
  publish(dspb::DeviceEvent::KIND_STOPPED, response.device());
  return Reply<dspb::StopDeviceResponse>{grpc::Status::OK, response, {}};
}

Reply<dspb::GetWalletsResponse> FakeBackend::GetWallets(const dspb::GetWalletsRequest& request,
                                                       const std::string&) {
  FAKE_CALL(dspb::GetWalletsResponse, "device_session.GetWallets");
  dspb::GetWalletsResponse response;
  for (auto id : request.user_ids()) {
    auto* wallet = response.add_wallets();
    wallet->set_user_id(id);
    wallet->set_cash(wallets.count(id) ? wallets[id] : "0.00");
  }
  return Reply<dspb::GetWalletsResponse>{grpc::Status::OK, response, {}};
}

Reply<dspb::SetCashResponse> FakeBackend::SetCash(const dspb::SetCashRequest& request,
                                                 const std::string&) {
  FAKE_CALL(dspb::SetCashResponse, "device_session.SetCash");
  cash_changes.push_back(request);
  wallets[request.user_id()] = text_of(cents_of(request.cash()));
  dspb::SetCashResponse response;
  response.mutable_wallet()->set_user_id(request.user_id());
  response.mutable_wallet()->set_cash(wallets[request.user_id()]);
  return Reply<dspb::SetCashResponse>{grpc::Status::OK, response, {}};
}

// Dispatch by request type, as the real services would receive the call.
namespace {

template <typename Request>
const Request* as(const google::protobuf::Message& message) {
  return dynamic_cast<const Request*>(&message);
}

template <typename T>
upstream::RawReply raw(Reply<T> reply) {
  upstream::RawReply out{std::move(reply.status), {}, std::move(reply.trailers)};
  if (out.status.ok()) reply.message.SerializeToString(&out.response);
  return out;
}

std::string value_of(const upstream::Metadata& metadata, std::string_view name) {
  for (const auto& [key, value] : metadata) {
    if (key == name) return value;
  }
  return {};
}

}  // namespace

upstream::RawReply FakeBackend::answer(const google::protobuf::Message& request,
                                       const upstream::Metadata& metadata) {
  const std::string id = value_of(metadata, "x-request-id");
  const upstream::Idempotency key{value_of(metadata, "x-idempotency-key"),
                                  value_of(metadata, "x-idempotency-fingerprint"),
                                  value_of(metadata, "x-caller-id")};
  if (auto* r = as<userpb::GetUserRequest>(request)) return raw(GetUser(*r, id));
  if (auto* r = as<userpb::ListUsersRequest>(request)) return raw(ListUsers(*r, id));
  if (auto* r = as<userpb::UpdateUserRequest>(request)) return raw(UpdateUser(*r, id));
  if (auto* r = as<userpb::DeleteUserRequest>(request)) return raw(DeleteUser(*r, id));
  if (auto* r = as<authpb::RegisterRequest>(request)) return raw(Register(*r, key, id));
  if (auto* r = as<authpb::LoginRequest>(request)) return raw(Login(*r, id));
  if (auto* r = as<authpb::RefreshRequest>(request)) return raw(Refresh(*r, id));
  if (auto* r = as<authpb::LogoutRequest>(request)) return raw(Logout(*r, id));
  if (auto* r = as<authpb::SetPasswordRequest>(request)) return raw(SetPassword(*r, id));
  if (auto* r = as<authpb::DeleteCredentialsRequest>(request)) return raw(DeleteCredentials(*r, id));
  if (auto* r = as<authpb::GetPublicKeyRequest>(request)) return raw(GetPublicKey(*r, id));
  if (as<healthpb::HealthCheckRequest>(request)) return raw(Check(value_of(metadata, "x-service")));
  if (auto* r = as<dspb::ListDevicesRequest>(request)) return raw(ListDevices(*r, id));
  if (auto* r = as<dspb::GetDeviceRequest>(request)) return raw(GetDevice(*r, id));
  if (auto* r = as<dspb::StartDeviceRequest>(request)) return raw(StartDevice(*r, key, id));
  if (auto* r = as<dspb::StopDeviceRequest>(request)) return raw(StopDevice(*r, key, id));
  if (auto* r = as<dspb::GetWalletsRequest>(request)) return raw(GetWallets(*r, id));
  if (auto* r = as<dspb::SetCashRequest>(request)) return raw(SetCash(*r, id));
  return {grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "no fake for " + request.GetTypeName()), {}, {}};
}

}  // namespace fleet::gateway::testing
