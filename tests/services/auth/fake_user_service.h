#pragma once
// UserService over the in-memory fake directory, served over real gRPC in process, so that the
// auth adapter's GrpcUserDirectory is exercised as in production.
#include <grpcpp/grpcpp.h>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "api/account_convert.h"
#include "fakes.h"
#include "fleet/rpc/testing/in_process_server.h"
#include "user/v1/user.grpc.pb.h"

namespace fleet::auth::testing {

namespace upb = fleetgate::user::v1;

// UserService over the fake directory, recording the request ids it was sent.
class FakeUserService final : public upb::UserService::Service {
 public:
  FakeUserDirectory directory;
  std::mutex mutex;
  std::vector<std::string> request_ids;

  // While held, every call waits until release(): a Login then keeps its hashing thread busy.
  void hold() {
    std::lock_guard lock(mutex);
    held_ = true;
  }
  void release() {
    {
      std::lock_guard lock(mutex);
      held_ = false;
    }
    changed_.notify_all();
  }
  // Waits until `count` calls are held.
  void wait_for_held_calls(int count) {
    std::unique_lock lock(mutex);
    changed_.wait(lock, [&] { return held_calls_ >= count; });
  }

  grpc::Status CreateUser(grpc::ServerContext* c, const upb::CreateUserRequest* r,
                          upb::CreateUserResponse* out) override {
    return call(c, [&] {
      to_proto(directory.create_user(new_account_of(r->account())), out->mutable_account());
    });
  }
  grpc::Status GetUser(grpc::ServerContext* c, const upb::GetUserRequest* r,
                       upb::GetUserResponse* out) override {
    return call(c, [&] { to_proto(found(directory.get_user(r->id())), out->mutable_account()); });
  }
  grpc::Status FindUser(grpc::ServerContext* c, const upb::FindUserRequest* r,
                        upb::FindUserResponse* out) override {
    return call(c, [&] {
      LoginIdentifier id;
      if (r->has_username()) id = {LoginIdentifier::Kind::kUsername, r->username()};
      if (r->has_email()) id = {LoginIdentifier::Kind::kEmail, r->email()};
      if (r->has_phone()) id = {LoginIdentifier::Kind::kPhone, r->phone()};
      to_proto(found(directory.find_user(id)), out->mutable_account());
    });
  }
  grpc::Status DeleteUser(grpc::ServerContext* c, const upb::DeleteUserRequest* r,
                          upb::DeleteUserResponse*) override {
    return call(c, [&] { directory.delete_user(r->id()); });
  }

 private:
  std::condition_variable changed_;
  bool held_ = false;
  int held_calls_ = 0;

  static Account found(std::optional<Account> account) {
    if (!account) throw fleet::DomainError(fleet::ErrorCode::kNotFound, "User not found");
    return *account;
  }
  template <class Fn>
  grpc::Status call(grpc::ServerContext* context, Fn&& fn) {
    {
      std::lock_guard lock(mutex);
      auto it = context->client_metadata().find("x-request-id");
      request_ids.emplace_back(it == context->client_metadata().end()
                                   ? std::string()
                                   : std::string(it->second.data(), it->second.size()));
    }
    {
      std::unique_lock lock(mutex);
      ++held_calls_;
      changed_.notify_all();
      changed_.wait(lock, [&] { return !held_; });
      --held_calls_;
    }
    try {
      fn();
      return grpc::Status::OK;
    } catch (const fleet::DomainError& e) {
      const auto code = e.code() == fleet::ErrorCode::kNotFound ? grpc::StatusCode::NOT_FOUND
                        : e.code() == fleet::ErrorCode::kAlreadyExists
                            ? grpc::StatusCode::ALREADY_EXISTS
                            : grpc::StatusCode::INTERNAL;
      return grpc::Status(code, e.what());
    }
  }
};

// The fake served over gRPC in process (the gRPC test fixture), with a stub that calls it. The
// stub outlives the server: `server.reset()` stops the fake while callers keep their stub.
struct ServedFakeUserService {
  ServedFakeUserService() : server(std::in_place, service, "fake-user") {
    stub = upb::UserService::NewStub(server->channel());
  }
  FakeUserService service;
  std::optional<fleet::rpc::testing::InProcessServer<upb::UserService>> server;
  std::unique_ptr<upb::UserService::Stub> stub;
};

}  // namespace fleet::auth::testing
