#include <catch2/catch.hpp>

#include "fleet/rpc/unary.h"

using grpc::StatusCode;

TEST_CASE("domain error codes map to gRPC codes", "[rpc]") {
  using fleet::ErrorCode;
  using fleet::rpc::to_grpc_code;
  CHECK(to_grpc_code(ErrorCode::kInvalidArgument) == StatusCode::INVALID_ARGUMENT);
  CHECK(to_grpc_code(ErrorCode::kNotFound) == StatusCode::NOT_FOUND);
  CHECK(to_grpc_code(ErrorCode::kAlreadyExists) == StatusCode::ALREADY_EXISTS);
  CHECK(to_grpc_code(ErrorCode::kPermissionDenied) == StatusCode::PERMISSION_DENIED);
  CHECK(to_grpc_code(ErrorCode::kUnauthenticated) == StatusCode::UNAUTHENTICATED);
  CHECK(to_grpc_code(ErrorCode::kFailedPrecondition) == StatusCode::FAILED_PRECONDITION);
  CHECK(to_grpc_code(ErrorCode::kAborted) == StatusCode::ABORTED);
  CHECK(to_grpc_code(ErrorCode::kUnavailable) == StatusCode::UNAVAILABLE);
  CHECK(to_grpc_code(ErrorCode::kInternal) == StatusCode::INTERNAL);
}
