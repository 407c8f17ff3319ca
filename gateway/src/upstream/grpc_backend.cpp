// Backend over gRPC callback-API stubs.
#include <grpcpp/channel.h>
#include <grpcpp/support/client_callback.h>

#include "auth/v1/auth.grpc.pb.h"
#include "device_session/v1/device_session.grpc.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "upstream/backend.h"
#include "user/v1/user.grpc.pb.h"

namespace fleet::gateway::upstream {
namespace {

// The metadata of libs/idempotency (fleet/idempotency/unary.h), the service side of the contract.
constexpr const char* kIdempotencyKey = "x-idempotency-key";
constexpr const char* kIdempotencyFingerprint = "x-idempotency-fingerprint";
constexpr const char* kCallerId = "x-caller-id";

Metadata idempotency_metadata(const Idempotency& idempotency) {
  if (idempotency.key.empty()) return {};
  return {{kIdempotencyKey, idempotency.key},
          {kIdempotencyFingerprint, idempotency.fingerprint},
          {kCallerId, idempotency.caller}};
}

// One WatchDevice stream. The reactor owns itself from start() until gRPC's OnDone (gRPC needs
// it alive until then); whoever holds the Watch handle may cancel at any time. One read is
// outstanding at a time, so event_ is only touched by the read in progress.
class WatchStream final : public grpc::ClientReadReactor<dspb::DeviceEvent>, public Watch {
 public:
  static std::shared_ptr<WatchStream> start(dspb::DeviceSessionService::Stub* stub,
                                            std::int64_t device_id, WatchCallbacks callbacks,
                                            InFlight& in_flight) {
    auto stream = std::shared_ptr<WatchStream>(new WatchStream(std::move(callbacks), in_flight));
    stream->self_ = stream;
    stream->request_.set_device_id(device_id);
    in_flight.begin();
    stub->async()->WatchDevice(&stream->context_, &stream->request_, stream.get());
    stream->StartRead(&stream->event_);
    stream->StartCall();
    return stream;
  }

  void cancel() override { context_.TryCancel(); }

  void OnReadDone(bool ok) override {
    if (!ok) return;  // the stream is over; OnDone follows
    callbacks_.on_event(event_);
    StartRead(&event_);
  }

  void OnDone(const grpc::Status& status) override {
    callbacks_.on_done(status);
    callbacks_ = {};
    InFlight& in_flight = in_flight_;
    self_.reset();  // may destroy this
    in_flight.end();
  }

 private:
  WatchStream(WatchCallbacks callbacks, InFlight& in_flight)
      : callbacks_(std::move(callbacks)), in_flight_(in_flight) {}

  grpc::ClientContext context_;
  dspb::WatchDeviceRequest request_;
  dspb::DeviceEvent event_;
  WatchCallbacks callbacks_;
  InFlight& in_flight_;
  std::shared_ptr<WatchStream> self_;
};

// One unary call on `stub`: a callback-API method, as an awaitable. These member functions are
// not coroutines themselves: they only copy the arguments into unary_call's frame.
#define FLEET_UNARY(stub, Method, Response, timeout_ms, request_id)                     \
  unary_call<Response>(                                                                 \
      [s = (stub).get()](grpc::ClientContext* context, const auto* req, Response* resp, \
                         std::function<void(grpc::Status)> done) {                      \
        s->async()->Method(context, req, resp, std::move(done));                        \
      },                                                                                \
      request, CallOptions{timeout_ms, request_id, {}}, &in_flight_)

// The same with idempotency metadata.
#define FLEET_UNARY_IDEMPOTENT(stub, Method, Response, timeout_ms, request_id, idempotency) \
  unary_call<Response>(                                                                     \
      [s = (stub).get()](grpc::ClientContext* context, const auto* req, Response* resp,     \
                         std::function<void(grpc::Status)> done) {                          \
        s->async()->Method(context, req, resp, std::move(done));                            \
      },                                                                                    \
      request, CallOptions{timeout_ms, request_id, idempotency_metadata(idempotency)},      \
      &in_flight_)

class GrpcBackend final : public Backend {
 public:
  GrpcBackend(std::shared_ptr<grpc::Channel> auth, std::shared_ptr<grpc::Channel> user,
              std::shared_ptr<grpc::Channel> device_session, std::chrono::milliseconds timeout,
              InFlight& in_flight)
      : auth_(authpb::AuthService::NewStub(auth)),
        user_(userpb::UserService::NewStub(user)),
        devices_(dspb::DeviceSessionService::NewStub(device_session)),
        auth_health_(healthpb::Health::NewStub(auth)),
        user_health_(healthpb::Health::NewStub(user)),
        devices_health_(healthpb::Health::NewStub(device_session)),
        timeout_(timeout),
        in_flight_(in_flight) {}

  Call<userpb::GetUserResponse> GetUser(const userpb::GetUserRequest& request,
                                        const std::string& request_id) override {
    return FLEET_UNARY(user_, GetUser, userpb::GetUserResponse, timeout_, request_id);
  }
  Call<userpb::ListUsersResponse> ListUsers(const userpb::ListUsersRequest& request,
                                            const std::string& request_id) override {
    return FLEET_UNARY(user_, ListUsers, userpb::ListUsersResponse, timeout_, request_id);
  }
  Call<userpb::UpdateUserResponse> UpdateUser(const userpb::UpdateUserRequest& request,
                                              const std::string& request_id) override {
    return FLEET_UNARY(user_, UpdateUser, userpb::UpdateUserResponse, timeout_, request_id);
  }
  Call<userpb::DeleteUserResponse> DeleteUser(const userpb::DeleteUserRequest& request,
                                              const std::string& request_id) override {
    return FLEET_UNARY(user_, DeleteUser, userpb::DeleteUserResponse, timeout_, request_id);
  }

