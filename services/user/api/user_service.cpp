#include "api/user_service.h"

#include "fleet/common/error.h"
#include "fleet/rpc/convert.h"
#include "fleet/rpc/profile.h"
#include "fleet/rpc/unary.h"

namespace fleet::user {
namespace {

std::optional<Role> role_of(v1::Role role) {
  switch (role) {
    case v1::ROLE_UNSPECIFIED:
      return std::nullopt;
    case v1::ROLE_USER:
      return Role::kUser;
    case v1::ROLE_OPERATOR:
      return Role::kOperator;
    case v1::ROLE_ADMIN:
      return Role::kAdmin;
    default:
      throw DomainError(ErrorCode::kInvalidArgument, "Unknown role");
  }
}

v1::Role proto_role(Role role) {
  switch (role) {
    case Role::kOperator:
      return v1::ROLE_OPERATOR;
    case Role::kAdmin:
      return v1::ROLE_ADMIN;
    case Role::kUser:
      break;
  }
  return v1::ROLE_USER;
}

void to_proto(const Account& a, v1::Account* out) {
  out->set_id(a.id);
  rpc::write_profile(a, out);
  out->set_role(proto_role(a.role));
  out->set_is_active(a.is_active);
  rpc::set_timestamp(out->mutable_created_at(), a.created_at);
  rpc::set_timestamp(out->mutable_updated_at(), a.updated_at);
}

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
                                                  v1::DeleteUserResponse*) {
  return rpc::run_unary(context, workers_, [this, request] { users_.remove(request->id()); });
}

}  // namespace fleet::user
