#include "upstream/http_status.h"

#include <catch2/catch.hpp>

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
    CHECK(fleet::gateway::upstream::http_status_for(code) == http);
  }
}
