#pragma once
// gRPC status -> HTTP status, as grpc-gateway maps them, with one platform rule:
// ALREADY_EXISTS is 400 (PLATFORM.md: named rule failures such as "already exists" are 400).
#include <grpcpp/support/status_code_enum.h>

namespace fleet::gateway::upstream {

int http_status_for(grpc::StatusCode code);

}  // namespace fleet::gateway::upstream
