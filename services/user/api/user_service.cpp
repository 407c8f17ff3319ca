#include "api/user_service.h"

#include "api/account_feed_reactor.h"
#include "api/convert.h"
#include "fleet/common/error.h"
#include "fleet/common/logging.h"
#include "fleet/rpc/convert.h"
#include "fleet/rpc/profile.h"
#include "fleet/rpc/unary.h"

namespace fleet::user {
namespace {

// proto3 `optional string`: present or absent, as in the domain.
using rpc::optional_field;

NewAccount new_account_of(const v1::NewAccount& in) {
  NewAccount account;
  rpc::read_profile(in, account);
  account.role = role_of(in.role()).value_or(Role::kUser);
  return account;
}

AccountChanges changes_of(const v1::UpdateUserRequest& in) {
  AccountChanges changes;
  rpc::read_profile(in, changes);
  if (in.has_role()) changes.role = role_of(in.role());  // UNSPECIFIED: unchanged
  if (in.has_is_active()) changes.is_active = in.is_active();
  return changes;
}

std::pair<Identifier, std::string> identifier_of(const v1::FindUserRequest& in) {
  switch (in.identifier_case()) {
    case v1::FindUserRequest::kEmail:
      return {Identifier::kEmail, in.email()};
    case v1::FindUserRequest::kPhone:
      return {Identifier::kPhone, in.phone()};
    case v1::FindUserRequest::kUsername:
      return {Identifier::kUsername, in.username()};
    case v1::FindUserRequest::IDENTIFIER_NOT_SET:
      break;
  }
  return {Identifier::kUsername, ""};  // none set: the domain rejects the empty value
}

}  // namespace

grpc::ServerUnaryReactor* UserService::CreateUser(grpc::CallbackServerContext* context,
                                                  const v1::CreateUserRequest* request,
                                                  v1::CreateUserResponse* response) {
  return rpc::run_unary(context, workers_, [this, request, response] {
    to_proto(users_.create(new_account_of(request->account())), response->mutable_account());
  });
}

grpc::ServerUnaryReactor* UserService::GetUser(grpc::CallbackServerContext* context,
                                               const v1::GetUserRequest* request,
                                               v1::GetUserResponse* response) {
  return rpc::run_unary(context, workers_, [this, request, response] {
    to_proto(users_.get(request->id()), response->mutable_account());
  });
}

grpc::ServerUnaryReactor* UserService::FindUser(grpc::CallbackServerContext* context,
                                                const v1::FindUserRequest* request,
                                                v1::FindUserResponse* response) {
  return rpc::run_unary(context, workers_, [this, request, response] {
    const auto [by, value] = identifier_of(*request);
    to_proto(users_.find(by, value), response->mutable_account());
  });
}

grpc::ServerUnaryReactor* UserService::ListUsers(grpc::CallbackServerContext* context,
                                                 const v1::ListUsersRequest* request,
                                                 v1::ListUsersResponse* response) {
  return rpc::run_unary(context, workers_, [this, request, response] {
    for (const auto& account : users_.list(request->offset(), request->limit())) {
      to_proto(account, response->add_accounts());
    }
  });
}

grpc::ServerUnaryReactor* UserService::UpdateUser(grpc::CallbackServerContext* context,
                                                  const v1::UpdateUserRequest* request,
                                                  v1::UpdateUserResponse* response) {
  return rpc::run_unary(context, workers_, [this, request, response] {
    to_proto(users_.update(request->id(), changes_of(*request)), response->mutable_account());
  });
}

grpc::ServerUnaryReactor* UserService::DeleteUser(grpc::CallbackServerContext* context,
                                                  const v1::DeleteUserRequest* request,
                                                  v1::DeleteUserResponse* response) {
  return rpc::run_unary(context, workers_, [this, request, response] {
    response->set_version(users_.remove(request->id()));
  });
}

grpc::ServerWriteReactor<v1::AccountChange>* UserService::WatchAccounts(
    grpc::CallbackServerContext* context, const v1::WatchAccountsRequest*) {
  // Subscribed before the snapshot is read: a change committed after the read follows it; one
  // that is in both carries the same version and the reader ignores it.
  auto reactor = AccountFeedReactor::open(hub_, feed_capacity_);
  if (!reactor->subscribed()) return reactor.get();  // refused: no snapshot to read
  workers_.post([this, reactor, id = rpc::request_id(*context)] {
    log::ScopedRequestId scope(id);
    try {
      std::vector<AccountChange> snapshot;
      for (auto& account : users_.all()) {
        snapshot.push_back(AccountChange{AccountChange::Kind::kSnapshot, std::move(account)});
      }
      snapshot.push_back(AccountChange{AccountChange::Kind::kReady, {}});
      reactor->begin(std::move(snapshot));
    } catch (const std::exception& e) {
      log::error("account_snapshot_failed", {{"cause", e.what()}});
      reactor->end(WatchEnd::kFailed);
    }
  });
  return reactor.get();
}

}  // namespace fleet::user
