#pragma once
// The gRPC face of the auth service: each method hands its request to the domain on a worker
// pool and copies the result into the response. No rules live here. The methods that run
// argon2id (Register, Login, SetPassword) go to `hashing`, a bounded pool of their own: when it
// is full they are refused at once with RESOURCE_EXHAUSTED "Too many requests", and they never
// take a thread of `workers`, so Refresh, Logout, DeleteCredentials and GetPublicKey answer
// while every hashing thread is busy.
// Register, the effectful POST of every surface, is exactly-once per idempotency key
// (libs/idempotency, PLATFORM.md "Idempotency") when given an ExactlyOnce: the new account's
// credential is stored in the same transaction that completes the key.
#include <functional>
#include <optional>

#include "auth/v1/auth.grpc.pb.h"
#include "domain/auth_domain.h"
#include "domain/credential_repository.h"
#include "fleet/idempotency/store.h"
#include "fleet/idempotency/unary.h"
#include "fleet/rpc/bounded_pool.h"
#include "fleet/rpc/server.h"
#include "user/v1/user.grpc.pb.h"

namespace fleet::auth {

struct ExactlyOnceRegister {
  idempotency::Store& store;
  // Opens the credential writes on the key's transaction (MariadbAuthRepository::transaction_on
  // in main).
  idempotency::TransactionFactory<CredentialTransaction> open_transaction;
};

// The gRPC adapter of fleetgate.auth.v1.AuthService.
class AuthService final : public fleetgate::auth::v1::AuthService::CallbackService {
 public:
  // Without `exactly_once` Register ignores idempotency metadata (tests on in-memory storage).
  AuthService(AuthDomain& domain, fleetgate::user::v1::UserService::StubInterface& users,
              rpc::WorkerPool& workers, rpc::BoundedPool& hashing,
              std::optional<ExactlyOnceRegister> exactly_once = std::nullopt)
      : domain_(domain),
        users_(users),
        workers_(workers),
        hashing_(hashing),
        exactly_once_(std::move(exactly_once)) {}

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
  rpc::BoundedPool& hashing_;
  std::optional<ExactlyOnceRegister> exactly_once_;
};

}  // namespace fleet::auth
