#pragma once
// UserDirectory over the user service's gRPC API, with the generated sync stub: domain work
// already runs on the worker pool, so blocking here never blocks a gRPC thread.
#include <grpcpp/grpcpp.h>

#include <chrono>

#include "domain/user_directory.h"
#include "user/v1/user.grpc.pb.h"

namespace fleet::auth {

class GrpcUserDirectory final : public UserDirectory {
 public:
  using Stub = fleetgate::user::v1::UserService::StubInterface;
  static constexpr std::chrono::milliseconds kDefaultTimeout{3000};

  // `incoming`: the call being served, whose deadline, cancellation and request id carry over;
  // null for work outside any call (the admin bootstrap), which waits for the channel to be
  // ready rather than failing fast.
  GrpcUserDirectory(Stub& stub, const grpc::CallbackServerContext* incoming,
                    std::chrono::milliseconds timeout = kDefaultTimeout)
      : stub_(stub), incoming_(incoming), timeout_(timeout) {}

  Account create_user(const NewAccount& account) override;
  std::optional<Account> get_user(std::int64_t id) override;
  std::optional<Account> find_user(const LoginIdentifier& identifier) override;
  void delete_user(std::int64_t id) override;

 private:
  std::unique_ptr<grpc::ClientContext> context() const;

  Stub& stub_;
  const grpc::CallbackServerContext* incoming_;
  std::chrono::milliseconds timeout_;
};

}  // namespace fleet::auth
