#pragma once
// The user service as the repair shop sees it: GetUser answers for a set of ids (NOT_FOUND
// "User not found" otherwise), served over real gRPC in process so that GrpcAccounts is
// exercised as in production. Records the request ids it was sent.
#include <grpcpp/grpcpp.h>

#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "fleet/rpc/testing/in_process_server.h"
#include "user/v1/user.grpc.pb.h"

namespace fleet::repair_shop::testing {

namespace upb = fleetgate::user::v1;

class FakeUserService final : public upb::UserService::Service {
 public:
  explicit FakeUserService(std::set<std::int64_t> ids) : ids_(std::move(ids)) {}

  grpc::Status GetUser(grpc::ServerContext* context, const upb::GetUserRequest* request,
                       upb::GetUserResponse* response) override {
    std::lock_guard lock(mutex_);
    const auto it = context->client_metadata().find("x-request-id");
    request_ids_.emplace_back(it == context->client_metadata().end()
                                  ? std::string()
                                  : std::string(it->second.data(), it->second.size()));
    if (!ids_.count(request->id())) return {grpc::StatusCode::NOT_FOUND, "User not found"};
    response->mutable_account()->set_id(request->id());
    response->mutable_account()->set_role(upb::ROLE_USER);
    return grpc::Status::OK;
  }

  void add(std::int64_t id) {
    std::lock_guard lock(mutex_);
    ids_.insert(id);
  }
  std::vector<std::string> request_ids() {
    std::lock_guard lock(mutex_);
    return request_ids_;
  }

 private:
  std::mutex mutex_;
  std::set<std::int64_t> ids_;
  std::vector<std::string> request_ids_;
};

// The fake served in process, with a stub that outlives it: `server.reset()` stops the fake
// while callers keep their stub (the user service going away).
struct ServedFakeUserService {
  explicit ServedFakeUserService(std::set<std::int64_t> ids)
      : service(std::move(ids)), server(std::in_place, service, "fake-user") {
    stub = upb::UserService::NewStub(server->channel());
  }
  FakeUserService service;
  std::optional<fleet::rpc::testing::InProcessServer<upb::UserService>> server;
  std::unique_ptr<upb::UserService::Stub> stub;
};

}  // namespace fleet::repair_shop::testing
