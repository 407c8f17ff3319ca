#include "api/user_service.h"

#include "fleet/common/error.h"
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

void set_time(google::protobuf::Timestamp* out, Clock::time_point t) {
  const auto micros = std::chrono::floor<std::chrono::microseconds>(t).time_since_epoch().count();
  const auto seconds = micros >= 0 ? micros / 1'000'000 : (micros - 999'999) / 1'000'000;
  out->set_seconds(seconds);
  out->set_nanos(static_cast<std::int32_t>((micros - seconds * 1'000'000) * 1000));
}

void to_proto(const Account& a, v1::Account* out) {
  out->set_id(a.id);
  if (a.username) out->set_username(*a.username);
  if (a.email) out->set_email(*a.email);
  if (a.phone) out->set_phone(*a.phone);
  if (a.full_name) out->set_full_name(*a.full_name);
  out->set_role(proto_role(a.role));
  if (a.city) out->set_city(*a.city);
  if (a.profile_picture) out->set_profile_picture(*a.profile_picture);
  out->set_is_active(a.is_active);
  set_time(out->mutable_created_at(), a.created_at);
  set_time(out->mutable_updated_at(), a.updated_at);
}

// proto3 `optional string`: present or absent, as in the domain.
std::optional<std::string> opt(bool present, const std::string& value) {
  if (!present) return std::nullopt;
  return value;
}

NewAccount new_account_of(const v1::NewAccount& in) {
  return NewAccount{.username = opt(in.has_username(), in.username()),
                    .email = opt(in.has_email(), in.email()),
                    .phone = opt(in.has_phone(), in.phone()),
                    .full_name = opt(in.has_full_name(), in.full_name()),
                    .city = opt(in.has_city(), in.city()),
                    .profile_picture = opt(in.has_profile_picture(), in.profile_picture()),
                    .role = role_of(in.role()).value_or(Role::kUser)};
}

AccountChanges changes_of(const v1::UpdateUserRequest& in) {
  return AccountChanges{
      .username = opt(in.has_username(), in.username()),
      .email = opt(in.has_email(), in.email()),
      .phone = opt(in.has_phone(), in.phone()),
      .full_name = opt(in.has_full_name(), in.full_name()),
      .city = opt(in.has_city(), in.city()),
      .profile_picture = opt(in.has_profile_picture(), in.profile_picture()),
      .role = in.has_role() ? role_of(in.role()) : std::nullopt,  // UNSPECIFIED: unchanged
      .is_active = in.has_is_active() ? std::optional(in.is_active()) : std::nullopt};
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

grpc::ServerUnaryReactor* UserServiceAdapter::CreateUser(grpc::CallbackServerContext* context,
                                                         const v1::CreateUserRequest* request,
                                                         v1::CreateUserResponse* response) {
  return rpc::run_unary(context, workers_, [this, request, response] {
    to_proto(users_.create(new_account_of(request->account())), response->mutable_account());
  });
}

grpc::ServerUnaryReactor* UserServiceAdapter::GetUser(grpc::CallbackServerContext* context,
                                                      const v1::GetUserRequest* request,
                                                      v1::GetUserResponse* response) {
  return rpc::run_unary(context, workers_, [this, request, response] {
    to_proto(users_.get(request->id()), response->mutable_account());
  });
}

grpc::ServerUnaryReactor* UserServiceAdapter::FindUser(grpc::CallbackServerContext* context,
                                                       const v1::FindUserRequest* request,
                                                       v1::FindUserResponse* response) {
  return rpc::run_unary(context, workers_, [this, request, response] {
    const auto [by, value] = identifier_of(*request);
    to_proto(users_.find(by, value), response->mutable_account());
  });
}

grpc::ServerUnaryReactor* UserServiceAdapter::ListUsers(grpc::CallbackServerContext* context,
                                                        const v1::ListUsersRequest* request,
                                                        v1::ListUsersResponse* response) {
  return rpc::run_unary(context, workers_, [this, request, response] {
    for (const auto& account : users_.list(request->offset(), request->limit())) {
      to_proto(account, response->add_accounts());
    }
  });
}

grpc::ServerUnaryReactor* UserServiceAdapter::UpdateUser(grpc::CallbackServerContext* context,
                                                         const v1::UpdateUserRequest* request,
                                                         v1::UpdateUserResponse* response) {
  return rpc::run_unary(context, workers_, [this, request, response] {
    to_proto(users_.update(request->id(), changes_of(*request)), response->mutable_account());
  });
}

grpc::ServerUnaryReactor* UserServiceAdapter::DeleteUser(grpc::CallbackServerContext* context,
                                                         const v1::DeleteUserRequest* request,
                                                         v1::DeleteUserResponse*) {
  return rpc::run_unary(context, workers_, [this, request] { users_.remove(request->id()); });
}

}  // namespace fleet::user
