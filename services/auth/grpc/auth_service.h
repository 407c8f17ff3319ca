#pragma once
// The gRPC face of the auth service: each method hands its request to the domain on the worker
// pool (fleet::rpc::run_unary) and copies the result into the response. No rules live here.
#include "auth/v1/auth.grpc.pb.h"
#include "domain/auth_domain.h"
#include "fleet/rpc/server.h"
#include "user/v1/user.grpc.pb.h"

namespace fleet::auth {

class AuthGrpcService final : public fleetgate::auth::v1::AuthService::CallbackService {
 public:
  AuthGrpcService(AuthDomain& domain, fleetgate::user::v1::UserService::StubInterface& users,
                  rpc::WorkerPool& workers)
      : domain_(domain), users_(users), workers_(workers) {}

  grpc::ServerUnaryReactor* Register(grpc::CallbackServerContext* context,
                                     const fleetgate::auth::v1::RegisterRequest* request,
                                     fleetgate::auth::v1::RegisterResponse* response) override;
  grpc::ServerUnaryReactor* Login(grpc::CallbackServerContext* context,
                                  const fleetgate::auth::v1::LoginRequest* request,
                                  fleetgate::auth::v1::LoginResponse* response) override;
  grpc::ServerUnaryReactor* Refresh(grpc::CallbackServerContext* context,
                                    const fleetgate::auth::v1::RefreshRequest* request,
                                    fleetgate::auth::v1::RefreshResponse* response) override;
  grpc::ServerUnaryReactor* Logout(grpc::CallbackServerContext* context,
                                   const fleetgate::auth::v1::LogoutRequest* request,
                                   fleetgate::auth::v1::LogoutResponse* response) override;
  grpc::ServerUnaryReactor* SetPassword(
      grpc::CallbackServerContext* context, const fleetgate::auth::v1::SetPasswordRequest* request,
      fleetgate::auth::v1::SetPasswordResponse* response) override;
  grpc::ServerUnaryReactor* DeleteCredentials(
      grpc::CallbackServerContext* context,
      const fleetgate::auth::v1::DeleteCredentialsRequest* request,
      fleetgate::auth::v1::DeleteCredentialsResponse* response) override;
  grpc::ServerUnaryReactor* GetPublicKey(
      grpc::CallbackServerContext* context, const fleetgate::auth::v1::GetPublicKeyRequest* request,
      fleetgate::auth::v1::GetPublicKeyResponse* response) override;

 private:
  AuthDomain& domain_;
  fleetgate::user::v1::UserService::StubInterface& users_;
  rpc::WorkerPool& workers_;
};

}  // namespace fleet::auth
