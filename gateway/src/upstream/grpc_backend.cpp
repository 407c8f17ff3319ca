// Backend over gRPC callback-API stubs.
#include <grpcpp/channel.h>

#include "auth/v1/auth.grpc.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "upstream/backend.h"
#include "user/v1/user.grpc.pb.h"

namespace fleet::gateway::upstream {
namespace {

// One unary call on `stub`: a callback-API method, as an awaitable. These member functions are
// not coroutines themselves: they only copy the arguments into unary_call's frame.
#define FLEET_UNARY(stub, Method, Response, timeout_ms, request_id)                     \
  unary_call<Response>(                                                                 \
      [s = (stub).get()](grpc::ClientContext* context, const auto* req, Response* resp, \
                         std::function<void(grpc::Status)> done) {                      \
        s->async()->Method(context, req, resp, std::move(done));                        \
      },                                                                                \
      request, CallOptions{timeout_ms, request_id}, &in_flight_)

class GrpcBackend final : public Backend {
 public:
  GrpcBackend(std::shared_ptr<grpc::Channel> auth, std::shared_ptr<grpc::Channel> user,
              std::chrono::milliseconds timeout, InFlight& in_flight)
      : auth_(authpb::AuthService::NewStub(auth)),
        user_(userpb::UserService::NewStub(user)),
        auth_health_(healthpb::Health::NewStub(auth)),
        user_health_(healthpb::Health::NewStub(user)),
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
                                          const std::string& request_id) override {
    return FLEET_UNARY(auth_, Register, authpb::RegisterResponse, timeout_, request_id);
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

  Call<healthpb::HealthCheckResponse> Check(Service service,
                                            std::chrono::milliseconds timeout) override {
    const healthpb::HealthCheckRequest request;
    const std::string request_id;
    auto& stub = service == Service::kAuth ? auth_health_ : user_health_;
    return FLEET_UNARY(stub, Check, healthpb::HealthCheckResponse, timeout, request_id);
  }

 private:
  std::unique_ptr<authpb::AuthService::Stub> auth_;
  std::unique_ptr<userpb::UserService::Stub> user_;
  std::unique_ptr<healthpb::Health::Stub> auth_health_;
  std::unique_ptr<healthpb::Health::Stub> user_health_;
  std::chrono::milliseconds timeout_;
  InFlight& in_flight_;
};

#undef FLEET_UNARY

}  // namespace

std::unique_ptr<Backend> make_grpc_backend(std::shared_ptr<grpc::Channel> auth,
                                           std::shared_ptr<grpc::Channel> user,
                                           std::chrono::milliseconds timeout, InFlight& in_flight) {
  return std::make_unique<GrpcBackend>(std::move(auth), std::move(user), timeout, in_flight);
}

}  // namespace fleet::gateway::upstream
