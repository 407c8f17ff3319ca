#include "api/accounts_client.h"

#include "fleet/common/error.h"
#include "fleet/common/logging.h"
#include "fleet/rpc/unary.h"

namespace fleet::repair_shop {

bool GrpcAccounts::exists(std::int64_t id) {
  fleetgate::user::v1::GetUserRequest request;
  request.set_id(id);
  fleetgate::user::v1::GetUserResponse response;
  const auto context = rpc::downstream_context(incoming_, timeout_);
  const grpc::Status status = stub_.GetUser(context.get(), request, &response);
  switch (status.error_code()) {
    case grpc::StatusCode::OK:
      return true;
    case grpc::StatusCode::NOT_FOUND:
    case grpc::StatusCode::INVALID_ARGUMENT:
      return false;
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
    case grpc::StatusCode::CANCELLED:
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      log::warn("user_service_unavailable", {{"method", "GetUser"},
                                             {"code", static_cast<int>(status.error_code())},
                                             {"cause", status.error_message()}});
      throw DomainError(ErrorCode::kUnavailable, "Service unavailable");
    default:
      log::error("user_service_failed", {{"method", "GetUser"},
                                         {"code", static_cast<int>(status.error_code())},
                                         {"cause", status.error_message()}});
      throw DomainError(ErrorCode::kInternal, "Internal error");
  }
}

}  // namespace fleet::repair_shop
