#pragma once
// The gRPC face of the user service: decodes requests, calls the domain on the worker pool
// (fleet::rpc::run_unary), encodes responses. No rules live here.
#include "domain/users.h"
#include "fleet/rpc/server.h"
#include "user/v1/user.grpc.pb.h"

namespace fleet::user {

namespace v1 = fleetgate::user::v1;

class UserService final : public v1::UserService::CallbackService {
 public:
  // Changes a WatchAccounts watcher may have waiting before it is ended as too slow.
  static constexpr std::size_t kDefaultFeedCapacity = 1024;

  UserService(Users& users, AccountHub& hub, rpc::WorkerPool& workers,
              std::size_t feed_capacity = kDefaultFeedCapacity)
      : users_(users), hub_(hub), workers_(workers), feed_capacity_(feed_capacity) {}

  grpc::ServerUnaryReactor* CreateUser(grpc::CallbackServerContext* context,
                                       const v1::CreateUserRequest* request,
                                       v1::CreateUserResponse* response) override;
  grpc::ServerUnaryReactor* GetUser(grpc::CallbackServerContext* context,
                                    const v1::GetUserRequest* request,
                                    v1::GetUserResponse* response) override;
  grpc::ServerUnaryReactor* FindUser(grpc::CallbackServerContext* context,
                                     const v1::FindUserRequest* request,
                                     v1::FindUserResponse* response) override;
  grpc::ServerUnaryReactor* ListUsers(grpc::CallbackServerContext* context,
                                      const v1::ListUsersRequest* request,
                                      v1::ListUsersResponse* response) override;
  grpc::ServerUnaryReactor* UpdateUser(grpc::CallbackServerContext* context,
                                       const v1::UpdateUserRequest* request,
                                       v1::UpdateUserResponse* response) override;
  grpc::ServerUnaryReactor* DeleteUser(grpc::CallbackServerContext* context,
                                       const v1::DeleteUserRequest* request,
                                       v1::DeleteUserResponse* response) override;
  // The snapshot (read on the workers after subscribing), KIND_READY, then every change.
  grpc::ServerWriteReactor<v1::AccountChange>* WatchAccounts(
      grpc::CallbackServerContext* context, const v1::WatchAccountsRequest* request) override;

 private:
  Users& users_;
  AccountHub& hub_;
  rpc::WorkerPool& workers_;
  const std::size_t feed_capacity_;
};

}  // namespace fleet::user
