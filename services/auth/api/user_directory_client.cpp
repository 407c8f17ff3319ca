#include "user_directory_client.h"

#include "api/account_convert.h"
#include "fleet/common/error.h"
#include "fleet/common/logging.h"
#include "fleet/rpc/unary.h"

namespace fleet::auth {
namespace {

namespace pb = fleetgate::user::v1;

// The user service's refusals are client-safe and pass through; transport trouble becomes
// UNAVAILABLE; anything else is an internal error whose detail stays in the log.
[[noreturn]] void fail(std::string_view method, const grpc::Status& status) {
  switch (status.error_code()) {
    case grpc::StatusCode::INVALID_ARGUMENT:
      throw DomainError(ErrorCode::kInvalidArgument, status.error_message());
    case grpc::StatusCode::ALREADY_EXISTS:
      throw DomainError(ErrorCode::kAlreadyExists, status.error_message());
    case grpc::StatusCode::NOT_FOUND:
      throw DomainError(ErrorCode::kNotFound, status.error_message());
    case grpc::StatusCode::FAILED_PRECONDITION:
      throw DomainError(ErrorCode::kFailedPrecondition, status.error_message());
    case grpc::StatusCode::PERMISSION_DENIED:
      throw DomainError(ErrorCode::kPermissionDenied, status.error_message());
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
    case grpc::StatusCode::CANCELLED:
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      log::warn("user_service_unavailable", {{"method", method},
                                             {"code", static_cast<int>(status.error_code())},
                                             {"cause", status.error_message()}});
      throw DomainError(ErrorCode::kUnavailable, "Service unavailable");
    default:
      log::error("user_service_failed", {{"method", method},
                                         {"code", static_cast<int>(status.error_code())},
                                         {"cause", status.error_message()}});
      throw DomainError(ErrorCode::kInternal, "Internal error");
  }
}

}  // namespace

std::unique_ptr<grpc::ClientContext> GrpcUserDirectory::context() const {
  if (incoming_ != nullptr) return rpc::downstream_context(*incoming_, timeout_);
  // Startup work waits (up to the timeout) for the channel to connect instead of failing fast
  // while the user service is still coming up.
  auto context = rpc::client_context(timeout_, log::current_request_id());
  context->set_wait_for_ready(true);
  return context;
}

Account GrpcUserDirectory::create_user(const NewAccount& account) {
  pb::CreateUserRequest request;
  to_proto(account, request.mutable_account());
  pb::CreateUserResponse response;
  const auto status = stub_.CreateUser(context().get(), request, &response);
  if (!status.ok()) fail("CreateUser", status);
  return account_of(response.account());
}

std::optional<Account> GrpcUserDirectory::get_user(std::int64_t id) {
  pb::GetUserRequest request;
  request.set_id(id);
  pb::GetUserResponse response;
  const auto status = stub_.GetUser(context().get(), request, &response);
  if (status.error_code() == grpc::StatusCode::NOT_FOUND) return std::nullopt;
  if (!status.ok()) fail("GetUser", status);
  return account_of(response.account());
}

std::optional<Account> GrpcUserDirectory::find_user(const LoginIdentifier& identifier) {
  pb::FindUserRequest request;
  switch (identifier.kind) {
    case LoginIdentifier::Kind::kUsername:
      request.set_username(identifier.value);
      break;
    case LoginIdentifier::Kind::kEmail:
      request.set_email(identifier.value);
      break;
    case LoginIdentifier::Kind::kPhone:
      request.set_phone(identifier.value);
      break;
  }
  pb::FindUserResponse response;
  const auto status = stub_.FindUser(context().get(), request, &response);
  // A malformed identifier cannot name an account either.
  if (status.error_code() == grpc::StatusCode::NOT_FOUND ||
      status.error_code() == grpc::StatusCode::INVALID_ARGUMENT) {
    return std::nullopt;
  }
  if (!status.ok()) fail("FindUser", status);
  return account_of(response.account());
}

void GrpcUserDirectory::delete_user(std::int64_t id) {
  pb::DeleteUserRequest request;
  request.set_id(id);
  pb::DeleteUserResponse response;
  const auto status = stub_.DeleteUser(context().get(), request, &response);
  if (status.error_code() == grpc::StatusCode::NOT_FOUND) return;
  if (!status.ok()) fail("DeleteUser", status);
}

}  // namespace fleet::auth
