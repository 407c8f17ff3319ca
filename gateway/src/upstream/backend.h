#pragma once
// What the surfaces need from the services, as awaitable calls. The real implementation calls
// gRPC stubs (make_grpc_backend); tests substitute a fake. Every call carries the request id
// and the configured deadline.
//
// Arguments are references so that `co_await backend.X(request, id)` creates no temporaries:
// g++ 12 may destroy a temporary with a destructor twice when it sits in a co_await
// expression. Coroutine code here therefore keeps such values in named variables.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "auth/v1/auth.pb.h"
#include "device_session/v1/device_session.pb.h"
#include "grpc/health/v1/health.pb.h"
#include "upstream/call.h"
#include "user/v1/user.pb.h"

namespace grpc {
class Channel;
}

namespace fleet::gateway::upstream {

namespace userpb = ::fleetgate::user::v1;
namespace authpb = ::fleetgate::auth::v1;
namespace healthpb = ::grpc::health::v1;
namespace dspb = ::fleetgate::device_session::v1;

template <typename T>
using Call = boost::asio::awaitable<Reply<T>>;

enum class Service { kAuth, kUser, kDeviceSession };

// What an idempotent call forwards as metadata (x-idempotency-key, x-idempotency-fingerprint,
// x-caller-id); an empty key sends nothing.
struct Idempotency {
  std::string key;
  std::string fingerprint;  // hex SHA-256 of method, path and body
  std::string caller;       // the acting account's id, or "anonymous" without a token
};

// One open WatchDevice stream. The callbacks run on gRPC threads: on_event for each message,
// then on_done exactly once, after which neither runs again. cancel() is thread-safe and may be
// called at any time, also after on_done.
struct WatchCallbacks {
  std::function<void(const dspb::DeviceEvent&)> on_event;
  std::function<void(const grpc::Status&)> on_done;
};
class Watch {
 public:
  virtual ~Watch() = default;
  virtual void cancel() = 0;
};

class Backend {
 public:
  virtual ~Backend() = default;

  // user service
  virtual Call<userpb::GetUserResponse> GetUser(const userpb::GetUserRequest& request,
                                                const std::string& request_id) = 0;
  virtual Call<userpb::ListUsersResponse> ListUsers(const userpb::ListUsersRequest& request,
                                                    const std::string& request_id) = 0;
  virtual Call<userpb::UpdateUserResponse> UpdateUser(const userpb::UpdateUserRequest& request,
                                                      const std::string& request_id) = 0;
  virtual Call<userpb::DeleteUserResponse> DeleteUser(const userpb::DeleteUserRequest& request,
                                                      const std::string& request_id) = 0;

  // auth service; Register is exactly-once per idempotency key.
  virtual Call<authpb::RegisterResponse> Register(const authpb::RegisterRequest& request,
                                                  const Idempotency& idempotency,
                                                  const std::string& request_id) = 0;
  virtual Call<authpb::LoginResponse> Login(const authpb::LoginRequest& request,
                                            const std::string& request_id) = 0;
  virtual Call<authpb::RefreshResponse> Refresh(const authpb::RefreshRequest& request,
                                                const std::string& request_id) = 0;
  virtual Call<authpb::LogoutResponse> Logout(const authpb::LogoutRequest& request,
                                              const std::string& request_id) = 0;
  virtual Call<authpb::SetPasswordResponse> SetPassword(const authpb::SetPasswordRequest& request,
                                                        const std::string& request_id) = 0;
  virtual Call<authpb::DeleteCredentialsResponse> DeleteCredentials(
      const authpb::DeleteCredentialsRequest& request, const std::string& request_id) = 0;
  virtual Call<authpb::GetPublicKeyResponse> GetPublicKey(const std::string& request_id) = 0;

  // device-session service
  virtual Call<dspb::ListDevicesResponse> ListDevices(const dspb::ListDevicesRequest& request,
                                                      const std::string& request_id) = 0;
  virtual Call<dspb::GetDeviceResponse> GetDevice(const dspb::GetDeviceRequest& request,
                                                  const std::string& request_id) = 0;
  virtual Call<dspb::StartDeviceResponse> StartDevice(const dspb::StartDeviceRequest& request,
                                                      const Idempotency& idempotency,
                                                      const std::string& request_id) = 0;
  virtual Call<dspb::StopDeviceResponse> StopDevice(const dspb::StopDeviceRequest& request,
                                                    const Idempotency& idempotency,
                                                    const std::string& request_id) = 0;
  virtual Call<dspb::GetWalletsResponse> GetWallets(const dspb::GetWalletsRequest& request,
                                                    const std::string& request_id) = 0;
  virtual Call<dspb::SetCashResponse> SetCash(const dspb::SetCashRequest& request,
                                              const std::string& request_id) = 0;
  // A server stream without deadline, open until cancelled or failed.
  virtual std::shared_ptr<Watch> WatchDevice(std::int64_t device_id, WatchCallbacks callbacks) = 0;

  // grpc.health.v1 Check of the whole server ("" service), with its own short deadline.
  virtual Call<healthpb::HealthCheckResponse> Check(Service service,
                                                    std::chrono::milliseconds timeout) = 0;
};

// Every call and stream counts in `in_flight` until its gRPC callback has run.
std::unique_ptr<Backend> make_grpc_backend(std::shared_ptr<grpc::Channel> auth,
                                           std::shared_ptr<grpc::Channel> user,
                                           std::shared_ptr<grpc::Channel> device_session,
                                           std::chrono::milliseconds timeout, InFlight& in_flight);

}  // namespace fleet::gateway::upstream
