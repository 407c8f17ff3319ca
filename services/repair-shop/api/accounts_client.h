#pragma once
// Accounts over the user service's gRPC API (fleetgate.user.v1.UserService/GetUser), with the
// generated sync stub: domain work already runs on the worker pool, so blocking here never
// blocks a gRPC thread.
#include <grpcpp/grpcpp.h>

#include <chrono>

#include "domain/accounts.h"
#include "user/v1/user.grpc.pb.h"

namespace fleet::repair_shop {

class GrpcAccounts final : public Accounts {
 public:
  using Stub = fleetgate::user::v1::UserService::StubInterface;
  static constexpr std::chrono::milliseconds kDefaultTimeout{3000};

  // `incoming`: the call being served, whose deadline, cancellation and request id carry over.
  GrpcAccounts(Stub& stub, const grpc::CallbackServerContext& incoming,
               std::chrono::milliseconds timeout = kDefaultTimeout)
      : stub_(stub), incoming_(incoming), timeout_(timeout) {}

  // NOT_FOUND (and INVALID_ARGUMENT, an id that cannot name an account) -> false; transport
  // trouble -> DomainError UNAVAILABLE "Service unavailable"; anything else -> INTERNAL.
  bool exists(std::int64_t id) override;

 private:
  Stub& stub_;
  const grpc::CallbackServerContext& incoming_;
  std::chrono::milliseconds timeout_;
};

}  // namespace fleet::repair_shop
