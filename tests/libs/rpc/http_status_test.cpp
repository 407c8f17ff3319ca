#include "fleet/rpc/http_status.h"

#include <catch2/catch.hpp>

#include "fleet/rpc/unary.h"

using grpc::StatusCode;

TEST_CASE("gRPC codes map to grpc-gateway's HTTP statuses", "[rpc]") {
  const std::pair<StatusCode, int> table[] = {
      {StatusCode::OK, 200},
      {StatusCode::CANCELLED, 499},
      {StatusCode::UNKNOWN, 500},
      {StatusCode::INVALID_ARGUMENT, 400},
      {StatusCode::DEADLINE_EXCEEDED, 504},
      {StatusCode::NOT_FOUND, 404},
      {StatusCode::ALREADY_EXISTS, 400},  // platform rule, not grpc-gateway's 409
      {StatusCode::PERMISSION_DENIED, 403},
      {StatusCode::UNAUTHENTICATED, 401},
      {StatusCode::RESOURCE_EXHAUSTED, 429},
      {StatusCode::FAILED_PRECONDITION, 400},
      {StatusCode::ABORTED, 409},
      {StatusCode::OUT_OF_RANGE, 400},
      {StatusCode::UNIMPLEMENTED, 501},
      {StatusCode::INTERNAL, 500},
      {StatusCode::UNAVAILABLE, 503},
      {StatusCode::DATA_LOSS, 500},
  };
  for (const auto& [code, http] : table) {
    INFO("grpc code " << code);
    CHECK(fleet::rpc::http_status_for(code) == http);
  }
}

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