  Call<authpb::RegisterResponse> Register(const authpb::RegisterRequest& request,
                                          const Idempotency& idempotency,
                                          const std::string& request_id) override {
    return FLEET_UNARY_IDEMPOTENT(auth_, Register, authpb::RegisterResponse, timeout_, request_id,
                                  idempotency);
  }
  Call<authpb::LoginResponse> Login(const authpb::LoginRequest& request,
                                    const std::string& request_id) override {
    return FLEET_UNARY(auth_, Login, authpb::LoginResponse, timeout_, request_id);
  }
  Call<authpb::RefreshResponse> Refresh(const authpb::RefreshRequest& request,
                                        const std::string& request_id) override {
    return FLEET_UNARY(auth_, Refresh, authpb::RefreshResponse, timeout_, request_id);
  }
  Call<authpb::LogoutResponse> Logout(const authpb::LogoutRequest& request,
                                      const std::string& request_id) override {
    return FLEET_UNARY(auth_, Logout, authpb::LogoutResponse, timeout_, request_id);
  }
  Call<authpb::SetPasswordResponse> SetPassword(const authpb::SetPasswordRequest& request,
                                                const std::string& request_id) override {
    return FLEET_UNARY(auth_, SetPassword, authpb::SetPasswordResponse, timeout_, request_id);
  }
  Call<authpb::DeleteCredentialsResponse> DeleteCredentials(
      const authpb::DeleteCredentialsRequest& request, const std::string& request_id) override {
    return FLEET_UNARY(auth_, DeleteCredentials, authpb::DeleteCredentialsResponse, timeout_,
                       request_id);
  }
  Call<authpb::GetPublicKeyResponse> GetPublicKey(const std::string& request_id) override {
    const authpb::GetPublicKeyRequest request;
    return FLEET_UNARY(auth_, GetPublicKey, authpb::GetPublicKeyResponse, timeout_, request_id);
  }

  Call<dspb::ListDevicesResponse> ListDevices(const dspb::ListDevicesRequest& request,
                                              const std::string& request_id) override {
    return FLEET_UNARY(devices_, ListDevices, dspb::ListDevicesResponse, timeout_, request_id);
  }
  Call<dspb::GetDeviceResponse> GetDevice(const dspb::GetDeviceRequest& request,
                                          const std::string& request_id) override {
    return FLEET_UNARY(devices_, GetDevice, dspb::GetDeviceResponse, timeout_, request_id);
  }
  Call<dspb::StartDeviceResponse> StartDevice(const dspb::StartDeviceRequest& request,
                                              const Idempotency& idempotency,
                                              const std::string& request_id) override {
    return FLEET_UNARY_IDEMPOTENT(devices_, StartDevice, dspb::StartDeviceResponse, timeout_,
                                  request_id, idempotency);
  }
  Call<dspb::StopDeviceResponse> StopDevice(const dspb::StopDeviceRequest& request,
                                            const Idempotency& idempotency,
                                            const std::string& request_id) override {
    return FLEET_UNARY_IDEMPOTENT(devices_, StopDevice, dspb::StopDeviceResponse, timeout_,
                                  request_id, idempotency);
  }
  Call<dspb::GetWalletsResponse> GetWallets(const dspb::GetWalletsRequest& request,
                                            const std::string& request_id) override {
    return FLEET_UNARY(devices_, GetWallets, dspb::GetWalletsResponse, timeout_, request_id);
  }
  Call<dspb::SetCashResponse> SetCash(const dspb::SetCashRequest& request,
                                      const std::string& request_id) override {
    return FLEET_UNARY(devices_, SetCash, dspb::SetCashResponse, timeout_, request_id);
  }
  std::shared_ptr<Watch> WatchDevice(std::int64_t device_id, WatchCallbacks callbacks) override {
    return WatchStream::start(devices_.get(), device_id, std::move(callbacks), in_flight_);
  }

  Call<healthpb::HealthCheckResponse> Check(Service service,
                                            std::chrono::milliseconds timeout) override {
    const healthpb::HealthCheckRequest request;
    const std::string request_id;
    auto& stub = service == Service::kAuth   ? auth_health_
                 : service == Service::kUser ? user_health_
                                             : devices_health_;
    return FLEET_UNARY(stub, Check, healthpb::HealthCheckResponse, timeout, request_id);
  }

 private:
  std::unique_ptr<authpb::AuthService::Stub> auth_;
  std::unique_ptr<userpb::UserService::Stub> user_;
  std::unique_ptr<dspb::DeviceSessionService::Stub> devices_;
  std::unique_ptr<healthpb::Health::Stub> auth_health_;
  std::unique_ptr<healthpb::Health::Stub> user_health_;
  std::unique_ptr<healthpb::Health::Stub> devices_health_;
  std::chrono::milliseconds timeout_;
  InFlight& in_flight_;
};

#undef FLEET_UNARY
#undef FLEET_UNARY_IDEMPOTENT

}  // namespace

std::unique_ptr<Backend> make_grpc_backend(std::shared_ptr<grpc::Channel> auth,
                                           std::shared_ptr<grpc::Channel> user,
                                           std::shared_ptr<grpc::Channel> device_session,
                                           std::chrono::milliseconds timeout, InFlight& in_flight) {
  return std::make_unique<GrpcBackend>(std::move(auth), std::move(user), std::move(device_session),
                                       timeout, in_flight);
}

}  // namespace fleet::gateway::upstream
